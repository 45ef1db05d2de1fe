//! The writes: one configuration's change, or a sync's plan and outcome with its tally.

use super::*;
use crate::core::Changes;
use crate::core::change::{Action, Change, Outcome};
use crate::model::plural;
use crate::report::Outputs;
use crate::report::markdown::{cell, table};
use crate::report::terminal::Table;

pub(super) const CHANGE_HEADERS: &[&str] = &["action", "name", "type", "url", "fields", "outcome"];

pub(super) const SYNC_HEADERS: &[&str] = &[
    "entry", "action", "name", "type", "url", "fields", "outcome",
];

/// The title of a one-configuration change, from what it did.
pub(super) fn single_title(change: &Change) -> &'static str {
    let applied = change.outcome == Outcome::Applied;
    match (change.action, applied) {
        (Action::Create, true) => "Created private registry",
        (Action::Create, false) => "Create private registry",
        (Action::Update, true) => "Updated private registry",
        (Action::Update, false) => "Update private registry",
        (Action::Unchanged, _) => "Private registry already up to date",
        (Action::Delete, true) => "Deleted private registry",
        (Action::Delete, false) => "Delete private registry",
    }
}

pub(super) fn single(o: &mut Outputs, c: &Changes) {
    o.text("result", c.result);
    if let Some(name) = &c.name {
        o.text("name", name.clone());
    }
    o.json("changes", &c.changes);
    let title = c.changes.first().map_or("Private registry", single_title);
    let note = if c.dry_run {
        " (dry run: nothing was written)"
    } else {
        ""
    };
    let rows: Vec<Vec<String>> = c
        .changes
        .iter()
        .map(|ch| change_row(ch, c.dry_run))
        .collect();
    o.summary(&format!("### {title}{note}\n\n"));
    o.summary(&table(CHANGE_HEADERS, rows.iter()));
    let mut notes = Vec::new();
    if let Some(registry) = &c.registry {
        // A blank line between: two tables back to back are one table to a GFM renderer.
        o.summary("\n**The configuration now**\n\n");
        o.summary(&table(
            REGISTRY_HEADERS,
            std::iter::once(registry_row(registry)),
        ));
        o.json("registry", registry);
        notes.push(format!("result: {}", c.result));
    }
    o.table = Some(Table {
        title: format!("{title} in {}{note}", c.org),
        headers: CHANGE_HEADERS.to_vec(),
        rows,
        notes,
    });
}

pub(super) fn change_row(c: &Change, dry_run: bool) -> Vec<String> {
    let outcome = match (&c.error, c.outcome) {
        (Some(e), Outcome::Skipped | Outcome::NotSent | Outcome::Unknown) => {
            format!("{}: {e}", c.outcome.as_str())
        }
        (Some(e), _) => format!("failed: {e}"),
        (None, Outcome::Nothing) => "up to date".into(),
        (None, Outcome::Planned) if dry_run => "dry run".into(),
        (None, o) => o.as_str().to_string(),
    };
    vec![
        c.action.as_str().to_string(),
        c.name.clone().unwrap_or_else(|| "(new)".into()),
        c.registry_type.clone().unwrap_or_default(),
        c.url.clone().unwrap_or_default(),
        c.fields.join(", "),
        outcome,
    ]
}

/// The `sync` outcome column: what happened, or why not.
pub(super) fn sync_outcome(ch: &Change, c: &Changes) -> String {
    let error = ch.error.as_deref().unwrap_or("");
    if ch.outcome == Outcome::Planned && c.declined {
        return "not written (declined)".into();
    }
    match (ch.outcome, ch.action) {
        (Outcome::Failed, _) => format!("failed: {error}"),
        (Outcome::Skipped, _) => format!("skipped: {error}"),
        (Outcome::NotSent, _) => format!("not sent: {error}"),
        (Outcome::Unknown, _) => format!("unknown: {error}"),
        (Outcome::Nothing, _) | (_, Action::Unchanged) => "up to date".into(),
        (Outcome::Planned, _) => "planned (dry run)".into(),
        (Outcome::Applied, Action::Create) => "created".into(),
        (Outcome::Applied, Action::Update) => "updated".into(),
        (Outcome::Applied, Action::Delete) => "deleted".into(),
    }
}

