//! The desired shape of one registry configuration (`RegistrySpec`), parsed from raw strings,
//! and how it becomes an API body and compares with what GitHub reports.
//!
//! Both the single-registry inputs and every `sync` manifest entry go through
//! [`RegistrySpec::parse`], so the two accept exactly the same values.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::types::{
    AuthType, OidcField, RegistryType, RegistryUrl, RepoName, Secret, Visibility, normalize_url,
    parse_bool, split_list,
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
        let mut spec = RegistrySpec::default();
        let get = |k: &str| raw.get(k).map(String::as_str);

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

        if let Some(ids) = get("selected_repository_ids") {
            for id in split_list(ids) {
                match id.parse::<u64>() {
                    Ok(n) if n > 0 => spec.repository_ids.push(n),
                    _ => errors.push(format!(
                        "{}: {:?} is not a repository id; allowed: positive integers, comma or newline separated",
                        label("selected_repository_ids"),
                        crate::types::shorten(id)
                    )),
                }
            }
        }
        if let Some(names) = get("selected_repositories") {
            for name in split_list(names) {
                match name.parse::<RepoName>() {
                    Ok(n) if !spec.repository_names.contains(&n) => spec.repository_names.push(n),
                    Ok(_) => {}
                    Err(e) => errors.push(format!("{}: {e}", label("selected_repositories"))),
                }
            }
        }
        for f in OidcField::ALL {
            if let Some(v) = get(f.as_str()) {
                spec.oidc.insert(*f, v.to_string());
            }
        }

        spec.check_combinations(label, &mut errors);
        if errors.is_empty() {
            Ok(spec)
        } else {
            Err(errors)
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
                let shown = auth.map_or("token (the default)".to_string(), |a| a.to_string());
                for f in self.oidc.keys() {
                    errors.push(format!(
                        "{}: an OIDC field, not allowed with auth_type {shown}; set auth_type to one of: {}",
                        label(f.as_str()),
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
        self.secret.is_some() || !self.fields(&[]).is_empty()
    }

    /// Whether repository ids still need resolving from names, or are given.
    pub fn wants_repositories(&self) -> bool {
        !self.repository_ids.is_empty() || !self.repository_names.is_empty()
    }

    /// The API fields this spec sets (never the secret), with `repository_ids` already resolved
    /// from ids and names.
    pub fn fields(&self, repository_ids: &[u64]) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        if let Some(t) = self.registry_type {
            put("registry_type", t.as_str().into());
        }
        if let Some(u) = &self.url {
            put("url", u.as_str().into());
        }
        if let Some(u) = &self.username {
            put("username", u.as_str().into());
        }
        if let Some(b) = self.replaces_base {
            put("replaces_base", b.into());
        }
        if let Some(v) = self.visibility {
            put("visibility", v.as_str().into());
        }
        if self.visibility == Some(Visibility::Selected) && !repository_ids.is_empty() {
            put("selected_repository_ids", repository_ids.to_vec().into());
        }
        if let Some(a) = self.auth_type {
            put("auth_type", a.as_str().into());
        }
        for (f, v) in &self.oidc {
            put(f.as_str(), v.as_str().into());
        }
        m
    }

    /// `registry_type` + normalised `url`, the match key when no name is given.
    pub fn match_key(&self) -> Option<(RegistryType, String)> {
        Some((self.registry_type?, self.url.as_ref()?.key()))
    }
}

/// Why a configuration cannot be brought to a spec by a PATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// GitHub cannot change `auth_type` in place.
    AuthTypeChange { current: String, wanted: AuthType },
    /// A secret was given for a configuration whose auth type takes none.
    SecretForOidc { current: String },
}

/// What a PATCH must send to bring `current` to `spec`.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The fields to send (never the secret; the caller seals and adds it).
    pub body: Map<String, Value>,
    /// The field names written, with `secret` standing for the sealed value; empty: unchanged.
    pub fields: Vec<String>,
}

