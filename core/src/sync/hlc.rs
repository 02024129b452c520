//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that stamps from one device
//! always increase even if its clock steps back, and a device that has seen a later stamp
//! never issues an earlier one. Ties between devices break on the device id.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl fmt::Display for Hlc {
    /// Fixed width, so that text order is time order (SQL columns, logs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:06}", self.wall_ms, self.counter)
    }
}

impl FromStr for Hlc {
    type Err = String;
    fn from_str(s: &str) -> Result<Hlc, String> {
        let (w, c) = s.split_once('-').ok_or_else(|| format!("HLC must be WALL-COUNTER, got {s:?}"))?;
        Ok(Hlc {
            wall_ms: w.parse().map_err(|_| format!("HLC wall clock is not a number: {w:?}"))?,
            counter: c.parse().map_err(|_| format!("HLC counter is not a number: {c:?}"))?,
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hlc, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The clock of one device (or the server).
#[derive(Debug, Clone, Default)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn new(last: Hlc) -> HlcClock {
        HlcClock { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A new stamp, later than every stamp issued or observed.
    pub fn tick(&mut self, wall_ms: u64) -> Hlc {
        self.last = if wall_ms > self.last.wall_ms {
            Hlc { wall_ms, counter: 0 }
        } else {
            Hlc { wall_ms: self.last.wall_ms, counter: self.last.counter.saturating_add(1) }
        };
        self.last
    }

    /// Takes a stamp seen from elsewhere into account.
    pub fn observe(&mut self, seen: Hlc) {
        if seen > self.last {
            self.last = seen;
        }
    }

    pub fn now_ms() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }
}

/// The last-writer-wins key of a field: the clock, then the device id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_never_go_back() {
        let mut c = HlcClock::default();
        let a = c.tick(1000);
        let b = c.tick(900); // the wall clock stepped back
        let d = c.tick(1000);
        assert!(a < b && b < d);
        c.observe(Hlc { wall_ms: 5000, counter: 7 });
        assert!(c.tick(1001) > Hlc { wall_ms: 5000, counter: 7 });
    }

    #[test]
    fn text_form_sorts_like_the_clock() {
        let a = Hlc { wall_ms: 999, counter: 12 };
        let b = Hlc { wall_ms: 1000, counter: 1 };
        assert!(a.to_string() < b.to_string());
        assert_eq!(a.to_string().parse::<Hlc>(), Ok(a));
        assert!("12".parse::<Hlc>().is_err());
        assert!("x-1".parse::<Hlc>().is_err());
    }
}
