//! The core: takes one validated [`Request`], reads what it needs, builds a [`plan::Plan`],
//! applies it unless it is a dry run, and answers with what happened ([`Answer`]). It knows
//! nothing of where the request came from or how the answer is shown. This file holds the
//! request, the answers and the hooks; how one org is run is [`operate`].

mod access;
mod answer;
mod apply;
pub mod change;
mod context;
pub mod crypto;
pub mod diff;
pub mod discover;
pub mod journal;
mod operate;
mod plan;
mod recheck;
mod sync;

use std::rc::Rc;

use crate::client::{Client, Connection, Revoker};
use crate::model::{
    Cancel, ConfigName, Configuration, Entry, Error, ExportFormat, Notify, Org, PublicKey,
    RegistrySpec,
};
use change::Change;
use journal::Journal;

/// Everything a run needs, validated, whichever front end built it.
#[derive(Debug)]
pub struct Request {
    pub connection: Connection,
    /// One organization or several, run one after the other with one client (so one rate
    /// limit and one write pacing).
    pub orgs: Vec<Org>,
    /// With several orgs: stop at the first that fails.
    pub fail_fast: bool,
    /// Plan and report, but do not apply.
    pub dry_run: bool,
    pub command: Command,
    /// A dry run's `${{ secrets.NAME }}` references whose values this job does not have: the
    /// plan counts them as rotations all the same; the report names them.
    pub unresolved_secrets: Vec<String>,
    /// How the front end names an input in a message: ``input `url` `` in a workflow, `` `--url` ``
    /// at a terminal (a problem only planning finds is worded like the others).
    pub input_name: fn(&str) -> String,
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
    /// Compare a manifest with the org; never writes.
    Diff {
        entries: Vec<Entry>,
    },
    /// The org's configurations as a manifest (written to `path` too when given).
    Export {
        format: ExportFormat,
        path: Option<std::path::PathBuf>,
    },
    /// The registries the org's repositories configure one by one, and the org manifest that
    /// would move them up (written to `path` too when given). Never writes to GitHub.
    Discover {
        scope: discover::Scope,
        format: ExportFormat,
        path: Option<std::path::PathBuf>,
    },
}

/// What a run found or did, for the report.
#[derive(Debug)]
pub enum Answer {
    /// `list`: every configuration as the `registries` JSON, written page by page, and the
    /// first [`LISTED_ROWS`](operate::LISTED_ROWS) as values for the summary and the table (a long listing is not
    /// kept twice).
    Listed {
        org: Org,
        total_count: u64,
        /// Each configuration's JSON, as it is to be output (no contiguous copy of them all).
        registries: std::rc::Rc<Vec<Box<serde_json::value::RawValue>>>,
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
    /// `diff`: what differs (empty: in sync).
    Diff {
        org: Org,
        drifts: Vec<diff::Drift>,
    },
    /// `export`: every configuration, with the names of the repositories GitHub reported.
    Exported {
        org: Org,
        format: ExportFormat,
        path: Option<std::path::PathBuf>,
        configurations: Vec<Configuration>,
        repositories: std::collections::BTreeMap<u64, String>,
    },
    /// `discover`: what the repositories configure, grouped, and where the proposal goes.
    Discovered {
        org: Org,
        format: ExportFormat,
        path: Option<std::path::PathBuf>,
        census: crate::model::discovery::Census,
    },
}

/// What a writing operation planned and did.
#[derive(Debug, Clone)]
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
    /// The prune was not confirmed: the plan stands, nothing was written.
    pub declined: bool,
}

impl Changes {
    /// An answer with nothing in it yet.
    fn new(org: &Org, dry_run: bool, sync: bool) -> Self {
        Changes {
            org: org.clone(),
            sync,
            dry_run,
            prune: false,
            result: "planned",
            name: None,
            changes: Vec::new(),
            registry: None,
            registries: None,
            kept: Vec::new(),
            declined: false,
        }
    }
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

/// What a sync asks before its prune deletes anything: the org, the plan's other changes (one
/// line each) and the names to delete.
#[derive(Debug)]
pub struct PruneQuestion<'a> {
    pub org: &'a Org,
    pub plan: Vec<String>,
    pub deletes: Vec<String>,
}

/// Asked before a sync's prune deletes anything; `Err` says why not.
pub type Confirm = Rc<dyn Fn(&PruneQuestion) -> Result<(), String>>;

/// What the caller hands down: where events go, who confirms deletes, the signal that
/// cancels the run, and the journal a reporter reads if the last request does not come back.
pub struct Hooks {
    pub notify: Notify,
    pub confirm: Confirm,
    pub cancel: Cancel,
    pub journal: Journal,
    /// The App token in use, for the reporter of a cancelled run to revoke.
    pub revoker: Revoker,
}

/// One org's end of a run; `None` when it was not run (an earlier org failed with
/// `fail_fast`, or the run was cancelled).
#[derive(Debug)]
pub struct OrgRun {
    pub org: Org,
    pub run: Option<Run>,
}

/// Runs the request for every org, serially, with one client; events (retries, warnings) go
/// out through `hooks.notify`.
pub fn run(request: &Request, hooks: &Hooks) -> Vec<OrgRun> {
    let notify = Rc::clone(&hooks.notify);
    let client = match Client::new(
        &request.connection,
        Rc::clone(&notify),
        hooks.cancel.clone(),
        hooks.revoker.clone(),
    ) {
        Ok(c) => c,
        Err(e) => {
            let text = format!("{e:#}");
            return request
                .orgs
                .iter()
                .map(|org| OrgRun {
                    org: org.clone(),
                    run: Some(Run::failed(anyhow::anyhow!("{text}"))),
                })
                .collect();
        }
    };
    let mut stop = false;
    let mut runs = Vec::with_capacity(request.orgs.len());
    for org in &request.orgs {
        if stop || hooks.cancel.signal().is_some() {
            runs.push(OrgRun {
                org: org.clone(),
                run: None,
            });
            continue;
        }
        let run = operate::signed_in(&client, org, request, hooks);
        stop = request.fail_fast
            && run
                .error
                .as_ref()
                .is_some_and(|e| !matches!(e, Error::Drifted(_)));
        runs.push(OrgRun {
            org: org.clone(),
            run: Some(run),
        });
    }
    runs
}
