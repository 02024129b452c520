//! Backups of a real hub (SQLite file, documents on disk) restored into another data dir.

use super::*;
use crate::blobs::{BlobStore, FsBlobStore};
use crate::store::{schema, SqliteStorage, Storage, User};
use crate::{demo, AppState};
use berkas_core::authz::Role;
use berkas_core::secrets::Secret;
use sha2::{Digest, Sha256};
use std::sync::Arc;

const PASS: &str = "cadangan-bkd-2026";

struct Hub {
    store: Arc<SqliteStorage>,
    blobs: Arc<FsBlobStore>,
}

fn open(data: &Path) -> Hub {
    std::fs::create_dir_all(data).expect("data dir");
    Hub {
        store: Arc::new(SqliteStorage::open(&database_path(data)).expect("open store")),
        blobs: Arc::new(FsBlobStore::new(&blobs_path(data)).expect("blob store")),
    }
}

/// A demo instansi with two documents and an unfinished upload; gives back the documents.
async fn seeded(data: &Path) -> Vec<(String, Vec<u8>)> {
    let hub = open(data);
    let state = AppState::new(hub.store.clone(), hub.blobs.clone()).expect("state");
    demo::seed(&state, "demo-password", 3).await.expect("seed");
    let mut docs = Vec::new();
    for (i, len) in [1_500_000usize, 20].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..len).map(|j| ((j * 31 + i * 7) % 256) as u8).collect();
        let sha = hex::encode(Sha256::digest(&bytes));
        hub.blobs.append(&sha, "up", 0, len as u64, bytes.clone()).await.expect("upload");
        docs.push((sha, bytes));
    }
    let unfinished = hex::encode(Sha256::digest(b"never finished"));
    hub.blobs.append(&unfinished, "up", 0, 100, b"never".to_vec()).await.expect("partial upload");
    docs
}

/// What a hub holds that a restore must bring back: the change log and the accounts.
async fn contents(store: &dyn Storage) -> (Vec<(i64, String, Option<String>)>, Vec<User>) {
    let log = store.changes_after(0, 1_000_000).await.expect("log");
    let users = store.list_users().await.expect("users");
    (log.into_iter().map(|c| (c.seq, c.body, c.unit)).collect(), users)
}

fn file_hash(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read")))
}

/// Names in `dir`, or none when it does not exist.
fn names(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(d) => d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn a_restored_hub_holds_the_same_records_and_documents() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, file) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("hub.bkp"));
    let docs = seeded(&a).await;
    let written = create(&a, None, &file, PASS, KeyCost::LIGHT).await.expect("create");
    assert_eq!((written.documents, written.backend.as_str()), (2, "sqlite"));
    assert_eq!(written.document_bytes, docs.iter().map(|d| d.1.len() as u64).sum::<u64>());
    assert_eq!(verify(&file, PASS).await.expect("verify"), written);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the backup is readable by others: {mode:o}");
    }
    // No snapshot or partial file is left beside the hub or the backup.
    assert_eq!(names(tmp.path()).len(), 2, "{:?}", names(tmp.path()));
    assert!(!names(&a).iter().any(|n| n.starts_with(".backup")));

    assert_eq!(restore(&file, &b, None, PASS).await.expect("restore"), written);
    let (old, new) = (open(&a), open(&b));
    let (log, users) = contents(new.store.as_ref()).await;
    assert!(log.len() > 10 && users.len() > 3, "the demo's records and accounts came back");
    assert_eq!((log, users), contents(old.store.as_ref()).await);
    for (sha, bytes) in &docs {
        let (got, total) = new.blobs.read(sha, 0, None).await.expect("read").expect("document restored");
        assert_eq!((&got, total), (bytes, bytes.len() as u64));
    }
    assert_eq!(names(&blobs_path(&b).join("partial")), Vec::<String>::new(), "unfinished uploads are not restored");
    assert!(!names(&b).iter().any(|n| n.starts_with(".restore")));
}

