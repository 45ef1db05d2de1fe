//! `sync`: makes the org's configurations match the `registries` manifest.
//!
//! Reads every page once, plans per entry (`create`, `update` with the fields that differ,
//! `unchanged`) and, with prune, `delete` for configurations no entry matches; then applies
//! serially: creates and updates in manifest order, deletes last and only when every create and
//! update succeeded. No read-back: the `registries` output is the listing with what was written
//! merged in. A dry run plans, reports, and sends nothing but the reads (no key).

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use super::{Action, Change, Ctx, Outcome};
use crate::manifest::Entry;
use crate::outputs::{self, Reporter, table};
use crate::registry::{Patch, Refusal};
use crate::types::{ConfigName, normalize_url};

/// What to do for one entry or one pruned configuration.
struct Step<'a> {
    entry: Option<&'a Entry>,
    change: Change,
    /// The configuration it acts on, as an index into the listing.
    current: Option<usize>,
    /// The fields to POST or PATCH (without the secret).
    body: Map<String, Value>,
}

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    create: usize,
    update: usize,
    unchanged: usize,
    delete: usize,
    failed: usize,
    skipped: usize,
}

fn config_name(c: &Value) -> &str {
    c.get("name").and_then(Value::as_str).unwrap_or("")
}

fn config_key(c: &Value) -> Option<(String, String)> {
    let s = |k: &str| c.get(k).and_then(Value::as_str);
    Some((s("registry_type")?.to_string(), normalize_url(s("url")?)))
}

fn entry_key(e: &Entry) -> Option<(String, String)> {
    e.spec
        .match_key()
        .map(|(t, url)| (t.as_str().to_string(), url))
}

