//! The embedded SQLite storage (one file under the data dir). Calls run on tokio's blocking
//! pool against one connection; SQLite serialises writers anyway.

use async_trait::async_trait;
use berkas_core::authz::Role;
use berkas_core::model::{Entity, Value};
use berkas_core::sync::{merge, Change, ChangeOutcome, RowState};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{
    entity_from, entity_name, merged_outcome, merged_status, now_text, schema, status_text, AuditRow, BatchContext,
    BatchItem, DeviceSeen, LoggedChange, PegawaiEntry, PullScope, SignatureRecord, Storage, StoreError, StoreResult,
    StoredRow, Token, TokenKind, User,
};

/// Step 1 of the schema (see `schema.rs`); later steps follow it in `STEPS`.
const SCHEMA_1: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    pegawai_id TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    scope_version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS user_units (
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    unit TEXT NOT NULL,
    PRIMARY KEY (username, unit)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    kind TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    family TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_family ON tokens(family);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(username);
CREATE TABLE IF NOT EXISTS token_successors (hash TEXT PRIMARY KEY, successor TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS rows (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    state TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (entity, row_id)
);
CREATE INDEX IF NOT EXISTS rows_pegawai ON rows(pegawai_id);
CREATE TABLE IF NOT EXISTS pegawai (
    id TEXT PRIMARY KEY,
    nip TEXT UNIQUE,
    nama TEXT NOT NULL DEFAULT '',
    unit TEXT
);
CREATE INDEX IF NOT EXISTS pegawai_unit ON pegawai(unit, nama);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    pegawai_id TEXT,
    detail TEXT,
    remote TEXT
);
CREATE INDEX IF NOT EXISTS audit_pegawai ON audit(pegawai_id, seq);
CREATE TABLE IF NOT EXISTS blob_owners (
    sha256 TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (sha256, username)
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#;

#[derive(Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    /// A plain database (tests, benchmarks, a hub from before encryption at rest).
    pub fn open(path: &Path) -> StoreResult<SqliteStorage> {
        Self::open_keyed(path, None)
    }

    /// The database under `key` (SQLCipher), as the hub opens it (`atrest::key_for`).
    pub fn open_keyed(path: &Path, key: Option<&berkas_core::secrets::Secret>) -> StoreResult<SqliteStorage> {
        // Setting up a file another hub process is setting up too can meet a lock SQLite
        // refuses at once instead of waiting for (the switch to WAL): tried again for a while.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match Self::open_once(path, key) {
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20))
                }
                opened => return opened,
            }
        }
    }

    fn open_once(path: &Path, key: Option<&berkas_core::secrets::Secret>) -> StoreResult<SqliteStorage> {
        let mut conn = Connection::open(path)?;
        if let Some(key) = key {
            crate::atrest::apply_key(&conn, key)?;
        }
        conn.execute_batch(
            // The wait first: another hub process may hold the file while it migrates.
            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )?;
        migrate(&mut conn)?;
        Ok(SqliteStorage { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// A change of the log as read by `changes_after` and `changes_in_scope_after`.
fn logged_change(r: &rusqlite::Row) -> rusqlite::Result<LoggedChange> {
    let entity: String = r.get(3)?;
    Ok(LoggedChange {
        seq: r.get(0)?,
        body: r.get(1)?,
        unit: r.get(2)?,
        entity: entity_from(&entity).unwrap_or(Entity::DataUtama),
        pegawai: r.get(4)?,
    })
}

const STEPS: &[&str] = &[SCHEMA_1, schema::STEP_2, schema::STEP_3, schema::STEP_4, schema::STEP_5, schema::STEP_6];

/// Brings the file up to `schema::LATEST`, its number in `PRAGMA user_version`; the version is
/// read again inside each step's write lock, so a second hub process opening the same file
/// waits and then finds the step done.
fn migrate(conn: &mut Connection) -> StoreResult<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(step) = schema::steps_after(found, STEPS)?.first() else { return Ok(tx.commit()?) };
        tx.execute_batch(step)?;
        if found + 1 == schema::CHECK_IN_TIMES_STEP {
            fill_check_in_times(&tx)?;
        }
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}

/// The check-in times of the check-ins a store held before they were indexed.
fn fill_check_in_times(tx: &rusqlite::Transaction<'_>) -> StoreResult<()> {
    let mut st = tx.prepare("SELECT row_id, pegawai_id, state FROM rows WHERE entity = 'presensi'")?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut put = tx.prepare("INSERT OR IGNORE INTO presensi_waktu (row_id, pegawai_id, taken) VALUES (?1, ?2, ?3)")?;
    for (row, pegawai, state) in rows {
        if let Some(taken) = schema::taken_second(&serde_json::from_str(&state)?) {
            put.execute(params![row, pegawai, taken])?;
        }
    }
    Ok(())
}

fn read_signature(c: &Connection, code: &str) -> StoreResult<Option<SignatureRecord>> {
    Ok(c.query_row(
        "SELECT code, kind, title, sha256, issued, key_id, signed_by, signature FROM signatures WHERE code = ?1",
        [code],
        |r| {
            Ok(SignatureRecord {
                code: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                sha256: r.get(3)?,
                issued: r.get(4)?,
                key_id: r.get(5)?,
                signed_by: r.get(6)?,
                signature: r.get(7)?,
            })
        },
    )
    .optional()?)
}

/// Every row of one pegawai with its merged state, in entity and id order.
fn read_rows(c: &Connection, pegawai_id: &str) -> StoreResult<Vec<StoredRow>> {
    let mut st =
        c.prepare_cached("SELECT entity, row_id, state FROM rows WHERE pegawai_id = ?1 ORDER BY entity, row_id")?;
    let raw = st
        .query_map([pegawai_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(raw.len());
    for (e, row, state) in raw {
        if let Some(e) = entity_from(&e) {
            out.push((e, row, serde_json::from_str(&state)?));
        }
    }
    Ok(out)
}

fn read_user(conn: &Connection, username: &str) -> StoreResult<Option<User>> {
    let row = conn
        .query_row(
            "SELECT username, password_hash, role, pegawai_id, disabled, scope_version FROM users WHERE username = ?1",
            [username],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((username, password_hash, role, pegawai_id, disabled, scope_version)) = row else { return Ok(None) };
    let mut st = conn.prepare_cached("SELECT unit FROM user_units WHERE username = ?1 ORDER BY unit")?;
    let units = st.query_map([&username], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(Some(User {
        username,
        password_hash,
        role: Role::parse(&role).unwrap_or(Role::Personal),
        pegawai_id,
        units,
        disabled,
        scope_version,
    }))
}

fn pegawai_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PegawaiEntry> {
    Ok(PegawaiEntry {
        id: r.get(0)?,
        nip: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        nama: r.get(2)?,
        unit: r.get(3)?,
    })
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn user(&self, username: &str) -> StoreResult<Option<User>> {
        let username = username.to_string();
        self.run(move |c| read_user(c, &username)).await
    }

    async fn upsert_user(&self, user: &User) -> StoreResult<()> {
        let u = user.clone();
        self.run(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO users (username, password_hash, role, pegawai_id, disabled, scope_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
                 pegawai_id = excluded.pegawai_id, disabled = excluded.disabled, scope_version = excluded.scope_version",
                params![u.username, u.password_hash, u.role.as_str(), u.pegawai_id, u.disabled, u.scope_version],
            )?;
            tx.execute("DELETE FROM user_units WHERE username = ?1", [&u.username])?;
            for unit in &u.units {
                tx.execute("INSERT INTO user_units (username, unit) VALUES (?1, ?2)", params![u.username, unit])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.run(|c| {
            let names: Vec<String> = c
                .prepare("SELECT username FROM users ORDER BY username")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(names.len());
            for n in names {
                if let Some(u) = read_user(c, &n)? {
                    out.push(u);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn user_of_pegawai(&self, pegawai_id: &str) -> StoreResult<Option<User>> {
        let pegawai_id = pegawai_id.to_string();
        self.run(move |c| {
            let name: Option<String> = c
                .query_row(
                    "SELECT username FROM users WHERE pegawai_id = ?1 ORDER BY username LIMIT 1",
                    [&pegawai_id],
                    |r| r.get(0),
                )
                .optional()?;
            match name {
                Some(n) => read_user(c, &n),
                None => Ok(None),
            }
        })
        .await
    }

    async fn bump_scope_of_units(&self, units: &[String]) -> StoreResult<()> {
        let units = units.to_vec();
        self.run(move |c| {
            for unit in units {
                c.execute(
                    "UPDATE users SET scope_version = scope_version + 1
                     WHERE username IN (SELECT username FROM user_units WHERE unit = ?1)",
                    [unit],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn insert_token(&self, t: &Token) -> StoreResult<()> {
        let t = t.clone();
        self.run(move |c| {
            let kind = if t.kind == TokenKind::Access { "access" } else { "refresh" };
            c.execute(
                "INSERT INTO tokens (hash, username, kind, expires_at, revoked, family) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t.hash, t.username, kind, t.expires_at, t.revoked, t.family],
            )?;
            Ok(())
        })
        .await
    }

    async fn token(&self, hash: &str) -> StoreResult<Option<Token>> {
        let hash = hash.to_string();
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT hash, username, kind, expires_at, revoked, family FROM tokens WHERE hash = ?1",
                [hash],
                |r| {
                    Ok(Token {
                        hash: r.get(0)?,
                        username: r.get(1)?,
                        kind: if r.get::<_, String>(2)? == "access" { TokenKind::Access } else { TokenKind::Refresh },
                        expires_at: r.get(3)?,
                        revoked: r.get(4)?,
                        family: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn revoke_token(&self, hash: &str) -> StoreResult<()> {
        let hash = hash.to_string();
        self.run(move |c| {
            c.execute("UPDATE tokens SET revoked = 1 WHERE hash = ?1", [hash])?;
            Ok(())
        })
        .await
    }

    async fn revoke_family(&self, family: &str) -> StoreResult<()> {
        let family = family.to_string();
        self.run(move |c| {
            c.execute("UPDATE tokens SET revoked = 1 WHERE family = ?1", [family])?;
            Ok(())
        })
        .await
    }

    async fn revoke_user_tokens(&self, username: &str) -> StoreResult<()> {
        let username = username.to_string();
        self.run(move |c| {
            c.execute("UPDATE tokens SET revoked = 1 WHERE username = ?1", [username])?;
            Ok(())
        })
        .await
    }

    async fn login_failures_since(&self, key: &str, since: i64) -> StoreResult<u32> {
        let key = key.to_string();
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
                params![key, since],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn successor(&self, hash: &str) -> StoreResult<Option<String>> {
        let hash = hash.to_string();
        self.run(move |c| {
            Ok(c.query_row("SELECT successor FROM token_successors WHERE hash = ?1", [hash], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    async fn set_successor(&self, hash: &str, successor: &str) -> StoreResult<()> {
        let (hash, successor) = (hash.to_string(), successor.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO token_successors (hash, successor) VALUES (?1, ?2)
                 ON CONFLICT (hash) DO UPDATE SET successor = excluded.successor",
                params![hash, successor],
            )?;
            Ok(())
        })
        .await
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_string();
        self.run(move |c| {
            Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
        })
        .await
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
        .await
    }

    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                params![key, value],
            )?;
            Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))?)
        })
        .await
    }

    async fn insert_signature(&self, record: &SignatureRecord) -> StoreResult<SignatureRecord> {
        let r = record.clone();
        self.run(move |c| {
            c.execute(
                "INSERT INTO signatures (code, kind, title, sha256, issued, key_id, signed_by, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO NOTHING",
                params![r.code, r.kind, r.title, r.sha256, r.issued, r.key_id, r.signed_by, r.signature],
            )?;
            read_signature(c, &r.code)?.ok_or(StoreError::Task("a signature vanished as it was written".into()))
        })
        .await
    }

    async fn signature(&self, code: &str) -> StoreResult<Option<SignatureRecord>> {
        let code = code.to_string();
        self.run(move |c| read_signature(c, &code)).await
    }

    async fn put_reset_code(&self, username: &str, hash: &str, expires_at: i64, issued_by: &str) -> StoreResult<()> {
        let (u, h, by) = (username.to_string(), hash.to_string(), issued_by.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO reset_codes (username, hash, expires_at, issued_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at,
                 issued_by = excluded.issued_by",
                params![u, h, expires_at, by],
            )?;
            Ok(())
        })
        .await
    }

    async fn take_reset_code(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool> {
        let (u, h) = (username.to_string(), hash.to_string());
        self.run(move |c| {
            let n = c.execute(
                "DELETE FROM reset_codes WHERE username = ?1 AND hash = ?2 AND expires_at > ?3",
                params![u, h, now],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn reset_code_valid(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool> {
        let (u, h) = (username.to_string(), hash.to_string());
        self.run(move |c| {
            let n: i64 = c.query_row(
                "SELECT count(*) FROM reset_codes WHERE username = ?1 AND hash = ?2 AND expires_at > ?3",
                params![u, h, now],
                |r| r.get(0),
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn note_device(&self, device: &str, username: &str, layanan_version: i64) -> StoreResult<()> {
        let (d, u) = (device.to_string(), username.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO devices (device, username, layanan_version, seen_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device) DO UPDATE SET username = excluded.username,
                 layanan_version = excluded.layanan_version, seen_at = excluded.seen_at",
                params![d, u, layanan_version, now_text()],
            )?;
            Ok(())
        })
        .await
    }

    async fn devices(&self) -> StoreResult<Vec<DeviceSeen>> {
        self.run(|c| {
            let mut st =
                c.prepare("SELECT device, username, layanan_version, seen_at FROM devices ORDER BY seen_at DESC")?;
            let rows = st.query_map([], |r| {
                Ok(DeviceSeen {
                    device: r.get(0)?,
                    username: r.get(1)?,
                    layanan_version: r.get(2)?,
                    seen_at: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn add_login_failure(&self, key: &str, at: i64) -> StoreResult<()> {
        let key = key.to_string();
        self.run(move |c| {
            c.execute("INSERT INTO login_failures (key, at) VALUES (?1, ?2)", params![key, at])?;
            Ok(())
        })
        .await
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let key = key.to_string();
        self.run(move |c| {
            c.execute("DELETE FROM login_failures WHERE key = ?1", [key])?;
            Ok(())
        })
        .await
    }

    async fn pegawai_by_nip(&self, nip: &str) -> StoreResult<Option<PegawaiEntry>> {
        let nip = nip.to_string();
        self.run(move |c| {
            Ok(c.query_row("SELECT id, nip, nama, unit FROM pegawai WHERE nip = ?1", [nip], pegawai_row).optional()?)
        })
        .await
    }

    async fn pegawai_by_nips(&self, nips: Vec<String>) -> StoreResult<Vec<PegawaiEntry>> {
        self.run(move |c| {
            let mut st = c.prepare_cached("SELECT id, nip, nama, unit FROM pegawai WHERE nip = ?1")?;
            let mut found = Vec::new();
            for nip in nips {
                found.extend(st.query_row([&nip], pegawai_row).optional()?);
            }
            Ok(found)
        })
        .await
    }

    async fn pegawai_by_id(&self, id: &str) -> StoreResult<Option<PegawaiEntry>> {
        let id = id.to_string();
        self.run(move |c| {
            Ok(c.query_row("SELECT id, nip, nama, unit FROM pegawai WHERE id = ?1", [id], pegawai_row).optional()?)
        })
        .await
    }

    async fn bawahan_of(&self, atasan_nip: &str) -> StoreResult<Vec<PegawaiEntry>> {
        let (nip, entity) = (atasan_nip.to_string(), entity_name(Entity::DataUtama));
        self.run(move |c| {
            let mut st = c.prepare(
                "SELECT p.id, p.nip, p.nama, p.unit FROM rows r JOIN pegawai p ON p.id = r.pegawai_id
                 WHERE r.entity = ?1 AND json_extract(r.state, '$.values.atasan_nip') = ?2 ORDER BY p.nama, p.nip",
            )?;
            let rows = st.query_map(params![entity, nip], pegawai_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn list_pegawai(&self, unit: Option<&str>, limit: u32, offset: u32) -> StoreResult<Vec<PegawaiEntry>> {
        let unit = unit.map(str::to_string);
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT id, nip, nama, unit FROM pegawai WHERE (?1 IS NULL OR unit = ?1) ORDER BY nama, nip LIMIT ?2 OFFSET ?3",
            )?;
            let rows = st.query_map(params![unit, limit, offset], pegawai_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn rows_of(&self, pegawai_id: &str) -> StoreResult<Vec<StoredRow>> {
        let id = pegawai_id.to_string();
        self.run(move |c| read_rows(c, &id)).await
    }

    async fn rows_of_many(&self, pegawai_ids: Vec<String>) -> StoreResult<HashMap<String, Vec<StoredRow>>> {
        self.run(move |c| {
            let mut out = HashMap::with_capacity(pegawai_ids.len());
            for id in pegawai_ids {
                let rows = read_rows(c, &id)?;
                if !rows.is_empty() {
                    out.insert(id, rows);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn rows_of_many_in(
        &self,
        pegawai_ids: Vec<String>,
        entities: Vec<Entity>,
    ) -> StoreResult<HashMap<String, Vec<StoredRow>>> {
        let wanted: Vec<String> = entities.into_iter().map(entity_name).collect();
        // One look-up per record by its index; only the wanted entities' states are parsed.
        let marks: Vec<String> = (0..wanted.len()).map(|i| format!("?{}", i + 2)).collect();
        let sql = format!(
            "SELECT entity, row_id, state FROM rows WHERE pegawai_id = ?1 AND entity IN ({})",
            marks.join(", ")
        );
        self.run(move |c| {
            let mut st = c.prepare_cached(&sql)?;
            let mut out = HashMap::with_capacity(pegawai_ids.len());
            for id in pegawai_ids {
                let args = std::iter::once(&id).chain(wanted.iter());
                let raw = st
                    .query_map(rusqlite::params_from_iter(args), |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                let mut rows = Vec::with_capacity(raw.len());
                for (e, row, state) in raw {
                    if let Some(e) = entity_from(&e) {
                        rows.push((e, row, serde_json::from_str(&state)?));
                    }
                }
                if !rows.is_empty() {
                    out.insert(id, rows);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn check_ins_between(
        &self,
        unit: Option<String>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(String, String, RowState)>> {
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT w.pegawai_id, w.row_id, r.state FROM presensi_waktu w
                 JOIN rows r ON r.entity = 'presensi' AND r.row_id = w.row_id
                 JOIN pegawai p ON p.id = w.pegawai_id
                 WHERE w.taken >= ?1 AND w.taken < ?2 AND (?3 IS NULL OR p.unit = ?3)",
            )?;
            let raw = st
                .query_map(params![from, to, unit], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(raw.len());
            for (pegawai, row, state) in raw {
                out.push((pegawai, row, serde_json::from_str(&state)?));
            }
            Ok(out)
        })
        .await
    }

    async fn check_ins_before(&self, before: i64) -> StoreResult<Vec<(String, String, i64)>> {
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT pegawai_id, row_id, taken FROM presensi_waktu WHERE taken < ?1 ORDER BY taken",
            )?;
            let out = st.query_map([before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            Ok(out)
        })
        .await
    }

    async fn purge_rows(&self, entity: Entity, rows: Vec<(String, String)>) -> StoreResult<u64> {
        let name = entity_name(entity);
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // The rows to go, in a table the deletes join: the log by its record index.
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY, pegawai TEXT NOT NULL);
                 DELETE FROM purge_ids;",
            )?;
            {
                let mut put = tx.prepare_cached("INSERT OR IGNORE INTO purge_ids (id, pegawai) VALUES (?1, ?2)")?;
                for (pegawai, id) in &rows {
                    put.execute([id, pegawai])?;
                }
            }
            tx.execute(
                "DELETE FROM changes WHERE entity = ?1 AND seq IN (
                     SELECT c.seq FROM purge_ids p JOIN changes c ON c.pegawai_id = p.pegawai AND c.row_id = p.id)",
                [&name],
            )?;
            if entity == Entity::Presensi {
                tx.execute("DELETE FROM presensi_waktu WHERE row_id IN (SELECT id FROM purge_ids)", [])?;
            }
            let gone =
                tx.execute("DELETE FROM rows WHERE entity = ?1 AND row_id IN (SELECT id FROM purge_ids)", [&name])?;
            tx.execute_batch("DELETE FROM purge_ids;")?;
            tx.commit()?;
            Ok(gone as u64)
        })
        .await
    }

    async fn keep_rekap_counts(&self, counts: Vec<(String, String, String, String)>) -> StoreResult<()> {
        self.run(move |c| {
            let tx = c.transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO presensi_jumlah (unit, tanggal, jam, rekap) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO NOTHING",
                )?;
                for (unit, tanggal, jam, rekap) in &counts {
                    put.execute(params![unit, tanggal, jam, rekap])?;
                }
            }
            Ok(tx.commit()?)
        })
        .await
    }

    async fn rekap_counts(&self, tanggal: &str, jam: &str) -> StoreResult<Vec<(String, String)>> {
        let (tanggal, jam) = (tanggal.to_string(), jam.to_string());
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT unit, rekap FROM presensi_jumlah WHERE tanggal = ?1 AND jam = ?2 ORDER BY unit",
            )?;
            let out = st.query_map(params![tanggal, jam], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok(out)
        })
        .await
    }

    async fn apply(&self, change: Change, author: &str) -> StoreResult<ChangeOutcome> {
        let mut out = self.apply_batch(vec![BatchItem::Apply(change)], author).await?;
        out.pop().ok_or_else(|| StoreError::Task("empty batch".into()))
    }

    async fn apply_batch(&self, items: Vec<BatchItem>, author: &str) -> StoreResult<Vec<ChangeOutcome>> {
        let author = author.to_string();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut out = Vec::with_capacity(items.len());
            for item in &items {
                out.push(match item {
                    BatchItem::Apply(change) => apply_in(&tx, change, &author)?,
                    BatchItem::Refuse(change, outcome) => {
                        refuse_in(&tx, change, &author, outcome)?;
                        outcome.clone()
                    }
                });
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn batch_context(
        &self,
        change_ids: Vec<String>,
        pegawai_ids: Vec<String>,
        rows: Vec<(Entity, String)>,
    ) -> StoreResult<BatchContext> {
        self.run(move |c| {
            let mut ctx = BatchContext::default();
            let mut st = c.prepare_cached("SELECT outcome FROM changes WHERE id = ?1")?;
            for id in change_ids {
                if let Some(s) = st.query_row([&id], |r| r.get::<_, String>(0)).optional()? {
                    ctx.outcomes.insert(id, serde_json::from_str(&s)?);
                }
            }
            let mut st = c.prepare_cached("SELECT id, nip, nama, unit FROM pegawai WHERE id = ?1")?;
            for id in pegawai_ids {
                if let Some(e) = st.query_row([&id], pegawai_row).optional()? {
                    ctx.pegawai.insert(id, e);
                }
            }
            let mut st = c.prepare_cached("SELECT pegawai_id FROM rows WHERE entity = ?1 AND row_id = ?2")?;
            for (e, row) in rows {
                if let Some(owner) = st.query_row(params![entity_name(e), row], |r| r.get::<_, String>(0)).optional()? {
                    ctx.row_owners.insert((e, row), owner);
                }
            }
            Ok(ctx)
        })
        .await
    }

    async fn changes_after(&self, cursor: i64, limit: u32) -> StoreResult<Vec<LoggedChange>> {
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT c.seq, c.body, p.unit, c.entity, c.pegawai_id FROM changes c
                 LEFT JOIN pegawai p ON p.id = c.pegawai_id
                 WHERE c.seq > ?1 AND c.status != 'refused' ORDER BY c.seq LIMIT ?2",
            )?;
            let rows = st.query_map(params![cursor, limit], logged_change)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn changes_in_scope_after(
        &self,
        cursor: i64,
        limit: u32,
        scope: &PullScope,
    ) -> StoreResult<(Vec<LoggedChange>, i64)> {
        let own = scope.own.clone().unwrap_or_default();
        let units = serde_json::to_string(&scope.units)?;
        self.run(move |c| {
            // One read transaction: the head and the page are one moment of the log.
            let tx = c.transaction()?;
            let head: i64 =
                tx.query_row("SELECT COALESCE(max(seq), 0) FROM changes WHERE status != 'refused'", [], |r| r.get(0))?;
            let page = {
                let mut st = tx.prepare_cached(
                    "SELECT c.seq, c.body, p.unit, c.entity, c.pegawai_id FROM changes c
                     LEFT JOIN pegawai p ON p.id = c.pegawai_id
                     WHERE c.pegawai_id IN (SELECT ?1 UNION SELECT id FROM pegawai
                                            WHERE unit IN (SELECT value FROM json_each(?2)))
                       AND c.seq > ?3 AND c.seq <= ?4 AND c.status != 'refused'
                     ORDER BY c.seq LIMIT ?5",
                )?;
                let rows = st.query_map(params![own, units, cursor, head, limit], logged_change)?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            tx.commit()?;
            Ok((page, head))
        })
        .await
    }

    async fn add_blob_owner(&self, sha256: &str, username: &str) -> StoreResult<()> {
        let (sha, user) = (sha256.to_string(), username.to_string());
        self.run(move |c| {
            c.execute("INSERT OR IGNORE INTO blob_owners (sha256, username) VALUES (?1, ?2)", params![sha, user])?;
            Ok(())
        })
        .await
    }

    async fn blob_owned_by(&self, sha256: &str, username: &str) -> StoreResult<bool> {
        let (sha, user) = (sha256.to_string(), username.to_string());
        self.run(move |c| {
            let n: i64 = c.query_row(
                "SELECT count(*) FROM blob_owners WHERE sha256 = ?1 AND username = ?2",
                params![sha, user],
                |r| r.get(0),
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn blob_pegawai(&self, sha256: &str) -> StoreResult<Vec<(String, Option<String>)>> {
        let sha = sha256.to_string();
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT r.pegawai_id, p.unit, r.state FROM rows r LEFT JOIN pegawai p ON p.id = r.pegawai_id
                 WHERE r.entity = 'dokumen' AND json_extract(r.state, '$.values.sha256') = ?1",
            )?;
            let raw = st
                .query_map([sha], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = vec![];
            for (id, unit, state) in raw {
                if serde_json::from_str::<RowState>(&state)?.is_live() {
                    out.push((id, unit));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        pegawai_id: Option<&str>,
        detail: Option<serde_json::Value>,
        remote: Option<&str>,
    ) -> StoreResult<()> {
        let (actor, action, pegawai_id, remote) =
            (actor.to_string(), action.to_string(), pegawai_id.map(str::to_string), remote.map(str::to_string));
        self.run(move |c| {
            c.execute(
                "INSERT INTO audit (at, actor, action, pegawai_id, detail, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![now_text(), actor, action, pegawai_id, detail.map(|d| d.to_string()), remote],
            )?;
            Ok(())
        })
        .await
    }

    async fn audit_many(
        &self,
        actor: &str,
        action: &str,
        entries: Vec<(String, serde_json::Value)>,
        remote: Option<&str>,
    ) -> StoreResult<()> {
        let (actor, action, remote) = (actor.to_string(), action.to_string(), remote.map(str::to_string));
        self.run(move |c| {
            let tx = c.transaction()?;
            let at = now_text();
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO audit (at, actor, action, pegawai_id, detail, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for (pegawai, detail) in entries {
                    st.execute(params![at, actor, action, pegawai, detail.to_string(), remote])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn audit_list(&self, pegawai_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let pegawai_id = pegawai_id.map(str::to_string);
        self.run(move |c| {
            let mut st = c.prepare_cached(
                "SELECT seq, at, actor, action, pegawai_id, detail, remote FROM audit
                 WHERE (?1 IS NULL OR pegawai_id = ?1) ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![pegawai_id, limit], |r| {
                    Ok(AuditRow {
                        seq: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        pegawai_id: r.get(4)?,
                        detail: r.get::<_, Option<String>>(5)?.and_then(|d| serde_json::from_str(&d).ok()),
                        remote: r.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }
}

/// Merges one allowed change into its row and logs it, inside the caller's transaction.
fn apply_in(tx: &rusqlite::Transaction<'_>, change: &Change, author: &str) -> StoreResult<ChangeOutcome> {
    // A retry of a change already taken gets the first answer, and nothing changes.
    if let Some(s) =
        tx.query_row("SELECT outcome FROM changes WHERE id = ?1", [&change.id], |r| r.get::<_, String>(0)).optional()?
    {
        return Ok(serde_json::from_str(&s)?);
    }
    let entity = entity_name(change.entity);
    let mut state: RowState = match tx
        .query_row("SELECT state FROM rows WHERE entity = ?1 AND row_id = ?2", params![entity, change.row], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    {
        Some(s) => serde_json::from_str(&s)?,
        None => RowState::default(),
    };
    let merged = merge(&mut state, change);
    let status = merged_status(change, &merged);
    tx.execute(
        "INSERT INTO changes (id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '')",
        params![
            change.id,
            entity,
            change.row,
            change.pegawai,
            serde_json::to_string(&change)?,
            author,
            now_text(),
            status_text(status)
        ],
    )?;
    let seq = tx.last_insert_rowid();
    let outcome = merged_outcome(change, merged, seq);
    tx.execute("UPDATE changes SET outcome = ?1 WHERE seq = ?2", params![serde_json::to_string(&outcome)?, seq])?;
    tx.execute(
        "INSERT INTO rows (entity, row_id, pegawai_id, state, seq) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(entity, row_id) DO UPDATE SET state = excluded.state, seq = excluded.seq",
        params![entity, change.row, change.pegawai, serde_json::to_string(&state)?, seq],
    )?;
    if change.entity == Entity::Presensi {
        if let Some(taken) = schema::taken_second(&state) {
            tx.prepare_cached(
                "INSERT INTO presensi_waktu (row_id, pegawai_id, taken) VALUES (?1, ?2, ?3)
                 ON CONFLICT (row_id) DO UPDATE SET taken = excluded.taken",
            )?
            .execute(params![change.row, change.pegawai, taken])?;
        }
    }
    if change.entity == Entity::DataUtama {
        let text = |f: &str| state.values.get(f).and_then(Value::as_str).map(str::to_string);
        tx.execute(
            "INSERT INTO pegawai (id, nip, nama, unit) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET nip = excluded.nip, nama = excluded.nama, unit = excluded.unit",
            params![change.row, text("nip_baru"), text("nama").unwrap_or_default(), text("unit")],
        )
        .map_err(|e| match &e {
            // The id is the upsert's key, so a unique failure here is the NIP's.
            rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                StoreError::Conflict("pegawai.nip")
            }
            _ => e.into(),
        })?;
    }
    Ok(outcome)
}

/// Logs a refused change (once) inside the caller's transaction.
fn refuse_in(
    tx: &rusqlite::Transaction<'_>,
    change: &Change,
    author: &str,
    outcome: &ChangeOutcome,
) -> StoreResult<()> {
    tx.execute(
        "INSERT OR IGNORE INTO changes (id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'refused', ?8)",
        params![
            change.id,
            entity_name(change.entity),
            change.row,
            change.pegawai,
            serde_json::to_string(change)?,
            author,
            now_text(),
            serde_json::to_string(outcome)?
        ],
    )?;
    Ok(())
}
