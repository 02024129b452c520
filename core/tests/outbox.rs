//! The outbox without a hub: every local write queues a change in the same transaction; edits
//! of the same field fold while unsent, so the queue (and what a sync sends) does not grow with
//! the number of edits; a row made and removed offline never travels; discard puts back.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::secrets::{MemorySecretStore, SecretStoreKind};
use berkas_core::sync::{OutboxState, RecordSyncState};
use berkas_core::Berkas;
use std::sync::Arc;

const NIP: &str = "198503122010011002";

fn profile(dir: &std::path::Path) -> Berkas {
    let b = Berkas::init_with(dir, SecretStoreKind::File, Arc::new(MemorySecretStore::default()), "tester")
        .expect("profile");
    let mut du = FieldMap::new();
    du.insert("nip_baru".into(), Value::Text(NIP.into()));
    du.insert("nama".into(), Value::Text("Siti Aminah".into()));
    du.insert("unit".into(), Value::Text("UNIT-A".into()));
    b.add_pegawai(&du).expect("add");
    b
}

fn set(field: &str, value: &str) -> FieldMap {
    [(field.to_string(), Value::Text(value.to_string()))].into_iter().collect()
}

fn outbox_bytes(b: &Berkas) -> usize {
    b.outbox().expect("outbox").iter().map(|i| serde_json::to_string(&i.fields).expect("json").len()).sum()
}

#[test]
fn a_write_and_its_change_are_one_and_repeated_edits_fold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = profile(dir.path());
    let items = b.outbox().expect("outbox");
    assert_eq!(items.len(), 1, "adding a pegawai queues its creation");
    assert_eq!(items[0].state, OutboxState::Pending);
    assert_eq!(items[0].fields.get("nama"), Some(&Value::Text("Siti Aminah".into())));
    assert_eq!(b.record_sync_state(NIP).expect("state"), RecordSyncState::Pending);

    for i in 0..10 {
        b.edit_pegawai(NIP, &set("alamat", &format!("Jl. Mawar {i}"))).expect("edit");
    }
    let after_10 = (b.outbox().expect("outbox").len(), outbox_bytes(&b));
    for i in 10..300 {
        b.edit_pegawai(NIP, &set("alamat", &format!("Jl. Mawar {i}"))).expect("edit");
    }
    let after_300 = (b.outbox().expect("outbox").len(), outbox_bytes(&b));
    assert_eq!(after_10.0, 2, "creation + the latest alamat");
    assert_eq!(after_300.0, after_10.0, "300 edits of one field queue what 10 do");
    assert!(after_300.1 <= after_10.1 + 2, "queued bytes do not grow with past edits: {after_10:?} {after_300:?}");
    let latest = b.outbox().expect("outbox").pop().expect("item");
    assert_eq!(latest.fields.get("alamat"), Some(&Value::Text("Jl. Mawar 299".into())));

    // An edit that changes nothing queues nothing.
    b.edit_pegawai(NIP, &set("alamat", "Jl. Mawar 299")).expect("edit");
    assert_eq!(b.outbox().expect("outbox").len(), 2);
}

#[test]
fn a_row_made_and_removed_offline_never_travels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = profile(dir.path());
    let before = b.outbox().expect("outbox").len();
    let mut row = FieldMap::new();
    row.insert("nama".into(), Value::Text("Ahmad".into()));
    row.insert("tgl_lahir".into(), Value::Text("2015-04-01".into()));
    let id = b.add_riwayat(NIP, Entity::Anak, &row).expect("add anak");
    b.edit_riwayat(Entity::Anak, &id, &set("nama", "Ahmad Fauzi")).expect("edit");
    assert_eq!(b.outbox().expect("outbox").len(), before + 2);
    b.delete_riwayat(Entity::Anak, &id).expect("delete");
    assert_eq!(b.outbox().expect("outbox").len(), before, "nothing of the row is left to send");
}

#[test]
fn discarding_a_queued_row_removes_it_and_what_was_queued_on_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = profile(dir.path());
    let mut row = FieldMap::new();
    row.insert("nama".into(), Value::Text("Ahmad".into()));
    let id = b.add_riwayat(NIP, Entity::Anak, &row).expect("add anak");
    let created = b.outbox().expect("outbox").into_iter().find(|i| i.row_id == id).expect("queued");
    b.outbox_discard(&created.id).expect("discard");
    assert!(!b.pegawai(NIP).expect("record").riwayat.contains_key(&Entity::Anak), "the row is gone");
    assert!(b.outbox().expect("outbox").iter().all(|i| i.row_id != id));
    assert!(matches!(b.outbox_discard(&created.id), Err(berkas_core::Error::NotFound(_))));
    assert!(matches!(b.outbox_retry("no-such-item"), Err(berkas_core::Error::NotFound(_))));
    let audit = b.audit_trail(NIP, 10).expect("audit");
    assert_eq!(audit[0].action, "discard");
}
