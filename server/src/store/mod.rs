//! Server storage behind one trait, so SQLite (embedded, the default) and PostgreSQL serve the
//! same API and run the same test suite. Implementations only move data; authorization and
//! validation happen before, and the merge is core's.

mod postgres;
mod postgres_batch;
pub mod schema;
mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use async_trait::async_trait;
use berkas_core::authz::Role;
use berkas_core::model::Entity;
use berkas_core::sync::{Change, ChangeOutcome, MergeOutcome, OutcomeStatus, RowState};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON is damaged: {0}")]
    Json(#[from] serde_json::Error),
    #[error("postgres: {0}")]
    Postgres(String),
    #[error("storage task failed: {0}")]
    Task(String),
    /// A write met one that committed after the batch was judged (two batches giving one NIP
    /// to two records at the same instant): judged again, the batch is refused by name.
    #[error("a concurrent write got there first: {0}")]
    Conflict(&'static str),
    /// Opened by an older build than the one that last wrote it; nothing was changed.
    #[error(
        "the hub's database has schema version {found}, but this berkas-server knows versions up to {known}: \
         it was written by a newer release; run that release or a later one (nothing was changed)"
    )]
    NewerSchema { found: i64, known: i64 },
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One stored row: its entity, id and merged state.
pub type StoredRow = (Entity, String, RowState);

/// Storage timestamps: UTC, milliseconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A merged change is applied unless a field lost or a delete did not take.
pub(crate) fn merged_status(change: &Change, merged: &MergeOutcome) -> OutcomeStatus {
    if merged.superseded.is_empty() && (!change.delete || merged.deleted) {
        OutcomeStatus::Applied
    } else {
        OutcomeStatus::Superseded
    }
}

/// The log's `status` of a merged change.
pub(crate) fn status_text(status: OutcomeStatus) -> &'static str {
    if status == OutcomeStatus::Applied {
        "applied"
    } else {
        "superseded"
    }
}

/// The hub's answer for a change it merged and logged as `seq`.
pub(crate) fn merged_outcome(change: &Change, merged: MergeOutcome, seq: i64) -> ChangeOutcome {
    ChangeOutcome {
        id: change.id.clone(),
        status: merged_status(change, &merged),
        seq: Some(seq),
        superseded: merged.superseded,
        code: None,
        message: None,
    }
}

/// An entity's name as stored (its serde name, e.g. `riwayat_golongan`).
pub(crate) fn entity_name(e: Entity) -> String {
    e.key().to_string()
}

pub(crate) fn entity_from(name: &str) -> Option<Entity> {
    Entity::from_key(name)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub pegawai_id: Option<String>,
    pub units: Vec<String>,
    pub disabled: bool,
    /// Changes whenever what this account may see changes (role, units, a mutasi in or out
    /// of its units); devices holding another version must purge and pull again.
    pub scope_version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// SHA-256 of the token; the token itself is never stored.
    pub hash: String,
    pub username: String,
    pub kind: TokenKind,
    pub expires_at: i64,
    pub revoked: bool,
    /// Refresh tokens rotate within a family; reuse of a rotated one revokes the family.
    pub family: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

/// The searchable facts of a pegawai, kept from their data utama row.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PegawaiEntry {
    pub id: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
}

/// One change of a pushed batch, judged.
#[derive(Debug, Clone)]
pub enum BatchItem {
    Apply(Change),
    Refuse(Change, ChangeOutcome),
}

#[derive(Debug, Clone, Default)]
pub struct BatchContext {
    pub outcomes: std::collections::HashMap<String, ChangeOutcome>,
    pub pegawai: std::collections::HashMap<String, PegawaiEntry>,
    pub row_owners: std::collections::HashMap<(Entity, String), String>,
}

/// The records a pull looks at: the caller's own and those in its units (what a role whose
/// read is not instansi-wide may see at most; the caller's rights are still judged per change).
#[derive(Debug, Clone, Default)]
pub struct PullScope {
    pub own: Option<String>,
    pub units: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LoggedChange {
    pub seq: i64,
    pub entity: Entity,
    pub pegawai: String,
    /// The change as stored: JSON of a `Change`, passed on to pulls without a round trip
    /// through the types.
    pub body: String,
    /// The unit the change's pegawai is in now (visibility is judged on the current unit).
    pub unit: Option<String>,
}

/// A document the hub signed: its register entry, looked up by the code the document shows.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SignatureRecord {
    pub code: String,
    pub kind: String,
    pub title: String,
    pub sha256: String,
    pub issued: String,
    pub key_id: String,
    /// The account that asked for it (kept for the audit, not shown to whoever checks).
    #[serde(skip)]
    pub signed_by: String,
    /// Hex of the Ed25519 signature over the statement.
    pub signature: String,
}

