//! The command line's definitions (clap derive): every command, flag and example. `--help`,
//! the shell completions and the man page are all generated from these.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::model::{AuthType, ExportFormat, RegistryType, Visibility};

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
        after_help = "Example:\n  private-registries discover --org acme --format dependabot -o registries.yml\n  private-registries sync --org acme --registries registries.yml --dry-run"
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// Where a manifest comes from, and what resolves its `${{ secrets.NAME }}` references.
#[derive(Debug, Args)]
pub struct Manifest {
    /// The manifest: this tool's list, or a dependabot.yml (whole, or its registries: map);
    /// `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub registries: PathBuf,
    /// `${{ secrets.NAME }}` values: a JSON object or NAME=value lines (default: the
    /// environment variable NAME)
    #[arg(long, value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
    /// For a dependabot.yml: per label (or "*") the visibility, selected_repositories,
    /// selected_repository_ids and name (YAML)
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
}

/// The registry fields, as flags; values are validated by the same rules as the Action's.
#[derive(Debug, Args, Default)]
pub struct Registry {
    /// The registry type (npm_registry, maven_repository, docker_registry, …)
    #[arg(long, visible_alias = "type", value_name = "TYPE", value_parser = Choices(RegistryType::NAMES), hide_possible_values = true)]
    pub registry_type: Option<String>,
    /// The registry URL
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,
    /// The username (username_password, and some token registries)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub username: Option<String>,
    /// Whether the registry replaces the public one (true, false)
    #[arg(long, value_name = "BOOL", value_parser = Choices(&["true", "false"]), hide_possible_values = true)]
    pub replaces_base: Option<String>,
    /// Which repositories may use it (all, private, selected)
    #[arg(long, value_name = "VISIBILITY", value_parser = Choices(Visibility::NAMES), hide_possible_values = true)]
    pub visibility: Option<String>,
    /// Repository ids, comma separated (visibility selected)
    #[arg(long, value_name = "IDS", value_hint = ValueHint::Other)]
    pub selected_repository_ids: Option<String>,
    /// Repository names, comma separated (visibility selected)
    #[arg(long, value_name = "NAMES", value_hint = ValueHint::Other)]
    pub selected_repositories: Option<String>,
    /// token (default), username_password, or an OIDC type (oidc_azure, oidc_aws, …)
    #[arg(long, value_name = "AUTH", value_parser = Choices(AuthType::NAMES), hide_possible_values = true)]
    pub auth_type: Option<String>,
    /// Read the secret from standard input (a hidden prompt at a terminal)
    #[arg(long, conflicts_with = "secret_env")]
    pub secret_stdin: bool,
    /// Read the secret from this environment variable
    #[arg(long, value_name = "VAR", value_hint = ValueHint::Other)]
    pub secret_env: Option<String>,
    #[command(flatten)]
    pub oidc: Oidc,
}

/// The OIDC fields, by auth type.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "OIDC (auth types oidc_*)")]
pub struct Oidc {
    /// oidc_azure: the Microsoft Entra tenant id (required)
    #[arg(long, value_name = "ID", value_hint = ValueHint::Other)]
    pub tenant_id: Option<String>,
    /// oidc_azure: the app registration's client id (required)
    #[arg(long, value_name = "ID", value_hint = ValueHint::Other)]
    pub client_id: Option<String>,
    /// oidc_aws: the AWS region of the CodeArtifact domain (required)
    #[arg(long, value_name = "REGION", value_hint = ValueHint::Other)]
    pub aws_region: Option<String>,
    /// oidc_aws: the AWS account id (required)
    #[arg(long, value_name = "ID", value_hint = ValueHint::Other)]
    pub account_id: Option<String>,
    /// oidc_aws: the IAM role Dependabot assumes (required)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub role_name: Option<String>,
    /// oidc_aws: the CodeArtifact domain (required)
    #[arg(long, value_name = "DOMAIN", value_hint = ValueHint::Other)]
    pub domain: Option<String>,
    /// oidc_aws: the CodeArtifact domain owner (required)
    #[arg(long, value_name = "OWNER", value_hint = ValueHint::Other)]
    pub domain_owner: Option<String>,
    /// oidc_jfrog: the OIDC provider name in JFrog (required)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub jfrog_oidc_provider_name: Option<String>,
    /// the OIDC audience: required for oidc_cloudsmith, optional for oidc_aws, oidc_jfrog, oidc_gcp
    #[arg(long, value_name = "AUDIENCE", value_hint = ValueHint::Other)]
    pub audience: Option<String>,
    /// oidc_jfrog: the identity mapping name (optional)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub identity_mapping_name: Option<String>,
    /// oidc_cloudsmith: the organization namespace (required)
    #[arg(long, value_name = "NAMESPACE", value_hint = ValueHint::Other)]
    pub namespace: Option<String>,
    /// oidc_cloudsmith: the service account slug (required)
    #[arg(long, value_name = "SLUG", value_hint = ValueHint::Other)]
    pub service_slug: Option<String>,
    /// oidc_cloudsmith: the API host (optional; GitHub defaults to api.cloudsmith.io)
    #[arg(long, value_name = "HOST", value_hint = ValueHint::Other)]
    pub api_host: Option<String>,
    /// oidc_gcp: the workload identity provider resource name (required)
    #[arg(long, value_name = "PROVIDER", value_hint = ValueHint::Other)]
    pub workload_identity_provider: Option<String>,
    /// oidc_gcp: the service account email (optional)
    #[arg(long, value_name = "ACCOUNT", value_hint = ValueHint::Other)]
    pub service_account: Option<String>,
}

impl Registry {
    /// Every registry key given, by its API name (the secret is read separately).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let o = &self.oidc;
        let all: [(&'static str, &Option<String>); 23] = [
            ("registry_type", &self.registry_type),
            ("url", &self.url),
            ("username", &self.username),
            ("replaces_base", &self.replaces_base),
            ("visibility", &self.visibility),
            ("selected_repository_ids", &self.selected_repository_ids),
            ("selected_repositories", &self.selected_repositories),
            ("auth_type", &self.auth_type),
            ("tenant_id", &o.tenant_id),
            ("client_id", &o.client_id),
            ("aws_region", &o.aws_region),
            ("account_id", &o.account_id),
            ("role_name", &o.role_name),
            ("domain", &o.domain),
            ("domain_owner", &o.domain_owner),
            ("jfrog_oidc_provider_name", &o.jfrog_oidc_provider_name),
            ("audience", &o.audience),
            ("identity_mapping_name", &o.identity_mapping_name),
            ("namespace", &o.namespace),
            ("service_slug", &o.service_slug),
            ("api_host", &o.api_host),
            ("workload_identity_provider", &o.workload_identity_provider),
            ("service_account", &o.service_account),
        ];
        all.into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v.trim())))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_oidc_field_has_a_flag() {
        let r = Registry::default();
        let keys: Vec<&str> = crate::model::spec::SPEC_KEYS
            .iter()
            .copied()
            .filter(|k| *k != "secret")
            .chain(crate::model::OidcField::ALL.iter().map(|f| f.as_str()))
            .collect();
        let cmd = Cli::command();
        let create = cmd.find_subcommand("create").unwrap();
        for key in keys {
            let flag = key.replace('_', "-");
            assert!(
                create
                    .get_arguments()
                    .any(|a| a.get_long() == Some(flag.as_str())),
                "no --{flag}"
            );
        }
        assert!(r.pairs().is_empty());
    }
}
