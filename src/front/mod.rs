//! The front ends: each turns what the user gave into one validated
//! [`Request`](crate::core::Request), reporting every problem at once before any request.
//! `action` reads a GitHub Actions step's `INPUT_*` variables, `cli` reads arguments; both
//! share the environment snapshot, the manifest reader (with `dependabot` for dependabot.yml
//! and `secrets` for `${{ secrets.NAME }}`), and the input rules in `shared`.

pub mod action;
pub mod audience;
pub mod cli;
pub mod dependabot;
pub mod depth;
pub mod env;
pub mod files;
pub mod manifest;
pub mod mask;
pub mod secrets;
pub mod shared;
