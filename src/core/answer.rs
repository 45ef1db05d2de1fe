//! What a writing run answers, from its plan after applying (or not): the result word, the
//! changes, the configuration(s) afterwards, and the error that sums up any failure.

use anyhow::Context as _;

use super::apply;
use super::change::{Action, Change, Outcome};
use super::context::Ctx;
use super::plan::{Plan, Step};
use super::{Answer, Changes, Run};
use crate::model::{Error, Org};

fn count(changes: &[Change], f: impl Fn(&Change) -> bool) -> usize {
    changes.iter().filter(|c| f(c)).count()
}

/// `sync`: every step's change, and the configurations afterwards (no read-back).
pub fn sync(org: &Org, mut plan: Plan, dry_run: bool, prune: bool) -> Run {
    let registries = apply::state_after(&mut plan);
    let kept = std::mem::take(&mut plan.kept);
    let changes: Vec<Change> = plan.steps.into_iter().map(|s| s.change).collect();
    let failed = count(&changes, |c| {
        matches!(c.outcome, Outcome::Failed | Outcome::Unknown)
    });
    let skipped = count(&changes, |c| c.outcome == Outcome::Skipped);
    let writes = count(&changes, |c| c.writes() && c.outcome != Outcome::Skipped);
    let result = match (failed, writes, dry_run) {
        (1.., _, _) => "failed",
        (0, 0, _) => "unchanged",
        (0, _, true) => "planned",
        (0, _, false) => "changed",
    };
    let concurrent = std::mem::take(&mut plan.concurrent);
    let error = (failed > 0 || !concurrent.is_empty()).then(|| {
        if failed == 0 {
            return Error::Failed(anyhow::anyhow!(
                "sync: every step was applied, but another run created the same configurations at the same time: {}",
                concurrent.join("; ")
            ));
        }
        let skipped = if skipped > 0 {
            format!(
                ", so {} skipped",
                crate::model::plural::count(skipped, "prune delete was", "prune deletes were")
            )
        } else {
            String::new()
        };
        Error::Failed(anyhow::anyhow!(
            "sync: {failed} of {} failed{skipped}: {}",
            crate::model::plural::count(changes.len(), "step", "steps"),
            failures(&changes)
        ))
    });
    let mut answer = Changes::new(org, dry_run, true);
    answer.prune = prune;
    answer.result = result;
    answer.changes = changes;
    answer.registries = Some(registries);
    answer.kept = kept;
    Run {
        answer: Some(Answer::Changed(answer)),
        error,
    }
}

/// The first failures, each with its reason, so the error stands on its own (a dry run says no
/// other error before it).
fn failures(changes: &[Change]) -> String {
    const SHOWN: usize = 3;
    let failed: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed | Outcome::Unknown))
        .collect();
    let mut parts: Vec<String> = failed
        .iter()
        .take(SHOWN)
        .map(|c| {
            let why = c.error.as_deref().unwrap_or("failed");
            match (&c.label, &c.name) {
                (Some(l), _) if !why.starts_with(l.as_str()) => format!("{l}: {why}"),
                (None, Some(n)) if !why.contains(n.as_str()) => format!("`{n}`: {why}"),
                _ => why.to_string(),
            }
        })
        .collect();
    if failed.len() > SHOWN {
        parts.push(format!("and {} more", failed.len() - SHOWN));
    }
    format!(
        "{}; the changes output and the report list every step",
        parts.join("; ")
    )
}

/// What a failed single step means for the operation.
fn failure_context(step: &Step) -> String {
    if step.change.outcome == Outcome::Unknown {
        return "whether it was applied is unknown; check before running again".to_string();
    }
    match (step.change.action, &step.target) {
        (Action::Create, _) => "nothing was created".to_string(),
        (Action::Update, Some(t)) => format!("`{t}` was not updated"),
        (_, Some(t)) => format!("`{t}` was not deleted"),
        _ => "nothing was written".to_string(),
    }
}

