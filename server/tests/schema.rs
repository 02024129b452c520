//! The hub's numbered schema on both backends: a store from before the numbering is stamped
//! and keeps what it holds; one from a newer release is refused untouched; hub processes that
//! start together on one new store all open it.

mod common;

use berkas_server::store::schema::LATEST;
use berkas_server::store::StoreError;
use common::{Backend, Place};

/// The version the store records, read past the hub.
async fn stored_version(place: &Place) -> i64 {
    match place {
        Place::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("open file");
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version")
        }
        Place::Postgres(url) => {
            let client = common::postgres_client(url).await;
            client.query_one("SELECT version FROM schema_version", &[]).await.expect("schema_version").get(0)
        }
    }
}

/// Records `version` as a release would have; `None` as one from before the numbering left it.
async fn set_stored_version(place: &Place, version: Option<i64>) {
    match place {
        Place::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("open file");
            conn.pragma_update(None, "user_version", version.unwrap_or(0)).expect("set user_version");
        }
        Place::Postgres(url) => {
            let client = common::postgres_client(url).await;
            let sql = match version {
                Some(v) => format!("UPDATE schema_version SET version = {v}"),
                None => "DROP TABLE schema_version".to_string(),
            };
            client.batch_execute(&sql).await.expect("set schema_version");
        }
    }
}

async fn a_store_from_before_the_numbering_is_stamped_and_keeps_what_it_holds(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let store = common::open(&place).await.expect("create");
    store.set_setting("demo.seeded", "48").await.expect("write");
    drop(store);
    assert_eq!(stored_version(&place).await, LATEST);

    set_stored_version(&place, None).await;
    let store = common::open(&place).await.expect("open a store from before the numbering");
    assert_eq!(store.setting("demo.seeded").await.expect("read").as_deref(), Some("48"));
    assert_eq!(stored_version(&place).await, LATEST);
}

async fn a_store_from_a_newer_release_is_refused_and_left_as_it_is(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let store = common::open(&place).await.expect("create");
    store.set_setting("demo.seeded", "48").await.expect("write");
    drop(store);

    let newer = LATEST + 1;
    set_stored_version(&place, Some(newer)).await;
    let Err(e) = common::open(&place).await else { panic!("a store from a newer release was opened") };
    assert!(matches!(e, StoreError::NewerSchema { found, known } if found == newer && known == LATEST), "{e:?}");
    let text = e.to_string();
    assert!(text.contains(&format!("version {newer}")) && text.contains("nothing was changed"), "{text}");
    assert_eq!(stored_version(&place).await, newer, "the refusal wrote nothing");

    // What it holds is still there for the release that wrote it.
    set_stored_version(&place, Some(LATEST)).await;
    let store = common::open(&place).await.expect("open");
    assert_eq!(store.setting("demo.seeded").await.expect("read").as_deref(), Some("48"));
}

/// A store release 1 wrote (before the register of signed documents) gains the register.
async fn a_store_at_version_1_gains_the_register_of_signed_documents(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let store = common::open(&place).await.expect("create");
    store.set_setting("demo.seeded", "48").await.expect("write");
    drop(store);
    // As release 1 left it: no register, version 1.
    match &place {
        Place::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("open file");
            conn.execute_batch("DROP TABLE signatures").expect("drop");
        }
        Place::Postgres(url) => {
            common::postgres_client(url).await.batch_execute("DROP TABLE signatures").await.expect("drop");
        }
    }
    set_stored_version(&place, Some(1)).await;

    let store = common::open(&place).await.expect("open a version 1 store");
    assert_eq!(stored_version(&place).await, LATEST);
    assert_eq!(store.signature("7QKM-2XPD-9AZC").await.expect("the register is there"), None);
    assert_eq!(store.setting("demo.seeded").await.expect("read").as_deref(), Some("48"));
}

#[tokio::test]
async fn a_store_at_version_1_gains_the_register_of_signed_documents_sqlite() {
    a_store_at_version_1_gains_the_register_of_signed_documents(Backend::Sqlite).await
}

#[tokio::test]
async fn a_store_at_version_1_gains_the_register_of_signed_documents_postgres() {
    a_store_at_version_1_gains_the_register_of_signed_documents(Backend::Postgres).await
}

/// A store release 2 wrote (before reset codes and the devices seen) gains both, and keeps
/// its register of signed documents.
async fn a_store_at_version_2_gains_reset_codes_and_devices(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let store = common::open(&place).await.expect("create");
    store.set_setting("demo.seeded", "48").await.expect("write");
    drop(store);
    let drop_new = "DROP TABLE reset_codes; DROP TABLE devices";
    match &place {
        Place::Sqlite(path) => {
            rusqlite::Connection::open(path).expect("open file").execute_batch(drop_new).expect("drop")
        }
        Place::Postgres(url) => common::postgres_client(url).await.batch_execute(drop_new).await.expect("drop"),
    }
    set_stored_version(&place, Some(2)).await;

    let store = common::open(&place).await.expect("open a version 2 store");
    assert_eq!(stored_version(&place).await, LATEST);
    assert_eq!(store.devices().await.expect("the devices table is there"), vec![]);
    store.put_reset_code("fas-a", "abc", i64::MAX, "admin").await.expect("reset codes are there");
    assert!(store.take_reset_code("fas-a", "abc", 0).await.expect("take"));
    assert!(!store.take_reset_code("fas-a", "abc", 0).await.expect("take again"), "single use");
    assert_eq!(store.setting("demo.seeded").await.expect("read").as_deref(), Some("48"));
}

