//! The integration tests, one binary: each file of `tests/` is a module here, so the test
//! kit (`support`) is compiled once, the crate is linked once instead of once per file, and
//! every test shares one pool of threads (see `.cargo/config.toml`). Each drives the real
//! binary, or the library, against local servers. Off Unix (the macOS and Windows CI jobs)
//! only the scenario table of both front ends is built: the others use signals, FIFOs,
//! pseudo-terminals and Unix permissions.

mod support;

#[cfg(unix)]
mod app;
#[cfg(unix)]
mod bounded;
#[cfg(unix)]
mod cancel;
#[cfg(unix)]
mod cli;
#[cfg(unix)]
mod completions;
#[cfg(unix)]
mod discover;
mod front_ends;
#[cfg(unix)]
mod hostile;
#[cfg(unix)]
mod operations;
#[cfg(unix)]
mod readme;
#[cfg(unix)]
mod readme_commands;
#[cfg(unix)]
mod registries_as_code;
#[cfg(unix)]
mod reliability;
mod shape;
#[cfg(unix)]
mod summaries;
#[cfg(unix)]
mod support_selftest;
#[cfg(unix)]
mod sync;
