//! What the hub's test files share: a fresh store on either backend.

use berkas_server::store::{PostgresStorage, SqliteStorage, Storage};
use std::path::Path;
use std::sync::Arc;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty store: SQLite under `dir`, or a new database on the PostgreSQL server
/// `scripts/test.sh` starts.
pub async fn store(backend: Backend, dir: &Path) -> Arc<dyn Storage> {
    match backend {
        Backend::Sqlite => Arc::new(SqliteStorage::open(&dir.join("hub.db")).expect("open")),
        Backend::Postgres => postgres_store().await,
    }
}

async fn postgres_store() -> Arc<dyn Storage> {
    let admin = std::env::var("BERKAS_TEST_POSTGRES").expect(
        "BERKAS_TEST_POSTGRES is not set: run scripts/test.sh, which starts a PostgreSQL server for these tests",
    );
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(conn);
    let db = format!("berkas_test_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => panic!("BERKAS_TEST_POSTGRES must end in /DATABASE"),
    };
    Arc::new(PostgresStorage::connect(&url).await.expect("open postgres storage"))
}
