//! Sync through a proxy that drops connections, cuts requests and answers and delays them:
//! syncing again until it succeeds must leave the hub with every change exactly once and every
//! device with the hub's records; a blob upload cut anywhere resumes and arrives intact.

use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, ListFilter};
use berkas_tests::proxy::{FaultPlan, FaultProxy};
use berkas_tests::{device, hub_log, HubProcess, DEMO_PASSWORD};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

fn faulty_opts() -> SyncOptions {
    SyncOptions {
        push_batch: 7,
        pull_page: 13,
        // Every fault surfaces as a failed sync, so the next sync has to pick up the pieces.
        max_attempts: 1,
        backoff: Duration::from_millis(2),
        timeout: Duration::from_millis(800),
        blob_chunk: 256 << 10,
        ..SyncOptions::default()
    }
}

/// Syncs until a sync succeeds; returns how many tries failed.
async fn sync_until_done(b: &Berkas) -> u32 {
    let mut failed = 0;
    loop {
        match b.sync(&faulty_opts()).await {
            Ok(_) if b.outbox().expect("outbox").is_empty() => return failed,
            Ok(r) => panic!("a sync that succeeded left the outbox non-empty: {r:?}"),
            Err(berkas_core::Error::Network(_)) => failed += 1,
            Err(e) => panic!("only network errors are expected through the proxy, got {e:?}"),
        }
        assert!(failed < 500, "sync never got through");
    }
}

async fn login_until_done(b: &Berkas, url: &str, user: &str) {
    for _ in 0..100 {
        match b.login(url, user, DEMO_PASSWORD, None).await {
            Ok(_) => return,
            Err(berkas_core::Error::Network(_)) => continue,
            Err(e) => panic!("login: {e:?}"),
        }
    }
    panic!("login never got through");
}

#[tokio::test(flavor = "current_thread")]
async fn dropped_cut_and_delayed_connections_lose_and_double_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 30);
    faults_lose_and_double_nothing(hub, tmp.path()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn dropped_cut_and_delayed_connections_lose_and_double_nothing_on_postgresql() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 30).await;
    faults_lose_and_double_nothing(hub, tmp.path()).await;
}

