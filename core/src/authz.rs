//! Who may do what to whose record: one table of rules (role x action -> scope) and the field
//! ownership in the entity definitions (single writer per field). The server enforces it on
//! every request and every synced change; devices ask the same functions so the UI never offers
//! what will be refused.

use serde::{Deserialize, Serialize};

use crate::model::{Entity, Owner};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Every ASN: their own record.
    Personal,
    /// Pengelola kepegawaian of an OPD: the ASN of their assigned units.
    Fasilitator,
    /// BKD staff: the whole instansi.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "personal" => Some(Role::Personal),
            "fasilitator" => Some(Role::Fasilitator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Personal => "personal",
            Role::Fasilitator => "fasilitator",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read a record (data utama and ordinary riwayat).
    Read,
    /// Read confidential groups (hukuman disiplin, health).
    ReadConfidential,
    /// Write fields owned by the ASN (contact data, family).
    WritePersonal,
    /// Write official fields (career data from an SK, hukdis).
    WriteOfficial,
    /// Record verification decisions on proposed changes and documents.
    Verify,
    /// Add or remove a document (its metadata row): the ASN for their own record, the BKD for
    /// everyone (it issues the SKs). A facilitator writes only verification decisions on the
    /// records of their units, so only their own documents.
    AddDocument,
    /// Make and move a layanan request: the ASN fills and submits their own, the facilitator
    /// of the unit (and the BKD) reviews and decides. Which statuses each may set is checked
    /// by [`usulan_write_allowed`].
    Usulan,
    /// Read the audit trail of a record.
    ReadAudit,
    /// Add users, grant and revoke roles and unit assignments.
    ManageUsers,
}

/// How far an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Not at all.
    None,
    /// The principal's own record.
    Own,
    /// Records of the units assigned to the principal (and their own).
    Unit,
    /// Every record of the instansi.
    Instansi,
}

/// The rules. Anything not listed is `Scope::None`.
pub const RULES: &[(Role, Action, Scope)] = &[
    (Role::Personal, Action::Read, Scope::Own),
    (Role::Personal, Action::ReadConfidential, Scope::Own),
    (Role::Personal, Action::WritePersonal, Scope::Own),
    (Role::Personal, Action::ReadAudit, Scope::Own),
    (Role::Personal, Action::AddDocument, Scope::Own),
    (Role::Fasilitator, Action::AddDocument, Scope::Own),
    (Role::Admin, Action::AddDocument, Scope::Instansi),
    (Role::Personal, Action::Usulan, Scope::Own),
    (Role::Fasilitator, Action::Usulan, Scope::Unit),
    (Role::Admin, Action::Usulan, Scope::Instansi),
    (Role::Fasilitator, Action::Read, Scope::Unit),
    (Role::Fasilitator, Action::ReadConfidential, Scope::Own),
    (Role::Fasilitator, Action::WritePersonal, Scope::Own),
    (Role::Fasilitator, Action::Verify, Scope::Unit),
    (Role::Fasilitator, Action::ReadAudit, Scope::Own),
    (Role::Admin, Action::Read, Scope::Instansi),
    (Role::Admin, Action::ReadConfidential, Scope::Instansi),
    (Role::Admin, Action::WriteOfficial, Scope::Instansi),
    (Role::Admin, Action::Verify, Scope::Instansi),
    (Role::Admin, Action::ReadAudit, Scope::Instansi),
    (Role::Admin, Action::ManageUsers, Scope::Instansi),
];

pub fn scope(role: Role, action: Action) -> Scope {
    RULES.iter().find(|(r, a, _)| *r == role && *a == action).map(|(_, _, s)| *s).unwrap_or(Scope::None)
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Principal {
    pub username: String,
    pub role: Role,
    /// The principal's own pegawai record, if they are an ASN.
    pub pegawai_id: Option<String>,
    /// Units assigned to a facilitator.
    pub units: Vec<String>,
}

/// The record an action touches.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub pegawai_id: &'a str,
    pub unit: Option<&'a str>,
}

impl Principal {
    /// May this principal do `action` to the record `target`?
    pub fn may(&self, action: Action, target: Target<'_>) -> bool {
        let own = self.pegawai_id.as_deref() == Some(target.pegawai_id);
        match scope(self.role, action) {
            Scope::None => false,
            Scope::Own => own,
            Scope::Unit => own || target.unit.is_some_and(|u| self.units.iter().any(|mine| mine == u)),
            Scope::Instansi => true,
        }
    }

    /// May this principal read the given group of the record?
    pub fn may_read(&self, entity: Entity, target: Target<'_>) -> bool {
        let action = if is_confidential(entity) { Action::ReadConfidential } else { Action::Read };
        self.may(action, target)
    }
}

/// Groups only the ASN themselves and the BKD may see (UU PDP specific data).
pub fn is_confidential(entity: Entity) -> bool {
    matches!(entity, Entity::RiwayatHukdis | Entity::RiwayatKesehatan)
}

