//! GitHub Actions' side of the report: workflow commands (mask, annotations) on stdout, step
//! outputs appended to `GITHUB_OUTPUT`, the summary to `GITHUB_STEP_SUMMARY`.
//!
//! Every value that came from the user or from GitHub passes through an escape here, so no
//! response can forge another output or a workflow command.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use crypto_box::aead::OsRng;
use crypto_box::aead::rand_core::RngCore;

use super::{OutputValue, Outputs, print_line};
use crate::model::{Secret, text};

/// Escapes the data part of a workflow command, as the runner unescapes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Registers values with the runner's log masker: the whole value and each of its lines.
pub fn mask(secrets: &[Secret]) {
    for line in mask_lines(secrets) {
        print_line(&line);
    }
}

/// The `::add-mask::` lines for `secrets`: each whole value and each of its lines, but never a
/// text of one character (masking `|` would hide every pipe in the log, and hides nothing).
fn mask_lines(secrets: &[Secret]) -> Vec<String> {
    let worth = |s: &str| s.trim().chars().count() >= 2;
    let mut lines = Vec::new();
    for secret in secrets {
        let value = secret.expose();
        if !worth(value) {
            continue;
        }
        lines.push(format!("::add-mask::{}", escape_data(value)));
        if value.contains(['\n', '\r']) {
            for line in value.split(['\n', '\r']).filter(|l| worth(l)) {
                lines.push(format!("::add-mask::{}", escape_data(line)));
            }
        }
    }
    lines
}

/// The plan or the result in the log too (people read logs first), folded in a group: the
/// table as a terminal shows it, every line behind `| `, so no cell can start a workflow
/// command, then the result.
pub fn log(outputs: &Outputs) {
    let Some(table) = &outputs.table else {
        return;
    };
    print_line(&format!(
        "::group::{}",
        escape_data(&text::escape(&table.title))
    ));
    for line in super::terminal::aligned(&table.headers, &table.rows, false, None) {
        print_line(&format!("| {line}"));
    }
    for note in &table.notes {
        print_line(&format!("| {}", text::escape(note)));
    }
    print_line("::endgroup::");
    if let Some(super::OutputValue::Text(result)) = outputs.values.get("result") {
        print_line(&format!("result: {}", text::escape(result)));
    }
}

/// An annotation (`error`, `warning`, `notice`) on stdout, where the runner reads commands.
pub fn annotate(level: &str, message: &str) {
    print_line(&format!(
        "::{level} title=private-registries::{}",
        escape_data(&text::escape_keeping_lines(message))
    ));
}

/// GitHub's limit on the outputs of a job: 1 MiB in all. Past it the step would fail after
/// its writes, so what does not fit is cut, with a warning.
pub const MAX_OUTPUTS: usize = 1 << 20;

/// Appends the outputs to `GITHUB_OUTPUT` and the summary to `GITHUB_STEP_SUMMARY`, each
/// value written straight from where it is held (no copy of a large listing is made). Outputs
/// past [`MAX_OUTPUTS`] in all are cut: a list keeps the items that fit, any other value is left
/// out, and a warning names each.
pub fn write(outputs: &Outputs, output_file: &Path, summary_file: Option<&Path>) -> Result<()> {
    let mut cuts = Vec::new();
    let entries = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut budget = MAX_OUTPUTS;
        // The smallest first, so `result` and the counts are never what is cut.
        let mut values: Vec<_> = outputs
            .values
            .iter()
            .map(|(key, value)| (key, value, parts_of(value)))
            .collect();
        values.sort_by_key(|(_, _, parts)| parts.iter().map(|p| p.len()).sum::<usize>());
        for (key, value, parts) in values {
            let (kept, total) = fitting(&parts, value, budget);
            if kept.is_none() || kept.is_some_and(|k| k < total) {
                cuts.push(cut_warning(key, kept, total));
            }
            let Some(kept) = kept else { continue };
            let mut shown: Vec<&str> = Vec::with_capacity(kept * 2 + 2);
            if let OutputValue::JsonList(_) = value {
                shown.push("[");
                for (i, item) in parts.iter().take(kept).enumerate() {
                    if i > 0 {
                        shown.push(",");
                    }
                    shown.push(item);
                }
                shown.push("]");
            } else {
                shown.extend(parts.iter().map(|p| p.as_ref()));
            }
            budget =
                budget.saturating_sub(shown.iter().map(|p| p.len()).sum::<usize>() + key.len());
            write_entry(w, key, &shown)?;
        }
        Ok(())
    };
    let written = append(output_file, entries).context("writing the step outputs to GITHUB_OUTPUT");
    for cut in &cuts {
        annotate("warning", cut);
    }
    written?;
    if let (Some(path), false) = (summary_file, outputs.summary.is_empty()) {
        let summary = text::escape_keeping_lines(&outputs.summary);
        append(path, |w| w.write_all(summary.as_bytes()))
            .context("writing the step summary to GITHUB_STEP_SUMMARY")?;
    }
    Ok(())
}