/// Which configuration each entry is about: `Ok(None)` to create, `Err` when it cannot be told.
fn match_entries(entries: &[Entry], configs: &[Value]) -> Vec<Result<Option<usize>, String>> {
    let mut claimed: Vec<Option<usize>> = vec![None; configs.len()];
    let mut matched: Vec<Result<Option<usize>, String>> = vec![Ok(None); entries.len()];
    // Names first: a name is the surest match.
    for (i, e) in entries.iter().enumerate() {
        if let Some(name) = &e.name {
            let hit = configs
                .iter()
                .position(|c| config_name(c).eq_ignore_ascii_case(name.as_str()));
            if let Some(ci) = hit {
                claimed[ci] = Some(i);
            }
            matched[i] = Ok(hit);
        }
    }
    for (i, e) in entries.iter().enumerate() {
        if e.name.is_some() {
            continue;
        }
        let Some(key) = entry_key(e) else {
            matched[i] = Err(format!(
                "{}: give `name`, or `registry_type` and `url`",
                e.label()
            ));
            continue;
        };
        let hits: Vec<usize> = (0..configs.len())
            .filter(|ci| config_key(&configs[*ci]).as_ref() == Some(&key))
            .collect();
        matched[i] = match hits.as_slice() {
            [] => Ok(None),
            [ci] => match claimed[*ci] {
                Some(j) => Err(format!(
                    "{}: matches `{}` by registry_type and url, which {} names; list each configuration once",
                    e.label(),
                    config_name(&configs[*ci]),
                    entries[j].label()
                )),
                None => {
                    claimed[*ci] = Some(i);
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
                    .map(|ci| config_name(&configs[*ci]))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    // A name that matches nothing while an unclaimed configuration has the entry's registry
    // type and URL: GitHub named it differently. Creating would make a second one every run.
    for (i, e) in entries.iter().enumerate() {
        if let (Some(name), Ok(None), Some(key)) = (&e.name, &matched[i], entry_key(e))
            && let Some(ci) = (0..configs.len())
                .find(|ci| claimed[*ci].is_none() && config_key(&configs[*ci]) == Some(key.clone()))
        {
            matched[i] = Err(format!(
                "{}: `name`: no configuration is named {name}, but `{}` has this registry_type and url (GitHub chooses names on creation); set name: {} or leave name out to match by registry_type and url",
                e.label(),
                config_name(&configs[ci]),
                config_name(&configs[ci]),
            ));
        }
    }
    matched
}

/// The field names a step writes, the secret shown as `secret`.
fn with_secret(mut fields: Vec<String>, entry: &Entry) -> Vec<String> {
    if entry.spec.secret.is_some() {
        fields.push("secret".into());
    }
    fields
}

fn change_for(
    action: Action,
    entry: &Entry,
    config: Option<&Value>,
    fields: Vec<String>,
) -> Change {
    let mut change = match config {
        Some(c) => Change::of(action, c, fields),
        None => {
            let mut c = Change::of(action, &Value::Null, fields);
            c.name = entry.name.as_ref().map(ToString::to_string);
            c.registry_type = entry.spec.registry_type.map(|t| t.to_string());
            c.url = entry.spec.url.as_ref().map(|u| u.as_str().to_string());
            c
        }
    };
    change.entry = Some(entry.index);
    change
}

/// Plans one entry against the configuration it matched (if any).
fn plan_entry<'a>(
    ctx: &Ctx,
    entry: &'a Entry,
    current: Option<(usize, &Value)>,
) -> Result<Step<'a>, String> {
    let label = entry.label();
    let spec = &entry.spec;
    let Some((ci, current)) = current else {
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
        let body = spec.fields(&ids);
        let fields = with_secret(body.keys().cloned().collect(), entry);
        return Ok(Step {
            entry: Some(entry),
            change: change_for(Action::Create, entry, None, fields),
            current: None,
            body,
        });
    };

    let name = config_name(current);
    match spec.refusal(current) {
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
    let ids = ctx
        .repository_ids(spec)
        .map_err(|e| format!("{label}: `selected_repositories`: {e:#}"))?;
    let Patch { body, fields } = spec.patch_for(&ids, current);
    let action = if fields.is_empty() {
        Action::Unchanged
    } else {
        Action::Update
    };
    let mut change = change_for(action, entry, Some(current), fields);
    if action == Action::Unchanged {
        change.outcome = Outcome::Applied;
    }
    Ok(Step {
        entry: Some(entry),
        change,
        current: Some(ci),
        body,
    })
}

/// `sync`.
pub fn sync(ctx: &Ctx, entries: &[Entry], prune: bool, report: &mut Reporter) -> Result<()> {
    let listing = ctx.client.list_all()?;
    let configs = &listing.configurations;

    // Plan.
    let matched = match_entries(entries, configs);
    let mut steps: Vec<Step> = Vec::new();
    let mut claimed = vec![false; configs.len()];
    for (entry, m) in entries.iter().zip(&matched) {
        if let Ok(Some(ci)) = m {
            claimed[*ci] = true;
        }
        let planned = match m {
            Ok(found) => plan_entry(ctx, entry, found.map(|ci| (ci, &configs[ci]))),
            Err(e) => Err(e.clone()),
        };
        steps.push(planned.unwrap_or_else(|error| {
            let current = m.as_ref().ok().copied().flatten();
            let action = if current.is_some() {
                Action::Update
            } else {
                Action::Create
            };
            let mut change = change_for(action, entry, current.map(|ci| &configs[ci]), Vec::new());
            change.outcome = Outcome::Failed;
            change.error = Some(error);
            Step {
                entry: Some(entry),
                change,
                current,
                body: Map::new(),
            }
        }));
    }
    let kept: Vec<usize> = (0..configs.len()).filter(|ci| !claimed[*ci]).collect();
    if prune {
        for ci in &kept {
            steps.push(Step {
                entry: None,
                change: Change::of(Action::Delete, &configs[*ci], Vec::new()),
                current: Some(*ci),
                body: Map::new(),
            });
        }
    }

    // Apply (or not, in a dry run). `state[i]` is the listing's configuration i afterwards.
    let mut state: Vec<Option<Value>> = configs.iter().cloned().map(Some).collect();
    let mut added: Vec<Value> = Vec::new();
    let mut key_error: Option<String> = None;
    for step in steps.iter_mut().filter(|s| s.entry.is_some()) {
        if step.change.outcome == Outcome::Failed {
            outputs::error(step.change.error.as_deref().unwrap_or("failed"));
            continue;
        }
        if step.change.action == Action::Unchanged {
            continue;
        }
        if ctx.dry_run {
            merge_planned(step, &mut state, &mut added);
            continue;
        }
        match apply(ctx, step, &mut key_error) {
            Ok(created) => {
                step.change.outcome = Outcome::Applied;
                match created {
                    Some(created) => {
                        step.change.name = created
                            .get("name")
                            .and_then(Value::as_str)
                            .map(str::to_string);
                        if let (Some(entry), Some(got)) = (step.entry, &step.change.name)
                            && let Some(wanted) = &entry.name
                            && !wanted.as_str().eq_ignore_ascii_case(got)
                        {
                            outputs::warning(&format!(
                                "{}: asked for name {wanted}, GitHub named the new configuration {got}; put name: {got} in the entry, or the next run will not find it by name",
                                entry.label()
                            ));
                        }
                        added.push(strip(created));
                    }
                    None => merge_planned(step, &mut state, &mut added),
                }
            }
            Err(error) => {
                let label = step.entry.map(Entry::label).unwrap_or_default();
                outputs::error(&format!("{label}: {error}"));
                step.change.outcome = Outcome::Failed;
                step.change.error = Some(error);
            }
        }
    }
    let failed_writes = steps
        .iter()
        .filter(|s| s.entry.is_some() && s.change.outcome == Outcome::Failed)
        .count();
    for step in steps.iter_mut().filter(|s| s.entry.is_none()) {
        let ci = step.current.unwrap_or_default();
        if failed_writes > 0 {
            step.change.outcome = Outcome::Skipped;
            step.change.error = Some(format!(
                "not deleted: {failed_writes} entr{} failed, and prune runs only once every create and update succeeded",
                if failed_writes == 1 { "y" } else { "ies" }
            ));
            continue;
        }
        if ctx.dry_run {
            state[ci] = None;
            continue;
        }
        let name = config_name(&configs[ci]);
        let deleted = name
            .parse::<ConfigName>()
            .map_err(|e| anyhow::anyhow!(e))
            .and_then(|n| ctx.client.delete(&n));
        match deleted {
            Ok(()) => {
                step.change.outcome = Outcome::Applied;
                state[ci] = None;
            }
            Err(e) => {
                outputs::error(&format!("prune {name}: {e:#}"));
                step.change.outcome = Outcome::Failed;
                step.change.error = Some(format!("{e:#}"));
            }
        }
    }

    // Report.
    let changes: Vec<Change> = steps.iter().map(|s| s.change.clone()).collect();
    let mut tally = Tally::default();
    for c in &changes {
        match (c.action, c.outcome) {
            (_, Outcome::Failed) => tally.failed += 1,
            (_, Outcome::Skipped) => tally.skipped += 1,
            (Action::Create, _) => tally.create += 1,
            (Action::Update, _) => tally.update += 1,
            (Action::Unchanged, _) => tally.unchanged += 1,
            (Action::Delete, _) => tally.delete += 1,
        }
    }
    let writes = tally.create + tally.update + tally.delete;
    let result = if tally.failed > 0 {
        "failed"
    } else if writes == 0 {
        "unchanged"
    } else if ctx.dry_run {
        "planned"
    } else {
        "changed"
    };
    report.text("result", result);
    report.json(
        "changes",
        serde_json::to_value(&changes).unwrap_or(Value::Null),
    );
    let mut after: Vec<Value> = state.into_iter().flatten().map(strip).collect();
    after.extend(added);
    report.json("registries", Value::Array(after));
    summarize(ctx, report, &changes, &tally, prune, &kept, configs);

    if tally.failed > 0 {
        bail!(
            "sync: {} of {} step(s) failed{}; see the errors above and the step summary",
            tally.failed,
            changes.len(),
            if tally.skipped > 0 {
                format!(", so {} prune delete(s) were skipped", tally.skipped)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// One create or update; `Ok(Some(config))` is what a POST returned.
fn apply(ctx: &Ctx, step: &Step, key_error: &mut Option<String>) -> Result<Option<Value>, String> {
    let Some(entry) = step.entry else {
        return Ok(None);
    };
    let mut body = step.body.clone();
    if let Some(secret) = &entry.spec.secret {
        if let Some(e) = key_error {
            return Err(format!(
                "not written: the org's public key could not be read ({e})"
            ));
        }
        match ctx.seal(secret) {
            Ok((key_id, sealed)) => {
                body.insert("encrypted_value".into(), sealed.into());
                body.insert("key_id".into(), key_id.into());
            }
            Err(e) => {
                let e = format!("{e:#}");
                *key_error = Some(e.clone());
                return Err(format!(
                    "not written: the org's public key could not be read ({e})"
                ));
            }
        }
    }
    let body = Value::Object(body);
    match step.change.action {
        Action::Create => ctx
            .client
            .create(&body)
            .map(Some)
            .map_err(|e| format!("not created: {e:#}")),
        _ => {
            let name = step.change.name.as_deref().unwrap_or_default();
            let name: ConfigName = name.parse()?;
            ctx.client
                .update(&name, &body)
                .map(|()| None)
                .map_err(|e| format!("{name} not updated: {e:#}"))
        }
    }
}

/// The state after a (planned or applied) create or update, from what was asked.
fn merge_planned(step: &Step, state: &mut [Option<Value>], added: &mut Vec<Value>) {
    match step.current {
        Some(ci) => {
            if let Some(Some(Value::Object(config))) = state.get_mut(ci) {
                for (k, v) in &step.body {
                    config.insert(k.clone(), v.clone());
                }
            }
        }
        None => {
            let mut config = step.body.clone();
            if let Some(name) = step.entry.and_then(|e| e.name.as_ref()) {
                config.insert("name".into(), name.as_str().into());
            }
            added.push(Value::Object(config));
        }
    }
}

/// Never hand on a sealed value, whatever a server returned.
fn strip(mut config: Value) -> Value {
    if let Some(o) = config.as_object_mut() {
        o.remove("encrypted_value");
        o.remove("key_id");
    }
    config
}

fn summarize(
    ctx: &Ctx,
    report: &mut Reporter,
    changes: &[Change],
    tally: &Tally,
    prune: bool,
    kept: &[usize],
    configs: &[Value],
) {
    let dry = ctx.dry_run;
    let title = if dry {
        format!(
            "### Sync plan for the private registries of {} (dry run: nothing was written)\n\n",
            ctx.client.org()
        )
    } else {
        format!(
            "### Sync of the private registries of {}\n\n",
            ctx.client.org()
        )
    };
    report.summary(&title);
    let (c, u, d) = if dry {
        ("to create", "to update", "to delete")
    } else {
        ("created", "updated", "deleted")
    };
    let mut line = format!(
        "**{} {c}, {} {u}, {} unchanged, {} {d}, {} failed**",
        tally.create, tally.update, tally.unchanged, tally.delete, tally.failed
    );
    if tally.skipped > 0 {
        line.push_str(&format!(
            "; {} prune delete(s) skipped because a create or update failed",
            tally.skipped
        ));
    }
    report.summary(&format!("{line}\n\n"));
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|ch| {
            let outcome = match (ch.outcome, ch.action) {
                (Outcome::Failed, _) => format!("failed: {}", ch.error.as_deref().unwrap_or("")),
                (Outcome::Skipped, _) => format!("skipped: {}", ch.error.as_deref().unwrap_or("")),
                (_, Action::Unchanged) => "up to date".into(),
                (Outcome::Planned, _) => "planned (dry run)".into(),
                (Outcome::Applied, Action::Create) => "created".into(),
                (Outcome::Applied, Action::Update) => "updated".into(),
                (Outcome::Applied, Action::Delete) => "deleted".into(),
            };
            vec![
                ch.entry
                    .map_or_else(|| "prune".to_string(), |i| i.to_string()),
                format!("{:?}", ch.action).to_lowercase(),
                ch.name.clone().unwrap_or_else(|| "(new)".into()),
                ch.registry_type.clone().unwrap_or_default(),
                ch.url.clone().unwrap_or_default(),
                ch.fields.join(", "),
                outcome,
            ]
        })
        .collect();
    report.summary(&table(
        &[
            "entry", "action", "name", "type", "url", "fields", "outcome",
        ],
        &rows,
    ));
    if !prune && !kept.is_empty() {
        let names: Vec<&str> = kept.iter().map(|ci| config_name(&configs[*ci])).collect();
        report.summary(&format!(
            "\n{} configuration(s) not in the manifest were left alone (prune is off): {}\n",
            names.len(),
            outputs::cell(&names.join(", "))
        ));
    }
}
