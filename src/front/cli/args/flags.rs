//! The flag groups several commands share: how to reach GitHub, how the answer is printed,
//! `--dry-run`, `--yes`, where a file goes, and the values a flag offers to completion.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueHint};

use crate::model::ExportFormat;

/// Which orgs, and how to reach and sign in to GitHub: every command that talks to GitHub
/// takes these (after its own flags in its help).
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "GitHub")]
pub struct GitHub {
    /// Organization login; repeat it (or give a comma-separated list) for several orgs, run
    /// one after the other [default: the owner in GH_REPO]
    #[arg(long, value_name = "ORG", value_hint = ValueHint::Other)]
    pub org: Vec<String>,
    /// With several orgs: stop at the first that fails (the rest are not run)
    #[arg(long)]
    pub fail_fast: bool,
    /// GitHub host, for GitHub Enterprise Server [env: GH_HOST] [default: github.com]
    #[arg(long, value_name = "HOST", value_hint = ValueHint::Hostname)]
    pub hostname: Option<String>,
    /// REST API base URL [default: GITHUB_API_URL, else from --hostname]
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub api_url: Option<String>,
    /// A PEM file of extra CA certificates to trust (GHES behind a private CA)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ca_certificate: Option<PathBuf>,
    /// Seconds one request may take [default: 30]
    #[arg(long, value_name = "SECONDS", value_hint = ValueHint::Other)]
    pub request_timeout: Option<String>,
    /// The longest rate-limit wait, in seconds [default: 300]
    #[arg(long, value_name = "SECONDS", value_hint = ValueHint::Other)]
    pub max_wait: Option<String>,
    /// Sign in as this GitHub App (its ID or Client ID) instead of with a token: one narrow
    /// token per org, revoked at the end; needs --app-private-key
    #[arg(long, value_name = "ID", requires = "app_private_key", value_hint = ValueHint::Other)]
    pub app_id: Option<String>,
    /// The GitHub App's private key, a PEM file (`-` reads standard input)
    #[arg(long, value_name = "FILE", requires = "app_id", value_hint = ValueHint::FilePath)]
    pub app_private_key: Option<PathBuf>,
}

/// How the answer is printed: a table, or JSON (all of it, some fields, or through jq).
#[derive(Debug, Args, Default)]
pub struct Output {
    /// Print JSON instead of a table: the whole document, or with FIELDS (comma separated)
    /// only those fields of each record, as `gh` does (`--json name,url`; an unknown field
    /// lists the fields there are)
    #[arg(long, value_name = "FIELDS", num_args = 0..=1, default_missing_value = "", value_hint = ValueHint::Other)]
    pub json: Option<String>,
    /// Filter the JSON output with a jq expression; strings print without quotes
    /// (`--jq '.[].name'`)
    #[cfg(feature = "jq")]
    #[arg(long, value_name = "EXPRESSION", value_hint = ValueHint::Other)]
    pub jq: Option<String>,
}

/// `--dry-run`, on the commands that write.
#[derive(Debug, Args, Default)]
pub struct Write {
    /// Show the plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `--yes`, on the commands that delete.
#[derive(Debug, Args, Default)]
pub struct Yes {
    /// Do not ask before deleting (needed to delete when not at a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Where `export` and `discover` put their file, and in which format.
#[derive(Debug, Args, Default)]
pub struct OutFile {
    /// `manifest` (this tool's list, the default) or `dependabot` (dependabot.yml's
    /// registries: map, with the org-only settings in an overlay file beside it)
    #[arg(long, value_name = "FORMAT", value_parser = Choices(ExportFormat::NAMES))]
    pub format: Option<String>,
    /// Write the manifest to this file instead of standard output (with `--format dependabot`,
    /// the overlay to FILE's stem + `.overlay.yml`)
    #[arg(short = 'o', long = "output", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// A flag's values, offered by shell completion and listed in help, while the value itself is
/// checked with the Action's rules (so every problem is still reported at once).
#[derive(Debug, Clone, Copy)]
pub struct Choices(pub &'static [&'static str]);

impl TypedValueParser for Choices {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().copied().map(PossibleValue::new)))
    }
}
