//! dependabot.yml as it is: a whole document, or its `registries:` map alone (labels as keys,
//! dependabot's `type` spellings and keys, `${{ secrets.NAME }}` references), turned into the
//! entries [`super::manifest`] validates like any other. The org-only settings dependabot.yml
//! lacks (visibility, repositories, a name) come from an optional overlay keyed by label (`"*"`
//! for every label), else `visibility: private`. A key the org API cannot hold is an error that
//! names the label and the key; nothing is dropped silently.

use serde_norway::{Mapping, Value as Yaml};

use super::env::Env;
use super::secrets::{Secrets, reference};
use super::shared::{closest, edit_distance};
use crate::model::{AuthType, OidcField, RegistryType, shorten};

/// dependabot.yml keys that carry the credential.
const SECRET_KEYS: &[&str] = &["password", "token", "key", "auth-key"];

/// dependabot.yml keys the org API has no field for.
const NO_API_FIELD: &[(&str, &str)] = &[
    ("organization", "hex-organization's organization"),
    ("repo", "hex-repository's repo"),
    (
        "public-key-fingerprint",
        "hex-repository's public-key-fingerprint",
    ),
    ("registry", "cargo-registry's registry name"),
];

/// Keys passed on as they are (the manifest reads dependabot's spellings).
const PLAIN_KEYS: &[&str] = &["type", "url", "username", "replaces-base"];

/// The keys an overlay entry may set.
const OVERLAY_KEYS: &[&str] = &[
    "name",
    "visibility",
    "selected_repositories",
    "selected_repository_ids",
];

/// One registry of the file: its label and the entry in the manifest's own keys.
pub struct Labelled {
    pub label: String,
    pub entry: Yaml,
}

/// The `registries:` map of a dependabot.yml document, or the document itself when it is that
/// map (every value a mapping with `type`); `None` for anything else (a list manifest).
pub fn registries(doc: &Yaml) -> Option<&Mapping> {
    let Yaml::Mapping(top) = doc else { return None };
    if let Some(Yaml::Mapping(r)) = top.get("registries") {
        return Some(r);
    }
    let all_registries = !top.is_empty()
        && top
            .values()
            .all(|v| matches!(v, Yaml::Mapping(m) if m.contains_key("type")));
    all_registries.then_some(top)
}

/// What the translation needs besides the file.
pub struct Context<'a> {
    pub env: &'a Env,
    pub secrets: &'a Secrets,
    /// Label (or `"*"`) → overlay entry.
    pub overlay: &'a Mapping,
    /// How messages name the file (`.github/dependabot.yml`, input `registries`).
    pub origin: &'a str,
}

/// Every label's entry in the manifest's keys (as far as it could be translated, so the
/// manifest's own checks still run on it), and every problem, each naming file, label and key.
pub fn entries(map: &Mapping, cx: &Context) -> (Vec<Labelled>, Vec<String>) {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (label, value) in map {
        let Some(label) = label.as_str() else {
            errors.push(format!(
                "{}: registries: labels must be plain words",
                cx.origin
            ));
            continue;
        };
        let here = format!("{}: registries.{label}", cx.origin);
        let Yaml::Mapping(entry) = value else {
            errors.push(format!(
                "{here}: expected a mapping of keys (`type: …`, `url: …`)"
            ));
            continue;
        };
        let entry = entry_of(label, entry, &here, cx, &mut errors);
        out.push(Labelled {
            label: label.to_string(),
            entry: Yaml::Mapping(entry),
        });
    }
    check_overlay(map, cx, &mut errors);
    (out, errors)
}

