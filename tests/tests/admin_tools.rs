//! The BKD administrator's tools through core's client, against a real hub process: an account
//! made and granted, a reset code traded for the owner's password on another device (which
//! is then signed in), a layanan switched off reaching an ASN's device at its next sync, a
//! reference table uploaded from the file SIASN ships, a backup made and read back. A
//! facilitator asking the same is refused by the hub's one table.

use berkas_core::authz::Role;
use berkas_core::sync::admin::{AccountChange, NewAccount};
use berkas_core::sync::SyncOptions;
use berkas_core::Error;
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};

fn forbidden(e: &Error) -> bool {
    matches!(e, Error::Hub { status: 403, .. })
}

#[tokio::test(flavor = "current_thread")]
async fn an_administrator_runs_the_instansi_from_a_device() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let opts = SyncOptions::default();
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    admin.sync(&opts).await.expect("sync");
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    assert!(forbidden(&fas.admin_accounts(&opts).await.expect_err("a facilitator lists no accounts")));

    // A facilitator made with a code; granted a second unit.
    let new = NewAccount { username: "fas-c".into(), role: Role::Fasilitator, nip: None, units: vec!["UNIT-A".into()] };
    let issued = admin.admin_create_account(&new, &opts).await.expect("create");
    let change = AccountChange { units: Some(vec!["UNIT-A".into(), "UNIT-B".into()]), ..AccountChange::default() };
    let granted = admin.admin_change_account("fas-c", &change, &opts).await.expect("grant");
    assert_eq!(granted.units, vec!["UNIT-A", "UNIT-B"]);

    // On the new facilitator's laptop the code alone does not sign in; traded, it does.
    let laptop = device(tmp.path(), "fas-c");
    let refused = laptop.login(&hub.url, "fas-c", &issued.reset.code, None).await.expect_err("a code is no password");
    assert!(matches!(&refused, Error::Hub { code, .. } if code == "auth.reset_required"), "{refused}");
    let who = laptop
        .login_with_reset_code(&hub.url, "fas-c", &issued.reset.code, "sandi-pilihan-fas-c", None)
        .await
        .expect("code traded");
    assert_eq!(who.username, "fas-c");
    let pulled = laptop.sync(&opts).await.expect("the new session syncs");
    assert!(pulled.pulled > 0, "both units' records came: {pulled:?}");
    let again = laptop.login_with_reset_code(&hub.url, "fas-c", &issued.reset.code, "lagi-sandi-lain", None).await;
    let again = again.expect_err("a code is used once");
    assert!(format!("{again:?}").contains("auth.invalid_code"), "{again:?}");

    // Kartu pegawai switched off: the ASN's device no longer offers it after sync.
    let nip = admin.list_pegawai(&Default::default()).expect("list")[0].nip.clone();
    let asn = device(tmp.path(), "asn");
    asn.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
    asn.sync(&opts).await.expect("sync");
    let offered = |b: &berkas_core::Berkas| -> bool {
        b.layanan_catalog().expect("catalog").layanan.iter().any(|l| l.id == "kartu_pegawai" && l.aktif)
    };
    assert!(offered(&asn));
    assert!(forbidden(&fas.admin_switch_layanan("kartu_pegawai", false, &opts).await.expect_err("facilitator")));
    let version = admin.admin_switch_layanan("kartu_pegawai", false, &opts).await.expect("switch off");
    assert!(!offered(&admin), "the admin's own device took the new version at once");
    let report = asn.sync(&opts).await.expect("sync");
    assert_eq!(report.layanan_version, Some(version));
    assert!(!offered(&asn));
    let seen = admin.admin_devices(&opts).await.expect("devices");
    assert!(seen.iter().any(|d| d.username == nip), "the ASN's device is listed: {seen:?}");

    // A SIASN table as it ships; a file that is not a table is named before anything is sent.
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siasn-referensi/eselon.json.gz");
    let raw = std::fs::read(&file).expect("the SIASN reference tables in ../shared");
    let info = admin.admin_publish_referensi("eselon.json.gz", raw, &opts).await.expect("upload");
    assert_eq!(info.name, "eselon");
    let listed = admin.admin_referensi(&opts).await.expect("manifest");
    assert!(listed.tables.iter().any(|t| t.name == "eselon" && t.version == info.version));
    let bad = admin.admin_publish_referensi("eselon.json", b"<html>".to_vec(), &opts).await;
    assert!(matches!(bad, Err(Error::BadDocument(_))), "{bad:?}");

    // A backup now; its record says it reads back.
    let made = admin.admin_backup_now("frasa sandi cadangan uji", &opts).await.expect("backup");
    assert!(made.verified, "{made:?}");
    let status = admin.admin_backup_status(&opts).await.expect("status");
    assert_eq!(status.last, Some(made));
}
