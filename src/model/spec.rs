//! The desired shape of one registry configuration (`RegistrySpec`), parsed from raw strings;
//! the typed API fields it becomes (`Fields`); how it compares with what GitHub reports; and a
//! validated `sync` manifest entry (`Entry`).
//!
//! Both the single-registry inputs and every manifest entry go through [`RegistrySpec::parse`],
//! so the two accept exactly the same values.

use std::collections::BTreeMap;

use serde::Serialize;

use super::answers::Configuration;
use super::credential::looks_like_credential;
use super::types::{
    AuthType, ConfigName, OidcField, RegistryType, RegistryUrl, RepoName, Secret, Visibility,
    parse_bool, same_url, shorten, split_list,
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

/// Raw key → value strings (empty values already dropped) to build a spec from.
pub type RawSpec = BTreeMap<String, String>;

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
        let mut errors = Vec::new();
        let mut refused = std::collections::BTreeSet::new();
        for (k, v) in raw {
            let why = refusals(k, v);
            if !why.is_empty() {
                refused.insert(k.as_str());
                errors.extend(why.into_iter().map(|w| format!("{}: {w}", label(k))));
            }
        }
        let mut spec = RegistrySpec::default();
        // A value refused by itself is not looked at again (no later message quotes it).
        let get = |k: &str| {
            raw.get(k)
                .map(String::as_str)
                .filter(|_| !refused.contains(k))
        };

        fn field<T>(
            errors: &mut Vec<String>,
            label: Label,
            key: &str,
            value: Option<&str>,
            parse: impl Fn(&str) -> Result<T, String>,
        ) -> Option<T> {
            let value = value?;
            match parse(value) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(format!("{}: {e}", label(key)));
                    None
                }
            }
        }

        spec.registry_type = field(
            &mut errors,
            label,
            "registry_type",
            get("registry_type"),
            |s| s.parse(),
        );
        spec.url = field(&mut errors, label, "url", get("url"), |s| s.parse());
        spec.username = get("username").map(str::to_string);
        spec.replaces_base = field(
            &mut errors,
            label,
            "replaces_base",
            get("replaces_base"),
            parse_bool,
        );
        spec.visibility = field(&mut errors, label, "visibility", get("visibility"), |s| {
            s.parse()
        });
        spec.auth_type = field(&mut errors, label, "auth_type", get("auth_type"), |s| {
            s.parse()
        });
        spec.secret = get("secret").map(|s| Secret::new(s.to_string()));

        spec.repositories_of(
            get("selected_repository_ids"),
            get("selected_repositories"),
            label,
            &mut errors,
        );
        spec.oidc = oidc_of(raw);

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

/// The non-secret API fields of a create or update body; `None` is "not sent".
///
/// Serialises to exactly the JSON the API takes (the sealed secret is added beside it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_type: Option<RegistryType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces_base: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_repository_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<AuthType>,
    #[serde(flatten)]
    pub oidc: BTreeMap<OidcField, String>,
}

/// How one field of [`Fields`] is named, read as a comparable string, and compared with what
/// GitHub reports.
struct FieldRule {
    name: &'static str,
    /// Whether the field is set, and whether the configuration already has that value.
    same: fn(&Fields, &Configuration) -> Option<bool>,
    /// Leaves only this field out.
    clear: fn(&mut Fields),
}

