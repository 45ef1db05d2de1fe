//! After a sync's creates, one more listing: two runs of one manifest at once each see the
//! registry missing and each create it (neither create looks like the other's lost answer).
//! The pair is found here by type and URL and said with which one to delete; nothing is
//! written.

use super::change::{Action, Outcome};
use super::context::Ctx;
use super::plan::Plan;
use crate::model::same_name;
use crate::model::{Configuration, same_url};

/// What the re-listing found: each duplicate made by a concurrent run, said with the one to
/// delete. `Err` when the listing failed (the creates stand; only the check is missing).
pub fn concurrent_duplicates(ctx: &Ctx, plan: &Plan) -> Result<Vec<String>, String> {
    let created: Vec<&Configuration> = plan
        .steps
        .iter()
        .filter(|s| s.change.action == Action::Create && s.change.outcome == Outcome::Applied)
        .filter_map(|s| s.created.as_ref())
        .collect();
    if created.is_empty() {
        return Ok(Vec::new());
    }
    let listing = ctx.client.list_all(ctx.org).map_err(|e| {
        format!(
            "listing again after the creates, to check that no other run made the same configurations at the same time, failed ({e:#}); run `private-registries list --org {}` to check",
            ctx.org
        )
    })?;
    let listed_before = |name: &str| plan.listing.iter().any(|c| same_name(&c.name, name));
    let ours = |name: &str| created.iter().any(|c| same_name(&c.name, name));
    let mut found = Vec::new();
    for made in &created {
        // As listed now, so both runs compare the same records.
        let mine = listing
            .configurations
            .iter()
            .find(|c| same_name(&c.name, &made.name))
            .unwrap_or(made);
        for other in listing
            .configurations
            .iter()
            .filter(|o| !ours(&o.name) && !listed_before(&o.name) && same_registry(mine, o))
        {
            found.push(said(ctx, mine, other));
        }
    }
    Ok(found)
}

fn same_registry(a: &Configuration, b: &Configuration) -> bool {
    a.registry_type == b.registry_type
        && matches!((&a.url, &b.url), (Some(x), Some(y)) if same_url(x, y))
}

/// The later of the two (by `created_at`, then by name) is the one to delete, so both runs
/// name the same one.
fn said(ctx: &Ctx, mine: &Configuration, other: &Configuration) -> String {
    let later = |c: &Configuration| (c.created_at.clone().unwrap_or_default(), c.name.clone());
    let delete = if later(other) >= later(mine) {
        other
    } else {
        mine
    };
    format!(
        "`{}` (created by this run) and `{}` (created by another run at the same time) are the same {} registry at {}: delete one, e.g. `private-registries delete --org {} {}`; runs on one org must not overlap (give the workflow a `concurrency:` group)",
        mine.name,
        other.name,
        mine.registry_type.as_deref().unwrap_or("?"),
        mine.url.as_deref().unwrap_or("?"),
        ctx.org,
        delete.name
    )
}
