//! Planning `sync`: which configuration each manifest entry is about, what it needs, and (with
//! prune) which configurations no entry names. Every page is listed once; nothing is written.

use anyhow::Result;

use super::change::{Action, Change};
use super::context::Ctx;
use super::plan::{Plan, Step};
use crate::model::types::normalize_url;
use crate::model::{ConfigName, Configuration, Entry, Refusal, name_key};

/// Which configuration an entry is about: `Ok(None)` to create, `Err` when it cannot be told.
type Matched = Result<Option<usize>, String>;

fn config_key(c: &Configuration) -> Option<(String, String)> {
    Some((c.registry_type.clone()?, normalize_url(c.url.as_deref()?)))
}

fn entry_key(e: &Entry) -> Option<(String, String)> {
    e.spec
        .match_key()
        .map(|(t, url)| (t.as_str().to_string(), url))
}

/// Matches every entry: names first (the surest), then registry type and URL.
///
/// Linear: configurations are indexed by name and by key once.
fn match_entries(entries: &[Entry], configs: &[Configuration]) -> Vec<Matched> {
    use std::collections::HashMap;
    let mut by_name: HashMap<String, usize> = HashMap::with_capacity(configs.len());
    let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::with_capacity(configs.len());
    for (ci, c) in configs.iter().enumerate() {
        by_name.entry(name_key(&c.name)).or_insert(ci);
        if let Some(k) = config_key(c) {
            by_key.entry(k).or_default().push(ci);
        }
    }
    let mut claimed: Vec<Option<usize>> = vec![None; configs.len()];
    let mut matched: Vec<Matched> = vec![Ok(None); entries.len()];
    for (i, e) in entries.iter().enumerate() {
        if let Some(name) = &e.name {
            let hit = by_name.get(&name_key(name.as_str())).copied();
            if let Some(ci) = hit {
                claimed[ci] = Some(i);
            }
            matched[i] = Ok(hit);
        }
    }
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.name.is_none()) {
        matched[i] = match_by_key(e, entries, configs, &by_key, &mut claimed);
    }
    for (i, e) in entries.iter().enumerate() {
        if let (Some(name), Ok(None)) = (&e.name, &matched[i])
            && let Some(why) = renamed(e, name, configs, &by_key, &claimed)
        {
            matched[i] = Err(why);
        }
    }
    matched
}

