//! The hub over real HTTP on loopback: login, refresh, logout and rate limiting; the
//! authorization table as a matrix of role x action x own/other unit; push and pull round
//! trips; duplicate pushes; refusals with stable codes; malformed bodies.

mod common;

use berkas_core::sync::{Hlc, HlcClock};
use berkas_server::{demo, router, AppState};
use common::Backend;
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
    hub_with(backend, |_| {}).await
}

/// A hub whose state the test adjusts after the demo is seeded.
async fn hub_with(backend: Backend, adjust: impl FnOnce(&mut AppState)) -> Hub {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(backend, dir.path()).await;
    // Sealed at rest, as every hub that serves: the blob tests below go through the sealing.
    let key = berkas_core::secrets::Secret::random_key().expect("key");
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::sealed(&dir.path().join("blobs"), key).expect("blobs"));
    let mut state = AppState::new(store, blobs).expect("state");
    let summary = demo::seed(&state, PW, 20).await.expect("seed");
    adjust(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await
    });
    Hub { base, http: Client::new(), asn: summary.asn, _dir: dir }
}

impl Hub {
    fn nip_in(&self, unit: &str, nth: usize) -> String {
        self.asn.iter().filter(|(_, u)| u == unit).nth(nth).expect("asn").0.clone()
    }

    async fn login(&self, user: &str) -> String {
        let r = self
            .http
            .post(format!("{}/v1/auth/login", self.base))
            .json(&json!({"username": user, "password": PW}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "login {user}");
        r.json::<Value>().await.expect("json")["access_token"].as_str().expect("token").to_string()
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("x-berkas-protocol", "1")
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn push(&self, token: &str, changes: Value) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}/v1/sync/push", self.base))
            .bearer_auth(token)
            .header("x-berkas-protocol", "1")
            .json(&json!({ "changes": changes }))
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A data utama field change of `nip`'s record, as a device would stamp it.
    async fn field_change(&self, admin: &str, nip: &str, field: &str, value: &str, wall_ms: u64) -> Value {
        let (_, rec) = self.get(admin, &format!("/v1/pegawai/{nip}")).await;
        let id = rec["id"].as_str().expect("id").to_string();
        json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
            "fields": { field: value }, "hlc": Hlc { wall_ms, counter: 0 }, "device": "test-device",
        })
    }
}

