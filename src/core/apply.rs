//! Carrying a plan out: serially, in plan order (creates and updates, then deletes), each step
//! once. A delete is skipped once any earlier step failed, so a prune never runs on a
//! half-applied manifest.

use anyhow::{Result, anyhow};

use super::change::{Action, Outcome};
use super::context::Ctx;
use std::time::Instant;

use super::plan::{Plan, Step};
use super::{Changes, Hooks};
use crate::client::{Existing, WriteError, pace, retry};
use crate::model::{Cancel, Configuration, Event, Notify};

/// Applies every planned step; failures are recorded in their step. Once the run is
/// cancelled no step is sent: each left is recorded as not sent.
pub fn apply(ctx: &Ctx, plan: &mut Plan, hooks: &Hooks) {
    let notify = &hooks.notify;
    let says_each = plan.sync;
    let mut journal = Changes::new(ctx.org, false, plan.sync);
    journal.changes = plan.steps.iter().map(|s| s.change.clone()).collect();
    hooks.journal.begin(journal);
    let mut progress = Progress::new(plan);
    let mut failed = planning_failures(plan, says_each.then_some(notify));
    // The names that exist before the first POST: a lost create's answer is never one of them.
    let mut known = plan.listed.then(|| Existing::of(&plan.listing));
    for (i, step) in plan.steps.iter_mut().enumerate() {
        if step.change.outcome != Outcome::Planned {
            continue;
        }
        if !hooks.journal.send(i, &hooks.cancel) {
            not_sent(step, &hooks.cancel);
            hooks.journal.done(i, &step.change);
            continue;
        }
        if step.change.action == Action::Delete && failed > 0 {
            step.change.outcome = Outcome::Skipped;
            step.change.error = Some(format!(
                "not deleted: {failed} entr{} failed, and prune runs only once every create and update succeeded",
                if failed == 1 { "y" } else { "ies" }
            ));
            continue;
        }
        match apply_step(ctx, step, &mut known) {
            Ok(created) => {
                step.change.outcome = Outcome::Applied;
                if let Some(created) = created {
                    if let Some(known) = &mut known {
                        known.insert(&created.name);
                    }
                    adopt_created(step, created, notify);
                }
            }
            Err(WriteError::NotSent(_)) => not_sent(step, &hooks.cancel),
            Err(e) => {
                failed += 1;
                failure(step, e, says_each.then_some(notify));
            }
        }
        hooks.journal.done(i, &step.change);
        progress.step(step.change.writes(), notify);
    }
}

/// How many steps failed while planning; each is said when `notify` is given (a sync).
fn planning_failures(plan: &Plan, notify: Option<&Notify>) -> usize {
    let failed: Vec<&Step> = plan
        .steps
        .iter()
        .filter(|s| s.change.outcome == Outcome::Failed)
        .collect();
    if let Some(notify) = notify {
        for step in &failed {
            notify(Event::Error(step.change.error.clone().unwrap_or_default()));
        }
    }
    failed.len()
}

/// A write that failed, recorded in its step: `unknown` when its outcome could not be settled
/// (it may have been applied), else `failed`; said at once when `notify` is given (a sync).
fn failure(step: &mut Step, e: WriteError, notify: Option<&Notify>) {
    let unsettled = matches!(e, WriteError::Unsettled(_));
    let why = if unsettled {
        e.to_string()
    } else {
        describe_failure(step, &e)
    };
    if let Some(notify) = notify {
        let label = step.label.clone().unwrap_or_default();
        notify(Event::Error(format!("{label}: {why}")));
    }
    step.change.outcome = if unsettled {
        Outcome::Unknown
    } else {
        Outcome::Failed
    };
    step.change.error = Some(why);
    step.failure = Some(e.into_anyhow());
}

/// A step left unsent because the run was cancelled.
fn not_sent(step: &mut Step, cancel: &Cancel) {
    step.change.outcome = Outcome::NotSent;
    step.change.error = Some(format!(
        "the run was cancelled ({}) before its turn",
        cancel.signal().unwrap_or("a signal")
    ));
}

/// Progress of a long run (more writes than the pacing lets go at once): a notice every ten
/// writes with an estimate of the time left, from the pacing and the round trips so far.
struct Progress {
    total: usize,
    done: usize,
    started: Instant,
}

impl Progress {
    fn new(plan: &Plan) -> Self {
        let total = plan
            .steps
            .iter()
            .filter(|s| s.change.writes() && s.change.outcome == Outcome::Planned)
            .count();
        Progress {
            total,
            done: 0,
            started: Instant::now(),
        }
    }

