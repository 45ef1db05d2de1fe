//! `diff`: `in_sync` or `drift`, each difference as JSON and as table rows.

use crate::core::diff::Drift;
use crate::model::Org;
use crate::model::plural;
use crate::report::Outputs;
use crate::report::markdown::table;
use crate::report::terminal::Table;

pub(super) const DRIFT_HEADERS: &[&str] = &[
    "state", "entry", "name", "type", "url", "field", "manifest", "org",
];

/// `diff`: `in_sync` or `drift`, the differences as JSON, and a table of them.
pub(super) fn diff(o: &mut Outputs, org: &Org, drifts: &[Drift]) {
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
pub(super) fn drift_rows(d: &Drift) -> Vec<Vec<String>> {
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
