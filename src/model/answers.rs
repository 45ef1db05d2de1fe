//! Typed models of what GitHub answers: a configuration, a page of them, the org's public key.
//!
//! Enum-valued fields stay strings here: a value GitHub adds later must still list and compare,
//! not fail to decode. Compare them with the API spellings of [`crate::model::types`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::types::OidcField;

/// One private registry configuration as GitHub reports it (list, get, create).
///
/// GitHub never returns the secret; list and get omit `selected_repository_ids` too.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Configuration {
    /// Empty only for a configuration planned but not yet created (GitHub names it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces_base: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_repository_ids: Option<Vec<u64>>,
    /// The OIDC fields GitHub reports, by their API names (decoded beside the others: see
    /// the `Deserialize` impl).
    #[serde(flatten)]
    pub oidc: Oidc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The longest text GitHub's answers may hold in one field of a configuration (a URL is at
/// most a few hundred bytes): a longer one is refused, so what a hostile server sends cannot
/// multiply through the report.
pub const MAX_FIELD: usize = 4096;

impl Configuration {
    /// The name of the first field longer than [`MAX_FIELD`] bytes, if any.
    pub fn oversized(&self) -> Option<&'static str> {
        let texts = [
            ("name", Some(&self.name)),
            ("registry_type", self.registry_type.as_ref()),
            ("url", self.url.as_ref()),
            ("auth_type", self.auth_type.as_ref()),
            ("username", self.username.as_ref()),
            ("visibility", self.visibility.as_ref()),
            ("created_at", self.created_at.as_ref()),
            ("updated_at", self.updated_at.as_ref()),
        ];
        let long = |t: Option<&String>| t.is_some_and(|t| t.len() > MAX_FIELD);
        texts
            .into_iter()
            .find(|(_, t)| long(*t))
            .map(|(name, _)| name)
            .or_else(|| {
                self.oidc
                    .0
                    .iter()
                    .find(|(_, v)| v.len() > MAX_FIELD)
                    .map(|(k, _)| k.as_str())
            })
            .or_else(|| {
                let ids = self.selected_repository_ids.as_ref().map_or(0, Vec::len);
                (ids > MAX_FIELD).then_some("selected_repository_ids")
            })
    }

    /// One field's value as text, by its API name (`auth_type` is `token` when absent).
    pub fn value_of(&self, field: &str) -> Option<String> {
        if field == "auth_type" {
            return Some(self.auth().to_string());
        }
        if field == "replaces_base" {
            return Some(self.replaces_base.unwrap_or(false).to_string());
        }
        super::types::text_of(serde_json::to_value(self).ok()?.get(field)?)
    }

    /// The auth type, GitHub's default (`token`) when absent.
    pub fn auth(&self) -> &str {
        self.auth_type.as_deref().unwrap_or("token")
    }
}

/// One page, or all pages, of configurations.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Page {
    pub total_count: u64,
    pub configurations: Vec<Configuration>,
}

/// The org's public key for sealing secrets.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicKey {
    pub key_id: String,
    pub key: String,
}

/// A repository, for its id.
#[derive(Debug, Clone, Deserialize)]
pub struct Repository {
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

/// The OIDC fields of a configuration. Decoding keeps the known fields with string values and
/// ignores every other key, so a field GitHub adds later does not break a listing.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Oidc(pub BTreeMap<OidcField, String>);

/// Decoded key by key, in one pass and without copying a key: serde's `flatten` (for the
/// OIDC fields) would buffer every key and value of every configuration first. Unknown keys
/// are skipped, so a field GitHub adds later does not break a listing; OIDC fields keep string
/// values only.
impl<'de> Deserialize<'de> for Configuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Configuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a configuration object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Configuration, A::Error> {
                let mut c = Configuration::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Name => c.name = map.next_value()?,
                        Key::RegistryType => c.registry_type = map.next_value()?,
                        Key::Url => c.url = map.next_value()?,
                        Key::AuthType => c.auth_type = map.next_value()?,
                        Key::Username => c.username = map.next_value()?,
                        Key::ReplacesBase => c.replaces_base = map.next_value()?,
                        Key::Visibility => c.visibility = map.next_value()?,
                        Key::SelectedRepositoryIds => {
                            c.selected_repository_ids = map.next_value()?;
                        }
                        Key::CreatedAt => c.created_at = map.next_value()?,
                        Key::UpdatedAt => c.updated_at = map.next_value()?,
                        Key::Oidc(field) => {
                            if let Loose(Some(v)) = map.next_value::<Loose>()? {
                                c.oidc.0.insert(field, v);
                            }
                        }
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(Fields)
    }
}

/// A key of a configuration object.
#[derive(Clone, Copy)]
enum Key {
    Name,
    RegistryType,
    Url,
    AuthType,
    Username,
    ReplacesBase,
    Visibility,
    SelectedRepositoryIds,
    CreatedAt,
    UpdatedAt,
    Oidc(OidcField),
    Other,
}

/// The keys of [`Configuration`]'s plain fields; the OIDC fields come from [`OidcField::ALL`].
const KEYS: &[(&str, Key)] = &[
    ("name", Key::Name),
    ("registry_type", Key::RegistryType),
    ("url", Key::Url),
    ("auth_type", Key::AuthType),
    ("username", Key::Username),
    ("replaces_base", Key::ReplacesBase),
    ("visibility", Key::Visibility),
    ("selected_repository_ids", Key::SelectedRepositoryIds),
    ("created_at", Key::CreatedAt),
    ("updated_at", Key::UpdatedAt),
];

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E>(self, key: &str) -> Result<Key, E> {
                if let Some((_, known)) = KEYS.iter().find(|(k, _)| *k == key) {
                    return Ok(*known);
                }
                Ok(OidcField::ALL
                    .iter()
                    .find(|f| f.as_str() == key)
                    .map_or(Key::Other, |f| Key::Oidc(*f)))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A string, or anything else (ignored).
struct Loose(Option<String>);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_none<E>(self) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Loose, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Loose, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_configuration_decodes_key_by_key_and_skips_what_it_does_not_know() {
        let c: Configuration = serde_json::from_value(json!({
            "future": {"nested": [1, {"x": null}]},
            "tenant_id": "t", "client_id": 7, "audience": null,
            "name": "NPM", "registry_type": "npm_registry", "url": "https://npm.example.com",
            "username": null, "replaces_base": true, "visibility": "selected",
            "selected_repository_ids": [3, 1], "created_at": "2026-01-01T00:00:00Z",
        }))
        .unwrap();
        assert_eq!(c.name, "NPM");
        assert_eq!(c.url.as_deref(), Some("https://npm.example.com"));
        assert_eq!((c.username, c.replaces_base), (None, Some(true)));
        assert_eq!(c.selected_repository_ids, Some(vec![3, 1]));
        assert_eq!(c.created_at.as_deref(), Some("2026-01-01T00:00:00Z"));
        // OIDC fields keep string values only.
        assert_eq!(
            c.oidc.0.into_iter().collect::<Vec<_>>(),
            [(OidcField::TenantId, "t".to_string())]
        );
        // A plain field of the wrong type is an error, as the derived decoder had it.
        assert!(serde_json::from_value::<Configuration>(json!({"name": 5})).is_err());
        assert!(serde_json::from_value::<Configuration>(json!(["name"])).is_err());
    }
}
