//! The OpenAPI document served at /v1/openapi.json is checked against what the handlers do:
//! every documented operation is called, every answer's status is documented for it, and every
//! JSON answer validates against the documented schema.

use berkas_core::sync::{Hlc, HlcClock};
use berkas_server::store::SqliteStorage;
use berkas_server::{demo, router, AppState};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

const PW: &str = "rahasia-demo";

struct Checker {
    doc: Value,
    seen: BTreeSet<(String, String)>,
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Checker {
    /// Checks one answer against the document and returns its JSON body (if any).
    async fn check(&mut self, method: &str, path: &str, r: Response) -> (u16, Value) {
        let status = r.status().as_u16();
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        self.seen.insert((method.to_string(), path.to_string()));
        let documented = &op["responses"][status.to_string()];
        assert!(documented.is_object(), "{method} {path} answered {status}, which is not documented");
        let is_json = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        if !is_json {
            return (status, Value::Null);
        }
        let body: Value = r.json().await.expect("json");
        let pointer =
            format!("/paths/{}/{method}/responses/{status}/content/application~1json/schema", pointer_escape(path));
        assert!(
            self.doc.pointer(&pointer).is_some(),
            "{method} {path} {status} sends JSON but documents no JSON schema"
        );
        let validator = jsonschema::options()
            .with_resource(
                "urn:berkas:openapi",
                jsonschema::Resource::from_contents(self.doc.clone()).expect("resource"),
            )
            .build(
                &json!({ "$ref": format!("urn:berkas:openapi#{}", pointer.replace('{', "%7B").replace('}', "%7D")) }),
            )
            .expect("schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&body).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        assert!(errors.is_empty(), "{method} {path} {status}: body does not match the document: {errors:?}\n{body}");
        (status, body)
    }
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(SqliteStorage::open(&dir.path().join("hub.db")).expect("open"));
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store, blobs).expect("state");
    let summary = demo::seed(&state, PW, 3).await.expect("seed");
    let tables = berkas_core::refdata::builtin_tables();
    berkas_server::referensi::publish(state.store.as_ref(), &tables).await.expect("publish tables");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let http = Client::new();
    let doc: Value = http.get(format!("{base}/v1/openapi.json")).send().await.expect("doc").json().await.expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let mut c = Checker { doc: doc.clone(), seen: BTreeSet::new() };
    let nip = summary.asn[0].0.clone();

    let call = |m: Method, path: String, token: Option<&str>| {
        let mut rq = http.request(m, format!("{base}{path}")).header("x-berkas-protocol", "1");
        if let Some(t) = token {
            rq = rq.bearer_auth(t.to_string());
        }
        rq
    };
    let r = call(Method::GET, "/v1/health".into(), None).send().await.expect("send");
    c.check("get", "/v1/health", r).await;
    let r = call(Method::POST, "/v1/auth/login".into(), None)
        .json(&json!({"username": "admin", "password": "wrong-one"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/login", r).await.0, 401);
    let r = call(Method::POST, "/v1/auth/login".into(), None)
        .json(&json!({"username": "admin", "password": PW}))
        .send()
        .await
        .expect("send");
    let (_, pair) = c.check("post", "/v1/auth/login", r).await;
    let r = call(Method::POST, "/v1/auth/refresh".into(), None)
        .json(&json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .expect("send");
    let (_, pair) = c.check("post", "/v1/auth/refresh", r).await;
    let admin = pair["access_token"].as_str().expect("token").to_string();
    let r = call(Method::POST, "/v1/auth/login".into(), None)
        .json(&json!({"username": "fas-a", "password": PW}))
        .send()
        .await
        .expect("send");
    let fas = c.check("post", "/v1/auth/login", r).await.1["access_token"].as_str().expect("token").to_string();

    let r = call(Method::GET, "/v1/me".into(), Some(&admin)).send().await.expect("send");
    c.check("get", "/v1/me", r).await;
    let r = call(Method::GET, "/v1/me".into(), None).send().await.expect("send");
    c.check("get", "/v1/me", r).await;
    let r = call(Method::GET, "/v1/pegawai?unit=UNIT-A".into(), Some(&admin)).send().await.expect("send");
    c.check("get", "/v1/pegawai", r).await;
    let r = call(Method::GET, "/v1/pegawai?unit=UNIT-B".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/pegawai", r).await.0, 403);
    let r = call(Method::GET, format!("/v1/pegawai/{nip}"), Some(&admin)).send().await.expect("send");
    let (_, rec) = c.check("get", "/v1/pegawai/{nip}", r).await;
    let r = call(Method::GET, "/v1/pegawai/199001012020011999".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/pegawai/{nip}", r).await.0, 404);
    let r = call(Method::GET, format!("/v1/pegawai/{nip}/audit"), Some(&admin)).send().await.expect("send");
    c.check("get", "/v1/pegawai/{nip}/audit", r).await;
    let r = call(Method::GET, "/v1/audit".into(), Some(&admin)).send().await.expect("send");
    c.check("get", "/v1/audit", r).await;
    let r = call(Method::GET, "/v1/audit".into(), Some(&fas)).send().await.expect("send");
    c.check("get", "/v1/audit", r).await;
    let r = call(Method::GET, "/v1/due/pensiun?period=2027-01".into(), Some(&fas)).send().await.expect("send");
    c.check("get", "/v1/due/{kind}", r).await;
    let r = call(Method::GET, "/v1/due/pensiun?period=2027-13".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/due/{kind}", r).await.0, 400);
    let r = call(Method::GET, "/v1/due/kp?period=2027-01&unit=UNIT-B".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/due/{kind}", r).await.0, 403);

    let id = rec["id"].as_str().expect("id");
    let change = json!({"id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
        "fields": {"gol_ruang_akhir_id": "34"}, "hlc": Hlc { wall_ms: HlcClock::now_ms(), counter: 0 }, "device": "t"});
    let r = call(Method::POST, "/v1/sync/push".into(), Some(&admin))
        .json(&json!({"changes": [change]}))
        .send()
        .await
        .expect("send");
    c.check("post", "/v1/sync/push", r).await;
    let r = http
        .post(format!("{base}/v1/sync/push"))
        .bearer_auth(&admin)
        .json(&json!({"changes": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/sync/push", r).await.0, 426);
    let r = call(Method::POST, "/v1/sync/push".into(), Some(&admin))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("send");
    c.check("post", "/v1/sync/push", r).await;
    let r = call(Method::GET, "/v1/sync/pull?cursor=0&limit=50".into(), Some(&fas)).send().await.expect("send");
    c.check("get", "/v1/sync/pull", r).await;

    let data = b"berkas test document".to_vec();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&data))
    };
    let r = call(Method::HEAD, format!("/v1/blobs/{sha}"), Some(&admin)).send().await.expect("send");
    c.check("head", "/v1/blobs/{sha256}", r).await;
    let r = call(Method::PUT, format!("/v1/blobs/{sha}?offset=5&total={}", data.len()), Some(&admin))
        .body(data.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("put", "/v1/blobs/{sha256}", r).await.0, 409);
    let r = call(Method::PUT, format!("/v1/blobs/{sha}?offset=0&total={}", data.len()), Some(&admin))
        .body(data.clone())
        .send()
        .await
        .expect("send");
    c.check("put", "/v1/blobs/{sha256}", r).await;
    let r = call(Method::GET, format!("/v1/blobs/{sha}"), Some(&admin))
        .header("range", "bytes=0-5")
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/blobs/{sha256}", r).await.0, 206);
    let r = call(Method::GET, format!("/v1/blobs/{sha}"), Some(&fas)).send().await.expect("send");
    c.check("get", "/v1/blobs/{sha256}", r).await;

    // The layanan catalogue: read by anyone signed in, published by an administrator only.
    let r = call(Method::GET, "/v1/layanan?have=0".into(), Some(&fas)).send().await.expect("send");
    let (status, catalog) = c.check("get", "/v1/layanan", r).await;
    assert_eq!((status, catalog["layanan"].is_array()), (200, true));
    let r =
        call(Method::GET, format!("/v1/layanan?have={}", catalog["version"]), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/layanan", r).await.0, 204);
    let r = call(Method::PUT, "/v1/layanan".into(), Some(&fas)).body(catalog.to_string()).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/layanan", r).await.0, 403);
    let r = call(Method::PUT, "/v1/layanan".into(), Some(&admin)).body("{\"version\": 9}").send().await.expect("send");
    assert_eq!(c.check("put", "/v1/layanan", r).await.0, 400);
    let mut newer = catalog.clone();
    newer["version"] = json!(catalog["version"].as_u64().expect("version") + 1);
    let r = call(Method::PUT, "/v1/layanan".into(), Some(&admin)).body(newer.to_string()).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/layanan", r).await.0, 200);

    // Reference tables and settings: a manifest, a table, and 304 for what the device holds.
    let r = call(Method::GET, "/v1/referensi".into(), Some(&fas)).send().await.expect("send");
    let (status, manifest) = c.check("get", "/v1/referensi", r).await;
    assert_eq!((status, manifest["tables"].as_array().map(Vec::len)), (200, Some(tables.len())));
    let tag = format!("\"{}\"", manifest["tag"].as_str().expect("tag"));
    let r =
        call(Method::GET, "/v1/referensi".into(), Some(&fas)).header("if-none-match", &tag).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/referensi", r).await.0, 304);
    let r = call(Method::GET, "/v1/referensi".into(), None).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/referensi", r).await.0, 401);
    let r = call(Method::GET, "/v1/referensi/agama".into(), Some(&fas)).send().await.expect("send");
    let (status, agama) = c.check("get", "/v1/referensi/{name}", r).await;
    assert_eq!((status, agama.as_array().map(Vec::len)), (200, Some(7)));
    let r = call(Method::GET, "/v1/referensi/tidakAda".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/referensi/{name}", r).await.0, 404);
    let r = call(Method::GET, "/v1/settings".into(), None).send().await.expect("send");
    let (status, settings) = c.check("get", "/v1/settings", r).await;
    assert_eq!(status, 200);
    assert!(settings["max_document_bytes"].as_u64().is_some_and(|b| b > 0), "{settings}");

    // Signed documents: the key for anyone; a statement signed for a facilitator, once per
    // code; looked up by its code.
    let r = call(Method::GET, "/v1/signing-key".into(), None).send().await.expect("send");
    c.check("get", "/v1/signing-key", r).await;
    let ask =
        json!({"code": "7QKM-2XPD-9AZC", "kind": "nominatif", "title": "Daftar nominatif", "sha256": "0f".repeat(32)});
    let sign = |body: Value, token: Option<&str>| call(Method::POST, "/v1/signatures".into(), token).json(&body).send();
    assert_eq!(c.check("post", "/v1/signatures", sign(ask.clone(), Some(&fas)).await.expect("send")).await.0, 200);
    let mut other = ask.clone();
    other["sha256"] = json!("ab".repeat(32));
    assert_eq!(c.check("post", "/v1/signatures", sign(other, Some(&fas)).await.expect("send")).await.0, 409);
    let mut bad = ask.clone();
    bad["kind"] = json!("sk");
    assert_eq!(c.check("post", "/v1/signatures", sign(bad, Some(&fas)).await.expect("send")).await.0, 400);
    assert_eq!(c.check("post", "/v1/signatures", sign(ask, None).await.expect("send")).await.0, 401);
    let r = call(Method::GET, "/v1/signatures/7QKM-2XPD-9AZC".into(), None).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/signatures/{code}", r).await.0, 200);
    let r = call(Method::GET, "/v1/signatures/AAAA-BBBB-CCCC".into(), None).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/signatures/{code}", r).await.0, 404);

    // The administrator's tools.
    let r = call(Method::GET, "/v1/admin/accounts".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/admin/accounts", r).await.0, 200);
    let r = call(Method::GET, "/v1/admin/accounts".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/admin/accounts", r).await.0, 403);
    let new = json!({"username": "fas-z", "role": "fasilitator", "units": ["UNIT-A"]});
    let r = call(Method::POST, "/v1/admin/accounts".into(), Some(&admin)).json(&new).send().await.expect("send");
    let (status, issued) = c.check("post", "/v1/admin/accounts", r).await;
    assert_eq!(status, 200);
    let r = call(Method::POST, "/v1/admin/accounts".into(), Some(&admin)).json(&new).send().await.expect("send");
    assert_eq!(c.check("post", "/v1/admin/accounts", r).await.0, 409);
    let r = call(Method::PATCH, "/v1/admin/accounts/fas-z".into(), Some(&admin))
        .json(&json!({"units": ["UNIT-A", "UNIT-B"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("patch", "/v1/admin/accounts/{username}", r).await.0, 200);
    let r = call(Method::PATCH, "/v1/admin/accounts/nobody".into(), Some(&admin))
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("patch", "/v1/admin/accounts/{username}", r).await.0, 404);
    let r = call(Method::POST, "/v1/admin/accounts/fas-z/reset".into(), Some(&admin)).send().await.expect("send");
    let (status, reset) = c.check("post", "/v1/admin/accounts/{username}/reset", r).await;
    assert_eq!(status, 200);
    assert_ne!(reset["code"], issued["reset"]["code"], "a new code");
    let r = call(Method::POST, "/v1/auth/reset".into(), None)
        .json(&json!({"username": "fas-z", "code": issued["reset"]["code"], "new_password": "sandi-baru-fas-z"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/reset", r).await.0, 401, "the first code was replaced by the second");
    let r = call(Method::POST, "/v1/auth/reset".into(), None)
        .json(&json!({"username": "fas-z", "code": reset["code"], "new_password": "sandi-baru-fas-z"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/reset", r).await.0, 200);
    // Lupa password: the same answer for an unknown NIP as for a match; a malformed one named.
    let r = call(Method::POST, "/v1/auth/lupa-password".into(), None)
        .json(&json!({"nip": "199901012020011999", "tanggal_lahir": "1999-01-01", "nik": "3201010101990001"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/lupa-password", r).await.0, 202);
    let r = call(Method::POST, "/v1/auth/lupa-password".into(), None)
        .json(&json!({"nip": "1999", "tanggal_lahir": "1999-01-01", "nik": "3201010101990001"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/lupa-password", r).await.0, 400);
    let r = call(Method::POST, "/v1/tiket/no-such-ticket/kode-reset".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("post", "/v1/tiket/{id}/kode-reset", r).await.0, 404);
    // The atasan's errand: the demo's first ASN of UNIT-A is the atasan of the unit's others.
    let r = call(Method::POST, "/v1/auth/login".into(), None)
        .json(&json!({"username": nip, "password": PW}))
        .send()
        .await
        .expect("send");
    let boss = c.check("post", "/v1/auth/login", r).await.1["access_token"].as_str().expect("token").to_string();
    let report = summary.asn[2].0.clone();
    let r = call(Method::GET, "/v1/aktivitas/bawahan".into(), Some(&boss)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/aktivitas/bawahan", r).await.0, 200);
    let r =
        call(Method::GET, "/v1/aktivitas/bawahan?tanggal=2026-13-01".into(), Some(&boss)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/aktivitas/bawahan", r).await.0, 400);
    let r = call(Method::GET, "/v1/aktivitas/bawahan".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/aktivitas/bawahan", r).await.0, 403);
    let decide =
        |who: &str, setuju: bool| json!({"nip": who, "tanggal": "2026-12-04", "setuju": setuju, "alasan": null});
    let r = call(Method::POST, "/v1/aktivitas/putusan".into(), Some(&boss))
        .json(&decide(&report, true))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/aktivitas/putusan", r).await.0, 409, "nothing submitted that day");
    let r = call(Method::POST, "/v1/aktivitas/putusan".into(), Some(&boss))
        .json(&decide(&report, false))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/aktivitas/putusan", r).await.0, 400, "a return needs its reason");
    let r = call(Method::POST, "/v1/aktivitas/putusan".into(), Some(&boss))
        .json(&decide(&nip, true))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/aktivitas/putusan", r).await.0, 404, "not their own atasan");
    let r = call(Method::POST, "/v1/aktivitas/putusan".into(), None)
        .json(&decide(&report, true))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/aktivitas/putusan", r).await.0, 401);
    let r = call(Method::GET, "/v1/presensi/rekap?unit=UNIT-A&tanggal=2026-12-04&jam=11:30".into(), Some(&fas))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/presensi/rekap", r).await.0, 200);
    let r = call(Method::GET, "/v1/presensi/rekap?tanggal=2026-12-04&jam=11:30".into(), Some(&admin))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/presensi/rekap", r).await.0, 200);
    let r = call(Method::GET, "/v1/presensi/rekap?unit=UNIT-A&tanggal=2026-12-05&jam=11:30".into(), Some(&fas))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/presensi/rekap", r).await.0, 400, "a Saturday");
    let r = call(Method::GET, "/v1/presensi/rekap?unit=UNIT-B&tanggal=2026-12-04&jam=11:30".into(), Some(&fas))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/presensi/rekap", r).await.0, 403);
    let r = call(Method::GET, "/v1/presensi/rekap?unit=UNIT-A&tanggal=2026-12-04&jam=11:30".into(), None)
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("get", "/v1/presensi/rekap", r).await.0, 401);
    let arrangement =
        serde_json::to_value(berkas_core::presensi::PengaturanKerja::in_force(chrono::Utc::now())).expect("json");
    let r = call(Method::PUT, "/v1/presensi/pengaturan".into(), Some(&admin))
        .json(&arrangement)
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("put", "/v1/presensi/pengaturan", r).await.0, 200);
    let mut broken = arrangement.clone();
    broken["jam_lapor"] = json!([]);
    let r = call(Method::PUT, "/v1/presensi/pengaturan".into(), Some(&admin)).json(&broken).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/presensi/pengaturan", r).await.0, 400);
    let r =
        call(Method::PUT, "/v1/presensi/pengaturan".into(), Some(&fas)).json(&arrangement).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/presensi/pengaturan", r).await.0, 403);
    let r = call(Method::PUT, "/v1/presensi/pengaturan".into(), None).json(&arrangement).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/presensi/pengaturan", r).await.0, 401);
    let r = call(Method::POST, "/v1/presensi/pangkas".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("post", "/v1/presensi/pangkas", r).await.0, 200);
    let r = call(Method::POST, "/v1/presensi/pangkas".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("post", "/v1/presensi/pangkas", r).await.0, 403);
    let r = call(Method::POST, "/v1/presensi/pangkas".into(), None).send().await.expect("send");
    assert_eq!(c.check("post", "/v1/presensi/pangkas", r).await.0, 401);
    let r =
        call(Method::GET, "/v1/presensi/bawahan?tanggal=2026-12-04".into(), Some(&boss)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/presensi/bawahan", r).await.0, 200);
    let r =
        call(Method::GET, "/v1/presensi/bawahan?tanggal=04-12-2026".into(), Some(&boss)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/presensi/bawahan", r).await.0, 400);
    let r = call(Method::GET, "/v1/presensi/bawahan?tanggal=2026-12-04".into(), Some(&fas)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/presensi/bawahan", r).await.0, 403, "a facilitator with no record");
    let r = call(Method::GET, "/v1/presensi/bawahan?tanggal=2026-12-04".into(), None).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/presensi/bawahan", r).await.0, 401);
    let r = call(Method::GET, "/v1/admin/devices".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/admin/devices", r).await.0, 200);
    let r = call(Method::GET, "/v1/admin/backups".into(), Some(&admin)).send().await.expect("send");
    assert_eq!(c.check("get", "/v1/admin/backups", r).await.0, 200);
    let r = call(Method::POST, "/v1/admin/backups".into(), Some(&admin))
        .json(&json!({"passphrase": "frasa sandi cadangan"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/admin/backups", r).await.0, 409, "this hub was built without a backup folder");
    let r = call(Method::PATCH, "/v1/layanan/kartu_pegawai".into(), Some(&admin))
        .json(&json!({"aktif": false}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("patch", "/v1/layanan/{id}", r).await.0, 200);
    let r = call(Method::PUT, "/v1/referensi/agama".into(), Some(&admin))
        .header("content-type", "application/json")
        .body(agama.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("put", "/v1/referensi/{name}", r).await.0, 200);
    let r =
        call(Method::PUT, "/v1/referensi/agama".into(), Some(&fas)).body(agama.to_string()).send().await.expect("send");
    assert_eq!(c.check("put", "/v1/referensi/{name}", r).await.0, 403);

    let r = call(Method::POST, "/v1/auth/password".into(), Some(&fas))
        .json(&json!({"old_password": PW, "new_password": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(c.check("post", "/v1/auth/password", r).await.0, 400);
    let r = call(Method::POST, "/v1/auth/logout".into(), Some(&fas)).send().await.expect("send");
    c.check("post", "/v1/auth/logout", r).await;

    // The schemas have teeth: a record without its fields, or an outcome with an unknown
    // status, does not validate.
    for (pointer, bad) in [
        ("/paths/~1v1~1pegawai~1%7Bnip%7D/get/responses/200/content/application~1json/schema", json!({"id": 1})),
        (
            "/paths/~1v1~1sync~1push/post/responses/200/content/application~1json/schema",
            json!({"outcomes": [{"id": "x", "status": "maybe"}]}),
        ),
    ] {
        let v = jsonschema::options()
            .with_resource("urn:berkas:openapi", jsonschema::Resource::from_contents(doc.clone()).expect("resource"))
            .build(&json!({ "$ref": format!("urn:berkas:openapi#{pointer}") }))
            .expect("schema compiles");
        assert!(!v.is_valid(&bad), "{pointer} accepted {bad}");
    }

    // Nothing documented that does not exist: every operation in the document was called.
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("ops").keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    assert_eq!(documented, c.seen, "documented operations not exercised (or the reverse)");
}
