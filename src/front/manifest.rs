//! The `registries` manifest of operation `sync`: a YAML (or JSON) list of entries, each turned
//! into a validated [`Entry`] through [`RegistrySpec::parse`], like the single-registry inputs.
//!
//! Also accepts the spellings people copy from `dependabot.yml` (`type`, hyphenated keys and
//! registry types, `git`). Nothing here ever quotes a secret: YAML syntax errors are reported by
//! line, column and a generic reason only, since a pasted secret may be what broke the YAML.

use std::collections::BTreeMap;

use serde_norway::Value as Yaml;

use super::dependabot;
use super::depth::{self, MAX_DEPTH};
use super::env::Env;
use super::mask::DEPENDABOT_SECRET_KEYS;
use super::secrets::{Need, Secrets, reference, stand_in_name};
use super::shared::{edit_distance, env_var_name};
use crate::model::discovery::Found;
use crate::model::spec::{RawSpec, SPEC_KEYS, describe};
use crate::model::{ConfigName, Entry, OidcField, RegistrySpec};

/// The keys an entry takes besides the OIDC fields, in their canonical (API) spelling: the
/// registry keys of the single inputs, plus `name` and `secret_env`.
fn keys() -> impl Iterator<Item = &'static str> + Clone {
    ["name"]
        .into_iter()
        .chain(SPEC_KEYS.iter().copied())
        .chain(["secret_env"])
}

/// Keys whose value may be a list.
const LIST_KEYS: &[&str] = &["selected_repository_ids", "selected_repositories"];

/// The most entries one manifest may hold: as many as a listing reads (see the client).
const MAX_ENTRIES: usize = 10_000;

