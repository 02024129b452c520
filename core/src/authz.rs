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
    /// Non-ASN staff (PPNPN): a presence-only account on their own record (identified by
    /// `PPNPN-` and their NIK): their check-ins and work-from-home place, nothing else.
    Ppnpn,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "personal" => Some(Role::Personal),
            "fasilitator" => Some(Role::Fasilitator),
            "admin" => Some(Role::Admin),
            "ppnpn" => Some(Role::Ppnpn),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Personal => "personal",
            Role::Fasilitator => "fasilitator",
            Role::Admin => "admin",
            Role::Ppnpn => "ppnpn",
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
    /// List the records of a unit (`GET /v1/pegawai?unit=`).
    ListUnit,
    /// Who is due for KP, KGB, pensiun or Satya Lencana, over the records in reach.
    ListDue,
    /// Read the instansi's whole audit log.
    ReadAuditLog,
    /// Publish a new layanan catalogue (services switched on or off, a new SOP).
    PublishLayanan,
    /// Publish reference tables (a new jabatan fungsional, a changed usiaBup).
    PublishReferensi,
    /// Have the hub sign a document Berkas made (a daftar nominatif, a surat pengantar).
    SignDocument,
    /// Add or remove the instansi's own papers of a proposal (surat pengantar, DPCP): the
    /// facilitator of the unit prepares the proposal, so these are theirs.
    ProposalPaper,
    /// Make a backup of the hub now, and see the last one's age and check.
    ManageBackups,
    /// See which devices the hub has seen and which catalogue version each runs.
    ListDevices,
    /// Rekon mandiri: write the contact fields BKN keys its services on (go.id e-mail,
    /// personal e-mail, mobile number) of any ASN, and mark a go.id e-mail validated by the
    /// instansi. The BKD's right alone: a facilitator prepares and previews the file only.
    ReconcileContact,
    /// Helpdesk: the ASN opens tickets on their own record and writes their side of the
    /// thread; the facilitator of the unit (and the BKD) answers, moves and reassigns them.
    /// Which steps each side may write is checked by [`tiket_step_allowed`].
    Tiket,
    /// Send a one-time reset code to an ASN's registered phone or go.id e-mail, after checking
    /// their identity on a "lupa password" ticket. The code goes to the ASN only: whoever
    /// sends it never sees it, nor sets or learns the password.
    SendResetCode,
    /// The atasan langsung's right over their direct reports: see their submitted daily
    /// activities and approve or return them, with a reason; see their check-ins of a day
    /// (where they were, an izin keluar's reason). Nothing else of their records.
    /// Reached through [`may_as_atasan`]: the relation is the report's `atasan_nip`.
    Atasan,
    /// Publish the work arrangement (the period, hours, report times, holidays, who works at
    /// home, at the office or as usual): the BKD's.
    PublishPengaturan,
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
    /// The records whose `atasan_nip` is the principal's own NIP (their direct reports).
    Bawahan,
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
    // Who saw and changed the records of their units (reports and monitoring, capability 7).
    (Role::Fasilitator, Action::ReadAudit, Scope::Unit),
    (Role::Admin, Action::Read, Scope::Instansi),
    (Role::Admin, Action::ReadConfidential, Scope::Instansi),
    (Role::Admin, Action::WriteOfficial, Scope::Instansi),
    (Role::Admin, Action::Verify, Scope::Instansi),
    (Role::Admin, Action::ReadAudit, Scope::Instansi),
    (Role::Admin, Action::ManageUsers, Scope::Instansi),
    (Role::Fasilitator, Action::ListUnit, Scope::Unit),
    (Role::Admin, Action::ListUnit, Scope::Instansi),
    (Role::Personal, Action::ListDue, Scope::Own),
    (Role::Fasilitator, Action::ListDue, Scope::Unit),
    (Role::Admin, Action::ListDue, Scope::Instansi),
    (Role::Admin, Action::ReadAuditLog, Scope::Instansi),
    (Role::Admin, Action::PublishLayanan, Scope::Instansi),
    (Role::Admin, Action::PublishReferensi, Scope::Instansi),
    // A signed statement is about a document, not a record: the role's right, instansi-wide.
    (Role::Fasilitator, Action::SignDocument, Scope::Instansi),
    (Role::Admin, Action::SignDocument, Scope::Instansi),
    (Role::Fasilitator, Action::ProposalPaper, Scope::Unit),
    (Role::Admin, Action::ProposalPaper, Scope::Instansi),
    (Role::Admin, Action::ManageBackups, Scope::Instansi),
    (Role::Admin, Action::ListDevices, Scope::Instansi),
    (Role::Admin, Action::ReconcileContact, Scope::Instansi),
    (Role::Personal, Action::Tiket, Scope::Own),
    (Role::Fasilitator, Action::Tiket, Scope::Unit),
    (Role::Admin, Action::Tiket, Scope::Instansi),
    (Role::Fasilitator, Action::SendResetCode, Scope::Unit),
    (Role::Admin, Action::SendResetCode, Scope::Instansi),
    // An atasan is an ASN with reports, whatever their account's role.
    (Role::Personal, Action::Atasan, Scope::Bawahan),
    (Role::Fasilitator, Action::Atasan, Scope::Bawahan),
    (Role::Admin, Action::Atasan, Scope::Bawahan),
    (Role::Admin, Action::PublishPengaturan, Scope::Instansi),
    // Presence only: their own record read, its presence rows written (`may_write` keeps them
    // to those).
    (Role::Ppnpn, Action::Read, Scope::Own),
    (Role::Ppnpn, Action::WritePersonal, Scope::Own),
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

