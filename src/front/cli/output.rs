//! Where the command line's report goes: a table fitted to the terminal, tab-separated rows
//! off one, or JSON (`--json [FIELDS]`, `--jq`, both checked before any request).

use super::*;
use std::io::IsTerminal;

use crate::front::env::Env;
use crate::model::Operation;
use crate::report::fields::records_of;
use crate::report::{JsonView, Layout, Sink};

/// Where the report goes before the arguments are read (as without `--json`).
pub fn early_sink(env: &Env) -> Sink {
    sink_for(None, env)
}

/// A table at a terminal, fitted to its width; tab-separated rows off one (as `gh` prints);
/// JSON with `--json` or `--jq`; an exported file as it is unless `--json`; colour only at a
/// terminal and never with `NO_COLOR`.
pub(super) fn sink_for(json: Option<JsonView>, env: &Env) -> Sink {
    let terminal = std::io::stdout().is_terminal();
    let layout = match terminal {
        true => Layout::Aligned {
            width: terminal_size::terminal_size()
                .map(|(w, _)| usize::from(w.0))
                .filter(|w| *w > 0)
                .or_else(|| env.get("COLUMNS").and_then(|c| c.trim().parse().ok())),
        },
        false => Layout::Tabs,
    };
    Sink::Terminal {
        json,
        layout,
        colour: terminal && std::io::stderr().is_terminal() && env.get("NO_COLOR").is_none(),
    }
}

/// `--json [FIELDS]` and `--jq`, checked: the fields the command's records have, an
/// expression jq can run. `None` for a table.
pub(super) fn json_view(
    out: &Output,
    operation: Operation,
    orgs: Option<&[String]>,
    errors: &mut Vec<String>,
) -> Option<JsonView> {
    let jq = jq_of(out, errors);
    if out.json.is_none() && jq.is_none() {
        return None;
    }
    let records = records_of(operation);
    let fields = match out.json.as_deref().map(|f| records.parse(f)) {
        Some(Ok(fields)) => fields.map(|f| (records, f)),
        Some(Err(e)) => {
            errors.push(format!("`--json`: {e}"));
            None
        }
        None => None,
    };
    Some(JsonView {
        fields,
        org: orgs.filter(|o| o.len() == 1).map(|o| o[0].clone()),
        jq,
    })
}

/// `--jq`'s expression, checked to be one jq can run.
#[cfg(feature = "jq")]
fn jq_of(out: &Output, errors: &mut Vec<String>) -> Option<String> {
    let code = out.jq.clone()?;
    if let Err(e) = crate::report::check_jq(&code) {
        errors.push(format!("`--jq`: {e}"));
    }
    Some(code)
}

/// A build without the `jq` feature has no `--jq`.
#[cfg(not(feature = "jq"))]
fn jq_of(_out: &Output, _errors: &mut [String]) -> Option<String> {
    None
}
