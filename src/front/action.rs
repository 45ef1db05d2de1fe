//! The Action front end: a GitHub Actions step's `INPUT_*` variables → one validated
//! [`Request`]. Every problem is collected and reported together, each naming the input and
//! what is allowed, before any request. An `INPUT_*` variable that is not an input of this
//! action (`dry-run` for `dry_run`), or whose value is not UTF-8, is refused: no input vanishes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use zeroize::Zeroize;

use super::env::Env;
use super::files;
use super::manifest;
use super::mask;
use super::secrets::{Need, Secrets};
use super::shared::{self, Given, closest};
use crate::client::Connection;
use crate::core::Request;
use crate::model::spec::{RawSpec, SPEC_KEYS};
use crate::model::types::ApiUrl;
use crate::model::{Entry, Error, OidcField, Operation, Org, Secret, credential, parse_bool};
use crate::report::Sink;

/// The inputs besides the registry keys ([`SPEC_KEYS`] and the OIDC fields).
const INPUTS: &[&str] = &[
    "token",
    "app_id",
    "app_private_key",
    "org",
    "api_url",
    "operation",
    "name",
    "dry_run",
    "per_page",
    "page",
    "request_timeout",
    "max_wait",
    "ca_certificate",
    "fail_fast",
    "registries",
    "registries_file",
    "secrets",
    "overlay",
    "format",
    "path",
    "prune",
    "include_archived",
    "include_forks",
];

/// Every input name of the action, as `action.yml` declares them.
pub fn known_inputs() -> impl Iterator<Item = &'static str> {
    INPUTS
        .iter()
        .chain(SPEC_KEYS)
        .copied()
        .chain(OidcField::ALL.iter().map(|f| f.as_str()))
}

/// The raw `INPUT_*` strings, as the runner passes them (upper-cased names; envy lower-cases).
#[derive(Deserialize, Default)]
struct Raw {
    token: Option<String>,
    app_id: Option<String>,
    app_private_key: Option<String>,
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
    fail_fast: Option<String>,
    registries: Option<String>,
    registries_file: Option<String>,
    secrets: Option<String>,
    overlay: Option<String>,
    format: Option<String>,
    path: Option<String>,
    prune: Option<String>,
    include_archived: Option<String>,
    include_forks: Option<String>,
    /// Every other input, including the registry keys, read through [`SPEC_KEYS`].
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.token.zeroize();
        self.app_private_key.zeroize();
        self.secrets.zeroize();
        // `rest` holds `secret`.
        for value in self.rest.values_mut() {
            value.zeroize();
        }
    }
}

/// The registry inputs (the secret among them), cleared when dropped.
struct Wiped(RawSpec);

impl Drop for Wiped {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            value.zeroize();
        }
    }
}

fn input(key: &str) -> String {
    format!("input `{key}`")
}

/// Where the report goes: Actions' files inside a workflow, a JSON document elsewhere.
pub fn sink(env: &Env) -> Sink {
    if env.in_actions() {
        Sink::Actions {
            output_file: env.path("GITHUB_OUTPUT"),
            summary_file: env.path("GITHUB_STEP_SUMMARY"),
        }
    } else {
        Sink::Terminal {
            json: Some(crate::report::JsonView::default()),
            layout: crate::report::Layout::Tabs,
            colour: false,
        }
    }
}

/// The values to mask before anything is printed: the token, the secret, and the secrets of
/// a `registries` manifest (literal `secret` values and the `secret_env` variables).
///
/// Read straight from the environment, leniently, so masking happens even when validation fails.
pub fn values_to_mask(env: &Env) -> Vec<Secret> {
    let mut values: Vec<Secret> = ["INPUT_TOKEN", "INPUT_SECRET", "INPUT_APP_PRIVATE_KEY"]
        .iter()
        .filter_map(|k| env.get(k))
        .map(|v| Secret::new(v.to_string()))
        .collect();
    if let Some(text) = env.get("INPUT_REGISTRIES") {
        values.extend(mask::secrets_to_mask(text, env));
    }
    // A credential pasted where no secret belongs (a name, a URL, the manifest's `username`)
    // is masked at once too, before the error that refuses it.
    for (var, value) in env.vars() {
        if var.starts_with("INPUT_")
            && !matches!(var, "INPUT_CA_CERTIFICATE" | "INPUT_APP_PRIVATE_KEY")
        {
            let found = credential::credentials_in(value);
            values.extend(found.into_iter().map(|w| Secret::new(w.to_string())));
        }
    }
    if let Some(Ok(path)) = env
        .get("INPUT_REGISTRIES_FILE")
        .map(|p| shared::in_workspace(p, env.path("GITHUB_WORKSPACE").as_deref()))
        && let Ok(text) = files::read_regular(&path, files::MAX_FILE)
    {
        values.extend(mask::secrets_to_mask(&text, env));
        let found = credential::credentials_in(&text);
        values.extend(found.into_iter().map(|w| Secret::new(w.to_string())));
    }
    if let Some(Ok(secrets)) = env
        .get("INPUT_SECRETS")
        .map(|t| Secrets::from_json(t, "input `secrets`"))
    {
        values.extend(secrets.values());
    }
    values
}

