//! Entry point: picks the front end (the Action inside a workflow step, the command line
//! otherwise), runs it, and exits with its status. A bug still fails visibly.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use private_registries::app;
use private_registries::front::env::Env;
use private_registries::{Cancel, cancel};

fn main() -> ExitCode {
    let env = Env::from_process();
    install_panic_report(env.in_actions());
    let cancel = on_signals();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let action = args.len() <= 1 && (env.in_actions() || env.has("INPUT_OPERATION"));
    let status = if action {
        app::run_action(&env, &cancel)
    } else {
        app::run_cli(args, &env, &cancel)
    };
    ExitCode::from(status)
}

/// SIGINT and SIGTERM cancel the run instead of killing it: no new write starts, and the
/// report says what was and was not applied (see `watch`). Should registering fail, the
/// signals keep their default (the process ends at once) and the run goes on.
fn on_signals() -> Cancel {
    let cancel = Cancel::default();
    for (signal, number) in [
        (signal_hook::consts::SIGINT, cancel::SIGINT),
        (signal_hook::consts::SIGTERM, cancel::SIGTERM),
    ] {
        let _ = signal_hook::flag::register_usize(signal, cancel.flag(), number);
    }
    cancel
}

/// A bug must still fail the step visibly, also with `panic = "abort"` (the hook runs before
/// the abort): an error naming the place, then Rust's usual report on stderr. No secret can be
/// in the message: `Secret` prints `***` and secrets are never formatted.
fn install_panic_report(in_actions: bool) {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = format!(
            "internal error{place}; this is a bug, please report it (nothing after this point was done)"
        );
        if in_actions {
            println!("::error title=private-registries::{message}");
        } else {
            eprintln!("error: {message}");
        }
        report(info);
    }));
}
