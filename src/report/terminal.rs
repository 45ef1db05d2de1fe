//! A terminal's side of the report: an aligned table (colour only when asked for), or one JSON
//! document on stdout for pipes and `--json`; messages as plain `level: text` lines on stderr.
//! Control characters from GitHub's answers are dropped before anything reaches the terminal.

use std::io::Write;

use anyhow::{Context, Result};

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

/// The outputs as one JSON document on stdout.
pub fn document(outputs: &Outputs) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_string_pretty(&outputs.values)
        .map_err(std::io::Error::from)
        .and_then(|json| writeln!(out, "{}", text::escape_json(&json)))
        .and_then(|()| out.flush());
    match written {
        // A closed pipe (`… | head`) is not an error worth dying for.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the outputs as JSON"),
    }
}

/// The table (or, for outputs without one, each plain output as `key: value`).
pub fn show(outputs: &Outputs, colour: bool) {
    if let Some(raw) = &outputs.raw {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text::escape_keeping_lines(raw).as_bytes());
        return;
    }
    let Some(table) = &outputs.table else {
        for (key, value) in &outputs.values {
            print_line(&format!("{key}: {}", clean(&value.text())));
        }
        return;
    };
    let title = clean(&table.title);
    print_line(&if colour {
        format!("{BOLD}{title}{RESET}")
    } else {
        title
    });
    for line in aligned(&table.headers, &table.rows, colour) {
        print_line(&line);
    }
    for note in &table.notes {
        print_line(&clean(note));
    }
}

/// The header and rows, each column padded to its widest cell (counted in characters).
pub fn aligned(headers: &[&str], rows: &[Vec<String>], colour: bool) -> Vec<String> {
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
    let line = |row: Vec<String>| {
        let padded: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths.get(i).copied().unwrap_or(0);
                format!("{c:<pad$}")
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
        let lines = aligned(&["name", "type"], &rows, false);
        assert_eq!(
            lines,
            [
                "NAME                       TYPE",
                "NPM                        npm_registry",
                "A_LONGER_NAME\\u{001B}[31m  x",
            ]
        );
        assert_eq!(aligned(&["a"], &[], false), ["(none)"]);
    }
}
