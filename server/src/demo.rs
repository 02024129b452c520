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
    let mut docs: Vec<_> =
        (0..per_unit * 2).map(|i| pegawai_document(&mut rng, i, UNITS[(i % 2) as usize], today)).collect();
    // The first ASN of each unit is the atasan langsung of the unit's others (daily activities).
    for unit in 0..2usize.min(docs.len()) {
        let atasan = docs[unit]["dataUtama"]["nipBaru"].clone();
        for d in docs.iter_mut().skip(unit + 2).step_by(2) {
            d["dataUtama"]["atasanNipBerkas"] = atasan.clone();
        }
    }
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

/// Has the first `n` ASN of UNIT-A submit a kartu pegawai request, pushed as each ASN's own
/// device would (through the hub's judgement of a push, under the ASN's principal): a
/// facilitator's queue of `n` waiting requests, for the desktop's queue benchmark. Seeded once.
pub async fn seed_requests(state: &AppState, n: usize) -> Result<usize, ApiError> {
    use berkas_core::model::{Entity, FieldMap, Value};
    use berkas_core::sync::{Change, HlcClock};

    if n == 0 || state.store.setting("demo.requests").await?.is_some() {
        return Ok(0);
    }
    let catalog = crate::service::layanan_catalog(state).await?;
    let def = catalog.get("kartu_pegawai").ok_or_else(|| ApiError::internal("no kartu_pegawai in the catalogue"))?;
    let unit = state.store.list_pegawai(Some(UNITS[0]), n as u32, 0).await?;
    let mut clock = HlcClock::new(Default::default());
    let mut made = 0;
    for p in unit {
        let Some(user) = state.store.user(&p.nip).await? else { continue };
        let at = crate::store::now_text();
        let history = serde_json::json!([
            { "status": "DRAFT", "at": at, "by": p.nip },
            { "status": "SUBMITTED", "at": at, "by": p.nip },
        ]);
        let fields: FieldMap = [
            ("layanan_id", Value::Text(def.id.clone())),
            ("layanan_versi", Value::Int(i64::from(def.versi))),
            ("answers", Value::Text("{}".into())),
            ("status", Value::Text("SUBMITTED".into())),
            ("status_at", Value::Text(at.clone())),
            ("status_by", Value::Text(p.nip.clone())),
            ("history", Value::Text(history.to_string())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let change = Change {
            id: uuid::Uuid::now_v7().to_string(),
            entity: Entity::Usulan,
            row: uuid::Uuid::now_v7().to_string(),
            pegawai: p.id.clone(),
            delete: false,
            fields,
            hlc: clock.tick(HlcClock::now_ms()),
            device: format!("demo-{}", p.nip),
            base: None,
        };
        let outcome = crate::service::push_batch(state, &crate::auth::principal_of(&user), vec![change]).await?;
        if outcome.iter().any(|o| o.seq.is_none()) {
            return Err(ApiError::internal(format!("a demo request was refused: {outcome:?}")));
        }
        made += 1;
    }
    state.store.set_setting("demo.requests", &made.to_string()).await?;
    Ok(made)
}
