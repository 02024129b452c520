//! Presence while working from home (product capability 10; the Banten circular
//! 800/734-BKD/2020): work arrangements, check-ins matched to report windows and flagged, and
//! who counts as where in a unit's recap. `rules` holds them as pure functions; `store` keeps
//! check-ins and the work-from-home place on the profile and recaps a unit's window from them;
//! `aktivitas` holds the daily activities the atasan approves or returns.

pub mod aktivitas;
pub mod rekap;
pub mod rules;
mod store;

pub use aktivitas::{Aktivitas, AktivitasBawahan, NewAktivitas, PutusanAktivitas, PutusanDiterima};
pub use rekap::{CekMinimumKantor, CheckIn, PersonRows, PresensiBawahan, Rekap, RekapLine, TempatWfh};
pub use rules::{
    distance_m, judge, keberadaan, Fix, JamKerja, Judged, Keberadaan, MinimumKantor, ModeKerja, Orang, PengaturanKerja,
    Tanda, Tempat, Window, ZonaWaktu,
};
pub use store::NewCheckIn;

#[cfg(test)]
mod tests;
