//! The action's inputs as `INPUT_*` variables: the declared names, the raw values read once
//! (wiped when dropped), and every variable that is not an input (`dry-run` for `dry_run`) or
//! not UTF-8 refused, so that no input vanishes.

use std::collections::BTreeMap;

use serde::Deserialize;
use zeroize::Zeroize;

use crate::front::env::Env;
use crate::front::shared::closest;
use crate::model::OidcField;
use crate::model::spec::SPEC_KEYS;

/// The inputs besides the registry keys ([`SPEC_KEYS`] and the OIDC fields).
pub(super) const INPUTS: &[&str] = &[
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
pub(super) struct Raw {
    pub(super) token: Option<String>,
    pub(super) app_id: Option<String>,
    pub(super) app_private_key: Option<String>,
    pub(super) org: Option<String>,
    pub(super) api_url: Option<String>,
    pub(super) operation: Option<String>,
    pub(super) name: Option<String>,
    pub(super) dry_run: Option<String>,
    pub(super) per_page: Option<String>,
    pub(super) page: Option<String>,
    pub(super) request_timeout: Option<String>,
    pub(super) max_wait: Option<String>,
    pub(super) ca_certificate: Option<String>,
    pub(super) fail_fast: Option<String>,
    pub(super) registries: Option<String>,
    pub(super) registries_file: Option<String>,
    pub(super) secrets: Option<String>,
    pub(super) overlay: Option<String>,
    pub(super) format: Option<String>,
    pub(super) path: Option<String>,
    pub(super) prune: Option<String>,
    pub(super) include_archived: Option<String>,
    pub(super) include_forks: Option<String>,
    /// Every other input, including the registry keys, read through [`SPEC_KEYS`].
    #[serde(flatten)]
    pub(super) rest: BTreeMap<String, String>,
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

pub(super) fn input(key: &str) -> String {
    format!("input `{key}`")
}

/// Inputs that never hold a secret, by name, with their values: every input but the token, the
/// secrets, those whose keys the registry parser checks itself (the manifest, the registry
/// keys), and `ca_certificate` (a public certificate, whose base64 looks random).
pub(super) fn plain_inputs(env: &Env) -> impl Iterator<Item = (String, &str)> {
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
pub(super) fn unknown_inputs(env: &Env, errors: &mut Vec<String>) {
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
