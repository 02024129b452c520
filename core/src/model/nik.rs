//! NIK: the 16-digit population number from Dukcapil. Region codes, a `ddmmyy` birth date with
//! 40 added to the day for women, and a serial. A NIK is never "corrected" by Dukcapil, so only
//! structure is an error here; doubts about content are warnings elsewhere.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;

use super::Sex;

/// Province codes in use (domain.md).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75,
    76, 81, 82, 91, 92, 93, 94, 95, 96,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: String,
}

/// Facts decoded from a NIK. The birth year is only known modulo 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NikFacts {
    pub province: String,
    pub kabupaten: String,
    pub kecamatan: String,
    pub birth_day: u8,
    pub birth_month: u8,
    pub birth_yy: u8,
    pub sex: Sex,
    pub serial: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("NIK is empty")]
    Empty,
    #[error("NIK has a character that is not a digit at position {position}")]
    NotDigit { position: usize },
    #[error("NIK must have 16 digits, found {found}")]
    Length { found: usize },
    #[error("NIK digits 1-2 must be a province code, {code} is not one")]
    Province { code: String },
    #[error("NIK digits 3-4 must be a kabupaten (01-69) or kota (71-99) code, found {code}")]
    Kabupaten { code: String },
    #[error("NIK digits 5-6 must be a kecamatan code from 01, found {code}")]
    Kecamatan { code: String },
    #[error("NIK digits 7-12 must be a birth date ddmmyy (day + 40 for women), found {digits}")]
    BirthDate { digits: String },
    #[error("NIK digits 13-16 must be a serial from 0001, found 0000")]
    Serial,
}

impl NikError {
    pub fn code(&self) -> &'static str {
        match self {
            NikError::Empty => "nik.empty",
            NikError::NotDigit { .. } => "nik.not_digit",
            NikError::Length { .. } => "nik.length",
            NikError::Province { .. } => "nik.province",
            NikError::Kabupaten { .. } => "nik.kabupaten",
            NikError::Kecamatan { .. } => "nik.kecamatan",
            NikError::BirthDate { .. } => "nik.birth_date",
            NikError::Serial => "nik.serial",
        }
    }
}

impl Nik {
    pub fn parse(input: &str) -> Result<Nik, NikError> {
        let mut digits = String::with_capacity(16);
        for (i, c) in input.chars().enumerate() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_digit() {
                return Err(NikError::NotDigit { position: i + 1 });
            }
            digits.push(c);
        }
        match digits.len() {
            0 => return Err(NikError::Empty),
            16 => {}
            n => return Err(NikError::Length { found: n }),
        }
        decode(&digits)?;
        Ok(Nik { digits })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn facts(&self) -> NikFacts {
        // Parse validated the digits; decode cannot fail here, but stay total.
        decode(&self.digits).unwrap_or_else(|_| NikFacts {
            province: String::new(),
            kabupaten: String::new(),
            kecamatan: String::new(),
            birth_day: 0,
            birth_month: 0,
            birth_yy: 0,
            sex: Sex::M,
            serial: 0,
        })
    }

    /// The six-digit region prefix (province, kabupaten/kota, kecamatan).
    pub fn region_prefix(&self) -> &str {
        &self.digits[0..6]
    }

    /// The most plausible full birth date: the latest century that is not in the future.
    pub fn birth_date_guess(&self, today: NaiveDate) -> Option<NaiveDate> {
        let f = self.facts();
        let yy = i32::from(f.birth_yy);
        let cur = today.year();
        let mut year = cur - cur.rem_euclid(100) + yy;
        if year > cur {
            year -= 100;
        }
        NaiveDate::from_ymd_opt(year, u32::from(f.birth_month), u32::from(f.birth_day))
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

fn decode(d: &str) -> Result<NikFacts, NikError> {
    let prov = num(&d[0..2]) as u8;
    if !PROVINCES.contains(&prov) {
        return Err(NikError::Province { code: d[0..2].to_string() });
    }
    let kab = num(&d[2..4]);
    if kab == 0 || kab == 70 {
        return Err(NikError::Kabupaten { code: d[2..4].to_string() });
    }
    if num(&d[4..6]) == 0 {
        return Err(NikError::Kecamatan { code: d[4..6].to_string() });
    }
    let raw_day = num(&d[6..8]);
    let (day, sex) = match raw_day {
        1..=31 => (raw_day, Sex::M),
        41..=71 => (raw_day - 40, Sex::F),
        _ => return Err(NikError::BirthDate { digits: d[6..12].to_string() }),
    };
    let month = num(&d[8..10]);
    let yy = num(&d[10..12]);
    // 29 February is valid if it exists in either candidate century.
    let exists = [1900 + yy as i32, 2000 + yy as i32].iter().any(|&y| NaiveDate::from_ymd_opt(y, month, day).is_some());
    if !exists {
        return Err(NikError::BirthDate { digits: d[6..12].to_string() });
    }
    let serial = num(&d[12..16]) as u16;
    if serial == 0 {
        return Err(NikError::Serial);
    }
    Ok(NikFacts {
        province: d[0..2].to_string(),
        kabupaten: d[2..4].to_string(),
        kecamatan: d[4..6].to_string(),
        birth_day: day as u8,
        birth_month: month as u8,
        birth_yy: yy as u8,
        sex,
        serial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_region_birth_date_and_sex() {
        let nik = Nik::parse("3273 0112 0385 0004").expect("valid");
        let f = nik.facts();
        assert_eq!((f.province.as_str(), f.kabupaten.as_str(), f.kecamatan.as_str()), ("32", "73", "01"));
        assert_eq!((f.birth_day, f.birth_month, f.birth_yy), (12, 3, 85));
        assert_eq!(f.sex, Sex::M);
        assert_eq!(f.serial, 4);
        let woman = Nik::parse("3273015203850004").expect("valid").facts();
        assert_eq!((woman.birth_day, woman.sex), (12, Sex::F));
    }

    #[test]
    fn century_guess_prefers_the_past() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let nik = Nik::parse("3273011203850004").expect("valid");
        assert_eq!(nik.birth_date_guess(today), NaiveDate::from_ymd_opt(1985, 3, 12));
        let young = Nik::parse("3273011203200004").expect("valid");
        assert_eq!(young.birth_date_guess(today), NaiveDate::from_ymd_opt(2020, 3, 12));
    }

    #[test]
    fn each_wrong_part_is_named() {
        assert_eq!(Nik::parse("327301120385000"), Err(NikError::Length { found: 15 }));
        assert!(matches!(Nik::parse("2073011203850004"), Err(NikError::Province { .. })));
        assert!(matches!(Nik::parse("3270011203850004"), Err(NikError::Kabupaten { .. })));
        assert!(matches!(Nik::parse("3273001203850004"), Err(NikError::Kecamatan { .. })));
        assert!(matches!(Nik::parse("3273013203850004"), Err(NikError::BirthDate { .. })));
        assert!(matches!(Nik::parse("3273011213850004"), Err(NikError::BirthDate { .. })));
        assert_eq!(Nik::parse("3273011203850000"), Err(NikError::Serial));
        assert_eq!(Nik::parse("327301120385000a"), Err(NikError::NotDigit { position: 16 }));
    }

    #[test]
    fn leap_day_needs_a_leap_year_in_some_century() {
        assert!(Nik::parse("3273012902000004").is_ok());
        assert!(Nik::parse("3273012902840004").is_ok());
        assert!(matches!(Nik::parse("3273012902850004"), Err(NikError::BirthDate { .. })));
    }
}