fn match_by_key(
    e: &Entry,
    entries: &[Entry],
    configs: &[Configuration],
    by_key: &std::collections::HashMap<(String, String), Vec<usize>>,
    claimed: &mut [Option<usize>],
) -> Matched {
    let Some(key) = entry_key(e) else {
        return Err(format!(
            "{}: give `name`, or `registry_type` and `url`",
            e.label()
        ));
    };
    let hits = by_key.get(&key).map(Vec::as_slice).unwrap_or_default();
    match hits {
        [] => Ok(None),
        [ci] => match claimed[*ci] {
            Some(j) => Err(format!(
                "{}: matches `{}` by registry_type and url, which {} names; list each configuration once",
                e.label(),
                configs[*ci].name,
                entries[j].label()
            )),
            None => {
                claimed[*ci] = Some(e.index);
                Ok(Some(*ci))
            }
        },
        several => Err(format!(
            "{}: {} configurations match registry_type {} and url {}: {}; give `name` to pick one",
            e.label(),
            several.len(),
            key.0,
            key.1,
            several
                .iter()
                .map(|ci| configs[*ci].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A name that matches nothing while an unclaimed configuration has the entry's registry type
/// and URL: GitHub named it differently. Creating would make a second one every run.
fn renamed(
    e: &Entry,
    name: &ConfigName,
    configs: &[Configuration],
    by_key: &std::collections::HashMap<(String, String), Vec<usize>>,
    claimed: &[Option<usize>],
) -> Option<String> {
    let key = entry_key(e)?;
    let ci = by_key
        .get(&key)?
        .iter()
        .copied()
        .find(|ci| claimed[*ci].is_none())?;
    let other = &configs[ci].name;
    Some(format!(
        "{}: `name`: no configuration is named {name}, but `{other}` has this registry_type and url (GitHub chooses names on creation); set name: {other} or leave name out to match by registry_type and url",
        e.label(),
    ))
}

/// An entry's label for messages, written only when one is.
struct Lazy<'a>(&'a Entry);

impl std::fmt::Display for Lazy<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.label())
    }
}

/// Plans one entry against the configuration it matched (if any).
fn plan_entry(ctx: &Ctx, entry: &Entry, current: Option<(usize, &Configuration)>) -> Step {
    let planned = match current {
        None => plan_create(ctx, entry),
        Some((ci, current)) => plan_update(ctx, entry, current).map(|mut s| {
            s.current = Some(ci);
            s
        }),
    };
    let mut step = planned.unwrap_or_else(|why| {
        let action = if current.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        let shown = current.map_or_else(|| planned_view(entry), |(_, c)| c.clone());
        Step::failed(Change::of(action, &shown, Vec::new()), why)
    });
    step.current = current.map(|(ci, _)| ci);
    step.change.entry = Some(entry.index);
    step.change.label = entry.label.clone();
    step.label = Some(entry.label());
    step
}

/// How a not-yet-created entry is shown.
fn planned_view(entry: &Entry) -> Configuration {
    Configuration::planned(
        entry.name.as_ref().map(ConfigName::as_str),
        &entry.spec.fields(&[]),
    )
}

fn plan_create(ctx: &Ctx, entry: &Entry) -> Result<Step, String> {
    let label = Lazy(entry);
    let spec = &entry.spec;
    let problems = spec.creation_problems(&|k: &str| format!("`{k}`"));
    if !problems.is_empty() {
        let what = match &entry.name {
            Some(n) => format!("no configuration is named {n}"),
            None => "no configuration has this registry_type and url".to_string(),
        };
        return Err(format!(
            "{label}: {what}, so it would be created, which needs: {}",
            problems.join("; ")
        ));
    }
    let ids = ctx
        .repository_ids(spec)
        .map_err(|e| format!("{label}: `selected_repositories`: {e:#}"))?;
    Ok(Step::create(spec, &ids, entry.name.clone()))
}

fn plan_update(ctx: &Ctx, entry: &Entry, current: &Configuration) -> Result<Step, String> {
    let label = Lazy(entry);
    let name = &current.name;
    match entry.spec.refusal(current) {
        Some(Refusal::AuthTypeChange {
            current: auth,
            wanted,
        }) => {
            return Err(format!(
                "{label}: `auth_type`: {name} uses auth_type {auth} and GitHub cannot change auth_type in place; delete it first (operation: delete, name: {name}), or drop this entry for one run with prune: true, and the next sync creates it with {wanted}"
            ));
        }
        Some(Refusal::SecretForOidc { current: auth }) => {
            return Err(format!(
                "{label}: `secret`: {name} uses auth_type {auth}, which takes no secret; remove the secret from the entry"
            ));
        }
        None => {}
    }
    let target: ConfigName = name
        .parse()
        .map_err(|e| format!("{label}: GitHub lists a name that cannot be used in a path: {e}"))?;
    let ids = ctx
        .repository_ids(&entry.spec)
        .map_err(|e| format!("{label}: `selected_repositories`: {e:#}"))?;
    let patch = entry.spec.patch_for(&ids, current);
    let mut step = Step::update(
        target,
        current,
        patch.body,
        patch.fields,
        entry.spec.secret.clone(),
    );
    // The change shows the configuration's name as GitHub has it.
    step.change.name = Some(name.clone());
    Ok(step)
}

/// `sync`: one step per entry in manifest order, then (with prune) a delete for each
/// configuration no entry matched.
pub fn plan(ctx: &Ctx, entries: &[Entry], prune: bool) -> Result<Plan> {
    let listing = ctx.client.list_all(ctx.org)?.configurations;
    // Best effort: a name the listing did not resolve is looked up on its own, and its error
    // (if any) is the entry's.
    let _ = ctx.prefetch_repositories(entries.iter().flat_map(|e| &e.spec.repository_names));
    let matched = match_entries(entries, &listing);
    let mut claimed = vec![false; listing.len()];
    let mut steps: Vec<Step> = Vec::with_capacity(entries.len());
    for (entry, m) in entries.iter().zip(&matched) {
        if let Ok(Some(ci)) = m {
            claimed[*ci] = true;
        }
        steps.push(match m {
            Ok(found) => plan_entry(ctx, entry, found.map(|ci| (ci, &listing[ci]))),
            Err(why) => {
                let mut step = Step::failed(
                    Change::of(Action::Create, &planned_view(entry), Vec::new()),
                    why.clone(),
                );
                step.change.entry = Some(entry.index);
                step.change.label = entry.label.clone();
                step.label = Some(entry.label());
                step
            }
        });
    }
    let unclaimed: Vec<usize> = (0..listing.len()).filter(|ci| !claimed[*ci]).collect();
    let mut kept = Vec::new();
    for ci in unclaimed {
        let config = &listing[ci];
        match (prune, config.name.parse::<ConfigName>()) {
            (true, Ok(name)) => {
                let mut step = Step::delete(name, config);
                step.current = Some(ci);
                step.label = Some(format!("prune {}", config.name));
                steps.push(step);
            }
            _ => kept.push(config.name.clone()),
        }
    }
    Ok(Plan {
        steps,
        listing,
        listed: true,
        kept,
        sync: true,
        concurrent: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RegistrySpec, RegistryType};

    fn entry(index: usize, name: Option<&str>, url: &str) -> Entry {
        Entry {
            index,
            name: name.map(|n| n.parse().expect("name")),
            spec: RegistrySpec {
                registry_type: Some(RegistryType::NpmRegistry),
                url: Some(url.parse().expect("url")),
                ..RegistrySpec::default()
            },
            label: None,
        }
    }

    fn config(name: &str, url: &str) -> Configuration {
        serde_json::from_value(serde_json::json!({
            "name": name, "registry_type": "npm_registry", "url": url, "visibility": "all"
        }))
        .expect("configuration")
    }

    #[test]
    fn entries_match_by_name_without_case_then_by_type_and_url() {
        let configs = [
            config("NPM_A", "https://a.example.com/"),
            config("NPM_B", "https://b.example.com"),
        ];
        let entries = [
            entry(0, Some("npm_a"), "https://elsewhere.example.com"),
            entry(1, None, "https://b.example.com/"),
            entry(2, None, "https://new.example.com"),
        ];
        assert_eq!(
            match_entries(&entries, &configs),
            [Ok(Some(0)), Ok(Some(1)), Ok(None)]
        );
    }

    #[test]
    fn a_configuration_is_claimed_once_and_a_renamed_one_is_not_created_again() {
        let configs = [config("GITHUB_CHOSE_THIS", "https://a.example.com")];
        // Two entries without a name for the same configuration: the second is refused.
        let twice = [
            entry(0, None, "https://a.example.com"),
            entry(1, None, "https://a.example.com"),
        ];
        let matched = match_entries(&twice, &configs);
        assert_eq!(matched[0], Ok(Some(0)));
        let why = matched[1].clone().expect_err("claimed twice");
        assert!(why.contains("list each configuration once"), "{why}");
        // A name GitHub did not give, where the type and url match: not a create.
        let renamed = [entry(0, Some("MY_NAME"), "https://a.example.com")];
        let why = match_entries(&renamed, &configs)[0]
            .clone()
            .expect_err("renamed");
        assert!(why.contains("set name: GITHUB_CHOSE_THIS"), "{why}");
    }
}
