//! The values of a manifest to mask before anything is printed, found leniently (even when the
//! manifest is not valid): `secret` values, the values of dependabot.yml's secret keys, and the
//! values of the `secret_env` variables. A streaming scan: nothing but those values is kept.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};

use super::env::Env;
use super::secrets::{reference, references_in};
use crate::model::Secret;

/// `dependabot.yml` keys that hold a secret there (as `${{ secrets.X }}`); here that is
/// `secret_env`. Their values are masked like secrets.
pub const DEPENDABOT_SECRET_KEYS: &[&str] = &["password", "token", "key", "auth_key"];

/// What a key of an entry says about its value.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// The value is a secret (or a `${{ secrets.X }}` reference to one).
    Secret,
    /// The value names an environment variable holding a secret.
    Env,
    Other,
}

/// Equal after `-` → `_` and ASCII case folding, without building either.
fn loose_eq(a: &str, b: &str) -> bool {
    let fold = |c: u8| {
        if c == b'-' {
            b'_'
        } else {
            c.to_ascii_lowercase()
        }
    };
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| fold(x) == fold(y))
}

fn kind_of(key: &str) -> Kind {
    let key = key.trim();
    if ["secret"]
        .iter()
        .chain(DEPENDABOT_SECRET_KEYS)
        .any(|k| loose_eq(key, k))
    {
        Kind::Secret
    } else if loose_eq(key, "secret_env") {
        Kind::Env
    } else {
        Kind::Other
    }
}

/// Every value in the manifest that is or may be a secret, each once.
pub fn secrets_to_mask(text: &str, env: &Env) -> Vec<Secret> {
    let mut found: Vec<String> = Vec::new();
    let mut scan = Scan {
        env,
        found: &mut found,
    };
    // JSON first (a program's manifest, scanned several times faster), else YAML; a scan that
    // fails part-way keeps what it found, and the line pass below covers the rest.
    // A text nested too deeply is not parsed (it is refused later): the line pass covers it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let deep = super::depth::too_deep(text).is_some();
    let json = !deep
        && text.trim_start().starts_with(['[', '{'])
        && (&mut scan)
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .is_ok();
    if !json && !deep {
        let _ = (&mut scan).deserialize(serde_norway::Deserializer::from_str(text));
    }
    by_line(text, env, &mut found);
    // `${{ secrets.NAME }}` references resolved from the environment.
    for name in references_in(text) {
        if let Some(value) = env.get(name) {
            found.push(value.to_string());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|s| !s.trim().is_empty() && seen.insert(s.clone()))
        .map(Secret::new)
        .collect()
}

/// Line by line too, for a manifest a secret made invalid: `secret: VALUE` as written, and
/// without surrounding quotes.
fn by_line(text: &str, env: &Env, found: &mut Vec<String>) {
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        let line = line.trim_start_matches(['{', ',', ' ']);
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let unquoted = value
            .trim_end_matches([',', '}'])
            .trim()
            .trim_matches(['"', '\'']);
        // A block scalar's header (`|`, `>-`, `|2+`) is not the value: the structured scan
        // finds what is sealed. Nor is a one-character text worth a mask (it would hide every
        // such character in the log).
        let block = value.starts_with(['|', '>'])
            && value[1..]
                .trim()
                .chars()
                .all(|c| matches!(c, '+' | '-' | '1'..='9'));
        if block || unquoted.chars().count() < 2 {
            continue;
        }
        match kind_of(key) {
            Kind::Secret if !value.contains("${{") => {
                found.push(value.to_string());
                found.push(unquoted.to_string());
            }
            Kind::Env => {
                if let Some(value) = env.get(unquoted) {
                    found.push(value.to_string());
                }
            }
            _ => {}
        }
    }
}

/// The structured pass: a list of entries, each a mapping; anything else holds nothing here
/// (a dependabot.yml is covered by the line pass and its `${{ secrets.X }}` references).
struct Scan<'a> {
    env: &'a Env,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for &mut Scan<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut Scan<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Item(&mut *self))?.is_some() {}
        Ok(())
    }
}

/// One entry: a mapping whose secret keys are kept; any other value is skipped.
struct Item<'s, 'a>(&'s mut Scan<'a>);