#[tokio::test]
async fn refusals_write_nothing_and_change_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, file) = (tmp.path().join("a"), tmp.path().join("hub.bkp"));
    let docs = seeded(&a).await;
    assert!(matches!(create(&a, None, &file, "pendek", KeyCost::LIGHT).await, Err(BackupError::WeakPassphrase)));
    assert!(matches!(
        create(&tmp.path().join("none"), None, &file, PASS, KeyCost::LIGHT).await,
        Err(BackupError::NoHub(_))
    ));
    assert!(!file.exists());
    create(&a, None, &file, PASS, KeyCost::LIGHT).await.expect("create");
    let backup_hash = file_hash(&file);
    assert!(matches!(create(&a, None, &file, PASS, KeyCost::LIGHT).await, Err(BackupError::OutputExists(_))));
    assert_eq!(file_hash(&file), backup_hash, "an existing backup is never overwritten");

    let target = tmp.path().join("b");
    assert!(matches!(restore(&file, &target, None, "salah-kata-sandi").await, Err(BackupError::WrongPassphrase)));
    let bytes = std::fs::read(&file).expect("read");
    let cut = tmp.path().join("cut.bkp");
    assert!(bytes.len() > sealed::SEGMENT + 100, "the backup spans more than one segment");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).expect("write");
    assert!(matches!(restore(&cut, &target, None, PASS).await, Err(BackupError::Damaged { .. })));
    let mut changed = bytes.clone();
    changed[bytes.len() - 100] ^= 1;
    std::fs::write(&cut, &changed).expect("write");
    assert!(matches!(verify(&cut, PASS).await, Err(BackupError::Damaged { .. })));
    assert!(matches!(restore(&cut, &target, None, PASS).await, Err(BackupError::Damaged { .. })));
    assert_eq!(names(&target), Vec::<String>::new(), "a refused restore leaves nothing behind");

    // A data dir that holds a hub is never restored over.
    let db_hash = file_hash(&database_path(&a));
    assert!(matches!(restore(&file, &a, None, PASS).await, Err(BackupError::TargetNotEmpty(_))));
    assert_eq!(file_hash(&database_path(&a)), db_hash);

    // A document that rotted on disk stops the backup, naming it, and leaves no file.
    let (sha, _) = &docs[1];
    let on_disk = blobs_path(&a).join(&sha[..2]).join(sha);
    let mut rotten = std::fs::read(&on_disk).expect("read");
    rotten[0] ^= 1;
    std::fs::write(&on_disk, rotten).expect("write");
    let second = tmp.path().join("second.bkp");
    // A file left by a cut backup is named, and left for the administrator to judge.
    std::fs::write(tmp.path().join("second.bkp.partial"), b"cut").expect("write");
    match create(&a, None, &second, PASS, KeyCost::LIGHT).await {
        Err(BackupError::PartialExists(p)) => assert_eq!(std::fs::read(p).expect("read"), b"cut"),
        other => panic!("expected the partial file to be named, got {other:?}"),
    }
    std::fs::remove_file(tmp.path().join("second.bkp.partial")).expect("remove");
    match create(&a, None, &second, PASS, KeyCost::LIGHT).await {
        Err(BackupError::DocumentCorrupt(name)) => assert_eq!(&name, sha),
        other => panic!("expected the rotten document to be named, got {other:?}"),
    }
    assert!(!second.exists() && !tmp.path().join("second.bkp.partial").exists());
}

#[tokio::test]
async fn a_backup_from_a_newer_release_is_not_restored() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, file) = (tmp.path().join("a"), tmp.path().join("hub.bkp"));
    seeded(&a).await;
    let newer = schema::LATEST + 1;
    rusqlite::Connection::open(database_path(&a))
        .and_then(|c| c.pragma_update(None, "user_version", newer))
        .expect("set version");
    assert_eq!(create(&a, None, &file, PASS, KeyCost::LIGHT).await.expect("create").schema_version, newer);
    let target = tmp.path().join("b");
    match restore(&file, &target, None, PASS).await {
        Err(BackupError::NewerSchema { found, .. }) => assert_eq!(found, newer),
        other => panic!("expected a newer schema to be refused, got {other:?}"),
    }
    assert_eq!(names(&target), Vec::<String>::new());
}

