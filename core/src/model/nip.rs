//! NIP: the civil-servant number. PNS and PPPK numbers are 18 digits with a birth date, an
//! appointment date or year, a sex digit and a sequence; the old 9-digit `nipLama` carries none
//! of that. Parsing never panics; every error names the part that is wrong.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;

use super::{Sex, YearMonth};

/// What kind of number a valid NIP is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NipKind {
    /// Pegawai Negeri Sipil: digits 9-14 are the TMT CPNS `yyyymm`.
    Pns,
    /// PPPK: digits 9-12 are the year of first appointment, 13-14 a code (not a month).
    Pppk,
    /// The old 9-digit NIP of older PNS.
    NipLama,
}

/// A structurally valid NIP. `Display` gives the 18 (or 9) digits without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip {
    digits: String,
    kind: NipKind,
}

/// Facts decoded from an 18-digit NIP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NipFacts {
    pub birth_date: NaiveDate,
    /// PNS: TMT CPNS month. PPPK: only the year is known (month is `None`).
    pub tmt: YearMonth,
    /// PPPK only: digits 13-14 (seen: 21, 24 for paruh waktu).
    pub pppk_code: Option<u8>,
    pub sex: Sex,
    pub sequence: u16,
}

/// Which part of a NIP is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("NIP is empty")]
    Empty,
    #[error("NIP has a character that is not a digit at position {position}")]
    NotDigit { position: usize },
    #[error("NIP must have 18 digits (or 9 for an old NIP), found {found}")]
    Length { found: usize },
    #[error("NIP digits 1-8 must be a real birth date yyyymmdd, found {digits}")]
    BirthDate { digits: String },
    #[error("NIP digits 13-14 must be the TMT CPNS month 01-12 (or a PPPK code above 12), found {digits}")]
    TmtMonth { digits: String },
    #[error("NIP digits 9-12 must be the year of appointment, found {digits}")]
    TmtYear { digits: String },
    #[error("NIP digit 15 must be the sex, 1 (male) or 2 (female), found {digit}")]
    Sex { digit: char },
    #[error("NIP digits 16-18 must be a sequence from 001, found 000")]
    Sequence,
}

impl NipError {
    /// Stable machine code for UIs and FFI.
    pub fn code(&self) -> &'static str {
        match self {
            NipError::Empty => "nip.empty",
            NipError::NotDigit { .. } => "nip.not_digit",
            NipError::Length { .. } => "nip.length",
            NipError::BirthDate { .. } => "nip.birth_date",
            NipError::TmtMonth { .. } => "nip.tmt_month",
            NipError::TmtYear { .. } => "nip.tmt_year",
            NipError::Sex { .. } => "nip.sex",
            NipError::Sequence => "nip.sequence",
        }
    }
}

/// Soft findings on a valid NIP: shown to the facilitator, never a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NipWarning {
    /// TMT before the 18th birthday.
    TmtBeforeAdulthood { birth_date: NaiveDate, tmt: YearMonth },
}

impl fmt::Display for NipWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NipWarning::TmtBeforeAdulthood { .. } => {
                write!(f, "TMT in the NIP is before the holder's 18th birthday")
            }
        }
    }
}