impl<'de> DeserializeSeed<'de> for Item<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(kind) = map.next_key_seed(Key)? {
            if kind == Kind::Other {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let Some(value) = map.next_value::<Scalar>()?.0 else {
                continue;
            };
            match kind {
                Kind::Secret if !matches!(reference(&value), Ok(Some(_))) => {
                    self.0.found.push(value);
                }
                Kind::Env => {
                    if let Some(secret) = self.0.env.get(value.trim()) {
                        self.0.found.push(secret.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (_, value) = data.variant::<IgnoredAny>()?;
        value.newtype_variant::<IgnoredAny>().map(|_| ())
    }
}

/// A key, classified where it is read (no copy of it is made).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Kind;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Kind;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<Kind, E> {
        Ok(kind_of(key))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Kind, E> {
        Ok(Kind::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Kind, E> {
        Ok(Kind::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Kind, E> {
        Ok(Kind::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Kind, E> {
        Ok(Kind::Other)
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Other)
    }
}

/// A scalar value as text (`None` for null, a list or a mapping).
struct Scalar(Option<String>);

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(Scalar)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    /// A YAML tag (`!custom value`): the value under it.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (_, value) = data.variant::<IgnoredAny>()?;
        value.newtype_variant::<Scalar>().map(|s| s.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::from_iter([("NPM_TOKEN", "npm-s3cr3t: #{|*}\nline2"), ("EMPTY", "")])
    }

    fn masks(text: &str) -> Vec<String> {
        secrets_to_mask(text, &env())
            .iter()
            .map(|s| s.expose().to_string())
            .collect()
    }

    #[test]
    fn masks_literals_dependabot_keys_and_env_values() {
        let text = "- secret: \"lit1\"\n  url: https://a\n- password: lit2\n- secret_env: NPM_TOKEN\n- { secret: 'lit3', url: x }\n";
        let masks = masks(text);
        for want in ["lit1", "lit2", "lit3", "npm-s3cr3t: #{|*}\nline2"] {
            assert!(masks.iter().any(|m| m == want), "{want} not in {masks:?}");
        }
        assert!(!masks.iter().any(|m| m == "https://a"), "{masks:?}");
    }

    #[test]
    fn a_block_folded_or_escaped_secret_is_masked_as_what_is_sealed() {
        let text = "- secret: |\n    first-line-s3cret\n    second-line\n  url: https://a\n- secret: >-\n    folded\n    text\n- secret: \"tab\\there\"\n- secret: 'x'\n";
        let got = masks(text);
        for want in [
            "first-line-s3cret\nsecond-line\n",
            "folded text",
            "tab\there",
        ] {
            assert!(got.iter().any(|m| m == want), "{want:?} not in {got:?}");
        }
        for not in ["|", ">-", "'x'"] {
            assert!(!got.iter().any(|m| m == not), "{not:?} in {got:?}");
        }
    }

    #[test]
    fn one_line_json_is_scanned_by_its_structure() {
        // One line: the line pass sees no `secret:` key, only the structured scan does.
        let text = r#"[{"url":"https://a","Secret":"js\"on1","n":[1,{"secret":"nested"}]},{"auth-key":7},{"secret_env":"NPM_TOKEN"},{"token":"${{ secrets.X }}"},"x",null,[1]]"#;
        let got = masks(text);
        for want in ["js\"on1", "7", "npm-s3cr3t: #{|*}\nline2"] {
            assert!(got.iter().any(|m| m == want), "{want} not in {got:?}");
        }
        for not in ["https://a", "nested", "${{ secrets.X }}"] {
            assert!(!got.iter().any(|m| m == not), "{not} in {got:?}");
        }
        assert_eq!(got.len(), 3, "each once: {got:?}");
    }

    #[test]
    fn a_tagged_value_is_masked_and_the_scan_goes_on() {
        // `after` sits in a flow mapping, where only the structured scan finds it alone.
        let got = masks(
            "- secret: !custom tagged-s3cret\n  url: x\n- !other {a: 1}\n- {token: after, url: x}\n",
        );
        assert!(got.iter().any(|m| m == "tagged-s3cret"), "{got:?}");
        assert!(got.iter().any(|m| m == "after"), "{got:?}");
    }

    #[test]
    fn a_scan_cut_short_keeps_what_it_found() {
        let got = masks(r#"[{"secret":"first"},{"secret":"second"},{"url": oops}]"#);
        assert!(got.iter().any(|m| m == "first"), "{got:?}");
        assert!(got.iter().any(|m| m == "second"), "{got:?}");
        assert!(masks("[]").is_empty() && masks("{}").is_empty() && masks("").is_empty());
    }
}
