//! The operations: dispatch, and what they share (the run context with its once-per-run
//! caches, the `changes` record, and the summary tables).

mod read;
mod sync;
mod write;

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use crate::crypto;
use crate::github::{Client, PublicKey};
use crate::inputs::{Command, Inputs};
use crate::outputs::{Reporter, table};
use crate::registry::RegistrySpec;
use crate::types::{RepoName, Secret};

/// Runs the validated command against GitHub, filling `report` as it goes.
pub fn run(inputs: &Inputs, report: &mut Reporter) -> Result<()> {
    let client = Client::new(&inputs.connection)?;
    let ctx = Ctx::new(&client, inputs.dry_run);
    match &inputs.command {
        Command::List { per_page, page } => read::list(&ctx, *per_page, *page, report),
        Command::Get { name } => read::get(&ctx, name, report),
        Command::PublicKey => read::public_key(&ctx, report),
        Command::Create { spec } => write::create(&ctx, spec, report),
        Command::Update { name, spec } => write::update(&ctx, name, spec, report),
        Command::Set { name, spec } => write::set(&ctx, name.as_ref(), spec, report),
        Command::Delete { name } => write::delete(&ctx, name, report),
        Command::Sync { entries, prune } => sync::sync(&ctx, entries, *prune, report),
    }
}

/// One run's shared state: the client, and what is fetched at most once per run.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub dry_run: bool,
    key: OnceCell<PublicKey>,
    repo_ids: RefCell<BTreeMap<RepoName, u64>>,
}

impl<'a> Ctx<'a> {
    pub fn new(client: &'a Client, dry_run: bool) -> Self {
        Ctx {
            client,
            dry_run,
            key: OnceCell::new(),
            repo_ids: RefCell::new(BTreeMap::new()),
        }
    }

    /// The org's public key, fetched on first use only.
    pub fn public_key(&self) -> Result<&PublicKey> {
        if let Some(k) = self.key.get() {
            return Ok(k);
        }
        let key = self.client.public_key()?;
        crypto::decode_public_key(&key.key)?;
        Ok(self.key.get_or_init(|| key))
    }

    /// Seals a secret with the org key: `(key_id, encrypted_value)`.
    pub fn seal(&self, secret: &Secret) -> Result<(String, String)> {
        let key = self.public_key()?;
        Ok((key.key_id.clone(), crypto::seal(&key.key, secret)?))
    }

    /// The spec's repository ids plus its names looked up (each name once per run), sorted.
    pub fn repository_ids(&self, spec: &RegistrySpec) -> Result<Vec<u64>> {
        let mut ids = spec.repository_ids.clone();
        for name in &spec.repository_names {
            let cached = self.repo_ids.borrow().get(name).copied();
            let id = match cached {
                Some(id) => id,
                None => {
                    let id = self.client.repository_id(name)?;
                    self.repo_ids.borrow_mut().insert(name.clone(), id);
                    id
                }
            };
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}

/// What a write does to one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
}

/// How that went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A dry run, or not yet reached.
    Planned,
    Applied,
    Failed,
    /// Not attempted because an earlier failure made it unsafe.
    Skipped,
}

/// One entry of the `changes` output.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub action: Action,
    pub name: Option<String>,
    pub registry_type: Option<String>,
    pub url: Option<String>,
    /// The API fields written, with `secret` standing for a sealed value.
    pub fields: Vec<String>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `sync`: the index of the manifest entry (none for a prune delete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
}

impl Change {
    /// A change described from a configuration as GitHub reports it.
    pub fn of(action: Action, config: &Value, fields: Vec<String>) -> Self {
        let s = |k: &str| config.get(k).and_then(Value::as_str).map(str::to_string);
        Change {
            action,
            name: s("name"),
            registry_type: s("registry_type"),
            url: s("url"),
            fields,
            outcome: Outcome::Planned,
            error: None,
            entry: None,
        }
    }
}

/// The `changes` output and the summary table for a list of changes.
pub fn report_changes(report: &mut Reporter, title: &str, changes: &[Change], dry_run: bool) {
    report.json(
        "changes",
        serde_json::to_value(changes).unwrap_or(Value::Null),
    );
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                format!("{:?}", c.action).to_lowercase(),
                c.name.clone().unwrap_or_else(|| "(new)".into()),
                c.registry_type.clone().unwrap_or_default(),
                c.url.clone().unwrap_or_default(),
                c.fields.join(", "),
                match (&c.error, c.outcome) {
                    (Some(e), _) => format!("failed: {e}"),
                    (None, Outcome::Planned) if dry_run => "dry run".into(),
                    (None, o) => format!("{o:?}").to_lowercase(),
                },
            ]
        })
        .collect();
    let note = if dry_run {
        " (dry run: nothing was written)"
    } else {
        ""
    };
    report.summary(&format!("### {title}{note}\n\n"));
    report.summary(&table(
        &["action", "name", "type", "url", "fields", "outcome"],
        &rows,
    ));
}

/// The summary table of configurations.
pub fn registries_table(configs: &[Value]) -> String {
    let rows: Vec<Vec<String>> = configs
        .iter()
        .map(|c| {
            let s = |k: &str| match c.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            };
            let auth = if s("auth_type").is_empty() {
                "token".to_string()
            } else {
                s("auth_type")
            };
            vec![
                s("name"),
                s("registry_type"),
                s("url"),
                auth,
                s("visibility"),
                s("replaces_base"),
                s("updated_at"),
            ]
        })
        .collect();
    table(
        &[
            "name",
            "type",
            "url",
            "auth",
            "visibility",
            "replaces base",
            "updated",
        ],
        &rows,
    )
}