    fn step(&mut self, wrote: bool, notify: &Notify) {
        if !wrote {
            return;
        }
        self.done += 1;
        let left = self.total.saturating_sub(self.done);
        if self.total <= pace::BURST as usize || !self.done.is_multiple_of(10) || left == 0 {
            return;
        }
        // The pacing's schedule for what is left, or the pace so far when that is slower.
        let per_write = self.started.elapsed() / u32::try_from(self.done).unwrap_or(u32::MAX);
        let paced = pace::schedule(self.total).saturating_sub(pace::schedule(self.done));
        let eta = paced.max(per_write * u32::try_from(left).unwrap_or(u32::MAX));
        notify(Event::Notice(format!(
            "{} of {} writes done; about {} left (after the first {}, writes go {} s apart and at most {} a minute, within GitHub's limits)",
            self.done,
            self.total,
            retry::secs(eta),
            pace::BURST,
            pace::SPACING.as_secs(),
            pace::PER_MINUTE
        )));
    }
}

/// `not created: …`, `NAME not updated: …`, `not deleted: …`.
fn describe_failure(step: &Step, e: &WriteError) -> String {
    let text = e.to_string();
    match step.change.action {
        Action::Create => format!("not created: {text}"),
        Action::Update => format!(
            "{} not updated: {text}",
            step.change.name.as_deref().unwrap_or_default()
        ),
        _ => format!("not deleted: {text}"),
    }
}

/// One write; `Ok(Some(config))` is what a POST returned. A create lists first when the
/// plan did not (a plain `create`), so it knows which names were there before.
fn apply_step(
    ctx: &Ctx,
    step: &Step,
    known: &mut Option<Existing>,
) -> Result<Option<Configuration>, WriteError> {
    let target = || {
        step.target
            .as_ref()
            .ok_or_else(|| anyhow!("internal: the step names no configuration"))
    };
    match step.change.action {
        Action::Create => {
            let before = match known {
                Some(known) => known,
                None => {
                    let listing = ctx.client.list_all(ctx.org).map_err(|e| {
                        e.context("listing the configurations before creating failed")
                    })?;
                    known.insert(Existing::of(&listing.configurations))
                }
            };
            let body = ctx.body(&step.body, step.secret.as_ref())?;
            ctx.client.create(ctx.org, &body, before).map(Some)
        }
        Action::Update => {
            let body = ctx.body(&step.body, step.secret.as_ref())?;
            ctx.client.update(ctx.org, target()?, &body).map(|()| None)
        }
        Action::Delete => ctx.client.delete(ctx.org, target()?).map(|()| None),
        Action::Unchanged => Ok(None),
    }
}

/// Takes the name GitHub gave a new configuration, warning when it is not the one asked for.
fn adopt_created(step: &mut Step, created: Configuration, notify: &Notify) {
    if let Some(wanted) = &step.wanted
        && *wanted != *created.name
    {
        let got = &created.name;
        let message = match &step.label {
            Some(label) => format!(
                "{label}: asked for name {wanted}, GitHub named the new configuration {got}; put name: {got} in the entry, or the next run will not find it by name"
            ),
            None => format!(
                "asked for `{wanted}`, GitHub named the new configuration `{got}`; use that name from now on"
            ),
        };
        notify(Event::Warning(message));
    }
    step.change.name = Some(created.name.clone()).filter(|n| !n.is_empty());
    step.created = Some(created);
}

/// The configurations after the plan (applied, or as planned in a dry run), without a read-back:
/// the listing with what was written merged in, deletes removed, creates added.
pub fn state_after(plan: &mut Plan) -> Vec<Configuration> {
    // The listing is not needed after this: moved, not copied.
    let listing = std::mem::take(&mut plan.listing);
    let mut state: Vec<Option<Configuration>> = listing.into_iter().map(Some).collect();
    let mut added = Vec::new();
    for step in &plan.steps {
        let done = matches!(step.change.outcome, Outcome::Applied | Outcome::Planned);
        if !done {
            continue;
        }
        match (step.change.action, step.current) {
            (Action::Update, Some(ci)) => {
                if let Some(Some(c)) = state.get_mut(ci) {
                    c.merge(&step.body);
                }
            }
            (Action::Delete, Some(ci)) => state[ci] = None,
            (Action::Create, _) => added.push(step.created.clone().unwrap_or_else(|| {
                Configuration::planned(step.wanted.as_ref().map(|n| n.as_str()), &step.body)
            })),
            _ => {}
        }
    }
    state.into_iter().flatten().chain(added).collect()
}
