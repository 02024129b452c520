//! The hub answers as its contract says, for requests that are wrong: every error is the
//! documented JSON body with a stable code (bad query parameters, a missing upload total, a
//! catalogue that is not text, a body too large); a wrong old password is rate-limited like a
//! login; the bearer scheme is case-insensitive; a refresh after logout says the session ended;
//! a facilitator's list without a unit is their own units.

#[allow(dead_code)] // these tests use one backend
mod common;

use berkas_server::{demo, router, AppState};
use common::Backend;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

const PW: &str = "rahasia-demo";

async fn hub() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(Backend::Sqlite, dir.path()).await;
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store, blobs).expect("state");
    demo::seed(&state, PW, 3).await.expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    (base, dir)
}

async fn login(http: &Client, base: &str, user: &str) -> Value {
    let r = http.post(format!("{base}/v1/auth/login")).json(&json!({"username": user, "password": PW})).send().await;
    r.expect("send").json().await.expect("json")
}

/// The answer's status and its JSON error code; panics on a body that is not the documented one.
async fn error_of(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let json = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let body = r.text().await.expect("body");
    assert!(json, "{status}: not JSON: {body}");
    let v: Value = serde_json::from_str(&body).expect("JSON");
    let code = v["error"]["code"].as_str().unwrap_or_else(|| panic!("no error code: {body}")).to_string();
    assert!(v["error"]["message"].is_string(), "{body}");
    (status, code)
}

#[tokio::test]
async fn wrong_requests_get_the_documented_error_body() {
    let (base, _dir) = hub().await;
    let http = Client::new();
    let admin = login(&http, &base, "admin").await["access_token"].as_str().expect("token").to_string();
    let get =
        |path: &str| http.get(format!("{base}{path}")).bearer_auth(&admin).header("x-berkas-protocol", "1").send();
    for path in [
        "/v1/sync/pull?cursor=abc",
        "/v1/sync/pull?limit=-1",
        "/v1/sync/pull?limit=0",
        "/v1/sync/pull?cursor=-1",
        "/v1/due/kp",
        "/v1/layanan?have=-1",
        "/v1/pegawai?limit=many",
    ] {
        let (status, code) = error_of(get(path).await.expect("send")).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "request.query"), "{path}");
    }
    let sha = "0".repeat(64);
    let r = http.put(format!("{base}/v1/blobs/{sha}?offset=0")).bearer_auth(&admin).body(vec![1u8, 2, 3]).send().await;
    assert_eq!(error_of(r.expect("send")).await, (StatusCode::BAD_REQUEST, "request.query".into()), "no total");
    let r = http.put(format!("{base}/v1/layanan")).bearer_auth(&admin).body(vec![0xffu8, 0xfe, 0x00]).send().await;
    assert_eq!(error_of(r.expect("send")).await, (StatusCode::BAD_REQUEST, "layanan.definition".into()));
    let huge = format!("{{\"changes\": [\"{}\"]}}", "x".repeat(berkas_server::api::MAX_JSON_BODY + 1));
    let r = http
        .post(format!("{base}/v1/sync/push"))
        .bearer_auth(&admin)
        .header("x-berkas-protocol", "1")
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await;
    assert_eq!(error_of(r.expect("send")).await, (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large".into()));
}

#[tokio::test]
async fn sessions_and_passwords_are_guarded_as_logins_are() {
    let (base, _dir) = hub().await;
    let http = Client::new();
    let pair = login(&http, &base, "fas-a").await;
    let access = pair["access_token"].as_str().expect("token").to_string();
    // The scheme in any case.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = http.get(format!("{base}/v1/me")).header("authorization", format!("{scheme} {access}")).send().await;
        assert_eq!(r.expect("send").status(), StatusCode::OK, "{scheme}");
    }
    // Without a unit, a facilitator's list is their own unit, named in a header.
    let r = http.get(format!("{base}/v1/pegawai")).bearer_auth(&access).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers().get("x-berkas-units").and_then(|v| v.to_str().ok()), Some("UNIT-A"));
    let list: Vec<Value> = r.json().await.expect("json");
    assert!(!list.is_empty() && list.iter().all(|e| e["unit"] == "UNIT-A"), "{list:?}");
    // Wrong old passwords count with failed logins.
    let change = |old: &str| {
        http.post(format!("{base}/v1/auth/password"))
            .bearer_auth(&access)
            .json(&json!({"old_password": old, "new_password": "sandi-baru-fas-a"}))
            .send()
    };
    for _ in 0..berkas_server::auth::MAX_FAILURES {
        assert_eq!(error_of(change("tebakan-salah").await.expect("send")).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        error_of(change(PW).await.expect("send")).await,
        (StatusCode::TOO_MANY_REQUESTS, "auth.rate_limited".into()),
        "even the right one waits out the window"
    );
    // A refresh after logout: the session ended (not a stolen token).
    let r = http.post(format!("{base}/v1/auth/logout")).bearer_auth(&access).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = http
        .post(format!("{base}/v1/auth/refresh"))
        .json(&json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await;
    assert_eq!(error_of(r.expect("send")).await, (StatusCode::UNAUTHORIZED, "auth.session_ended".into()));
}
