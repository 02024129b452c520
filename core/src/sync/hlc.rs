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

/// The largest counter: six digits, so the text form keeps a fixed width. A clock that would
/// count past it within one millisecond moves on to the next millisecond instead.
pub const MAX_COUNTER: u32 = 999_999;

impl fmt::Display for Hlc {
    /// Fixed width, so that text order is time order (SQL columns, logs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:06}", self.wall_ms, self.counter.min(MAX_COUNTER))
    }
}

impl FromStr for Hlc {
    type Err = String;
    fn from_str(s: &str) -> Result<Hlc, String> {
        let (w, c) = s.split_once('-').ok_or_else(|| format!("HLC must be WALL-COUNTER, got {s:?}"))?;
        let counter: u32 = c.parse().map_err(|_| format!("HLC counter is not a number: {c:?}"))?;
        if counter > MAX_COUNTER || w.len() > 15 {
            return Err(format!("HLC {s:?} is wider than WALL(15)-COUNTER(6)"));
        }
        Ok(Hlc { wall_ms: w.parse().map_err(|_| format!("HLC wall clock is not a number: {w:?}"))?, counter })
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
        } else if self.last.counter >= MAX_COUNTER {
            Hlc { wall_ms: self.last.wall_ms + 1, counter: 0 }
        } else {
            Hlc { wall_ms: self.last.wall_ms, counter: self.last.counter + 1 }
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
    fn a_full_counter_moves_to_the_next_millisecond() {
        let mut c = HlcClock::new(Hlc { wall_ms: 1000, counter: MAX_COUNTER - 1 });
        let a = c.tick(900);
        let b = c.tick(900);
        assert_eq!((a, b), (Hlc { wall_ms: 1000, counter: MAX_COUNTER }, Hlc { wall_ms: 1001, counter: 0 }));
        assert!(a.to_string() < b.to_string(), "{a} {b}");
        let wide = |s: &str| s.parse::<Hlc>().is_err_and(|e| e.contains("wider than"));
        assert!(wide("000000000001000-1000000"), "a seven-digit counter is refused");
        assert!(wide("0000000000010000-000001"), "a sixteen-digit wall is refused");
    }

    proptest::proptest! {
        /// Whatever mix of ticks (the wall clock going back and forth) and observed stamps,
        /// every stamp's text sorts as the stamp does, and each tick is later than the last.
        #[test]
        fn text_order_is_clock_order(ops in proptest::collection::vec((0u8..3, 0u64..3000, 0u32..=MAX_COUNTER), 1..400)) {
            let mut c = HlcClock::default();
            let mut seen: Vec<Hlc> = Vec::new();
            for (op, wall, counter) in ops {
                let before = c.last();
                match op {
                    0 | 1 => {
                        let h = c.tick(wall);
                        proptest::prop_assert!(h > before);
                        seen.push(h);
                    }
                    _ => c.observe(Hlc { wall_ms: wall, counter }),
                }
            }
            for w in seen.windows(2) {
                proptest::prop_assert!(w[0] < w[1]);
                proptest::prop_assert!(w[0].to_string() < w[1].to_string(), "{} {}", w[0], w[1]);
                proptest::prop_assert_eq!(w[1].to_string().parse::<Hlc>(), Ok(w[1]));
            }
        }
    }

    #[test]
    fn text_form_sorts_like_the_clock() {
        let a = Hlc { wall_ms: 999, counter: 12 };
        let b = Hlc { wall_ms: 1000, counter: 1 };
        assert!(a.to_string() < b.to_string());
        assert_eq!(a.to_string().parse::<Hlc>(), Ok(a));
        assert!("12".parse::<Hlc>().is_err_and(|e| e.contains("WALL-COUNTER")));
        assert!("x-1".parse::<Hlc>().is_err_and(|e| e.contains("wall clock is not a number")));
    }
}