impl<'a> Target<'a> {
    /// No record in particular (the whole audit log, a catalogue, any blob): only a principal
    /// whose scope for the action is the instansi reaches it.
    pub const INSTANSI: Target<'static> = Target { pegawai_id: "", unit: None };

    /// A unit as a whole (its list, who of it is due).
    pub fn unit(unit: &'a str) -> Target<'a> {
        Target { pegawai_id: "", unit: Some(unit) }
    }
}

/// What the one authorization function answers: allowed, or refused with a stable code
/// (`forbidden.role`: the role may never; `forbidden.scope`: not this record or unit) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Deny { code: &'static str, reason: String },
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow)
    }

    fn deny(code: &'static str, reason: impl Into<String>) -> Decision {
        Decision::Deny { code, reason: reason.into() }
    }
}

/// The one authorization function: may `principal` do `action` to `target`? Every hub handler
/// and every device asks it; the table is [`RULES`].
pub fn may(principal: &Principal, action: Action, target: Target<'_>) -> Decision {
    let own = !target.pegawai_id.is_empty() && principal.pegawai_id.as_deref() == Some(target.pegawai_id);
    let in_units = || target.unit.is_some_and(|u| principal.units.iter().any(|mine| mine == u));
    let allowed = match scope(principal.role, action) {
        Scope::None => {
            return Decision::deny("forbidden.role", format!("a {} may not do this", principal.role.as_str()))
        }
        Scope::Own => own,
        Scope::Unit => own || in_units(),
        Scope::Instansi => true,
        // The relation is not in a target: `may_as_atasan` judges it.
        Scope::Bawahan => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::deny("forbidden.scope", "this record is not in your scope")
    }
}

/// May `principal`, whose own NIP is `own_nip`, do `action` as the atasan of a record whose
/// `atasan_nip` is `record_atasan`? Only where the table gives the action the `Bawahan` scope.
pub fn may_as_atasan(
    principal: &Principal,
    action: Action,
    own_nip: Option<&str>,
    record_atasan: Option<&str>,
) -> Decision {
    if scope(principal.role, action) != Scope::Bawahan {
        return Decision::deny("forbidden.role", format!("a {} may not do this", principal.role.as_str()));
    }
    match (own_nip.filter(|n| !n.is_empty()), record_atasan) {
        (Some(mine), Some(theirs)) if mine == theirs => Decision::Allow,
        _ => Decision::deny("forbidden.scope", "you are not this ASN's atasan langsung"),
    }
}

/// One write to one row, as a device makes it and the hub judges it.
#[derive(Debug, Clone)]
pub struct RowWrite<'a> {
    pub entity: Entity,
    /// The fields written.
    pub fields: Vec<&'a str>,
    /// The row is added or deleted (not only changed).
    pub creating_or_deleting: bool,
    /// For a request: the status the write sets, if it sets one.
    pub status: Option<&'a str>,
    /// A document row that belongs to a proposal (the instansi's papers).
    pub of_proposal: bool,
    /// For a step of a ticket: who wrote it (`PEMOHON` or `PETUGAS`).
    pub peran: Option<&'a str>,
}

