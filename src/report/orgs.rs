//! The report of a run over several organizations: output `orgs`, a JSON object keyed by org
//! with each org's `result`, `changes`, `registries` (and `drift`, `manifest`, `error`), one summary
//! section per org, and `result` for the whole run (`failed` when any org failed, else the
//! orgs' common result, or `mixed`).

use std::collections::BTreeMap;

use super::render::render;
use super::terminal::Table;
use super::{OutputValue, Outputs};
use crate::core::OrgRun;

/// The outputs an org's entry in `orgs` carries, when the org has them.
const PER_ORG: &[&str] = &[
    "result",
    "changes",
    "registries",
    "drift",
    "total_count",
    "manifest",
    "overlay",
    "discovered",
    "skipped",
];

pub fn render_orgs(runs: &[OrgRun], terminal: bool) -> Outputs {
    let mut o = Outputs::default();
    let mut orgs: BTreeMap<String, BTreeMap<&'static str, OutputValue>> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut results: Vec<String> = Vec::new();
    // At a terminal, each org's own table, to show as one with an ORG column (as gh does).
    let mut tables: Vec<(String, Option<Table>)> = Vec::new();
    for r in runs {
        let mut entry = BTreeMap::new();
        let (result, error) = match &r.run {
            None => {
                let why = "not run: an earlier org failed with fail_fast, or the run was cancelled";
                o.summary(&format!("## {}\n\n{why}.\n", r.org));
                ("not_run".to_string(), Some(why.to_string()))
            }
            Some(run) => {
                let (one, table) = org_section(&mut o, &r.org.to_string(), run, terminal);
                tables.push((r.org.to_string(), table));
                entry = one;
                let result = entry
                    .get("result")
                    .map(OutputValue::text)
                    .unwrap_or_else(|| "failed".into());
                (result, run.error.as_ref().map(ToString::to_string))
            }
        };
        if let Some(e) = &error {
            entry.insert("error", OutputValue::Text(e.clone()));
        }
        entry.insert("result", OutputValue::Text(result.clone()));
        rows.push(vec![
            r.org.to_string(),
            result.clone(),
            error.unwrap_or_default(),
        ]);
        results.push(result);
        orgs.insert(r.org.to_string(), entry);
    }
    let overall = overall(&results);
    o.text("result", overall.clone());
    o.json("orgs", &orgs);
    let results_table = Table {
        title: format!("{} organizations", runs.len()),
        headers: vec!["org", "result", "error"],
        rows,
        notes: vec![format!("result: {overall}")],
    };
    o.table = Some(merged(&tables, &results_table).unwrap_or(results_table));
    o
}

/// One org's part: its section of the summary, its outputs (those [`PER_ORG`] keeps) and its
/// table.
fn org_section(
    o: &mut Outputs,
    org: &str,
    run: &crate::core::Run,
    terminal: bool,
) -> (BTreeMap<&'static str, OutputValue>, Option<Table>) {
    let mut one = render(run.answer.as_ref(), run.error.is_some(), terminal);
    o.summary(&format!("## {org}\n\n"));
    o.summary(&one.summary);
    if let Some(e) = &run.error {
        o.summary(&format!(
            "\n**Failed:** {}\n",
            super::markdown::cell(&e.to_string())
        ));
    }
    let mut entry = BTreeMap::new();
    for key in PER_ORG {
        if let Some(v) = one.values.remove(key) {
            entry.insert(*key, v);
        }
    }
    (entry, one.table.take())
}

/// The run's result: `failed` when any org failed or was not run, else the orgs' common
/// result, or `mixed`.
fn overall(results: &[String]) -> String {
    if results.iter().any(|r| r == "failed" || r == "not_run") {
        "failed".to_string()
    } else if results.windows(2).all(|w| w[0] == w[1]) {
        results.first().cloned().unwrap_or_default()
    } else {
        "mixed".to_string()
    }
}

/// The orgs' tables as one, with an ORG column, when they have the same columns; each org's
/// result (and error) below it. `None` when there is nothing to merge.
fn merged(tables: &[(String, Option<Table>)], results: &Table) -> Option<Table> {
    let headers = tables.iter().find_map(|(_, t)| t.as_ref())?.headers.clone();
    let same = tables
        .iter()
        .all(|(_, t)| t.as_ref().is_none_or(|t| t.headers == headers));
    if !same {
        return None;
    }
    let mut rows = Vec::new();
    for (org, table) in tables {
        for row in table.iter().flat_map(|t| &t.rows) {
            let mut with_org = vec![org.clone()];
            with_org.extend(row.iter().cloned());
            rows.push(with_org);
        }
    }
    let mut all_headers = vec!["org"];
    all_headers.extend(headers);
    let mut notes: Vec<String> = results
        .rows
        .iter()
        .map(|r| match r.get(2).filter(|e| !e.is_empty()) {
            Some(error) => format!("{}: {}: {error}", r[0], r[1]),
            None => format!("{}: {}", r[0], r[1]),
        })
        .collect();
    notes.extend(results.notes.iter().cloned());
    Some(Table {
        title: results.title.clone(),
        headers: all_headers,
        rows,
        notes,
    })
}
