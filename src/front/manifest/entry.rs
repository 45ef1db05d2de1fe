//! One manifest entry: its keys in their canonical spelling (dependabot.yml's `type`, hyphens),
//! unknown keys with a suggestion, values as text, the secret from `secret`, `secret_env` or a
//! `${{ secrets.NAME }}` reference, then the entry validated as a [`RegistrySpec`].

use super::yaml::*;
use super::*;
use std::collections::BTreeMap;

use serde_norway::Value as Yaml;

use crate::front::env::Env;
use crate::front::mask::DEPENDABOT_SECRET_KEYS;
use crate::front::secrets::{Secrets, reference};
use crate::front::shared::{edit_distance, env_var_name};
use crate::model::spec::{RawSpec, SPEC_KEYS, describe};
use crate::model::{ConfigName, Entry, OidcField, RegistrySpec};

/// The keys an entry takes besides the OIDC fields, in their canonical (API) spelling: the
/// registry keys of the single inputs, plus `name` and `secret_env`.
pub(super) fn keys() -> impl Iterator<Item = &'static str> + Clone {
    ["name"]
        .into_iter()
        .chain(SPEC_KEYS.iter().copied())
        .chain(["secret_env"])
}

/// Keys whose value may be a list.
pub(super) const LIST_KEYS: &[&str] = &["selected_repository_ids", "selected_repositories"];

/// The canonical spelling of a key: `-` → `_`, `type` → `registry_type`; `None` if unknown.
pub(super) fn canonical(key: &str) -> Option<&'static str> {
    let k = key.trim();
    // Equal with `-` read as `_` (no known key has a `-`), without building a copy.
    let same = |known: &str| {
        k.len() == known.len()
            && k.bytes()
                .zip(known.bytes())
                .all(|(a, b)| a == b || (a == b'-' && b == b'_'))
    };
    if same("type") {
        return Some("registry_type");
    }
    keys()
        .chain(OidcField::ALL.iter().map(|f| f.as_str()))
        .find(|known| same(known))
}

/// Why a key is unknown, with a suggestion when one is close.
pub(super) fn unknown_key(key: &str) -> String {
    let k = key.trim().replace('-', "_").to_ascii_lowercase();
    if DEPENDABOT_SECRET_KEYS.contains(&k.as_str()) {
        return format!(
            "unknown key; dependabot.yml's `{key}` holds the secret: here use `secret_env: VAR` (the step's env maps VAR to a secret), or `secret`"
        );
    }
    let candidates = keys()
        .chain(["type"])
        .chain(OidcField::ALL.iter().map(|f| f.as_str()));
    let best = candidates
        .map(|c| (edit_distance(&k, c), c))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 2 || (d <= 3 && k.len() >= 10) => {
            format!("unknown key; did you mean `{c}`?")
        }
        _ => format!(
            "unknown key; allowed: {}, and the OIDC fields ({})",
            keys().collect::<Vec<_>>().join(", "),
            OidcField::allowed()
        ),
    }
}

/// How messages name an entry: its label, or its position with its url or name. Written only
/// when a message needs it.
pub(super) struct Here<'a> {
    index: usize,
    map: &'a [(Yaml, Yaml)],
    labelled: Option<&'a str>,
}

impl std::fmt::Display for Here<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(label) = self.labelled {
            return f.write_str(label);
        }
        let url = self
            .map
            .iter()
            .find(|(k, _)| key_text(k).is_some_and(|k| k.trim() == "url"))
            .and_then(|(_, v)| v.as_str())
            .map(str::trim);
        let name = self
            .map
            .iter()
            .find(|(k, _)| k.as_str() == Some("name"))
            .and_then(|(_, v)| v.as_str())
            .map(str::trim);
        f.write_str(&describe(self.index, url, name))
    }
}

/// Canonical key → (key as written, value as text).
pub(super) type Given = BTreeMap<&'static str, (String, String)>;

pub(super) fn parse_entry(
    index: usize,
    item: &Item,
    src: &Source,
    labelled: Option<&str>,
) -> Result<Entry, Vec<String>> {
    let map = mapping(index, item)?;
    let here = Here {
        index,
        map,
        labelled,
    };

    let mut errors = Vec::new();
    let given = read_keys(map, &here, &mut errors);
    let written = |canon: &str| -> String {
        given
            .get(canon)
            .map_or_else(|| canon.to_string(), |(w, _)| w.clone())
    };
    let name = given.get("name").and_then(|(w, v)| {
        v.parse::<ConfigName>()
            .map_err(|e| errors.push(format!("{here}: `{w}`: {e}")))
            .ok()
    });
    let mut raw = registry_keys(&given);
    // The label for RegistrySpec's messages: the key as written, secret_env for a secret it gave.
    let secret_key = read_secret(&given, &here, src, &mut raw, &mut errors);
    let label = |key: &str| -> String {
        let shown = if key == "secret" {
            secret_key.clone()
        } else {
            written(key)
        };
        format!("{here}: `{shown}`")
    };
    let spec = RegistrySpec::parse(&raw, &label)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    if let Some(spec) = &spec {
        need_match_key(spec, &given, &here, &mut errors);
    }
    match spec {
        Some(spec) if errors.is_empty() => Ok(Entry {
            index,
            name,
            spec,
            label: labelled.map(str::to_string),
        }),
        _ => Err(errors),
    }
}

/// The entry's keys, when it is a mapping.
fn mapping(index: usize, item: &Item) -> Result<&[(Yaml, Yaml)], Vec<String>> {
    match item {
        Item::Map(map) => Ok(map.as_slice()),
        Item::Other(what) => Err(vec![format!(
            "registries[{index}]: expected a mapping of keys (`url: …`, `registry_type: …`), got {what}"
        )]),
    }
}

