//! The input rules both front ends apply, word for word: what each operation needs and
//! refuses, tokens, numbers, booleans, `ca_certificate`, and "did you mean" suggestions.
//! Messages name the input the way the front end spells it, through a [`Label`].

use std::path::{Path, PathBuf};

use super::secrets::Need;
use crate::client::tls;
use crate::core::Command;
use crate::model::auth::{App, AppId, AppKey, Auth};
use crate::model::credential::looks_like_credential;
use crate::model::spec::{Label, RawSpec, SPEC_KEYS};
use crate::model::{
    ConfigName, Entry, ExportFormat, Operation, Org, RegistrySpec, Secret, shorten, split_list,
};

/// What the user gave for one operation, before validation.
pub struct Given<'a> {
    pub operation: Operation,
    pub name: Option<&'a str>,
    /// The registry keys given (trimmed, empty ones dropped; the secret verbatim).
    pub spec: &'a RawSpec,
    /// Whether `page` or `per_page` was given (list only).
    pub paging: Option<&'static str>,
    pub per_page: u32,
    pub page: Option<u32>,
    /// The parsed manifest (sync), or whether one was given to another operation.
    pub registries: Option<Result<Vec<Entry>, Vec<String>>>,
    pub prune: bool,
    /// `export`, `discover`: the format asked for, and the file to write (already resolved).
    pub format: Option<&'a str>,
    pub path: Option<Result<PathBuf, String>>,
    /// `discover`: archived repositories and forks too.
    pub include: Include,
    /// `discover`: how a repository's dependabot.yml is read (the manifest reader's mapping).
    pub parse_file: crate::model::discovery::ParseFile,
}

/// `discover`'s `include_archived` and `include_forks`, each `None` when not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    pub archived: Option<bool>,
    pub forks: Option<bool>,
}

/// Turns what was given into the command, adding every problem to `errors`.
pub fn command(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    let op = g.operation;
    let name = g.name.and_then(|n| {
        n.trim()
            .parse::<ConfigName>()
            .map_err(|e| errors.push(format!("{}: {e}", label("name"))))
            .ok()
    });
    refuse_unused(g, label, errors);
    if let (true, Some(key)) = (op != Operation::List, g.paging) {
        errors.push(format!("{}: only used by operation list", label(key)));
    }
    let spec_keys: Vec<&String> = g.spec.keys().collect();
    let not_for = |errors: &mut Vec<String>, why: &str| {
        for k in &spec_keys {
            errors.push(format!("{}: not used by operation {op}; {why}", label(k)));
        }
    };
    match op {
        Operation::List => {
            not_for(errors, "list takes per_page and page");
            Some(Command::List {
                per_page: g.per_page,
                page: g.page,
            })
        }
        Operation::PublicKey => {
            not_for(errors, "public-key takes no registry inputs");
            Some(Command::PublicKey)
        }
        Operation::Get | Operation::Delete => {
            not_for(errors, "it takes only name");
            need_name(g, label, errors);
            name.map(|name| match op {
                Operation::Get => Command::Get { name },
                _ => Command::Delete { name },
            })
        }
        Operation::Sync | Operation::Diff => {
            not_for(errors, "it reads every registry from the registries input");
            sync(g, label, errors)
        }
        Operation::Export => {
            not_for(errors, "export takes format and path");
            export(g, label, errors)
        }
        Operation::Discover => {
            not_for(
                errors,
                "discover reads the repositories' dependabot.yml files",
            );
            match export(g, label, errors)? {
                Command::Export { format, path } => Some(Command::Discover {
                    scope: crate::core::discover::Scope {
                        include_archived: g.include.archived.unwrap_or(false),
                        include_forks: g.include.forks.unwrap_or(false),
                        parse: g.parse_file,
                    },
                    format,
                    path,
                }),
                _ => None,
            }
        }
        Operation::Create | Operation::Update | Operation::Set => writing(g, name, label, errors),
    }
}

/// Inputs given to an operation that does not use them: each is an error, never ignored.
fn refuse_unused(g: &Given, label: Label, errors: &mut Vec<String>) {
    let op = g.operation;
    if !op.reads_manifest() && g.registries.is_some() {
        errors.push(format!(
            "{}: only used by operations sync and diff",
            label("registries")
        ));
    }
    if op != Operation::Sync && g.prune {
        errors.push(format!("{}: only used by operation sync", label("prune")));
    }
    if !matches!(op, Operation::Export | Operation::Discover) {
        for (given, key) in [(g.format.is_some(), "format"), (g.path.is_some(), "path")] {
            if given {
                errors.push(format!(
                    "{}: only used by operations export and discover",
                    label(key)
                ));
            }
        }
    }
    if op != Operation::Discover {
        for (given, key) in [
            (g.include.archived.is_some(), "include_archived"),
            (g.include.forks.is_some(), "include_forks"),
        ] {
            if given {
                errors.push(format!("{}: only used by operation discover", label(key)));
            }
        }
    }
}

