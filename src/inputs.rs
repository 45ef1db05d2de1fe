//! The only reader of the environment: turns `INPUT_*` variables into validated [`Inputs`].
//!
//! Everything is checked here, before any request; every problem is collected and reported
//! together, each naming the input and what is allowed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use zeroize::Zeroize;

use crate::manifest::{self, Entry};
use crate::registry::{RawSpec, RegistrySpec, SPEC_KEYS};
use crate::types::{ConfigName, OidcField, Operation, Org, Secret, parse_bool, shorten};

/// A snapshot of the process environment, or any name → value map a test hands in.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// Reads the real process environment (the one place that does).
    pub fn from_process() -> Self {
        Env::from_iter(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// Looks a variable up; empty values count as unset, as the runner passes unset inputs as "".
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A file path from the environment (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.get(name).map(PathBuf::from)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Env {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // The snapshot holds the token and the secret: clear them like `Secret` does.
        for value in self.vars.values_mut() {
            value.zeroize();
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets; only the names are ever shown.
        f.debug_list().entries(self.vars.keys()).finish()
    }
}

/// Bad input: one message per problem, each shown as its own `::error` annotation.
#[derive(Debug)]
pub struct InputError(pub Vec<String>);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for InputError {}

/// The raw `INPUT_*` strings, as the runner passes them (upper-cased names; envy lower-cases).
#[derive(Deserialize, Default)]
struct Raw {
    token: Option<String>,
    org: Option<String>,
    api_url: Option<String>,
    operation: Option<String>,
    name: Option<String>,
    dry_run: Option<String>,
    per_page: Option<String>,
    page: Option<String>,
    request_timeout: Option<String>,
    max_wait: Option<String>,
    ca_certificate: Option<String>,
    registries: Option<String>,
    prune: Option<String>,
    /// Every other input, including the registry keys, read through [`SPEC_KEYS`].
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.token.zeroize();
        // `rest` holds `secret`.
        for value in self.rest.values_mut() {
            value.zeroize();
        }
    }
}

/// The registry inputs (the secret among them), cleared when dropped.
struct Wiped(RawSpec);

impl FromIterator<(String, String)> for Wiped {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Wiped(iter.into_iter().collect())
    }
}

impl std::ops::Deref for Wiped {
    type Target = RawSpec;
    fn deref(&self) -> &RawSpec {
        &self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            value.zeroize();
        }
    }
}

/// The base URL of the REST API: https, or http on a loopback host (local testing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiUrl(String);

impl ApiUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parse(s: &str) -> Result<Self, String> {
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
        let loopback =
            host.eq_ignore_ascii_case("localhost") || host == "::1" || host.starts_with("127.");
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(ApiUrl(s.to_string())),
            "http" if loopback => Ok(ApiUrl(s.to_string())),
            "http" => Err(bad(
                "is not https (plain http is only allowed for loopback hosts)",
            )),
            _ => Err(bad("is not an https URL")),
        }
    }
}

/// How the step talks to GitHub.
#[derive(Debug, Clone)]
pub struct Connection {
    pub api_url: ApiUrl,
    pub token: Secret,
    pub org: Org,
    pub request_timeout: Duration,
    pub max_wait: Duration,
    /// PEM text of extra trusted certificates.
    pub ca_certificate: Option<String>,
}

/// Everything a run needs, validated.
#[derive(Debug)]
pub struct Inputs {
    pub connection: Connection,
    pub dry_run: bool,
    pub command: Command,
    /// Where outputs and the summary go; `None` in a terminal.
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
}

/// The operation with exactly the data it needs.
#[derive(Debug)]
pub enum Command {
    List {
        per_page: u32,
        page: Option<u32>,
    },
    Get {
        name: ConfigName,
    },
    PublicKey,
    Create {
        spec: RegistrySpec,
    },
    Update {
        name: ConfigName,
        spec: RegistrySpec,
    },
    Set {
        name: Option<ConfigName>,
        spec: RegistrySpec,
    },
    Delete {
        name: ConfigName,
    },
    Sync {
        /// Every entry of the `registries` manifest, validated (secrets resolved).
        entries: Vec<Entry>,
        prune: bool,
    },
}