/// create, update, set and delete: one step, and the configuration afterwards (a plain update
/// is read back, as GitHub's PATCH answers without a body; `set` merges what it sent into what
/// it listed).
pub fn single(ctx: &Ctx, mut plan: Plan, dry_run: bool) -> Run {
    let Some(mut step) = plan.steps.pop() else {
        return Run::failed(anyhow::anyhow!("internal: an empty plan"));
    };
    let mut answer = Changes::new(ctx.org, dry_run, false);
    answer.name = step.change.name.clone();
    let mut error = step
        .failure
        .take()
        .map(|e| Error::from(e).context(failure_context(&step)));
    let action = step.change.action;
    match (action, step.change.outcome) {
        (_, Outcome::Failed) => answer.result = "failed",
        // The step fails; its change says `unknown` (never `created`).
        (_, Outcome::Unknown) => answer.result = "failed",
        (Action::Unchanged, _) => {
            answer.result = "unchanged";
            answer.registry = plan
                .listing
                .into_iter()
                .find(|c| Some(&c.name) == step.change.name.as_ref());
        }
        (Action::Create, Outcome::Planned) => answer.name = None,
        (_, Outcome::Planned) => {}
        (Action::Create, _) => {
            answer.result = "created";
            answer.registry = step.created.take();
        }
        (Action::Update, _) => {
            answer.result = "updated";
            // `set` listed the configuration: the listing with what was sent is the state
            // afterwards, without a read-back. A plain `update` reads it back.
            let listed = step.current.and_then(|i| plan.listing.get(i)).cloned();
            if let Some(mut current) = listed {
                current.merge(&step.body);
                answer.registry = Some(current);
            } else if let Some(name) = &step.target {
                let read = ctx
                    .client
                    .get(ctx.org, name)
                    .with_context(|| format!("`{name}` was updated, but reading it back failed"));
                match read {
                    Ok(config) => answer.registry = Some(config),
                    Err(e) => error = Some(e.into()),
                }
            }
        }
        (Action::Delete, _) => answer.result = "deleted",
    }
    answer.changes.push(step.change);
    Run {
        answer: Some(Answer::Changed(answer)),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Configuration;

    fn config(name: &str) -> Configuration {
        serde_json::from_value(serde_json::json!({
            "name": name, "registry_type": "npm_registry",
            "url": format!("https://{}.example.com/", name.to_ascii_lowercase()),
            "visibility": "all"
        }))
        .expect("configuration")
    }

    fn step(action: Action, name: &str, outcome: Outcome, error: Option<&str>) -> Step {
        let mut change = Change::of(action, &config(name), Vec::new());
        change.outcome = outcome;
        change.error = error.map(str::to_string);
        let mut step = Step::failed(change.clone(), String::new());
        step.change = change;
        step
    }

    fn plan(steps: Vec<Step>) -> Plan {
        Plan {
            listing: vec![config("A"), config("OLD")],
            listed: true,
            sync: true,
            steps,
            ..Plan::default()
        }
    }

    #[test]
    fn a_sync_that_failed_says_what_failed_and_what_was_skipped() {
        let org: Org = "acme".parse().expect("org");
        let run = sync(
            &org,
            plan(vec![
                step(Action::Update, "A", Outcome::Applied, None),
                step(
                    Action::Create,
                    "B",
                    Outcome::Failed,
                    Some("not created: 422"),
                ),
                step(Action::Delete, "OLD", Outcome::Skipped, Some("not deleted")),
            ]),
            false,
            true,
        );
        let error = run.error.expect("an error").to_string();
        assert!(
            error.starts_with(
                "sync: 1 of 3 steps failed, so 1 prune delete was skipped: `B`: not created: 422"
            ),
            "{error}"
        );
        let Some(Answer::Changed(c)) = run.answer else {
            panic!("no answer");
        };
        assert_eq!(c.result, "failed");
        // The skipped delete did not happen: OLD is still in the state afterwards.
        let after: Vec<String> = c
            .registries
            .expect("state")
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert!(after.contains(&"OLD".to_string()), "{after:?}");
    }

    #[test]
    fn a_sync_with_nothing_to_do_is_unchanged_and_a_dry_run_with_writes_is_planned() {
        let org: Org = "acme".parse().expect("org");
        let none = sync(
            &org,
            plan(vec![step(Action::Unchanged, "A", Outcome::Nothing, None)]),
            false,
            false,
        );
        assert!(none.error.is_none());
        assert!(matches!(none.answer, Some(Answer::Changed(ref c)) if c.result == "unchanged"));
        let dry = sync(
            &org,
            plan(vec![step(Action::Delete, "OLD", Outcome::Planned, None)]),
            true,
            true,
        );
        assert!(
            matches!(dry.answer, Some(Answer::Changed(ref c)) if c.result == "planned" && c.dry_run)
        );
    }
}
