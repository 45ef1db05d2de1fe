//! What a run's answer looks like as outputs, a step summary and a terminal table. The same
//! values go to `GITHUB_OUTPUT`, the JSON document and the table; nothing here prints. Listings
//! and single configurations are here; writes and syncs are [`changes`], a diff [`drift`], an
//! export [`exported`].

mod changes;
mod drift;
mod exported;
#[cfg(test)]
mod tests;

use changes::*;
use drift::*;
use exported::*;

use crate::core::Answer;
use crate::model::{Configuration, Org};
use crate::report::markdown::table;
use crate::report::terminal::Table;
use crate::report::{OutputValue, Outputs};

const REGISTRY_HEADERS: &[&str] = &[
    "name",
    "type",
    "url",
    "auth",
    "visibility",
    "replaces base",
    "updated",
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
        }) => fetched(&mut o, org, name.as_str(), configuration, terminal),
        Some(Answer::Key { org, key }) => public_key(&mut o, org, key),
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
        }) => crate::report::discovered::discovered(
            &mut o,
            org,
            *format,
            path.as_deref(),
            census,
            terminal,
        ),
        Some(Answer::Changed(c)) if c.sync => sync(&mut o, c),
        Some(Answer::Changed(c)) => single(&mut o, c),
        None => {}
    }
    if failed && !keeps_its_result(answer) {
        o.text("result", "failed");
    }
    o
}

/// A cancelled run and a drift keep their own result when the run fails.
fn keeps_its_result(answer: Option<&Answer>) -> bool {
    matches!(answer, Some(Answer::Changed(c)) if c.result == "cancelled")
        || matches!(answer, Some(Answer::Diff { .. }))
}

/// `get`: the configuration, as a one-row table and the `registry` output.
fn fetched(o: &mut Outputs, org: &Org, name: &str, configuration: &Configuration, terminal: bool) {
    o.text("result", "fetched");
    o.text("name", name);
    let title = format!("Private registry {name} of {org}");
    registries_section(o, title, std::slice::from_ref(configuration), terminal);
    o.json("registry", configuration);
}

/// `public-key`: the key id and key, as outputs and a one-row table.
fn public_key(o: &mut Outputs, org: &Org, key: &crate::model::PublicKey) {
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

/// The summary of a run that failed before it had anything to report.
pub fn failure_summary(error: &crate::model::Error) -> String {
    format!(
        "### private-registries failed\n\n{}\n\nNothing was written.\n",
        crate::report::markdown::cell(&error.to_string())
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
