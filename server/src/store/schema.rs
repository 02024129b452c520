//! The hub's schema version. Each backend keeps its numbered steps (the same tables in two SQL
//! dialects); opening a store brings it up to `LATEST` one step at a time, each step in one
//! transaction with its new number, under a lock so that two hub processes starting together
//! take turns. A store written by a newer build is refused before anything in it is touched:
//! a hub rolled back to an older release must not misread or damage what the newer one wrote.

use super::{StoreError, StoreResult};

/// The schema this build writes. Step 1 is the first numbered one: a store from before the
/// numbering holds exactly its tables (each made `IF NOT EXISTS`), so it is stamped 1 as it is.
/// Step 2: the register of signed documents. Step 3: one-time password reset codes and the
/// devices the hub has seen (which catalogue version each runs). Step 4: accounts found by their
/// pegawai (the helpdesk's account recovery; a province holds a million accounts). Step 5: the
/// counts of presence recaps whose fixes were purged after the retention period. Step 6: the
/// change log by record, so an ASN's or a unit's pull reads its own changes instead of the log.
pub const LATEST: i64 = 6;

/// Step 2: the register of the documents the hub signed. Plain SQL both backends read alike.
pub(crate) const STEP_2: &str = r#"
CREATE TABLE IF NOT EXISTS signatures (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    issued TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    signature TEXT NOT NULL
);
"#;

/// Step 3: a reset code is kept as its SHA-256 only, one per account (a new one replaces the
/// last); a device is known by the id it sends when it asks for the catalogue.
pub(crate) const STEP_3: &str = r#"
CREATE TABLE IF NOT EXISTS reset_codes (
    username TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    device TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    layanan_version BIGINT NOT NULL,
    seen_at TEXT NOT NULL
);
"#;

/// Step 4: an ASN's account by its record.
pub(crate) const STEP_4: &str = r#"
CREATE INDEX IF NOT EXISTS users_pegawai ON users(pegawai_id);
"#;

/// Step 5: a recap's counts without its lines, per unit, day and report time, kept when the
/// day's fixes are purged (`presensi_retensi`); and when each check-in was taken (Unix seconds,
/// the satellites' time else the device's), so a recap reads one day's fixes and the purge the
/// old ones by index instead of every check-in of every record. Filled for the check-ins a store
/// already holds by `fill_check_in_times` in the same transaction.
pub(crate) const STEP_5: &str = r#"
CREATE TABLE IF NOT EXISTS presensi_jumlah (
    unit TEXT NOT NULL,
    tanggal TEXT NOT NULL,
    jam TEXT NOT NULL,
    rekap TEXT NOT NULL,
    PRIMARY KEY (tanggal, jam, unit)
);
CREATE TABLE IF NOT EXISTS presensi_waktu (
    row_id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL,
    taken BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS presensi_waktu_taken ON presensi_waktu(taken);
"#;

/// Step 6: the change log by record and number (a scoped pull's index).
pub(crate) const STEP_6: &str = r#"
CREATE INDEX IF NOT EXISTS changes_pegawai ON changes(pegawai_id, seq);
"#;

/// The step after which the check-in times are filled from the rows already held.
pub(crate) const CHECK_IN_TIMES_STEP: i64 = 5;

/// When a check-in row was taken, as the index keeps it; `None` for a row without a time.
pub(crate) fn taken_second(state: &berkas_core::sync::RowState) -> Option<i64> {
    berkas_core::presensi::rekap::taken_of(&state.values).map(|t| t.timestamp())
}

/// The steps still to run on a store at `found`, or the refusal of a store from a newer build.
pub(crate) fn steps_after(found: i64, steps: &'static [&'static str]) -> StoreResult<&'static [&'static str]> {
    debug_assert_eq!(steps.len() as i64, LATEST);
    match usize::try_from(found) {
        Ok(done) if done <= steps.len() => Ok(&steps[done..]),
        _ => Err(StoreError::NewerSchema { found, known: LATEST }),
    }
}
