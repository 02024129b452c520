//! What the hub's test files share: a fresh store on either backend, and where it lives so a
//! test can open it again as a restarted hub would.

use berkas_server::store::{PostgresStorage, SqliteStorage, Storage, StoreResult};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store's file or database.
#[derive(Clone, Debug)]
#[allow(dead_code)] // not every test file reopens a store
pub enum Place {
    Sqlite(PathBuf),
    Postgres(String),
}

/// A fresh, empty store: SQLite under `dir`, or a new database on the PostgreSQL server
/// `scripts/test.sh` starts.
#[allow(dead_code)] // not every test file needs a fresh one
pub async fn store(backend: Backend, dir: &Path) -> Arc<dyn Storage> {
    open(&fresh_place(backend, dir).await).await.expect("open store")
}

/// Where a fresh store goes; nothing is created there yet but an empty PostgreSQL database.
pub async fn fresh_place(backend: Backend, dir: &Path) -> Place {
    match backend {
        Backend::Sqlite => Place::Sqlite(dir.join("hub.db")),
        Backend::Postgres => Place::Postgres(postgres_database().await),
    }
}

/// Opens the store at `place` as the hub does at its start.
pub async fn open(place: &Place) -> StoreResult<Arc<dyn Storage>> {
    Ok(match place {
        Place::Sqlite(path) => Arc::new(SqliteStorage::open(path)?),
        Place::Postgres(url) => Arc::new(PostgresStorage::connect(url).await?),
    })
}

/// A connection to `url` for a test's own queries.
#[allow(dead_code)]
pub async fn postgres_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(conn);
    client
}

async fn postgres_database() -> String {
    let admin = std::env::var("BERKAS_TEST_POSTGRES").expect(
        "BERKAS_TEST_POSTGRES is not set: run scripts/test.sh, which starts a PostgreSQL server for these tests",
    );
    let client = postgres_client(&admin).await;
    let db = format!("berkas_test_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => panic!("BERKAS_TEST_POSTGRES must end in /DATABASE"),
    }
}
