//! The front ends: each turns what the user gave into one validated
//! [`Request`](crate::core::Request), reporting every problem at once before any request.
//! `action` reads a GitHub Actions step's `INPUT_*` variables, `cli` reads arguments; both
//! share the environment snapshot, the manifest reader (with `dependabot` for dependabot.yml
//! and `secrets` for `${{ secrets.NAME }}`), and the input rules in `shared`.

pub(crate) mod action;
mod audience;
pub(crate) mod cli;
mod dependabot;
mod depth;
pub mod env;
mod files;
mod manifest;
mod mask;
mod secrets;
mod shared;
