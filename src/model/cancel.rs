//! A run's cancellation: set when the process gets SIGINT or SIGTERM (registered in `main`),
//! read before every write and during every wait, so a cancelled run starts nothing new.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The signal that cancelled the run, if one did; cheap to clone and share across threads.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicUsize>);

/// SIGINT and SIGTERM, by their Linux numbers (the ones `signal-hook` registers).
pub const SIGINT: usize = 2;
pub const SIGTERM: usize = 15;

impl Cancel {
    /// What the signal handler stores the signal's number in.
    pub fn flag(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.0)
    }

    /// Marks the run cancelled by `signal` (what the handler does; tests call it directly).
    pub fn set(&self, signal: usize) {
        self.0.store(signal, Ordering::SeqCst);
    }

    /// The signal's name once one arrived.
    pub fn signal(&self) -> Option<&'static str> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            SIGINT => Some("SIGINT"),
            SIGTERM => Some("SIGTERM"),
            _ => Some("a signal"),
        }
    }

    /// The exit status of a cancelled run: 128 + the signal, as a shell reports it.
    pub fn exit_code(&self) -> Option<u8> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            n => Some(u8::try_from(128 + n).unwrap_or(130)),
        }
    }

    /// Sleeps for `d`, waking early when the run is cancelled; `true` when it was.
    pub fn sleep(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        loop {
            if self.signal().is_some() {
                return true;
            }
            let now = Instant::now();
            if now >= until {
                return false;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(50)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_run_wakes_from_its_wait_and_names_the_signal() {
        let c = Cancel::default();
        assert_eq!((c.signal(), c.exit_code()), (None, None));
        assert!(!c.sleep(Duration::from_millis(10)));
        let other = c.clone();
        let started = Instant::now();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            other.set(SIGTERM);
        });
        assert!(c.sleep(Duration::from_secs(30)));
        assert!(started.elapsed() < Duration::from_secs(5));
        t.join().unwrap();
        assert_eq!((c.signal(), c.exit_code()), (Some("SIGTERM"), Some(143)));
    }
}