fn account(i: usize) -> User {
    User {
        username: format!("akun-{i:04}"),
        password_hash: "x".into(),
        role: Role::Personal,
        pegawai_id: None,
        units: vec![],
        disabled: false,
        scope_version: 0,
    }
}

/// The restored accounts of the backup in `file`.
async fn restored_users(file: &Path, into: &Path) -> Vec<User> {
    restore(file, into, None, PASS).await.expect("restore");
    SqliteStorage::open(&database_path(into)).expect("open").list_users().await.expect("users")
}

#[tokio::test]
async fn a_backup_holds_what_was_committed_and_does_not_wait_for_a_writer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, file) = (tmp.path().join("a"), tmp.path().join("hub.bkp"));
    seeded(&a).await;
    let mut writer = rusqlite::Connection::open(database_path(&a)).expect("open");
    let tx = writer.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).expect("write lock");
    tx.execute("UPDATE users SET disabled = 1 WHERE username = 'admin'", []).expect("update");
    create(&a, None, &file, PASS, KeyCost::LIGHT).await.expect("a backup while a writer holds the lock");
    tx.commit().expect("commit");
    let disabled = |users: &[User]| users.iter().find(|u| u.username == "admin").map(|u| u.disabled);
    assert_eq!(disabled(&open(&a).store.list_users().await.expect("users")), Some(true));
    assert_eq!(disabled(&restored_users(&file, &tmp.path().join("b")).await), Some(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_hub_writes_is_one_moment_of_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, file) = (tmp.path().join("a"), tmp.path().join("hub.bkp"));
    seeded(&a).await;
    // Accounts written one after another, without pause, from before the backup starts (after
    // the 50th) until after it ends: the backup is certain to run while the hub writes.
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let (written, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
    let store = open(&a).store;
    let (w, s) = (written.clone(), stop.clone());
    let writer = tokio::spawn(async move {
        let mut started_tx = Some(started_tx);
        for i in 0..100_000 {
            if s.load(Ordering::SeqCst) {
                break;
            }
            store.upsert_user(&account(i)).await.expect("write");
            w.store(i + 1, Ordering::SeqCst);
            if let Some(tx) = started_tx.take_if(|_| i == 49) {
                let _ = tx.send(());
            }
        }
    });
    started.await.expect("writer started");
    create(&a, None, &file, PASS, KeyCost::LIGHT).await.expect("create");
    let written_when_done = written.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");
    let mut got: Vec<usize> = restored_users(&file, &tmp.path().join("b"))
        .await
        .into_iter()
        .filter_map(|u| u.username.strip_prefix("akun-").and_then(|n| n.parse().ok()))
        .collect();
    got.sort();
    // The first k accounts, no gaps: those written before the backup began and none after its
    // moment, though the writer went on while it ran.
    assert!(got.len() >= 50, "{} accounts", got.len());
    assert!(got.len() < written_when_done, "{} in the backup, {written_when_done} written while it ran", got.len());
    assert_eq!(got, (0..got.len()).collect::<Vec<_>>(), "{} accounts", got.len());
}

/// A new, empty database on the PostgreSQL server `scripts/test.sh` starts.
async fn postgres_database() -> String {
    let admin = std::env::var("BERKAS_TEST_POSTGRES").expect(
        "BERKAS_TEST_POSTGRES is not set: run scripts/test.sh, which starts a PostgreSQL server for these tests",
    );
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let db = format!("berkas_test_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("BERKAS_TEST_POSTGRES must end in /DATABASE");
    format!("{base}/{db}")
}

#[tokio::test]
async fn a_hub_on_postgresql_is_restored_into_an_empty_database() {
    use crate::store::PostgresStorage;
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, file) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("hub.bkp"));
    let (source, target) = (postgres_database().await, postgres_database().await);
    let store = Arc::new(PostgresStorage::connect(&source).await.expect("connect"));
    let blobs = Arc::new(FsBlobStore::new(&blobs_path(&a)).expect("blobs"));
    demo::seed(&AppState::new(store.clone(), blobs.clone()).expect("state"), "demo-password", 3).await.expect("seed");
    let doc = b"SK kenaikan pangkat".to_vec();
    let sha = hex::encode(Sha256::digest(&doc));
    blobs.append(&sha, "up", 0, doc.len() as u64, doc.clone()).await.expect("upload");

    let written = create(&a, Some(&source), &file, PASS, KeyCost::LIGHT).await.expect("create");
    assert_eq!((written.backend.as_str(), written.documents, written.schema_version), (POSTGRES, 1, schema::LATEST));
    assert!(matches!(restore(&file, &b, None, PASS).await, Err(BackupError::BackendMismatch { .. })));
    assert!(matches!(restore(&file, &b, Some(&source), PASS).await, Err(BackupError::DatabaseNotEmpty)));
    assert_eq!(names(&b), Vec::<String>::new(), "refused restores leave nothing");

    assert_eq!(restore(&file, &b, Some(&target), PASS).await.expect("restore"), written);
    let restored = PostgresStorage::connect(&target).await.expect("connect restored");
    let (log, users) = contents(&restored).await;
    assert!(log.len() > 10 && users.len() > 3);
    assert_eq!((log, users), contents(store.as_ref()).await);
    let blobs_b = FsBlobStore::new(&blobs_path(&b)).expect("blobs");
    assert_eq!(blobs_b.read(&sha, 0, None).await.expect("read"), Some((doc.clone(), doc.len() as u64)));
}

