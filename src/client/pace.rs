//! Write pacing within GitHub's content limits (80 content-creating requests a minute, 500 an
//! hour, and "at least one second between" when making many): the first [`BURST`] writes of a
//! run go at once, every later one at least [`SPACING`] after the one before, and no minute
//! holds more than [`PER_MINUTE`] of the run's writes (10 under GitHub's 80, for retries and
//! other work on the same token). The plan refuses more than [`HOURLY`] writes, so a run alone
//! never reaches either limit.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Writes sent without waiting: a run of up to 20 changes is not slowed.
pub const BURST: u32 = 20;
/// The least time between two writes after the burst.
pub const SPACING: Duration = Duration::from_secs(1);
/// The most writes in any [`WINDOW`].
pub const PER_MINUTE: usize = 70;
/// The window [`PER_MINUTE`] counts in.
pub const WINDOW: Duration = Duration::from_secs(60);
/// GitHub's content-creating requests an hour; a plan needing more is refused before it starts.
pub const HOURLY: usize = 500;

/// When the next write may go, from the writes sent so far (attempts, retries included).
#[derive(Debug, Default)]
pub struct Pacer {
    /// When the last [`PER_MINUTE`] writes were sent, oldest first; and how many in all.
    recent: RefCell<(VecDeque<Instant>, u32)>,
}

impl Pacer {
    /// How long to wait, from `now`, before the next write.
    pub fn wait(&self, now: Instant) -> Duration {
        let (recent, sent) = &*self.recent.borrow();
        let spaced = match recent.back() {
            Some(last) if *sent >= BURST => *last + SPACING,
            _ => now,
        };
        let windowed = match recent.front() {
            Some(oldest) if recent.len() >= PER_MINUTE => *oldest + WINDOW,
            _ => now,
        };
        spaced.max(windowed).saturating_duration_since(now)
    }

    /// Records a write sent at `at`.
    pub fn sent(&self, at: Instant) {
        let (recent, sent) = &mut *self.recent.borrow_mut();
        if recent.len() >= PER_MINUTE {
            recent.pop_front();
        }
        recent.push_back(at);
        *sent = sent.saturating_add(1);
    }
}

/// When each of `n` writes may start by the pacing alone (without round trips), from the
/// first: the same rules as [`Pacer`].
fn starts(n: usize) -> Vec<Duration> {
    let mut at: Vec<Duration> = Vec::with_capacity(n);
    for i in 0..n {
        let mut t = Duration::ZERO;
        if i >= BURST as usize {
            t = t.max(at[i - 1] + SPACING);
        }
        if i >= PER_MINUTE {
            t = t.max(at[i - PER_MINUTE] + WINDOW);
        }
        at.push(t);
    }
    at
}

/// The least time `n` writes take by the pacing alone (the schedule, without round trips).
pub fn schedule(n: usize) -> Duration {
    starts(n).last().copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_goes_at_once_and_then_one_a_second() {
        let p = Pacer::default();
        let t0 = Instant::now();
        for _ in 0..BURST {
            assert_eq!(p.wait(t0), Duration::ZERO);
            p.sent(t0);
        }
        assert_eq!(p.wait(t0), SPACING);
        assert_eq!(
            p.wait(t0 + Duration::from_millis(400)),
            Duration::from_millis(600)
        );
        assert_eq!(p.wait(t0 + Duration::from_secs(2)), Duration::ZERO);
        assert_eq!(schedule(20), Duration::ZERO);
        assert_eq!(schedule(21), SPACING);
        // 20 at once, 50 one a second, then the window: the 71st waits for the burst's minute.
        assert_eq!(schedule(70), Duration::from_secs(50));
        assert_eq!(schedule(71), Duration::from_secs(60));
        assert_eq!(schedule(100), Duration::from_secs(89));
    }

    #[test]
    fn the_pacer_keeps_the_window_too() {
        let p = Pacer::default();
        let t0 = Instant::now();
        // The writes of the schedule, each sent when the pacer allows.
        for (i, at) in starts(71).iter().enumerate() {
            assert_eq!(p.wait(t0 + *at), Duration::ZERO, "write {i}");
            if i > 0 && *at > Duration::ZERO {
                let early = t0 + *at - Duration::from_millis(1);
                assert!(p.wait(early) > Duration::ZERO, "write {i} could go early");
            }
            p.sent(t0 + *at);
        }
    }

    #[test]
    fn no_minute_holds_more_than_70_writes() {
        let at = starts(HOURLY);
        let most = at
            .iter()
            .map(|s| at.iter().filter(|t| **t >= *s && **t < *s + WINDOW).count())
            .max()
            .unwrap();
        assert_eq!(most, PER_MINUTE);
        assert!(schedule(HOURLY) < Duration::from_secs(3600));
    }
}
