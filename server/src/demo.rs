//! The demo instansi: units UNIT-A and UNIT-B with synthetic ASN (valid NIP/NIK pairs, riwayat),
//! an administrator `admin`, facilitators `fas-a` and `fas-b`, and an account for every ASN
//! whose username is their NIP, all with one password. Records enter as a BKD's do: SIASN
//! documents through the hub's import, as logged changes devices pull.

use berkas_core::authz::Role;
use berkas_core::synth::{pegawai_document, Rng};

use crate::accounts::hash_password;
use crate::error::ApiError;
use crate::siasn_import::import_documents;
use crate::state::AppState;
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

    // The records come in as a BKD's do: SIASN documents through the hub's import.
    let today = berkas_core::model::today();
    let mut rng = Rng::new(SEED);
    let docs: Vec<_> =
        (0..per_unit * 2).map(|i| pegawai_document(&mut rng, i, UNITS[(i % 2) as usize], today)).collect();
    let asn: Vec<(String, String)> = docs
        .iter()
        .map(|d| {
            let text = |f: &str| d["dataUtama"][f].as_str().unwrap_or_default().to_string();
            (text("nipBaru"), text("unitBerkas"))
        })
        .collect();
    let report = import_documents(state, docs, "demo").await.map_err(ApiError::internal)?;
    if let Some(p) = report.refused.first() {
        return Err(ApiError::internal(format!("demo document {} refused: {:?}", p.index, p.errors)));
    }
    let ids = state.store.pegawai_by_nips(asn.iter().map(|(nip, _)| nip.clone()).collect()).await?;
    for e in ids {
        state.store.upsert_user(&account(&e.nip, Role::Personal, Some(e.id), vec![])).await?;
    }
    Ok(DemoSummary { created: true, asn })
}
