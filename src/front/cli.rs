//! The command-line front end (in progress).

use super::env::Env;

pub fn run(_args: Vec<std::ffi::OsString>, _env: &Env) -> u8 {
    2
}
