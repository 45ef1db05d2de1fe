//! The input rules both front ends apply, word for word: what each operation needs and
//! refuses. Messages name the input the way the front end spells it, through a [`Label`]. The
//! single values (orgs, tokens, numbers, `ca_certificate`, paths) are [`values`]; "did you mean"
//! is [`spelling`].

mod spelling;
mod values;

pub use spelling::*;
pub use values::*;

use std::path::PathBuf;

use crate::core::Command;
use crate::model::spec::{Label, RawSpec, SPEC_KEYS};
use crate::model::{ConfigName, Entry, ExportFormat, Operation, RegistrySpec};

/// What the user gave for one operation, before validation.
pub struct Given<'a> {
    pub operation: Operation,
    pub name: Option<&'a str>,
    /// The registry keys given (trimmed, empty ones dropped; the secret verbatim).
    pub spec: &'a RawSpec,
    /// Whether `page` or `per_page` was given (list only).
    pub paging: Option<&'static str>,
    pub per_page: u32,
    pub page: Option<u32>,
    /// The parsed manifest (sync), or whether one was given to another operation.
    pub registries: Option<Result<Vec<Entry>, Vec<String>>>,
    pub prune: bool,
    /// `export`, `discover`: the format asked for, and the file to write (already resolved).
    pub format: Option<&'a str>,
    pub path: Option<Result<PathBuf, String>>,
    /// `discover`: archived repositories and forks too.
    pub include: Include,
    /// `discover`: how a repository's dependabot.yml is read (the manifest reader's mapping).
    pub parse_file: crate::model::discovery::ParseFile,
}

/// `discover`'s `include_archived` and `include_forks`, each `None` when not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    pub archived: Option<bool>,
    pub forks: Option<bool>,
}

/// Turns what was given into the command, adding every problem to `errors`.
pub fn command(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    let op = g.operation;
    let name = g.name.and_then(|n| {
        n.trim()
            .parse::<ConfigName>()
            .map_err(|e| errors.push(format!("{}: {e}", label("name"))))
            .ok()
    });
    refuse_unused(g, label, errors);
    if let (true, Some(key)) = (op != Operation::List, g.paging) {
        errors.push(format!("{}: only used by operation list", label(key)));
    }
    if let Some(why) = takes_no_registry_keys(op) {
        for k in g.spec.keys() {
            errors.push(format!("{}: not used by operation {op}; {why}", label(k)));
        }
    }
    match op {
        Operation::List => Some(Command::List {
            per_page: g.per_page,
            page: g.page,
        }),
        Operation::PublicKey => Some(Command::PublicKey),
        Operation::Get | Operation::Delete => {
            need_name(g, label, errors);
            name.map(|name| match op {
                Operation::Get => Command::Get { name },
                _ => Command::Delete { name },
            })
        }
        Operation::Sync | Operation::Diff => sync(g, label, errors),
        Operation::Export => export(g, label, errors),
        Operation::Discover => discover(g, label, errors),
        Operation::Create | Operation::Update | Operation::Set => writing(g, name, label, errors),
    }
}

/// Why an operation takes no registry keys, as its error says it; `None` for the writes.
fn takes_no_registry_keys(op: Operation) -> Option<&'static str> {
    Some(match op {
        Operation::List => "list takes per_page and page",
        Operation::PublicKey => "public-key takes no registry inputs",
        Operation::Get | Operation::Delete => "it takes only name",
        Operation::Sync | Operation::Diff => "it reads every registry from the registries input",
        Operation::Export => "export takes format and path",
        Operation::Discover => "discover reads the repositories' dependabot.yml files",
        Operation::Create | Operation::Update | Operation::Set => return None,
    })
}

/// `discover`: export's format and path, and which repositories to read.
fn discover(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    match export(g, label, errors)? {
        Command::Export { format, path } => Some(Command::Discover {
            scope: crate::core::discover::Scope {
                include_archived: g.include.archived.unwrap_or(false),
                include_forks: g.include.forks.unwrap_or(false),
                parse: g.parse_file,
            },
            format,
            path,
        }),
        _ => None,
    }
}

