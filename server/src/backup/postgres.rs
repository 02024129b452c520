//! PostgreSQL's side of a backup: `pg_dump` in its custom format (one repeatable-read snapshot
//! while the hub goes on writing) and `pg_restore` into an empty database in one transaction,
//! with the client tools of the PostgreSQL install (Debian: `postgresql-client`). The
//! connection's secrets go to the tools in their environment, never on a command line that
//! other users of the machine can read.

use std::path::Path;
use std::process::Command;
use tokio_postgres::config::Host;
use tokio_postgres::{Config, NoTls};

use super::archive::{install_documents, random_hex, DatabaseCopy, RemoveOnDrop};
use super::{blocking, BackupError, Manifest, POSTGRES};

pub(super) const DUMP: &str = "postgres.dump";

fn config(url: &str) -> Result<Config, BackupError> {
    url.parse::<Config>().map_err(|e| BackupError::Database(format!("the database address does not parse: {e}")))
}

async fn client(url: &str) -> Result<tokio_postgres::Client, BackupError> {
    let (client, conn) = config(url)?
        .connect(NoTls)
        .await
        .map_err(|e| BackupError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
    tokio::spawn(conn);
    Ok(client)
}

fn pg_error(e: tokio_postgres::Error) -> BackupError {
    BackupError::Database(e.to_string())
}

/// The schema version the hub stamped (0 for a database from before the numbering).
async fn schema_version(client: &tokio_postgres::Client) -> Result<i64, BackupError> {
    let stamped: bool =
        client.query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[]).await.map_err(pg_error)?.get(0);
    if !stamped {
        return Ok(0);
    }
    let row = client.query_opt("SELECT version FROM schema_version", &[]).await.map_err(pg_error)?;
    Ok(row.map_or(0, |r| r.get(0)))
}

/// Runs a PostgreSQL client tool against the database at `url`; `args` never hold a secret.
fn run_tool(tool: &str, url: &str, args: &[&str]) -> Result<(), BackupError> {
    let cfg = config(url)?;
    let mut cmd = Command::new(tool);
    cmd.args(args).env_remove("PGSERVICE");
    if let Some(db) = cfg.get_dbname() {
        cmd.arg("--dbname").arg(db);
    }
    match cfg.get_hosts().first() {
        Some(Host::Tcp(h)) => cmd.env("PGHOST", h),
        Some(Host::Unix(p)) => cmd.env("PGHOST", p),
        None => &mut cmd,
    };
    if let Some(port) = cfg.get_ports().first() {
        cmd.env("PGPORT", port.to_string());
    }
    if let Some(user) = cfg.get_user() {
        cmd.env("PGUSER", user);
    }
    if let Some(password) = cfg.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(password).as_ref());
    }
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BackupError::Database(format!(
                "{tool} was not found: install PostgreSQL's client tools (postgresql-client)"
            ))
        } else {
            BackupError::Database(format!("cannot run {tool}: {e}"))
        }
    })?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(BackupError::Database(format!("{tool} failed: {}", said.trim())));
    }
    Ok(())
}

/// A dump of the database beside the hub's documents, with its schema version.
pub(super) async fn copy(data: &Path, url: &str) -> Result<DatabaseCopy, BackupError> {
    let schema_version = schema_version(&client(url).await?).await?;
    std::fs::create_dir_all(data)?;
    let file = RemoveOnDrop(data.join(format!(".backup-{}.dump", random_hex()?)));
    let (path, url) = (file.0.clone(), url.to_string());
    blocking(move || {
        let path = path.to_str().ok_or_else(|| BackupError::Database("the data dir's path is not UTF-8".into()))?;
        run_tool("pg_dump", &url, &["--format=custom", "--no-owner", "--no-privileges", "--file", path])
    })
    .await?;
    Ok(DatabaseCopy { file, backend: POSTGRES, schema_version })
}

/// Refuses a database that already holds tables: a restore never mixes with a hub's data.
pub(super) async fn check_empty(url: &str) -> Result<(), BackupError> {
    let client = client(url).await?;
    let tables: i64 = client
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[])
        .await
        .map_err(pg_error)?
        .get(0);
    if tables > 0 {
        return Err(BackupError::DatabaseNotEmpty);
    }
    Ok(())
}

/// Restores the staged dump in one transaction (all of it or nothing), checks its schema
/// version against the manifest, then moves the documents into `data`.
pub(super) async fn install(staging: &Path, data: &Path, url: &str, manifest: &Manifest) -> Result<(), BackupError> {
    let dump = staging.join(DUMP);
    let owned_url = url.to_string();
    blocking(move || {
        let dump = dump.to_str().ok_or_else(|| BackupError::Database("the data dir's path is not UTF-8".into()))?;
        run_tool(
            "pg_restore",
            &owned_url,
            &["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", dump],
        )
    })
    .await?;
    let version = schema_version(&client(url).await?).await?;
    if version != manifest.schema_version {
        return Err(BackupError::Integrity(format!(
            "schema version {version} after the restore, but its manifest says {}",
            manifest.schema_version
        )));
    }
    let (staging, data) = (staging.to_path_buf(), data.to_path_buf());
    blocking(move || install_documents(&staging, &data)).await
}
