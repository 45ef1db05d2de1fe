//! The order of a run, for either front end: mask, validate, run the core, render, show, and
//! the exit status. The only module that sees every layer; it decides nothing itself.

use std::rc::Rc;

use crate::core::{self, Confirm, Hooks, Request};
use crate::front::cli::{self, Prepared};
use crate::front::{action, env::Env};
use crate::model::{Error, Event, Notify};
use crate::report::{Sink, render};

/// Exit status: the operation did everything asked.
pub const EXIT_OK: u8 = 0;

/// A GitHub Actions step: `INPUT_*` → request → core → outputs.
pub fn run_action(env: &Env) -> u8 {
    let sink = action::sink(env);
    sink.mask(&action::values_to_mask(env));
    match action::request(env) {
        Ok(request) => execute(&request, &sink),
        Err(e) => fail(&sink, &e, false),
    }
}

/// The command line: arguments → request → core → table or JSON.
pub fn run_cli(args: Vec<std::ffi::OsString>, env: &Env) -> u8 {
    match cli::prepare(args, env) {
        Prepared::Done(status) => status,
        Prepared::Invalid(sink, e) => fail(&sink, &e, false),
        Prepared::Run(run) => execute_with(&run.request, &run.sink, run.confirm, &run.advice),
    }
}

/// Runs a validated request and shows the report on `sink`; returns the exit status.
///
/// Outputs and the summary are written even when the operation fails part-way, so a failure
/// still says what was and was not applied.
pub fn execute(request: &Request, sink: &Sink) -> u8 {
    execute_with(
        request,
        sink,
        Rc::new(|_: &[String]| Ok(())),
        &|_: &Error| None,
    )
}

/// [`execute`], with who confirms a prune's deletes, and advice to add to an error.
pub fn execute_with(
    request: &Request,
    sink: &Sink,
    confirm: Confirm,
    advice: &dyn Fn(&Error) -> Option<String>,
) -> u8 {
    let events = sink.clone();
    let notify: Notify = Rc::new(move |event: Event| events.event(&event));
    let run = core::run(request, &Hooks { notify, confirm });
    let outputs = render::render(run.answer.as_ref(), run.error.is_some(), sink.shows_table());
    let written = sink.finish(&outputs);
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

/// Says the error (each invalid input on its own line) and returns its exit status.
pub fn fail(sink: &Sink, error: &Error, requests_sent: bool) -> u8 {
    match error {
        Error::Invalid(problems) => {
            for problem in problems {
                sink.event(&Event::Error(problem.clone()));
            }
            let sent = if requests_sent {
                "nothing was written"
            } else {
                "nothing was sent to GitHub"
            };
            sink.event(&Event::Error(format!(
                "{} invalid input(s); {sent}",
                problems.len()
            )));
        }
        Error::Failed(e) => sink.event(&Event::Error(format!("{e:#}"))),
    }
    error.exit_code()
}
