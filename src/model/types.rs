//! Validated domain types: the enums of the API, names that go into URL paths, and secrets.
//!
//! Everything here is parsed once from a string and then trusted: a `ConfigName` can be put in
//! a path, a `RegistryUrl` is absolute, a `Secret` never prints itself.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroize;

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

/// A value that must never be shown: a registry secret or the API token.
///
/// `Debug` and `Display` print `***`; the memory is zeroized when the value is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The plain value, for sealing, masking and the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // zeroize writes through volatile stores behind a compiler fence and clears the whole
        // capacity, which a plain loop over the bytes does not promise.
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Defines a newtype over a validated string that goes into a URL path.
macro_rules! path_name {
    ($(#[$meta:meta])* $name:ident, $validate:path) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $validate(s).map(|()| $name(s.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

path_name!(
    /// An organization login: letters, digits and single hyphens, at most 39 characters.
    Org,
    validate_org
);
path_name!(
    /// A private registry configuration name as GitHub reports it: letters, digits, underscores.
    ConfigName,
    validate_config_name
);
path_name!(
    /// A repository name: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.` or `..`.
    RepoName,
    validate_repo_name
);

fn validate_org(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 39
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not an organization login; allowed: 1-39 letters, digits and single inner hyphens",
            shorten(s)
        ))
    }
}

fn validate_config_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a configuration name; allowed: letters, digits and underscores, not starting with a digit (e.g. NPM_REGISTRY_SECRET)",
            shorten(s)
        ))
    }
}

fn validate_repo_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a repository name; allowed: 1-100 letters, digits, '.', '-' and '_' (the name only, without the owner)",
            shorten(s)
        ))
    }
}

/// An absolute registry URL (`scheme://host…`), as given; compared through [`RegistryUrl::key`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryUrl(String);

impl RegistryUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two URLs are compared in: no trailing slashes, scheme and host lower case.
    pub fn key(&self) -> String {
        normalize_url(&self.0)
    }
}

/// A URL's parts as compared: (scheme, host, path); no surrounding space or trailing slashes.
/// `None` for a string without `://`.
fn url_parts(url: &str) -> (Option<(&str, &str)>, &str) {
    let url = url.trim().trim_end_matches('/');
    // Byte searches: every delimiter is ASCII, so each index is a char boundary.
    let sep = url.as_bytes().windows(3).position(|w| w == b"://");
    match sep {
        Some(i) => {
            let (scheme, rest) = (&url[..i], &url[i + 3..]);
            let end = rest
                .bytes()
                .position(|b| matches!(b, b'/' | b'?' | b'#'))
                .unwrap_or(rest.len());
            (Some((scheme, &rest[..end])), &rest[end..])
        }
        None => (None, url),
    }
}

/// Normalises any URL string for matching; tolerant of what GitHub returns: scheme and host in
/// lower case, no trailing slashes.
pub fn normalize_url(url: &str) -> String {
    match url_parts(url) {
        (Some((scheme, host)), path) => {
            let mut key = String::with_capacity(scheme.len() + host.len() + path.len() + 3);
            key.push_str(scheme);
            key.push_str("://");
            key.push_str(host);
            key[..scheme.len() + 3 + host.len()].make_ascii_lowercase();
            key.push_str(path);
            key
        }
        (None, bare) => bare.to_string(),
    }
}

/// Whether two URL strings normalise alike ([`normalize_url`]), without building either.
pub fn same_url(a: &str, b: &str) -> bool {
    match (url_parts(a), url_parts(b)) {
        ((Some((sa, ha)), pa), (Some((sb, hb)), pb)) => {
            pa == pb && sa.eq_ignore_ascii_case(sb) && ha.eq_ignore_ascii_case(hb)
        }
        ((None, a), (None, b)) => a == b,
        _ => false,
    }
}

impl FromStr for RegistryUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "{:?} is not an absolute URL; allowed: scheme://host[/path], e.g. https://npm.pkg.github.com/",
                shorten(s)
            )
        };
        let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
        let scheme_ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            // `https://user:token@host/`: a credential sent unsealed. Never quoted.
            return Err("holds a user name or password before the host (user:password@); the URL is not shown. Give the URL without it: the username goes in `username`, the password or token in the secret".to_string());
        }
        let host = authority;
        let no_space = !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if scheme_ok && !host.is_empty() && no_space {
            Ok(RegistryUrl(s.to_string()))
        } else {
            Err(bad())
        }
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

/// The base URL of the REST API: https, or plain http to a literal loopback address
/// (127.0.0.0/8, `[::1]`) or `localhost`, for local testing. Nothing else: a host name that
/// merely starts with `127.` is a remote host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiUrl(String);

impl ApiUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `scheme://host[:port]`, lower-cased: what a redirect must keep to be followed.
    pub fn origin(&self) -> String {
        origin_of(&self.0).unwrap_or_default()
    }
}

