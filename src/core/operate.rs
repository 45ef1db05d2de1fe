//! One org's run: signed in, its command read, planned, confirmed, checked against GitHub's
//! limits, and applied unless it is a dry run or the run was cancelled.

use super::*;

use crate::client::Client;
use crate::client::pace;
use crate::model::auth::Auth;
use crate::model::{Cancel, Configuration, Error, Event, ExportFormat, Org};
use change::{Action, Change};
use context::Ctx;
use plan::Plan;

/// The request for one org, signed in for it alone when the run is a GitHub App's: a token
/// with the least the command needs, revoked when the org is done, whatever its outcome.
pub(super) fn signed_in(client: &Client, org: &Org, request: &Request, hooks: &Hooks) -> Run {
    let Auth::App(app) = &request.connection.auth else {
        return run_org(client, org, request, hooks);
    };
    let permissions = request.command.permissions(request.dry_run);
    if let Err(e) = client.sign_in(org, app, permissions) {
        return Run::failed(e);
    }
    let run = run_org(client, org, request, hooks);
    if let Err(e) = client.sign_out() {
        (hooks.notify)(Event::Warning(format!(
            "revoking the App's token for `{org}` failed ({e:#}); it expires by itself within an hour"
        )));
    }
    run
}

/// The request for one org.
pub(super) fn run_org(client: &Client, org: &Org, request: &Request, hooks: &Hooks) -> Run {
    let ctx = Ctx::new(client, org, request.input_name);
    let org = org.clone();
    let read = |answer: anyhow::Result<Answer>| match answer {
        Ok(a) => Run {
            answer: Some(a),
            error: None,
        },
        Err(e) => Run::failed(e),
    };
    match &request.command {
        Command::List { per_page, page } => read(list(&ctx, *per_page, *page)),
        Command::Get { name } => {
            read(client.get(&org, name).map(|configuration| Answer::Fetched {
                org,
                name: name.clone(),
                configuration,
            }))
        }
        Command::PublicKey => read(ctx.fetch_key().map(|key| Answer::Key { org, key })),
        Command::Diff { entries } => match diff::diff(&ctx, entries) {
            Ok(drifts) => Run {
                error: (!drifts.is_empty()).then(|| Error::Drifted(drifts.len())),
                answer: Some(Answer::Diff { org, drifts }),
            },
            Err(e) => Run::failed(e),
        },
        Command::Export { format, path } => read(export(&ctx, *format, path.clone())),
        Command::Discover {
            scope,
            format,
            path,
        } => read(
            discover::census(&ctx, *scope).map(|census| Answer::Discovered {
                org: org.clone(),
                format: *format,
                path: path.clone(),
                census,
            }),
        ),
        command => write(&ctx, command, request.dry_run, hooks),
    }
}

/// The most configurations a listing keeps as values (for the summary, which holds fewer
/// anyway, and the table); the `registries` output holds them all.
pub const LISTED_ROWS: usize = 1_000;

pub(super) fn list(ctx: &Ctx, per_page: u32, page: Option<u32>) -> anyhow::Result<Answer> {
    let mut json = Vec::new();
    let mut kept = Vec::new();
    let mut add = |configs: Vec<Configuration>| -> anyhow::Result<()> {
        for c in configs {
            json.push(serde_json::value::to_raw_value(&c)?);
            if kept.len() < LISTED_ROWS {
                kept.push(c);
            }
        }
        Ok(())
    };
    let total_count = match page {
        Some(page) => {
            let p = ctx.client.list_page(ctx.org, per_page, page)?;
            add(p.configurations)?;
            p.total_count
        }
        None => ctx.client.list_each(ctx.org, &mut add)?,
    };
    Ok(Answer::Listed {
        org: ctx.org.clone(),
        total_count,
        registries: std::rc::Rc::new(json),
        configurations: kept,
    })
}

/// Every configuration, and the names of the repositories any of them is reported to select
/// (the org's repositories are listed once, only then).
pub(super) fn export(
    ctx: &Ctx,
    format: ExportFormat,
    path: Option<std::path::PathBuf>,
) -> anyhow::Result<Answer> {
    let configurations = ctx.client.list_all(ctx.org)?.configurations;
    let selects = configurations.iter().any(|c| {
        c.selected_repository_ids
            .as_ref()
            .is_some_and(|ids| !ids.is_empty())
    });
    let repositories = if selects {
        ctx.client.org_repositories(ctx.org)?
    } else {
        Default::default()
    };
    Ok(Answer::Exported {
        org: ctx.org.clone(),
        format,
        path,
        configurations,
        repositories,
    })
}

