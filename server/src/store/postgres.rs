//! PostgreSQL storage, for an instansi that outgrows one machine: the same tables and the same
//! semantics as SQLite. Pushes lock the rows they touch, and take turns on one transaction-scoped
//! advisory lock only to number and log their changes, so sequence order is commit order (a
//! pull cursor never skips a change) while batches on different records run side by side
//! (`postgres_batch.rs`); servers stay stateless.

use async_trait::async_trait;
use berkas_core::authz::Role;
use berkas_core::model::Entity;
use berkas_core::sync::{Change, ChangeOutcome, RowState};
use deadpool_postgres::{Config, Pool, Runtime};
use std::collections::HashMap;
use tokio_postgres::NoTls;

use super::{
    entity_from, entity_name, now_text, schema, AuditRow, BatchContext, BatchItem, DeviceSeen, LoggedChange,
    PegawaiEntry, PullScope, SignatureRecord, Storage, StoreError, StoreResult, StoredRow, Token, TokenKind, User,
};

/// Step 1 of the schema (see `schema.rs`); later steps follow it in `STEPS`.
const SCHEMA_1: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    pegawai_id TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    scope_version BIGINT NOT NULL DEFAULT 1
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
    expires_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE,
    family TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_family ON tokens(family);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(username);
CREATE TABLE IF NOT EXISTS token_successors (hash TEXT PRIMARY KEY, successor TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS rows (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    state TEXT NOT NULL,
    seq BIGINT NOT NULL,
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
    seq BIGSERIAL PRIMARY KEY,
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
    seq BIGSERIAL PRIMARY KEY,
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
pub struct PostgresStorage {
    pool: Pool,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        // The server's code and message name the constraint; its detail may quote a NIP.
        match e.as_db_error() {
            Some(db) => StoreError::Postgres(format!("{} ({})", db.message(), db.code().code())),
            None => StoreError::Postgres(e.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        StoreError::Postgres(e.to_string())
    }
}

const SELECT_SIGNATURE: &str =
    "SELECT code, kind, title, sha256, issued, key_id, signed_by, signature FROM signatures WHERE code = $1";

fn signature_of(r: &tokio_postgres::Row) -> SignatureRecord {
    SignatureRecord {
        code: r.get(0),
        kind: r.get(1),
        title: r.get(2),
        sha256: r.get(3),
        issued: r.get(4),
        key_id: r.get(5),
        signed_by: r.get(6),
        signature: r.get(7),
    }
}

fn pegawai_of(r: &tokio_postgres::Row) -> PegawaiEntry {
    PegawaiEntry {
        id: r.get(0),
        nip: r.get::<_, Option<String>>(1).unwrap_or_default(),
        nama: r.get(2),
        unit: r.get(3),
    }
}

const STEPS: &[&str] = &[SCHEMA_1, schema::STEP_2, schema::STEP_3, schema::STEP_4, schema::STEP_5, schema::STEP_6];

/// A change of the log as read by `changes_after` and `changes_in_scope_after`.
fn logged_change(r: &tokio_postgres::Row) -> LoggedChange {
    LoggedChange {
        seq: r.get(0),
        body: r.get(1),
        unit: r.get(2),
        entity: entity_from(r.get(3)).unwrap_or(Entity::DataUtama),
        pegawai: r.get(4),
    }
}

/// Any number: the key of the advisory lock hub processes take turns on while migrating.
const MIGRATION_LOCK: i64 = 0x6265_726b_6173;

/// Brings the database up to `schema::LATEST`, its number in `schema_version`; hub processes
/// starting together on one database take turns on an advisory lock held by each step.
async fn migrate(client: &mut deadpool_postgres::Client) -> StoreResult<()> {
    loop {
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)").await?;
        let found: i64 = tx.query_opt("SELECT version FROM schema_version", &[]).await?.map_or(0, |r| r.get(0));
        let Some(step) = schema::steps_after(found, STEPS)?.first() else { return Ok(tx.commit().await?) };
        tx.batch_execute(step).await?;
        if found + 1 == schema::CHECK_IN_TIMES_STEP {
            fill_check_in_times(&tx).await?;
        }
        tx.batch_execute("DELETE FROM schema_version").await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(found + 1)]).await?;
        tx.commit().await?;
    }
}

