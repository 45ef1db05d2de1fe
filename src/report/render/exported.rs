//! `export`: the manifest as an output, a file, and a summary that shows it.

use crate::model::plural;
use crate::model::{Configuration, ExportFormat, Org};
use crate::report::{Outputs, export};

/// `export`: the manifest (and a dependabot.yml's overlay) as outputs, the file when a path
/// was given, the text in the summary; at a terminal, the text itself.
pub(super) fn exported(
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
        crate::report::markdown::cell(&written)
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
