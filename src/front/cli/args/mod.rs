//! The command line's definitions (clap derive): every command, flag and example. `--help`,
//! the shell completions and the man page are all generated from these. The flag groups several
//! commands share are [`flags`]; a registry's and a manifest's flags are [`registry`].

mod flags;
mod registry;
#[cfg(test)]
mod tests;

pub use flags::*;
pub use registry::*;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum, ValueHint};

const EXIT_CODES: &str = "\
Exit status: 0 done, 1 failed (the error says what was and was not applied),
2 invalid input (nothing was sent to GitHub), 3 drift (diff), 130/143 cancelled by
Ctrl-C/SIGTERM (no new write is started; the report says what was applied).

Token: GH_TOKEN or GITHUB_TOKEN (GH_ENTERPRISE_TOKEN for a GHES host), else `gh auth token`.
It needs admin:org (classic) or the organization permission \"Organization private registries\".
Inside a GitHub Actions step the same binary is the Action: it reads INPUT_* variables.";

/// Manage a GitHub organization's private registry configurations (the credentials
/// Dependabot and code scanning use to reach private registries).
#[derive(Debug, Parser)]
#[command(
    name = "private-registries",
    version,
    about,
    after_help = EXIT_CODES,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the org's configurations
    #[command(
        after_help = "Example:\n  private-registries list --org acme\n  private-registries list --org acme --json name,url --jq '.[].name'"
    )]
    List {
        /// Only this page (of --per-page); without it every page is read
        #[arg(long, value_name = "N", value_hint = ValueHint::Other)]
        page: Option<String>,
        /// Size of the page read with --page [default: 100]
        #[arg(long, value_name = "N", value_hint = ValueHint::Other)]
        per_page: Option<String>,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Show one configuration
    #[command(after_help = "Example:\n  private-registries get NPM_REGISTRY_SECRET --org acme")]
    Get {
        /// The configuration name, as `list` shows it
        #[arg(value_hint = ValueHint::Other)]
        name: String,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Show the org's public key that secrets are sealed with
    #[command(after_help = "Example:\n  private-registries public-key --org acme")]
    PublicKey {
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Create a configuration (GitHub names it)
    #[command(
        after_help = "Example:\n  printf %s \"$NPM_TOKEN\" | private-registries create --org acme \\\n    --registry-type npm_registry --url https://npm.pkg.github.com --visibility all --secret-stdin"
    )]
    Create {
        #[command(flatten)]
        registry: Registry,
        #[command(flatten)]
        write: Write,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Change the given fields of one configuration
    #[command(
        after_help = "Example:\n  private-registries update NPM_REGISTRY_SECRET --org acme --visibility private"
    )]
    Update {
        /// The configuration name, as `list` shows it
        #[arg(value_hint = ValueHint::Other)]
        name: String,
        #[command(flatten)]
        registry: Registry,
        #[command(flatten)]
        write: Write,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Create or update: matched by --name, else by --registry-type and --url (rotation)
    #[command(
        after_help = "Example (rotate a token):\n  aws codeartifact get-authorization-token ... --output text \\\n    | private-registries set --org acme --registry-type npm_registry \\\n      --url https://acme-1234.d.codeartifact.eu-west-1.amazonaws.com/npm/main/ \\\n      --secret-stdin"
    )]
    Set {
        /// Match this configuration by name
        #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
        name: Option<String>,
        #[command(flatten)]
        registry: Registry,
        #[command(flatten)]
        write: Write,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Delete one configuration (asks first at a terminal)
    #[command(after_help = "Example:\n  private-registries delete OLD_NPM_SECRET --org acme --yes")]
    Delete {
        /// The configuration name, as `list` shows it
        #[arg(value_hint = ValueHint::Other)]
        name: String,
        #[command(flatten)]
        yes: Yes,
        #[command(flatten)]
        write: Write,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Make the org's configurations match a manifest (YAML or JSON)
    #[command(
        after_help = "Example:\n  NPM_TOKEN=... private-registries sync --org acme --registries registries.yml --dry-run"
    )]
    Sync {
        #[command(flatten)]
        manifest: Manifest,
        /// Also delete configurations the manifest does not name (asks first at a terminal)
        #[arg(long)]
        prune: bool,
        #[command(flatten)]
        yes: Yes,
        #[command(flatten)]
        write: Write,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Compare a manifest with the org, writing nothing; exit 3 when they differ
    #[command(
        after_help = "Example (a drift check):\n  private-registries diff --org acme --registries .github/dependabot.yml --secrets-file .env"
    )]
    Diff {
        #[command(flatten)]
        manifest: Manifest,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Print the org's configurations as a manifest to commit
    #[command(
        after_help = "Example:\n  private-registries export --org acme --format dependabot -o registries.yml"
    )]
    Export {
        #[command(flatten)]
        file: OutFile,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Find every registry the org's repositories configure in their own dependabot.yml, and
    /// propose the org manifest that moves them up (writes nothing)
    #[command(
        after_help = "Example:\n  private-registries discover --org acme --format dependabot -o registries.yml\n  private-registries sync --org acme --registries registries.yml \\\n    --overlay registries.overlay.yml --dry-run"
    )]
    Discover {
        #[command(flatten)]
        file: OutFile,
        /// Read archived repositories too
        #[arg(long)]
        include_archived: bool,
        /// Read forks too
        #[arg(long)]
        include_forks: bool,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        github: GitHub,
    },
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  private-registries completions bash > /etc/bash_completion.d/private-registries"
    )]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff), or write one page per command into a directory
    #[command(
        after_help = "Example:\n  private-registries man --dir /usr/local/share/man/man1 && mandb -q\n  man private-registries-sync"
    )]
    Man {
        /// Write private-registries.1 and private-registries-COMMAND.1 for every command here
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

/// The parts most commands share, found in one place.
pub struct Common<'a> {
    pub github: &'a GitHub,
    pub out: &'a Output,
    pub dry_run: bool,
    pub yes: bool,
}

impl Cmd {
    /// What a command that talks to GitHub shares with the others (`None` for the local
    /// commands, `completions` and `man`).
    pub fn common(&self) -> Option<Common<'_>> {
        let (github, out) = match self {
            Cmd::List { github, out, .. }
            | Cmd::Get { github, out, .. }
            | Cmd::PublicKey { github, out }
            | Cmd::Create { github, out, .. }
            | Cmd::Update { github, out, .. }
            | Cmd::Set { github, out, .. }
            | Cmd::Delete { github, out, .. }
            | Cmd::Sync { github, out, .. }
            | Cmd::Diff { github, out, .. }
            | Cmd::Export { github, out, .. }
            | Cmd::Discover { github, out, .. } => (github, out),
            Cmd::Completions { .. } | Cmd::Man { .. } => return None,
        };
        let dry_run = match self {
            Cmd::Create { write, .. }
            | Cmd::Update { write, .. }
            | Cmd::Set { write, .. }
            | Cmd::Delete { write, .. }
            | Cmd::Sync { write, .. } => write.dry_run,
            _ => false,
        };
        let yes = match self {
            Cmd::Delete { yes, .. } | Cmd::Sync { yes, .. } => yes.yes,
            _ => false,
        };
        Some(Common {
            github,
            out,
            dry_run,
            yes,
        })
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}
