//! What the step shows and hands on: workflow commands (mask, notice, error), step outputs in
//! `GITHUB_OUTPUT` (or one JSON object on stdout in a terminal), and the step summary.
//!
//! Every value that came from the user or from GitHub passes through an escape here, so no
//! response can forge another output, a workflow command, or summary markup.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use crypto_box::aead::OsRng;
use crypto_box::aead::rand_core::RngCore;
use serde_json::Value;

use crate::types::Secret;

/// Writes one line to stdout; a closed pipe (`… | head`) is not an error worth dying for.
pub fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Escapes the data part of a workflow command, as the runner unescapes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Registers values with the runner's log masker: the whole value and each of its lines.
pub fn mask(secrets: &[Secret]) {
    for secret in secrets {
        let value = secret.expose();
        if value.trim().is_empty() {
            continue;
        }
        print_line(&format!("::add-mask::{}", escape_data(value)));
        if value.contains(['\n', '\r']) {
            for line in value.split(['\n', '\r']).filter(|l| !l.trim().is_empty()) {
                print_line(&format!("::add-mask::{}", escape_data(line)));
            }
        }
    }
}

/// An `::error` annotation (stdout, where the runner reads commands).
pub fn error(message: &str) {
    print_line(&format!(
        "::error title=private-registries::{}",
        escape_data(message)
    ));
}

/// A `::warning` annotation.
pub fn warning(message: &str) {
    print_line(&format!(
        "::warning title=private-registries::{}",
        escape_data(message)
    ));
}

/// A `::notice` annotation, for things that explain a slow or surprising step.
pub fn notice(message: &str) {
    print_line(&format!(
        "::notice title=private-registries::{}",
        escape_data(message)
    ));
}

#[derive(Debug)]
enum OutputValue {
    Text(String),
    Json(Value),
}

/// Collects the step's outputs and summary, and writes them once at the end.
#[derive(Debug)]
pub struct Reporter {
    output_file: Option<PathBuf>,
    summary_file: Option<PathBuf>,
    values: BTreeMap<&'static str, OutputValue>,
    summary: String,
}

impl Reporter {
    pub fn new(output_file: Option<PathBuf>, summary_file: Option<PathBuf>) -> Self {
        Reporter {
            output_file,
            summary_file,
            values: BTreeMap::new(),
            summary: String::new(),
        }
    }

    /// Sets a plain-text output.
    pub fn text(&mut self, key: &'static str, value: impl Into<String>) {
        self.values.insert(key, OutputValue::Text(value.into()));
    }

    /// Sets a JSON output (written compact to `GITHUB_OUTPUT`, embedded as JSON in a terminal).
    pub fn json(&mut self, key: &'static str, value: Value) {
        self.values.insert(key, OutputValue::Json(value));
    }

    /// Appends markdown to the step summary.
    pub fn summary(&mut self, markdown: &str) {
        self.summary.push_str(markdown);
        if !markdown.ends_with('\n') {
            self.summary.push('\n');
        }
    }

    /// Writes the outputs (file or stdout) and the summary.
    pub fn finish(self) -> Result<()> {
        match &self.output_file {
            Some(path) => {
                let mut text = String::new();
                for (key, value) in &self.values {
                    let value = match value {
                        OutputValue::Text(s) => s.clone(),
                        OutputValue::Json(v) => v.to_string(),
                    };
                    text.push_str(&file_command_entry(key, &value));
                }
                append(path, &text).context("writing the step outputs to GITHUB_OUTPUT")?;
            }
            None => {
                let object: serde_json::Map<String, Value> = self
                    .values
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            OutputValue::Text(s) => Value::String(s.clone()),
                            OutputValue::Json(v) => v.clone(),
                        };
                        (k.to_string(), v)
                    })
                    .collect();
                let text = serde_json::to_string_pretty(&Value::Object(object))
                    .context("rendering the outputs")?;
                print_line(&text);
            }
        }
        if let (Some(path), false) = (&self.summary_file, self.summary.is_empty()) {
            append(path, &self.summary)
                .context("writing the step summary to GITHUB_STEP_SUMMARY")?;
        }
        Ok(())
    }
}

fn append(path: &PathBuf, text: &str) -> Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// `key<<DELIM\nvalue\nDELIM\n` with a random delimiter that does not occur in the value.
fn file_command_entry(key: &str, value: &str) -> String {
    loop {
        let delimiter = format!(
            "ghadelimiter_{:016x}{:016x}",
            OsRng.next_u64(),
            OsRng.next_u64()
        );
        if !value.contains(&delimiter) {
            return format!("{key}<<{delimiter}\n{value}\n{delimiter}\n");
        }
    }
}

/// Escapes text for a markdown table cell: no pipes, no line breaks, no markup or HTML.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A markdown table; every cell is escaped.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = format!(
        "| {} |\n|{}\n",
        headers.join(" | "),
        " --- |".repeat(headers.len())
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        t.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_data_cannot_break_out() {
        assert_eq!(
            escape_data("a%b\r\n::set-output name=x::y"),
            "a%25b%0D%0A::set-output name=x::y"
        );
    }

    #[test]
    fn file_command_values_are_delimited_and_cannot_forge_outputs() {
        let hostile = "x\nresult=deleted\nghadelimiter_\nkey<<EOF";
        let entry = file_command_entry("url", hostile);
        let mut lines = entry.lines();
        let first = lines.next().unwrap();
        let delim = first.strip_prefix("url<<").unwrap();
        assert!(delim.len() > 20);
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
        assert_eq!(body.join("\n"), hostile);
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn summary_cells_escape_markup() {
        assert_eq!(cell("a|b\n<script>`x`"), "a\\|b &lt;script&gt;\\`x\\`");
        let t = table(&["a", "b"], &[vec!["1".into(), "x|y".into()]]);
        assert_eq!(t, "| a | b |\n| --- | --- |\n| 1 | x\\|y |\n");
    }

    #[test]
    fn writes_outputs_to_the_file() {
        let dir = std::env::temp_dir().join(format!("pr-outputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let sum = dir.join("sum");
        let mut r = Reporter::new(Some(out.clone()), Some(sum.clone()));
        r.text("result", "listed");
        r.json("registries", serde_json::json!([{"name": "A"}]));
        r.summary("| x |");
        r.finish().unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("\n[{\"name\":\"A\"}]\n") && text.contains("\nlisted\n"),
            "{text}"
        );
        assert_eq!(std::fs::read_to_string(&sum).unwrap(), "| x |\n");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
