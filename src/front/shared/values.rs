//! The single values both front ends read: orgs, the token or the App, numbers in a range,
//! `ca_certificate`, paths inside the workspace, variable names, and credentials pasted where
//! none belongs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::client::tls;
use crate::front::secrets::Need;
use crate::model::auth::{App, AppId, AppKey, Auth};
use crate::model::credential::looks_like_credential;
use crate::model::{Operation, Org, Secret, shorten, split_list};

/// One organization or several: each value split at commas and line breaks, every login
/// checked, repeats dropped; every problem names `label`.
pub fn orgs(values: &[&str], label: &str, errors: &mut Vec<String>) -> Option<Vec<Org>> {
    let mut orgs: Vec<Org> = Vec::new();
    let mut ok = true;
    for part in values.iter().flat_map(|v| split_list(v)) {
        match part.parse::<Org>() {
            Ok(o) if !orgs.contains(&o) => orgs.push(o),
            Ok(_) => {}
            Err(e) => {
                errors.push(format!("{label}: {e}"));
                ok = false;
            }
        }
    }
    if orgs.is_empty() && ok {
        errors.push(format!("{label}: no organization given"));
    }
    (ok && !orgs.is_empty()).then_some(orgs)
}

/// The token, checked to be one plausible value (never quoted back).
pub fn token(value: Option<&str>, label: &str, errors: &mut Vec<String>) -> Option<Secret> {
    match value {
        Some(t) if t.trim().chars().any(char::is_whitespace) || t.chars().any(char::is_control) => {
            errors.push(format!(
                "{label}: contains white space or control characters; pass the token alone"
            ));
            None
        }
        Some(t) if !t.is_ascii() => {
            errors.push(format!(
                "{label}: contains a character that is not ASCII (the token is not shown); a GitHub token is ASCII letters, digits and `_`: check it was copied whole and alone"
            ));
            None
        }
        Some(t) => Some(Secret::new(t.trim().to_string())),
        None => None,
    }
}

/// What the operation needs of the manifest's secret values: none for `diff` (never compared),
/// what is at hand for a dry run (it plans the rotation all the same), every one otherwise.
pub fn need(operation: Operation, dry_run: bool) -> Need {
    match (operation, dry_run) {
        (Operation::Diff, _) => Need::None,
        (_, true) => Need::AtHand,
        _ => Need::All,
    }
}

/// Exactly one way to sign in: a token, or a GitHub App's id and key (both). `labels` names
/// the token, the App id and the App key as the front end spells them; every problem is added
/// to `errors`, none quoting a value.
pub fn auth(
    given_token: Option<&str>,
    app_id: Option<&str>,
    app_key: Option<&str>,
    labels: [&str; 3],
    errors: &mut Vec<String>,
) -> Option<Auth> {
    let [token_label, id_label, key_label] = labels;
    match (given_token, app_id, app_key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            errors.push(format!(
                "{token_label} and {id_label}/{key_label}: give one way to sign in: a token, or a GitHub App's {id_label} and {key_label} (recommended: one narrow token per org, revoked at the end)"
            ));
            None
        }
        (Some(t), None, None) => token(Some(t), token_label, errors).map(Auth::Token),
        (None, Some(id), Some(key)) => {
            let id = AppId::parse(id)
                .map_err(|e| errors.push(format!("{id_label}: {e}")))
                .ok();
            let key = AppKey::parse(key)
                .map_err(|e| errors.push(format!("{key_label}: {e} (the key is not shown)")))
                .ok();
            Some(Auth::App(App { id: id?, key: key? }))
        }
        (None, Some(_), None) => {
            errors.push(format!(
                "{key_label}: required with {id_label} (the App's private key, PEM)"
            ));
            None
        }
        (None, None, Some(_)) => {
            errors.push(format!(
                "{id_label}: required with {key_label} (the App's ID or Client ID)"
            ));
            None
        }
        (None, None, None) => None,
    }
}

/// `request_timeout`: seconds one request may take, 1 to 3,600, 30 by default.
pub fn request_timeout(value: Option<&str>, label: &str, errors: &mut Vec<String>) -> Duration {
    Duration::from_secs(number(value, 1..=3600, 30, label, errors))
}

/// `max_wait`: the longest single wait, 0 to 21,600 seconds, 300 by default.
pub fn max_wait(value: Option<&str>, label: &str, errors: &mut Vec<String>) -> Duration {
    Duration::from_secs(number(value, 0..=21_600, 300, label, errors))
}

