//! YAML as the manifest reads it, never quoting a secret: syntax errors by line, column and a
//! generic reason only (a pasted secret may be what broke it); items of a list or a JSON array;
//! scalars and keys as text.

use serde_norway::Value as Yaml;

use crate::front::depth::{self, MAX_DEPTH};

/// Parses the text into YAML values; the error never quotes the text. JSON (a manifest a
/// program wrote) goes through the JSON parser first, several times faster than libyaml on a
/// long one; whatever it does not take, the YAML parser reads (JSON is YAML).
pub(super) fn load(text: &str, origin: &str) -> Result<Yaml, String> {
    // A byte order mark, as Windows editors write one, is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(line) = depth::too_deep(text) {
        return Err(format!(
            "{origin}: nested more than {MAX_DEPTH} levels deep at line {line}; a manifest needs a handful (the text is not shown, as it may hold a secret)"
        ));
    }
    if text.trim_start().starts_with(['[', '{'])
        && let Ok(value) = serde_json::from_str::<Yaml>(text)
    {
        return Ok(value);
    }
    serde_norway::from_str::<Yaml>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        format!(
            "{origin}: not valid YAML or JSON{at}: {} (the text is not shown, as it may hold a secret)",
            generic_reason(&e.to_string())
        )
    })
}

/// The reason part of a YAML error, only when it cannot carry any of the text: libyaml's
/// reasons are fixed phrases; anything quoting the input (serde's "invalid type: string
/// \"…\"", duplicate keys) is replaced by a generic phrase.
pub(super) fn generic_reason(message: &str) -> String {
    let reason = message.split(" at ").next().unwrap_or_default().trim();
    if reason.contains("duplicate entry") {
        return "a key appears twice in one mapping".into();
    }
    let plain = !reason.is_empty()
        && reason
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | ',' | '-'));
    if plain {
        reason.to_string()
    } else {
        "the YAML is malformed".into()
    }
}

/// One entry as read: a mapping's keys and values in order (an entry has a handful of keys: no
/// hash index is built), or what else it was, for the message.
pub(super) enum Item {
    Map(Vec<(Yaml, Yaml)>),
    Other(&'static str),
}

impl From<Yaml> for Item {
    fn from(value: Yaml) -> Self {
        match value {
            Yaml::Mapping(m) => Item::Map(m.into_iter().collect()),
            Yaml::Null => Item::Other("nothing"),
            Yaml::Sequence(_) => Item::Other("a list"),
            _ => Item::Other("a single value"),
        }
    }
}

/// A JSON list of entries (what a program writes), read straight into [`Item`]s; `None` for
/// anything else, which [`load`] reads as YAML.
pub(super) fn json_items(text: &str) -> Option<Vec<Item>> {
    if !text.trim_start().starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<Item>>(text).ok()
}

impl<'de> serde::Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(pair) = map.next_entry::<Yaml, Yaml>()? {
                    pairs.push(pair);
                }
                Ok(Item::Map(pairs))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item::Other("a list"))
            }
            fn visit_unit<E>(self) -> Result<Item, E> {
                Ok(Item::Other("nothing"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Item, E> {
                Ok(Item::Other("a single value"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Item, E> {
                Ok(Item::Other("a single value"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Item, E> {
                Ok(Item::Other("a single value"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Item, E> {
                Ok(Item::Other("a single value"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Item, E> {
                Ok(Item::Other("a single value"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A scalar as the string the single inputs would carry; `None` for null.
pub(super) fn scalar(value: &Yaml) -> Result<Option<String>, &'static str> {
    match value {
        Yaml::Null => Ok(None),
        Yaml::Bool(b) => Ok(Some(b.to_string())),
        Yaml::Number(n) => Ok(Some(n.to_string())),
        Yaml::String(s) => Ok(Some(s.clone())),
        Yaml::Sequence(_) => Err("expected a single value, got a list"),
        Yaml::Mapping(_) => {
            Err("expected a single value, got a mapping (check the indentation of the next keys)")
        }
        Yaml::Tagged(_) => Err("YAML tags (`!…`) are not supported; quote the value"),
    }
}

pub(super) fn key_text(key: &Yaml) -> Option<String> {
    match key {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
