//! Write pacing within GitHub's content limits (80 content-creating requests a minute, 500 an
//! hour, and "at least one second between" when making many): the first [`BURST`] writes of a
//! run go at once, every later one at least [`SPACING`] after the one before. A run's own rate
//! then stays at 69 a minute at most (10 + 59), and the plan refuses more than [`HOURLY`]
//! writes, so a run alone never reaches either limit.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Writes sent without waiting: a short run is not slowed.
pub const BURST: u32 = 10;
/// The least time between two writes after the burst.
pub const SPACING: Duration = Duration::from_secs(1);
/// GitHub's content-creating requests an hour; a plan needing more is refused before it starts.
pub const HOURLY: usize = 500;

/// When the next write may go, from the writes sent so far (attempts, retries included).
#[derive(Debug, Default)]
pub struct Pacer {
    sent: Cell<u32>,
    last: Cell<Option<Instant>>,
}

impl Pacer {
    /// How long to wait, from `now`, before the next write.
    pub fn wait(&self, now: Instant) -> Duration {
        match self.last.get() {
            Some(last) if self.sent.get() >= BURST => {
                (last + SPACING).saturating_duration_since(now)
            }
            _ => Duration::ZERO,
        }
    }

    /// Records a write sent at `at`.
    pub fn sent(&self, at: Instant) {
        self.sent.set(self.sent.get().saturating_add(1));
        self.last.set(Some(at));
    }
}

/// The least time `n` writes take by the pacing alone (the schedule, without round trips).
pub fn schedule(n: usize) -> Duration {
    SPACING * u32::try_from(n.saturating_sub(BURST as usize)).unwrap_or(u32::MAX)
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
        assert_eq!(schedule(10), Duration::ZERO);
        assert_eq!(schedule(100), Duration::from_secs(90));
        assert_eq!(schedule(500), Duration::from_secs(490));
    }

    #[test]
    fn no_minute_holds_more_than_80_writes() {
        // The schedule's densest minute: the burst plus one a second.
        let starts: Vec<Duration> = (1..=HOURLY).map(schedule).collect();
        let most = starts
            .iter()
            .map(|s| {
                starts
                    .iter()
                    .filter(|t| **t >= *s && **t < *s + Duration::from_secs(60))
                    .count()
            })
            .max()
            .unwrap();
        assert_eq!(most, 69);
    }
}
