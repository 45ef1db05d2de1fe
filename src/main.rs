//! Entry point: `--help`/`--version`, then [`private_registries::run`], with any error turned
//! into `::error` annotations and an exit status (1 failed, 2 invalid input).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use private_registries::inputs::{Env, InputError};
use private_registries::outputs;

fn main() -> ExitCode {
    // A bug must still fail the step visibly, also with `panic = "abort"` (the hook runs before
    // the abort): an `::error` annotation naming the place, then Rust's usual report on stderr.
    // No secret can be in the message: `Secret` prints `***` and secrets are never formatted.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        outputs::error(&format!(
            "internal error{place}; this is a bug, please report it (nothing after this point was done)"
        ));
        report(info);
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help") => {
            outputs::print_line(private_registries::HELP);
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            outputs::print_line(concat!("private-registries ", env!("CARGO_PKG_VERSION")));
            return ExitCode::SUCCESS;
        }
        Some(_) => {
            outputs::error(
                "unexpected argument; inputs are INPUT_* environment variables (see --help)",
            );
            return ExitCode::from(2);
        }
    }
    match private_registries::run(&Env::from_process()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast_ref::<InputError>() {
            Some(InputError(problems)) => {
                for problem in problems {
                    outputs::error(problem);
                }
                outputs::error(&format!(
                    "{} invalid input(s); nothing was sent to GitHub",
                    problems.len()
                ));
                ExitCode::from(2)
            }
            None => {
                outputs::error(&format!("{err:#}"));
                ExitCode::FAILURE
            }
        },
    }
}