/// The check-in times of the check-ins a store held before they were indexed.
async fn fill_check_in_times(tx: &tokio_postgres::Transaction<'_>) -> StoreResult<()> {
    let rows = tx.query("SELECT row_id, pegawai_id, state FROM rows WHERE entity = 'presensi'", &[]).await?;
    let (mut ids, mut owners, mut times) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        if let Some(taken) = schema::taken_second(&serde_json::from_str(r.get(2))?) {
            ids.push(r.get::<_, String>(0));
            owners.push(r.get::<_, String>(1));
            times.push(taken);
        }
    }
    tx.execute(
        "INSERT INTO presensi_waktu (row_id, pegawai_id, taken)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING",
        &[&ids, &owners, &times],
    )
    .await?;
    Ok(())
}

impl PostgresStorage {
    /// Connects to `url` (`postgres://user:pass@host:port/db`) and creates the tables.
    pub async fn connect(url: &str) -> StoreResult<PostgresStorage> {
        let mut cfg = Config::new();
        cfg.url = Some(url.to_string());
        let pool = cfg.create_pool(Some(Runtime::Tokio1), NoTls).map_err(|e| StoreError::Postgres(e.to_string()))?;
        let mut client = pool.get().await?;
        migrate(&mut client).await?;
        Ok(PostgresStorage { pool })
    }

    async fn read_user(client: &impl tokio_postgres::GenericClient, username: &str) -> StoreResult<Option<User>> {
        let Some(r) = client
            .query_opt(
                "SELECT username, password_hash, role, pegawai_id, disabled, scope_version FROM users WHERE username = $1",
                &[&username],
            )
            .await?
        else {
            return Ok(None);
        };
        let units = client
            .query("SELECT unit FROM user_units WHERE username = $1 ORDER BY unit", &[&username])
            .await?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        let role: String = r.get(2);
        Ok(Some(User {
            username: r.get(0),
            password_hash: r.get(1),
            role: Role::parse(&role).unwrap_or(Role::Personal),
            pegawai_id: r.get(3),
            units,
            disabled: r.get(4),
            scope_version: r.get(5),
        }))
    }
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn user(&self, username: &str) -> StoreResult<Option<User>> {
        let client = self.pool.get().await?;
        Self::read_user(&**client, username).await
    }