/// The canonical spelling of a key: `-` → `_`, `type` → `registry_type`; `None` if unknown.
fn canonical(key: &str) -> Option<&'static str> {
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
fn unknown_key(key: &str) -> String {
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

/// Parses the text into YAML values; the error never quotes the text. JSON (a manifest a
/// program wrote) goes through the JSON parser first, several times faster than libyaml on a
/// long one; whatever it does not take, the YAML parser reads (JSON is YAML).
fn load(text: &str, origin: &str) -> Result<Yaml, String> {
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
fn generic_reason(message: &str) -> String {
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

/// Where a manifest comes from and what resolves it.
pub struct Source<'a> {
    pub text: &'a str,
    /// How messages name it: ``input `registries` `` or the file's path.
    pub origin: String,
    pub env: &'a Env,
    /// What `${{ secrets.NAME }}` references resolve from.
    pub secrets: &'a Secrets,
    /// A dependabot.yml file's overlay (label → visibility, repositories, name), YAML text.
    pub overlay: Option<&'a str>,
}

/// Parses and validates a manifest given as the `registries` input, with secrets from the
/// environment and no overlay.
pub fn parse(text: &str, env: &Env) -> Result<Vec<Entry>, Vec<String>> {
    parse_source(&Source {
        text,
        origin: "input `registries`".into(),
        env,
        secrets: &Secrets::from_env(),
        overlay: None,
    })
}

/// One repository's dependabot.yml, for `discover`: the registries its `registries:` map
/// configures (none when it has no such map), each with the name of the `${{ secrets.NAME }}`
/// it references. Read by the same mapping `sync` uses; no secret value is looked up or kept.
/// The error is one line: the first problem, and how many there are.
pub fn parse_repository_file(text: &str, origin: &str) -> Result<Vec<Found>, String> {
    let doc = load(text, origin)?;
    if dependabot::registries(&doc).is_none() {
        return Ok(Vec::new());
    }
    let env = Env::default();
    let secrets = Secrets::from_env().needing(Need::None);
    let entries = parse_source(&Source {
        text,
        origin: origin.to_string(),
        env: &env,
        secrets: &secrets,
        overlay: None,
    })
    .map_err(|errors| {
        let first = errors
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{origin}: not a valid dependabot.yml"));
        match errors.len() {
            0 | 1 => first,
            n => format!("{first} (and {} more)", n - 1),
        }
    })?;
    Ok(entries
        .into_iter()
        .map(|mut e| {
            let secret = e.spec.secret.take();
            Found {
                label: e.label.unwrap_or_default(),
                secret_name: secret.as_ref().and_then(stand_in_name).map(str::to_string),
                spec: e.spec,
            }
        })
        .collect())
}

/// Parses and validates the whole manifest — our list of entries, or a dependabot.yml
/// document or its `registries:` map; every problem is reported, none quoting a secret.
pub fn parse_source(src: &Source) -> Result<Vec<Entry>, Vec<String>> {
    let origin = src.origin.as_str();
    let items = match json_items(src.text) {
        Some(items) => items,
        None => {
            let doc = match load(src.text, origin) {
                Ok(doc) => doc,
                Err(e) => return Err(despite_duplicates(src, e)),
            };
            if let Some(map) = dependabot::registries(&doc) {
                return from_dependabot(map, src);
            }
            list_of(doc, origin)?
        }
    };
    if src.overlay.is_some() {
        return Err(vec![format!(
            "{}: only for a dependabot.yml; {origin} is a list of entries, which take visibility and repositories themselves",
            src.secrets.audience().overlay()
        )]);
    }
    if items.is_empty() {
        return Err(vec![format!(
            "{origin}: the list is empty; nothing to sync (with prune it would delete every configuration; use operation delete for that)"
        )]);
    }
    if items.len() > MAX_ENTRIES {
        return Err(vec![format!(
            "{origin}: {} entries; at most {MAX_ENTRIES}",
            items.len()
        )]);
    }
    let items: Vec<(Option<String>, Item)> = items.into_iter().map(|i| (None, i)).collect();
    entries_of(&items, src)
}

/// The entries of a document that is not a dependabot.yml: it must be a list.
fn list_of(doc: Yaml, origin: &str) -> Result<Vec<Item>, Vec<String>> {
    match doc {
        Yaml::Sequence(items) => Ok(items.into_iter().map(Item::from).collect()),
        Yaml::Null => Err(vec![format!(
            "{origin}: holds no entries; give a YAML list (`- url: …`), a JSON array, or a dependabot.yml `registries:` map"
        )]),
        Yaml::Mapping(m) if matches!(m.get("registries"), Some(Yaml::Sequence(_))) => {
            Err(vec![format!(
                "{origin}: is a mapping whose `registries:` holds a list; give the list itself (the entries, each starting with `- `), or a dependabot.yml map of labels"
            )])
        }
        Yaml::Mapping(_) => Err(vec![format!(
            "{origin}: is a mapping, but neither a dependabot.yml document with `registries:` nor a map of registries each with a `type`"
        )]),
        _ => Err(vec![format!(
            "{origin}: is a single value, not a list of entries"
        )]),
    }
}

/// One entry as read: a mapping's keys and values in order (an entry has a handful of keys: no
/// hash index is built), or what else it was, for the message.
enum Item {
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
fn json_items(text: &str) -> Option<Vec<Item>> {
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

/// A dependabot.yml's registries, labelled.
fn from_dependabot(map: &serde_norway::Mapping, src: &Source) -> Result<Vec<Entry>, Vec<String>> {
    let overlay_label = src.secrets.audience().overlay();
    let overlay = match src.overlay.map(|t| load(t, overlay_label)) {
        None => serde_norway::Mapping::new(),
        Some(Ok(Yaml::Mapping(m))) => m,
        Some(Ok(Yaml::Null)) => serde_norway::Mapping::new(),
        Some(Ok(_)) => {
            return Err(vec![format!(
                "{overlay_label}: expected a mapping of registry labels (or \"*\") to visibility, selected_repositories, selected_repository_ids and name"
            )]);
        }
        Some(Err(e)) => return Err(vec![e]),
    };
    if map.is_empty() {
        return Err(vec![format!(
            "{}: `registries:` is empty; nothing to sync",
            src.origin
        )]);
    }
    let cx = dependabot::Context {
        env: src.env,
        secrets: src.secrets,
        overlay: &overlay,
        origin: &src.origin,
    };
    let (labelled, mut errors) = dependabot::entries(map, &cx);
    let labels: Vec<String> = labelled.iter().map(|l| l.label.clone()).collect();
    let items: Vec<(Option<String>, Item)> = labelled
        .into_iter()
        .map(|l| {
            (
                Some(format!("{}: registries.{}", src.origin, l.label)),
                Item::from(l.entry),
            )
        })
        .collect();
    match entries_of(&items, src) {
        Ok(entries) if errors.is_empty() => Ok(entries),
        Ok(_) => Err(in_file_order(errors, &labels, &src.origin)),
        Err(more) => {
            let more = not_said_again(&errors, more);
            errors.extend(more);
            Err(in_file_order(errors, &labels, &src.origin))
        }
    }
}

/// The manifest's own problems, less those that only follow from one the dependabot
/// translation said: a `type` it refused, or a misspelt key it named (`urll`: did you mean
/// `url`?), leaves that key missing, which is the same problem again, not a second one.
fn not_said_again(said: &[String], more: Vec<String>) -> Vec<String> {
    let accounted = |here: &str, key: &str| {
        said.iter()
            .filter_map(|s| s.strip_prefix(here))
            .any(|rest| {
                (key == "registry_type" && rest.starts_with(": `type`:"))
                    || rest.contains(&format!("did you mean `{key}`?"))
            })
    };
    more.into_iter()
        .filter(|problem| {
            let Some((here, rest)) = problem.split_once(": `") else {
                return true;
            };
            let Some((keys, _)) = rest.split_once("`: required") else {
                return true;
            };
            !keys.split("` and `").all(|key| accounted(here, key))
        })
        .collect()
}

/// A dependabot.yml whose labels repeat does not load (YAML refuses a key given twice): each
/// repetition is said, and the rest is still checked, every repeated label read under a name of
/// its own (`alpha (again, line 11)`), so every problem is reported at once.
fn despite_duplicates(src: &Source, load_error: String) -> Vec<String> {
    let origin = src.origin.as_str();
    let dups = dependabot::duplicate_labels(src.text);
    if dups.is_empty() {
        return vec![load_error];
    }
    let mut errors: Vec<String> = dups
        .iter()
        .map(|(label, first, again)| {
            format!(
                "{origin}: registries.{label}: given twice (lines {first} and {again}); keep one"
            )
        })
        .collect();
    let mut lines: Vec<String> = src.text.lines().map(str::to_string).collect();
    for (label, _, again) in &dups {
        if let Some(line) = lines.get_mut(again - 1) {
            let indent = line.len() - line.trim_start().len();
            let rest = line
                .trim_start()
                .split_once(':')
                .map_or("", |(_, r)| r)
                .to_string();
            *line = format!(
                "{}\"{label} (again, line {again})\":{rest}",
                " ".repeat(indent)
            );
        }
    }
    let renamed = lines.join("\n");
    if let Ok(doc) = load(&renamed, origin)
        && let Some(map) = dependabot::registries(&doc)
    {
        let labels: Vec<String> = map
            .keys()
            .filter_map(|k| k.as_str())
            .map(str::to_string)
            .collect();
        if let Err(more) = from_dependabot(
            map,
            &Source {
                text: &renamed,
                origin: src.origin.clone(),
                ..*src
            },
        ) {
            errors.extend(more);
        }
        return in_file_order(errors, &labels, origin);
    }
    errors
}

/// `errors` in the order of the labels they name in the file; the others after, as they came.
fn in_file_order(mut errors: Vec<String>, labels: &[String], origin: &str) -> Vec<String> {
    let position = |e: &String| {
        labels
            .iter()
            .position(|l| e.starts_with(&format!("{origin}: registries.{l}:")))
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(position);
    errors
}

/// Validates every entry, then that no two aim at the same configuration.
fn entries_of(items: &[(Option<String>, Item)], src: &Source) -> Result<Vec<Entry>, Vec<String>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for (index, (label, item)) in items.iter().enumerate() {
        match parse_entry(index, item, src, label.as_deref()) {
            Ok(entry) => entries.push(entry),
            Err(mut e) => errors.append(&mut e),
        }
    }
    check_duplicates(&entries, &mut errors);
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// A scalar as the string the single inputs would carry; `None` for null.
fn scalar(value: &Yaml) -> Result<Option<String>, &'static str> {
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

fn key_text(key: &Yaml) -> Option<String> {
    match key {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// How messages name an entry: its label, or its position with its url or name. Written only
/// when a message needs it.
struct Here<'a> {
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
type Given = BTreeMap<&'static str, (String, String)>;

fn parse_entry(
    index: usize,
    item: &Item,
    src: &Source,
    labelled: Option<&str>,
) -> Result<Entry, Vec<String>> {
    let map = match item {
        Item::Map(map) => map.as_slice(),
        Item::Other(what) => {
            return Err(vec![format!(
                "registries[{index}]: expected a mapping of keys (`url: …`, `registry_type: …`), got {what}"
            )]);
        }
    };
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
    let mut raw: RawSpec = given
        .iter()
        .filter(|(k, _)| !matches!(**k, "name" | "secret_env" | "secret"))
        .map(|(k, (_, v))| (k.to_string(), value_spelling(k, v)))
        .collect();
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

/// An entry without a name is matched by registry_type and url: both are needed.
fn need_match_key(spec: &RegistrySpec, given: &Given, here: &Here, errors: &mut Vec<String>) {
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
fn read_keys(map: &[(Yaml, Yaml)], here: &Here, errors: &mut Vec<String>) -> Given {
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
fn value_text(canon: &str, value: &Yaml) -> Result<Option<String>, String> {
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
fn read_secret(
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
fn value_spelling(key: &str, value: &str) -> String {
    match key {
        "registry_type" if value == "git" => "git_source".into(),
        "registry_type" | "auth_type" => value.replace('-', "_"),
        _ => value.to_string(),
    }
}

/// The value of `secret_env`'s variable; the error names the variable, never a value.
fn secret_from_env(
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
    secrets.from_variable(var, env, || secrets.audience().unset_variable(var))
}

/// Two entries may not aim at the same configuration: the same name, or the same registry type
/// and URL when one of them has no name to tell it apart. Linear: each entry is checked against
/// the first earlier one with its name, and with its type and URL.
fn check_duplicates(entries: &[Entry], errors: &mut Vec<String>) {
    use std::collections::HashMap;
    let mut names: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    // Per type and URL: the first entry, and the first one without a name.
    let mut keys: HashMap<(crate::model::RegistryType, String), (usize, Option<usize>)> =
        HashMap::with_capacity(entries.len());
    for (i, a) in entries.iter().enumerate() {
        if let Some(name) = &a.name {
            match names.get(&name.as_str().to_ascii_uppercase()) {
                Some(&j) => {
                    errors.push(format!(
                        "{}: `name`: {} is also the name of {}; list each configuration once",
                        a.label(),
                        name.as_str(),
                        entries[j].label()
                    ));
                    continue;
                }
                None => {
                    names.insert(name.as_str().to_ascii_uppercase(), i);
                }
            }
        }
        let Some(key) = a.spec.match_key() else {
            continue;
        };
        let unnamed = a.name.is_none();
        match keys.get_mut(&key) {
            Some((first, first_unnamed)) => {
                let clash = if unnamed {
                    Some(*first)
                } else {
                    *first_unnamed
                };
                if let Some(j) = clash {
                    errors.push(format!(
                        "{}: `url`: same registry_type and url as {}, and one of them has no name to tell them apart; list each configuration once (or give both a name)",
                        a.label(),
                        entries[j].label()
                    ));
                }
                if unnamed && first_unnamed.is_none() {
                    *first_unnamed = Some(i);
                }
            }
            None => {
                keys.insert(key, (i, unnamed.then_some(i)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthType, RegistryType, Secret, Visibility};

    fn env() -> Env {
        Env::from_iter([("NPM_TOKEN", "npm-s3cr3t: #{|*}\nline2"), ("EMPTY", "")])
    }

    fn ok(text: &str) -> Vec<Entry> {
        parse(text, &env()).unwrap_or_else(|e| panic!("{e:#?}"))
    }

    fn errors(text: &str) -> String {
        parse(text, &env()).unwrap_err().join("\n")
    }

    #[test]
    fn parses_yaml_with_both_secret_forms_and_lists() {
        let entries = ok(r#"
- name: NPM_SECRET
  registry_type: npm_registry
  url: https://npm.example.com/
  secret_env: NPM_TOKEN
  visibility: selected
  selected_repositories: [web, api]
  selected_repository_ids: [12, "13"]
  replaces_base: true
- registry_type: docker_registry
  url: https://registry.example.com
  secret: "literal"
  visibility: all
  replaces_base: "false"
"#);
        assert_eq!(entries.len(), 2);
        let a = &entries[0];
        assert_eq!(a.name.as_ref().map(ConfigName::as_str), Some("NPM_SECRET"));
        assert_eq!(
            a.spec.secret.as_ref().map(Secret::expose),
            Some("npm-s3cr3t: #{|*}\nline2")
        );
        assert_eq!(a.spec.repository_ids, [12, 13]);
        assert_eq!(a.spec.repository_names.len(), 2);
        assert_eq!(a.spec.replaces_base, Some(true));
        assert_eq!(a.label(), "registries[0] (https://npm.example.com/)");
        let b = &entries[1];
        assert_eq!(b.spec.secret.as_ref().map(Secret::expose), Some("literal"));
        assert_eq!(b.spec.replaces_base, Some(false));
        assert_eq!(b.spec.visibility, Some(Visibility::All));
    }

    #[test]
    fn json_parses_too() {
        let entries = ok(
            "[\n\t{\"type\": \"npm-registry\", \"url\": \"https://n.example.com\", \"secret_env\": \"NPM_TOKEN\", \"visibility\": \"private\"}\n]",
        );
        assert_eq!(
            entries[0].spec.registry_type,
            Some(RegistryType::NpmRegistry)
        );
    }

    #[test]
    fn a_json_list_reads_like_the_same_yaml() {
        let json = r#"[{"url": "https://a.example.com", "registry_type": "npm_registry", "secret_env": "NPM_TOKEN", "selected_repositories": ["web", "api"], "visibility": "selected", "replaces_base": true}]"#;
        let yaml = "- url: https://a.example.com\n  registry_type: npm_registry\n  secret_env: NPM_TOKEN\n  selected_repositories: [web, api]\n  visibility: selected\n  replaces_base: true\n";
        let (j, y) = (ok(json), ok(yaml));
        assert_eq!(format!("{:?}", j), format!("{:?}", y));
        let e = errors(
            r#"[null, [1], "x", 7, {"url": "https://a", "url": "https://b", "registry_type": "npm_registry"}]"#,
        );
        for want in [
            "registries[0]: expected a mapping of keys (`url: …`, `registry_type: …`), got nothing",
            "registries[1]: expected a mapping of keys (`url: …`, `registry_type: …`), got a list",
            "registries[2]: expected a mapping of keys (`url: …`, `registry_type: …`), got a single value",
            "registries[3]: expected a mapping of keys (`url: …`, `registry_type: …`), got a single value",
            "registries[4] (https://a): `url`: given twice (also as `url`); keep one",
        ] {
            assert!(e.contains(want), "{want} not in {e}");
        }
        assert!(errors("[]").contains("the list is empty"));
    }

    #[test]
    fn dependabot_spellings() {
        let entries = ok(r#"
- type: git
  url: https://github.com/acme
  secret-env: NPM_TOKEN
  replaces-base: true
  visibility: selected
  selected-repositories: "web, api"
- type: maven-repository
  url: https://maven.example.com
  auth-type: username-password
  username: bot
  secret_env: NPM_TOKEN
  visibility: all
- type: docker-registry
  url: https://r.example.com
  auth-type: oidc_aws
  aws-region: eu-west-1
  account-id: "123456789012"
  role-name: r
  domain: d
  domain-owner: "123456789012"
  visibility: all
"#);
        assert_eq!(entries[0].spec.registry_type, Some(RegistryType::GitSource));
        assert_eq!(entries[0].spec.replaces_base, Some(true));
        assert_eq!(entries[0].spec.repository_names.len(), 2);
        assert_eq!(
            entries[1].spec.registry_type,
            Some(RegistryType::MavenRepository)
        );
        assert_eq!(entries[1].spec.auth_type, Some(AuthType::UsernamePassword));
        assert_eq!(entries[2].spec.oidc.len(), 5);
        assert!(
            entries[2]
                .spec
                .creation_problems(&|k| k.to_string())
                .is_empty()
        );
    }

    #[test]
    fn unknown_keys_suggest_the_close_one() {
        let e = errors(
            "- url: https://a.example.com\n  registry_typ: npm_registry\n  visiblity: all\n  password: hunter2\n  colour: red\n",
        );
        assert!(
            e.contains("registries[0] (https://a.example.com): `registry_typ`: unknown key; did you mean `registry_type`?"),
            "{e}"
        );
        assert!(
            e.contains("`visiblity`: unknown key; did you mean `visibility`?"),
            "{e}"
        );
        assert!(
            e.contains("`password`: unknown key; dependabot.yml's `password` holds the secret"),
            "{e}"
        );
        assert!(
            e.contains("`colour`: unknown key; allowed: name, registry_type"),
            "{e}"
        );
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn every_problem_is_reported_with_entry_and_key() {
        let e = errors(
            r#"
- registry_type: npm
  url: https://a.example.com
  visibility: public
  secret: x
  secret_env: NPM_TOKEN
- registry_type: npm_registry
  url: https://b.example.com
  secret_env: MISSING_VAR
  replaces-base: maybe
- registry_type: npm_registry
  url: https://c.example.com
  secret_env: EMPTY
- visibility: all
- name: X
  url: https://e.example.com
- name: x
  url: https://f.example.com
- registry_type: npm_registry
  url: https://g.example.com
  visibility: all
  secret: s
- registry_type: npm_registry
  url: HTTPS://G.example.com/
"#,
        );
        for want in [
            "registries[0] (https://a.example.com): `registry_type`: unknown registry type \"npm\"",
            "registries[0] (https://a.example.com): `visibility`: unknown visibility \"public\"",
            "registries[0] (https://a.example.com): `secret` and `secret_env`: give one of them",
            "registries[1] (https://b.example.com): `secret_env`: the environment variable MISSING_VAR is unset or empty",
            "registries[1] (https://b.example.com): `replaces-base`: \"maybe\" is not a boolean",
            "registries[2] (https://c.example.com): `secret_env`: the environment variable EMPTY is unset or empty",
            "registries[3]: `registry_type` and `url`: required without `name`",
            "registries[5] (https://f.example.com): `name`: x is also the name of registries[4] (https://e.example.com)",
            "registries[7] (HTTPS://G.example.com/): `url`: same registry_type and url as registries[6]",
        ] {
            assert!(e.contains(want), "missing {want:?} in:\n{e}");
        }
    }

    #[test]
    fn value_shapes() {
        let e = errors(
            "- url: [https://a.example.com]\n  registry_type: npm_registry\n- url: https://b.example.com\n  registry_type: npm_registry\n  secret: 12345\n  visibility: !custom all\n",
        );
        assert!(
            e.contains("registries[0]: `url`: expected a single value, got a list"),
            "{e}"
        );
        assert!(e.contains("`secret`: must be a quoted string"), "{e}");
        assert!(!e.contains("12345"), "{e}");
        assert!(e.contains("`visibility`: YAML tags"), "{e}");
        assert!(errors("- just a string\n").contains("registries[0]: expected a mapping"));
        assert!(errors("[]").contains("the list is empty"));
        assert!(errors("# nothing\n").contains("holds no entries"));
        assert!(errors("registries:\n  - url: x\n").contains("give the list itself"));
        assert!(errors("npm:\n  url: https://x\n").contains("neither a dependabot.yml document"));
        let e = errors("- url: https://a\n  url: https://b\n");
        assert!(e.contains("a key appears twice"), "{e}");
        let e = errors("- url: https://a\n  type: npm_registry\n  registry_type: npm_registry\n");
        assert!(
            e.contains("given twice (also as `registry_type`)")
                || e.contains("given twice (also as `type`)"),
            "{e}"
        );
    }

    #[test]
    fn syntax_errors_show_place_not_text() {
        // An unquoted secret with YAML-hostile characters breaks the YAML.
        let text = "- url: https://a.example.com\n  secret: ab: {cd|*ef\n";
        let e = errors(text);
        assert!(
            e.contains("not valid YAML or JSON at line 2, column"),
            "{e}"
        );
        for part in ["ab", "{cd", "*ef"] {
            assert!(!e.contains(part), "{part} in {e}");
        }
        let masks: Vec<String> = super::super::mask::secrets_to_mask(text, &env())
            .iter()
            .map(|s| s.expose().to_string())
            .collect();
        assert!(masks.contains(&"ab: {cd|*ef".to_string()), "{masks:?}");
    }

    #[test]
    fn secret_env_names_are_checked() {
        let e = errors(
            "- url: https://a\n  registry_type: npm_registry\n  secret_env: INPUT_TOKEN\n- url: https://b\n  registry_type: npm_registry\n  secret_env: \"A B\"\n",
        );
        assert!(
            e.contains("`secret_env`: INPUT_TOKEN is one of the step's inputs"),
            "{e}"
        );
        assert!(
            e.contains("`secret_env`: is not an environment variable name"),
            "{e}"
        );
        assert!(!e.contains("A B"), "the value is never quoted: {e}");
    }

    #[test]
    fn oidc_entry_with_secret_env_names_secret_env() {
        let e = errors(
            "- url: https://a\n  registry_type: npm_registry\n  auth_type: oidc_azure\n  secret_env: NPM_TOKEN\n",
        );
        assert!(
            e.contains(
                "registries[0] (https://a): `secret_env`: not allowed with auth_type oidc_azure"
            ),
            "{e}"
        );
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("visiblity", "visibility"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