/// The registry keys among those given, in the API's spelling (the secret is read apart).
fn registry_keys(given: &Given) -> RawSpec {
    given
        .iter()
        .filter(|(k, _)| !matches!(**k, "name" | "secret_env" | "secret"))
        .map(|(k, (_, v))| (k.to_string(), value_spelling(k, v)))
        .collect()
}

/// An entry without a name is matched by registry_type and url: both are needed.
pub(super) fn need_match_key(
    spec: &RegistrySpec,
    given: &Given,
    here: &Here,
    errors: &mut Vec<String>,
) {
    if given.contains_key("name") || spec.match_key().is_some() {
        return;
    }
    let missing: Vec<&str> = ["registry_type", "url"]
        .into_iter()
        .filter(|k| !given.contains_key(k))
        .collect();
    if !missing.is_empty() {
        errors.push(format!(
            "{here}: `{}`: required without `name` (an entry is matched by name, or by registry_type and url, and created from them)",
            missing.join("` and `")
        ));
    }
}

/// Every key of an entry in its canonical spelling, with its value as text.
pub(super) fn read_keys(map: &[(Yaml, Yaml)], here: &Here, errors: &mut Vec<String>) -> Given {
    let mut given = Given::new();
    for (key, value) in map {
        let Some(written) = key_text(key) else {
            errors.push(format!("{here}: keys must be plain words, like `url`"));
            continue;
        };
        let Some(canon) = canonical(&written) else {
            errors.push(format!("{here}: `{written}`: {}", unknown_key(&written)));
            continue;
        };
        if let Some((first, _)) = given.get(canon) {
            errors.push(format!(
                "{here}: `{written}`: given twice (also as `{first}`); keep one"
            ));
            continue;
        }
        match value_text(canon, value) {
            Ok(Some(text)) if !text.is_empty() => {
                given.insert(canon, (written, text));
            }
            Ok(_) => {}
            Err(why) => errors.push(format!("{here}: `{written}`: {why}")),
        }
    }
    given
}

/// A value as the text the single inputs would carry; lists become lines.
pub(super) fn value_text(canon: &str, value: &Yaml) -> Result<Option<String>, String> {
    if LIST_KEYS.contains(&canon)
        && let Yaml::Sequence(items) = value
    {
        let mut parts = Vec::new();
        for item in items {
            match scalar(item) {
                Ok(Some(s)) => parts.push(s.trim().to_string()),
                Ok(None) => {}
                Err(why) => return Err(format!("list items: {why}")),
            }
        }
        return Ok(Some(parts.join("\n")));
    }
    if canon == "secret" {
        return match value {
            Yaml::String(s) => Ok(Some(s.clone())),
            Yaml::Null => Ok(None),
            _ => Err(
                "must be a quoted string (YAML read it as another type); better, use `secret_env`"
                    .into(),
            ),
        };
    }
    match value {
        // The common case, copied once.
        Yaml::String(s) => Ok(Some(s.trim().to_string())),
        _ => scalar(value)
            .map(|v| v.map(|s| s.trim().to_string()))
            .map_err(str::to_string),
    }
}

/// Puts the entry's secret (from `secret` or `secret_env`) into `raw`; returns the key that
/// gave it, for messages.
pub(super) fn read_secret(
    given: &Given,
    here: &Here,
    src: &Source,
    raw: &mut RawSpec,
    errors: &mut Vec<String>,
) -> String {
    let env = src.env;
    match (given.get("secret"), given.get("secret_env")) {
        (Some((s, _)), Some((e, _))) => errors.push(format!(
            "{here}: `{s}` and `{e}`: give one of them; `{e}` (the name of an environment variable) keeps the secret out of the workflow file"
        )),
        (Some((w, value)), None) => match reference(value) {
            Ok(None) => {
                raw.insert("secret".into(), value.clone());
            }
            Ok(Some(name)) => match src.secrets.get(name, env) {
                Ok(secret) => {
                    raw.insert("secret".into(), secret.expose().to_string());
                }
                Err(why) => errors.push(format!("{here}: `{w}`: {why}")),
            },
            Err(why) => errors.push(format!("{here}: `{w}`: {why}")),
        },
        (None, Some((w, var))) => {
            match secret_from_env(var, env, src.secrets) {
                Ok(value) => {
                    raw.insert("secret".into(), value.expose().to_string());
                }
                Err(why) => errors.push(format!("{here}: `{w}`: {why}")),
            }
            return w.clone();
        }
        (None, None) => {}
    }
    "secret".to_string()
}

/// dependabot.yml spells registry types with hyphens and `git_source` as `git`; auth types are
/// accepted with hyphens too.
pub(super) fn value_spelling(key: &str, value: &str) -> String {
    match key {
        "registry_type" if value == "git" => "git_source".into(),
        "registry_type" | "auth_type" => value.replace('-', "_"),
        _ => value.to_string(),
    }
}

/// The value of `secret_env`'s variable; the error names the variable, never a value.
pub(super) fn secret_from_env(
    var: &str,
    env: &Env,
    secrets: &Secrets,
) -> Result<crate::model::Secret, String> {
    env_var_name(var)?;
    if var.to_ascii_uppercase().starts_with("INPUT_") {
        return Err(format!(
            "{var} is one of the step's inputs, not a registry secret; map the secret in the step's env: (e.g. NPM_TOKEN: ${{{{ secrets.NPM_TOKEN }}}})"
        ));
    }
    secrets.of_variable(var, env, || secrets.audience().unset_variable(var))
}
