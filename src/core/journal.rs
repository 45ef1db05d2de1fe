//! What a writing run has done so far, shared with the thread that reports a cancelled run
//! when its request in flight does not come back in time: every step's change as it stands,
//! and which one is on the wire.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::Changes;
use super::change::Outcome;
use crate::model::Cancel;

#[derive(Debug, Clone, Default)]
pub struct Journal(Arc<Mutex<Record>>);

#[derive(Debug, Default)]
struct Record {
    /// Set when applying begins: until then nothing has been written.
    changes: Option<Changes>,
    in_flight: Option<usize>,
}

impl Journal {
    fn lock(&self) -> MutexGuard<'_, Record> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applying begins with these planned changes.
    pub fn begin(&self, changes: Changes) {
        self.lock().changes = Some(changes);
    }

    /// Whether step `i` may go on the wire: not once the run is cancelled. Checked and
    /// recorded at once, so a reporter never misses a write that started.
    pub fn send(&self, i: usize, cancel: &Cancel) -> bool {
        let mut r = self.lock();
        if cancel.signal().is_some() {
            return false;
        }
        r.in_flight = Some(i);
        true
    }

    /// Step `i` ended as `change` says.
    pub fn done(&self, i: usize, change: &super::change::Change) {
        let mut r = self.lock();
        r.in_flight = None;
        if let Some(slot) = r.changes.as_mut().and_then(|c| c.changes.get_mut(i)) {
            *slot = change.clone();
        }
    }

    pub fn begun(&self) -> bool {
        self.lock().changes.is_some()
    }

    /// The run as it stands, for a report made while a request is still out: that step's
    /// outcome is unknown, and every step not reached was not sent.
    pub fn cancelled(&self, signal: &str) -> Option<Changes> {
        let r = self.lock();
        let mut changes = r.changes.clone()?;
        for (i, c) in changes.changes.iter_mut().enumerate() {
            if Some(i) == r.in_flight {
                c.outcome = Outcome::Unknown;
                c.error = Some(format!(
                    "sent, but its answer had not come when the run was cancelled ({signal}); run `private-registries list` to see whether it was applied"
                ));
            } else if c.outcome == Outcome::Planned && c.writes() {
                c.outcome = Outcome::NotSent;
                c.error = Some(format!("the run was cancelled ({signal}) before its turn"));
            }
        }
        changes.result = "cancelled";
        Some(changes)
    }
}