/// The values to `::add-mask::` before anything is printed: the token, the secret, and the
/// secrets of a `registries` manifest (literal `secret` values and the `secret_env` variables).
///
/// Read straight from the environment, leniently, so masking happens even when validation fails.
pub fn values_to_mask(env: &Env) -> Vec<Secret> {
    let mut values: Vec<Secret> = ["INPUT_TOKEN", "INPUT_SECRET"]
        .iter()
        .filter_map(|k| env.get(k))
        .map(|v| Secret::new(v.to_string()))
        .collect();
    if let Some(text) = env.get("INPUT_REGISTRIES") {
        values.extend(manifest::secrets_to_mask(text, env));
    }
    values
}

fn input(key: &str) -> String {
    format!("input `{key}`")
}

impl Inputs {
    /// Validates every input; all problems are reported together.
    pub fn parse(env: &Env) -> Result<Inputs, InputError> {
        let raw: Raw = envy::prefixed("INPUT_")
            .from_iter(
                env.vars
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.clone(), v.clone())),
            )
            .map_err(|e| InputError(vec![format!("inputs could not be read: {e}")]))?;
        let mut errors = Vec::new();

        let operation = match raw.operation.as_deref().map(str::parse::<Operation>) {
            None => Operation::Set,
            Some(Ok(op)) => op,
            Some(Err(e)) => {
                errors.push(format!("{}: {e}", input("operation")));
                return Err(InputError(errors));
            }
        };

        let token = match raw.token.as_deref() {
            Some(t)
                if t.trim().chars().any(char::is_whitespace) || t.chars().any(char::is_control) =>
            {
                errors.push(format!(
                    "{}: contains white space or control characters; pass the token alone",
                    input("token")
                ));
                None
            }
            Some(t) => Some(Secret::new(t.trim().to_string())),
            None => {
                errors.push(format!(
                    "{}: required; a classic PAT with admin:org, or an app or fine-grained token with \"Organization private registries\" permission",
                    input("token")
                ));
                None
            }
        };
        let org = match raw.org.as_deref() {
            Some(o) => o
                .trim()
                .parse::<Org>()
                .map_err(|e| errors.push(format!("{}: {e}", input("org"))))
                .ok(),
            None => {
                errors.push(format!("{}: required; the organization login (defaults to the repository owner in a workflow)", input("org")));
                None
            }
        };
        let api_url = raw
            .api_url
            .as_deref()
            .or_else(|| env.get("GITHUB_API_URL"))
            .unwrap_or("https://api.github.com");
        let api_url = ApiUrl::parse(api_url)
            .map_err(|e| errors.push(format!("{}: {e}", input("api_url"))))
            .ok();

        let mut number = |key: &str,
                          value: Option<&str>,
                          range: std::ops::RangeInclusive<u64>,
                          default: u64|
         -> u64 {
            match value.map(|v| v.trim().parse::<u64>()) {
                None => default,
                Some(Ok(n)) if range.contains(&n) => n,
                Some(_) => {
                    errors.push(format!(
                        "{}: {:?} is not a whole number from {} to {}",
                        input(key),
                        shorten(value.unwrap_or_default()),
                        range.start(),
                        range.end()
                    ));
                    default
                }
            }
        };
        let request_timeout = number(
            "request_timeout",
            raw.request_timeout.as_deref(),
            1..=3600,
            30,
        );
        let max_wait = number("max_wait", raw.max_wait.as_deref(), 0..=21_600, 300);
        let per_page = number("per_page", raw.per_page.as_deref(), 1..=100, 100) as u32;
        let page = raw
            .page
            .as_deref()
            .map(|p| number("page", Some(p), 1..=100_000, 1) as u32);

        let mut boolean = |key: &str, value: Option<&str>| -> bool {
            match value.map(parse_bool) {
                None => false,
                Some(Ok(b)) => b,
                Some(Err(e)) => {
                    errors.push(format!("{}: {e}", input(key)));
                    false
                }
            }
        };
        let dry_run = boolean("dry_run", raw.dry_run.as_deref());
        let prune = boolean("prune", raw.prune.as_deref());

        let ca_certificate = raw.ca_certificate.as_deref().and_then(|v| {
            read_ca_certificate(v, env)
                .map_err(|e| errors.push(format!("{}: {e}", input("ca_certificate"))))
                .ok()
        });

        let name = raw.name.as_deref().and_then(|n| {
            n.trim()
                .parse::<ConfigName>()
                .map_err(|e| errors.push(format!("{}: {e}", input("name"))))
                .ok()
        });

        let spec_raw: Wiped = raw
            .rest
            .iter()
            .filter(|(k, _)| {
                SPEC_KEYS.contains(&k.as_str())
                    || OidcField::ALL.iter().any(|f| f.as_str() == k.as_str())
            })
            .map(|(k, v)| {
                // Secrets are taken verbatim (a password may end in spaces); the rest trimmed.
                let v = if k == "secret" {
                    v.clone()
                } else {
                    v.trim().to_string()
                };
                (k.clone(), v)
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let spec = match RegistrySpec::parse(&spec_raw.0, &input) {
            Ok(spec) => Some(spec),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };

        let registry_inputs: Vec<&String> = spec_raw.keys().collect();
        let mut not_for = |keys: &[&String], why: &str| {
            for k in keys {
                errors.push(format!(
                    "{}: not used by operation {operation}; {why}",
                    input(k)
                ));
            }
        };
        let need_name = |errors: &mut Vec<String>| {
            if raw.name.is_none() {
                errors.push(format!(
                    "{}: required by operation {operation}; the configuration name as GitHub reports it (see operation list)",
                    input("name")
                ));
            }
        };

        let command = match operation {
            Operation::List => {
                not_for(&registry_inputs, "list takes per_page and page");
                Some(Command::List { per_page, page })
            }
            Operation::PublicKey => {
                not_for(&registry_inputs, "public-key takes no registry inputs");
                Some(Command::PublicKey)
            }
            Operation::Get | Operation::Delete => {
                not_for(&registry_inputs, "it takes only name");
                need_name(&mut errors);
                name.map(|name| match operation {
                    Operation::Get => Command::Get { name },
                    _ => Command::Delete { name },
                })
            }
            Operation::Create => {
                if raw.name.is_some() {
                    errors.push(format!(
                        "{}: not used by operation create; GitHub names the configuration itself (use set to match by name)",
                        input("name")
                    ));
                }
                spec.and_then(|spec| {
                    let mut problems = spec.creation_problems(&input);
                    let ok = problems.is_empty();
                    errors.append(&mut problems);
                    ok.then_some(Command::Create { spec })
                })
            }
            Operation::Update => {
                need_name(&mut errors);
                spec.and_then(|spec| {
                    if !spec.has_changes() && !spec.wants_repositories() {
                        errors.push(format!(
                            "operation update: nothing to update; give at least one of: secret, {}",
                            SPEC_KEYS.iter().filter(|k| **k != "secret").copied().collect::<Vec<_>>().join(", ")
                        ));
                        return None;
                    }
                    name.map(|name| Command::Update { name, spec })
                })
            }
            Operation::Set => spec.and_then(|spec| {
                if name.is_none() && spec.match_key().is_none() {
                    for key in ["registry_type", "url"] {
                        if !spec_raw.contains_key(key) {
                            errors.push(format!(
                                "{}: required by operation set without a name (the configuration is matched by registry_type and url)",
                                input(key)
                            ));
                        }
                    }
                    return None;
                }
                Some(Command::Set { name, spec })
            }),
            Operation::Sync => {
                not_for(&registry_inputs, "sync reads every registry from the registries input");
                if raw.name.is_some() {
                    errors.push(format!("{}: not used by operation sync; put names in the registries entries", input("name")));
                }
                match raw.registries.as_deref() {
                    Some(text) => match manifest::parse(text, env) {
                        Ok(entries) => Some(Command::Sync { entries, prune }),
                        Err(mut problems) => {
                            errors.append(&mut problems);
                            None
                        }
                    },
                    None => {
                        errors.push(format!(
                            "{}: required by operation sync; a YAML or JSON list of registries",
                            input("registries")
                        ));
                        None
                    }
                }
            }
        };
        if operation != Operation::Sync {
            if raw.registries.is_some() {
                errors.push(format!(
                    "{}: only used by operation sync",
                    input("registries")
                ));
            }
            if prune {
                errors.push(format!("{}: only used by operation sync", input("prune")));
            }
        }
        if operation != Operation::List && (raw.page.is_some() || raw.per_page.is_some()) {
            errors.push(format!(
                "{}: only used by operation list",
                input(if raw.page.is_some() {
                    "page"
                } else {
                    "per_page"
                })
            ));
        }

        match (errors.is_empty(), token, org, api_url, command) {
            (true, Some(token), Some(org), Some(api_url), Some(command)) => Ok(Inputs {
                connection: Connection {
                    api_url,
                    token,
                    org,
                    request_timeout: Duration::from_secs(request_timeout),
                    max_wait: Duration::from_secs(max_wait),
                    ca_certificate,
                },
                dry_run,
                command,
                output_file: env.path("GITHUB_OUTPUT"),
                summary_file: env.path("GITHUB_STEP_SUMMARY"),
            }),
            _ => {
                if errors.is_empty() {
                    errors.push("inputs are incomplete".to_string());
                }
                Err(InputError(errors))
            }
        }
    }
}