fn entry_of(
    label: &str,
    entry: &Mapping,
    here: &str,
    cx: &Context,
    errors: &mut Vec<String>,
) -> Mapping {
    let mut t = Translated::default();
    for (key, value) in entry {
        let Some(key) = key.as_str() else {
            errors.push(format!("{here}: keys must be plain words, like `url`"));
            continue;
        };
        if let Err(e) = translate_key(key, value, here, cx, &mut t) {
            errors.push(e);
        }
    }
    if t.secret_keys.len() > 1 {
        errors.push(format!(
            "{here}: `{}`: give one credential",
            t.secret_keys.join("` and `")
        ));
    }
    match auth_type(&t.out, &t.secret_keys, &t.oidc) {
        Ok(Some(auth)) => {
            t.out.insert("auth_type".into(), auth.as_str().into());
        }
        Ok(None) => {}
        Err(e) => errors.push(format!("{here}: {e}")),
    }
    overlay_onto(label, &mut t.out, cx);
    t.out
}

/// What an entry's keys have translated to so far.
#[derive(Default)]
struct Translated {
    out: Mapping,
    /// The keys that held a secret (one is allowed).
    secret_keys: Vec<String>,
    oidc: Vec<OidcField>,
}

/// One key of an entry, added to `t` in the manifest's terms, or refused (naming file, label
/// and key; never the value).
fn translate_key(
    key: &str,
    value: &Yaml,
    here: &str,
    cx: &Context,
    t: &mut Translated,
) -> Result<(), String> {
    let at = format!("{here}: `{key}`");
    let norm = key.trim().to_ascii_lowercase().replace('_', "-");
    if let Some((_, what)) = NO_API_FIELD.iter().find(|(k, _)| *k == norm) {
        return Err(format!(
            "{at}: the org API has no field for {what}; remove it from the file given here (keep it in the repository's dependabot.yml), or configure this registry per repository"
        ));
    }
    let sealed = SECRET_KEYS.contains(&norm.as_str());
    if !sealed && value.as_str().is_some_and(|v| v.contains("${{")) {
        // Resolved here, the secret would be stored unsealed, sent to the registry as this
        // field and shown in every output.
        return Err(format!(
            "{at}: a `${{{{ secrets.NAME }}}}` reference is resolved only in a secret key (token, password, key, auth-key); in `{key}` it would be stored unsealed"
        ));
    }
    if sealed {
        let value = resolve(value, &at, cx)?;
        t.secret_keys.push(key.to_string());
        t.out.insert("secret".into(), value);
        return Ok(());
    }
    let value = value.clone();
    if norm == "url" {
        t.out.insert(key.into(), with_scheme(value));
    } else if norm == "type"
        && let Some(problem) = unknown_type(&value)
    {
        return Err(format!("{at}: {problem}"));
    } else if PLAIN_KEYS.contains(&norm.as_str()) {
        t.out.insert(key.into(), value);
    } else if let Ok(field) = norm.replace('-', "_").parse::<OidcField>() {
        t.oidc.push(field);
        t.out.insert(key.into(), value);
    } else {
        return Err(format!("{at}: {}", unknown(&norm)));
    }
    Ok(())
}

/// A value with its `${{ secrets.NAME }}` reference resolved.
fn resolve(value: &Yaml, at: &str, cx: &Context) -> Result<Yaml, String> {
    let Yaml::String(text) = value else {
        return Ok(value.clone());
    };
    match reference(text) {
        Ok(None) => Ok(value.clone()),
        Ok(Some(name)) => cx
            .secrets
            .get(name, cx.env)
            .map(|s| Yaml::String(s.expose().to_string()))
            .map_err(|e| format!("{at}: {e}")),
        Err(why) => Err(format!("{at}: {why}")),
    }
}

/// Why a `type` is not one dependabot.yml knows, in its spellings, with a "did you mean".
fn unknown_type(value: &Yaml) -> Option<String> {
    let Yaml::String(given) = value else {
        return Some("expected a registry type, such as npm-registry".to_string());
    };
    let given = given.trim();
    if RegistryType::from_dependabot(given).is_some() {
        return None;
    }
    let known: Vec<String> = RegistryType::ALL
        .iter()
        .map(|t| t.dependabot_name())
        .collect();
    let hint = closest(given, known.iter().map(String::as_str))
        .map(|c| format!("did you mean {c:?}? "))
        .unwrap_or_default();
    Some(format!(
        "unknown registry type {:?}; {hint}allowed: {}",
        shorten(given),
        known.join(", ")
    ))
}

