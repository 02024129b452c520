//! NIP <-> NIK consistency. Dukcapil never changes a NIK, even with a wrong birth date, so a
//! mismatch is a warning routed to the facilitator, never a block.

use chrono::Datelike;
use serde::Serialize;
use std::fmt;

use super::{Nik, Nip, Sex};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ConsistencyWarning {
    /// Birth day, month or two-digit year differ.
    BirthDateMismatch {
        nip: String,
        nik: String,
    },
    SexMismatch {
        nip: Sex,
        nik: Sex,
    },
}

impl fmt::Display for ConsistencyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsistencyWarning::BirthDateMismatch { nip, nik } => {
                write!(f, "birth date differs: NIP says {nip}, NIK says {nik}")
            }
            ConsistencyWarning::SexMismatch { nip, nik } => {
                write!(f, "sex differs: NIP says {nip}, NIK says {nik}")
            }
        }
    }
}

/// Compares the birth date and sex encoded in both numbers. An old 9-digit NIP has nothing to
/// compare and yields no warning.
pub fn check_nip_nik(nip: &Nip, nik: &Nik) -> Vec<ConsistencyWarning> {
    let Some(n) = nip.facts() else {
        return Vec::new();
    };
    let k = nik.facts();
    let mut out = Vec::new();
    let b = n.birth_date;
    if (b.day() as u8, b.month() as u8, (b.year() % 100) as u8) != (k.birth_day, k.birth_month, k.birth_yy) {
        out.push(ConsistencyWarning::BirthDateMismatch {
            nip: b.format("%d-%m-%Y").to_string(),
            nik: format!("{:02}-{:02}-..{:02}", k.birth_day, k.birth_month, k.birth_yy),
        });
    }
    if n.sex != k.sex {
        out.push(ConsistencyWarning::SexMismatch { nip: n.sex, nik: k.sex });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nip(s: &str) -> Nip {
        Nip::parse(s).expect("valid nip")
    }
    fn nik(s: &str) -> Nik {
        Nik::parse(s).expect("valid nik")
    }

    #[test]
    fn matching_numbers_give_no_warning() {
        assert!(check_nip_nik(&nip("198503122010011002"), &nik("3273011203850004")).is_empty());
        assert!(check_nip_nik(&nip("199001152015032001"), &nik("3273015501900002")).is_empty());
    }

    #[test]
    fn mismatches_are_warnings() {
        let w = check_nip_nik(&nip("198503122010011002"), &nik("3273015203850004"));
        assert_eq!(w, vec![ConsistencyWarning::SexMismatch { nip: Sex::M, nik: Sex::F }]);
        let w = check_nip_nik(&nip("198503122010011002"), &nik("3273011303850004"));
        assert!(matches!(w.as_slice(), [ConsistencyWarning::BirthDateMismatch { .. }]));
    }
}
