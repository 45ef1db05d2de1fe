//! A dependabot.yml's `registries:` map as manifest entries (through [`dependabot`]): its
//! problems in file order, a label given twice read under a name of its own so the rest is still
//! checked, and no problem said twice.

use super::yaml::*;
use super::*;

use serde_norway::Value as Yaml;

use crate::front::dependabot;
use crate::model::Entry;

/// A dependabot.yml's registries, labelled.
pub(super) fn from_dependabot(
    map: &serde_norway::Mapping,
    src: &Source,
) -> Result<Vec<Entry>, Vec<String>> {
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
pub(super) fn not_said_again(said: &[String], more: Vec<String>) -> Vec<String> {
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
pub(super) fn despite_duplicates(src: &Source, load_error: String) -> Vec<String> {
    let origin = src.origin.as_str();
    let dups = duplicate_labels(src.text);
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
pub(super) fn in_file_order(
    mut errors: Vec<String>,
    labels: &[String],
    origin: &str,
) -> Vec<String> {
    let position = |e: &String| {
        labels
            .iter()
            .position(|l| e.starts_with(&format!("{origin}: registries.{l}:")))
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(position);
    errors
}

/// Labels given twice under `registries:` (YAML refuses the document, without naming them).
fn duplicate_labels(text: &str) -> Vec<(String, usize, usize)> {
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let mut dups = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let top_level_map = !lines
        .iter()
        .any(|l| l.trim_end() == "registries:" || l.starts_with("registries:"));
    let mut inside = top_level_map;
    let mut indent: Option<usize> = if top_level_map { Some(0) } else { None };
    for (n, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        if !top_level_map && depth == 0 {
            inside = body.starts_with("registries:");
            indent = None;
            continue;
        }
        if !inside {
            continue;
        }
        let level = *indent.get_or_insert(depth);
        if depth == level
            && let Some((key, _)) = body.split_once(':')
        {
            let key = key.trim().trim_matches(['"', '\'']).to_string();
            match seen.get(&key) {
                Some(first) => dups.push((key, *first, n + 1)),
                None => {
                    seen.insert(key, n + 1);
                }
            }
        }
    }
    dups
}
