//! The order of a run, for either front end: mask, validate, run the core, render, show, and
//! the exit status. The only module that sees every layer; it decides nothing itself.

use std::rc::Rc;

use crate::client::Revoker;
use crate::core::journal::Journal;
use crate::core::{self, Confirm, Hooks, OrgRun, Request, Run};
use crate::front::cli::{self, Prepared};
use crate::front::{action, env::Env};
use crate::model::{Cancel, Error, Event, Notify};
use crate::report::{Sink, fail, render};
use crate::watch::{self, Claim};

/// Exit status: the operation did everything asked.
pub const EXIT_OK: u8 = 0;

/// A GitHub Actions step: `INPUT_*` → request → core → outputs.
pub fn run_action(env: &Env, cancel: &Cancel) -> u8 {
    let sink = action::sink(env);
    let request = until_signalled(cancel, &sink, || {
        sink.mask(&action::values_to_mask(env));
        action::request(env)
    });
    match request {
        Ok(request) => execute(&request, &sink, cancel),
        Err(e) => fail(&sink, &e, false),
    }
}

/// Runs `validate` (reading files, parsing a manifest) so that SIGINT or SIGTERM ends the
/// process at once, whatever the parse is doing: the reporter says it was cancelled before
/// anything was sent and exits 128 + the signal.
fn until_signalled<T>(cancel: &Cancel, sink: &Sink, validate: impl FnOnce() -> T) -> T {
    let claim = Claim::default();
    watch::spawn(
        cancel.clone(),
        Journal::default(),
        sink.clone(),
        (claim.clone(), Revoker::default()),
    );
    let validated = validate();
    if !claim.take() {
        // The reporter is saying the run was cancelled, and ends the process.
        loop {
            std::thread::park();
        }
    }
    validated
}

/// The command line: arguments → request → core → table or JSON.
pub fn run_cli(args: Vec<std::ffi::OsString>, env: &Env, cancel: &Cancel) -> u8 {
    let sink = cli::early_sink(env);
    match until_signalled(cancel, &sink, || cli::prepare(args, env)) {
        Prepared::Done(status) => status,
        Prepared::Invalid(sink, e) => fail(&sink, &e, false),
        Prepared::Run(run) => {
            let hooks = (run.confirm, cancel.clone());
            execute_with(&run.request, &run.sink, hooks, &run.advice)
        }
    }
}

/// Runs a validated request and shows the report on `sink`; returns the exit status.
///
/// Outputs and the summary are written even when the operation fails part-way, so a failure
/// still says what was and was not applied.
pub fn execute(request: &Request, sink: &Sink, cancel: &Cancel) -> u8 {
    let confirm: Confirm = Rc::new(|_: &core::PruneQuestion| Ok(()));
    execute_with(request, sink, (confirm, cancel.clone()), &|_: &Error| None)
}

/// [`execute`], with who confirms a prune's deletes, and advice to add to an error.
pub fn execute_with(
    request: &Request,
    sink: &Sink,
    (confirm, cancel): (Confirm, Cancel),
    advice: &dyn Fn(&Error) -> Option<String>,
) -> u8 {
    let events = sink.clone();
    let notify: Notify = Rc::new(move |event: Event| events.event(&event));
    let journal = Journal::default();
    let claim = Claim::default();
    let revoker = Revoker::default();
    watch::spawn(
        cancel.clone(),
        journal.clone(),
        sink.clone(),
        (claim.clone(), revoker.clone()),
    );
    let hooks = Hooks {
        notify,
        confirm,
        cancel,
        journal,
        revoker,
    };
    if !request.unresolved_secrets.is_empty() {
        sink.event(&Event::Notice(format!(
            "a dry run without the value of {}: planned as rotations all the same (the apply needs them); see output unresolved_secrets",
            request.unresolved_secrets.join(", ")
        )));
    }
    let mut runs = core::run(request, &hooks);
    if !claim.take() {
        // The reporter of a cancelled run is writing the report, and ends the process.
        loop {
            std::thread::park();
        }
    }
    if runs.len() == 1
        && let Some(OrgRun { run: Some(run), .. }) = runs.pop()
    {
        return report_one(run, sink, advice, &request.unresolved_secrets);
    }
    report_many(&runs, sink, &request.unresolved_secrets)
}

/// One org: its outputs and summary, its error and exit status.
fn report_one(
    run: Run,
    sink: &Sink,
    advice: &dyn Fn(&Error) -> Option<String>,
    unresolved: &[String],
) -> u8 {
    let mut outputs = render::render(run.answer.as_ref(), run.error.is_some(), sink.shows_table());
    if let (Some(e), true) = (&run.error, outputs.summary.is_empty()) {
        // A failure before there was anything to report still says what failed.
        outputs.summary(&render::failure_summary(e));
    }
    if !unresolved.is_empty() {
        outputs.json("unresolved_secrets", &unresolved);
    }
    let written = sink.finish(&outputs);
    // The process ends after this report: its memory (a row per configuration and change,
    // ~4 % of a 2,000-entry plan's instructions to free one allocation at a time) is left to
    // the OS. Nothing secret is in it; the request, which holds the secrets, is dropped (and
    // zeroized) as usual.
    std::mem::forget(outputs);
    std::mem::forget(run.answer);
    match (run.error, written) {
        (Some(e), _) => {
            let status = fail(sink, &e, true);
            if let Some(advice) = advice(&e) {
                sink.event(&Event::Notice(advice));
            }
            status
        }
        (None, Err(e)) => fail(sink, &Error::Failed(e), true),
        (None, Ok(())) => EXIT_OK,
    }
}

/// Several orgs: the `orgs` output and a summary section each; every org's error said with its
/// name; the exit status of the worst (a failure before a cancellation before a drift).
fn report_many(runs: &[OrgRun], sink: &Sink, unresolved: &[String]) -> u8 {
    let mut outputs = crate::report::orgs::render_orgs(runs, sink.shows_table());
    if !unresolved.is_empty() {
        outputs.json("unresolved_secrets", &unresolved);
    }
    let written = sink.finish(&outputs);
    let mut statuses = Vec::new();
    for r in runs {
        if let Some(Run { error: Some(e), .. }) = &r.run {
            sink.event(&Event::Error(format!("org {}: {e}", r.org)));
            statuses.push(e.exit_code());
        }
    }
    if let Err(e) = written {
        return fail(sink, &Error::Failed(e), true);
    }
    let rank = |s: &u8| match s {
        1 => 0,
        2 => 1,
        3 => 3,
        _ => 2,
    };
    statuses.into_iter().min_by_key(rank).unwrap_or(EXIT_OK)
}
