//! A registry's fields as flags (the OIDC ones under their own heading), and where a manifest
//! and its secrets come from.

use super::*;
use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::model::{AuthType, RegistryType, Visibility};

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
