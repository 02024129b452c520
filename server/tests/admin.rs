//! The BKD administrator's tools over real HTTP, on both backends: accounts made with a
//! one-time code (never a password the admin knows), the code traded once for the owner's
//! password, grants and disabling, a layanan switched off and the devices that run each
//! catalogue version, a reference table uploaded, a backup made now and read back. Everyone
//! else is refused by the one authorization table.

mod common;

use berkas_server::backup::now::BackupTarget;
use berkas_server::{demo, router, AppState};
use common::{Backend, Place};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

const PW: &str = "rahasia-demo";

struct Hub {
    base: String,
    http: Client,
    asn: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

async fn hub(backend: Backend) -> Hub {
    let dir = tempfile::tempdir().expect("tempdir");
    // Where a serving hub keeps it: a backup reads the database from there.
    let place = match common::fresh_place(backend, dir.path()).await {
        Place::Sqlite(_) => Place::Sqlite(dir.path().join(berkas_server::DATABASE_FILE)),
        pg => pg,
    };
    let store = common::open(&place).await.expect("store");
    let key = berkas_core::secrets::Secret::random_key().expect("key");
    let blobs =
        Arc::new(berkas_server::blobs::FsBlobStore::sealed(&dir.path().join("blobs"), key.clone()).expect("blobs"));
    let mut state = AppState::new(store, blobs).expect("state");
    state.backups = Some(Arc::new(BackupTarget {
        data: dir.path().to_path_buf(),
        database: match &place {
            Place::Postgres(url) => Some(url.clone()),
            Place::Sqlite(_) => None,
        },
        keys: berkas_server::backup::AtRestKeys { documents: Some(key), ..Default::default() },
        dir: dir.path().join("backups"),
    }));
    let summary = demo::seed(&state, PW, 3).await.expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await
    });
    Hub { base, http: Client::new(), asn: summary.asn, _dir: dir }
}

impl Hub {
    async fn login_as(&self, user: &str, password: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}/v1/auth/login", self.base))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
            .expect("send");
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn token(&self, user: &str, password: &str) -> String {
        let (status, body) = self.login_as(user, password).await;
        assert_eq!(status, StatusCode::OK, "login {user}: {body}");
        body["access_token"].as_str().expect("token").to_string()
    }

    async fn call(&self, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.expect("send");
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn reset(&self, user: &str, code: &str, new_password: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}/v1/auth/reset", self.base))
            .json(&json!({"username": user, "code": code, "new_password": new_password}))
            .send()
            .await
            .expect("send");
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
}

use reqwest::Method;

async fn accounts_are_made_and_reset_with_one_time_codes(backend: Backend) {
    let hub = hub(backend).await;
    let admin = hub.token("admin", PW).await;
    let fas_a = hub.token("fas-a", PW).await;

    // Only the administrator manages accounts.
    let (s, b) = hub.call(Method::GET, &fas_a, "/v1/admin/accounts", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, _) = hub.call(Method::POST, &fas_a, "/v1/admin/accounts/admin/reset", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A facilitator without a unit is refused by name; with one, made with a code only.
    let new = json!({"username": "fas-c", "role": "fasilitator", "units": []});
    let (s, b) = hub.call(Method::POST, &admin, "/v1/admin/accounts", Some(new)).await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("account.units")), "{b}");
    let new = json!({"username": "fas-c", "role": "fasilitator", "units": ["UNIT-A"]});
    let (s, issued) = hub.call(Method::POST, &admin, "/v1/admin/accounts", Some(new.clone())).await;
    assert_eq!(s, StatusCode::OK, "{issued}");
    let code = issued["reset"]["code"].as_str().expect("code").to_string();
    assert_eq!(code.len(), 14, "XXXX-XXXX-XXXX: {code}");
    assert!(issued.to_string().find("password").is_none(), "no password in the answer: {issued}");
    let (s, _) = hub.call(Method::POST, &admin, "/v1/admin/accounts", Some(new)).await;
    assert_eq!(s, StatusCode::CONFLICT, "an account of the same name");

