//! The `registries` manifest of operations `sync` and `diff`: a YAML (or JSON) list of entries,
//! or a dependabot.yml, each entry turned into a validated [`Entry`] through
//! [`RegistrySpec::parse`](crate::model::RegistrySpec::parse), like the single-registry inputs.
//! Reading YAML safely is [`yaml`], one entry's keys [`entry`], dependabot.yml's `registries:` map
//! [`bridge`], entries that name one configuration twice [`duplicates`].

mod bridge;
mod duplicates;
mod entry;
#[cfg(test)]
mod tests;
mod yaml;

use bridge::*;
use duplicates::*;
use entry::*;
use yaml::*;

use serde_norway::Value as Yaml;

use crate::front::dependabot;
use crate::front::env::Env;
use crate::front::secrets::{Need, Secrets, stand_in_name};
use crate::model::Entry;
use crate::model::discovery::Found;

/// The most entries one manifest may hold: as many as a listing reads (see the client).
const MAX_ENTRIES: usize = 10_000;

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
