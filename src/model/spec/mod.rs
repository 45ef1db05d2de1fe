//! The desired shape of one registry configuration (`RegistrySpec`), parsed from raw strings
//! with every problem said at once. Both the single-registry inputs and every manifest entry go
//! through [`RegistrySpec::parse`], so the two accept exactly the same values. What it becomes
//! on the wire is [`fields`], what a PATCH sends [`patch`], a manifest entry [`entry`], and what
//! a write does to a configuration [`planned`].

mod entry;
mod fields;
mod patch;
mod planned;
mod raw;
#[cfg(test)]
mod tests;

pub use entry::{Entry, describe};
pub use fields::{Body, Fields};
pub use patch::Refusal;
pub use raw::RawSpec;

use std::collections::BTreeMap;

use crate::model::credential::looks_like_credential;
use crate::model::types::{
    AuthType, OidcField, RegistryType, RegistryUrl, RepoName, Secret, Visibility, parse_bool,
    shorten, split_list,
};

/// The keys a registry is described by (single inputs and manifest entries alike).
pub const SPEC_KEYS: &[&str] = &[
    "registry_type",
    "url",
    "username",
    "replaces_base",
    "visibility",
    "selected_repository_ids",
    "selected_repositories",
    "auth_type",
    "secret",
];

/// The longest secret GitHub stores: 48 KiB.
pub const MAX_SECRET: usize = 48 * 1024;

/// The longest value of each key, in bytes, and why: GitHub's own limits where it states one,
/// else a bound no real registry comes near (a URL past 2,048 bytes is refused by most
/// servers). Keys not listed (the OIDC fields, the enums) take [`MAX_OTHER`].
const MAX_LEN: &[(&str, usize, &str)] = &[
    ("secret", MAX_SECRET, "GitHub's limit for a secret"),
    ("url", 2048, "the longest URL this tool sends"),
    ("username", 256, "the longest username this tool sends"),
    (
        "selected_repositories",
        100 * 1024,
        "up to 1,000 repositories of GitHub's 100-character names",
    ),
    (
        "selected_repository_ids",
        20 * 1024,
        "up to 1,000 repository ids",
    ),
];

const MAX_OTHER: usize = 256;

/// Names a key in an error message, e.g. "input `url`" or "registries[2] (https://…): `url`".
pub type Label<'a> = &'a dyn Fn(&str) -> String;

/// What the user wants a configuration to look like; `None` means "not given, leave alone".
#[derive(Debug, Default, Clone)]
pub struct RegistrySpec {
    pub registry_type: Option<RegistryType>,
    pub url: Option<RegistryUrl>,
    pub username: Option<String>,
    pub replaces_base: Option<bool>,
    pub visibility: Option<Visibility>,
    pub repository_ids: Vec<u64>,
    pub repository_names: Vec<RepoName>,
    pub auth_type: Option<AuthType>,
    pub oidc: BTreeMap<OidcField, String>,
    pub secret: Option<Secret>,
}

impl RegistrySpec {
    /// Parses every key, collecting every problem (each naming its key and the allowed values).
    pub fn parse(raw: &RawSpec, label: Label) -> Result<Self, Vec<String>> {
        let mut r = Reader::new(raw, label);
        let mut spec = RegistrySpec {
            registry_type: r.field("registry_type", |s| s.parse()),
            url: r.field("url", |s| s.parse()),
            username: r.get("username").map(str::to_string),
            replaces_base: r.field("replaces_base", parse_bool),
            visibility: r.field("visibility", |s| s.parse()),
            auth_type: r.field("auth_type", |s| s.parse()),
            secret: r.get("secret").map(|s| Secret::new(s.to_string())),
            oidc: oidc_of(raw),
            ..RegistrySpec::default()
        };
        let (ids, names) = (
            r.get("selected_repository_ids"),
            r.get("selected_repositories"),
        );
        let mut errors = std::mem::take(&mut r.errors);
        spec.repositories_of(ids, names, label, &mut errors);
        spec.check_combinations(label, &mut errors);
        if errors.is_empty() {
            Ok(spec)
        } else {
            Err(errors)
        }
    }