/// Plans a writing command; `Err` when planning itself failed (nothing was written).
pub(super) fn plan_for(ctx: &Ctx, command: &Command) -> Result<Plan, Error> {
    match command {
        Command::Create { spec } => plan::create(ctx, spec).map_err(Error::Failed),
        Command::Update { name, spec } => plan::update(ctx, name, spec).map_err(Error::Failed),
        Command::Set { name, spec } => plan::set(ctx, name.as_ref(), spec),
        Command::Delete { name } => Ok(plan::delete(name)),
        Command::Sync { entries, prune } => sync::plan(ctx, entries, *prune).map_err(Error::Failed),
        _ => Err(Error::Failed(anyhow::anyhow!(
            "internal: not a writing command"
        ))),
    }
}

/// Plan, then apply unless this is a dry run, then say what happened.
pub(super) fn write(ctx: &Ctx, command: &Command, dry_run: bool, hooks: &Hooks) -> Run {
    let mut plan = match plan_for(ctx, command) {
        Ok(plan) => plan,
        Err(e) => return Run::failed(e),
    };
    if let (true, Command::Delete { name }) = (dry_run, command) {
        // A dry-run delete shows what would go, and fails if there is nothing to delete.
        match ctx.client.get(ctx.org, name) {
            Ok(current) => plan.steps[0].change = Change::of(Action::Delete, &current, vec![]),
            Err(e) => return Run::failed(e),
        }
    }
    let refused = too_many_writes(&plan).or_else(|| {
        let declined = if dry_run {
            None
        } else {
            confirm(ctx, &plan, hooks).err()
        };
        declined.map(|why| Error::Failed(anyhow::anyhow!("{why}; nothing was written")))
    });
    let declined = refused.is_some() && !dry_run && too_many_writes(&plan).is_none();
    let applied = !dry_run && refused.is_none();
    if applied {
        apply::apply(ctx, &mut plan, hooks);
        if plan.sync && hooks.cancel.signal().is_none() {
            match recheck::concurrent_duplicates(ctx, &plan) {
                Ok(found) => plan.concurrent = found,
                Err(why) => (hooks.notify)(Event::Warning(why)),
            }
        }
    }
    let mut run = match command {
        Command::Sync { prune, .. } => answer::sync(ctx.org, plan, !applied, *prune),
        _ => answer::single(ctx, plan, !applied),
    };
    if let (true, Some(Answer::Changed(c))) = (declined, run.answer.as_mut()) {
        c.declined = true;
    }
    if refused.is_some() {
        run.error = refused;
    } else if let Some(cancelled) = cancelled(&mut run, &hooks.cancel) {
        run.error = Some(cancelled);
    }
    run
}

/// A plan needing more writes than GitHub allows in an hour is refused before any write.
pub(super) fn too_many_writes(plan: &Plan) -> Option<Error> {
    let writes = plan
        .steps
        .iter()
        .filter(|s| s.change.writes() && s.change.outcome == change::Outcome::Planned)
        .count();
    (writes > pace::HOURLY).then(|| {
        Error::invalid(format!(
            "the plan needs {writes} writes, and GitHub allows {} content-creating requests an hour: split the manifest into parts of at most {} changes each (say, by registry type) and apply them an hour apart; nothing was written",
            pace::HOURLY,
            pace::HOURLY
        ))
    })
}

/// After a cancelled run: the result says so, and the error says what was and was not applied.
pub(super) fn cancelled(run: &mut Run, cancel: &Cancel) -> Option<Error> {
    let (signal, status) = (cancel.signal()?, cancel.exit_code()?);
    let Some(Answer::Changed(changes)) = &mut run.answer else {
        return None;
    };
    let count = |o: change::Outcome| {
        changes
            .changes
            .iter()
            .filter(|c| c.writes() && c.outcome == o)
            .count()
    };
    let (applied, not_sent) = (
        count(change::Outcome::Applied),
        count(change::Outcome::NotSent),
    );
    changes.result = "cancelled";
    Some(Error::Cancelled {
        status,
        message: format!(
            "cancelled ({signal}): {} applied, {not_sent} not sent; the changes output and the step summary list each",
            crate::model::plural::count(applied, "write", "writes")
        ),
    })
}

/// Asks the caller before a sync's prune deletes anything.
pub(super) fn confirm(ctx: &Ctx, plan: &Plan, hooks: &Hooks) -> Result<(), String> {
    let deletes: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| plan.sync && s.change.action == Action::Delete)
        .filter_map(|s| s.change.name.clone())
        .collect();
    if deletes.is_empty() {
        return Ok(());
    }
    let lines = plan
        .steps
        .iter()
        .filter(|s| !matches!(s.change.action, Action::Delete | Action::Unchanged))
        .map(|s| {
            let what = s
                .change
                .name
                .as_deref()
                .or(s.change.url.as_deref())
                .unwrap_or("(new)");
            format!("{} {what}", s.change.action.as_str())
        })
        .collect();
    (hooks.confirm)(&PruneQuestion {
        org: ctx.org,
        plan: lines,
        deletes,
    })
}
