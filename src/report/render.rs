//! What a run's answer looks like as outputs, a step summary and a terminal table. The same
//! values go to `GITHUB_OUTPUT`, the JSON document and the table; nothing here prints.

use super::markdown::{cell, table};
use super::terminal::Table;
use super::{OutputValue, Outputs, export};
use crate::core::change::{Action, Change, Outcome};
use crate::core::diff::Drift;
use crate::core::{Answer, Changes};
use crate::model::plural;
use crate::model::{Configuration, ExportFormat, Org};

const REGISTRY_HEADERS: &[&str] = &[
    "name",
    "type",
    "url",
    "auth",
    "visibility",
    "replaces base",
    "updated",
];
const CHANGE_HEADERS: &[&str] = &["action", "name", "type", "url", "fields", "outcome"];
const SYNC_HEADERS: &[&str] = &[
    "entry", "action", "name", "type", "url", "fields", "outcome",
];

/// The outputs of a run; `failed` sets `result` to `failed` whatever was done before (a
/// cancelled run stays `cancelled`). A
/// listing's terminal table is built only when `terminal` asks for it (a workflow needs none,
/// and a long listing's rows would be one more copy of it).
pub fn render(answer: Option<&Answer>, failed: bool, terminal: bool) -> Outputs {
    let mut o = Outputs::default();
    match answer {
        Some(Answer::Listed {
            org,
            total_count,
            registries,
            configurations,
        }) => listed(
            &mut o,
            (org, *total_count, registries.len()),
            registries,
            configurations,
            terminal,
        ),
        Some(Answer::Fetched {
            org,
            name,
            configuration,
        }) => {
            o.text("result", "fetched");
            o.text("name", name.as_str());
            let title = format!("Private registry {name} of {org}");
            registries_section(&mut o, title, std::slice::from_ref(configuration), terminal);
            o.json("registry", configuration);
        }
        Some(Answer::Key { org, key }) => {
            o.text("result", "fetched");
            o.text("key_id", key.key_id.clone());
            o.text("key", key.key.clone());
            let rows = vec![vec![key.key_id.clone(), key.key.clone()]];
            let title = format!("Private registries public key of {org}");
            o.summary(&format!("### {title}\n\n"));
            o.summary(&table(&["key_id", "key"], rows.iter()));
            o.table = Some(Table {
                title,
                headers: vec!["key_id", "key"],
                rows,
                notes: Vec::new(),
            });
        }
        Some(Answer::Diff { org, drifts }) => diff(&mut o, org, drifts),
        Some(Answer::Exported {
            org,
            format,
            path,
            configurations,
            repositories,
        }) => exported(
            &mut o,
            org,
            *format,
            path.as_deref(),
            configurations,
            repositories,
        ),
        Some(Answer::Discovered {
            org,
            format,
            path,
            census,
        }) => {
            super::discovered::discovered(&mut o, org, *format, path.as_deref(), census, terminal)
        }
        Some(Answer::Changed(c)) if c.sync => sync(&mut o, c),
        Some(Answer::Changed(c)) => single(&mut o, c),
        None => {}
    }
    // A cancelled run and a drift keep their own result.
    let own = matches!(answer, Some(Answer::Changed(c)) if c.result == "cancelled")
        || matches!(answer, Some(Answer::Diff { .. }));
    if failed && !own {
        o.text("result", "failed");
    }
    o
}

/// The summary of a run that failed before it had anything to report.
pub fn failure_summary(error: &crate::model::Error) -> String {
    format!(
        "### private-registries failed\n\n{}\n\nNothing was written.\n",
        super::markdown::cell(&error.to_string())
    )
}

fn registries_section(o: &mut Outputs, title: String, configs: &[Configuration], terminal: bool) {
    o.summary(&format!("### {title}\n\n"));
    if configs.is_empty() {
        o.summary("No configurations.\n");
    } else {
        o.summary(&table(REGISTRY_HEADERS, configs.iter().map(registry_row)));
    }
    if terminal {
        o.table = Some(Table {
            title,
            headers: REGISTRY_HEADERS.to_vec(),
            rows: configs.iter().map(registry_row).collect(),
            notes: Vec::new(),
        });
    }
}

fn registry_row(c: &Configuration) -> Vec<String> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        c.name.clone(),
        s(&c.registry_type),
        s(&c.url),
        c.auth().to_string(),
        s(&c.visibility),
        c.replaces_base.map(|b| b.to_string()).unwrap_or_default(),
        s(&c.updated_at),
    ]
}

/// The title of a one-configuration change, from what it did.
fn single_title(change: &Change) -> &'static str {
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