/// The text of a value: one part, or (a list) one part an item; escaped for the log.
fn parts_of(value: &OutputValue) -> Vec<std::borrow::Cow<'_, str>> {
    match value {
        OutputValue::Text(t) => vec![text::escape_keeping_lines(t)],
        OutputValue::Json(raw) => vec![text::escape_json(raw.get())],
        OutputValue::JsonList(items) => items.iter().map(|i| text::escape_json(i.get())).collect(),
    }
}

/// How many parts fit in `budget` (a list: its items; else all or none), and how many there are.
fn fitting(
    parts: &[std::borrow::Cow<'_, str>],
    value: &OutputValue,
    budget: usize,
) -> (Option<usize>, usize) {
    let total = parts.len();
    if let OutputValue::JsonList(_) = value {
        let mut used = 2;
        let kept = parts
            .iter()
            .take_while(|p| {
                used += p.len() + 1;
                used <= budget
            })
            .count();
        return (Some(kept), total);
    }
    let size: usize = parts.iter().map(|p| p.len()).sum();
    ((size <= budget).then_some(total), total)
}

fn cut_warning(key: &str, kept: Option<usize>, total: usize) -> String {
    match kept {
        Some(kept) => format!(
            "output `{key}` holds the first {kept} of {total} items: GitHub allows a job at most 1 MiB of outputs; the step summary and operation list with per_page and page show the rest"
        ),
        None => format!(
            "output `{key}` is left out: it would take the outputs past GitHub's limit of 1 MiB a job"
        ),
    }
}

fn append(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    fill(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("writing {}", path.display()))
}

/// `key<<DELIM\nvalue\nDELIM\n` with a random delimiter that does not occur in the value,
/// the value written from its parts.
fn write_entry(w: &mut dyn Write, key: &str, parts: &[&str]) -> std::io::Result<()> {
    let delimiter = loop {
        let d = format!(
            "ghadelimiter_{:016x}{:016x}",
            OsRng.next_u64(),
            OsRng.next_u64()
        );
        // Parts are whole JSON values or separators: a delimiter cannot span two of them.
        if !parts.iter().any(|p| p.contains(&d)) {
            break d;
        }
    };
    writeln!(w, "{key}<<{delimiter}")?;
    for part in parts {
        w.write_all(part.as_bytes())?;
    }
    write!(w, "\n{delimiter}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_cover_each_line_and_never_one_character() {
        let secrets = [
            Secret::new("ab\n|\ncd".into()),
            Secret::new("|".into()),
            Secret::new(" ".into()),
        ];
        assert_eq!(
            mask_lines(&secrets),
            [
                "::add-mask::ab%0A|%0Acd",
                "::add-mask::ab",
                "::add-mask::cd"
            ]
        );
    }

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
        let mut entry = Vec::new();
        write_entry(&mut entry, "url", &[hostile]).unwrap();
        let entry = String::from_utf8(entry).unwrap();
        let mut lines = entry.lines();
        let first = lines.next().unwrap();
        let delim = first.strip_prefix("url<<").unwrap();
        assert!(delim.len() > 20);
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
        assert_eq!(body.join("\n"), hostile);
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn writes_outputs_to_the_file() {
        let dir = std::env::temp_dir().join(format!("pr-outputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let sum = dir.join("sum");
        let mut o = Outputs::default();
        o.text("result", "listed");
        o.json(
            "registries",
            &[("name", "A")]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
        o.summary("| x |");
        write(&o, &out, Some(&sum)).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("\n{\"name\":\"A\"}\n") && text.contains("\nlisted\n"),
            "{text}"
        );
        assert_eq!(std::fs::read_to_string(&sum).unwrap(), "| x |\n");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