async fn login_refresh_rotation_logout_and_rate_limit(backend: Backend) {
    let h = hub(backend).await;
    let url = |p: &str| format!("{}{p}", h.base);
    let r = h
        .http
        .post(url("/v1/auth/login"))
        .json(&json!({"username": "fas-a", "password": PW}))
        .send()
        .await
        .expect("send");
    let pair: Value = r.json().await.expect("json");
    assert_eq!(pair["principal"]["role"], "fasilitator");
    assert_eq!(pair["principal"]["units"], json!(["UNIT-A"]));

    // Rotation. An answer lost on the way (pair2 never reached the device): the old token,
    // sent again while its successor is unused, gets a new pair, and the lost one is dead.
    let refresh = |token: Value| {
        let http = h.http.clone();
        let u = url("/v1/auth/refresh");
        async move { http.post(u).json(&json!({"refresh_token": token})).send().await.expect("send") }
    };
    let r = refresh(pair["refresh_token"].clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let lost: Value = r.json().await.expect("json");
    let r = refresh(pair["refresh_token"].clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "a retry after a lost answer keeps the session");
    let pair2: Value = r.json().await.expect("json");
    assert_ne!(pair2["refresh_token"], lost["refresh_token"]);
    assert_eq!(h.get(pair2["access_token"].as_str().expect("t"), "/v1/me").await.0, StatusCode::OK);
    // The device uses its new pair; the first token used again after that is a copy in
    // someone else's hands: the whole session ends.
    let r = refresh(pair2["refresh_token"].clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let pair3: Value = r.json().await.expect("json");
    let r = refresh(pair["refresh_token"].clone()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "auth.refresh_reused");
    let (s, _) = h.get(pair3["access_token"].as_str().expect("t"), "/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the reused family is revoked");
    assert_eq!(refresh(pair3["refresh_token"].clone()).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refresh(lost["refresh_token"].clone()).await.status(), StatusCode::UNAUTHORIZED);

    // Logout ends the session.
    let t = h.login("fas-b").await;
    assert_eq!(h.get(&t, "/v1/me").await.0, StatusCode::OK);
    let r = h.http.post(url("/v1/auth/logout")).bearer_auth(&t).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.get(&t, "/v1/me").await.0, StatusCode::UNAUTHORIZED);

    // Unknown user and wrong password look the same; the sixth try is rate limited.
    for user in ["nobody", "admin"] {
        let r = h
            .http
            .post(url("/v1/auth/login"))
            .json(&json!({"username": user, "password": "wrong-password"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "auth.invalid_credentials");
    }
    for _ in 0..4 {
        h.http
            .post(url("/v1/auth/login"))
            .json(&json!({"username": "admin", "password": "x"}))
            .send()
            .await
            .expect("send");
    }
    let r = h
        .http
        .post(url("/v1/auth/login"))
        .json(&json!({"username": "admin", "password": PW}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert_eq!(h.get("bka_not-a-token", "/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

async fn password_change_only_by_the_owner_with_the_old_password(backend: Backend) {
    let h = hub(backend).await;
    let t = h.login("fas-a").await;
    let url = format!("{}/v1/auth/password", h.base);
    let r = h
        .http
        .post(&url)
        .bearer_auth(&t)
        .json(&json!({"old_password": "wrong", "new_password": "baru-rahasia-1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = h
        .http
        .post(&url)
        .bearer_auth(&t)
        .json(&json!({"old_password": PW, "new_password": "baru-rahasia-1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.get(&t, "/v1/me").await.0, StatusCode::UNAUTHORIZED, "other sessions end");
    let r = h
        .http
        .post(format!("{}/v1/auth/login", h.base))
        .json(&json!({"username": "fas-a", "password": "baru-rahasia-1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
}

async fn authorization_matrix(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let a0 = h.nip_in("UNIT-A", 0);
    let a1 = h.nip_in("UNIT-A", 1);
    let b0 = h.nip_in("UNIT-B", 0);
    let tokens = [
        ("admin", admin.clone()),
        ("fas-a", h.login("fas-a").await),
        ("fas-b", h.login("fas-b").await),
        ("asn-a0", h.login(&a0).await),
    ];
    let tok = |who: &str| tokens.iter().find(|(n, _)| *n == who).expect("who").1.clone();

    // (who, record, expected status of GET)
    let reads = [
        ("admin", &a0, 200),
        ("admin", &b0, 200),
        ("fas-a", &a0, 200),
        ("fas-a", &b0, 404),
        ("fas-b", &a0, 404),
        ("fas-b", &b0, 200),
        ("asn-a0", &a0, 200),
        ("asn-a0", &a1, 404),
    ];
    for (who, nip, want) in reads {
        let (s, body) = h.get(&tok(who), &format!("/v1/pegawai/{nip}")).await;
        assert_eq!(s.as_u16(), want, "{who} reads {nip}");
        if want == 404 {
            let (s2, missing) = h.get(&tok(who), "/v1/pegawai/199901012020011999").await;
            assert_eq!((s2, &missing), (s, &body), "out of scope looks exactly like not existing");
        }
    }
    // Unit lists.
    for (who, unit, want) in [
        ("admin", "UNIT-B", 200),
        ("fas-a", "UNIT-A", 200),
        ("fas-a", "UNIT-B", 403),
        ("fas-b", "UNIT-A", 403),
        ("asn-a0", "UNIT-A", 403),
    ] {
        let (s, body) = h.get(&tok(who), &format!("/v1/pegawai?unit={unit}&limit=100")).await;
        assert_eq!(s.as_u16(), want, "{who} lists {unit}");
        if want == 200 {
            assert_eq!(body.as_array().expect("list").len(), 20);
        }
    }
    // Writes: (who, record, field, value, expected outcome status, code)
    let writes = [
        ("asn-a0", &a0, "no_hp", "081311112222", "applied", None),
        ("asn-a0", &a1, "no_hp", "081311112223", "refused", Some("forbidden.scope")),
        ("asn-a0", &a0, "gol_ruang_akhir_id", "44", "refused", Some("forbidden.field")),
        ("fas-a", &a0, "no_hp", "081311112224", "refused", Some("forbidden.field")),
        ("fas-a", &a0, "email", "x@mail.example.id", "refused", Some("forbidden.field")),
        ("fas-a", &a0, "gol_ruang_akhir_id", "44", "refused", Some("forbidden.field")),
        ("fas-b", &a0, "alamat", "Jl. X", "refused", Some("forbidden.scope")),
        ("admin", &a0, "gol_ruang_akhir_id", "44", "applied", None),
        // Rekon mandiri: the BKD reconciles contact data (e-mail, go.id e-mail, phone) of any
        // ASN; the rest the ASN owns stays theirs alone.
        ("admin", &a0, "no_hp", "081311112225", "applied", None),
        ("admin", &a0, "email_gov", "a0@bkd.demo.go.id", "applied", None),
        ("admin", &a0, "alamat", "Jl. Y", "refused", Some("forbidden.field")),
        ("fas-a", &a0, "email_gov_valid", "a0@bkd.demo.go.id", "refused", Some("forbidden.field")),
    ];
    for (i, (who, nip, field, value, want, code)) in writes.iter().enumerate() {
        let change = h.field_change(&admin, nip, field, value, HlcClock::now_ms() + i as u64).await;
        let (s, body) = h.push(&tok(who), json!([change])).await;
        assert_eq!(s, StatusCode::OK);
        let o = &body["outcomes"][0];
        assert_eq!(o["status"], *want, "{who} writes {field} of {nip}: {o}");
        if let Some(code) = code {
            assert_eq!(o["code"], *code, "{who} writes {field}");
        }
    }
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{a0}")).await;
    assert_eq!(
        rec["data_utama"]["no_hp"], "+6281311112225",
        "the BKD's later reconciliation holds, not the facilitator's"
    );
    assert_ne!(rec["data_utama"]["alamat"], "Jl. Y");
    assert_eq!(rec["data_utama"]["gol_ruang_akhir_id"], "44");
    // The instansi audit log is for administrators; an ASN sees their own trail.
    assert_eq!(h.get(&tok("fas-a"), "/v1/audit").await.0, StatusCode::FORBIDDEN);
    let (s, trail) = h.get(&tok("asn-a0"), &format!("/v1/pegawai/{a0}/audit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        trail.as_array().expect("trail").iter().any(|e| e["actor"] == "fas-a" && e["action"] == "read"),
        "reads are audited"
    );
    assert_eq!(h.get(&tok("asn-a0"), &format!("/v1/pegawai/{a1}/audit")).await.0, StatusCode::NOT_FOUND);
    // The unit's facilitator monitors who saw and changed its records; not another unit's.
    let (s, trail) = h.get(&tok("fas-a"), &format!("/v1/pegawai/{a0}/audit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(trail.as_array().expect("trail").iter().any(|e| e["action"] == "write"), "writes are audited: {trail}");
    assert_eq!(h.get(&tok("fas-a"), &format!("/v1/pegawai/{b0}/audit")).await.0, StatusCode::NOT_FOUND);
}

async fn push_pull_round_trip_duplicates_and_superseded(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let a0 = h.nip_in("UNIT-A", 0);
    let asn = h.login(&a0).await;
    let fas_a = h.login("fas-a").await;
    let fas_b = h.login("fas-b").await;
    let (_, start) = h.get(&fas_a, "/v1/sync/pull?cursor=0&limit=5000").await;
    let cursor_a = start["next_cursor"].as_i64().expect("cursor");
    assert!(start["changes"].as_array().expect("changes").iter().all(|c| c["entity"] != "riwayat_hukdis"));

    let now = HlcClock::now_ms();
    let change = h.field_change(&admin, &a0, "alamat", "Jl. Merdeka 17", now).await;
    let (_, first) = h.push(&asn, json!([change.clone()])).await;
    assert_eq!(first["outcomes"][0]["status"], "applied");
    let (_, again) = h.push(&asn, json!([change.clone()])).await;
    assert_eq!(again["outcomes"][0], first["outcomes"][0], "a retry gets the same answer");

    // An older write to the same field loses and is told what won.
    let older = h.field_change(&admin, &a0, "alamat", "Jl. Lama 1", now - 60_000).await;
    let (_, lost) = h.push(&asn, json!([older])).await;
    assert_eq!(lost["outcomes"][0]["status"], "superseded");
    assert_eq!(lost["outcomes"][0]["superseded"]["alamat"], "Jl. Merdeka 17");

    let (_, page) = h.get(&fas_a, &format!("/v1/sync/pull?cursor={cursor_a}")).await;
    let got: Vec<&Value> =
        page["changes"].as_array().expect("changes").iter().filter(|c| c["id"] == change["id"]).collect();
    assert_eq!(got.len(), 1, "pulled exactly once");
    assert_eq!(got[0]["fields"]["alamat"], "Jl. Merdeka 17");
    let (_, page_b) = h.get(&fas_b, &format!("/v1/sync/pull?cursor={cursor_a}")).await;
    assert!(
        page_b["changes"].as_array().expect("changes").iter().all(|c| c["id"] != change["id"]),
        "UNIT-B does not see UNIT-A"
    );
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{a0}")).await;
    assert_eq!(rec["data_utama"]["alamat"], "Jl. Merdeka 17");

    // Paging: small pages walk the whole log without gaps or repeats.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = 0;
    loop {
        let (_, p) = h.get(&admin, &format!("/v1/sync/pull?cursor={cursor}&limit=37")).await;
        for c in p["changes"].as_array().expect("changes") {
            assert!(seen.insert(c["seq"].as_i64().expect("seq")), "repeated");
        }
        cursor = p["next_cursor"].as_i64().expect("cursor");
        if !p["has_more"].as_bool().expect("bool") {
            break;
        }
    }
    assert!(seen.len() > 100);
}

async fn bad_input_is_refused_with_a_clear_error_and_nothing_stored(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let a0 = h.nip_in("UNIT-A", 0);
    let asn = h.login(&a0).await;
    let (_, before) = h.get(&admin, &format!("/v1/pegawai/{a0}")).await;

    let bad_phone = h.field_change(&admin, &a0, "no_hp", "021-555", HlcClock::now_ms()).await;
    let (_, r) = h.push(&asn, json!([bad_phone])).await;
    assert_eq!(
        (r["outcomes"][0]["status"].as_str(), r["outcomes"][0]["code"].as_str()),
        (Some("refused"), Some("phone.not_mobile"))
    );
    let unknown = h.field_change(&admin, &a0, "hobi", "x", HlcClock::now_ms()).await;
    let (_, r) = h.push(&asn, json!([unknown])).await;
    assert_eq!(r["outcomes"][0]["code"], "field.unknown");
    // A reference code the hub's tables do not know (agama is built in), whatever the client.
    let bad_code = h.field_change(&admin, &a0, "agama_id", "99", HlcClock::now_ms()).await;
    let (_, r) = h.push(&asn, json!([bad_code])).await;
    assert_eq!(
        (r["outcomes"][0]["status"].as_str(), r["outcomes"][0]["code"].as_str()),
        (Some("refused"), Some("field.unknown_code"))
    );

    for body in ["{\"changes\": [", "{\"changes\": 7}", "not json"] {
        let r = h
            .http
            .post(format!("{}/v1/sync/push", h.base))
            .bearer_auth(&asn)
            .header("x-berkas-protocol", "1")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        assert!(r.status().is_client_error(), "{body}");
        let v: Value = r.json().await.expect("json error");
        assert_eq!(v["error"]["code"], "request.malformed", "{body}");
    }
    let r = h
        .http
        .post(format!("{}/v1/sync/push", h.base))
        .bearer_auth(&asn)
        .json(&json!({"changes": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UPGRADE_REQUIRED);
    let r = h
        .http
        .get(format!("{}/v1/sync/pull", h.base))
        .bearer_auth(&asn)
        .header("x-berkas-protocol", "2")
        .send()
        .await
        .expect("send");
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "protocol.upgrade_required");

    // A NIP is one person's: a second record with a NIP held already, or set twice in one
    // batch, is refused by name (the first of the batch stands).
    let new_record = |nip: &str, nama: &str| {
        let id = uuid::Uuid::now_v7().to_string();
        json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
            "fields": { "nip_baru": nip, "nama": nama, "unit": "UNIT-A" },
            "hlc": Hlc { wall_ms: HlcClock::now_ms(), counter: 0 }, "device": "test-device",
        })
    };
    const FRESH: &str = "198503122010011002";
    let batch = json!([new_record(&a0, "Salinan"), new_record(FRESH, "Rina"), new_record(FRESH, "Rina W.")]);
    let (status, r) = h.push(&admin, batch).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let outcomes: Vec<(&str, &str)> = (0..3)
        .map(|i| (r["outcomes"][i]["status"].as_str().unwrap_or("?"), r["outcomes"][i]["code"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(outcomes, [("refused", "nip.taken"), ("applied", ""), ("refused", "nip.taken")]);
    assert!(r["outcomes"][2]["message"].as_str().is_some_and(|m| m.contains(FRESH)), "{r}");
    let (_, fresh) = h.get(&admin, &format!("/v1/pegawai/{FRESH}")).await;
    assert_eq!(fresh["data_utama"]["nama"], "Rina");

    let (_, after) = h.get(&admin, &format!("/v1/pegawai/{a0}")).await;
    assert_eq!(before["data_utama"], after["data_utama"], "refused input changed the record");
}

async fn blob_upload_resumes_after_a_cut_dedups_and_checks_the_hash(backend: Backend) {
    let h = hub(backend).await;
    use sha2::Digest;
    let admin = h.login("admin").await;
    let owner = h.login(&h.nip_in("UNIT-A", 0)).await;
    let other = h.login(&h.nip_in("UNIT-A", 1)).await;
    let data: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(7) % 251) as u8).collect();
    let sha = hex::encode(sha2::Sha256::digest(&data));
    let url = format!("{}/v1/blobs/{sha}", h.base);
    let head = |t: &str| h.http.head(&url).bearer_auth(t.to_string()).send();
    let put = |t: &str, offset: usize, body: Vec<u8>| {
        h.http.put(format!("{url}?offset={offset}&total={}", data.len())).bearer_auth(t.to_string()).body(body).send()
    };
    let offset_of = |r: &reqwest::Response| {
        r.headers()["x-berkas-upload-offset"].to_str().expect("ascii").parse::<u64>().expect("number")
    };

    let r = head(&owner).await.expect("head");
    assert_eq!((r.status(), offset_of(&r)), (StatusCode::NOT_FOUND, 0));
    let r = put(&owner, 0, data[..100_000].to_vec()).await.expect("put");
    assert_eq!(r.json::<Value>().await.expect("json"), json!({"offset": 100_000, "complete": false}));
    // The connection was cut after the client sent more than the server kept: it asks, and resumes.
    let r = put(&owner, 200_000, data[200_000..].to_vec()).await.expect("put");
    assert_eq!((r.status(), offset_of(&r)), (StatusCode::CONFLICT, 100_000));
    let r = head(&owner).await.expect("head");
    assert_eq!(offset_of(&r), 100_000);
    let r = put(&owner, 100_000, data[100_000..].to_vec()).await.expect("put");
    assert_eq!(r.json::<Value>().await.expect("json"), json!({"offset": 300_000, "complete": true}));
    let r = head(&owner).await.expect("head");
    assert_eq!(r.status(), StatusCode::OK);
    // Already held: nothing is sent again.
    let r = put(&owner, 0, Vec::new()).await.expect("put");
    assert_eq!(r.json::<Value>().await.expect("json")["complete"], true);

    let get = |t: &str, range: Option<&str>| {
        let mut rq = h.http.get(&url).bearer_auth(t.to_string());
        if let Some(r) = range {
            rq = rq.header("range", r.to_string());
        }
        rq.send()
    };
    let r = get(&owner, None).await.expect("get");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), data);
    let r = get(&owner, Some("bytes=10-19")).await.expect("get");
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 10-19/300000");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), data[10..20].to_vec());
    assert_eq!(get(&admin, None).await.expect("get").status(), StatusCode::OK);
    // Someone else must prove they hold the bytes; until then the blob is not theirs to read.
    assert_eq!(get(&other, None).await.expect("get").status(), StatusCode::NOT_FOUND);
    let r = head(&other).await.expect("head");
    assert_eq!((r.status(), offset_of(&r)), (StatusCode::NOT_FOUND, 0));

    // A corrupt upload (bytes that do not hash to the name) is refused and discarded.
    let mut bad = data.clone();
    bad[123] ^= 0xff;
    let bad_sha = hex::encode(sha2::Sha256::digest(&data[..1000]));
    let r = h
        .http
        .put(format!("{}/v1/blobs/{bad_sha}?offset=0&total=1000", h.base))
        .bearer_auth(&owner)
        .body(bad[..1000].to_vec())
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "blob.hash_mismatch");
    let r = h.http.head(format!("{}/v1/blobs/{bad_sha}", h.base)).bearer_auth(&owner).send().await.expect("head");
    assert_eq!((r.status(), offset_of(&r)), (StatusCode::NOT_FOUND, 0));
    let r = h.http.get(format!("{}/v1/blobs/not-a-hash", h.base)).bearer_auth(&owner).send().await.expect("get");
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "blob.bad_name");
}

async fn mutasi_resets_the_scope_of_both_units(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let fas_a = h.login("fas-a").await;
    let fas_b = h.login("fas-b").await;
    let a0 = h.nip_in("UNIT-A", 0);
    let (_, pa) = h.get(&fas_a, "/v1/sync/pull?cursor=0&limit=5000").await;
    let (_, pb) = h.get(&fas_b, "/v1/sync/pull?cursor=0&limit=5000").await;
    let (va, vb) = (pa["scope_version"].as_i64().expect("v"), pb["scope_version"].as_i64().expect("v"));
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{a0}")).await;
    let a0_id = rec["id"].as_str().expect("id").to_string();
    assert!(pa["changes"].as_array().expect("c").iter().any(|c| c["pegawai"] == a0_id.as_str()));

    let moved = h.field_change(&admin, &a0, "unit", "UNIT-B", HlcClock::now_ms()).await;
    let (_, r) = h.push(&admin, json!([moved])).await;
    assert_eq!(r["outcomes"][0]["status"], "applied");

    let (_, reset_a) = h.get(&fas_a, &format!("/v1/sync/pull?cursor={}&scope={va}", pa["next_cursor"])).await;
    assert_eq!(reset_a["scope_reset"], true);
    let va2 = reset_a["scope_version"].as_i64().expect("v");
    assert!(va2 > va);
    let (_, again_a) = h.get(&fas_a, &format!("/v1/sync/pull?cursor=0&limit=5000&scope={va2}")).await;
    assert!(again_a.get("scope_reset").is_none());
    assert!(
        again_a["changes"].as_array().expect("c").iter().all(|c| c["pegawai"] != a0_id.as_str()),
        "UNIT-A no longer sees the moved ASN"
    );
    assert_eq!(h.get(&fas_a, &format!("/v1/pegawai/{a0}")).await.0, StatusCode::NOT_FOUND);

    let (_, reset_b) = h.get(&fas_b, &format!("/v1/sync/pull?cursor={}&scope={vb}", pb["next_cursor"])).await;
    assert_eq!(reset_b["scope_reset"], true);
    let vb2 = reset_b["scope_version"].as_i64().expect("v");
    let (_, again_b) = h.get(&fas_b, &format!("/v1/sync/pull?cursor=0&limit=5000&scope={vb2}")).await;
    let history = again_b["changes"].as_array().expect("c").iter().filter(|c| c["pegawai"] == a0_id.as_str()).count();
    assert!(history > 1, "UNIT-B gets the moved ASN's whole history, not only the move");
    // An account whose scope did not change is not reset.
    let (_, adm) = h.get(&admin, "/v1/sync/pull?cursor=0&limit=1").await;
    let v = adm["scope_version"].as_i64().expect("v");
    let (_, adm2) = h.get(&admin, &format!("/v1/sync/pull?cursor=0&limit=1&scope={v}")).await;
    assert!(adm2.get("scope_reset").is_none());
}

/// A facilitator's approval of a data correction is applied by the hub to the official
/// record, once however often the approval is retried; the catalogue in force is the one an
/// administrator published.
async fn approved_corrections_are_applied_once_and_catalogues_published(backend: Backend) {
    let hub = hub(backend).await;
    let nip = hub.nip_in("UNIT-A", 0);
    let (asn, fas, admin) = (hub.login(&nip).await, hub.login("fas-a").await, hub.login("admin").await);
    let (_, rec) = hub.get(&admin, &format!("/v1/pegawai/{nip}")).await;
    let pegawai = rec["id"].as_str().expect("id").to_string();
    let row = uuid::Uuid::now_v7().to_string();
    let answers = json!({ "tempat_lahir": "Kota Baru" }).to_string();
    // Stamped now: an approval older than the record's last official edit would lose to it.
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as u64;
    let submit = json!({
        "id": uuid::Uuid::now_v7().to_string(), "entity": "usulan", "row": row, "pegawai": pegawai,
        "fields": { "layanan_id": "koreksi_data_utama", "answers": answers, "status": "SUBMITTED" },
        "hlc": Hlc { wall_ms: now_ms, counter: 0 }, "device": "phone",
    });
    let (status, out) = hub.push(&asn, json!([submit])).await;
    assert_eq!((status, out["outcomes"][0]["status"].as_str()), (StatusCode::OK, Some("applied")), "{out}");
    let decision = json!({ "tempat_lahir": {
        "putusan": "SETUJU", "nilai": "Kota Baru", "putaran": 1, "oleh": "fas-a", "pada": "2026-11-25T00:00:00Z" } });
    let approve = json!({
        "id": uuid::Uuid::now_v7().to_string(), "entity": "usulan", "row": row, "pegawai": pegawai,
        "fields": { "keputusan": decision.to_string(), "status": "APPROVED" },
        "hlc": Hlc { wall_ms: now_ms + 1, counter: 0 }, "device": "laptop",
    });
    for _ in 0..3 {
        let (status, out) = hub.push(&fas, json!([approve.clone()])).await;
        assert_eq!((status, out["outcomes"][0]["status"].as_str()), (StatusCode::OK, Some("applied")), "{out}");
    }
    let (_, rec) = hub.get(&admin, &format!("/v1/pegawai/{nip}")).await;
    assert_eq!(rec["data_utama"]["tempat_lahir"], "Kota Baru");
    let (_, page) = hub.get(&admin, "/v1/sync/pull?cursor=0&limit=5000").await;
    let applied = page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["entity"] == "data_utama" && c["fields"]["tempat_lahir"] == "Kota Baru")
        .count();
    assert_eq!(applied, 1, "applied exactly once");
    // The ASN cannot approve their own correction.
    let mut own = approve.clone();
    own["id"] = json!(uuid::Uuid::now_v7().to_string());
    let (_, out) = hub.push(&asn, json!([own])).await;
    assert_eq!(out["outcomes"][0]["code"], "forbidden.field", "{out}");

    let (_, catalog) = hub.get(&fas, "/v1/layanan?have=0").await;
    let version = catalog["version"].as_u64().expect("version");
    let mut newer = catalog.clone();
    newer["version"] = json!(version + 1);
    let r = hub
        .http
        .put(format!("{}/v1/layanan", hub.base))
        .bearer_auth(&admin)
        .body(newer.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = hub.get(&fas, &format!("/v1/layanan?have={}", version + 1)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, now) = hub.get(&fas, &format!("/v1/layanan?have={version}")).await;
    assert_eq!(now["version"].as_u64(), Some(version + 1), "the published catalogue is in force");
}

/// The same ASN typed in on many devices at one moment: the hub judges each batch before its
/// write, so batches judged side by side may both find the NIP free. Here every batch is held
/// after its judgement until all twelve were judged, so all of them found it free: exactly one
/// record wins, each other batch meets it, is judged again once and refused by name, never
/// failed as a server error.
async fn records_pushed_at_once_with_one_nip_one_stands(backend: Backend) {
    const DEVICES: usize = 12;
    const NIP: &str = "199001152015032004";
    let mut races = None;
    let h = hub_with(backend, |state| {
        state.push_races.hold_after_judging = Some(Arc::new(tokio::sync::Barrier::new(DEVICES)));
        races = Some(state.push_races.clone());
    })
    .await;
    let races = races.expect("races");
    let admin = h.login("admin").await;
    let mut pushes = tokio::task::JoinSet::new();
    for i in 0..DEVICES {
        let id = uuid::Uuid::now_v7().to_string();
        let change = json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
            "fields": { "nip_baru": NIP, "nama": format!("Salinan {i}"), "unit": "UNIT-A" },
            "hlc": Hlc { wall_ms: HlcClock::now_ms(), counter: 0 }, "device": format!("device-{i}"),
        });
        let request = h
            .http
            .post(format!("{}/v1/sync/push", h.base))
            .bearer_auth(&admin)
            .header("x-berkas-protocol", "1")
            .json(&json!({ "changes": [change] }));
        pushes.spawn(async move {
            let r = request.send().await.expect("send");
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let answers = pushes.join_all().await;
    let mut applied = 0;
    for (status, r) in &answers {
        assert_eq!(*status, StatusCode::OK, "{r}");
        match (r["outcomes"][0]["status"].as_str(), r["outcomes"][0]["code"].as_str()) {
            (Some("applied"), _) => applied += 1,
            (Some("refused"), Some("nip.taken")) => {}
            other => panic!("unexpected outcome {other:?}: {r}"),
        }
    }
    assert_eq!(applied, 1, "one record holds the NIP");
    assert_eq!(races.rejudged(), DEVICES as u64 - 1, "every losing batch met the winner and was judged again");
    let (status, rec) = h.get(&admin, &format!("/v1/pegawai/{NIP}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rec["data_utama"]["nama"].as_str().is_some_and(|n| n.starts_with("Salinan")), "{rec}");
}

/// Many devices push at once, each to its own record and all to one shared record, one of them
/// in batches of a thousand (a long write in which smaller batches commit), a third of the
/// batches sent twice at the same moment (a retry racing its original), while a reader pulls
/// all along. Without the change log's turn-taking the reader misses changes in about one run
/// of three (tried). Nothing is lost or logged twice, the shared field holds the
/// latest stamp, and the reader, which never moves its cursor back, sees every change: none
/// commits below a cursor already passed.
async fn pushes_side_by_side_lose_nothing_and_the_cursor_skips_none(backend: Backend) {
    const DEVICES: usize = 16;
    const ROUNDS: u64 = 25;
    let h = Arc::new(hub(backend).await);
    let admin = h.login("admin").await;
    let id_of = |rec: &Value| rec["id"].as_str().expect("id").to_string();
    let shared = id_of(&h.get(&admin, &format!("/v1/pegawai/{}", h.nip_in("UNIT-A", 0))).await.1);
    let mut own = Vec::new();
    for d in 0..DEVICES {
        own.push(id_of(&h.get(&admin, &format!("/v1/pegawai/{}", h.nip_in("UNIT-B", d))).await.1));
    }
    // Past what the demo wrote: the reader follows from here.
    let mut cursor = 0;
    loop {
        let (_, page) = h.get(&admin, &format!("/v1/sync/pull?cursor={cursor}&limit=5000")).await;
        cursor = page["next_cursor"].as_i64().expect("cursor");
        if page["has_more"] != Value::Bool(true) {
            break;
        }
    }
    let base = HlcClock::now_ms();
    let change = |row: &str, field: &str, value: String, wall_ms: u64, device: usize| {
        json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": row, "pegawai": row,
            "fields": { field: value }, "hlc": Hlc { wall_ms, counter: 0 }, "device": format!("device-{device}"),
        })
    };
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (h, admin, done) = (h.clone(), admin.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: Vec<String> = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let (status, page) = h.get(&admin, &format!("/v1/sync/pull?cursor={cursor}&limit=5000")).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                for c in page["changes"].as_array().expect("changes") {
                    seen.push(c["id"].as_str().expect("id").to_string());
                }
                cursor = page["next_cursor"].as_i64().expect("cursor");
                if finished && page["has_more"] != Value::Bool(true) {
                    return seen;
                }
            }
        })
    };
    let mut pushes = tokio::task::JoinSet::new();
    let mut sent = std::collections::BTreeSet::new();
    for d in 0..DEVICES {
        let mut batches = Vec::new();
        for r in 0..ROUNDS {
            let wall = base + r * 100 + d as u64;
            let batch = json!([
                change(&own[d], "tempat_lahir", format!("Kota {d}-{r}"), wall, d),
                change(&shared, "email", format!("asn{d}.{r}@example.org"), wall, d),
            ]);
            for c in batch.as_array().expect("batch") {
                sent.insert(c["id"].as_str().expect("id").to_string());
            }
            batches.push(batch);
        }
        if d == 0 {
            // One device sends large batches: its log write is the long window in which a
            // smaller batch drawn later could commit first.
            for r in 0..4u64 {
                let bulk: Vec<Value> = (0..1000u64)
                    .map(|i| {
                        change(&own[0], "tempat_lahir", format!("Kota 0-{r}-{i}"), base - 10_000 + r * 1000 + i, 0)
                    })
                    .collect();
                for c in &bulk {
                    sent.insert(c["id"].as_str().expect("id").to_string());
                }
                batches.insert(0, Value::Array(bulk));
            }
        }
        let (h, admin) = (h.clone(), admin.clone());
        pushes.spawn(async move {
            let mut answers = Vec::new();
            for batch in batches {
                if d % 3 == 0 {
                    let (a, b) = tokio::join!(h.push(&admin, batch.clone()), h.push(&admin, batch));
                    answers.extend([a, b]);
                } else {
                    answers.push(h.push(&admin, batch).await);
                }
            }
            answers
        });
    }
    for (status, r) in pushes.join_all().await.into_iter().flatten() {
        assert_eq!(status, StatusCode::OK, "{r}");
        for o in r["outcomes"].as_array().expect("outcomes") {
            assert!(matches!(o["status"].as_str(), Some("applied" | "superseded")), "{o}");
        }
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.await.expect("reader");
    let unique: std::collections::BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), unique.len(), "a change pulled twice");
    let missed = sent.difference(&unique).count();
    assert_eq!(missed, 0, "changes the reader's cursor passed before they were committed");
    assert_eq!(unique.len(), sent.len(), "the reader saw only the changes sent");
    let last = ROUNDS - 1;
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{}", h.nip_in("UNIT-A", 0))).await;
    assert_eq!(rec["data_utama"]["email"], format!("asn{}.{last}@example.org", DEVICES - 1), "the latest stamp wins");
    for d in 0..DEVICES {
        let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{}", h.nip_in("UNIT-B", d))).await;
        assert_eq!(rec["data_utama"]["tempat_lahir"], format!("Kota {d}-{last}"));
    }
}

/// An ASN's and a facilitator's pulls read their records' changes by index: each gets exactly
/// what the whole log, judged change by change, would give it, and a cursor at the log's head,
/// so their next pull starts past everyone else's changes.
async fn scoped_pulls_get_their_changes_and_the_heads_cursor(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let all = |token: String| {
        let h = &h;
        async move {
            let (mut cursor, mut seen) = (0, Vec::new());
            loop {
                let (status, page) = h.get(&token, &format!("/v1/sync/pull?cursor={cursor}&limit=50")).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                for c in page["changes"].as_array().expect("changes") {
                    seen.push((
                        c["pegawai"].as_str().unwrap_or_default().to_string(),
                        c["id"].as_str().expect("id").to_string(),
                    ));
                }
                cursor = page["next_cursor"].as_i64().expect("cursor");
                if page["has_more"] != Value::Bool(true) {
                    return (seen, cursor);
                }
            }
        }
    };
    let (log, head) = all(admin.clone()).await;
    let nip = h.nip_in("UNIT-A", 3);
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{nip}")).await;
    let own = rec["id"].as_str().expect("id").to_string();
    let (mine, cursor) = all(h.login(&nip).await).await;
    let expected: Vec<_> = log.iter().filter(|(p, _)| *p == own).cloned().collect();
    assert!(!expected.is_empty());
    assert_eq!(mine, expected, "the ASN gets its record's changes, in order");
    assert_eq!(cursor, head, "and a cursor at the head");
    let mut in_unit_a = std::collections::BTreeSet::new();
    for (nip, unit) in &h.asn {
        if unit == "UNIT-A" {
            let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{nip}")).await;
            in_unit_a.insert(rec["id"].as_str().expect("id").to_string());
        }
    }
    let (unit, cursor) = all(h.login("fas-a").await).await;
    let expected: Vec<_> = log.iter().filter(|(p, _)| in_unit_a.contains(p)).cloned().collect();
    assert_eq!(unit, expected, "the facilitator gets the unit's changes, in order");
    assert_eq!(cursor, head);

    // After others' changes and one of its own, the ASN's next pull holds exactly that one.
    let other = h.field_change(&admin, &h.nip_in("UNIT-B", 1), "tempat_lahir", "Medan", HlcClock::now_ms()).await;
    let mine_now = h.field_change(&admin, &nip, "tempat_lahir", "Bandung", HlcClock::now_ms()).await;
    let (status, _) = h.push(&admin, json!([other, mine_now.clone()])).await;
    assert_eq!(status, StatusCode::OK);
    let asn = h.login(&nip).await;
    let (_, page) = h.get(&asn, &format!("/v1/sync/pull?cursor={head}&limit=50")).await;
    let ids: Vec<&str> = page["changes"].as_array().expect("changes").iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, [mine_now["id"].as_str().expect("id")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pushes_side_by_side_lose_nothing_and_the_cursor_skips_none_sqlite() {
    pushes_side_by_side_lose_nothing_and_the_cursor_skips_none(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pushes_side_by_side_lose_nothing_and_the_cursor_skips_none_postgres() {
    pushes_side_by_side_lose_nothing_and_the_cursor_skips_none(Backend::Postgres).await
}

/// One batch that creates a record, changes it twice, repeats a change, carries an older write
/// and a refused one: answered in order as if sent one by one, each logged once, in order.
async fn one_batch_touching_a_row_many_times_is_answered_as_if_sent_one_by_one(backend: Backend) {
    let h = hub(backend).await;
    let admin = h.login("admin").await;
    let id = uuid::Uuid::now_v7().to_string();
    let now = HlcClock::now_ms();
    let change = |fields: Value, wall_ms: u64| {
        json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
            "fields": fields, "hlc": Hlc { wall_ms, counter: 0 }, "device": "test-device",
        })
    };
    const NIP: &str = "198807172014021003";
    let create = change(json!({ "nip_baru": NIP, "nama": "Andi", "unit": "UNIT-A" }), now);
    let rename = change(json!({ "nama": "Andi Wijaya" }), now + 1);
    let place = change(json!({ "tempat_lahir": "Semarang" }), now + 2);
    let older = change(json!({ "nama": "Andi W." }), now - 5_000);
    let unknown = change(json!({ "no_such_field": "x" }), now + 3);
    let batch = json!([create, rename, place, rename.clone(), older, unknown]);
    let (status, r) = h.push(&admin, batch).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let o = r["outcomes"].as_array().expect("outcomes");
    let statuses: Vec<&str> = o.iter().map(|x| x["status"].as_str().unwrap_or("?")).collect();
    assert_eq!(statuses, ["applied", "applied", "applied", "applied", "superseded", "refused"]);
    assert_eq!(o[3], o[1], "a repeated change gets the first answer");
    assert_eq!(o[4]["superseded"]["nama"], "Andi Wijaya");
    let seqs: Vec<i64> = [0, 1, 2, 4].iter().map(|&i| o[i]["seq"].as_i64().expect("seq")).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "logged in the batch's order: {seqs:?}");
    let (_, rec) = h.get(&admin, &format!("/v1/pegawai/{NIP}")).await;
    assert_eq!(
        (rec["data_utama"]["nama"].as_str(), rec["data_utama"]["tempat_lahir"].as_str()),
        (Some("Andi Wijaya"), Some("Semarang"))
    );
    let (_, page) = h.get(&admin, &format!("/v1/sync/pull?cursor={}&limit=100", seqs[0] - 1)).await;
    let logged: Vec<i64> = page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["row"] == id.as_str())
        .map(|c| c["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(logged, seqs, "each accepted change is in the log once");
}

macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $case() { super::$case(super::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $case() { super::$case(super::Backend::Postgres).await } )*
        }
    };
}

on_every_backend!(
    login_refresh_rotation_logout_and_rate_limit,
    password_change_only_by_the_owner_with_the_old_password,
    authorization_matrix,
    push_pull_round_trip_duplicates_and_superseded,
    bad_input_is_refused_with_a_clear_error_and_nothing_stored,
    blob_upload_resumes_after_a_cut_dedups_and_checks_the_hash,
    mutasi_resets_the_scope_of_both_units,
    approved_corrections_are_applied_once_and_catalogues_published,
    one_batch_touching_a_row_many_times_is_answered_as_if_sent_one_by_one,
    scoped_pulls_get_their_changes_and_the_heads_cursor,
);

// Side by side on worker threads, so the hub judges the batches while others write.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn records_pushed_at_once_with_one_nip_one_stands_sqlite() {
    records_pushed_at_once_with_one_nip_one_stands(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn records_pushed_at_once_with_one_nip_one_stands_postgres() {
    records_pushed_at_once_with_one_nip_one_stands(Backend::Postgres).await
}

#[tokio::test]
async fn compressed_bodies_both_ways_and_a_corrupt_one_refused() {
    use std::io::Write;
    let h = hub(Backend::Sqlite).await;
    let admin = h.login("admin").await;
    let a0 = h.nip_in("UNIT-A", 0);
    let asn = h.login(&a0).await;
    let change = h.field_change(&admin, &a0, "alamat", "Jl. Gzip 1", HlcClock::now_ms()).await;
    let body = serde_json::to_vec(&json!({ "changes": [change] })).expect("json");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let r = h
        .http
        .post(format!("{}/v1/sync/push", h.base))
        .bearer_auth(&asn)
        .header("x-berkas-protocol", "1")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gz.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(r.json::<Value>().await.expect("json")["outcomes"][0]["status"], "applied");

    // A response compressed with zstd when asked, smaller than the plain one.
    let raw = Client::builder().no_gzip().no_zstd().build().expect("client");
    let pull = |enc: &'static str| {
        raw.get(format!("{}/v1/sync/pull?cursor=0&limit=2000", h.base))
            .bearer_auth(&admin)
            .header("x-berkas-protocol", "1")
            .header("accept-encoding", enc)
            .send()
    };
    let plain = pull("identity").await.expect("send");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.expect("bytes").len();
    let zstd = pull("zstd").await.expect("send");
    assert_eq!(zstd.headers()["content-encoding"], "zstd");
    let zstd_len = zstd.bytes().await.expect("bytes").len();
    assert!(zstd_len * 4 < plain_len, "zstd {zstd_len} bytes vs plain {plain_len}");

    let mut broken = gz;
    broken.truncate(broken.len() / 2);
    let r = h
        .http
        .post(format!("{}/v1/sync/push", h.base))
        .bearer_auth(&asn)
        .header("x-berkas-protocol", "1")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(broken)
        .send()
        .await
        .expect("send");
    assert!(r.status().is_client_error(), "a truncated gzip body is refused, got {}", r.status());
}

#[tokio::test]
async fn tls_serves_https_and_plain_http_is_for_loopback_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(berkas_server::store::SqliteStorage::open(&dir.path().join("hub.db")).expect("open"));
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store, blobs).expect("state");
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let cert_pem = certified.cert.pem();
    let addr = berkas_server::tls::spawn_tls(
        state,
        "127.0.0.1:0".parse().expect("addr"),
        cert_pem.clone().into_bytes(),
        certified.key_pair.serialize_pem().into_bytes(),
    )
    .await
    .expect("tls");
    let client = Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).expect("pem"))
        .resolve("localhost", addr)
        .build()
        .expect("client");
    let r = client.get(format!("https://localhost:{}/v1/health", addr.port())).send().await.expect("https");
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "ok");
    assert!(Client::new().get(format!("http://{addr}/v1/health")).send().await.is_err(), "plain HTTP on the TLS port");

    // Without a certificate the binary refuses anything but loopback.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(dir.path().join("other"))
        .output()
        .expect("run berkas-server");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn expired_tokens_are_refused_with_their_own_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(berkas_server::store::SqliteStorage::open(&dir.path().join("hub.db")).expect("open"));
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let mut state = AppState::new(store, blobs).expect("state");
    demo::seed(&state, PW, 1).await.expect("seed");
    state.access_ttl = 1;
    state.refresh_ttl = 3;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let http = Client::new();
    let pair: Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"username": "admin", "password": PW}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    assert_eq!(pair["expires_in"], 1);
    let me = |t: String| http.get(format!("{base}/v1/me")).bearer_auth(t).send();
    assert_eq!(me(pair["access_token"].as_str().expect("t").into()).await.expect("me").status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = me(pair["access_token"].as_str().expect("t").into()).await.expect("me");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "auth.expired");
    // The refresh token still works, once; after its own lifetime it is refused too.
    let r = http
        .post(format!("{base}/v1/auth/refresh"))
        .json(&json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(r.status(), StatusCode::OK);
    let fresh: Value = r.json().await.expect("json");
    tokio::time::sleep(std::time::Duration::from_millis(4100)).await;
    let r = http
        .post(format!("{base}/v1/auth/refresh"))
        .json(&json!({"refresh_token": fresh["refresh_token"]}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "auth.expired");
}