async fn faults_lose_and_double_nothing(hub: HubProcess, tmp: &std::path::Path) {
    let proxy = FaultProxy::start(&hub.url, FaultPlan::new(0xfa17, 35, Duration::from_millis(1200)));

    let laptop = device(tmp, "laptop");
    login_until_done(&laptop, &proxy.url, "admin").await;
    let failed_first = sync_until_done(&laptop).await;
    assert_eq!(laptop.count_pegawai().expect("count"), 60);
    let nips: Vec<String> = laptop
        .list_pegawai(&ListFilter { limit: 100, ..ListFilter::default() })
        .expect("list")
        .into_iter()
        .map(|p| p.nip)
        .collect();
    let fields = ["jabatan_nama", "nomor_sk_pns", "gelar_belakang", "kartu_asn", "karis_karsu"];
    for (i, nip) in nips.iter().enumerate() {
        for (j, field) in fields.iter().enumerate() {
            let mut set = FieldMap::new();
            set.insert(field.to_string(), Value::Text(format!("v{i}-{j}")));
            laptop.edit_pegawai(nip, &set).expect("edit");
        }
    }
    let outbox = laptop.outbox().expect("outbox");
    let created: BTreeSet<String> = outbox.iter().map(|i| i.id.clone()).collect();
    assert_eq!(created.len(), nips.len() * fields.len());
    // What was written, by row, field and value (an id alone would not show a change arriving
    // with another's value).
    let written: BTreeSet<(String, String, String)> =
        outbox.iter().flat_map(|i| i.fields.iter().map(|(f, v)| (i.row_id.clone(), f.clone(), v.to_text()))).collect();
    let faults_before_push = proxy.faults();
    let failed_push = sync_until_done(&laptop).await;
    // The faults fired while pushing (the old check, failed first + failed push, also passed
    // when only the sign-in and the first pull were hurt).
    eprintln!("faults: {failed_first} failed syncs before the edits, {failed_push} while pushing");
    assert!(failed_push > 0 && proxy.faults() > faults_before_push, "the push went through unhurt");

    let device_id = laptop.sync_status().expect("status").device.expect("device");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut arrived: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for c in hub_log(&hub.url, "admin").await.iter().filter(|c| c["device"] == device_id.as_str()) {
        *seen.entry(c["id"].as_str().expect("id").to_string()).or_default() += 1;
        let row = c["row"].as_str().expect("row").to_string();
        for (f, v) in c["fields"].as_object().expect("fields") {
            let v = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            *arrived.entry((row.clone(), f.clone(), v)).or_default() += 1;
        }
    }
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), created, "every change arrived");
    assert!(seen.values().all(|n| *n == 1), "none arrived twice");
    assert_eq!(arrived.keys().cloned().collect::<BTreeSet<_>>(), written, "every value arrived on its row and field");
    assert!(arrived.values().all(|n| *n == 1), "no value arrived twice");

    // A second device pulls everything through the same faults and ends equal.
    let phone = device(tmp, "phone");
    login_until_done(&phone, &proxy.url, "admin").await;
    sync_until_done(&phone).await;
    for nip in &nips {
        assert_eq!(
            phone.pegawai(nip).expect("phone").data_utama.values,
            laptop.pegawai(nip).expect("laptop").data_utama.values
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_blob_upload_cut_in_the_middle_resumes_and_arrives_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 1);
    let proxy = FaultProxy::start(&hub.url, FaultPlan::new(0xb10b, 0, Duration::ZERO));
    let laptop = device(tmp.path(), "laptop");
    login_until_done(&laptop, &proxy.url, "admin").await;
    // Every connection now dies after 0.3-0.9 MB: inside the second to fourth 256 KiB chunk.
    proxy.set_plan(FaultPlan::cut_requests(0xb10b, 300_000, 900_000));

    let file = tmp.path().join("sk-pangkat.pdf");
    let mut bytes = Vec::with_capacity(3 << 20);
    let mut x: u32 = 7;
    while bytes.len() < (3 << 20) + 1234 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(&file, &bytes).expect("write file");

    let mut cuts = 0;
    let mut resumed = false;
    let sha = loop {
        match laptop.upload_blob(&file, &faulty_opts()).await {
            Ok(t) => {
                resumed |= t.resumed_from > 0;
                break t.sha256;
            }
            Err(berkas_core::Error::Network(_)) => cuts += 1,
            Err(e) => panic!("upload: {e:?}"),
        }
        assert!(cuts < 300, "upload never completed");
        assert_ne!(laptop.blob_state(&file_sha(&bytes)).expect("state").as_deref(), Some("uploaded"));
    };
    assert_eq!(sha, file_sha(&bytes));
    assert!(cuts > 0 && resumed, "the upload must have been cut and resumed from the hub's offset");
    assert_eq!(laptop.blob_state(&sha).expect("state").as_deref(), Some("uploaded"));
    let again = laptop.upload_blob(&file, &faulty_opts()).await;
    if let Ok(t) = again {
        assert_eq!(t.transferred, 0, "the hub has it: nothing is sent twice");
    }

    // Another device fetches it through the faults; its store holds exactly the bytes, sealed.
    let desk = device(tmp.path(), "desk");
    proxy.set_plan(FaultPlan::new(0xd0c, 30, Duration::from_millis(300)));
    login_until_done(&desk, &proxy.url, "admin").await;
    let mut tries = 0;
    let path = loop {
        match desk.fetch_blob(&sha, &faulty_opts()).await {
            Ok((p, _)) => break p,
            Err(berkas_core::Error::Network(_)) => tries += 1,
            Err(e) => panic!("fetch: {e:?}"),
        }
        assert!(tries < 300, "download never completed");
    };
    assert_eq!(desk.blob_bytes(&sha).expect("stored"), bytes);
    let sealed = std::fs::read(path).expect("sealed file");
    assert!(
        sealed.starts_with(b"BKSDOC01") && !sealed.windows(64).any(|w| w == &bytes[4096..4160]),
        "plaintext on disk"
    );
    assert_eq!(desk.blob_state(&sha).expect("state").as_deref(), Some("cached"));
}