impl Nip {
    /// Parses a NIP; spaces (as in the printed form `19850312 201001 1 002`) are ignored.
    pub fn parse(input: &str) -> Result<Nip, NipError> {
        let mut digits = String::with_capacity(18);
        for (i, c) in input.chars().enumerate() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_digit() {
                return Err(NipError::NotDigit { position: i + 1 });
            }
            digits.push(c);
        }
        match digits.len() {
            0 => Err(NipError::Empty),
            9 => Ok(Nip { digits, kind: NipKind::NipLama }),
            18 => {
                let kind = decode(&digits)?.0;
                Ok(Nip { digits, kind })
            }
            n => Err(NipError::Length { found: n }),
        }
    }

    pub fn kind(&self) -> NipKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Decoded facts; `None` for an old 9-digit NIP.
    pub fn facts(&self) -> Option<NipFacts> {
        match self.kind {
            NipKind::NipLama => None,
            _ => decode(&self.digits).ok().map(|(_, f)| f),
        }
    }

    pub fn warnings(&self) -> Vec<NipWarning> {
        let Some(f) = self.facts() else {
            return Vec::new();
        };
        let adult = f.birth_date.with_year(f.birth_date.year() + 18).unwrap_or(f.birth_date);
        let adult_ym = YearMonth { year: adult.year(), month: Some(adult.month() as u8) };
        let tmt_cmp = YearMonth { year: f.tmt.year, month: Some(f.tmt.month.unwrap_or(12)) };
        if tmt_cmp < adult_ym {
            vec![NipWarning::TmtBeforeAdulthood { birth_date: f.birth_date, tmt: f.tmt }]
        } else {
            Vec::new()
        }
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// Decodes 18 ASCII digits.
fn decode(d: &str) -> Result<(NipKind, NipFacts), NipError> {
    let birth_date = NaiveDate::from_ymd_opt(num(&d[0..4]) as i32, num(&d[4..6]), num(&d[6..8]))
        .filter(|b| b.year() >= 1900)
        .ok_or_else(|| NipError::BirthDate { digits: d[0..8].to_string() })?;
    let year = num(&d[8..12]) as i32;
    if year < 1900 {
        return Err(NipError::TmtYear { digits: d[8..12].to_string() });
    }
    let mm = num(&d[12..14]) as u8;
    let (kind, tmt, pppk_code) = match mm {
        0 => return Err(NipError::TmtMonth { digits: d[12..14].to_string() }),
        1..=12 => (NipKind::Pns, YearMonth { year, month: Some(mm) }, None),
        _ => (NipKind::Pppk, YearMonth { year, month: None }, Some(mm)),
    };
    let sex = match d.as_bytes()[14] {
        b'1' => Sex::M,
        b'2' => Sex::F,
        other => return Err(NipError::Sex { digit: other as char }),
    };
    let sequence = num(&d[15..18]) as u16;
    if sequence == 0 {
        return Err(NipError::Sequence);
    }
    Ok((kind, NipFacts { birth_date, tmt, pppk_code, sex, sequence }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_pns_nip_in_printed_form() {
        let nip = Nip::parse("19850312 201001 1 002").expect("valid");
        assert_eq!(nip.kind(), NipKind::Pns);
        assert_eq!(nip.as_str(), "198503122010011002");
        let f = nip.facts().expect("facts");
        assert_eq!(f.birth_date, NaiveDate::from_ymd_opt(1985, 3, 12).expect("date"));
        assert_eq!(f.tmt, YearMonth { year: 2010, month: Some(1) });
        assert_eq!(f.sex, Sex::M);
        assert_eq!(f.sequence, 2);
    }

    #[test]
    fn decodes_a_womans_nip() {
        let f = Nip::parse("199001152015032001").expect("valid").facts().expect("facts");
        assert_eq!(f.sex, Sex::F);
        assert_eq!(f.tmt, YearMonth { year: 2015, month: Some(3) });
    }

    #[test]
    fn month_above_twelve_is_pppk() {
        let nip = Nip::parse("199204112021212003").expect("valid");
        assert_eq!(nip.kind(), NipKind::Pppk);
        let f = nip.facts().expect("facts");
        assert_eq!(f.tmt, YearMonth { year: 2021, month: None });
        assert_eq!(f.pppk_code, Some(21));
        assert_eq!(f.sex, Sex::F);
    }

    #[test]
    fn nine_digits_are_an_old_nip() {
        let nip = Nip::parse("010203045").expect("valid");
        assert_eq!(nip.kind(), NipKind::NipLama);
        assert!(nip.facts().is_none());
    }

    #[test]
    fn each_wrong_part_is_named() {
        assert_eq!(Nip::parse("19850312201001100"), Err(NipError::Length { found: 17 }));
        assert_eq!(Nip::parse("1985031220100110x2"), Err(NipError::NotDigit { position: 17 }));
        assert!(matches!(Nip::parse("198502302010011002"), Err(NipError::BirthDate { .. })));
        assert!(matches!(Nip::parse("198503122010001002"), Err(NipError::TmtMonth { .. })));
        assert_eq!(Nip::parse("198503122010013002"), Err(NipError::Sex { digit: '3' }));
        assert_eq!(Nip::parse("198503122010011000"), Err(NipError::Sequence));
        assert_eq!(Nip::parse("   "), Err(NipError::Empty));
    }

    #[test]
    fn leap_day_birth_dates() {
        assert!(Nip::parse("200002292020011001").is_ok());
        assert!(matches!(Nip::parse("190002292020011001"), Err(NipError::BirthDate { .. })));
    }

    #[test]
    fn tmt_before_eighteen_is_a_warning_not_an_error() {
        let nip = Nip::parse("200005012010011001").expect("valid");
        assert_eq!(nip.warnings().len(), 1);
        assert!(Nip::parse("198503122010011002").expect("valid").warnings().is_empty());
    }
}
