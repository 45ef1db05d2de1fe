//! The reporter of a cancelled run: once SIGINT or SIGTERM arrives, the run starts no new
//! write, and this thread makes sure a report is written even if the request in flight does
//! not come back: after [`GRACE`] it writes the outputs and the summary from the journal (that
//! request's outcome unknown, every write not reached not sent) and exits 128 + the signal.
//! Before any write began (a read, a prompt), it reports and exits at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::client::Revoker;
use crate::core::Answer;
use crate::core::journal::Journal;
use crate::model::{Cancel, Error};
use crate::report::{Sink, fail, render};

/// How long a request in flight may take to come back once the run is cancelled (a container
/// is killed about 10 s after SIGTERM).
pub const GRACE: Duration = Duration::from_secs(5);

/// Who writes the report: the run when it ends, or this reporter; whoever takes it first.
#[derive(Debug, Clone, Default)]
pub struct Claim(Arc<AtomicBool>);

impl Claim {
    /// `true` for the first caller only.
    pub fn take(&self) -> bool {
        !self.0.swap(true, Ordering::SeqCst)
    }

    fn taken(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Starts the reporter for one run; on a signal it revokes the App token in use (if any)
/// before it reports.
pub fn spawn(cancel: Cancel, journal: Journal, sink: Sink, (claim, revoker): (Claim, Revoker)) {
    std::thread::spawn(move || {
        while cancel.signal().is_none() {
            std::thread::sleep(Duration::from_millis(50));
        }
        let deadline = Instant::now() + GRACE;
        while journal.begun() && Instant::now() < deadline {
            if claim.taken() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if claim.take() {
            revoker.revoke_now();
            let status = report(&cancel, &journal, &sink);
            std::process::exit(i32::from(status));
        }
    });
}

/// The outputs, the summary and the error of a run cut short; returns the exit status.
fn report(cancel: &Cancel, journal: &Journal, sink: &Sink) -> u8 {
    let signal = cancel.signal().unwrap_or("a signal");
    let status = cancel.exit_code().unwrap_or(130);
    let changes = journal.cancelled(signal);
    let message = match &changes {
        Some(_) => format!(
            "cancelled ({signal}) while a request was out: the run stopped after {} s without its answer; the changes output and the step summary say what was applied, what was not sent, and which one is unknown",
            GRACE.as_secs()
        ),
        None => format!("cancelled ({signal}) before anything was written"),
    };
    let answer = changes.map(Answer::Changed);
    let outputs = render::render(answer.as_ref(), true, sink.shows_table());
    // Best effort: the process ends next, and the error below says what happened anyway.
    let _ = sink.finish(&outputs);
    fail(sink, &Error::Cancelled { status, message }, true)
}