fn single(o: &mut Outputs, c: &Changes) {
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

fn change_row(c: &Change, dry_run: bool) -> Vec<String> {
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
fn sync_outcome(ch: &Change, c: &Changes) -> String {
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

fn tally_line(c: &Changes) -> String {
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

fn sync(o: &mut Outputs, c: &Changes) {
    o.text("result", c.result);
    o.json("changes", &c.changes);
    if let Some(after) = &c.registries {
        o.json("registries", after);
    }
    let title = if c.declined {
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
    };
    let tally = tally_line(c);
    o.summary(&format!("### {title}\n\n"));
    o.summary(&format!("**{tally}**\n\n"));
    let rows: Vec<Vec<String>> = c
        .changes
        .iter()
        .map(|ch| {
            let mut row = change_row(ch, c.dry_run);
            row[5] = sync_outcome(ch, c);
            row.insert(
                0,
                match (&ch.label, ch.entry) {
                    (Some(label), _) => label.clone(),
                    // As messages name it: `registries[0] (…)` counts from 0, as the
                    // `entry` field of `changes` does.
                    (None, Some(i)) => format!("registries[{i}]"),
                    (None, None) => "prune".into(),
                },
            );
            row
        })
        .collect();
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

/// `export`: the manifest (and a dependabot.yml's overlay) as outputs, the file when a path
/// was given, the text in the summary; at a terminal, the text itself.
fn exported(
    o: &mut Outputs,
    org: &Org,
    format: ExportFormat,
    path: Option<&std::path::Path>,
    configs: &[Configuration],
    repositories: &std::collections::BTreeMap<u64, String>,
) {
    let e = export::export(org, format, configs, repositories);
    let n = configs.len();
    o.text("result", "exported");
    o.json("total_count", &n);
    let written = path
        .map(|p| format!(", written to {}", p.display()))
        .unwrap_or_default();
    // Backticks could close the fence: the summary's copy has none.
    let shown = e.manifest.replace('`', "'");
    o.summary(&format!(
        "### Private registries of {org}, exported\n\n{} as a {format} file{}.\n\n````yaml\n{shown}````\n",
        plural::count(n, "configuration", "configurations"),
        super::markdown::cell(&written)
    ));
    match path {
        Some(p) => {
            o.files.push((p.to_path_buf(), e.manifest.clone()));
            let mut said = format!(
                "wrote {} to {}\n",
                plural::count(n, "configuration", "configurations"),
                p.display()
            );
            // The org-only settings travel with the file: `--overlay` gives them back.
            if let Some(overlay) = &e.overlay {
                let beside = p.with_extension("overlay.yml");
                o.files.push((beside.clone(), overlay.clone()));
                said.push_str(&format!(
                    "wrote the overlay to {}: pass it as --overlay (the overlay input) to sync or diff that file\n",
                    beside.display()
                ));
            }
            o.raw = Some(said);
        }
        None => o.raw = Some(e.manifest.clone()),
    }
    o.text("manifest", e.manifest);
    if let Some(overlay) = e.overlay {
        o.text("overlay", overlay);
    }
}

const DRIFT_HEADERS: &[&str] = &[
    "state", "entry", "name", "type", "url", "field", "manifest", "org",
];

/// `diff`: `in_sync` or `drift`, the differences as JSON, and a table of them.
fn diff(o: &mut Outputs, org: &Org, drifts: &[Drift]) {
    let result = if drifts.is_empty() {
        "in_sync"
    } else {
        "drift"
    };
    o.text("result", result);
    o.json("drift", &drifts);
    let rows: Vec<Vec<String>> = drifts.iter().flat_map(drift_rows).collect();
    let title = if drifts.is_empty() {
        format!("Private registries of {org}: in sync with the manifest")
    } else {
        format!(
            "Private registries of {org}: {} from the manifest",
            plural::count(
                drifts.len(),
                "configuration differs",
                "configurations differ"
            )
        )
    };
    o.summary(&format!("### {title}\n\n"));
    if !rows.is_empty() {
        o.summary(&table(DRIFT_HEADERS, rows.iter()));
    }
    o.summary("\nSecrets are not compared: GitHub never returns them.\n");
    o.table = Some(Table {
        title,
        headers: DRIFT_HEADERS.to_vec(),
        rows,
        notes: vec![format!("result: {result}")],
    });
}

/// A drift's rows: one per differing field, or one saying what is missing or extra.
fn drift_rows(d: &Drift) -> Vec<Vec<String>> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let base = |field: String, manifest: String, org: String| {
        vec![
            d.state.to_string(),
            s(&d.entry),
            s(&d.name),
            s(&d.registry_type),
            s(&d.url),
            field,
            manifest,
            org,
        ]
    };
    match d.state {
        "missing" => vec![base(String::new(), "present".into(), "missing".into())],
        "extra" => vec![base(String::new(), "missing".into(), "present".into())],
        "conflict" => vec![base(String::new(), s(&d.note), String::new())],
        _ => d
            .fields
            .iter()
            .map(|f| {
                base(
                    f.field.clone(),
                    f.manifest.clone().unwrap_or_else(|| "(none)".into()),
                    f.org.clone().unwrap_or_else(|| "(none)".into()),
                )
            })
            .collect(),
    }
}

/// `list`: the count, every configuration's JSON as it came, the first ones as rows.
fn listed(
    o: &mut Outputs,
    (org, total_count, count): (&Org, u64, usize),
    registries: &std::rc::Rc<Vec<Box<serde_json::value::RawValue>>>,
    configurations: &[Configuration],
    terminal: bool,
) {
    let title = format!("Private registries of {org} ({count} of {total_count})");
    o.text("result", "listed");
    o.json("total_count", &total_count);
    registries_section(o, title, configurations, terminal);
    if count > configurations.len() {
        let note = format!(
            "\n{} more not shown here; every configuration is in the `registries` output (`--json`)\n",
            count - configurations.len()
        );
        o.summary(&note);
        if let Some(t) = &mut o.table {
            t.notes.push(note.trim().to_string());
        }
    }
    o.values.insert(
        "registries",
        OutputValue::JsonList(std::rc::Rc::clone(registries)),
    );
}