    /// The repositories given by id and by name, each problem added to `errors`.
    fn repositories_of(
        &mut self,
        ids: Option<&str>,
        names: Option<&str>,
        label: Label,
        errors: &mut Vec<String>,
    ) {
        if let Some(ids) = ids {
            for id in split_list(ids) {
                match id.parse::<u64>() {
                    Ok(n) if n > 0 => self.repository_ids.push(n),
                    _ => errors.push(format!(
                        "{}: {:?} is not a repository id; allowed: positive integers, comma or newline separated",
                        label("selected_repository_ids"),
                        shorten(id)
                    )),
                }
            }
        }
        if let Some(names) = names {
            for name in split_list(names) {
                match name.parse::<RepoName>() {
                    Ok(n) if !self.repository_names.contains(&n) => self.repository_names.push(n),
                    Ok(_) => {}
                    Err(e) => errors.push(format!("{}: {e}", label("selected_repositories"))),
                }
            }
        }
    }

    /// Rules between keys that hold for every operation.
    fn check_combinations(&self, label: Label, errors: &mut Vec<String>) {
        let has_repos = !self.repository_ids.is_empty() || !self.repository_names.is_empty();
        if has_repos && self.visibility != Some(Visibility::Selected) {
            let key = if self.repository_ids.is_empty() {
                "selected_repositories"
            } else {
                "selected_repository_ids"
            };
            let got = self
                .visibility
                .map_or("not given".to_string(), |v| v.to_string());
            errors.push(format!(
                "{}: repositories can only be given with visibility selected (visibility is {got})",
                label(key)
            ));
        }
        match self.auth_type {
            Some(auth) if auth.is_oidc() => {
                if self.secret.is_some() {
                    errors.push(format!(
                        "{}: not allowed with auth_type {auth}; OIDC registries take no secret (allowed with: token, username_password)",
                        label("secret")
                    ));
                }
                for f in self.oidc.keys() {
                    if !auth.takes(*f) {
                        errors.push(format!(
                            "{}: not a field of auth_type {auth}; it belongs to: {}",
                            label(f.as_str()),
                            AuthType::taking(*f)
                        ));
                    }
                }
            }
            auth => {
                let shown = || auth.map_or("token (the default)".to_string(), |a| a.to_string());
                for f in self.oidc.keys() {
                    errors.push(format!(
                        "{}: an OIDC field, not allowed with auth_type {}; set auth_type to one of: {}",
                        label(f.as_str()),
                        shown(),
                        AuthType::taking(*f)
                    ));
                }
            }
        }
    }

    /// What creating this configuration needs beyond [`RegistrySpec::parse`]'s rules.
    pub fn creation_problems(&self, label: Label) -> Vec<String> {
        let mut errors = Vec::new();
        let mut need = |ok: bool, key: &str, what: &str| {
            if !ok {
                errors.push(format!(
                    "{}: required to create a configuration; {what}",
                    label(key)
                ));
            }
        };
        need(
            self.registry_type.is_some(),
            "registry_type",
            &format!("allowed: {}", RegistryType::allowed()),
        );
        need(self.url.is_some(), "url", "an absolute URL of the registry");
        need(
            self.visibility.is_some(),
            "visibility",
            &format!("allowed: {}", Visibility::allowed()),
        );
        let auth = self.auth_type.unwrap_or(AuthType::Token);
        if auth.is_oidc() {
            let (required, _) = auth.oidc_fields();
            for f in required {
                if !self.oidc.contains_key(f) {
                    errors.push(format!(
                        "{}: required with auth_type {auth}",
                        label(f.as_str())
                    ));
                }
            }
        } else {
            if self.secret.is_none() {
                errors.push(format!(
                    "{}: required to create a configuration with auth_type {auth} (the token or password)",
                    label("secret")
                ));
            }
            if auth == AuthType::UsernamePassword && self.username.is_none() {
                errors.push(format!(
                    "{}: required with auth_type {auth}",
                    label("username")
                ));
            }
        }
        errors
    }

    /// Whether any field besides the match key is given (so an update has something to send).
    pub fn has_changes(&self) -> bool {
        self.secret.is_some() || !self.fields(&[]).names().is_empty()
    }

