//! The core: takes one validated [`Request`], reads what it needs, builds a [`plan::Plan`],
//! applies it unless it is a dry run, and answers with what happened ([`Answer`]). It knows
//! nothing of where the request came from or how the answer is shown.

mod apply;
pub mod change;
mod context;
pub mod crypto;
mod plan;
mod sync;

use std::rc::Rc;

use anyhow::Context as _;

use crate::client::{Client, Connection};
use crate::model::{ConfigName, Configuration, Entry, Error, Notify, Org, PublicKey, RegistrySpec};
use change::{Action, Change, Outcome};
use context::Ctx;
use plan::Plan;

/// Everything a run needs, validated, whichever front end built it.
#[derive(Debug)]
pub struct Request {
    pub connection: Connection,
    pub org: Org,
    /// Plan and report, but do not apply.
    pub dry_run: bool,
    pub command: Command,
}

/// The operation with exactly the data it needs.
#[derive(Debug)]
pub enum Command {
    List {
        per_page: u32,
        page: Option<u32>,
    },
    Get {
        name: ConfigName,
    },
    PublicKey,
    Create {
        spec: RegistrySpec,
    },
    Update {
        name: ConfigName,
        spec: RegistrySpec,
    },
    Set {
        name: Option<ConfigName>,
        spec: RegistrySpec,
    },
    Delete {
        name: ConfigName,
    },
    /// Every entry of the manifest, validated (secrets resolved).
    Sync {
        entries: Vec<Entry>,
        prune: bool,
    },
}

/// What a run found or did, for the report.
#[derive(Debug)]
pub enum Answer {
    Listed {
        org: Org,
        total_count: u64,
        configurations: Vec<Configuration>,
    },
    Fetched {
        org: Org,
        /// The name asked for (GitHub's answer may spell it otherwise).
        name: ConfigName,
        configuration: Configuration,
    },
    Key {
        org: Org,
        key: PublicKey,
    },
    Changed(Changes),
}

/// What a writing operation planned and did.
#[derive(Debug)]
pub struct Changes {
    pub org: Org,
    pub sync: bool,
    pub dry_run: bool,
    pub prune: bool,
    /// `created`, `updated`, `unchanged`, `deleted`, `planned`, `changed` or `failed`.
    pub result: &'static str,
    pub name: Option<String>,
    pub changes: Vec<Change>,
    /// The one configuration afterwards (single-configuration operations).
    pub registry: Option<Configuration>,
    /// Every configuration afterwards (sync).
    pub registries: Option<Vec<Configuration>>,
    /// Sync without prune: configurations no entry names, left alone.
    pub kept: Vec<String>,
}

/// The end of a run: what to report (if anything got that far) and what went wrong.
#[derive(Debug)]
pub struct Run {
    pub answer: Option<Answer>,
    pub error: Option<Error>,
}

impl Run {
    fn failed(error: impl Into<Error>) -> Self {
        Run {
            answer: None,
            error: Some(error.into()),
        }
    }
}

/// Runs the request against GitHub; events (retries, warnings) go out through `notify`.
pub fn run(request: &Request, notify: Notify) -> Run {
    let client = match Client::new(&request.connection, Rc::clone(&notify)) {
        Ok(c) => c,
        Err(e) => return Run::failed(e),
    };
    let ctx = Ctx::new(&client, &request.org);
    let org = request.org.clone();
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
        Command::PublicKey => read(ctx.public_key().map(|key| Answer::Key {
            org,
            key: key.clone(),
        })),
        command => write(&ctx, command, request.dry_run, &notify),
    }
}

fn list(ctx: &Ctx, per_page: u32, page: Option<u32>) -> anyhow::Result<Answer> {
    let page = match page {
        Some(page) => ctx.client.list_page(ctx.org, per_page, page)?,
        None => ctx.client.list_all(ctx.org)?,
    };
    Ok(Answer::Listed {
        org: ctx.org.clone(),
        total_count: page.total_count,
        configurations: page.configurations,
    })
}

/// Plans a writing command; `Err` when planning itself failed (nothing was written).
fn plan_for(ctx: &Ctx, command: &Command) -> anyhow::Result<Plan> {
    match command {
        Command::Create { spec } => plan::create(ctx, spec),
        Command::Update { name, spec } => plan::update(ctx, name, spec),
        Command::Set { name, spec } => plan::set(ctx, name.as_ref(), spec),
        Command::Delete { name } => Ok(plan::delete(name)),
        Command::Sync { entries, prune } => sync::plan(ctx, entries, *prune),
        _ => Err(anyhow::anyhow!("internal: not a writing command")),
    }
}