/// `per_page`: 1 to 100, 100 by default.
pub fn per_page(value: Option<&str>, label: &str, errors: &mut Vec<String>) -> u32 {
    number(value, 1..=100, 100, label, errors) as u32
}

/// `page`: 1 to 100,000, when given.
pub fn page(value: Option<&str>, label: &str, errors: &mut Vec<String>) -> Option<u32> {
    value.map(|p| number(Some(p), 1..=100_000, 1, label, errors) as u32)
}

/// A whole number within `range`, or the default; a bad one names the range.
pub fn number(
    value: Option<&str>,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
    label: &str,
    errors: &mut Vec<String>,
) -> u64 {
    match value.map(|v| v.trim().parse::<u64>()) {
        None => default,
        Some(Ok(n)) if range.contains(&n) => n,
        Some(_) => {
            errors.push(format!(
                "{label}: {:?} is not a whole number from {} to {}",
                shorten(value.unwrap_or_default()),
                range.start(),
                range.end()
            ));
            default
        }
    }
}

/// `ca_certificate` is PEM text, or a path to a PEM file (relative to `base`); either way
/// every certificate in it must parse, so a bad one fails before any request.
pub fn ca_certificate(value: &str, base: Option<&Path>) -> Result<String, String> {
    let text = if value.contains("-----BEGIN ") {
        value.to_string()
    } else {
        let path = PathBuf::from(value.trim());
        let path = match (path.is_relative(), base) {
            (true, Some(ws)) => ws.join(path),
            _ => path,
        };
        let text = crate::front::files::read_regular(&path, crate::front::files::MAX_FILE)
            .map_err(|e| format!("neither PEM text nor a readable file ({e})"))?;
        if !text.contains("-----BEGIN CERTIFICATE-----") {
            return Err(format!(
                "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            ));
        }
        text
    };
    tls::extra_roots(&text)?;
    Ok(text)
}

/// A path inside the workspace (`GITHUB_WORKSPACE`, else the current directory), relative to
/// it or absolute; refused when it resolves outside (through `..` or a symbolic link). The file
/// need not exist yet (its directory must).
pub fn in_workspace(value: &str, workspace: Option<&Path>) -> Result<PathBuf, String> {
    let root = match workspace {
        Some(ws) => ws.to_path_buf(),
        None => {
            std::env::current_dir().map_err(|e| format!("no workspace to resolve it in ({e})"))?
        }
    };
    let root = root
        .canonicalize()
        .map_err(|e| format!("the workspace {} cannot be read ({e})", root.display()))?;
    let path = root.join(value.trim());
    let resolved = match path.canonicalize() {
        Ok(p) => p,
        Err(_) => {
            let parent = path.parent().unwrap_or(&root);
            let file = path
                .file_name()
                .ok_or_else(|| format!("{:?} names no file", shorten(value)))?;
            parent
                .canonicalize()
                .map_err(|e| format!("{} cannot be read ({e})", parent.display()))?
                .join(file)
        }
    };
    if resolved.starts_with(&root) {
        Ok(resolved)
    } else {
        Err(format!(
            "{:?} resolves outside the workspace ({}); give a path inside it, such as .github/dependabot.yml",
            shorten(value),
            root.display()
        ))
    }
}

/// Whether `var` can name an environment variable; the error never quotes it (a secret pasted
/// where its variable's name belongs must not be echoed).
pub fn env_var_name(var: &str) -> Result<(), String> {
    if looks_like_credential(var) {
        return Err("the value looks like a credential (a token or a key) and is not shown; give the name of the environment variable that holds it, e.g. NPM_TOKEN".to_string());
    }
    let valid = var.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err("is not an environment variable name (the value is not shown, in case it is the secret itself); allowed: letters, digits and `_`, e.g. NPM_TOKEN".to_string())
    }
}

/// Each given input (by its label) whose value looks like a credential, refused without
/// quoting it. `values` holds the inputs that never carry a secret; `advice` says where one goes.
pub fn credentials_where_none_belong<'a>(
    values: impl IntoIterator<Item = (String, &'a str)>,
    advice: &str,
) -> Vec<String> {
    values
        .into_iter()
        .filter(|(_, v)| looks_like_credential(v))
        .map(|(label, _)| {
            format!(
                "{label}: the value looks like a credential (a token or a key) and is not shown; {advice}"
            )
        })
        .collect()
}
