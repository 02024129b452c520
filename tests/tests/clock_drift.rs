//! A phone whose clock is set two years ahead does not win every edit: the hub refuses its
//! stamp (`sync.clock_ahead`), the phone stamps the change again by the hub's time and it is
//! applied in the same sync (nothing lost); a later edit from a correct clock then wins, on the
//! hub and on the phone; and the phone's later edits are stamped by the corrected clock.

use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};

const TWO_YEARS_MS: i64 = 2 * 365 * 24 * 3600 * 1000;

fn phone_no(v: &str) -> FieldMap {
    [("no_hp".to_string(), Value::Text(v.to_string()))].into_iter().collect()
}

fn no_hp(b: &berkas_core::Berkas, nip: &str) -> Option<String> {
    b.pegawai(nip).expect("record").data_utama.values.get("no_hp").and_then(|v| v.as_str()).map(str::to_string)
}

#[tokio::test(flavor = "current_thread")]
async fn a_clock_two_years_ahead_does_not_beat_a_later_edit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let opts = SyncOptions::default();
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    fas.sync(&opts).await.expect("sync");
    let nip = fas.list_pegawai(&Default::default()).expect("list")[0].nip.clone();

    // The ASN's phone, its clock two years ahead; and their tablet, set right.
    let phone = device(tmp.path(), "phone");
    phone.set_wall_clock_offset_for_tests(TWO_YEARS_MS).expect("wrong clock");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
    phone.sync(&opts).await.expect("sync");
    let tablet = device(tmp.path(), "tablet");
    tablet.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
    tablet.sync(&opts).await.expect("sync");

    phone.edit_pegawai(&nip, &phone_no("+6281311110001")).expect("edit on the phone");
    let r = phone.sync(&opts).await.expect("sync");
    assert!(r.clock_ahead, "the phone is told its clock is wrong: {r:?}");
    assert_eq!((r.applied, r.refused), (1, 0), "stamped again and applied in the same sync: {r:?}");
    assert!(phone.outbox().expect("outbox").is_empty(), "nothing waits, nothing lost");
    fas.sync(&opts).await.expect("sync");
    assert_eq!(no_hp(&fas, &nip).as_deref(), Some("+6281311110001"), "the hub holds the phone's edit");

    // A later edit from the tablet, whose clock is right, wins everywhere.
    tablet.sync(&opts).await.expect("sync");
    tablet.edit_pegawai(&nip, &phone_no("+6281311110002")).expect("edit on the tablet");
    let r = tablet.sync(&opts).await.expect("sync");
    assert_eq!((r.applied, r.refused, r.clock_ahead), (1, 0, false), "{r:?}");
    phone.sync(&opts).await.expect("sync");
    fas.sync(&opts).await.expect("sync");
    assert_eq!(no_hp(&fas, &nip).as_deref(), Some("+6281311110002"), "the later edit holds on the hub");
    assert_eq!(no_hp(&phone, &nip).as_deref(), Some("+6281311110002"), "and on the phone");

    // The phone's next edit is stamped by the corrected clock: not refused again.
    phone.edit_pegawai(&nip, &phone_no("+6281311110003")).expect("edit again");
    let r = phone.sync(&opts).await.expect("sync");
    assert_eq!((r.applied, r.refused), (1, 0), "{r:?}");
    tablet.sync(&opts).await.expect("sync");
    assert_eq!(no_hp(&tablet, &nip).as_deref(), Some("+6281311110003"), "its newest edit is the newest");
}
