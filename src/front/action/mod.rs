//! The Action front end: a GitHub Actions step's `INPUT_*` variables → one validated
//! [`Request`]. Every problem is collected and reported together, each naming the input and
//! what is allowed, before any request. Which variables are inputs, and refusing the others, is
//! [`inputs`]; what is masked before anything prints, [`masking`].

mod inputs;
mod masking;
#[cfg(test)]
mod tests;

use inputs::*;
pub use masking::values_to_mask;

use std::borrow::Cow;

use crate::client::Connection;
use crate::core::Request;
use crate::front::env::Env;
use crate::front::files;
use crate::front::manifest;
use crate::front::secrets::{Need, Secrets};
use crate::front::shared::{self, Given};
use crate::model::spec::{RawSpec, SPEC_KEYS};
use crate::model::types::ApiUrl;
use crate::model::{Entry, Error, OidcField, Operation, Org, parse_bool};
use crate::report::Sink;

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
            input_name: input,
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
    let request_timeout = shared::request_timeout(
        raw.request_timeout.as_deref(),
        &input("request_timeout"),
        errors,
    );
    let max_wait = shared::max_wait(raw.max_wait.as_deref(), &input("max_wait"), errors);
    let workspace = env.path("GITHUB_WORKSPACE");
    let ca_certificate = raw.ca_certificate.as_deref().and_then(|v| {
        shared::ca_certificate(v, workspace.as_deref())
            .map_err(|e| errors.push(format!("{}: {e}", input("ca_certificate"))))
            .ok()
    });
    Some(Connection {
        api_url: api_url?,
        auth: auth?,
        request_timeout,
        max_wait,
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
    let per_page = shared::per_page(raw.per_page.as_deref(), &input("per_page"), errors);
    let page = shared::page(raw.page.as_deref(), &input("page"), errors);
    let prune = boolean(raw.prune.as_deref(), "prune", errors);
    let spec = registry_spec(raw);
    let registries = registries(raw, env, (operation, need), unresolved);
    if !operation.reads_manifest() {
        manifest_inputs_unused(raw, errors);
    }
    let paging = match (&raw.page, &raw.per_page) {
        (Some(_), _) => Some("page"),
        (None, Some(_)) => Some("per_page"),
        _ => None,
    };
    let given = Given {
        operation,
        name: raw.name.as_deref(),
        spec: &spec,
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

/// The registry inputs given (the keys of [`SPEC_KEYS`] and the OIDC fields; a [`RawSpec`]
/// clears them when dropped). Secrets are taken verbatim (a password may end in spaces); the
/// rest trimmed.
fn registry_spec(raw: &Raw) -> RawSpec {
    raw.rest
        .iter()
        .filter(|(k, _)| {
            SPEC_KEYS.contains(&k.as_str())
                || OidcField::ALL.iter().any(|f| f.as_str() == k.as_str())
        })
        .map(|(k, v)| {
            let v = if k == "secret" {
                v.clone()
            } else {
                v.trim().to_string()
            };
            (k.clone(), v)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// A manifest's inputs given to an operation that reads none.
fn manifest_inputs_unused(raw: &Raw, errors: &mut Vec<String>) {
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
