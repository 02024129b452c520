//! The hub's signing on both backends: one key however many hub processes start at once, kept
//! across restarts; requests checked before anything is signed or recorded; the register
//! answers what was signed under a code, and the answer checks with the published key.

mod common;

use berkas_core::signing::{PublicKey, Signed, Statement};
use berkas_server::signing_api::HubKey;
use berkas_server::{demo, router, AppState};
use common::Backend;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

const PW: &str = "rahasia-demo";

async fn one_key_for_every_hub_process_kept_across_restarts(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let loading: Vec<_> = (0..8)
        .map(|_| {
            let place = place.clone();
            tokio::spawn(async move {
                let store = common::open(&place).await.expect("open");
                HubKey::load(store.as_ref()).await.map(|k| k.public.to_hex()).map_err(|e| e.message)
            })
        })
        .collect();
    let mut keys = vec![];
    for l in loading {
        keys.push(l.await.expect("task").expect("a key"));
    }
    keys.dedup();
    assert_eq!(keys.len(), 1, "hub processes starting together made different keys");
    let reopened = common::open(&place).await.expect("reopen");
    assert_eq!(HubKey::load(reopened.as_ref()).await.expect("key").public.to_hex(), keys[0]);
}

async fn requests_are_checked_and_what_is_signed_is_registered(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(backend, dir.path()).await;
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store, blobs).expect("state");
    let summary = demo::seed(&state, PW, 2).await.expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await
    });
    let http = Client::new();
    let login = |user: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let r = http.post(format!("{base}/v1/auth/login")).json(&json!({"username": user, "password": PW}));
            let v: Value = r.send().await.expect("login").json().await.expect("json");
            v["access_token"].as_str().expect("token").to_string()
        }
    };
    let sign = |token: String, body: Value| {
        let r = http.post(format!("{base}/v1/signatures")).bearer_auth(token).json(&body);
        async move {
            let r = r.send().await.expect("send");
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let lookup = |code: &str| {
        let r = http.get(format!("{base}/v1/signatures/{code}"));
        async move { r.send().await.expect("lookup").status() }
    };
    let fas = login("fas-a".into()).await;
    let good = json!({ "code": "7QKM-2XPD-9AZC", "kind": "nominatif", "title": "Daftar nominatif UNIT-A", "sha256": "0f".repeat(32) });

    for (field, bad) in [
        ("code", json!("7QKM2XPD9AZC")),
        ("code", json!("IIII-2XPD-9AZC")),
        ("kind", json!("sk_pangkat")),
        ("title", json!("Daftar\nnominatif")),
        ("title", json!("")),
        ("sha256", json!("0F".repeat(32))),
        ("sha256", json!("0f")),
    ] {
        let mut body = good.clone();
        body[field] = bad;
        let (status, answer) = sign(fas.clone(), body).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("signature.request")));
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.contains("0f0f")), "{answer}");
    }
    let (status, _) = sign(fas.clone(), json!({ "code": "7QKM-2XPD-9AZC" })).await;
    assert!(status.is_client_error(), "a body without its fields: {status}");
    assert_eq!(lookup("7QKM-2XPD-9AZC").await, StatusCode::NOT_FOUND, "a refused request records nothing");

    let asn = login(summary.asn[0].0.clone()).await;
    let (status, answer) = sign(asn, good.clone()).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden.role")));
    let (status, _) = sign("not-a-token".into(), good.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(lookup("7QKM-2XPD-9AZC").await, StatusCode::NOT_FOUND);

    let (status, answer) = sign(fas.clone(), good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let key: Value = http.get(format!("{base}/v1/signing-key")).send().await.expect("key").json().await.expect("json");
    let key = PublicKey::from_hex(key["public_key"].as_str().expect("hex")).expect("key");
    let statement: Statement = serde_json::from_value(answer["statement"].clone()).expect("statement");
    let signature = hex::decode(answer["signature"].as_str().expect("hex")).expect("hex");
    key.check(&Signed { statement: statement.clone(), signature }).expect("the answer checks with the published key");
    assert_eq!((statement.sha256, statement.key), ("0f".repeat(32), key.key_id()));
    assert_eq!(lookup("7qkm 2xpd 9azc").await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_for_every_hub_process_kept_across_restarts_sqlite() {
    one_key_for_every_hub_process_kept_across_restarts(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_for_every_hub_process_kept_across_restarts_postgres() {
    one_key_for_every_hub_process_kept_across_restarts(Backend::Postgres).await
}

#[tokio::test]
async fn requests_are_checked_and_what_is_signed_is_registered_sqlite() {
    requests_are_checked_and_what_is_signed_is_registered(Backend::Sqlite).await
}

#[tokio::test]
async fn requests_are_checked_and_what_is_signed_is_registered_postgres() {
    requests_are_checked_and_what_is_signed_is_registered(Backend::Postgres).await
}
