//! Two hub processes over one PostgreSQL serve the same devices interchangeably (issue 27,
//! item 2; documents, which still live under each hub's data directory, are the object store's
//! part and not tried here): a session one hub issued is good at the other and ends at both;
//! the login rate limit counts failures at either; a change pushed through one is pulled once
//! through the other; two phones on different hubs edit one record and converge; the hub's
//! signing key and published settings are one.

use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;
use berkas_tests::{access_token, device, fresh_postgres_database, hub_log, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

async fn status_of(r: reqwest::RequestBuilder) -> u16 {
    r.header("x-berkas-protocol", "1").send().await.expect("send").status().as_u16()
}

#[tokio::test]
async fn two_hubs_on_one_postgresql_serve_the_same_devices() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = fresh_postgres_database().await;
    let a = HubProcess::demo_with(&tmp.path().join("hub-a"), 2, &["--database", &db]);
    let b = HubProcess::demo_with(&tmp.path().join("hub-b"), 2, &["--database", &db]);
    let http = reqwest::Client::new();

    // A session from hub A is good at hub B; logged out at B, it is over at A too.
    let token = access_token(&a.url, "fas-a").await;
    assert_eq!(status_of(http.get(format!("{}/v1/pegawai?unit=UNIT-A", b.url)).bearer_auth(&token)).await, 200);
    let login: serde_json::Value = http
        .post(format!("{}/v1/auth/login", b.url))
        .json(&serde_json::json!({ "username": "fas-b", "password": DEMO_PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let (access, refresh) = (login["access_token"].as_str().expect("access"), login["refresh_token"].as_str());
    let refreshed = http
        .post(format!("{}/v1/auth/refresh", a.url))
        .json(&serde_json::json!({ "refresh_token": refresh }))
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.status().as_u16(), 200, "hub A rotates hub B's refresh token");
    let logout = http.post(format!("{}/v1/auth/logout", b.url)).bearer_auth(access).send().await.expect("logout");
    assert!(logout.status().is_success(), "{}", logout.status());
    assert_eq!(status_of(http.get(format!("{}/v1/pegawai?unit=UNIT-B", a.url)).bearer_auth(access)).await, 401);

    // The login rate limit counts at both: failures spread over the two lock the account at each.
    let wrong = |url: &str| {
        http.post(format!("{url}/v1/auth/login"))
            .json(&serde_json::json!({ "username": "fas-a", "password": "salah-sandi" }))
    };
    let mut answers = Vec::new();
    // The hub's `auth::MAX_FAILURES`.
    for i in 0..5 {
        let url = if i % 2 == 0 { &a.url } else { &b.url };
        answers.push(wrong(url).send().await.expect("login").status().as_u16());
    }
    assert!(answers.iter().all(|s| *s == 401), "{answers:?}");
    for url in [&a.url, &b.url] {
        assert_eq!(wrong(url).send().await.expect("login").status().as_u16(), 429, "locked at {url}");
    }

    // Two phones of one ASN's record, one on each hub, edit different fields offline.
    let admin = device(tmp.path(), "admin");
    admin.login(&a.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    let nip = admin
        .list_pegawai(&berkas_core::ListFilter { unit: Some("UNIT-B".into()), ..Default::default() })
        .expect("list")[0]
        .nip
        .clone();
    let on_a = device(tmp.path(), "phone-a");
    on_a.login(&a.url, &nip, DEMO_PASSWORD, None).await.expect("login at A");
    let on_b = device(tmp.path(), "phone-b");
    on_b.login(&b.url, &nip, DEMO_PASSWORD, None).await.expect("login at B");
    sync(&on_a).await;
    sync(&on_b).await;
    let mut phone = FieldMap::new();
    phone.insert("no_hp".into(), Value::Text("081234567890".into()));
    on_a.edit_pegawai(&nip, &phone).expect("phone number");
    let mut mail = FieldMap::new();
    mail.insert("email".into(), Value::Text("asn.dua@example.org".into()));
    on_b.edit_pegawai(&nip, &mail).expect("e-mail");
    assert_eq!(sync(&on_a).await.refused, 0);
    assert_eq!(sync(&on_b).await.refused, 0);
    sync(&on_a).await;
    for p in [&on_a, &on_b] {
        let du = p.pegawai(&nip).expect("record").data_utama.values;
        assert_eq!(du.get("no_hp"), Some(&Value::Text("+6281234567890".into())));
        assert_eq!(du.get("email"), Some(&Value::Text("asn.dua@example.org".into())));
    }
    // Each change is in the one log exactly once, whichever hub took it.
    let log = hub_log(&b.url, "admin").await;
    let id = on_a.pegawai(&nip).expect("record").id;
    for (field, value) in [("no_hp", "+6281234567890"), ("email", "asn.dua@example.org")] {
        let n = log.iter().filter(|c| c["pegawai"] == id.as_str() && c["fields"][field] == value).count();
        assert_eq!(n, 1, "{field}");
    }

    // One signing key: a statement signed through A checks out with the key B hands out.
    let signed = admin
        .signed_nominatif(Some("UNIT-B"), berkas_core::reports::ReportFormat::Pdf, &SyncOptions::default())
        .await
        .expect("signed at A");
    let checker = device(tmp.path(), "checker");
    checker.login(&b.url, "fas-b", DEMO_PASSWORD, None).await.expect("login at B");
    let key = checker.fetch_signing_key(&SyncOptions::default()).await.expect("B's key");
    assert_eq!(Some(key), admin.signing_key().expect("A's key, kept at signing"), "one key");
    let statement = checker.verify_signed(&signed.bytes, None).expect("B's key checks A's signature");
    assert_eq!(statement.kind, "nominatif");
    // One set of settings: the arrangement published at B is the one A serves.
    let mut arrangement = admin.pengaturan_kerja();
    arrangement.retensi_hari = 45;
    let at_b = device(tmp.path(), "admin-b");
    at_b.login(&b.url, "admin", DEMO_PASSWORD, None).await.expect("admin at B");
    at_b.publish_pengaturan(&arrangement, &SyncOptions::default()).await.expect("publish at B");
    sync(&admin).await;
    assert_eq!(admin.pengaturan_kerja().retensi_hari, 45, "hub A serves what B published");
}