pub(super) fn tally_line(c: &Changes) -> String {
    let count = |f: &dyn Fn(&Change) -> bool| c.changes.iter().filter(|ch| f(ch)).count();
    let done = |a: Action| {
        count(&|ch: &Change| {
            ch.action == a
                && matches!(
                    ch.outcome,
                    Outcome::Applied | Outcome::Planned | Outcome::Nothing
                )
        })
    };
    let (cr, up, de) = if c.dry_run {
        ("to create", "to update", "to delete")
    } else {
        ("created", "updated", "deleted")
    };
    let mut line = format!(
        "{} {cr}, {} {up}, {} unchanged, {} {de}, {} failed",
        done(Action::Create),
        done(Action::Update),
        done(Action::Unchanged),
        done(Action::Delete),
        count(&|ch: &Change| ch.outcome == Outcome::Failed)
    );
    let cancelled = count(&|ch: &Change| ch.outcome == Outcome::NotSent);
    let skipped = count(&|ch: &Change| ch.outcome == Outcome::Skipped);
    let unknown = count(&|ch: &Change| ch.outcome == Outcome::Unknown);
    if skipped > 0 {
        line.push_str(&format!(
            "; {} skipped because a create or update failed",
            plural::count(skipped, "prune delete", "prune deletes")
        ));
    }
    if cancelled > 0 {
        line.push_str(&format!("; {cancelled} not sent: the run was cancelled"));
    }
    if unknown > 0 {
        line.push_str(&format!(
            "; {unknown} sent without an answer before the run ended (check with list)"
        ));
    }
    line
}

/// A sync's title: a plan (declined, or a dry run) or what was done.
fn sync_title(c: &Changes) -> String {
    if c.declined {
        format!(
            "Sync plan for the private registries of {} (declined: nothing was written)",
            c.org
        )
    } else if c.dry_run {
        format!(
            "Sync plan for the private registries of {} (dry run: nothing was written)",
            c.org
        )
    } else {
        format!("Sync of the private registries of {}", c.org)
    }
}

/// One row of a sync's table: the entry (its label, `registries[0]` counting from 0 as the
/// `entry` field of `changes` does, or `prune`), then the change and its outcome.
fn sync_row(ch: &Change, c: &Changes) -> Vec<String> {
    let mut row = change_row(ch, c.dry_run);
    row[5] = sync_outcome(ch, c);
    let entry = match (&ch.label, ch.entry) {
        (Some(label), _) => label.clone(),
        (None, Some(i)) => format!("registries[{i}]"),
        (None, None) => "prune".into(),
    };
    row.insert(0, entry);
    row
}

pub(super) fn sync(o: &mut Outputs, c: &Changes) {
    o.text("result", c.result);
    o.json("changes", &c.changes);
    if let Some(after) = &c.registries {
        o.json("registries", after);
    }
    let title = sync_title(c);
    let tally = tally_line(c);
    o.summary(&format!("### {title}\n\n"));
    o.summary(&format!("**{tally}**\n\n"));
    let rows: Vec<Vec<String>> = c.changes.iter().map(|ch| sync_row(ch, c)).collect();
    o.summary(&table(SYNC_HEADERS, rows.iter()));
    let mut notes = vec![tally];
    if !c.prune && !c.kept.is_empty() {
        let kept = plural::count(
            c.kept.len(),
            "configuration not in the manifest was",
            "configurations not in the manifest were",
        );
        let left = format!("{kept} left alone (prune is off): {}", c.kept.join(", "));
        o.summary(&format!(
            "\n{kept} left alone (prune is off): {}\n",
            cell(&c.kept.join(", "))
        ));
        notes.push(left);
    }
    o.table = Some(Table {
        title,
        headers: SYNC_HEADERS.to_vec(),
        rows,
        notes,
    });
}