/// Inputs that never hold a secret, by name, with their values: every input but the token, the
/// secrets, those whose keys the registry parser checks itself (the manifest, the registry
/// keys), and `ca_certificate` (a public certificate, whose base64 looks random).
fn plain_inputs(env: &Env) -> impl Iterator<Item = (String, &str)> {
    const SECRET_OR_PARSED: &[&str] = &[
        "token",
        "app_private_key",
        "secret",
        "secrets",
        "registries",
        "ca_certificate",
    ];
    env.vars().filter_map(|(var, value)| {
        let name = var.strip_prefix("INPUT_")?.to_ascii_lowercase();
        let parsed = SECRET_OR_PARSED.contains(&name.as_str())
            || SPEC_KEYS.contains(&name.as_str())
            || OidcField::ALL.iter().any(|f| f.as_str() == name);
        (!parsed).then_some((name, value))
    })
}

/// Every `INPUT_*` variable must be an input of the action, with a UTF-8 value.
fn unknown_inputs(env: &Env, errors: &mut Vec<String>) {
    for var in env.not_utf8() {
        if let Some(name) = var.strip_prefix("INPUT_") {
            errors.push(format!(
                "{}: the value is not valid UTF-8 (not shown); pass text",
                input(&name.to_ascii_lowercase())
            ));
        }
    }
    for (var, _) in env.vars() {
        let Some(name) = var.strip_prefix("INPUT_") else {
            continue;
        };
        let name = name.to_ascii_lowercase();
        if known_inputs().any(|k| k == name) {
            continue;
        }
        let hint = match closest(&name, known_inputs()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "see the inputs in action.yml or README".to_string(),
        };
        errors.push(format!(
            "{}: not an input of this action (INPUT_{}); {hint}",
            input(&name),
            name.to_ascii_uppercase()
        ));
    }
}

/// Validates every input; all problems are reported together.
pub fn request(env: &Env) -> Result<Request, Error> {
    let raw: Raw = envy::prefixed("INPUT_")
        .from_iter(
            env.vars()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .map_err(|e| Error::invalid(format!("inputs could not be read: {e}")))?;
    let mut errors = Vec::new();
    unknown_inputs(env, &mut errors);
    errors.extend(shared::credentials_where_none_belong(
        plain_inputs(env).map(|(name, v)| (input(&name), v)),
        "credentials go only in the inputs made for them (token, secret, secrets)",
    ));
    let operation = match raw.operation.as_deref().map(str::parse::<Operation>) {
        None => Operation::Set,
        Some(Ok(op)) => op,
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", input("operation")));
            return Err(Error::Invalid(errors));
        }
    };
    let connection = connection(&raw, env, &mut errors);
    let orgs = orgs(&raw, &mut errors);
    let dry_run = boolean(raw.dry_run.as_deref(), "dry_run", &mut errors);
    let fail_fast = boolean(raw.fail_fast.as_deref(), "fail_fast", &mut errors);
    if orgs.as_ref().is_some_and(|o| o.len() > 1) && raw.path.is_some() {
        errors.push(format!(
            "{}: one file cannot hold the export of several orgs; use the manifest output of each (outputs.orgs), or run export per org",
            input("path")
        ));
    }
    let need = shared::need(operation, dry_run);
    let mut unresolved_secrets = Vec::new();
    let command = command(
        &raw,
        env,
        (operation, need),
        &mut unresolved_secrets,
        &mut errors,
    );
    match (errors.is_empty(), connection, orgs, command) {
        (true, Some(connection), Some(orgs), Some(command)) => Ok(Request {
            connection,
            orgs,
            fail_fast,
            dry_run,
            unresolved_secrets,
            command,
        }),
        _ => {
            if errors.is_empty() {
                errors.push("inputs are incomplete".to_string());
            }
            Err(Error::Invalid(errors))
        }
    }
}

fn boolean(value: Option<&str>, key: &str, errors: &mut Vec<String>) -> bool {
    match value.map(parse_bool) {
        None => false,
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", input(key)));
            false
        }
    }
}