impl RegistrySpec {
    /// Why the configuration GitHub reports cannot be patched to this spec, if it cannot.
    /// Checked before anything is looked up or sealed.
    pub fn refusal(&self, current: &Value) -> Option<Refusal> {
        let current_auth = current
            .get("auth_type")
            .and_then(Value::as_str)
            .unwrap_or("token");
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
    pub fn patch_for(&self, repository_ids: &[u64], current: &Value) -> Patch {
        let desired = self.fields(repository_ids);
        let mut fields = changed_fields(&desired, current);
        let mut body: Map<String, Value> = desired
            .into_iter()
            .filter(|(k, _)| fields.contains(k))
            .collect();
        if body.contains_key("selected_repository_ids") {
            // GitHub takes repository ids only together with visibility selected.
            body.insert("visibility".into(), "selected".into());
        }
        if self.secret.is_some() {
            fields.push("secret".into());
        }
        Patch { body, fields }
    }
}

/// The fields of `desired` whose value differs from the configuration GitHub reports.
///
/// Absent values compare as the API's defaults (`replaces_base` false, `auth_type` token);
/// URLs compare normalised; repository ids compare as sets.
pub fn changed_fields(desired: &Map<String, Value>, current: &Value) -> Vec<String> {
    desired
        .iter()
        .filter(|(k, want)| {
            let have = current.get(k.as_str()).filter(|v| !v.is_null());
            let same = match k.as_str() {
                "url" => match (want.as_str(), have.and_then(Value::as_str)) {
                    (Some(w), Some(h)) => normalize_url(w) == normalize_url(h),
                    _ => false,
                },
                "replaces_base" => Some(*want) == Some(have.unwrap_or(&Value::Bool(false))),
                "auth_type" => {
                    want.as_str() == Some(have.and_then(Value::as_str).unwrap_or("token"))
                }
                "selected_repository_ids" => {
                    let ids = |v: &Value| {
                        let mut ids: Vec<u64> = v
                            .as_array()
                            .map(|a| a.iter().filter_map(Value::as_u64).collect())
                            .unwrap_or_default();
                        ids.sort_unstable();
                        ids.dedup();
                        ids
                    };
                    have.is_some_and(|h| ids(h) == ids(want))
                }
                _ => have == Some(*want),
            };
            !same
        })
        .map(|(k, _)| k.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let body = spec.fields(&[1, 2, 3]);
        assert_eq!(body["selected_repository_ids"], json!([1, 2, 3]));
        assert_eq!(body["replaces_base"], json!(true));
        assert!(!body.contains_key("secret") && !body.contains_key("encrypted_value"));
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
        let current = json!({"name": "N", "registry_type": "npm_registry", "url": "https://n.example.com", "visibility": "all"});
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
                body: Map::new(),
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
            Value::Object(p.body),
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
        let oidc_current = json!({"name": "N", "auth_type": "oidc_gcp"});
        assert_eq!(
            spec(&[("secret", "s")]).refusal(&oidc_current),
            Some(Refusal::SecretForOidc {
                current: "oidc_gcp".into()
            })
        );
    }

    #[test]
    fn changed_fields_uses_api_defaults_and_normalises() {
        let current = json!({
            "name": "NPM", "registry_type": "npm_registry", "url": "https://NPM.example.com/x/",
            "visibility": "selected", "selected_repository_ids": [2, 1], "username": null
        });
        let mut want = Map::new();
        want.insert("url".into(), json!("https://npm.example.com/x"));
        want.insert("replaces_base".into(), json!(false));
        want.insert("auth_type".into(), json!("token"));
        want.insert("selected_repository_ids".into(), json!([1, 2]));
        assert!(changed_fields(&want, &current).is_empty());
        want.insert("username".into(), json!("bot"));
        want.insert("visibility".into(), json!("all"));
        assert_eq!(changed_fields(&want, &current), ["username", "visibility"]);
    }
}