/// The action that writing a field of `entity` needs: the field's single owner decides.
pub fn write_action(entity: Entity, field: &str) -> Option<Action> {
    let owner = entity.def().field(field)?.owner;
    Some(match (owner, entity) {
        (Owner::Verifier, _) => Action::Verify,
        (_, Entity::Dokumen) => Action::AddDocument,
        (_, Entity::Usulan) => Action::Usulan,
        (Owner::Personal, _) => Action::WritePersonal,
        (Owner::Admin, _) => Action::WriteOfficial,
    })
}

/// The action that adding or deleting a row of `entity` needs.
pub fn row_action(entity: Entity) -> Action {
    match (entity.def().owner, entity) {
        (Owner::Verifier, _) => Action::Verify,
        (_, Entity::Dokumen) => Action::AddDocument,
        (_, Entity::Usulan) => Action::Usulan,
        (Owner::Personal, _) => Action::WritePersonal,
        (Owner::Admin, _) => Action::WriteOfficial,
    }
}

/// Whether `role` may put a request into `status`, and change `field` of it: the ASN drafts,
/// submits and resubmits and owns the answers; reviewers move it through review to a decision.
pub fn usulan_write_allowed(role: Role, field: &str, status: Option<&str>) -> bool {
    let asn_fields = ["layanan_id", "layanan_versi", "answers"];
    match role {
        Role::Personal => {
            field != "status_reason"
                && status.is_none_or(|s| matches!(s, "DRAFT" | "SUBMITTED" | "RESUBMITTED" | "APPLIED"))
        }
        Role::Fasilitator | Role::Admin => {
            !asn_fields.contains(&field)
                && status.is_none_or(|s| matches!(s, "IN_REVIEW" | "RETURNED" | "APPROVED" | "REJECTED" | "COMPLETED"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, own: &str, units: &[&str]) -> Principal {
        Principal {
            username: "u".into(),
            role,
            pegawai_id: Some(own.into()),
            units: units.iter().map(|u| u.to_string()).collect(),
        }
    }

    #[test]
    fn the_rule_table_has_one_entry_per_role_and_action() {
        for (i, (r, a, _)) in RULES.iter().enumerate() {
            assert!(!RULES[i + 1..].iter().any(|(r2, a2, _)| r2 == r && a2 == a), "{r:?} {a:?} twice");
        }
    }

    #[test]
    fn personal_own_record_only() {
        let asn = p(Role::Personal, "me", &[]);
        let mine = Target { pegawai_id: "me", unit: Some("UNIT-A") };
        let other = Target { pegawai_id: "you", unit: Some("UNIT-A") };
        assert!(asn.may(Action::Read, mine) && asn.may(Action::WritePersonal, mine));
        assert!(!asn.may(Action::Read, other) && !asn.may(Action::WriteOfficial, mine));
        assert!(asn.may_read(Entity::RiwayatHukdis, mine));
    }

    #[test]
    fn facilitator_reads_the_unit_but_writes_only_own_contact_data() {
        let fas = p(Role::Fasilitator, "fas", &["UNIT-A"]);
        let a = Target { pegawai_id: "x", unit: Some("UNIT-A") };
        let b = Target { pegawai_id: "y", unit: Some("UNIT-B") };
        assert!(fas.may(Action::Read, a) && fas.may(Action::Verify, a));
        assert!(!fas.may(Action::Read, b) && !fas.may(Action::Verify, b));
        assert!(!fas.may(Action::WritePersonal, a), "never another ASN's phone or e-mail");
        assert!(!fas.may_read(Entity::RiwayatHukdis, a), "hukdis is confidential");
        assert!(fas.may(Action::WritePersonal, Target { pegawai_id: "fas", unit: Some("UNIT-A") }));
    }

    #[test]
    fn field_owner_decides_the_write_action() {
        assert_eq!(write_action(Entity::DataUtama, "no_hp"), Some(Action::WritePersonal));
        assert_eq!(write_action(Entity::DataUtama, "gol_ruang_akhir_id"), Some(Action::WriteOfficial));
        assert_eq!(write_action(Entity::DataUtama, "nope"), None);
        assert_eq!(row_action(Entity::Anak), Action::WritePersonal);
        assert_eq!(row_action(Entity::RiwayatHukdis), Action::WriteOfficial);
        assert_eq!(row_action(Entity::Dokumen), Action::AddDocument);
        assert_eq!(write_action(Entity::Dokumen, "readability"), Some(Action::AddDocument));
        assert_eq!(scope(Role::Personal, Action::AddDocument), Scope::Own);
        assert_eq!(scope(Role::Fasilitator, Action::AddDocument), Scope::Own);
        assert_eq!(scope(Role::Admin, Action::AddDocument), Scope::Instansi);
    }
}