/// dependabot.yml allows a URL without its scheme (https:// is assumed); the API does not.
fn with_scheme(value: Yaml) -> Yaml {
    match value {
        Yaml::String(s) if !s.contains("://") && !s.trim().is_empty() => {
            Yaml::String(format!("https://{}", s.trim()))
        }
        other => other,
    }
}

/// The auth type the keys imply: OIDC from its fields, username/password when both are given,
/// a token otherwise.
fn auth_type(
    out: &Mapping,
    secret_keys: &[String],
    oidc: &[OidcField],
) -> Result<Option<AuthType>, String> {
    if oidc.is_empty() {
        let password = secret_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case("password"));
        return Ok(match (out.contains_key("username"), password) {
            (true, true) => Some(AuthType::UsernamePassword),
            (_, _) if secret_keys.is_empty() => None,
            _ => Some(AuthType::Token),
        });
    }
    if !secret_keys.is_empty() {
        return Err(format!(
            "`{}`: an OIDC registry takes no credential (GitHub exchanges a token with the provider)",
            secret_keys.join("`, `")
        ));
    }
    let fits: Vec<AuthType> = AuthType::ALL
        .iter()
        .copied()
        .filter(|a| a.is_oidc() && oidc.iter().all(|f| a.takes(*f)))
        .filter(|a| a.oidc_fields().0.iter().any(|f| oidc.contains(f)))
        .collect();
    match fits.as_slice() {
        [one] => Ok(Some(*one)),
        [] => Err(format!(
            "the OIDC keys {} belong to no one provider",
            names(oidc)
        )),
        several => Err(format!(
            "the OIDC keys {} fit {}; add the provider's required keys",
            names(oidc),
            several
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

fn names(fields: &[OidcField]) -> String {
    fields
        .iter()
        .map(|f| format!("`{}`", f.as_str().replace('_', "-")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a key is unknown, with the closest dependabot.yml key.
fn unknown(key: &str) -> String {
    let known: Vec<String> = PLAIN_KEYS
        .iter()
        .chain(SECRET_KEYS)
        .map(|k| k.to_string())
        .chain(OidcField::ALL.iter().map(|f| f.as_str().replace('_', "-")))
        .collect();
    match known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .min_by_key(|(d, _)| *d)
    {
        Some((d, k)) if d <= 2 => format!("unknown key; did you mean `{k}`?"),
        _ => format!(
            "unknown key; dependabot.yml registries take {}",
            known.join(", ")
        ),
    }
}

/// The label's overlay (then `"*"`'s) onto the entry; `visibility: private` when neither
/// sets it.
fn overlay_onto(label: &str, out: &mut Mapping, cx: &Context) {
    for source in [label, "*"] {
        if let Some(Yaml::Mapping(o)) = cx.overlay.get(source) {
            for (k, v) in o {
                if !out.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if !out.contains_key("visibility") {
        out.insert("visibility".into(), "private".into());
    }
}

/// Every overlay label must be a registry of the file (or `"*"`), with known keys.
fn check_overlay(map: &Mapping, cx: &Context, errors: &mut Vec<String>) {
    for (label, value) in cx.overlay {
        let label = label.as_str().unwrap_or_default();
        if label != "*" && !map.contains_key(label) {
            errors.push(format!(
                "{}: `{label}` is not a registry label of {}",
                cx.secrets.audience().overlay(),
                cx.origin
            ));
        }
        let Yaml::Mapping(o) = value else {
            errors.push(format!(
                "{}: `{label}`: expected a mapping",
                cx.secrets.audience().overlay()
            ));
            continue;
        };
        for k in o.keys() {
            let k = k.as_str().unwrap_or_default();
            if !OVERLAY_KEYS.contains(&k) {
                errors.push(format!(
                    "{}: `{label}`: `{k}`: unknown key; allowed: {}",
                    cx.secrets.audience().overlay(),
                    OVERLAY_KEYS.join(", ")
                ));
            }
        }
    }
}