fn orgs(raw: &Raw, errors: &mut Vec<String>) -> Option<Vec<Org>> {
    match raw.org.as_deref() {
        Some(o) => shared::orgs(&[o], &input("org"), errors),
        None => {
            errors.push(format!(
                "{}: required; the organization login, or several (comma or newline separated); defaults to the repository owner in a workflow",
                input("org")
            ));
            None
        }
    }
}

fn connection(raw: &Raw, env: &Env, errors: &mut Vec<String>) -> Option<Connection> {
    let auth = shared::auth(
        raw.token.as_deref(),
        raw.app_id.as_deref(),
        raw.app_private_key.as_deref(),
        [&input("token"), &input("app_id"), &input("app_private_key")],
        errors,
    );
    if raw.token.is_none() && raw.app_id.is_none() && raw.app_private_key.is_none() {
        errors.push(format!(
            "{}: required, or {} and {}: a GitHub App whose only permission is \"Organization private registries\" (recommended), a fine-grained token with that permission, or a classic PAT with admin:org",
            input("token"),
            input("app_id"),
            input("app_private_key")
        ));
    }
    let api_url = raw
        .api_url
        .as_deref()
        .or_else(|| env.get("GITHUB_API_URL"))
        .unwrap_or("https://api.github.com")
        .parse::<ApiUrl>()
        .map_err(|e| errors.push(format!("{}: {e}", input("api_url"))))
        .ok();
    let request_timeout = shared::number(
        raw.request_timeout.as_deref(),
        1..=3600,
        30,
        &input("request_timeout"),
        errors,
    );
    let max_wait = shared::number(
        raw.max_wait.as_deref(),
        0..=21_600,
        300,
        &input("max_wait"),
        errors,
    );
    let workspace = env.path("GITHUB_WORKSPACE");
    let ca_certificate = raw.ca_certificate.as_deref().and_then(|v| {
        shared::ca_certificate(v, workspace.as_deref())
            .map_err(|e| errors.push(format!("{}: {e}", input("ca_certificate"))))
            .ok()
    });
    Some(Connection {
        api_url: api_url?,
        auth: auth?,
        request_timeout: Duration::from_secs(request_timeout),
        max_wait: Duration::from_secs(max_wait),
        ca_certificate,
    })
}

