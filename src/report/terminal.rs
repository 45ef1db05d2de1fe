//! A terminal's side of the report: an aligned table fitted to the terminal's width (colour
//! only when asked for), tab-separated rows for a pipe, or JSON for `--json` (its fields, or
//! jq's lines); messages as plain `level: text` lines on stderr.
//! Control characters from GitHub's answers are dropped before anything reaches the terminal.

use std::io::Write;

use anyhow::{Context, Result};

use super::fields::Records;
use super::{Outputs, print_err, print_line};
use crate::model::text;

/// Rows to show at a terminal, with a title line and the outcome line after.
#[derive(Debug, Default, Clone)]
pub struct Table {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Lines after the table (counts, what was left alone).
    pub notes: Vec<String>,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// Text from anywhere, made safe for a terminal: no escape sequences, no line breaks, no
/// bidi or zero-width characters (each shown as a visible `\u{…}` escape).
pub fn clean(s: &str) -> String {
    text::escape(s).into_owned()
}

/// A plain `level: message` line on stderr (`error:` in red at a colour terminal).
pub fn message(level: &str, text: &str, colour: bool) {
    let text = clean(text);
    let tint = match level {
        "error" => RED,
        "warning" => YELLOW,
        _ => DIM,
    };
    if colour {
        print_err(&format!("{tint}{level}:{RESET} {text}"));
    } else {
        print_err(&format!("{level}: {text}"));
    }
}

/// How a table is laid out: aligned for a person (fitted to the terminal's width when it is
/// known), or one tab-separated line per row for a program (as `gh` prints off a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Aligned { width: Option<usize> },
    Tabs,
}

/// What `--json` asked for: the whole document, a command's records cut to some fields, and
/// a jq expression to run on what is printed.
#[derive(Debug, Clone, Default)]
pub struct JsonView {
    pub fields: Option<(Records, Vec<String>)>,
    /// The org of a single-org run (the field `org` of its records).
    pub org: Option<String>,
    pub jq: Option<String>,
}

/// The outputs as one JSON document on stdout, or the records asked for, or jq's lines.
pub fn document(outputs: &Outputs, view: &JsonView) -> Result<()> {
    // The whole document is written from the outputs as they are, in one string: a listing of
    // 10,000 configurations is neither copied into a JSON tree nor formatted twice.
    let text = match (&view.fields, &view.jq) {
        (None, None) => {
            serde_json::to_string_pretty(&outputs.values).context("the outputs as JSON")? + "\n"
        }
        _ => selected(outputs, view)?,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = out
        .write_all(text::escape_json(&text).as_bytes())
        .and_then(|()| out.flush());
    match written {
        // A closed pipe (`… | head`) is not an error worth dying for.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the outputs as JSON"),
    }
}

/// The records cut to `--json FIELDS`, or what `--jq` makes of the document (a line for each
/// of its values, none for none), each ending in a line break.
fn selected(outputs: &Outputs, view: &JsonView) -> Result<String> {
    let mut doc = serde_json::to_value(&outputs.values).context("the outputs as JSON")?;
    if let Some((records, fields)) = &view.fields {
        doc = records.select(&doc, fields, view.org.as_deref());
    }
    Ok(match &view.jq {
        Some(code) => jq_lines(code, &doc)
            .map_err(|e| anyhow::anyhow!("`--jq`: {e}"))?
            .iter()
            // As `jq -r` prints: a string's own line breaks and tabs stay (`@tsv`, a
            // manifest); every other control character is escaped.
            .map(|line| format!("{}\n", text::escape_keeping_lines(line)))
            .collect(),
        None => serde_json::to_string_pretty(&doc).context("the outputs as JSON")? + "\n",
    })
}

/// What `--jq` prints for `doc`.
#[cfg(feature = "jq")]
fn jq_lines(code: &str, doc: &serde_json::Value) -> Result<Vec<String>, String> {
    super::jq::run(code, doc)
}

/// A build without the `jq` feature has no `--jq` flag, so no expression reaches here.
#[cfg(not(feature = "jq"))]
fn jq_lines(_code: &str, _doc: &serde_json::Value) -> Result<Vec<String>, String> {
    Err("this build has no jq (it was built without the `jq` feature)".into())
}

/// The table (or, for outputs without one, each plain output as `key: value`). Off a
/// terminal only the rows go to stdout, tab-separated; the notes go to stderr.
pub fn show(outputs: &Outputs, colour: bool, layout: Layout) {
    if let Some(raw) = &outputs.raw {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text::escape_keeping_lines(raw).as_bytes());
        return;
    }
    let Some(table) = &outputs.table else {
        for (key, value) in &outputs.values {
            let value = clean(&value.text());
            match layout {
                Layout::Tabs => print_line(&format!("{key}\t{value}")),
                Layout::Aligned { .. } => print_line(&format!("{key}: {value}")),
            }
        }
        return;
    };
    let Layout::Aligned { width } = layout else {
        for row in &table.rows {
            let cells: Vec<String> = row.iter().map(|c| clean(c)).collect();
            print_line(&cells.join("\t"));
        }
        for note in &table.notes {
            print_err(&clean(note));
        }
        return;
    };
    let title = clean(&table.title);
    print_line(&if colour {
        format!("{BOLD}{title}{RESET}")
    } else {
        title
    });
    for line in aligned(&table.headers, &table.rows, colour, width) {
        print_line(&line);
    }
    for note in &table.notes {
        print_line(&clean(note));
    }
}