fn export(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    if g.name.is_some() {
        errors.push(format!(
            "{}: not used by operation {}; it reads every configuration",
            label("name"),
            g.operation
        ));
    }
    let format = match g.format.map(str::parse::<ExportFormat>) {
        None => ExportFormat::Manifest,
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", label("format")));
            return None;
        }
    };
    let path = match &g.path {
        None => None,
        Some(Ok(p)) => Some(p.clone()),
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", label("path")));
            return None;
        }
    };
    Some(Command::Export { format, path })
}

fn need_name(g: &Given, label: Label, errors: &mut Vec<String>) {
    if g.name.is_none() {
        errors.push(format!(
            "{}: required by operation {}; the configuration name as GitHub reports it (see operation list)",
            label("name"),
            g.operation
        ));
    }
}

fn sync(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    if g.name.is_some() {
        errors.push(format!(
            "{}: not used by operation sync; put names in the registries entries",
            label("name")
        ));
    }
    match &g.registries {
        Some(Ok(entries)) if g.operation == Operation::Diff => Some(Command::Diff {
            entries: entries.clone(),
        }),
        Some(Ok(entries)) => Some(Command::Sync {
            entries: entries.clone(),
            prune: g.prune,
        }),
        Some(Err(problems)) => {
            errors.extend(problems.iter().cloned());
            None
        }
        None => {
            errors.push(format!(
                "{}: required by operation {}; a dependabot.yml registries map, or a YAML or JSON list of registries",
                label("registries"),
                g.operation
            ));
            None
        }
    }
}

/// create, update and set: a registry spec, and what each needs of it.
fn writing(
    g: &Given,
    name: Option<ConfigName>,
    label: Label,
    errors: &mut Vec<String>,
) -> Option<Command> {
    let spec = RegistrySpec::parse(g.spec, label)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    match g.operation {
        Operation::Create => {
            if g.name.is_some() {
                errors.push(format!(
                    "{}: not used by operation create; GitHub names the configuration itself (use set to match by name)",
                    label("name")
                ));
            }
            let spec = spec?;
            let mut problems = spec.creation_problems(label);
            let ok = problems.is_empty();
            errors.append(&mut problems);
            ok.then_some(Command::Create { spec })
        }
        Operation::Update => {
            need_name(g, label, errors);
            let spec = spec?;
            if !spec.has_changes() && !spec.wants_repositories() {
                let keys: Vec<&str> = SPEC_KEYS
                    .iter()
                    .filter(|k| **k != "secret")
                    .copied()
                    .collect();
                errors.push(format!(
                    "operation update: nothing to update; give at least one of: secret, {}",
                    keys.join(", ")
                ));
                return None;
            }
            name.map(|name| Command::Update { name, spec })
        }
        _ => {
            let spec = spec?;
            if name.is_none() && spec.match_key().is_none() {
                for key in ["registry_type", "url"] {
                    if !g.spec.contains_key(key) {
                        errors.push(format!(
                            "{}: required by operation set without a name (the configuration is matched by registry_type and url)",
                            label(key)
                        ));
                    }
                }
                return None;
            }
            Some(Command::Set { name, spec })
        }
    }
}

/// One organization or several: each value split at commas and line breaks, every login
/// checked, repeats dropped; every problem names `label`.
pub fn orgs(values: &[&str], label: &str, errors: &mut Vec<String>) -> Option<Vec<Org>> {
    let mut orgs: Vec<Org> = Vec::new();
    let mut ok = true;
    for part in values.iter().flat_map(|v| split_list(v)) {
        match part.parse::<Org>() {
            Ok(o)
                if !orgs
                    .iter()
                    .any(|x| x.as_str().eq_ignore_ascii_case(o.as_str())) =>
            {
                orgs.push(o)
            }
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
        let text = super::files::read_regular(&path, super::files::MAX_FILE)
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

/// The candidate closest to `word` when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, c), c))
        .filter(|(d, _)| *d <= 2 || (*d <= 3 && word.len() >= 10))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance (on chars) for "did you mean", a swap of two neighbours counting as one
/// edit (`ogr` → `org`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_hyphens() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest("dry-run", ["dry_run", "prune"]), Some("dry_run"));
        assert_eq!(
            closest("visibilty", ["visibility", "url"]),
            Some("visibility")
        );
        assert_eq!(closest("zzz", ["visibility", "url"]), None);
    }
}