    /// Whether repository ids still need resolving from names, or are given.
    pub fn wants_repositories(&self) -> bool {
        !self.repository_ids.is_empty() || !self.repository_names.is_empty()
    }

    /// The API fields this spec sets (never the secret), with `repository_ids` already resolved
    /// from ids and names.
    pub fn fields(&self, repository_ids: &[u64]) -> Fields {
        let selected = self.visibility == Some(Visibility::Selected) && !repository_ids.is_empty();
        Fields {
            registry_type: self.registry_type,
            url: self.url.as_ref().map(|u| u.as_str().to_string()),
            username: self.username.clone(),
            replaces_base: self.replaces_base,
            visibility: self.visibility,
            selected_repository_ids: selected.then(|| repository_ids.to_vec()),
            auth_type: self.auth_type,
            oidc: self.oidc.clone(),
        }
    }

    /// `registry_type` + normalised `url`, the match key when no name is given.
    pub fn match_key(&self) -> Option<(RegistryType, String)> {
        Some((self.registry_type?, self.url.as_ref()?.key()))
    }
}

/// Reads a spec's keys: each value refused by itself (a credential where none belongs, too
/// long, a reference outside a secret) is said once and never looked at again, so no later
/// message quotes it; every problem is collected.
struct Reader<'a> {
    raw: &'a RawSpec,
    label: Label<'a>,
    refused: std::collections::BTreeSet<&'a str>,
    errors: Vec<String>,
}

impl<'a> Reader<'a> {
    fn new(raw: &'a RawSpec, label: Label<'a>) -> Self {
        let mut r = Reader {
            raw,
            label,
            refused: Default::default(),
            errors: Vec::new(),
        };
        for (k, v) in raw {
            let why = refusals(k, v);
            if !why.is_empty() {
                r.refused.insert(k.as_str());
                r.errors
                    .extend(why.into_iter().map(|w| format!("{}: {w}", label(k))));
            }
        }
        r
    }

    /// The value of `key`, unless it is missing or was refused.
    fn get(&self, key: &str) -> Option<&'a str> {
        self.raw
            .get(key)
            .map(String::as_str)
            .filter(|_| !self.refused.contains(key))
    }

    /// The value of `key` parsed; a parse error is collected, naming the key.
    fn field<T>(&mut self, key: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        match parse(self.get(key)?) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(format!("{}: {e}", (self.label)(key)));
                None
            }
        }
    }
}

/// Why `value` is refused for `key` by itself, never quoting it: a credential where none
/// belongs (a token pasted into `username` or `url`), a `${{ secrets.NAME }}` outside the
/// secret (it would be stored unsealed), or more than the key may hold.
fn refusals(key: &str, value: &str) -> Vec<String> {
    let mut why = Vec::new();
    if key != "secret" && looks_like_credential(value) {
        why.push("the value looks like a credential (a token or a key) and is not shown; a credential goes only in `secret` (or the variable `secret_env` names, or a `${{ secrets.NAME }}` reference in a secret field)".to_string());
    }
    let (max, bound) = max_len(key);
    if value.len() > max {
        why.push(format!(
            "{} bytes long; at most {max} allowed ({bound})",
            value.len()
        ));
    }
    if key != "secret" && value.contains("${{") {
        why.push("holds `${{`; a `${{ secrets.NAME }}` reference is resolved only in the secret, and anywhere else would be stored unsealed; give the value itself".to_string());
    }
    why
}

/// The bound of `key`'s value and why.
fn max_len(key: &str) -> (usize, &'static str) {
    MAX_LEN.iter().find(|(k, ..)| *k == key).map_or(
        (MAX_OTHER, "the longest such value this tool sends"),
        |(_, n, why)| (*n, *why),
    )
}

/// The OIDC fields among the keys given: one pass over the (few) keys, not a look-up per field.
fn oidc_of(raw: &RawSpec) -> BTreeMap<OidcField, String> {
    raw.iter()
        .filter_map(|(key, v)| {
            let f = OidcField::ALL.iter().find(|f| f.as_str() == key)?;
            Some((*f, v.to_string()))
        })
        .collect()
}