/// The narrowest a column is cut to when the table is too wide for the terminal (a column
/// already narrower, or a wider header, is kept whole). When every column is down to it the
/// table is as narrow as it gets, and a line may still run past a very narrow terminal.
const MIN_COLUMN: usize = 12;
const GAP: usize = 2;

/// Each column's width: its widest cell, the widest columns narrowed one at a time until the
/// table fits `width` (a column never below [`MIN_COLUMN`], or its header).
fn fitted(mut widths: Vec<usize>, headers: &[&str], width: Option<usize>) -> Vec<usize> {
    let Some(width) = width else { return widths };
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    let natural = widths.clone();
    while total(&widths) > width {
        let floor = |i: usize| {
            natural[i].min(MIN_COLUMN.max(headers.get(i).map_or(0, |h| h.chars().count())))
        };
        let widest = (0..widths.len())
            .filter(|&i| widths[i] > floor(i))
            .max_by_key(|&i| (widths[i], i));
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

/// A cell cut to `width` characters, ending in `...` when it was longer.
fn truncated(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_string();
    }
    let kept: String = cell.chars().take(width.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// The header and rows, each column padded to its widest cell (counted in characters), and
/// the widest cut (`...`) so that a line fits `width` when it is given.
pub fn aligned(
    headers: &[&str],
    rows: &[Vec<String>],
    colour: bool,
    width: Option<usize>,
) -> Vec<String> {
    if rows.is_empty() {
        return vec!["(none)".to_string()];
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let widths = fitted(widths, headers, width);
    let line = |row: Vec<String>| {
        let padded: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths.get(i).copied().unwrap_or(0);
                format!("{:<pad$}", truncated(c, pad))
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let head = line(headers.iter().map(|h| h.to_uppercase()).collect());
    let mut out = vec![if colour {
        format!("{BOLD}{head}{RESET}")
    } else {
        head
    }];
    out.extend(cells.into_iter().map(line));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_escapes_are_shown_escaped() {
        let rows = vec![
            vec!["NPM".to_string(), "npm_registry".to_string()],
            vec!["A_LONGER_NAME\x1b[31m".to_string(), "x".to_string()],
        ];
        let lines = aligned(&["name", "type"], &rows, false, None);
        assert_eq!(
            lines,
            [
                "NAME                       TYPE",
                "NPM                        npm_registry",
                "A_LONGER_NAME\\u{001B}[31m  x",
            ]
        );
        assert_eq!(aligned(&["a"], &[], false, None), ["(none)"]);
    }

    #[test]
    fn a_table_too_wide_for_the_terminal_cuts_its_widest_cells() {
        let rows = vec![vec![
            "NPM".to_string(),
            "npm_registry".to_string(),
            "https://npm.example.com/a/very/long/path/to/the/registry/".to_string(),
        ]];
        let lines = aligned(&["name", "type", "url"], &rows, false, Some(40));
        assert_eq!(
            lines,
            [
                "NAME  TYPE          URL",
                "NPM   npm_registry  https://npm.examp...",
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        // Too narrow for anything: every column keeps its floor, nothing panics.
        let narrow = aligned(&["name", "type", "url"], &rows, false, Some(5));
        assert_eq!(narrow[1], "NPM   npm_registry  https://n...");
    }
}
