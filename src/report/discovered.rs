//! `discover`'s report: outputs `discovered` (one item per group), `manifest` (and `overlay`),
//! `skipped`; the summary and the terminal table list each group with its number of
//! repositories, whether the org has it and its conflicts, then the totals.

use std::path::Path;

use super::Outputs;
use super::markdown::{cell, table};
use super::proposal::propose;
use super::terminal::Table;
use crate::model::discovery::{Census, Group};
use crate::model::plural::count;
use crate::model::{ExportFormat, Org};

const HEADERS: &[&str] = &[
    "type",
    "url",
    "repositories",
    "in org",
    "secrets",
    "conflicts",
];

fn row(g: &Group) -> Vec<String> {
    let conflicts: Vec<String> = g
        .conflicts
        .iter()
        .map(|c| format!("{}: {} {}", c.repository, c.field, c.value))
        .collect();
    vec![
        g.registry_type.as_str().to_string(),
        g.url.clone(),
        g.repositories.len().to_string(),
        if g.in_org { "yes" } else { "no" }.to_string(),
        g.secrets.join(", "),
        conflicts.join("; "),
    ]
}

/// The census in one line: what was read, found, proposed and skipped.
fn totals(census: &Census, proposed: usize) -> String {
    format!(
        "{} repositories read, {} with a dependabot.yml, {} with registries; {} registries found, {} already in the org, {} proposed; {} skipped",
        census.read,
        census.with_file,
        census.with_registries,
        census.groups.len(),
        census.groups.len() - proposed,
        proposed,
        count(census.skipped.len(), "file", "files")
    )
}

/// The summary's table of what was found, and of the files skipped.
fn summary(o: &mut Outputs, org: &Org, census: &Census, totals: &str) {
    o.summary(&format!(
        "### Registries the repositories of {org} configure\n\n{totals}.\n\n"
    ));
    o.summary(&table(HEADERS, census.groups.iter().map(row)));
    if !census.skipped.is_empty() {
        o.summary("\n**Skipped files**\n\n");
        o.summary(&table(
            &["repository", "reason"],
            census
                .skipped
                .iter()
                .map(|s| vec![s.repository.clone(), s.reason.clone()]),
        ));
    }
}

/// The proposal written to `path`, and a dependabot.yml's overlay beside it (as `export`
/// writes it: `FILE.overlay.yml`, to pass as `--overlay`), each said in the table's notes.
fn write_files(o: &mut Outputs, path: &Path, proposal: &super::proposal::Proposal) {
    o.files
        .push((path.to_path_buf(), proposal.manifest.clone()));
    let mut said = vec![format!(
        "wrote the proposed manifest to {}",
        cell(&path.display().to_string())
    )];
    if let Some(overlay) = &proposal.overlay {
        let beside = path.with_extension("overlay.yml");
        o.files.push((beside.clone(), overlay.clone()));
        said.push(format!(
            "wrote the overlay to {}: pass it as --overlay (the overlay input) to sync or diff that file",
            cell(&beside.display().to_string())
        ));
    }
    if let Some(notes) = o.table.as_mut().map(|t| &mut t.notes) {
        notes.extend(said);
    }
}

pub fn discovered(
    o: &mut Outputs,
    org: &Org,
    format: ExportFormat,
    path: Option<&Path>,
    census: &Census,
    terminal: bool,
) {
    let proposal = propose(org, format, census);
    let proposed = census.groups.iter().filter(|g| !g.in_org).count();
    o.text("result", "discovered");
    o.json("discovered", &census.groups);
    o.json("skipped", &census.skipped);
    let totals = totals(census, proposed);
    summary(o, org, census, &totals);
    let shown = proposal.manifest.replace('`', "'");
    o.summary(&format!(
        "\n**Proposed org manifest** ({format})\n\n````yaml\n{shown}````\n"
    ));
    if terminal {
        let mut notes = vec![totals];
        notes.extend(
            census
                .skipped
                .iter()
                .map(|s| format!("skipped {}: {}", s.repository, s.reason)),
        );
        o.table = Some(Table {
            title: format!("Registries the repositories of {org} configure"),
            headers: HEADERS.to_vec(),
            rows: census.groups.iter().map(row).collect(),
            notes,
        });
    }
    if let Some(p) = path {
        write_files(o, p, &proposal);
    }
    o.text("manifest", proposal.manifest);
    if let Some(overlay) = proposal.overlay {
        o.text("overlay", overlay);
    }
}