    // The code signs nobody in: its owner is told to choose a password first.
    let (s, b) = hub.login_as("fas-c", &code).await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.reset_required")), "{b}");
    let (s, b) = hub.login_as("fas-c", "not-the-code-at-all").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    let (s, b) = hub.reset("fas-c", &code, "short").await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("auth.weak_password")), "{b}");
    // Typed in lower case and without dashes, the code still counts; once.
    let typed = code.replace('-', "").to_lowercase();
    let (s, pair) = hub.reset("fas-c", &typed, "kata-sandi-baru-c").await;
    assert_eq!(s, StatusCode::OK, "{pair}");
    assert_eq!(pair["principal"]["units"], json!(["UNIT-A"]));
    let (s, b) = hub.reset("fas-c", &code, "kata-sandi-lain-c").await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.invalid_code")), "used up: {b}");
    let fas_c = hub.token("fas-c", "kata-sandi-baru-c").await;

    // Granted a second unit: the account sees both at once.
    let change = json!({"units": ["UNIT-A", "UNIT-B"]});
    let (s, v) = hub.call(Method::PATCH, &admin, "/v1/admin/accounts/fas-c", Some(change)).await;
    assert_eq!((s, &v["units"]), (StatusCode::OK, &json!(["UNIT-A", "UNIT-B"])), "{v}");
    let (_, me) = hub.call(Method::GET, &fas_c, "/v1/me", None).await;
    assert_eq!(me["units"], json!(["UNIT-A", "UNIT-B"]));
    let (s, _) = hub.call(Method::PATCH, &admin, "/v1/admin/accounts/nobody", Some(json!({"units": ["UNIT-A"]}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // An ASN who forgot their password: the old one works until the code is used.
    let nip = hub.asn[0].0.clone();
    let (s, reset) = hub.call(Method::POST, &admin, &format!("/v1/admin/accounts/{nip}/reset"), None).await;
    assert_eq!(s, StatusCode::OK, "{reset}");
    assert_eq!(hub.login_as(&nip, PW).await.0, StatusCode::OK);
    let (s, _) = hub.reset(&nip, reset["code"].as_str().expect("code"), "sandi-baru-asn-1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(hub.login_as(&nip, PW).await.0, StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(hub.login_as(&nip, "sandi-baru-asn-1").await.0, StatusCode::OK);

    // The list names each ASN's record, and never a password or hash.
    let (_, list) = hub.call(Method::GET, &admin, "/v1/admin/accounts", None).await;
    let asn = list.as_array().expect("list").iter().find(|a| a["username"] == nip.as_str()).expect("asn listed");
    assert_eq!(asn["nip"], nip.as_str());
    assert!(asn["nama"].as_str().is_some_and(|n| !n.is_empty()), "{asn}");
    assert!(!list.to_string().contains("argon2"), "no hash in the list");

    // Disabled: its sessions end; an admin cannot disable themselves.
    let (s, v) = hub.call(Method::PATCH, &admin, "/v1/admin/accounts/fas-c", Some(json!({"disabled": true}))).await;
    assert_eq!((s, &v["disabled"]), (StatusCode::OK, &json!(true)), "{v}");
    assert_eq!(hub.call(Method::GET, &fas_c, "/v1/me", None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(hub.login_as("fas-c", "kata-sandi-baru-c").await.0, StatusCode::UNAUTHORIZED);
    let (s, _) = hub.call(Method::PATCH, &admin, "/v1/admin/accounts/admin", Some(json!({"disabled": true}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Every step is in the audit log.
    let (_, log) = hub.call(Method::GET, &admin, "/v1/audit", None).await;
    let actions: Vec<&str> = log.as_array().expect("log").iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["account.create", "account.reset_code", "account.password_reset", "account.change"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
}

async fn the_catalogue_references_and_backups_from_the_admin_screen(backend: Backend) {
    let hub = hub(backend).await;
    let admin = hub.token("admin", PW).await;
    let fas_a = hub.token("fas-a", PW).await;
    let asn = hub.token(&hub.asn[0].0, PW).await;

    // A device reports the version it runs when it asks for the catalogue.
    let (s, c) = hub.call(Method::GET, &asn, "/v1/layanan?have=0&device=phone-1", None).await;
    assert_eq!(s, StatusCode::OK);
    let version = c["version"].as_u64().expect("version");
    let aktif = |c: &Value, id: &str| {
        c["layanan"].as_array().expect("layanan").iter().find(|l| l["id"] == id).map(|l| l["aktif"].clone())
    };
    assert_eq!(aktif(&c, "kartu_pegawai"), Some(json!(true)));

    let off = json!({"aktif": false});
    let (s, _) = hub.call(Method::PATCH, &fas_a, "/v1/layanan/kartu_pegawai", Some(off.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = hub.call(Method::PATCH, &admin, "/v1/layanan/tidak_ada", Some(off.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b) = hub.call(Method::PATCH, &admin, "/v1/layanan/kartu_pegawai", Some(off.clone())).await;
    assert_eq!((s, b["version"].as_u64()), (StatusCode::OK, Some(version + 1)), "{b}");
    let (_, b) = hub.call(Method::PATCH, &admin, "/v1/layanan/kartu_pegawai", Some(off)).await;
    assert_eq!(b["changed"], json!(false), "switching off twice publishes nothing new");
    let (s, c) = hub.call(Method::GET, &asn, &format!("/v1/layanan?have={version}&device=phone-1"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(aktif(&c, "kartu_pegawai"), Some(json!(false)));
    let (s, devices) = hub.call(Method::GET, &admin, "/v1/admin/devices", None).await;
    assert_eq!(s, StatusCode::OK);
    let phone = devices.as_array().expect("devices").iter().find(|d| d["device"] == "phone-1").expect("seen");
    assert_eq!(phone["layanan_version"].as_u64(), Some(version), "the version it held when it asked");
    assert_eq!(hub.call(Method::GET, &fas_a, "/v1/admin/devices", None).await.0, StatusCode::FORBIDDEN);

    // A SIASN reference table uploaded as it ships (gzip); a file that is not one is refused.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siasn-referensi/agama.json.gz");
    let gz = std::fs::read(&file).expect("the SIASN reference tables in ../shared");
    let put = |token: &str, body: Vec<u8>, gzip: bool| {
        let mut r = hub
            .http
            .put(format!("{}/v1/referensi/agama", hub.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        if gzip {
            r = r.header("content-encoding", "gzip");
        }
        r.send()
    };
    assert_eq!(put(&fas_a, gz.clone(), true).await.expect("send").status(), StatusCode::FORBIDDEN);
    let r = put(&admin, b"{\"not\": \"a table\"".to_vec(), false).await.expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = put(&admin, gz, true).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let info: Value = r.json().await.expect("json");
    assert!(info["rows"].as_u64().is_some_and(|n| n >= 5), "{info}");
    let (_, manifest) = hub.call(Method::GET, &asn, "/v1/referensi", None).await;
    let listed = manifest["tables"].as_array().expect("tables").iter().find(|t| t["name"] == "agama").expect("agama");
    assert_eq!(listed["version"], info["version"]);

    // A backup made now, read back, and its age shown.
    let (s, status) = hub.call(Method::GET, &admin, "/v1/admin/backups", None).await;
    assert_eq!((s, &status["last"], &status["can_create"]), (StatusCode::OK, &Value::Null, &json!(true)), "{status}");
    let (s, b) = hub.call(Method::POST, &admin, "/v1/admin/backups", Some(json!({"passphrase": "pendek"}))).await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("backup.weak_passphrase")));
    let (s, _) =
        hub.call(Method::POST, &fas_a, "/v1/admin/backups", Some(json!({"passphrase": "frasa sandi cadangan"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, made) =
        hub.call(Method::POST, &admin, "/v1/admin/backups", Some(json!({"passphrase": "frasa sandi cadangan"}))).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    assert_eq!(made["verified"], json!(true), "{made}");
    let written = hub._dir.path().join("backups").join(made["file"].as_str().expect("file"));
    let check = berkas_server::backup::verify(&written, "frasa sandi cadangan").await.expect("the file reads back");
    assert!(check.database_bytes > 0);
    let (_, status) = hub.call(Method::GET, &admin, "/v1/admin/backups", None).await;
    assert_eq!(status["last"], made);
    assert_eq!(status["age_hours"], json!(0));
}

#[tokio::test]
async fn accounts_are_made_and_reset_with_one_time_codes_sqlite() {
    accounts_are_made_and_reset_with_one_time_codes(Backend::Sqlite).await
}

#[tokio::test]
async fn accounts_are_made_and_reset_with_one_time_codes_postgres() {
    accounts_are_made_and_reset_with_one_time_codes(Backend::Postgres).await
}

#[tokio::test]
async fn the_catalogue_references_and_backups_from_the_admin_screen_sqlite() {
    the_catalogue_references_and_backups_from_the_admin_screen(Backend::Sqlite).await
}

#[tokio::test]
async fn the_catalogue_references_and_backups_from_the_admin_screen_postgres() {
    the_catalogue_references_and_backups_from_the_admin_screen(Backend::Postgres).await
}