#[tokio::test]
async fn a_store_at_version_2_gains_reset_codes_and_devices_sqlite() {
    a_store_at_version_2_gains_reset_codes_and_devices(Backend::Sqlite).await
}

#[tokio::test]
async fn a_store_at_version_2_gains_reset_codes_and_devices_postgres() {
    a_store_at_version_2_gains_reset_codes_and_devices(Backend::Postgres).await
}

/// Twelve hubs open one new store at once, `rounds` times over (a lost race is rare in one).
/// A store release 4 wrote (before fixes were purged) gains the table of kept recap counts and
/// the check-in times, filled for the check-ins it held, and keeps what it held.
async fn a_store_at_version_4_gains_the_kept_recap_counts(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let place = common::fresh_place(backend, dir.path()).await;
    let store = common::open(&place).await.expect("create");
    store.set_setting("demo.seeded", "48").await.expect("write");
    // A check-in release 4 took, before check-in times were indexed.
    let mut fields = berkas_core::model::FieldMap::new();
    fields.insert("jenis".into(), berkas_core::model::Value::Text("HADIR".into()));
    fields.insert("waktu_perangkat".into(), berkas_core::model::Value::Text("2026-09-01T02:05:00.000Z".into()));
    let check_in = berkas_core::sync::Change {
        id: "c-1".into(),
        entity: berkas_core::model::Entity::Presensi,
        row: "p-1".into(),
        pegawai: "pg-1".into(),
        delete: false,
        fields,
        hlc: berkas_core::sync::HlcClock::default().tick(1_000),
        device: "phone".into(),
        base: None,
    };
    store.apply(check_in, "asn").await.expect("check-in");
    drop(store);
    let drop_new = "DROP TABLE presensi_jumlah; DROP TABLE presensi_waktu";
    match &place {
        Place::Sqlite(path) => {
            rusqlite::Connection::open(path).expect("open file").execute_batch(drop_new).expect("drop")
        }
        Place::Postgres(url) => common::postgres_client(url).await.batch_execute(drop_new).await.expect("drop"),
    }
    set_stored_version(&place, Some(4)).await;

    let store = common::open(&place).await.expect("open a version 4 store");
    assert_eq!(stored_version(&place).await, LATEST);
    let taken = chrono::DateTime::parse_from_rfc3339("2026-09-01T02:05:00Z").expect("time").timestamp();
    assert_eq!(
        store.check_ins_before(i64::MAX).await.expect("the times are there"),
        vec![("pg-1".to_string(), "p-1".to_string(), taken)],
        "the check-in it held is indexed by when it was taken"
    );
    let kept = vec![("UNIT-A".to_string(), "2026-09-01".to_string(), "11:30".to_string(), "{}".to_string())];
    store.keep_rekap_counts(kept.clone()).await.expect("the table is there");
    let mut again = kept.clone();
    again[0].3 = "{\"changed\":1}".into();
    store.keep_rekap_counts(again).await.expect("kept again");
    assert_eq!(
        store.rekap_counts("2026-09-01", "11:30").await.expect("read"),
        vec![("UNIT-A".to_string(), "{}".to_string())],
        "counts kept first stay as they were"
    );
    assert_eq!(store.setting("demo.seeded").await.expect("read").as_deref(), Some("48"));
}

#[tokio::test]
async fn a_store_at_version_4_gains_the_kept_recap_counts_sqlite() {
    a_store_at_version_4_gains_the_kept_recap_counts(Backend::Sqlite).await
}

#[tokio::test]
async fn a_store_at_version_4_gains_the_kept_recap_counts_postgres() {
    a_store_at_version_4_gains_the_kept_recap_counts(Backend::Postgres).await
}

async fn hub_processes_starting_together_on_a_new_store_all_open_it(backend: Backend, rounds: usize) {
    for _ in 0..rounds {
        let dir = tempfile::tempdir().expect("tempdir");
        let place = common::fresh_place(backend, dir.path()).await;
        let opening: Vec<_> = (0..12)
            .map(|_| {
                let place = place.clone();
                tokio::spawn(async move { common::open(&place).await.map(|_| ()) })
            })
            .collect();
        for o in opening {
            o.await.expect("task").expect("every hub process opens the store");
        }
        assert_eq!(stored_version(&place).await, LATEST);
    }
}

#[tokio::test]
async fn a_store_from_before_the_numbering_is_stamped_and_keeps_what_it_holds_sqlite() {
    a_store_from_before_the_numbering_is_stamped_and_keeps_what_it_holds(Backend::Sqlite).await
}

#[tokio::test]
async fn a_store_from_before_the_numbering_is_stamped_and_keeps_what_it_holds_postgres() {
    a_store_from_before_the_numbering_is_stamped_and_keeps_what_it_holds(Backend::Postgres).await
}

#[tokio::test]
async fn a_store_from_a_newer_release_is_refused_and_left_as_it_is_sqlite() {
    a_store_from_a_newer_release_is_refused_and_left_as_it_is(Backend::Sqlite).await
}

#[tokio::test]
async fn a_store_from_a_newer_release_is_refused_and_left_as_it_is_postgres() {
    a_store_from_a_newer_release_is_refused_and_left_as_it_is(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hub_processes_starting_together_on_a_new_store_all_open_it_sqlite() {
    hub_processes_starting_together_on_a_new_store_all_open_it(Backend::Sqlite, 30).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hub_processes_starting_together_on_a_new_store_all_open_it_postgres() {
    hub_processes_starting_together_on_a_new_store_all_open_it(Backend::Postgres, 3).await
}
