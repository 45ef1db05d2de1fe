//! The typed API fields of a create or update body (`Fields`, and `Body` with the sealed
//! secret), and the one table of how each field is named, read and compared with what GitHub
//! reports.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::answers::Configuration;
use crate::model::types::{AuthType, OidcField, RegistryType, Visibility, same_url};

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
pub(super) struct FieldRule {
    name: &'static str,
    /// Whether the field is set, and whether the configuration already has that value.
    same: fn(&Fields, &Configuration) -> Option<bool>,
    /// Leaves only this field out.
    clear: fn(&mut Fields),
}

/// Every non-OIDC field, in the alphabetical order the API body is written in.
pub(super) const FIELD_RULES: &[FieldRule] = &[
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
        crate::model::types::text_of(serde_json::to_value(self).ok()?.get(field)?)
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
