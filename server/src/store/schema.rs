//! The hub's schema version. Each backend keeps its numbered steps (the same tables in two SQL
//! dialects); opening a store brings it up to `LATEST` one step at a time, each step in one
//! transaction with its new number, under a lock so that two hub processes starting together
//! take turns. A store written by a newer build is refused before anything in it is touched:
//! a hub rolled back to an older release must not misread or damage what the newer one wrote.

use super::{StoreError, StoreResult};

/// The schema this build writes. Step 1 is the first numbered one: a store from before the
/// numbering holds exactly its tables (each made `IF NOT EXISTS`), so it is stamped 1 as it is.
pub const LATEST: i64 = 1;

/// The steps still to run on a store at `found`, or the refusal of a store from a newer build.
pub(crate) fn steps_after(found: i64, steps: &'static [&'static str]) -> StoreResult<&'static [&'static str]> {
    debug_assert_eq!(steps.len() as i64, LATEST);
    match usize::try_from(found) {
        Ok(done) if done <= steps.len() => Ok(&steps[done..]),
        _ => Err(StoreError::NewerSchema { found, known: LATEST }),
    }
}
