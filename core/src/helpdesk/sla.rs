//! The 2x24 hour promise of the BKN helpdesk, computed from a ticket's steps alone: the clock
//! runs while the ticket is new or being handled, pauses while the helpdesk waits for the
//! requester, and stops when it is resolved or closed. A reply of the requester reopens it.
//! Pure functions of the steps and "now", so the device, the hub and a test all get the same
//! answer.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// What the helpdesk promises: an answer and a resolution within 2x24 hours of clock time.
pub const SLA: Duration = Duration::hours(48);

/// One step as the clock reads it.
#[derive(Debug, Clone)]
pub struct ClockStep {
    /// When the step happened: the hub's time of arrival, or the device's while unsent.
    pub at: DateTime<Utc>,
    /// Written by the helpdesk (not the requester).
    pub helpdesk: bool,
    /// The step answers in words (a message, not only a status).
    pub answers: bool,
    /// The status the step sets, if it sets one.
    pub status: Option<String>,
}

/// A ticket's clock now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sla {
    /// The status after the last step.
    pub status: String,
    /// Clock time used so far, in minutes (pauses not counted).
    pub used_minutes: i64,
    /// Clock time left of the 2x24 h, in minutes; negative once overdue.
    pub left_minutes: i64,
    /// When the 2x24 h run out if the clock keeps running (RFC 3339); none while paused or
    /// resolved.
    pub due_at: Option<String>,
    /// Waiting for the requester: the clock stands still.
    pub paused: bool,
    /// Open and past the 2x24 h: escalated to the BKD and marked in every list.
    pub overdue: bool,
    /// Clock minutes until the helpdesk's first answer in words.
    pub first_answer_minutes: Option<i64>,
    /// Clock minutes until it was resolved or closed (the last time, if reopened since).
    pub resolved_minutes: Option<i64>,
}

fn running(status: &str) -> bool {
    matches!(status, "BARU" | "DIPROSES")
}

/// Whether a status ends the ticket's clock.
pub fn is_resolved(status: &str) -> bool {
    matches!(status, "SELESAI" | "DITUTUP")
}

/// The clock of a ticket whose steps are `steps` (any order), read at `now`.
pub fn clock(steps: &[ClockStep], now: DateTime<Utc>) -> Sla {
    let mut steps: Vec<&ClockStep> = steps.iter().collect();
    steps.sort_by_key(|s| s.at);
    let mut status = "BARU".to_string();
    let mut used = Duration::zero();
    let mut last = steps.first().map(|s| s.at);
    let mut first_answer = None;
    let mut resolved = None;
    for s in &steps {
        if let Some(prev) = last {
            if running(&status) && s.at > prev {
                used += s.at - prev;
            }
        }
        last = Some(s.at);
        if s.helpdesk && s.answers && first_answer.is_none() {
            first_answer = Some(used);
        }
        if let Some(next) = &s.status {
            status = next.clone();
        }
        resolved = is_resolved(&status).then_some(used);
    }
    if let Some(prev) = last {
        if running(&status) && now > prev {
            used += now - prev;
        }
    }
    let left = SLA - used;
    let open = !is_resolved(&status);
    Sla {
        paused: status == "MENUNGGU_PEMOHON",
        due_at: (running(&status) && !steps.is_empty()).then(|| (now + left).to_rfc3339()),
        overdue: open && left < Duration::zero(),
        used_minutes: used.num_minutes(),
        left_minutes: left.num_minutes(),
        first_answer_minutes: first_answer.map(|d| d.num_minutes()),
        resolved_minutes: resolved.map(|d| d.num_minutes()),
        status,
    }
}

/// The nearest-rank percentile `p` (0-100) of `values`, none of an empty list.
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (u64::from(p.min(100)) * v.len() as u64).div_ceil(100).max(1) as usize;
    v.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default() + Duration::hours(h)
    }

    fn step(h: i64, helpdesk: bool, status: Option<&str>) -> ClockStep {
        ClockStep { at: at(h), helpdesk, answers: helpdesk, status: status.map(str::to_string) }
    }

    #[test]
    fn the_clock_runs_pauses_while_waiting_and_stops_when_resolved() {
        // Opened at 0, asked for a document at 10 (first answer), the requester replied at 40
        // (30 paused hours), resolved at 50.
        let steps = [
            step(0, false, Some("BARU")),
            step(10, true, Some("MENUNGGU_PEMOHON")),
            ClockStep { answers: true, ..step(40, false, Some("DIPROSES")) },
            step(50, true, Some("SELESAI")),
        ];
        let waiting = clock(&steps[..2], at(39));
        assert!(waiting.paused && !waiting.overdue && waiting.due_at.is_none());
        assert_eq!(waiting.used_minutes, 10 * 60, "the paused hours are not counted");
        let done = clock(&steps, at(200));
        assert_eq!(done.used_minutes, 20 * 60);
        assert_eq!(done.first_answer_minutes, Some(10 * 60));
        assert_eq!(done.resolved_minutes, Some(20 * 60));
        assert!(!done.overdue, "resolved within 2x24 h of clock time although 50 h passed");
    }

    #[test]
    fn an_unanswered_ticket_is_overdue_after_48_hours_and_a_reply_reopens_a_resolved_one() {
        let open = clock(&[step(0, false, Some("BARU"))], at(49));
        assert!(open.overdue && open.left_minutes == -60);
        let fresh = clock(&[step(0, false, Some("BARU"))], at(47));
        assert!(!fresh.overdue);
        assert_eq!(fresh.due_at, Some(at(48).to_rfc3339()));
        let reopened = clock(
            &[step(0, false, Some("BARU")), step(1, true, Some("SELESAI")), step(5, false, Some("DIPROSES"))],
            at(6),
        );
        assert_eq!(reopened.status, "DIPROSES");
        assert_eq!(reopened.resolved_minutes, None);
        assert_eq!(reopened.used_minutes, 2 * 60, "one hour before resolving, one since the reply");
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[4, 1, 3, 2], 50), Some(2));
        assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 90), Some(9));
        assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 91), Some(10));
    }
}