/// Every non-OIDC field, in the alphabetical order the API body is written in.
const FIELD_RULES: &[FieldRule] = &[
    FieldRule {
        name: "auth_type",
        same: |f, c| f.auth_type.map(|a| a.as_str() == c.auth()),
        clear: |f| f.auth_type = None,
    },
    FieldRule {
        name: "registry_type",
        same: |f, c| {
            f.registry_type
                .map(|t| Some(t.as_str()) == c.registry_type.as_deref())
        },
        clear: |f| f.registry_type = None,
    },
    FieldRule {
        name: "replaces_base",
        same: |f, c| {
            f.replaces_base
                .map(|b| b == c.replaces_base.unwrap_or(false))
        },
        clear: |f| f.replaces_base = None,
    },
    FieldRule {
        name: "selected_repository_ids",
        same: |f, c| {
            let set = |ids: &[u64]| {
                let mut ids = ids.to_vec();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            let want = f.selected_repository_ids.as_deref()?;
            Some(
                c.selected_repository_ids
                    .as_deref()
                    .is_some_and(|have| set(have) == set(want)),
            )
        },
        clear: |f| f.selected_repository_ids = None,
    },
    FieldRule {
        name: "url",
        same: |f, c| {
            let want = f.url.as_deref()?;
            Some(c.url.as_deref().is_some_and(|h| same_url(h, want)))
        },
        clear: |f| f.url = None,
    },
    FieldRule {
        name: "username",
        same: |f, c| f.username.as_ref().map(|u| Some(u) == c.username.as_ref()),
        clear: |f| f.username = None,
    },
    FieldRule {
        name: "visibility",
        same: |f, c| {
            f.visibility
                .map(|v| Some(v.as_str()) == c.visibility.as_deref())
        },
        clear: |f| f.visibility = None,
    },
];

impl Fields {
    /// The names of the fields set, in the order the API body writes them (alphabetical).
    pub fn names(&self) -> Vec<String> {
        let none = Configuration::default();
        let mut names: Vec<String> = FIELD_RULES
            .iter()
            .filter(|r| (r.same)(self, &none).is_some())
            .map(|r| r.name.to_string())
            .chain(self.oidc.keys().map(|k| k.as_str().to_string()))
            .collect();
        names.sort();
        names
    }

    /// The names of the fields set whose value differs from the configuration GitHub reports.
    ///
    /// Absent values compare as the API's defaults (`replaces_base` false, `auth_type` token);
    /// URLs compare normalised; repository ids compare as sets.
    pub fn changed(&self, current: &Configuration) -> Vec<String> {
        let mut names: Vec<String> = FIELD_RULES
            .iter()
            .filter(|r| (r.same)(self, current) == Some(false))
            .map(|r| r.name.to_string())
            .chain(
                self.oidc
                    .iter()
                    .filter(|(k, v)| current.oidc.0.get(k) != Some(v))
                    .map(|(k, _)| k.as_str().to_string()),
            )
            .collect();
        names.sort();
        names
    }

    /// Whether `c` could be what a create with these fields made: every field sent has the
    /// value sent. Repository ids count only where GitHub reports them (list omits them).
    pub fn made(&self, c: &Configuration) -> bool {
        self.changed(c)
            .iter()
            .all(|name| name == "selected_repository_ids" && c.selected_repository_ids.is_none())
    }

    /// One field's value as text (the API name; lists comma separated), if set.
    pub fn value_of(&self, field: &str) -> Option<String> {
        super::types::text_of(serde_json::to_value(self).ok()?.get(field)?)
    }

    /// Only the named fields.
    pub fn only(&self, names: &[String]) -> Fields {
        let mut kept = self.clone();
        for rule in FIELD_RULES {
            if !names.iter().any(|n| n == rule.name) {
                (rule.clear)(&mut kept);
            }
        }
        kept.oidc
            .retain(|k, _| names.iter().any(|n| n == k.as_str()));
        kept
    }
}

/// A create or update body as sent: the fields, and the sealed secret when there is one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Body {
    #[serde(flatten)]
    pub fields: Fields,
    /// Base64 of the sealed box; a sealed value, safe to send, never shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

/// Why a configuration cannot be brought to a spec by a PATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// GitHub cannot change `auth_type` in place.
    AuthTypeChange { current: String, wanted: AuthType },
    /// A secret was given for a configuration whose auth type takes none.
    SecretForOidc { current: String },
}

/// What a PATCH must send to bring a configuration to a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The fields to send (never the secret; the caller seals and adds it).
    pub body: Fields,
    /// The field names written, with `secret` standing for the sealed value; empty: unchanged.
    pub fields: Vec<String>,
}

impl RegistrySpec {
    /// Why the configuration GitHub reports cannot be patched to this spec, if it cannot.
    /// Checked before anything is looked up or sealed.
    pub fn refusal(&self, current: &Configuration) -> Option<Refusal> {
        let current_auth = current.auth();
        if let Some(wanted) = self.auth_type
            && wanted.as_str() != current_auth
        {
            return Some(Refusal::AuthTypeChange {
                current: current_auth.to_string(),
                wanted,
            });
        }
        if self.secret.is_some()
            && current_auth
                .parse::<AuthType>()
                .is_ok_and(AuthType::is_oidc)
        {
            return Some(Refusal::SecretForOidc {
                current: current_auth.to_string(),
            });
        }
        None
    }