/// Plan, then apply unless this is a dry run, then say what happened.
fn write(ctx: &Ctx, command: &Command, dry_run: bool, notify: &Notify) -> Run {
    let mut plan = match plan_for(ctx, command) {
        Ok(plan) => plan,
        Err(e) => return Run::failed(e),
    };
    let sync = matches!(command, Command::Sync { .. });
    if dry_run {
        if let Command::Delete { name } = command {
            // A dry-run delete shows what would go, and fails if there is nothing to delete.
            match ctx.client.get(ctx.org, name) {
                Ok(current) => plan.steps[0].change = Change::of(Action::Delete, &current, vec![]),
                Err(e) => return Run::failed(e),
            }
        }
    } else {
        apply::apply(ctx, &mut plan, notify);
    }
    if sync {
        return sync_answer(ctx, plan, dry_run, command);
    }
    single_answer(ctx, plan, dry_run)
}

fn sync_answer(ctx: &Ctx, plan: Plan, dry_run: bool, command: &Command) -> Run {
    let prune = matches!(command, Command::Sync { prune: true, .. });
    let changes: Vec<Change> = plan.steps.iter().map(|s| s.change.clone()).collect();
    let failed = count(&changes, |c| c.outcome == Outcome::Failed);
    let skipped = count(&changes, |c| c.outcome == Outcome::Skipped);
    let writes = count(&changes, |c| c.writes() && c.outcome != Outcome::Skipped);
    let result = match (failed, writes, dry_run) {
        (1.., _, _) => "failed",
        (0, 0, _) => "unchanged",
        (0, _, true) => "planned",
        (0, _, false) => "changed",
    };
    let error = (failed > 0).then(|| {
        let skipped = if skipped > 0 {
            format!(", so {skipped} prune delete(s) were skipped")
        } else {
            String::new()
        };
        Error::Failed(anyhow::anyhow!(
            "sync: {failed} of {} step(s) failed{skipped}; see the errors above and the step summary",
            changes.len()
        ))
    });
    let registries = apply::state_after(&plan);
    Run {
        answer: Some(Answer::Changed(Changes {
            org: ctx.org.clone(),
            sync: true,
            dry_run,
            prune,
            result,
            name: None,
            changes,
            registry: None,
            registries: Some(registries),
            kept: plan.kept,
        })),
        error,
    }
}

fn count(changes: &[Change], f: impl Fn(&Change) -> bool) -> usize {
    changes.iter().filter(|c| f(c)).count()
}

/// The answer of create, update, set and delete: one step.
fn single_answer(ctx: &Ctx, mut plan: Plan, dry_run: bool) -> Run {
    let Some(mut step) = plan.steps.pop() else {
        return Run::failed(anyhow::anyhow!("internal: an empty plan"));
    };
    let action = step.change.action;
    let current = step
        .current
        .and_then(|i| plan.listing.get(i).cloned())
        .or_else(|| {
            (action == Action::Unchanged)
                .then(|| {
                    plan.listing
                        .iter()
                        .find(|c| Some(&c.name) == step.change.name.as_ref())
                        .cloned()
                })
                .flatten()
        });
    let mut changes = Changes {
        org: ctx.org.clone(),
        sync: false,
        dry_run,
        prune: false,
        result: "planned",
        name: step.change.name.clone(),
        changes: Vec::new(),
        registry: None,
        registries: None,
        kept: Vec::new(),
    };
    let mut error = step.failure.take().map(|e| {
        let what = match (action, &step.target) {
            (Action::Create, _) => "nothing was created".to_string(),
            (Action::Update, Some(t)) => format!("`{t}` was not updated"),
            (_, Some(t)) => format!("`{t}` was not deleted"),
            _ => "nothing was written".to_string(),
        };
        Error::from(e).context(what)
    });
    match (action, step.change.outcome) {
        (_, Outcome::Failed) => changes.result = "failed",
        (Action::Unchanged, _) => {
            changes.result = "unchanged";
            changes.registry = current;
        }
        (_, Outcome::Planned) => {}
        (Action::Create, _) => {
            changes.result = "created";
            changes.registry = step.created.clone();
        }
        (Action::Update, _) => {
            changes.result = "updated";
            let name = step.target.clone();
            match name.map(|n| {
                ctx.client
                    .get(ctx.org, &n)
                    .with_context(|| format!("`{n}` was updated, but reading it back failed"))
            }) {
                Some(Ok(config)) => changes.registry = Some(config),
                Some(Err(e)) => error = Some(e.into()),
                None => {}
            }
        }
        (Action::Delete, _) => changes.result = "deleted",
    }
    if action == Action::Create && dry_run {
        changes.name = None;
    }
    changes.changes.push(step.change);
    Run {
        answer: Some(Answer::Changed(changes)),
        error,
    }
}
