//! Asking before deleting: `delete` at a terminal, and a sync's prune once its plan is shown.

use super::*;

use crate::model::Error;

/// `delete` asks first at a terminal; elsewhere it needs `--yes`. Checked before any request.
pub(super) fn confirm_delete(cli: &Cli, common: &Common) -> Result<(), Error> {
    let Cmd::Delete { name, .. } = &cli.command else {
        return Ok(());
    };
    if common.yes || common.dry_run {
        return Ok(());
    }
    let orgs = common.github.org.join(", ");
    let of = if orgs.is_empty() {
        String::new()
    } else {
        format!(" of org {orgs}")
    };
    match prompt::confirm(&format!(
        "delete the private registry configuration {name}{of}?"
    )) {
        Some(true) => Ok(()),
        Some(false) => Err(Error::Failed(anyhow::anyhow!(
            "declined at the prompt; nothing was deleted"
        ))),
        None => Err(Error::invalid(
            "`delete`: no terminal to confirm at; pass --yes to delete without asking",
        )),
    }
}

/// A sync's prune deletes, confirmed after planning and before anything is written.
/// The plan first, then the question, naming the org and how many would go; a decline is said
/// as such (the run exits 1, nothing written).
pub(super) fn confirm_prune(yes: bool, q: &crate::core::PruneQuestion) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    let n = q.deletes.len();
    let mut shown = vec![format!("the sync of org {} would:", q.org)];
    shown.extend(q.plan.iter().map(|line| format!("  {line}")));
    shown.extend(
        q.deletes
            .iter()
            .map(|name| format!("  delete {name} (prune)")),
    );
    let question = format!(
        "{}\ndelete {} of org {}?",
        shown.join("\n"),
        crate::model::plural::count(n, "configuration", "configurations"),
        q.org
    );
    match prompt::confirm(&question) {
        Some(true) => Ok(()),
        Some(false) => Err("declined at the prompt".into()),
        None => Err("prune would delete configurations and there is no terminal to confirm at; pass --yes, or --dry-run to see the plan".into()),
    }
}
