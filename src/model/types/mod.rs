//! Validated domain types: the enums of the API ([`string_enum`]s with their wire spelling),
//! names that go into URL paths ([`names`]), URLs ([`url`]) and secrets ([`secret`]).
//!
//! Everything here is parsed once from a string and then trusted: a `ConfigName` can be put in
//! a path, a `RegistryUrl` is absolute, a `Secret` never prints itself.

mod names;
mod secret;
#[cfg(test)]
mod tests;
mod url;

pub use names::*;
pub use secret::*;
pub use url::*;

use std::fmt;
use std::str::FromStr;

/// Declares a string enum with its wire spelling, `FromStr` naming the allowed values, and serde.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the API documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value's spelling, in the same order (what shell completion offers).
            #[allow(dead_code, reason = "declared for every enum; completion offers only some")]
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The spelling the API uses.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The allowed values, comma separated, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} {:?}; allowed: {}", $what, shorten(s), Self::allowed())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What a run does.
    Operation, "operation", {
        List => "list",
        Get => "get",
        PublicKey => "public-key",
        Create => "create",
        Update => "update",
        Set => "set",
        Delete => "delete",
        Sync => "sync",
        Diff => "diff",
        Export => "export",
        Discover => "discover",
    }
);

string_enum!(
    /// What `export` writes: this tool's manifest (a list of entries), or dependabot.yml's
    /// `registries:` map.
    ExportFormat, "format", {
        Manifest => "manifest",
        Dependabot => "dependabot",
    }
);

impl RegistryType {
    /// The spelling dependabot.yml uses: hyphens, and `git` for `git_source`.
    pub fn dependabot_name(self) -> String {
        match self {
            RegistryType::GitSource => "git".to_string(),
            other => other.as_str().replace('_', "-"),
        }
    }

    /// The type a dependabot.yml `type` names, if any (hyphens or underscores, `git`).
    pub fn from_dependabot(name: &str) -> Option<RegistryType> {
        match name.trim() {
            "git" => Some(RegistryType::GitSource),
            other => other.replace('-', "_").parse().ok(),
        }
    }
}

impl Operation {
    /// Whether the operation reads a manifest (`registries`, `registries_file`).
    pub fn reads_manifest(self) -> bool {
        matches!(self, Operation::Sync | Operation::Diff)
    }
}

string_enum!(
    /// The package ecosystem of a registry, as the API spells it.
    RegistryType, "registry type", {
        MavenRepository => "maven_repository",
        NugetFeed => "nuget_feed",
        GoproxyServer => "goproxy_server",
        NpmRegistry => "npm_registry",
        RubygemsServer => "rubygems_server",
        CargoRegistry => "cargo_registry",
        ComposerRepository => "composer_repository",
        DockerRegistry => "docker_registry",
        GitSource => "git_source",
        HelmRegistry => "helm_registry",
        HexOrganization => "hex_organization",
        HexRepository => "hex_repository",
        PubRepository => "pub_repository",
        PythonIndex => "python_index",
        TerraformRegistry => "terraform_registry",
    }
);

string_enum!(
    /// How Dependabot authenticates to the registry.
    AuthType, "auth type", {
        Token => "token",
        UsernamePassword => "username_password",
        OidcAzure => "oidc_azure",
        OidcAws => "oidc_aws",
        OidcJfrog => "oidc_jfrog",
        OidcCloudsmith => "oidc_cloudsmith",
        OidcGcp => "oidc_gcp",
    }
);

string_enum!(
    /// Which repositories of the org may use the registry.
    Visibility, "visibility", {
        All => "all",
        Private => "private",
        Selected => "selected",
    }
);

string_enum!(
    /// The OIDC fields of the API; which auth type takes which is in [`AuthType::oidc_fields`].
    OidcField, "oidc field", {
        TenantId => "tenant_id",
        ClientId => "client_id",
        AwsRegion => "aws_region",
        AccountId => "account_id",
        RoleName => "role_name",
        Domain => "domain",
        DomainOwner => "domain_owner",
        JfrogOidcProviderName => "jfrog_oidc_provider_name",
        Audience => "audience",
        IdentityMappingName => "identity_mapping_name",
        Namespace => "namespace",
        ServiceSlug => "service_slug",
        ApiHost => "api_host",
        WorkloadIdentityProvider => "workload_identity_provider",
        ServiceAccount => "service_account",
    }
);

impl AuthType {
    /// OIDC auth types take no secret: GitHub exchanges a token with the provider itself.
    pub fn is_oidc(self) -> bool {
        !matches!(self, AuthType::Token | AuthType::UsernamePassword)
    }

    /// The OIDC fields this auth type takes: (required, optional), as the API documents them.
    pub fn oidc_fields(self) -> (&'static [OidcField], &'static [OidcField]) {
        use OidcField::*;
        match self {
            AuthType::Token | AuthType::UsernamePassword => (&[], &[]),
            AuthType::OidcAzure => (&[TenantId, ClientId], &[]),
            AuthType::OidcAws => (
                &[AwsRegion, AccountId, RoleName, Domain, DomainOwner],
                &[Audience],
            ),
            AuthType::OidcJfrog => (&[JfrogOidcProviderName], &[Audience, IdentityMappingName]),
            AuthType::OidcCloudsmith => (&[Namespace, ServiceSlug, Audience], &[ApiHost]),
            AuthType::OidcGcp => (&[WorkloadIdentityProvider], &[Audience, ServiceAccount]),
        }
    }

    /// Whether this auth type accepts the given OIDC field.
    pub fn takes(self, field: OidcField) -> bool {
        let (required, optional) = self.oidc_fields();
        required.contains(&field) || optional.contains(&field)
    }

    /// The auth types that accept a field, for error messages.
    pub fn taking(field: OidcField) -> String {
        AuthType::ALL
            .iter()
            .filter(|a| a.takes(field))
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Cuts user text quoted back in an error message to a readable length.
pub fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Parses `true`/`false` (any case); anything else names the allowed values.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!(
            "{:?} is not a boolean; allowed: true, false",
            shorten(s)
        )),
    }
}

/// Splits a comma- or newline-separated list, dropping blanks.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A JSON value as the text a table shows; `None` for null.
pub(crate) fn text_of(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => Some(other.to_string()),
    }
}
