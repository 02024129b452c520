//! The real OS keyring (Secret Service with the kernel keyring as cache on Linux). Ignored in
//! a plain `cargo test`: `scripts/test.sh` runs it inside `dbus-run-session` with an unlocked
//! gnome-keyring, so it talks to a real Secret Service, never a mock.
#![cfg(feature = "os-keyring")]

use berkas_core::secrets::{KeyringSecretStore, Secret, SecretStore, SecretStoreKind};
use berkas_core::Berkas;

#[test]
#[ignore = "needs a Secret Service session (scripts/test.sh provides one)"]
fn keyring_store_keeps_and_forgets_secrets() {
    let store = KeyringSecretStore::new("berkas-test");
    let name = format!("test/{}", uuid_like());
    assert!(store.get(&name).expect("get").is_none());
    let k = Secret::random_key().expect("key");
    store.put(&name, &k).expect("put");
    assert_eq!(store.get(&name).expect("get"), Some(k));
    // A second handle (as after a restart) sees the same secret: it is not process memory.
    assert!(KeyringSecretStore::new("berkas-test").get(&name).expect("get").is_some());
    store.delete(&name).expect("delete");
    assert!(store.get(&name).expect("get").is_none());
    assert!(store.describe().contains("OS keyring"));
}

#[test]
#[ignore = "needs a Secret Service session (scripts/test.sh provides one)"]
fn keyring_profile_keeps_no_key_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("p");
    let b = Berkas::init(&p, SecretStoreKind::Keyring, "tester").expect("init");
    let id = b.config().id.clone();
    drop(b);
    let b = Berkas::open(&p).expect("reopen with the key from the keyring");
    assert_eq!(b.count_pegawai().expect("count"), 0);
    let files: Vec<String> =
        std::fs::read_dir(&p).expect("ls").map(|e| e.expect("e").file_name().to_string_lossy().into_owned()).collect();
    assert!(!files.iter().any(|f| f.contains("secret")), "a key file next to the database: {files:?}");
    KeyringSecretStore::new("berkas").delete(&format!("berkas/{id}/db-key")).expect("cleanup");
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    )
}