/// A device the hub has seen ask for the layanan catalogue, and the version it held then.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DeviceSeen {
    pub device: String,
    pub username: String,
    pub layanan_version: i64,
    pub seen_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub pegawai_id: Option<String>,
    pub detail: Option<serde_json::Value>,
    pub remote: Option<String>,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    async fn user(&self, username: &str) -> StoreResult<Option<User>>;
    async fn upsert_user(&self, user: &User) -> StoreResult<()>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// The account an ASN signs in with, by their record (by index, not a scan of every account).
    async fn user_of_pegawai(&self, pegawai_id: &str) -> StoreResult<Option<User>>;
    /// A pegawai moved between units: the facilitators of those units see a different set.
    async fn bump_scope_of_units(&self, units: &[String]) -> StoreResult<()>;

    async fn insert_token(&self, token: &Token) -> StoreResult<()>;
    async fn token(&self, hash: &str) -> StoreResult<Option<Token>>;
    async fn revoke_token(&self, hash: &str) -> StoreResult<()>;
    async fn revoke_family(&self, family: &str) -> StoreResult<()>;
    async fn revoke_user_tokens(&self, username: &str) -> StoreResult<()>;
    /// The refresh token (hash) that replaced a rotated one.
    async fn successor(&self, hash: &str) -> StoreResult<Option<String>>;
    async fn set_successor(&self, hash: &str, successor: &str) -> StoreResult<()>;

    /// Hub-wide settings (the layanan catalogue in force ...).
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    /// Stores `value` unless the setting exists; the value in force either way (two hub
    /// processes making the signing key at once keep one).
    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String>;

    /// Records a signature unless its code is taken; the record stored under the code either
    /// way (a retried request gets the first answer, another document under the code is told).
    async fn insert_signature(&self, record: &SignatureRecord) -> StoreResult<SignatureRecord>;
    async fn signature(&self, code: &str) -> StoreResult<Option<SignatureRecord>>;

    /// Keeps a one-time reset code's hash for an account, replacing any earlier one.
    async fn put_reset_code(&self, username: &str, hash: &str, expires_at: i64, issued_by: &str) -> StoreResult<()>;
    /// Uses up the account's reset code if it is `hash` and not expired at `now`: true once.
    async fn take_reset_code(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool>;
    /// Whether the account holds this unexpired code (a sign-in with it is told to choose a
    /// password; nothing is used up).
    async fn reset_code_valid(&self, username: &str, hash: &str, now: i64) -> StoreResult<bool>;

    /// A device asked for the catalogue holding `layanan_version`.
    async fn note_device(&self, device: &str, username: &str, layanan_version: i64) -> StoreResult<()>;
    /// Every device seen, last seen first.
    async fn devices(&self) -> StoreResult<Vec<DeviceSeen>>;

    async fn login_failures_since(&self, key: &str, since: i64) -> StoreResult<u32>;
    async fn add_login_failure(&self, key: &str, at: i64) -> StoreResult<()>;
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    async fn pegawai_by_nip(&self, nip: &str) -> StoreResult<Option<PegawaiEntry>>;
    /// The records holding any of `nips` (one round trip for a pushed batch).
    async fn pegawai_by_nips(&self, nips: Vec<String>) -> StoreResult<Vec<PegawaiEntry>>;
    async fn pegawai_by_id(&self, id: &str) -> StoreResult<Option<PegawaiEntry>>;
    /// The records whose data utama names `atasan_nip` as their atasan langsung (a scan of the
    /// data utama rows: an instansi's, not a province's, until the relation is indexed).
    async fn bawahan_of(&self, atasan_nip: &str) -> StoreResult<Vec<PegawaiEntry>>;
    async fn list_pegawai(&self, unit: Option<&str>, limit: u32, offset: u32) -> StoreResult<Vec<PegawaiEntry>>;
    /// Every row of a pegawai with its merged state.
    async fn rows_of(&self, pegawai_id: &str) -> StoreResult<Vec<StoredRow>>;
    /// The rows of many records in one call (a batch of the SIASN import), by pegawai id; a
    /// record with no rows is absent.
    async fn rows_of_many(&self, pegawai_ids: Vec<String>) -> StoreResult<HashMap<String, Vec<StoredRow>>>;

    /// The rows of many records of the given entities only, by pegawai id (a recap reads the
    /// data utama, place and leave, not every check-in ever made).
    async fn rows_of_many_in(
        &self,
        pegawai_ids: Vec<String>,
        entities: Vec<Entity>,
    ) -> StoreResult<HashMap<String, Vec<StoredRow>>>;
    /// The check-ins taken in `[from, to)` (Unix seconds), of `unit` or of every unit:
    /// `(pegawai id, row id, state)`, deleted ones too.
    async fn check_ins_between(
        &self,
        unit: Option<String>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(String, String, RowState)>>;
    /// The check-ins taken before `before` (Unix seconds): `(pegawai id, row id, taken)`.
    async fn check_ins_before(&self, before: i64) -> StoreResult<Vec<(String, String, i64)>>;
    /// Deletes rows of `entity`, given as `(pegawai id, row id)`, and every logged change to them
    /// (and their place in the check-in times), atomically: what the retention period ends
    /// (presence fixes). The log is searched by record (its index), not read whole. How many
    /// rows went.
    async fn purge_rows(&self, entity: Entity, rows: Vec<(String, String)>) -> StoreResult<u64>;
    /// Keeps recap counts `(unit, tanggal, jam, rekap JSON)`; counts kept before stay as they were.
    async fn keep_rekap_counts(&self, counts: Vec<(String, String, String, String)>) -> StoreResult<()>;
    /// The kept counts of a day's report time: `(unit, rekap JSON)` by unit.
    async fn rekap_counts(&self, tanggal: &str, jam: &str) -> StoreResult<Vec<(String, String)>>;

    /// Merges an allowed, valid change into its row and appends it to the log, atomically.
    async fn apply(&self, change: Change, author: &str) -> StoreResult<ChangeOutcome>;
    /// A whole pushed batch in one transaction: accepted changes merged and logged, refused
    /// ones logged; outcomes in order.
    async fn apply_batch(&self, items: Vec<BatchItem>, author: &str) -> StoreResult<Vec<ChangeOutcome>>;
    /// What judging a batch needs, in one round trip: outcomes of change ids seen before, the
    /// pegawai entries, and the owners of existing rows.
    async fn batch_context(
        &self,
        change_ids: Vec<String>,
        pegawai_ids: Vec<String>,
        rows: Vec<(Entity, String)>,
    ) -> StoreResult<BatchContext>;
    /// Applied and superseded changes after `cursor`, oldest first.
    async fn changes_after(&self, cursor: i64, limit: u32) -> StoreResult<Vec<LoggedChange>>;
    /// The changes after `cursor` of the records in `scope`, oldest first, read by index
    /// instead of through the whole log; and the log's head when they were read. Every change
    /// numbered up to the head is committed, so a caller that got fewer than `limit` may move
    /// its cursor to the head without skipping one.
    async fn changes_in_scope_after(
        &self,
        cursor: i64,
        limit: u32,
        scope: &PullScope,
    ) -> StoreResult<(Vec<LoggedChange>, i64)>;

    /// Who has proven they hold a blob (uploaded its bytes).
    async fn add_blob_owner(&self, sha256: &str, username: &str) -> StoreResult<()>;
    async fn blob_owned_by(&self, sha256: &str, username: &str) -> StoreResult<bool>;
    /// The pegawai (id, unit) whose live document rows name this blob: whoever may read their
    /// documents may read the bytes.
    async fn blob_pegawai(&self, sha256: &str) -> StoreResult<Vec<(String, Option<String>)>>;

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        pegawai_id: Option<&str>,
        detail: Option<serde_json::Value>,
        remote: Option<&str>,
    ) -> StoreResult<()>;
    /// Several audit entries of one action in one write (one per record a push touched).
    async fn audit_many(
        &self,
        actor: &str,
        action: &str,
        entries: Vec<(String, serde_json::Value)>,
        remote: Option<&str>,
    ) -> StoreResult<()>;
    async fn audit_list(&self, pegawai_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditRow>>;
}
