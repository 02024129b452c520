//! The demo instansi: units UNIT-A and UNIT-B with synthetic ASN (valid NIP/NIK pairs, riwayat),
//! an administrator `admin`, facilitators `fas-a` and `fas-b`, and an account for every ASN
//! whose username is their NIP, all with one password. Records enter through the same merge
//! path as synced changes.

use berkas_core::authz::Role;
use berkas_core::model::{normalize, Entity, FieldMap};
use berkas_core::siasn::parse_document;
use berkas_core::sync::{Change, Hlc, HlcClock};
use berkas_core::synth::{pegawai_document, Rng};

use crate::api::AppState;
use crate::auth::hash_password;
use crate::error::ApiError;
use crate::store::User;

pub const UNITS: [&str; 2] = ["UNIT-A", "UNIT-B"];
/// The synthetic ASN's seed: the demo is the same instansi every time.
pub const SEED: u64 = 20261123;

/// What was seeded, for the console and tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub created: bool,
    pub asn: Vec<(String, String)>,
}

/// Seeds the demo unless the data already has an `admin`. `per_unit` ASN in each unit.
pub async fn seed(state: &AppState, password: &str, per_unit: u64) -> Result<DemoSummary, ApiError> {
    if state.store.user("admin").await?.is_some() {
        let asn = state
            .store
            .list_pegawai(None, 10_000, 0)
            .await?
            .into_iter()
            .map(|p| (p.nip, p.unit.unwrap_or_default()))
            .collect();
        return Ok(DemoSummary { created: false, asn });
    }
    let pw = password.to_string();
    // One hash for every demo account: they share the password by design.
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw)).await.map_err(ApiError::internal)??;
    let account = |username: &str, role: Role, pegawai_id: Option<String>, units: Vec<String>| User {
        username: username.into(),
        password_hash: hash.clone(),
        role,
        pegawai_id,
        units,
        disabled: false,
        scope_version: 1,
    };
    state.store.upsert_user(&account("admin", Role::Admin, None, vec![])).await?;
    state.store.upsert_user(&account("fas-a", Role::Fasilitator, None, vec!["UNIT-A".into()])).await?;
    state.store.upsert_user(&account("fas-b", Role::Fasilitator, None, vec!["UNIT-B".into()])).await?;

    let today = berkas_core::model::today();
    let mut rng = Rng::new(SEED);
    let mut clock = HlcClock::default();
    let mut asn = Vec::new();
    for i in 0..per_unit * 2 {
        let unit = UNITS[(i % 2) as usize];
        let doc = pegawai_document(&mut rng, i, unit, today);
        let parsed = parse_document(&doc).map_err(|e| ApiError::internal(format!("demo document {i}: {e:?}")))?;
        let pegawai_id = uuid::Uuid::now_v7().to_string();
        let mut groups = vec![(Entity::DataUtama, pegawai_id.clone(), parsed.data_utama)];
        for (entity, _, fields) in parsed.riwayat {
            groups.push((entity, uuid::Uuid::now_v7().to_string(), fields));
        }
        let mut nip = String::new();
        for (entity, row, fields) in groups {
            let mut clean = FieldMap::new();
            for (def, value) in fields {
                let v = normalize(def, value).map_err(|e| ApiError::internal(format!("demo value: {e}")))?;
                clean.insert(def.name.to_string(), v);
            }
            if entity == Entity::DataUtama {
                nip = clean.get("nip_baru").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            }
            let hlc: Hlc = clock.tick(HlcClock::now_ms());
            let change = Change {
                id: uuid::Uuid::now_v7().to_string(),
                entity,
                row,
                pegawai: pegawai_id.clone(),
                delete: false,
                fields: clean,
                hlc,
                device: "server-demo".into(),
                base: None,
            };
            state.store.apply(change, "demo").await?;
        }
        state.store.upsert_user(&account(&nip, Role::Personal, Some(pegawai_id), vec![])).await?;
        asn.push((nip, unit.to_string()));
    }
    Ok(DemoSummary { created: true, asn })
}