    /// The PATCH that brings the configuration GitHub reports to this spec (once
    /// [`RegistrySpec::refusal`] is `None`): only the fields that differ, plus the secret when
    /// given (a rotation always writes).
    pub fn patch_for(&self, repository_ids: &[u64], current: &Configuration) -> Patch {
        let desired = self.fields(repository_ids);
        let mut fields = desired.changed(current);
        let mut body = if fields.is_empty() {
            Fields::default()
        } else {
            desired.only(&fields)
        };
        if body.selected_repository_ids.is_some() {
            // GitHub takes repository ids only together with visibility selected.
            body.visibility = Some(Visibility::Selected);
        }
        if self.secret.is_some() {
            fields.push("secret".into());
        }
        Patch { body, fields }
    }
}

/// One validated `sync` manifest entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Position in the list, from 0.
    pub index: usize,
    /// The configuration name to match, when given.
    pub name: Option<ConfigName>,
    /// What the configuration should look like; `secret` filled from the manifest.
    pub spec: RegistrySpec,
    /// How a dependabot.yml entry is named: `FILE: registries.LABEL`.
    pub label: Option<String>,
}

impl Entry {
    /// `registries[2] (https://npm.example.com)`: how errors and the summary name the entry.
    pub fn label(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        describe(
            self.index,
            self.spec.url.as_ref().map(|u| u.as_str()),
            self.name.as_ref().map(ConfigName::as_str),
        )
    }
}

/// What a write does to a configuration, as far as this tool can tell before GitHub answers.
impl Configuration {
    /// What a configuration created from `fields` looks like, before GitHub answers.
    pub fn planned(name: Option<&str>, fields: &Fields) -> Self {
        let mut c = Configuration {
            name: name.unwrap_or_default().to_string(),
            ..Configuration::default()
        };
        c.merge(fields);
        c
    }

    /// Writes `fields` over this configuration (what a PATCH does).
    pub fn merge(&mut self, f: &Fields) {
        if let Some(t) = f.registry_type {
            self.registry_type = Some(t.as_str().into());
        }
        if let Some(u) = &f.url {
            self.url = Some(u.clone());
        }
        if let Some(u) = &f.username {
            self.username = Some(u.clone());
        }
        if let Some(b) = f.replaces_base {
            self.replaces_base = Some(b);
        }
        if let Some(v) = f.visibility {
            self.visibility = Some(v.as_str().into());
        }
        if let Some(ids) = &f.selected_repository_ids {
            self.selected_repository_ids = Some(ids.clone());
        }
        if let Some(a) = f.auth_type {
            self.auth_type = Some(a.as_str().into());
        }
        for (k, v) in &f.oidc {
            self.oidc.0.insert(*k, v.clone());
        }
    }
}

/// The OIDC fields among the keys given: one pass over the (few) keys, not a look-up per field.
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

fn oidc_of(raw: &RawSpec) -> BTreeMap<OidcField, String> {
    raw.iter()
        .filter_map(|(key, v)| {
            let f = OidcField::ALL.iter().find(|f| f.as_str() == key)?;
            Some((*f, v.to_string()))
        })
        .collect()
}

