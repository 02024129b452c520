//! One authorization table: for random writes (who, which record, which group and field, a new
//! row or a changed one) the decision a device takes with core's `authz::may_write` before it
//! offers the edit is the answer the hub gives over HTTP when the change arrives, refusal code
//! and all, on both storage backends.

mod common;

use berkas_core::authz::{self, Decision, Principal, Role, RowWrite, Target};
use berkas_core::model::Entity;
use berkas_core::sync::{Hlc, HlcClock};
use berkas_server::{demo, router, AppState};
use common::Backend;
use reqwest::Client;
use serde_json::{json, Value};
use std::sync::Arc;

const PW: &str = "rahasia-demo";

/// (group, field, a valid value): every kind of owner (the ASN, the BKD, the verifier), the
/// documents' and requests' own rules, confidential groups.
const WRITES: &[(Entity, &str, &str)] = &[
    (Entity::DataUtama, "no_hp", "081311112222"),
    (Entity::DataUtama, "alamat", "Jl. Uji 1"),
    (Entity::DataUtama, "agama_id", "1"),
    (Entity::DataUtama, "nama", "Nama Uji"),
    (Entity::DataUtama, "gol_ruang_akhir_id", "33"),
    (Entity::DataUtama, "jabatan_nama", "Analis Uji"),
    (Entity::Anak, "nama", "Anak Uji"),
    (Entity::OrangTua, "nama", "Ibu Uji"),
    (Entity::RiwayatGolongan, "sk_nomor", "SK/UJI/1"),
    (Entity::RiwayatHukdis, "sk_nomor", "HD/UJI/1"),
    (Entity::RiwayatKesehatan, "keterangan", "Sehat"),
    (Entity::Teguran, "alasan", "Dokumen tidak asli"),
    (Entity::Dokumen, "nama_file", "uji.pdf"),
    (Entity::Dokumen, "verifikasi", "DITERIMA"),
    (Entity::Usulan, "answers", "{}"),
    (Entity::Usulan, "status_reason", "Lengkapi"),
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

struct Account {
    token: String,
    principal: Principal,
}

async fn login(http: &Client, base: &str, user: &str) -> Account {
    let v: Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"username": user, "password": PW}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let p = &v["principal"];
    let principal = Principal {
        username: p["username"].as_str().expect("username").into(),
        role: Role::parse(p["role"].as_str().expect("role")).expect("a role"),
        pegawai_id: p["pegawai_id"].as_str().map(str::to_string),
        units: p["units"]
            .as_array()
            .map(|u| u.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
    };
    Account { token: v["access_token"].as_str().expect("token").into(), principal }
}

async fn device_decisions_are_the_hubs_answers(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(backend, dir.path()).await;
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store.clone(), blobs).expect("state");
    let summary = demo::seed(&state, PW, 3).await.expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let http = Client::new();

    // Records: two of UNIT-A, one of UNIT-B (id, unit, NIP).
    let mut records = Vec::new();
    for (nip, unit) in summary
        .asn
        .iter()
        .filter(|(_, u)| u == "UNIT-A")
        .take(2)
        .chain(summary.asn.iter().filter(|(_, u)| u == "UNIT-B").take(1))
    {
        let e = store.pegawai_by_nip(nip).await.expect("entry").expect("record");
        records.push((e.id, unit.clone(), nip.clone()));
    }
    let accounts = [
        login(&http, &base, "admin").await,
        login(&http, &base, "fas-a").await,
        login(&http, &base, "fas-b").await,
        login(&http, &base, &records[0].2).await,
    ];
    let mut rng = Rng(0x5eed_0000 + backend as u64);
    let mut clock = HlcClock::default();
    let (mut allowed, mut denied) = (0, 0);
    for case in 0..160 {
        let who = &accounts[rng.below(accounts.len())];
        let (pegawai, unit, _) = &records[rng.below(records.len())];
        let (entity, field, value) = WRITES[rng.below(WRITES.len())];
        // Data utama rows exist; a riwayat, document or request row is new.
        let creating = entity != Entity::DataUtama;
        let row = if creating { uuid::Uuid::now_v7().to_string() } else { pegawai.clone() };
        let write = RowWrite { creating_or_deleting: creating, ..RowWrite::fields(entity, vec![field]) };
        let device = authz::may_write(&who.principal, &write, Target { pegawai_id: pegawai, unit: Some(unit) });

        let hlc: Hlc = clock.tick(HlcClock::now_ms());
        let change = json!({"id": uuid::Uuid::now_v7().to_string(), "entity": entity.key(), "row": row,
            "pegawai": pegawai, "fields": { field: value }, "hlc": hlc, "device": "prop"});
        let out: Value = http
            .post(format!("{base}/v1/sync/push"))
            .bearer_auth(&who.token)
            .header("x-berkas-protocol", "1")
            .json(&json!({ "changes": [change] }))
            .send()
            .await
            .expect("push")
            .json()
            .await
            .expect("json");
        let outcome = &out["outcomes"][0];
        let hub_code = outcome["code"].as_str().filter(|c| c.starts_with("forbidden."));
        let context = format!(
            "case {case}: {} ({:?}) writes {}.{field} of a {unit} record: device {device:?}, hub {outcome}",
            who.principal.username,
            who.principal.role,
            entity.key()
        );
        match device {
            Decision::Allow => {
                assert_eq!(hub_code, None, "{context}");
                allowed += 1;
            }
            Decision::Deny { code, .. } => {
                assert_eq!(hub_code, Some(code), "{context}");
                denied += 1;
            }
        }
    }
    assert!(allowed > 20 && denied > 20, "both answers are exercised: {allowed} allowed, {denied} denied");
}

#[tokio::test]
async fn device_decisions_are_the_hubs_answers_sqlite() {
    device_decisions_are_the_hubs_answers(Backend::Sqlite).await
}

#[tokio::test]
async fn device_decisions_are_the_hubs_answers_postgres() {
    device_decisions_are_the_hubs_answers(Backend::Postgres).await
}