fn file_sha(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = berkas_tests::sha256(bytes);
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[tokio::test(flavor = "current_thread")]
async fn an_item_the_hub_keeps_refusing_is_wedged_and_the_rest_of_the_queue_moves() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let proxy = FaultProxy::start(&hub.url, FaultPlan::new(1, 0, Duration::ZERO));
    let laptop = device(tmp.path(), "laptop");
    login_until_done(&laptop, &proxy.url, "admin").await;
    laptop.sync(&SyncOptions::default()).await.expect("first sync");
    let nips: Vec<String> = laptop
        .list_pegawai(&ListFilter { limit: 10, ..ListFilter::default() })
        .expect("list")
        .into_iter()
        .map(|p| p.nip)
        .collect();
    for (i, nip) in nips.iter().enumerate() {
        let mut set = FieldMap::new();
        let value = if i == 2 { "RACUN-7f3a".to_string() } else { format!("Jabatan {i}") };
        set.insert("jabatan_nama".into(), Value::Text(value));
        laptop.edit_pegawai(nip, &set).expect("edit");
    }
    proxy.poison(Some("RACUN-7f3a"));
    let opts = SyncOptions { push_batch: 4, wedge_after: 3, ..SyncOptions::default() };
    let mut wedged = 0;
    for _ in 0..3 {
        let r = laptop.sync(&opts).await.expect("a bad item does not fail the sync");
        wedged += r.wedged;
    }
    assert_eq!(wedged, 1, "wedged after three failures of its own");
    let outbox = laptop.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1, "every other change went through: {outbox:?}");
    assert_eq!(outbox[0].state, berkas_core::sync::OutboxState::Wedged);
    assert_eq!(outbox[0].code.as_deref(), Some("proxy.poisoned"));
    assert_eq!(outbox[0].attempts, 3);
    // Wedged items are not sent again by themselves.
    let r = laptop.sync(&opts).await.expect("sync");
    assert_eq!(r.pushed, 0);

    // The cause is gone (a fixed hub); the author retries the one item.
    proxy.poison(None);
    laptop.outbox_retry(&outbox[0].id).expect("retry");
    let r = laptop.sync(&opts).await.expect("sync");
    assert_eq!((r.pushed, r.applied), (1, 1), "{r:?}");
    assert!(laptop.outbox().expect("outbox").is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_lost_token_refresh_answer_keeps_the_device_signed_in() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Access tokens last one second, so the next sync has to refresh.
    let hub = HubProcess::demo_with(&tmp.path().join("hub"), 2, &["--access-ttl", "1"]);
    let proxy = FaultProxy::start(&hub.url, FaultPlan::clean());
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&proxy.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    laptop.sync(&SyncOptions::default()).await.expect("first sync");
    let nip = laptop.list_pegawai(&ListFilter { limit: 1, ..ListFilter::default() }).expect("list")[0].nip.clone();
    let mut set = FieldMap::new();
    set.insert("jabatan_nama".into(), Value::Text("Analis Kepegawaian".into()));
    laptop.edit_pegawai(&nip, &set).expect("edit");
    tokio::time::sleep(Duration::from_millis(2100)).await;

    // The hub rotates the refresh token, and its answer never reaches the laptop.
    proxy.lose_answer("/v1/auth/refresh");
    let once = SyncOptions { max_attempts: 1, ..SyncOptions::default() };
    match laptop.sync(&once).await {
        Err(berkas_core::Error::Network(_)) => {}
        other => panic!("expected the cut to fail this sync, got {other:?}"),
    }
    assert_eq!(proxy.answers_lost(), 1, "the refresh reached the hub and its answer was lost");
    assert!(laptop.signed_in().expect("signed in"), "the tokens are kept");

    // The next sync sends the rotated token again: the hub takes it as a retry, not a theft.
    let report = laptop.sync(&once).await.expect("the next sync signs in by itself");
    assert_eq!((report.pushed, report.applied), (1, 1), "{report:?}");
    assert!(laptop.outbox().expect("outbox").is_empty());
    let device_id = laptop.sync_status().expect("status").device.expect("device id");
    let log = hub_log(&hub.url, "admin").await;
    let mine: Vec<_> = log.iter().filter(|c| c["device"] == device_id.as_str()).collect();
    assert_eq!(mine.len(), 1, "the edit is in the hub's log once");
    assert_eq!(mine[0]["fields"]["jabatan_nama"], "Analis Kepegawaian");
}

