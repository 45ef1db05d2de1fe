//! The report: turns a run's [`Answer`](crate::core::Answer) into outputs and a summary
//! ([`render`]), and shows them where the run is: GitHub Actions' files and workflow commands
//! ([`actions`]), or a terminal's table or one JSON document ([`terminal`]). Events and
//! errors are said the same way: annotations in a workflow, plain stderr lines elsewhere.

pub mod actions;
mod discovered;
pub mod export;
pub mod fields;
#[cfg(feature = "jq")]
mod jq;
pub mod markdown;
pub mod orgs;
mod proposal;
pub mod render;
pub mod terminal;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::value::RawValue;

#[cfg(feature = "jq")]
pub use jq::check as check_jq;
pub use terminal::{JsonView, Layout};

use crate::model::{Error, Event, Secret, credential};

/// Writes one line to stdout; a closed pipe (`… | head`) is not an error worth dying for.
pub fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Writes one line to stderr.
pub fn print_err(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// One output value: plain text, or JSON (compact in `GITHUB_OUTPUT`, nested in a document).
#[derive(Debug)]
pub enum OutputValue {
    Text(String),
    Json(std::rc::Rc<RawValue>),
    /// A JSON array of these values, shared, so a long listing is not copied on its way out.
    JsonList(std::rc::Rc<Vec<Box<RawValue>>>),
}

impl OutputValue {
    /// The text a step output holds.
    pub fn text(&self) -> String {
        match self {
            OutputValue::Text(s) => s.clone(),
            OutputValue::Json(raw) => raw.get().to_string(),
            OutputValue::JsonList(items) => {
                let parts: Vec<&str> = items.iter().map(|r| r.get()).collect();
                format!("[{}]", parts.join(","))
            }
        }
    }
}

impl Serialize for OutputValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputValue::Text(t) => s.serialize_str(t),
            OutputValue::Json(raw) => (**raw).serialize(s),
            OutputValue::JsonList(items) => (**items).serialize(s),
        }
    }
}

/// The outputs and the step summary of a run.
#[derive(Debug, Default)]
pub struct Outputs {
    pub values: BTreeMap<&'static str, OutputValue>,
    pub summary: String,
    /// What a terminal shows instead of the summary: a header and rows.
    pub table: Option<terminal::Table>,
    /// What a terminal shows as it is, instead of a table (an exported manifest).
    pub raw: Option<String>,
    /// Files to write (inside the workspace, already checked) before the outputs.
    pub files: Vec<(PathBuf, String)>,
}

impl Outputs {
    pub fn text(&mut self, key: &'static str, value: impl Into<String>) {
        self.values.insert(key, OutputValue::Text(value.into()));
    }

    /// A JSON output; a value that cannot be serialised is left out rather than faked.
    pub fn json(&mut self, key: &'static str, value: &impl Serialize) {
        if let Ok(raw) = serde_json::value::to_raw_value(value) {
            self.values.insert(key, OutputValue::Json(raw.into()));
        }
    }

    pub fn summary(&mut self, markdown: &str) {
        self.summary.push_str(markdown);
        if !markdown.ends_with('\n') {
            self.summary.push('\n');
        }
    }
}

/// Where the report goes.
#[derive(Debug, Clone)]
pub enum Sink {
    /// Inside GitHub Actions: workflow commands on stdout, outputs and summary to files
    /// (outputs as one JSON document on stdout when `GITHUB_OUTPUT` is unset).
    Actions {
        output_file: Option<PathBuf>,
        summary_file: Option<PathBuf>,
    },
    /// Anywhere else: messages on stderr; stdout holds JSON (with `json`: the document, some
    /// of its fields, or jq's lines), else a table laid out by `layout`, and an answer that is
    /// a file (an export's manifest) as it is, also off a terminal (`export > registries.yml`).
    Terminal {
        json: Option<JsonView>,
        layout: Layout,
        colour: bool,
    },
}

impl Sink {
    pub fn in_actions(&self) -> bool {
        matches!(self, Sink::Actions { .. })
    }

    /// Whether the report has a table to show: at a terminal (not JSON), or in a workflow's
    /// log (grouped, beside the files).
    pub fn shows_table(&self) -> bool {
        matches!(
            self,
            Sink::Terminal { json: None, .. }
                | Sink::Actions {
                    output_file: Some(_),
                    ..
                }
        )
    }

    /// Registers secrets with the runner's masker (inside Actions only: elsewhere `add-mask`
    /// would print them).
    pub fn mask(&self, secrets: &[Secret]) {
        if self.in_actions() {
            actions::mask(secrets);
        }
    }

    /// Says an event: an annotation in a workflow, a plain `level: message` line on stderr.
    /// A word that looks like a credential is never said, whatever message quotes it.
    pub fn event(&self, event: &Event) {
        let (level, message) = match event {
            Event::Notice(m) => ("notice", m),
            Event::Warning(m) => ("warning", m),
            Event::Error(m) => ("error", m),
            Event::Mask(secret) => return self.mask(std::slice::from_ref(secret)),
        };
        let message = &credential::redact(message);
        match self {
            Sink::Actions { .. } => actions::annotate(level, message),
            Sink::Terminal { colour, .. } => terminal::message(level, message, *colour),
        }
    }

    /// Shows the outputs: files in a workflow, else the table or JSON document on stdout.
    /// Files the run asked for (an export's `path`) are written first.
    pub fn finish(&self, outputs: &Outputs) -> anyhow::Result<()> {
        for (path, text) in &outputs.files {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("writing {} failed ({e})", path.display()))?;
        }
        match self {
            Sink::Actions {
                output_file: Some(file),
                summary_file,
            } => {
                actions::log(outputs);
                actions::write(outputs, file, summary_file.as_deref())
            }
            Sink::Actions { .. } => terminal::document(outputs, &JsonView::default()),
            Sink::Terminal {
                json: Some(view), ..
            } => terminal::document(outputs, view),
            Sink::Terminal { colour, layout, .. } => {
                terminal::show(outputs, *colour, *layout);
                Ok(())
            }
        }
    }
}

/// Says the error (each invalid input on its own line) and returns its exit status.
pub fn fail(sink: &Sink, error: &Error, requests_sent: bool) -> u8 {
    match error {
        Error::Invalid(problems) => {
            for problem in problems {
                sink.event(&Event::Error(problem.clone()));
            }
            let sent = if requests_sent {
                "nothing was written"
            } else {
                "nothing was sent to GitHub"
            };
            sink.event(&Event::Error(format!(
                "{}; {sent}",
                crate::model::plural::count(problems.len(), "invalid input", "invalid inputs")
            )));
        }
        Error::Failed(e) => sink.event(&Event::Error(format!("{e:#}"))),
        Error::Cancelled { message, .. } => sink.event(&Event::Error(message.clone())),
        Error::Drifted(_) => sink.event(&Event::Error(error.to_string())),
    }
    error.exit_code()
}
