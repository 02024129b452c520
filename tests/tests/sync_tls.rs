//! A device syncing with a hub over real TLS: a BKD's hub with a certificate from its own CA is
//! trusted when the profile is given that CA, refused when not; plain http:// is refused for
//! anything but this machine.

use berkas_core::sync::SyncOptions;
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};

#[tokio::test(flavor = "current_thread")]
async fn sync_over_tls_trusts_the_given_ca_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let (cert, key) = (tmp.path().join("hub.pem"), tmp.path().join("hub.key"));
    std::fs::write(&cert, certified.cert.pem()).expect("cert");
    std::fs::write(&key, certified.key_pair.serialize_pem()).expect("key");
    let hub = HubProcess::demo_tls(&tmp.path().join("hub"), 2, &cert, &key);
    assert!(hub.url.starts_with("https://"), "{}", hub.url);
    let url = hub.url.replace("127.0.0.1", "localhost");

    let stranger = device(tmp.path(), "stranger");
    match stranger.login(&url, "admin", DEMO_PASSWORD, None).await {
        Err(berkas_core::Error::Network(m)) => assert!(m.contains("certificate") || m.contains("connect"), "{m}"),
        other => panic!("an unknown CA must be refused, got {other:?}"),
    }
    assert_eq!(stranger.sync_status().expect("status").server, None);

    let laptop = device(tmp.path(), "laptop");
    laptop.login(&url, "admin", DEMO_PASSWORD, Some(&certified.cert.pem())).await.expect("login with the CA");
    let report = laptop.sync(&SyncOptions::default()).await.expect("sync over TLS");
    assert_eq!(laptop.count_pegawai().expect("count"), 4, "{report:?}");

    match laptop.login("http://bkd.example.go.id", "admin", DEMO_PASSWORD, None).await {
        Err(berkas_core::Error::Invalid(f)) => assert_eq!(f[0].code, "server.insecure"),
        other => panic!("plain http to another machine must be refused, got {other:?}"),
    }
    assert_eq!(laptop.sync_status().expect("status").server.as_deref(), Some(url.as_str()), "the session is kept");
}