/// How an entry at `index` is named in messages, from its url or name.
pub fn describe(index: usize, url: Option<&str>, name: Option<&str>) -> String {
    use std::fmt::Write;
    // A URL with a user name or password before its host is named without them.
    let url = url.map(|u| match u.split_once("://") {
        Some((scheme, rest))
            if rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .contains('@') =>
        {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let host_on = rest[..end].rfind('@').map_or(rest, |at| &rest[at + 1..]);
            if host_on.len() + scheme.len() + 3 <= 60 {
                return std::borrow::Cow::Owned(format!("{scheme}://{host_on}"));
            }
            std::borrow::Cow::Owned(format!("{scheme}://{}", shorten(host_on)))
        }
        _ => std::borrow::Cow::Borrowed(u),
    });
    let url = url.as_deref();
    let what = url.filter(|u| !looks_like_credential(u)).or(name);
    let mut s = String::with_capacity(16 + what.map_or(0, str::len));
    let _ = write!(s, "registries[{index}]");
    if let Some(what) = what {
        s.push_str(" (");
        // A shortened form only when it is long (shorten copies).
        if what.len() <= 60 {
            s.push_str(what);
        } else {
            s.push_str(&shorten(what));
        }
        s.push(')');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(v: serde_json::Value) -> Configuration {
        serde_json::from_value(v).unwrap()
    }

    fn json_of(f: &Fields) -> serde_json::Value {
        serde_json::to_value(f).unwrap()
    }

    fn raw(pairs: &[(&str, &str)]) -> RawSpec {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn label(k: &str) -> String {
        format!("input `{k}`")
    }

    fn errors(pairs: &[(&str, &str)]) -> String {
        RegistrySpec::parse(&raw(pairs), &label)
            .unwrap_err()
            .join("\n")
    }

    #[test]
    fn entries_are_described_by_position_and_url_or_name() {
        assert_eq!(
            describe(2, Some("https://a"), Some("N")),
            "registries[2] (https://a)"
        );
        assert_eq!(describe(0, None, Some("N")), "registries[0] (N)");
        assert_eq!(describe(7, None, None), "registries[7]");
        let long = format!("https://{}", "é".repeat(70));
        let shown = describe(1, Some(&long), None);
        assert!(shown.ends_with("…)") && shown.chars().count() == "registries[1] (".len() + 61 + 1);
    }

    #[test]
    fn parses_a_full_token_registry() {
        let spec = RegistrySpec::parse(
            &raw(&[
                ("registry_type", "npm_registry"),
                ("url", "https://npm.pkg.github.com/"),
                ("visibility", "selected"),
                ("selected_repository_ids", "3, 1\n2"),
                ("selected_repositories", "web,api,web"),
                ("replaces_base", "TRUE"),
                ("secret", "s3cr3t"),
            ]),
            &label,
        )
        .unwrap();
        assert_eq!(spec.repository_ids, [3, 1, 2]);
        assert_eq!(
            spec.repository_names.len(),
            2,
            "duplicate names are looked up once"
        );
        assert!(spec.creation_problems(&label).is_empty());
        let body = json_of(&spec.fields(&[1, 2, 3]));
        assert_eq!(body["selected_repository_ids"], json!([1, 2, 3]));
        assert_eq!(body["replaces_base"], json!(true));
        assert!(body.get("secret").is_none() && body.get("encrypted_value").is_none());
    }

    #[test]
    fn every_bad_value_is_named_with_what_is_allowed() {
        let e = errors(&[
            ("registry_type", "npm"),
            ("url", "npm.example.com"),
            ("visibility", "public"),
            ("auth_type", "oauth"),
            ("replaces_base", "yes"),
            ("selected_repository_ids", "12,abc"),
        ]);
        for want in [
            "input `registry_type`: unknown registry type \"npm\"; allowed: maven_repository",
            "input `url`: \"npm.example.com\" is not an absolute URL",
            "input `visibility`: unknown visibility \"public\"; allowed: all, private, selected",
            "input `auth_type`: unknown auth type \"oauth\"; allowed: token, username_password",
            "input `replaces_base`: \"yes\" is not a boolean; allowed: true, false",
            "input `selected_repository_ids`: \"abc\" is not a repository id",
        ] {
            assert!(e.contains(want), "missing {want:?} in:\n{e}");
        }
    }

    #[test]
    fn repositories_need_selected_visibility() {
        let e = errors(&[("visibility", "all"), ("selected_repositories", "web")]);
        assert!(e.contains("input `selected_repositories`: repositories can only be given with visibility selected (visibility is all)"), "{e}");
        let e = errors(&[("selected_repository_ids", "1")]);
        assert!(e.contains("(visibility is not given)"), "{e}");
    }

    #[test]
    fn oidc_rules() {
        let e = errors(&[
            ("auth_type", "oidc_azure"),
            ("secret", "x"),
            ("aws_region", "eu-west-1"),
        ]);
        assert!(
            e.contains("input `secret`: not allowed with auth_type oidc_azure"),
            "{e}"
        );
        assert!(
            e.contains(
                "input `aws_region`: not a field of auth_type oidc_azure; it belongs to: oidc_aws"
            ),
            "{e}"
        );
        let e = errors(&[("tenant_id", "t")]);
        assert!(e.contains("set auth_type to one of: oidc_azure"), "{e}");

        let spec = RegistrySpec::parse(
            &raw(&[
                ("registry_type", "docker_registry"),
                ("url", "https://r.azurecr.io"),
                ("visibility", "all"),
                ("auth_type", "oidc_azure"),
                ("tenant_id", "t"),
            ]),
            &label,
        )
        .unwrap();
        let problems = spec.creation_problems(&label).join("\n");
        assert!(
            problems.contains("input `client_id`: required with auth_type oidc_azure"),
            "{problems}"
        );
        assert!(!problems.contains("secret"), "{problems}");
    }

    #[test]
    fn creation_needs_type_url_visibility_and_secret() {
        let spec =
            RegistrySpec::parse(&raw(&[("auth_type", "username_password")]), &label).unwrap();
        let p = spec.creation_problems(&label).join("\n");
        for key in ["registry_type", "url", "visibility", "secret", "username"] {
            assert!(
                p.contains(&format!("input `{key}`: required")),
                "{key} in {p}"
            );
        }
    }

    #[test]
    fn patch_sends_only_differences_and_refuses_what_github_cannot_do() {
        let current = config(
            json!({"name": "N", "registry_type": "npm_registry", "url": "https://n.example.com", "visibility": "all"}),
        );
        let spec = |pairs: &[(&str, &str)]| RegistrySpec::parse(&raw(pairs), &label).unwrap();
        let same = spec(&[
            ("registry_type", "npm_registry"),
            ("url", "https://N.example.com/"),
            ("visibility", "all"),
        ]);
        assert_eq!(same.refusal(&current), None);
        assert_eq!(
            same.patch_for(&[], &current),
            Patch {
                body: Fields::default(),
                fields: vec![]
            }
        );
        let rotate = spec(&[
            ("visibility", "selected"),
            ("selected_repository_ids", "7"),
            ("secret", "s"),
        ]);
        let p = rotate.patch_for(&[7], &current);
        assert_eq!(
            json_of(&p.body),
            json!({"visibility": "selected", "selected_repository_ids": [7]})
        );
        assert_eq!(
            p.fields,
            ["selected_repository_ids", "visibility", "secret"]
        );
        let oidc = spec(&[
            ("auth_type", "oidc_azure"),
            ("tenant_id", "t"),
            ("client_id", "c"),
        ]);
        assert_eq!(
            oidc.refusal(&current),
            Some(Refusal::AuthTypeChange {
                current: "token".into(),
                wanted: AuthType::OidcAzure
            })
        );
        let oidc_current = config(json!({"name": "N", "auth_type": "oidc_gcp"}));
        assert_eq!(
            spec(&[("secret", "s")]).refusal(&oidc_current),
            Some(Refusal::SecretForOidc {
                current: "oidc_gcp".into()
            })
        );
    }

    #[test]
    fn changed_fields_uses_api_defaults_and_normalises() {
        let current = config(json!({
            "name": "NPM", "registry_type": "npm_registry", "url": "https://NPM.example.com/x/",
            "visibility": "selected", "selected_repository_ids": [2, 1], "username": null,
            "tenant_id": "t", "future_field": {"x": 1}
        }));
        let mut want = Fields {
            url: Some("https://npm.example.com/x".into()),
            replaces_base: Some(false),
            auth_type: Some(AuthType::Token),
            selected_repository_ids: Some(vec![1, 2]),
            ..Fields::default()
        };
        want.oidc.insert(OidcField::TenantId, "t".into());
        assert!(want.changed(&current).is_empty());
        want.username = Some("bot".into());
        want.visibility = Some(Visibility::All);
        want.oidc.insert(OidcField::TenantId, "u".into());
        assert_eq!(
            want.changed(&current),
            ["tenant_id", "username", "visibility"]
        );
        assert_eq!(
            json_of(&want.only(&["tenant_id".into(), "url".into()])),
            json!({"url": "https://npm.example.com/x", "tenant_id": "u"})
        );
    }

    #[test]
    fn made_needs_every_field_sent_and_ids_only_where_reported() {
        let sent = Fields {
            registry_type: Some(RegistryType::NpmRegistry),
            url: Some("https://npm.example.com".into()),
            username: Some("bot".into()),
            visibility: Some(Visibility::Selected),
            selected_repository_ids: Some(vec![7]),
            ..Fields::default()
        };
        let listed = json!({
            "name": "NPM_REGISTRY_2", "registry_type": "npm_registry",
            "url": "https://npm.example.com/", "username": "bot", "visibility": "selected"
        });
        assert!(sent.made(&config(listed.clone())));
        let mut with_ids = listed.clone();
        with_ids["selected_repository_ids"] = json!([8]);
        assert!(!sent.made(&config(with_ids)));
        for (key, other) in [
            ("username", json!("someone-else")),
            ("visibility", json!("private")),
            ("url", json!("https://npm.other.example.com")),
            ("registry_type", json!("maven_repository")),
        ] {
            let mut c = listed.clone();
            c[key] = other;
            assert!(!sent.made(&config(c)), "{key}");
        }
    }
}