/// Inputs given to an operation that does not use them: each is an error, never ignored.
fn refuse_unused(g: &Given, label: Label, errors: &mut Vec<String>) {
    let op = g.operation;
    if !op.reads_manifest() && g.registries.is_some() {
        errors.push(format!(
            "{}: only used by operations sync and diff",
            label("registries")
        ));
    }
    if op != Operation::Sync && g.prune {
        errors.push(format!("{}: only used by operation sync", label("prune")));
    }
    if !matches!(op, Operation::Export | Operation::Discover) {
        for (given, key) in [(g.format.is_some(), "format"), (g.path.is_some(), "path")] {
            if given {
                errors.push(format!(
                    "{}: only used by operations export and discover",
                    label(key)
                ));
            }
        }
    }
    if op != Operation::Discover {
        for (given, key) in [
            (g.include.archived.is_some(), "include_archived"),
            (g.include.forks.is_some(), "include_forks"),
        ] {
            if given {
                errors.push(format!("{}: only used by operation discover", label(key)));
            }
        }
    }
}

fn export(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    if g.name.is_some() {
        errors.push(format!(
            "{}: not used by operation {}; it reads every configuration",
            label("name"),
            g.operation
        ));
    }
    let format = match g.format.map(str::parse::<ExportFormat>) {
        None => ExportFormat::Manifest,
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", label("format")));
            return None;
        }
    };
    let path = match &g.path {
        None => None,
        Some(Ok(p)) => Some(p.clone()),
        Some(Err(e)) => {
            errors.push(format!("{}: {e}", label("path")));
            return None;
        }
    };
    Some(Command::Export { format, path })
}

fn need_name(g: &Given, label: Label, errors: &mut Vec<String>) {
    if g.name.is_none() {
        errors.push(format!(
            "{}: required by operation {}; the configuration name as GitHub reports it (see operation list)",
            label("name"),
            g.operation
        ));
    }
}

fn sync(g: &Given, label: Label, errors: &mut Vec<String>) -> Option<Command> {
    if g.name.is_some() {
        errors.push(format!(
            "{}: not used by operation sync; put names in the registries entries",
            label("name")
        ));
    }
    match &g.registries {
        Some(Ok(entries)) if g.operation == Operation::Diff => Some(Command::Diff {
            entries: entries.clone(),
        }),
        Some(Ok(entries)) => Some(Command::Sync {
            entries: entries.clone(),
            prune: g.prune,
        }),
        Some(Err(problems)) => {
            errors.extend(problems.iter().cloned());
            None
        }
        None => {
            errors.push(format!(
                "{}: required by operation {}; a dependabot.yml registries map, or a YAML or JSON list of registries",
                label("registries"),
                g.operation
            ));
            None
        }
    }
}

/// create, update and set: a registry spec, and what each needs of it.
fn writing(
    g: &Given,
    name: Option<ConfigName>,
    label: Label,
    errors: &mut Vec<String>,
) -> Option<Command> {
    let spec = RegistrySpec::parse(g.spec, label)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    match g.operation {
        Operation::Create => {
            if g.name.is_some() {
                errors.push(format!(
                    "{}: not used by operation create; GitHub names the configuration itself (use set to match by name)",
                    label("name")
                ));
            }
            let spec = spec?;
            let mut problems = spec.creation_problems(label);
            let ok = problems.is_empty();
            errors.append(&mut problems);
            ok.then_some(Command::Create { spec })
        }
        Operation::Update => {
            need_name(g, label, errors);
            let spec = spec?;
            if !spec.has_changes() && !spec.wants_repositories() {
                let keys: Vec<&str> = SPEC_KEYS
                    .iter()
                    .filter(|k| **k != "secret")
                    .copied()
                    .collect();
                errors.push(format!(
                    "operation update: nothing to update; give at least one of: secret, {}",
                    keys.join(", ")
                ));
                return None;
            }
            name.map(|name| Command::Update { name, spec })
        }
        _ => {
            let spec = spec?;
            if name.is_none() && spec.match_key().is_none() {
                for key in ["registry_type", "url"] {
                    if !g.spec.contains_key(key) {
                        errors.push(format!(
                            "{}: required by operation set without a name (the configuration is matched by registry_type and url)",
                            label(key)
                        ));
                    }
                }
                return None;
            }
            Some(Command::Set { name, spec })
        }
    }
}
