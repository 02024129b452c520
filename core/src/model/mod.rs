//! The personnel model: identifiers (`Nip`, `Nik`, `Phone`, `Email`), field values, and the
//! entity definitions (data utama and every riwayat group) that the store, the SIASN exchange,
//! completeness and later sync and forms all read from one place.

mod consistency;
mod contact;
pub mod entity;
mod nik;
mod nip;
mod validate;
mod value;

pub use consistency::{check_nip_nik, ConsistencyWarning};
pub use contact::{Email, EmailError, Phone, PhoneError};
pub use entity::{DocRequirement, Entity, EntityDef, FieldDef, FieldKind, Owner, RowOrder};
pub use nik::{Nik, NikError, NikFacts};
pub use nip::{Nip, NipError, NipFacts, NipKind, NipWarning};
pub use validate::{accept_value, normalize, parse_date, ppnpn_nik, FieldError, PPNPN_PREFIX};
pub use value::{field_int, field_text, FieldMap, Value};

use serde::{Deserialize, Serialize};
use std::fmt;

/// Jenis kelamin, as SIASN codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    M,
    F,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::M => "M",
            Sex::F => "F",
        })
    }
}

/// A year with an optional month (PPPK numbers carry only the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: Option<u8>,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            Some(m) => write!(f, "{:04}-{:02}", self.year, m),
            None => write!(f, "{:04}", self.year),
        }
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Wraps personal data so that `Debug` and `Display` never print it (logs, panics, errors).
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted<T>(pub T);

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A calendar date.
pub type Date = chrono::NaiveDate;

/// Today in the device's time zone (birthdays and TMT are local dates).
pub fn today() -> Date {
    chrono::Local::now().date_naive()
}
