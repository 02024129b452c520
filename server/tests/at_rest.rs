//! The hub encrypted at rest, its SQLite database and its documents: a running demo hub's data
//! dir shows no name, NIK or NIP to `strings` or `sqlite3`, not in a document nor in an upload
//! cut halfway; a hub from before is encrypted in place once (a second run refuses), its keys
//! rotated, and a backup of it restored into a new hub encrypted under that hub's own keys. The
//! same files of a plain hub do show them, so the scan can fail.

use berkas_server::blobs::BlobStore;
use berkas_server::store::{SqliteStorage, Storage};
use berkas_server::{demo, AppState, DATABASE_FILE};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

const PW: &str = "rahasia-demo";
const PER_UNIT: u64 = 3;

fn server(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run berkas-server");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A hub from before encryption (plain SQLite) with the demo instansi; the names, NIKs and
/// NIPs it holds.
async fn plain_demo(data: &Path) -> Vec<String> {
    std::fs::create_dir_all(data).expect("mkdir");
    let store = Arc::new(SqliteStorage::open(&data.join(DATABASE_FILE)).expect("open"));
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&data.join("blobs")).expect("blobs"));
    let state = AppState::new(store.clone(), blobs.clone()).expect("state");
    demo::seed(&state, PW, PER_UNIT).await.expect("seed");
    let mut secrets = Vec::new();
    for e in store.list_pegawai(None, 1000, 0).await.expect("list") {
        secrets.push(e.nama.clone());
        secrets.push(e.nip.clone());
        for (_, _, state) in store.rows_of(&e.id).await.expect("rows") {
            if let Some(nik) = state.values.get("nik").and_then(|v| v.as_str()) {
                secrets.push(nik.to_string());
            }
        }
    }
    assert!(secrets.len() >= (PER_UNIT * 2 * 3) as usize, "{secrets:?}");
    // A scanned KTP, as plain as a hub from before kept it.
    let ktp = scan(&secrets);
    let sha = hex::encode(Sha256::digest(&ktp));
    blobs.append(&sha, "asn", 0, ktp.len() as u64, ktp.clone()).await.expect("document");
    secrets
}

/// A document whose bytes show the secrets (as a scan's text layer would), past the first
/// segment so that the sealing's segments are exercised.
fn scan(secrets: &[String]) -> Vec<u8> {
    let mut doc = b"%PDF-1.4 KARTU TANDA PENDUDUK ".to_vec();
    doc.resize(70_000, b' ');
    for s in secrets {
        doc.extend_from_slice(s.as_bytes());
        doc.push(b'\n');
    }
    doc
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Which of `secrets` appear anywhere in the files under `dir`, as `strings` would find them.
fn readable(dir: &Path, secrets: &[String]) -> Vec<String> {
    let all: Vec<Vec<u8>> = files(dir).iter().filter_map(|f| std::fs::read(f).ok()).collect();
    secrets
        .iter()
        .filter(|s| all.iter().any(|bytes| bytes.windows(s.len()).any(|w| w == s.as_bytes())))
        .cloned()
        .collect()
}

/// What `sqlite3` makes of the database (Debian's, installed by scripts/test.sh).
fn sqlite3_reads(db: &Path) -> bool {
    Command::new("sqlite3")
        .arg(db)
        .arg("SELECT count(*) FROM pegawai;")
        .output()
        .map(|o| o.status.success() && !String::from_utf8_lossy(&o.stdout).trim().is_empty())
        .unwrap_or(false)
}

fn key_file(data: &Path) -> String {
    std::fs::read_to_string(data.join(berkas_server::atrest::DEFAULT_KEY_FILE)).expect("key file")
}

#[tokio::test]
async fn a_running_demo_hub_shows_no_name_nik_or_nip_on_disk() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The same demo on a plain store: its files show every secret, so the scan below can fail.
    let secrets = plain_demo(&tmp.path().join("plain")).await;
    assert_eq!(readable(&tmp.path().join("plain"), &secrets).len(), secrets.len());
    assert!(sqlite3_reads(&tmp.path().join("plain").join(DATABASE_FILE)));

    let data = tmp.path().join("hub");
    let per_unit = PER_UNIT.to_string();
    let mut hub = Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(["demo", "--listen", "127.0.0.1:0", "--password", PW, "--per-unit", &per_unit, "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the demo hub");
    let mut lines = BufReader::new(hub.stdout.take().expect("stdout")).lines();
    let mut base = String::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(url) = line.strip_prefix("berkas-server listening on ") {
            base = url.trim().to_string();
            break;
        }
    }
    // A scanned KTP uploaded in two chunks: looked at after the first (an upload cut halfway)
    // and after the second.
    let ktp = scan(&secrets);
    let sha = hex::encode(Sha256::digest(&ktp));
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": PW}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    let token = login["access_token"].as_str().expect("access token").to_string();
    let half = ktp.len() / 2;
    let mut found_halfway = Vec::new();
    for (from, to) in [(0, half), (half, ktp.len())] {
        let r = http
            .put(format!("{base}/v1/blobs/{sha}?offset={from}&total={}", ktp.len()))
            .bearer_auth(&token)
            .body(ktp[from..to].to_vec())
            .send()
            .await
            .expect("upload");
        assert!(r.status().is_success(), "upload: {}", r.status());
        if from == 0 {
            found_halfway = readable(&data, &secrets);
        }
    }
    let back = http.get(format!("{base}/v1/blobs/{sha}")).bearer_auth(&token).send().await.expect("download");
    let back = back.bytes().await.expect("bytes");
    // While it serves: the database, its WAL and the documents are ciphertext; the keys are in
    // their own file.
    let found = readable(&data, &secrets);
    let db_readable = sqlite3_reads(&data.join(DATABASE_FILE));
    let _ = hub.kill();
    let _ = hub.wait();
    assert_eq!(back.as_ref(), ktp.as_slice(), "the hub serves the document it sealed");
    assert!(found_halfway.is_empty(), "readable in an unfinished upload: {found_halfway:?}");
    assert!(found.is_empty(), "readable on the running hub's disk: {found:?}");
    assert!(!db_readable, "sqlite3 opened the hub's database without its key");
    assert!(key_file(&data).len() > 64, "the key is kept in the key file");
}