    async fn upsert_user(&self, u: &User) -> StoreResult<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO users (username, password_hash, role, pegawai_id, disabled, scope_version) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
             pegawai_id = EXCLUDED.pegawai_id, disabled = EXCLUDED.disabled, scope_version = EXCLUDED.scope_version",
            &[&u.username, &u.password_hash, &u.role.as_str(), &u.pegawai_id, &u.disabled, &u.scope_version],
        )
        .await?;
        tx.execute("DELETE FROM user_units WHERE username = $1", &[&u.username]).await?;
        for unit in &u.units {
            tx.execute("INSERT INTO user_units (username, unit) VALUES ($1, $2)", &[&u.username, unit]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let client = self.pool.get().await?;
        let names: Vec<String> =
            client.query("SELECT username FROM users ORDER BY username", &[]).await?.iter().map(|r| r.get(0)).collect();
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            if let Some(u) = Self::read_user(&**client, &n).await? {
                out.push(u);
            }
        }
        Ok(out)
    }

    async fn user_of_pegawai(&self, pegawai_id: &str) -> StoreResult<Option<User>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt("SELECT username FROM users WHERE pegawai_id = $1 ORDER BY username LIMIT 1", &[&pegawai_id])
            .await?;
        match row {
            Some(r) => Self::read_user(&**client, &r.get::<_, String>(0)).await,
            None => Ok(None),
        }
    }

    async fn bump_scope_of_units(&self, units: &[String]) -> StoreResult<()> {
        let client = self.pool.get().await?;
        for unit in units {
            client
                .execute(
                    "UPDATE users SET scope_version = scope_version + 1
                     WHERE username IN (SELECT username FROM user_units WHERE unit = $1)",
                    &[unit],
                )
                .await?;
        }
        Ok(())
    }

    async fn insert_token(&self, t: &Token) -> StoreResult<()> {
        let client = self.pool.get().await?;
        let kind = if t.kind == TokenKind::Access { "access" } else { "refresh" };
        client
            .execute(
                "INSERT INTO tokens (hash, username, kind, expires_at, revoked, family) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&t.hash, &t.username, &kind, &t.expires_at, &t.revoked, &t.family],
            )
            .await?;
        Ok(())
    }

    async fn token(&self, hash: &str) -> StoreResult<Option<Token>> {
        let client = self.pool.get().await?;
        let r = client
            .query_opt("SELECT hash, username, kind, expires_at, revoked, family FROM tokens WHERE hash = $1", &[&hash])
            .await?;
        Ok(r.map(|r| Token {
            hash: r.get(0),
            username: r.get(1),
            kind: if r.get::<_, String>(2) == "access" { TokenKind::Access } else { TokenKind::Refresh },
            expires_at: r.get(3),
            revoked: r.get(4),
            family: r.get(5),
        }))
    }

    async fn revoke_token(&self, hash: &str) -> StoreResult<()> {
        self.pool.get().await?.execute("UPDATE tokens SET revoked = TRUE WHERE hash = $1", &[&hash]).await?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str) -> StoreResult<()> {
        self.pool.get().await?.execute("UPDATE tokens SET revoked = TRUE WHERE family = $1", &[&family]).await?;
        Ok(())
    }

    async fn revoke_user_tokens(&self, username: &str) -> StoreResult<()> {
        self.pool.get().await?.execute("UPDATE tokens SET revoked = TRUE WHERE username = $1", &[&username]).await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: i64) -> StoreResult<u32> {
        let r = self
            .pool
            .get()
            .await?
            .query_one("SELECT count(*) FROM login_failures WHERE key = $1 AND at >= $2", &[&key, &since])
            .await?;
        Ok(r.get::<_, i64>(0) as u32)
    }

    async fn successor(&self, hash: &str) -> StoreResult<Option<String>> {
        let r = self
            .pool
            .get()
            .await?
            .query_opt("SELECT successor FROM token_successors WHERE hash = $1", &[&hash])
            .await?;
        Ok(r.map(|r| r.get(0)))
    }

    async fn set_successor(&self, hash: &str, successor: &str) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO token_successors (hash, successor) VALUES ($1, $2)
                 ON CONFLICT (hash) DO UPDATE SET successor = excluded.successor",
                &[&hash, &successor],
            )
            .await?;
        Ok(())
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let r = self.pool.get().await?.query_opt("SELECT value FROM settings WHERE key = $1", &[&key]).await?;
        Ok(r.map(|r| r.get(0)))
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .await?;
        Ok(())
    }

    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String> {
        let client = self.pool.get().await?;
        client
            .execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", &[&key, &value])
            .await?;
        Ok(client.query_one("SELECT value FROM settings WHERE key = $1", &[&key]).await?.get(0))
    }

    async fn insert_signature(&self, r: &SignatureRecord) -> StoreResult<SignatureRecord> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO signatures (code, kind, title, sha256, issued, key_id, signed_by, signature)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING",
                &[&r.code, &r.kind, &r.title, &r.sha256, &r.issued, &r.key_id, &r.signed_by, &r.signature],
            )
            .await?;
        let stored = client.query_opt(SELECT_SIGNATURE, &[&r.code]).await?;
        stored.map(|row| signature_of(&row)).ok_or(StoreError::Task("a signature vanished as it was written".into()))
    }

    async fn signature(&self, code: &str) -> StoreResult<Option<SignatureRecord>> {
        Ok(self.pool.get().await?.query_opt(SELECT_SIGNATURE, &[&code]).await?.map(|r| signature_of(&r)))
    }

    async fn put_reset_code(&self, username: &str, hash: &str, expires_at: i64, issued_by: &str) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO reset_codes (username, hash, expires_at, issued_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at,
                 issued_by = excluded.issued_by",
                &[&username, &hash, &expires_at, &issued_by],
            )
            .await?;
        Ok(())
    }

    async fn take_reset_code(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool> {
        let n = self
            .pool
            .get()
            .await?
            .execute(
                "DELETE FROM reset_codes WHERE username = $1 AND hash = $2 AND expires_at > $3",
                &[&username, &hash, &now],
            )
            .await?;
        Ok(n == 1)
    }

    async fn reset_code_valid(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool> {
        let n: i64 = self
            .pool
            .get()
            .await?
            .query_one(
                "SELECT count(*) FROM reset_codes WHERE username = $1 AND hash = $2 AND expires_at > $3",
                &[&username, &hash, &now],
            )
            .await?
            .get(0);
        Ok(n == 1)
    }

    async fn note_device(&self, device: &str, username: &str, layanan_version: i64) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO devices (device, username, layanan_version, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (device) DO UPDATE SET username = excluded.username,
                 layanan_version = excluded.layanan_version, seen_at = excluded.seen_at",
                &[&device, &username, &layanan_version, &now_text()],
            )
            .await?;
        Ok(())
    }

    async fn devices(&self) -> StoreResult<Vec<DeviceSeen>> {
        let rows = self
            .pool
            .get()
            .await?
            .query("SELECT device, username, layanan_version, seen_at FROM devices ORDER BY seen_at DESC", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| DeviceSeen { device: r.get(0), username: r.get(1), layanan_version: r.get(2), seen_at: r.get(3) })
            .collect())
    }

    async fn add_login_failure(&self, key: &str, at: i64) -> StoreResult<()> {
        self.pool.get().await?.execute("INSERT INTO login_failures (key, at) VALUES ($1, $2)", &[&key, &at]).await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        self.pool.get().await?.execute("DELETE FROM login_failures WHERE key = $1", &[&key]).await?;
        Ok(())
    }

    async fn pegawai_by_nip(&self, nip: &str) -> StoreResult<Option<PegawaiEntry>> {
        let r =
            self.pool.get().await?.query_opt("SELECT id, nip, nama, unit FROM pegawai WHERE nip = $1", &[&nip]).await?;
        Ok(r.as_ref().map(pegawai_of))
    }

    async fn pegawai_by_nips(&self, nips: Vec<String>) -> StoreResult<Vec<PegawaiEntry>> {
        let rows = self
            .pool
            .get()
            .await?
            .query("SELECT id, nip, nama, unit FROM pegawai WHERE nip = ANY($1)", &[&nips])
            .await?;
        Ok(rows.iter().map(pegawai_of).collect())
    }

    async fn bawahan_of(&self, atasan_nip: &str) -> StoreResult<Vec<PegawaiEntry>> {
        let entity = entity_name(Entity::DataUtama);
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT p.id, p.nip, p.nama, p.unit FROM rows r JOIN pegawai p ON p.id = r.pegawai_id
                 WHERE r.entity = $1 AND (r.state::jsonb -> 'values' ->> 'atasan_nip') = $2 ORDER BY p.nama, p.nip",
                &[&entity, &atasan_nip],
            )
            .await?;
        Ok(rows.iter().map(pegawai_of).collect())
    }

    async fn pegawai_by_id(&self, id: &str) -> StoreResult<Option<PegawaiEntry>> {
        let r =
            self.pool.get().await?.query_opt("SELECT id, nip, nama, unit FROM pegawai WHERE id = $1", &[&id]).await?;
        Ok(r.as_ref().map(pegawai_of))
    }

    async fn list_pegawai(&self, unit: Option<&str>, limit: u32, offset: u32) -> StoreResult<Vec<PegawaiEntry>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT id, nip, nama, unit FROM pegawai WHERE ($1::TEXT IS NULL OR unit = $1) ORDER BY nama, nip LIMIT $2 OFFSET $3",
                &[&unit, &i64::from(limit), &i64::from(offset)],
            )
            .await?;
        Ok(rows.iter().map(pegawai_of).collect())
    }

    async fn rows_of(&self, pegawai_id: &str) -> StoreResult<Vec<StoredRow>> {
        Ok(self.rows_of_many(vec![pegawai_id.to_string()]).await?.remove(pegawai_id).unwrap_or_default())
    }

    async fn rows_of_many(&self, pegawai_ids: Vec<String>) -> StoreResult<HashMap<String, Vec<StoredRow>>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT pegawai_id, entity, row_id, state FROM rows WHERE pegawai_id = ANY($1::text[])
                 ORDER BY pegawai_id, entity, row_id",
                &[&pegawai_ids],
            )
            .await?;
        let mut out: HashMap<String, Vec<StoredRow>> = HashMap::new();
        for r in rows {
            if let Some(e) = entity_from(r.get(1)) {
                out.entry(r.get(0)).or_default().push((e, r.get(2), serde_json::from_str(r.get(3))?));
            }
        }
        Ok(out)
    }

    async fn rows_of_many_in(
        &self,
        pegawai_ids: Vec<String>,
        entities: Vec<Entity>,
    ) -> StoreResult<HashMap<String, Vec<StoredRow>>> {
        let wanted: Vec<String> = entities.into_iter().map(entity_name).collect();
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT pegawai_id, entity, row_id, state FROM rows
                 WHERE pegawai_id = ANY($1::text[]) AND entity = ANY($2::text[])
                 ORDER BY pegawai_id, entity, row_id",
                &[&pegawai_ids, &wanted],
            )
            .await?;
        let mut out: HashMap<String, Vec<StoredRow>> = HashMap::new();
        for r in rows {
            if let Some(e) = entity_from(r.get(1)) {
                out.entry(r.get(0)).or_default().push((e, r.get(2), serde_json::from_str(r.get(3))?));
            }
        }
        Ok(out)
    }

    async fn check_ins_between(
        &self,
        unit: Option<String>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(String, String, RowState)>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT w.pegawai_id, w.row_id, r.state FROM presensi_waktu w
                 JOIN rows r ON r.entity = 'presensi' AND r.row_id = w.row_id
                 JOIN pegawai p ON p.id = w.pegawai_id
                 WHERE w.taken >= $1 AND w.taken < $2 AND ($3::text IS NULL OR p.unit = $3)",
                &[&from, &to, &unit],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push((r.get(0), r.get(1), serde_json::from_str(r.get(2))?));
        }
        Ok(out)
    }

    async fn check_ins_before(&self, before: i64) -> StoreResult<Vec<(String, String, i64)>> {
        let rows = self
            .pool
            .get()
            .await?
            .query("SELECT pegawai_id, row_id, taken FROM presensi_waktu WHERE taken < $1 ORDER BY taken", &[&before])
            .await?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    async fn purge_rows(&self, entity: Entity, rows: Vec<(String, String)>) -> StoreResult<u64> {
        let name = entity_name(entity);
        let (pegawai, row_ids): (Vec<String>, Vec<String>) = rows.into_iter().unzip();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM changes WHERE entity = $1
             AND (pegawai_id, row_id) IN (SELECT * FROM UNNEST($2::text[], $3::text[]))",
            &[&name, &pegawai, &row_ids],
        )
        .await?;
        if entity == Entity::Presensi {
            tx.execute("DELETE FROM presensi_waktu WHERE row_id = ANY($1::text[])", &[&row_ids]).await?;
        }
        let gone =
            tx.execute("DELETE FROM rows WHERE entity = $1 AND row_id = ANY($2::text[])", &[&name, &row_ids]).await?;
        tx.commit().await?;
        Ok(gone)
    }

    async fn keep_rekap_counts(&self, counts: Vec<(String, String, String, String)>) -> StoreResult<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let put = tx
            .prepare(
                "INSERT INTO presensi_jumlah (unit, tanggal, jam, rekap) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        for (unit, tanggal, jam, rekap) in &counts {
            tx.execute(&put, &[unit, tanggal, jam, rekap]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn rekap_counts(&self, tanggal: &str, jam: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT unit, rekap FROM presensi_jumlah WHERE tanggal = $1 AND jam = $2 ORDER BY unit",
                &[&tanggal, &jam],
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn apply(&self, change: Change, author: &str) -> StoreResult<ChangeOutcome> {
        let mut out = self.apply_batch(vec![BatchItem::Apply(change)], author).await?;
        out.pop().ok_or_else(|| StoreError::Task("empty batch".into()))
    }

    async fn apply_batch(&self, items: Vec<BatchItem>, author: &str) -> StoreResult<Vec<ChangeOutcome>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Writers to the change log take turns at its end (`postgres_batch`): sequence order is
        // then commit order, so a pull that has read up to N never misses a change numbered
        // below N committed later. Batches on different records run side by side until then.
        let out = super::postgres_batch::apply_items(&tx, &items, author).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn batch_context(
        &self,
        change_ids: Vec<String>,
        pegawai_ids: Vec<String>,
        rows: Vec<(Entity, String)>,
    ) -> StoreResult<BatchContext> {
        let client = self.pool.get().await?;
        let mut ctx = BatchContext::default();
        for r in client.query("SELECT id, outcome FROM changes WHERE id = ANY($1)", &[&change_ids]).await? {
            ctx.outcomes.insert(r.get(0), serde_json::from_str(r.get(1))?);
        }
        for r in client.query("SELECT id, nip, nama, unit FROM pegawai WHERE id = ANY($1)", &[&pegawai_ids]).await? {
            let e = pegawai_of(&r);
            ctx.pegawai.insert(e.id.clone(), e);
        }
        // By the whole key: the row id alone is not the index's first column, and a probe by
        // it reads the whole index (every row of a million records, at each push).
        let entities: Vec<String> = rows.iter().map(|(e, _)| entity_name(*e)).collect();
        let row_ids: Vec<String> = rows.iter().map(|(_, r)| r.clone()).collect();
        let owners = client
            .query(
                "SELECT entity, row_id, pegawai_id FROM rows
                 WHERE (entity, row_id) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
                &[&entities, &row_ids],
            )
            .await?;
        for r in owners {
            if let Some(e) = entity_from(r.get(0)) {
                ctx.row_owners.insert((e, r.get(1)), r.get(2));
            }
        }
        Ok(ctx)
    }

    async fn changes_after(&self, cursor: i64, limit: u32) -> StoreResult<Vec<LoggedChange>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT c.seq, c.body, p.unit, c.entity, c.pegawai_id FROM changes c
                 LEFT JOIN pegawai p ON p.id = c.pegawai_id
                 WHERE c.seq > $1 AND c.status <> 'refused' ORDER BY c.seq LIMIT $2",
                &[&cursor, &i64::from(limit)],
            )
            .await?;
        Ok(rows.iter().map(logged_change).collect())
    }

    async fn changes_in_scope_after(
        &self,
        cursor: i64,
        limit: u32,
        scope: &PullScope,
    ) -> StoreResult<(Vec<LoggedChange>, i64)> {
        let client = self.pool.get().await?;
        // The head first: every number up to it is committed (the log's lock), so the page
        // read after it, bounded by it, misses nothing below it.
        let head: i64 =
            client.query_one("SELECT COALESCE(max(seq), 0) FROM changes WHERE status <> 'refused'", &[]).await?.get(0);
        let mut ids: Vec<String> = scope.own.iter().cloned().collect();
        if !scope.units.is_empty() {
            for r in client.query("SELECT id FROM pegawai WHERE unit = ANY($1)", &[&scope.units]).await? {
                ids.push(r.get(0));
            }
        }
        if ids.is_empty() {
            return Ok((Vec::new(), head));
        }
        let rows = client
            .query(
                "SELECT c.seq, c.body, p.unit, c.entity, c.pegawai_id FROM changes c
                 LEFT JOIN pegawai p ON p.id = c.pegawai_id
                 WHERE c.pegawai_id = ANY($1) AND c.seq > $2 AND c.seq <= $3 AND c.status <> 'refused'
                 ORDER BY c.seq LIMIT $4",
                &[&ids, &cursor, &head, &i64::from(limit)],
            )
            .await?;
        Ok((rows.iter().map(logged_change).collect(), head))
    }

    async fn add_blob_owner(&self, sha256: &str, username: &str) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO blob_owners (sha256, username) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&sha256, &username],
            )
            .await?;
        Ok(())
    }

    async fn blob_owned_by(&self, sha256: &str, username: &str) -> StoreResult<bool> {
        let r = self
            .pool
            .get()
            .await?
            .query_one("SELECT count(*) FROM blob_owners WHERE sha256 = $1 AND username = $2", &[&sha256, &username])
            .await?;
        Ok(r.get::<_, i64>(0) > 0)
    }

    async fn blob_pegawai(&self, sha256: &str) -> StoreResult<Vec<(String, Option<String>)>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT r.pegawai_id, p.unit, r.state FROM rows r LEFT JOIN pegawai p ON p.id = r.pegawai_id
                 WHERE r.entity = 'dokumen' AND (r.state::jsonb -> 'values' ->> 'sha256') = $1",
                &[&sha256],
            )
            .await?;
        let mut out = vec![];
        for r in rows {
            if serde_json::from_str::<RowState>(r.get(2))?.is_live() {
                out.push((r.get(0), r.get(1)));
            }
        }
        Ok(out)
    }

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        pegawai_id: Option<&str>,
        detail: Option<serde_json::Value>,
        remote: Option<&str>,
    ) -> StoreResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO audit (at, actor, action, pegawai_id, detail, remote) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&now_text(), &actor, &action, &pegawai_id, &detail.map(|d| d.to_string()), &remote],
            )
            .await?;
        Ok(())
    }

    async fn audit_many(
        &self,
        actor: &str,
        action: &str,
        entries: Vec<(String, serde_json::Value)>,
        remote: Option<&str>,
    ) -> StoreResult<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let at = now_text();
        let st = tx
            .prepare(
                "INSERT INTO audit (at, actor, action, pegawai_id, detail, remote) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await?;
        for (pegawai, detail) in entries {
            tx.execute(&st, &[&at, &actor, &action, &pegawai, &detail.to_string(), &remote]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn audit_list(&self, pegawai_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT seq, at, actor, action, pegawai_id, detail, remote FROM audit
                 WHERE ($1::TEXT IS NULL OR pegawai_id = $1) ORDER BY seq DESC LIMIT $2",
                &[&pegawai_id, &i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| AuditRow {
                seq: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                action: r.get(3),
                pegawai_id: r.get(4),
                detail: r.get::<_, Option<String>>(5).and_then(|d| serde_json::from_str(&d).ok()),
                remote: r.get(6),
            })
            .collect())
    }
}
