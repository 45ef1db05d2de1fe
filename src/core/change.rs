//! What a plan does to each configuration and how that went: the `changes` record.

use serde::Serialize;

use crate::model::Configuration;

/// What a write does to one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
        }
    }
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
    /// Not sent: the run was cancelled before its turn.
    #[serde(rename = "not_sent")]
    NotSent,
    /// Sent, but its answer never came (the run was cancelled while it was out).
    Unknown,
    /// Nothing to do: the configuration is already as asked (an `unchanged` action).
    #[serde(rename = "none")]
    Nothing,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Planned => "planned",
            Outcome::Applied => "applied",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::NotSent => "not_sent",
            Outcome::Unknown => "unknown",
            Outcome::Nothing => "none",
        }
    }
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
    /// `sync` of a dependabot.yml: the entry's file and label (`FILE: registries.LABEL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Change {
    /// A change described from a configuration as GitHub reports it (or as planned).
    pub fn of(action: Action, config: &Configuration, fields: Vec<String>) -> Self {
        Change {
            action,
            name: Some(config.name.clone()).filter(|n| !n.is_empty()),
            registry_type: config.registry_type.clone(),
            url: config.url.clone(),
            fields,
            outcome: if action == Action::Unchanged {
                Outcome::Nothing
            } else {
                Outcome::Planned
            },
            error: None,
            entry: None,
            label: None,
        }
    }

    /// Whether this change writes (create, update, delete) rather than leaving alone.
    pub fn writes(&self) -> bool {
        self.action != Action::Unchanged
    }
}