/// The hub checks and seals a large document's last chunk before it is the uploader's. A phone
/// that hangs up in that moment (its timeout) must find the document its own at its next try,
/// not an upload back at offset 0 that each later try loses again the same way.
#[tokio::test(flavor = "current_thread")]
async fn a_last_chunk_whose_sender_hangs_up_still_completes_the_upload() {
    use tokio::io::AsyncWriteExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 1);
    let token = berkas_tests::access_token(&hub.url, "admin").await;
    let chunk = 8 << 20;
    let mut bytes = Vec::with_capacity(3 * chunk);
    let mut x: u32 = 11;
    while bytes.len() < 3 * chunk {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let sha = file_sha(&bytes);
    let url = format!("{}/v1/blobs/{sha}", hub.url);
    let http = reqwest::Client::new();
    for at in [0, chunk] {
        let r = http
            .put(format!("{url}?offset={at}&total={}", bytes.len()))
            .bearer_auth(&token)
            .body(bytes[at..at + chunk].to_vec())
            .send()
            .await
            .expect("chunk");
        assert!(r.status().is_success(), "{}", r.status());
    }
    // The last chunk, sent whole; the connection closes before the answer.
    let addr = hub.url.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "PUT /v1/blobs/{sha}?offset={}&total={} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {chunk}\r\n\r\n",
        2 * chunk,
        bytes.len()
    );
    tcp.write_all(head.as_bytes()).await.expect("head");
    tcp.write_all(&bytes[2 * chunk..]).await.expect("body");
    tcp.flush().await.expect("flush");
    let head_of = |http: reqwest::Client| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            let r = http.head(&url).bearer_auth(&token).send().await.expect("head");
            let offset = r.headers().get("x-berkas-upload-offset").and_then(|v| v.to_str().ok()).map(str::to_string);
            (r.status(), offset.unwrap_or_default())
        }
    };
    // Hang up once the hub holds the whole chunk and is checking it (or has finished).
    let total = bytes.len().to_string();
    for _ in 0..600 {
        let (status, offset) = head_of(http.clone()).await;
        if status.is_success() || offset == total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(tcp);

    let mut status = reqwest::StatusCode::NOT_FOUND;
    for _ in 0..600 {
        let (now, offset) = head_of(http.clone()).await;
        status = now;
        if status.is_success() {
            assert_eq!(offset, total);
            break;
        }
        // Still being checked and sealed (the whole chunk is there), or placed a moment before
        // it is recorded as the uploader's.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Nothing was sent again: the hung-up request alone made it the uploader's.
    assert!(status.is_success(), "the upload never became the uploader's: {status}");
    let back = http.get(&url).bearer_auth(&token).send().await.expect("get").bytes().await.expect("bytes");
    assert!(back[..] == bytes[..], "the document reads back as sent");
}