/// `scheme://authority` of an absolute URL, lower-cased.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Whether a URL host is a literal loopback address or `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl FromStr for ApiUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().trim_end_matches('/');
        let bad = |why: &str| {
            format!(
                "{:?} {why}; allowed: https://api.github.com, https://HOST/api/v3 (GHES), or http:// on localhost/127.0.0.1/[::1] for local testing",
                shorten(s)
            )
        };
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| bad("is not an absolute URL"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#']) {
            return Err(bad("is not a plain base URL"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains white space"));
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(ApiUrl(s.to_string())),
            "http" if is_loopback_host(host) => Ok(ApiUrl(s.to_string())),
            "http" => Err(bad(
                "is not https (plain http is only allowed to a literal loopback address or localhost)",
            )),
            _ => Err(bad("is not an https URL")),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_and_name_allowed_values() {
        for t in RegistryType::ALL {
            assert_eq!(t.as_str().parse::<RegistryType>(), Ok(*t));
        }
        assert_eq!(RegistryType::ALL.len(), 15);
        assert_eq!(AuthType::ALL.len(), 7);
        let err = "npm".parse::<RegistryType>().unwrap_err();
        assert!(
            err.contains("npm_registry") && err.contains("terraform_registry"),
            "{err}"
        );
        let err = "public".parse::<Visibility>().unwrap_err();
        assert!(err.contains("all, private, selected"), "{err}");
    }

    #[test]
    fn every_oidc_field_belongs_to_some_auth_type() {
        for f in OidcField::ALL {
            assert!(
                !AuthType::taking(*f).is_empty(),
                "{f} is taken by no auth type"
            );
        }
        assert!(AuthType::OidcCloudsmith.takes(OidcField::Audience));
        assert!(!AuthType::OidcAzure.takes(OidcField::Audience));
        assert!(!AuthType::Token.is_oidc() && AuthType::OidcGcp.is_oidc());
    }

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("hunter2".into());
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn path_names_reject_everything_that_could_leave_the_path() {
        for bad in [
            "", "a/b", "..", "a b", "a?b", "a#b", "a%2f", "-a", "a\n", "a--b",
        ] {
            assert!(bad.parse::<Org>().is_err(), "org {bad:?}");
        }
        assert!("my-org-1".parse::<Org>().is_ok());
        for bad in [
            "", "a/b", "..", "A B", "A?", "A#", "A%2F", "1ABC", "A-B", "A.B",
        ] {
            assert!(bad.parse::<ConfigName>().is_err(), "name {bad:?}");
        }
        assert!("NPM_REGISTRY_SECRET".parse::<ConfigName>().is_ok());
        for bad in ["", "a/b", ".", "..", "a b", "a?", "a#", "a%2e", "o/../x"] {
            assert!(bad.parse::<RepoName>().is_err(), "repo {bad:?}");
        }
        assert!("my.repo-name_2".parse::<RepoName>().is_ok());
    }

    #[test]
    fn urls_must_be_absolute_and_compare_loosely() {
        for bad in [
            "npm.pkg.github.com",
            "/path",
            "https://",
            "https:///x",
            "ht tp://x",
            "https://a b",
        ] {
            assert!(bad.parse::<RegistryUrl>().is_err(), "{bad:?}");
        }
        let a: RegistryUrl = "HTTPS://NPM.Example.com/Org/".parse().unwrap();
        let b: RegistryUrl = "https://npm.example.com/Org".parse().unwrap();
        assert_eq!(a.key(), b.key());
        let c: RegistryUrl = "https://npm.example.com/org".parse().unwrap();
        assert_ne!(a.key(), c.key(), "paths stay case-sensitive");
        assert_eq!(a.key(), "https://npm.example.com/Org");
    }

    #[test]
    fn same_url_agrees_with_the_normalised_forms() {
        let urls = [
            "HTTPS://NPM.Example.com/Org/",
            "https://npm.example.com/Org",
            "https://npm.example.com/org",
            " https://npm.example.com// ",
            "https://npm.example.com",
            "https://npm.example.com?x=1",
            "https://NPM.example.com?x=1",
            "http://npm.example.com",
            "npm.example.com",
            "NPM.example.com",
            "",
        ];
        for a in urls {
            for b in urls {
                assert_eq!(
                    same_url(a, b),
                    normalize_url(a) == normalize_url(b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn booleans_and_lists() {
        assert_eq!(parse_bool("TRUE"), Ok(true));
        assert_eq!(parse_bool(" false "), Ok(false));
        assert!(parse_bool("yes").unwrap_err().contains("true, false"));
        assert_eq!(
            split_list("a, b\nc,,\n").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn api_url_must_be_https_or_literal_loopback() {
        for ok in [
            "https://api.github.com",
            "https://ghe.example.com/api/v3/",
            "http://localhost:8080",
            "http://[::1]:1",
            "http://127.0.0.1:9",
            "http://127.1.2.3",
        ] {
            assert!(ok.parse::<ApiUrl>().is_ok(), "{ok}");
        }
        for bad in [
            "http://api.github.com",
            "ftp://x",
            "api.github.com",
            "https://u:p@h",
            "https://h/?x",
            "http://127.evil.com",
            "http://127.0.0.1.example.com",
            "http://[::2]:1",
            "http://128.0.0.1",
        ] {
            assert!(bad.parse::<ApiUrl>().is_err(), "{bad}");
        }
        let u: ApiUrl = "HTTPS://GHE.example.com:8443/api/v3".parse().unwrap();
        assert_eq!(u.origin(), "https://ghe.example.com:8443");
    }
}
