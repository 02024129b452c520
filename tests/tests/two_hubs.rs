//! Two hub processes over one PostgreSQL and one Garage bucket serve the same devices
//! interchangeably (issue 27): a session one hub issued is good at the other and ends at both;
//! the login rate limit counts failures at either; devices behind a round-robin balancer land
//! on one hub or the other at every sync, and one upload is cut and continued through the
//! other hub; every change and document is held once; a document uploaded through one hub is
//! read through the other by range; the hub's signing key and published settings are one.

use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;
use berkas_tests::garage::Garage;
use berkas_tests::proxy::{FaultPlan, FaultProxy};
use berkas_tests::{access_token, device, fresh_postgres_database, hub_log, pages, HubProcess, DEMO_PASSWORD};
use std::path::Path;

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

async fn status_of(r: reqwest::RequestBuilder) -> u16 {
    r.header("x-berkas-protocol", "1").send().await.expect("send").status().as_u16()
}

/// A hub process on the shared database and bucket, with the key store the others use.
fn hub(dir: &Path, db: &str, garage: &Garage, key_file: &Path) -> HubProcess {
    let key_file = key_file.to_string_lossy();
    let mut args = vec!["--database", db, "--key-file", &key_file];
    let s3 = garage.hub_args();
    args.extend(s3.iter().map(String::as_str));
    HubProcess::demo_env(dir, 2, &args, &garage.hub_env())
}

/// Bytes `range` of a blob, asked of one hub directly.
async fn ranged(url: &str, token: &str, sha: &str, range: &str) -> (u16, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(format!("{url}/v1/blobs/{sha}"))
        .bearer_auth(token)
        .header("x-berkas-protocol", "1")
        .header("range", range)
        .send()
        .await
        .expect("get blob");
    (r.status().as_u16(), r.bytes().await.expect("body").to_vec())
}

/// Whether any file under `dir` holds `needle`.
fn shows(dir: &Path, needle: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            shows(&p, needle)
        } else {
            std::fs::read(&p).map(|b| b.windows(needle.len()).any(|w| w == needle)).unwrap_or(false)
        }
    })
}

#[tokio::test]
async fn two_hubs_on_one_postgresql_and_one_bucket_serve_the_same_devices() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = fresh_postgres_database().await;
    let garage = Garage::start(&tmp.path().join("garage"));
    let keys = tmp.path().join("hub-keys.json");
    let a = hub(&tmp.path().join("hub-a"), &db, &garage, &keys);
    let b = hub(&tmp.path().join("hub-b"), &db, &garage, &keys);
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

    // Behind a round-robin balancer, each sync opens a new connection and lands on the other
    // hub: the ASN's documents go up through one hub or the other into the one bucket.
    let lb = FaultProxy::balance(&[&a.url, &b.url], FaultPlan::clean());
    let phone = device(tmp.path(), "phone-lb");
    phone.login(&lb.url, &nip, DEMO_PASSWORD, None).await.expect("login through the balancer");
    sync(&phone).await;
    let mut held = Vec::new();
    for i in 0..4u32 {
        lb.cut_all();
        let page = pages::jpeg(&pages::scanned_page(900 + 40 * i, 1200), 85, None);
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen: "889",
            link: DocLink::DataUtama,
            files: vec![PageInput { bytes: &page, crop: None }],
            file_name: Some(format!("dokumen-{i}.jpg")),
            keep_unreadable: true,
        };
        let (doc, _) = phone.add_document(&new, &CaptureOptions::default()).expect("add document");
        held.push(doc.sha256.clone());
        let report = sync(&phone).await;
        assert_eq!((report.blobs_uploaded, report.refused), (1, 0), "{report:?}");
    }
    let served = lb.served();
    assert!(served.iter().all(|n| *n >= 2), "the syncs went to both hubs: {served:?}");

    // One upload is cut every 0.3-0.9 MB; each new connection goes to the other hub, which
    // continues from the offset the bucket holds.
    let laptop = device(tmp.path(), "laptop-lb");
    laptop.login(&lb.url, "admin", DEMO_PASSWORD, None).await.expect("admin through the balancer");
    let mut bytes = Vec::with_capacity(3 << 20);
    let mut x: u32 = 27;
    while bytes.len() < (3 << 20) + 4321 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let file = tmp.path().join("sk-pensiun.pdf");
    std::fs::write(&file, &bytes).expect("write file");
    let opts = SyncOptions { max_attempts: 1, blob_chunk: 256 << 10, ..SyncOptions::default() };
    let before = lb.served();
    lb.set_plan(FaultPlan::cut_requests(0x27, 300_000, 900_000));
    let (mut cuts, mut resumed) = (0, false);
    let sha = loop {
        match laptop.upload_blob(&file, &opts).await {
            Ok(t) => {
                resumed |= t.resumed_from > 0;
                break t.sha256;
            }
            Err(berkas_core::Error::Network(_)) => cuts += 1,
            Err(e) => panic!("upload: {e:?}"),
        }
        assert!(cuts < 300, "the upload never completed");
    };
    lb.set_plan(FaultPlan::clean());
    let after = lb.served();
    assert!(cuts > 0 && resumed, "the upload was cut and continued ({cuts} cuts)");
    assert!(
        after.iter().zip(&before).all(|(n, m)| n > m),
        "the upload went through both hubs: {before:?} -> {after:?}"
    );
    held.push(sha.clone());

    // Read by range through each hub directly, across the sealed segments' edges.
    let token = access_token(&b.url, "admin").await;
    for (url, from, to) in
        [(&b.url, 65_000usize, 300_000usize), (&a.url, 1, 2_000_000), (&b.url, bytes.len() - 10, bytes.len())]
    {
        let (status, got) = ranged(url, &token, &sha, &format!("bytes={from}-{}", to - 1)).await;
        assert_eq!(status, 206, "{url}");
        assert!(got == bytes[from..to], "bytes {from}..{to} through {url}");
    }
    // The real client downloads it through the balancer, its ranges cut and continued at
    // either hub, and stores exactly the bytes.
    let desk = device(tmp.path(), "desk-lb");
    desk.login(&lb.url, "admin", DEMO_PASSWORD, None).await.expect("desk login");
    lb.set_plan(FaultPlan::cut_responses(0x72, 300_000, 900_000));
    let mut tries = 0;
    loop {
        match desk.fetch_blob(&sha, &opts).await {
            Ok(_) => break,
            Err(berkas_core::Error::Network(_)) => tries += 1,
            Err(e) => panic!("fetch: {e:?}"),
        }
        assert!(tries < 300, "the download never completed");
    }
    lb.set_plan(FaultPlan::clean());
    assert!(desk.blob_bytes(&sha).expect("stored") == bytes, "the download holds exactly the bytes");

    // The bucket holds each document once, under its hash, sealed; no upload is left over.
    held.sort();
    held.dedup();
    let want: Vec<String> = held.iter().map(|s| format!("blobs/{s}")).collect();
    assert_eq!(garage.objects("blobs").await, want);
    assert_eq!(garage.objects("uploads").await, Vec::<String>::new());
    assert!(!shows(&garage.data_dir(), &bytes[4096..4160]), "plain document bytes in the store's data");
}