impl<'a> RowWrite<'a> {
    /// A change of `fields` of a row that exists.
    pub fn fields(entity: Entity, fields: Vec<&'a str>) -> RowWrite<'a> {
        RowWrite { entity, fields, creating_or_deleting: false, status: None, of_proposal: false, peran: None }
    }
}

/// May `principal` make this write to the record `target`? The rules of [`RULES`], the single
/// writer of each field, and a request's steps, in one answer.
pub fn may_write(principal: &Principal, w: &RowWrite<'_>, target: Target<'_>) -> Decision {
    if !may(principal, Action::Read, target).is_allowed() {
        // The same answer whether the record exists or not.
        return Decision::deny("forbidden.scope", "this record is not in your scope");
    }
    if principal.role == Role::Ppnpn && !matches!(w.entity, Entity::Presensi | Entity::TempatWfh) {
        return Decision::deny("forbidden.role", "a presence-only account records check-ins and its place only");
    }
    let adjust = |a: Action| if w.of_proposal && a == Action::AddDocument { Action::ProposalPaper } else { a };
    if w.creating_or_deleting {
        let action = if w.entity == Entity::DataUtama { Action::WriteOfficial } else { adjust(row_action(w.entity)) };
        if !may(principal, action, target).is_allowed() {
            let table = w.entity.def().table;
            return Decision::deny("forbidden.row", format!("your role may not add or delete {table} rows"));
        }
    }
    if let Some(denied) = once_written(w).or_else(|| tiket_step_denied(principal, w, target)) {
        return denied;
    }
    for field in &w.fields {
        match write_action(w.entity, field) {
            None => return Decision::deny("field.unknown", format!("{} has no field {field}", w.entity.def().table)),
            Some(action)
                if !may(principal, adjust(action), target).is_allowed()
                    && !reconciles(principal, w.entity, field, target) =>
            {
                return Decision::deny("forbidden.field", format!("your role may not change {field} of this record"));
            }
            Some(_) => {}
        }
        // The atasan's approval and return are written by the hub on their decision, never by a
        // device: the ASN drafts and submits.
        if w.entity == Entity::Aktivitas && *field == "status" && !matches!(w.status, None | Some("DRAFT" | "DIAJUKAN"))
        {
            return Decision::deny("aktivitas.status", "an activity is approved or returned by the atasan only");
        }
        if w.entity == Entity::Usulan && !usulan_write_allowed(principal.role, field, w.status) {
            let to = w.status.map(|s| format!(" to {s}")).unwrap_or_default();
            return Decision::deny("forbidden.usulan", format!("your role may not set {field}{to} of a request"));
        }
    }
    Decision::Allow
}

impl Principal {
    /// May this principal do `action` to the record `target`? (`may`, as a yes or no.)
    pub fn may(&self, action: Action, target: Target<'_>) -> bool {
        may(self, action, target).is_allowed()
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

/// The contact fields rekon mandiri reconciles: the ASN owns them, and the BKD may also write
/// them (BKN's letter 685/B-SI.01.01/SD/E.III/2021 makes the instansi answer for them).
pub fn is_contact_field(entity: Entity, field: &str) -> bool {
    entity == Entity::DataUtama && matches!(field, "email" | "email_gov" | "no_hp")
}

/// May `principal` write `field` as the instansi's reconciliation of contact data?
fn reconciles(principal: &Principal, entity: Entity, field: &str, target: Target<'_>) -> bool {
    is_contact_field(entity, field) && may(principal, Action::ReconcileContact, target).is_allowed()
}

/// The action that writing a field of `entity` needs: the field's single owner decides.
pub fn write_action(entity: Entity, field: &str) -> Option<Action> {
    let owner = entity.def().field(field)?.owner;
    Some(match (owner, entity) {
        (Owner::Verifier, _) => Action::Verify,
        (_, Entity::Dokumen) => Action::AddDocument,
        (_, Entity::Usulan) => Action::Usulan,
        (Owner::Personal, Entity::TiketPesan) => Action::Tiket,
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
        (_, Entity::TiketPesan) => Action::Tiket,
        (Owner::Personal, _) => Action::WritePersonal,
        (Owner::Admin, _) => Action::WriteOfficial,
    }
}

/// A ticket's steps and a rating are written once: changing one afterwards would rewrite what
/// the other side already read (and a rating is given once).
fn once_written(w: &RowWrite<'_>) -> Option<Decision> {
    match w.entity {
        _ if w.creating_or_deleting => None,
        Entity::TiketPesan => {
            Some(Decision::deny("tiket.step_fixed", "a step of a ticket is never changed; add a new one"))
        }
        Entity::Penilaian => Some(Decision::deny("penilaian.once", "a rating is given once")),
        // Where someone was is what they reported then; a later edit would rewrite the recap.
        Entity::Presensi => {
            Some(Decision::deny("presensi.fixed", "a check-in is never changed; report again at the next time"))
        }
        _ => None,
    }
}

/// A step of a ticket names its writer: the requester writes on their own record, the
/// facilitator and the BKD as the helpdesk; each side sets only its own statuses.
fn tiket_step_denied(principal: &Principal, w: &RowWrite<'_>, target: Target<'_>) -> Option<Decision> {
    if w.entity != Entity::TiketPesan || !w.creating_or_deleting || w.fields.is_empty() {
        return None;
    }
    let own = principal.pegawai_id.as_deref().is_some_and(|p| !p.is_empty() && p == target.pegawai_id);
    let helpdesk = matches!(principal.role, Role::Fasilitator | Role::Admin);
    let allowed = match w.peran {
        Some("PEMOHON") => own,
        Some("PETUGAS") => helpdesk,
        _ => false,
    };
    if !allowed {
        return Some(Decision::deny(
            "tiket.peran",
            "a step is written by the requester on their own ticket or by the helpdesk",
        ));
    }
    if !tiket_step_allowed(w.peran.unwrap_or_default(), w.status) {
        let status = w.status.unwrap_or_default();
        return Some(Decision::deny(
            "tiket.status",
            format!("the {} may not set a ticket to {status}", w.peran.unwrap_or_default().to_lowercase()),
        ));
    }
    None
}

/// The statuses each side of a ticket may set: the requester opens it, reopens it by a reply
/// and may close it; the helpdesk handles it, asks the requester, resolves and closes it.
pub fn tiket_step_allowed(peran: &str, status: Option<&str>) -> bool {
    match peran {
        "PEMOHON" => status.is_none_or(|s| matches!(s, "BARU" | "DIPROSES" | "DITUTUP")),
        "PETUGAS" => status.is_none_or(|s| matches!(s, "DIPROSES" | "MENUNGGU_PEMOHON" | "SELESAI" | "DITUTUP")),
        _ => false,
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
        Role::Ppnpn => false,
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
    fn a_presence_only_account_writes_its_own_check_ins_and_place_only() {
        let staff = p(Role::Ppnpn, "me", &[]);
        let mine = Target { pegawai_id: "me", unit: Some("UNIT-A") };
        let other = Target { pegawai_id: "you", unit: Some("UNIT-A") };
        let check_in = RowWrite {
            creating_or_deleting: true,
            ..RowWrite::fields(Entity::Presensi, vec!["jenis", "lintang", "bujur", "waktu_perangkat"])
        };
        assert!(may_write(&staff, &check_in, mine).is_allowed());
        assert!(may_write(&staff, &RowWrite::fields(Entity::TempatWfh, vec!["lintang", "bujur"]), mine).is_allowed());
        assert!(!may_write(&staff, &check_in, other).is_allowed(), "nobody else's");
        let denied = |w: RowWrite<'_>| match may_write(&staff, &w, mine) {
            Decision::Deny { code, .. } => code,
            Decision::Allow => "allowed",
        };
        assert_eq!(denied(RowWrite::fields(Entity::DataUtama, vec!["alamat"])), "forbidden.role");
        let activity = RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::Aktivitas, vec!["uraian"]) };
        assert_eq!(denied(activity), "forbidden.role", "daily activities against SKP are the ASN's");
        let ticket = RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::Tiket, vec!["judul"]) };
        assert_eq!(denied(ticket), "forbidden.role");
        assert!(staff.may(Action::Read, mine) && !staff.may(Action::ListUnit, Target::unit("UNIT-A")));
        assert!(!usulan_write_allowed(Role::Ppnpn, "answers", Some("DRAFT")));
        assert_eq!(Role::parse(Role::Ppnpn.as_str()), Some(Role::Ppnpn));
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

    #[test]
    fn only_the_bkd_reconciles_contact_data_of_others() {
        let other = Target { pegawai_id: "x", unit: Some("UNIT-A") };
        let contact = RowWrite::fields(Entity::DataUtama, vec!["email_gov", "no_hp"]);
        let admin = p(Role::Admin, "bkd", &[]);
        assert_eq!(may_write(&admin, &contact, other), Decision::Allow);
        let fas = p(Role::Fasilitator, "fas", &["UNIT-A"]);
        assert!(!may_write(&fas, &contact, other).is_allowed(), "a facilitator only previews");
        let asn = p(Role::Personal, "y", &[]);
        assert!(!may_write(&asn, &contact, other).is_allowed());
        // The right reaches the contact fields only, not the rest the ASN owns.
        let family = RowWrite::fields(Entity::DataUtama, vec!["alamat"]);
        assert!(!may_write(&admin, &family, other).is_allowed());
        // Marking an address validated is the instansi's own (official) field.
        let mark = RowWrite::fields(Entity::DataUtama, vec!["email_gov_valid", "email_gov_valid_oleh"]);
        assert_eq!(may_write(&admin, &mark, other), Decision::Allow);
        assert!(!may_write(&fas, &mark, other).is_allowed());
    }
}
