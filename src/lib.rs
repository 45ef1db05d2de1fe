//! Manages a GitHub organization's private registry configurations: the library behind the
//! `private-registries` binary and GitHub Action. See ARCHITECTURE.md for the map.
#![forbid(unsafe_code)]

pub mod crypto;
pub mod github;
pub mod inputs;
pub mod manifest;
pub mod ops;
pub mod outputs;
pub mod registry;
pub mod retry;
pub mod types;

use anyhow::Result;

use crate::inputs::{Env, Inputs};
use crate::outputs::Reporter;

/// Runs one step: mask, validate every input, perform the operation, write outputs.
///
/// Outputs and the summary are written even when the operation fails part-way, so a failure
/// still says what was and was not applied.
pub fn run(env: &Env) -> Result<()> {
    outputs::mask(&inputs::values_to_mask(env));
    let inputs = Inputs::parse(env)?;
    let mut report = Reporter::new(inputs.output_file.clone(), inputs.summary_file.clone());
    let result = ops::run(&inputs, &mut report);
    if result.is_err() {
        report.text("result", "failed");
    }
    let written = report.finish();
    result.and(written)
}

/// The text of `--help`.
pub const HELP: &str = concat!(
    "private-registries ",
    env!("CARGO_PKG_VERSION"),
    "\n",
    "Manage a GitHub organization's private registry configurations (Dependabot, code scanning).\n",
    "\n",
    "USAGE:\n",
    "    INPUT_TOKEN=... INPUT_ORG=my-org INPUT_OPERATION=list private-registries\n",
    "\n",
    "Inputs are environment variables INPUT_<NAME>, as in a GitHub Actions step:\n",
    "    INPUT_OPERATION   list, get, public-key, create, update, set (default), delete, sync\n",
    "    INPUT_TOKEN       admin:org PAT, or app / fine-grained token (required)\n",
    "    INPUT_ORG         organization login (required)\n",
    "    INPUT_API_URL     REST API base (default $GITHUB_API_URL, else https://api.github.com)\n",
    "    INPUT_NAME, INPUT_REGISTRY_TYPE, INPUT_URL, INPUT_USERNAME, INPUT_SECRET,\n",
    "    INPUT_VISIBILITY, INPUT_SELECTED_REPOSITORIES, INPUT_AUTH_TYPE, INPUT_DRY_RUN, ...\n",
    "Every input is documented in README.md and action.yml.\n",
    "\n",
    "Without GITHUB_OUTPUT the outputs are printed to stdout as one JSON object.\n",
    "Exit status: 0 success, 1 the operation failed, 2 invalid input (nothing was sent).\n",
    "\n",
    "OPTIONS:\n",
    "    -h, --help       print this help\n",
    "    -V, --version    print the version\n",
);