fn command(
    raw: &Raw,
    env: &Env,
    (operation, need): (Operation, Need),
    unresolved: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> Option<crate::core::Command> {
    let per_page = shared::number(
        raw.per_page.as_deref(),
        1..=100,
        100,
        &input("per_page"),
        errors,
    ) as u32;
    let page = raw
        .page
        .as_deref()
        .map(|p| shared::number(Some(p), 1..=100_000, 1, &input("page"), errors) as u32);
    let prune = boolean(raw.prune.as_deref(), "prune", errors);
    let spec = Wiped(
        raw.rest
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
            .collect(),
    );
    let registries = registries(raw, env, (operation, need), unresolved);
    if !operation.reads_manifest() {
        for (given, key) in [
            (raw.secrets.is_some(), "secrets"),
            (raw.overlay.is_some(), "overlay"),
            (raw.registries_file.is_some(), "registries_file"),
        ] {
            if given {
                errors.push(format!(
                    "{}: only used by operations sync and diff",
                    input(key)
                ));
            }
        }
    }
    let paging = match (&raw.page, &raw.per_page) {
        (Some(_), _) => Some("page"),
        (None, Some(_)) => Some("per_page"),
        _ => None,
    };
    let given = Given {
        operation,
        name: raw.name.as_deref(),
        spec: &spec.0,
        paging,
        per_page,
        page,
        registries,
        prune,
        format: raw.format.as_deref(),
        path: raw
            .path
            .as_deref()
            .map(|p| shared::in_workspace(p, env.path("GITHUB_WORKSPACE").as_deref())),
        include: include(raw, errors),
        parse_file: manifest::parse_repository_file,
    };
    shared::command(&given, &input, errors)
}

/// The sync manifest: the `registries` text or the `registries_file` inside the workspace,
/// with `${{ secrets.NAME }}` from the `secrets` input (else the environment) and the
/// `overlay`; `None` when neither was given.
fn registries(
    raw: &Raw,
    env: &Env,
    (operation, need): (Operation, Need),
    unresolved: &mut Vec<String>,
) -> Option<Result<Vec<Entry>, Vec<String>>> {
    if !operation.reads_manifest() {
        // Reported by the operation's rules (`registries`) and `request` (`registries_file`).
        return raw.registries.as_ref().map(|_| Ok(Vec::new()));
    }
    let (text, origin) = match (&raw.registries, &raw.registries_file) {
        (None, None) => return None,
        (Some(_), Some(_)) => {
            return Some(Err(vec![format!(
                "{} and {}: give one of them",
                input("registries"),
                input("registries_file")
            )]));
        }
        // The input's text is borrowed, not copied: it may hold literal secrets.
        (Some(text), None) => (Cow::Borrowed(text.as_str()), input("registries")),
        (None, Some(path)) => match read_in_workspace(path, env) {
            Ok(text) => (Cow::Owned(text), path.trim().to_string()),
            Err(e) => return Some(Err(vec![format!("{}: {e}", input("registries_file"))])),
        },
    };
    let secrets = match raw.secrets.as_deref() {
        Some(json) => match Secrets::from_json(json, &input("secrets")) {
            Ok(s) => s,
            Err(e) => return Some(Err(vec![e])),
        },
        None => Secrets::from_env(),
    }
    .needing(need);
    let parsed = manifest::parse_source(&manifest::Source {
        text: &text,
        origin,
        env,
        secrets: &secrets,
        overlay: raw.overlay.as_deref(),
    });
    *unresolved = secrets.unresolved();
    Some(parsed)
}

/// `include_archived` and `include_forks`, each `None` when not given.
fn include(raw: &Raw, errors: &mut Vec<String>) -> shared::Include {
    let flag = |value: &Option<String>, key: &str, errors: &mut Vec<String>| {
        value.as_deref().map(|v| boolean(Some(v), key, errors))
    };
    shared::Include {
        archived: flag(&raw.include_archived, "include_archived", errors),
        forks: flag(&raw.include_forks, "include_forks", errors),
    }
}

fn read_in_workspace(path: &str, env: &Env) -> Result<String, String> {
    let file = shared::in_workspace(path, env.path("GITHUB_WORKSPACE").as_deref())?;
    files::read_regular(&file, files::MAX_FILE)
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
        request(&env(pairs)).unwrap_err().to_string()
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
        let i = request(&env(&[("operation", "list"), ("page", ""), ("name", "")])).unwrap();
        assert!(matches!(
            i.command,
            crate::core::Command::List {
                per_page: 100,
                page: None
            }
        ));
    }

    #[test]
    fn api_url_must_be_https_or_loopback() {
        let e = errors(&[("operation", "list"), ("api_url", "http://example.com")]);
        assert!(
            e.contains("input `api_url`") && e.contains("only allowed to a literal loopback"),
            "{e}"
        );
        let e = errors(&[
            ("operation", "list"),
            ("api_url", "http://127.0.0.1.example.com"),
        ]);
        assert!(e.contains("input `api_url`"), "{e}");
    }

    #[test]
    fn unknown_and_misspelt_inputs_are_refused() {
        let e = errors(&[
            ("operation", "list"),
            ("dry-run", "true"),
            ("frobnicate", "1"),
        ]);
        assert!(
            e.contains("input `dry-run`: not an input of this action (INPUT_DRY-RUN); did you mean `dry_run`?"),
            "{e}"
        );
        assert!(
            e.contains("input `frobnicate`: not an input of this action"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_refused_by_name() {
        use std::os::unix::ffi::OsStringExt;
        let env = Env::from_os([
            ("INPUT_TOKEN".into(), "t".into()),
            ("INPUT_ORG".into(), "acme".into()),
            ("INPUT_OPERATION".into(), "list".into()),
            (
                "INPUT_DRY_RUN".into(),
                std::ffi::OsString::from_vec(vec![0xff, 0xfe]),
            ),
        ]);
        let e = request(&env).unwrap_err().to_string();
        assert!(
            e.contains("input `dry_run`: the value is not valid UTF-8"),
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
        let e = request(&Env::from_iter([
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
        let e: Env = env(&[
            ("operation", "sync"),
            ("registries", manifest),
            ("prune", "true"),
        ])
        .vars()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("NPM_TOKEN".to_string(), "npm-value".to_string())])
        .collect();
        let masks: Vec<String> = values_to_mask(&e)
            .iter()
            .map(|s| s.expose().to_string())
            .collect();
        for want in ["ghp_token", "npm-value", "lit: #1"] {
            assert!(masks.iter().any(|m| m == want), "{want} not in {masks:?}");
        }
        let i = request(&e).unwrap();
        let crate::core::Command::Sync { entries, prune } = &i.command else {
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
        let i = request(&env(&[
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