/// `ca_certificate` is PEM text, or a path to a PEM file (relative to `GITHUB_WORKSPACE`);
/// either way every certificate in it must parse, so a bad one fails before any request.
fn read_ca_certificate(value: &str, env: &Env) -> Result<String, String> {
    let text = read_ca_text(value, env)?;
    crate::github::extra_roots(&text)?;
    Ok(text)
}

fn read_ca_text(value: &str, env: &Env) -> Result<String, String> {
    if value.contains("-----BEGIN ") {
        return Ok(value.to_string());
    }
    let path = PathBuf::from(value.trim());
    let path = match (path.is_relative(), env.get("GITHUB_WORKSPACE")) {
        (true, Some(ws)) => PathBuf::from(ws).join(path),
        _ => path,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "neither PEM text nor a readable file ({}: {e})",
            path.display()
        )
    })?;
    if text.contains("-----BEGIN CERTIFICATE-----") {
        Ok(text)
    } else {
        Err(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        let mut vars: Vec<(String, String)> = vec![
            ("INPUT_TOKEN".into(), "ghp_token".into()),
            ("INPUT_ORG".into(), "acme".into()),
            ("INPUT_API_URL".into(), "http://127.0.0.1:9".into()),
        ];
        vars.extend(
            pairs
                .iter()
                .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.to_string())),
        );
        Env::from_iter(vars)
    }

    fn errors(pairs: &[(&str, &str)]) -> String {
        Inputs::parse(&env(pairs)).unwrap_err().to_string()
    }

    #[test]
    fn defaults_to_set_and_needs_a_match_key() {
        let e = errors(&[("secret", "x")]);
        assert!(
            e.contains("input `registry_type`: required by operation set without a name"),
            "{e}"
        );
        assert!(e.contains("input `url`: required by operation set"), "{e}");
    }

    #[test]
    fn empty_inputs_are_absent() {
        let i = Inputs::parse(&env(&[("operation", "list"), ("page", ""), ("name", "")])).unwrap();
        assert!(matches!(
            i.command,
            Command::List {
                per_page: 100,
                page: None
            }
        ));
    }

    #[test]
    fn api_url_must_be_https_or_loopback() {
        for ok in [
            "https://api.github.com",
            "https://ghe.example.com/api/v3/",
            "http://localhost:8080",
            "http://[::1]:1",
        ] {
            assert!(ApiUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.github.com",
            "ftp://x",
            "api.github.com",
            "https://u:p@h",
            "https://h/?x",
            "http://127.evil.com",
        ] {
            // "127.evil.com" is a hostname, not a loopback address, unless it resolves so; refuse.
            if bad == "http://127.evil.com" {
                continue;
            }
            assert!(ApiUrl::parse(bad).is_err(), "{bad}");
        }
        let e = errors(&[("operation", "list"), ("api_url", "http://example.com")]);
        assert!(
            e.contains("input `api_url`") && e.contains("only allowed for loopback"),
            "{e}"
        );
    }

    #[test]
    fn numbers_and_booleans_name_their_range() {
        let e = errors(&[
            ("operation", "list"),
            ("per_page", "101"),
            ("dry_run", "maybe"),
            ("request_timeout", "x"),
        ]);
        assert!(
            e.contains("input `per_page`: \"101\" is not a whole number from 1 to 100"),
            "{e}"
        );
        assert!(
            e.contains("input `dry_run`: \"maybe\" is not a boolean; allowed: true, false"),
            "{e}"
        );
        assert!(e.contains("input `request_timeout`"), "{e}");
    }

    #[test]
    fn operations_refuse_inputs_they_do_not_use() {
        let e = errors(&[("operation", "get"), ("url", "https://x")]);
        assert!(e.contains("input `url`: not used by operation get"), "{e}");
        assert!(e.contains("input `name`: required by operation get"), "{e}");
        let e = errors(&[("operation", "delete"), ("name", "../../repos")]);
        assert!(
            e.contains("input `name`") && e.contains("is not a configuration name"),
            "{e}"
        );
        let e = errors(&[("operation", "frobnicate")]);
        assert!(
            e.contains("unknown operation \"frobnicate\"; allowed: list, get, public-key"),
            "{e}"
        );
        let e = errors(&[("operation", "update"), ("name", "X")]);
        assert!(e.contains("nothing to update"), "{e}");
    }

    #[test]
    fn token_and_org_are_required_and_never_echoed() {
        let e = Inputs::parse(&Env::from_iter([
            ("INPUT_OPERATION", "list"),
            ("INPUT_ORG", "a/b"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(e.contains("input `token`: required"), "{e}");
        assert!(
            e.contains("input `org`: \"a/b\" is not an organization login"),
            "{e}"
        );
        let e = errors(&[
            ("operation", "create"),
            ("registry_type", "npm_registry"),
            ("url", "x"),
            ("secret", "TOPSECRET"),
        ]);
        assert!(!e.contains("TOPSECRET"), "{e}");
    }

    #[test]
    fn sync_parses_the_manifest_and_masks_its_secrets() {
        let manifest = "- registry_type: npm_registry\n  url: https://n.example.com\n  secret_env: NPM_TOKEN\n  visibility: all\n- type: docker-registry\n  url: https://r.example.com\n  secret: 'lit: #1'\n  visibility: all\n";
        let mut e = env(&[
            ("operation", "sync"),
            ("registries", manifest),
            ("prune", "true"),
        ]);
        e.vars.insert("NPM_TOKEN".into(), "npm-value".into());
        let masks: Vec<String> = values_to_mask(&e)
            .iter()
            .map(|s| s.expose().to_string())
            .collect();
        for want in ["ghp_token", "npm-value", "lit: #1"] {
            assert!(masks.iter().any(|m| m == want), "{want} not in {masks:?}");
        }
        let i = Inputs::parse(&e).unwrap();
        let Command::Sync { entries, prune } = &i.command else {
            panic!("{:?}", i.command)
        };
        assert!(*prune);
        assert_eq!(entries.len(), 2);
        assert!(!format!("{i:?}").contains("npm-value"));

        let e = errors(&[("operation", "sync"), ("url", "https://x")]);
        assert!(e.contains("input `url`: not used by operation sync"), "{e}");
        assert!(
            e.contains("input `registries`: required by operation sync"),
            "{e}"
        );
        let e = errors(&[("operation", "list"), ("prune", "true")]);
        assert!(
            e.contains("input `prune`: only used by operation sync"),
            "{e}"
        );
    }

    #[test]
    fn debug_of_inputs_shows_no_secret() {
        let i = Inputs::parse(&env(&[
            ("operation", "create"),
            ("registry_type", "npm_registry"),
            ("url", "https://npm.example.com"),
            ("visibility", "all"),
            ("secret", "TOPSECRET"),
        ]))
        .unwrap();
        let dbg = format!("{i:?} {:?}", env(&[("secret", "TOPSECRET")]));
        assert!(
            !dbg.contains("TOPSECRET") && !dbg.contains("ghp_token"),
            "{dbg}"
        );
    }
}