#[tokio::test]
async fn a_plain_hub_is_encrypted_once_rekeyed_and_restored_encrypted_from_a_backup() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("hub");
    let secrets = plain_demo(&data).await;
    let d = data.to_str().expect("path");
    // Served as it is until encrypted, with a warning.
    let list = server(&["user", "list", "--data", d], None);
    assert!(String::from_utf8_lossy(&list.stderr).contains("not encrypted at rest"));

    let done = ok(&server(&["encrypt", "--data", d], None));
    assert!(done.contains("encrypted at rest") && done.contains("1 documents sealed"), "{done}");
    assert_eq!(readable(&data, &secrets), Vec::<String>::new());
    assert!(!sqlite3_reads(&data.join(DATABASE_FILE)));
    let again = server(&["encrypt", "--data", d], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already encrypted"));
    assert!(ok(&server(&["user", "list", "--data", d], None)).contains("fas-a"), "every account is still there");

    // A wrong key store opens nothing and says why.
    let other = tmp.path().join("other-key.json");
    let wrong = server(&["user", "list", "--data", d, "--key-file", other.to_str().expect("path")], None);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("no key"), "{}", String::from_utf8_lossy(&wrong.stderr));

    // Rotation: new keys, the records and the document intact.
    let before = key_file(&data);
    let rekeyed = ok(&server(&["rekey", "--data", d], None));
    assert!(rekeyed.contains("1 documents re-sealed"), "{rekeyed}");
    assert_ne!(key_file(&data), before);
    assert!(ok(&server(&["user", "list", "--data", d], None)).contains("fas-a"));
    assert_eq!(document(&data, &secrets).await, scan(&secrets), "the document opens under the new key");

    // A backup restores into a new hub, encrypted under that hub's own key.
    let file = tmp.path().join("hub.bkp");
    let f = file.to_str().expect("path");
    let pass = "frasa-sandi-cadangan-uji\n";
    ok(&server(&["backup", "create", "--data", d, f], Some(pass)));
    let restored = tmp.path().join("restored");
    let r = restored.to_str().expect("path");
    ok(&server(&["backup", "restore", "--data", r, f], Some(pass)));
    assert!(ok(&server(&["user", "list", "--data", r], None)).contains("fas-a"));
    assert_eq!(readable(&restored, &secrets), Vec::<String>::new());
    assert!(!sqlite3_reads(&restored.join(DATABASE_FILE)));
    assert_ne!(key_file(&restored), key_file(&data), "its own key");
    assert_eq!(document(&restored, &secrets).await, scan(&secrets), "the document restored, sealed");
}

/// The demo's document as the hub in `data` reads it with the keys in its key file.
async fn document(data: &Path, secrets: &[String]) -> Vec<u8> {
    let store = berkas_core::secrets::FileSecretStore::new(data.join(berkas_server::atrest::DEFAULT_KEY_FILE));
    let keys = berkas_server::atrest::HubKeys::with_store(Arc::new(store));
    let blobs = berkas_server::blobs::FsBlobStore::sealed(&data.join("blobs"), keys.documents_key().expect("key"))
        .expect("blobs");
    let sha = hex::encode(Sha256::digest(scan(secrets)));
    blobs.read(&sha, 0, None).await.expect("read").expect("the document is there").0
}