#[tokio::test]
async fn sealed_documents_are_backed_up_plain_inside_and_restored_sealed_under_the_new_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, file) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("hub.bkp"));
    let (key_a, key_b) = (Secret::random_key().expect("key"), Secret::random_key().expect("key"));
    std::fs::create_dir_all(&a).expect("data dir");
    let store = Arc::new(SqliteStorage::open(&database_path(&a)).expect("open store"));
    let blobs = Arc::new(FsBlobStore::sealed(&blobs_path(&a), key_a.clone()).expect("blobs"));
    demo::seed(&AppState::new(store, blobs.clone()).expect("state"), "demo-password", 2).await.expect("seed");
    let doc: Vec<u8> = b"IJAZAH SARJANA ".iter().cycle().take(150_000).copied().collect();
    let sha = hex::encode(Sha256::digest(&doc));
    blobs.append(&sha, "up", 0, doc.len() as u64, doc.clone()).await.expect("upload");

    // Without the document key the backup refuses, naming the document, and writes nothing.
    let keyless = create(&a, None, &file, PASS, KeyCost::LIGHT).await;
    assert!(matches!(&keyless, Err(BackupError::DocumentSealed(n)) if n == &sha), "{keyless:?}");
    assert!(!file.exists());

    let keys_a = AtRestKeys { documents: Some(key_a.clone()), ..AtRestKeys::default() };
    let written = create_keyed(&a, None, &file, PASS, KeyCost::LIGHT, keys_a).await.expect("create");
    assert_eq!((written.documents, written.document_bytes), (1, doc.len() as u64), "plain sizes in the manifest");
    assert_eq!(verify(&file, PASS).await.expect("verify"), written);

    let keys_b = AtRestKeys { documents: Some(key_b.clone()), ..AtRestKeys::default() };
    restore_keyed(&file, &b, None, PASS, keys_b).await.expect("restore");
    let restored = FsBlobStore::sealed(&blobs_path(&b), key_b).expect("blobs");
    assert_eq!(restored.read(&sha, 0, None).await.expect("read"), Some((doc.clone(), doc.len() as u64)));
    assert_eq!(restored.plain_documents().expect("count"), 0, "restored sealed");
    let under_a = FsBlobStore::sealed(&blobs_path(&b), key_a).expect("blobs");
    let refused = under_a.read(&sha, 0, None).await;
    assert!(
        matches!(refused, Err(crate::blobs::BlobError::Sealed(_))),
        "the old hub's key opens the new hub's document: {refused:?}"
    );
}
