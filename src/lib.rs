//! Manages a GitHub organization's private registry configurations: the library behind the
//! `private-registries` command-line tool and GitHub Action. See ARCHITECTURE.md for the map:
//! front ends (`front`) → `core` → `client` → `model`; `report` renders the core's answers;
//! `app` runs them in order; `watch` reports a run cut short by a signal.
#![forbid(unsafe_code)]

pub mod app;
mod client;
mod core;
pub mod front;
mod model;

pub use model::{Cancel, cancel};
mod report;
mod watch;
