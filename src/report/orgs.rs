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
];

pub fn render_orgs(runs: &[OrgRun], terminal: bool) -> Outputs {
    let mut o = Outputs::default();
    let mut orgs: BTreeMap<String, BTreeMap<&'static str, OutputValue>> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut results: Vec<String> = Vec::new();
    for r in runs {
        let mut entry = BTreeMap::new();
        let (result, error) = match &r.run {
            None => (
                "not_run".to_string(),
                Some(
                    "not run: an earlier org failed with fail_fast, or the run was cancelled"
                        .to_string(),
                ),
            ),
            Some(run) => {
                let mut one = render(run.answer.as_ref(), run.error.is_some(), terminal);
                o.summary(&format!("## {}\n\n", r.org));
                o.summary(&one.summary);
                for key in PER_ORG {
                    if let Some(v) = one.values.remove(key) {
                        entry.insert(*key, v);
                    }
                }
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
    let overall = if results.iter().any(|r| r == "failed" || r == "not_run") {
        "failed".to_string()
    } else if results.windows(2).all(|w| w[0] == w[1]) {
        results.first().cloned().unwrap_or_default()
    } else {
        "mixed".to_string()
    };
    o.text("result", overall.clone());
    o.json("orgs", &orgs);
    o.table = Some(Table {
        title: format!("{} organizations", runs.len()),
        headers: vec!["org", "result", "error"],
        rows,
        notes: vec![format!("result: {overall}")],
    });
    o
}
