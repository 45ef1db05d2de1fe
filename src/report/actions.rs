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

/// An annotation (`error`, `warning`, `notice`) on stdout, where the runner reads commands.
pub fn annotate(level: &str, message: &str) {
    print_line(&format!(
        "::{level} title=private-registries::{}",
        escape_data(&text::escape_keeping_lines(message))
    ));
}

/// Appends the outputs to `GITHUB_OUTPUT` and the summary to `GITHUB_STEP_SUMMARY`, each
/// value written straight from where it is held (no copy of a large listing is made).
pub fn write(outputs: &Outputs, output_file: &Path, summary_file: Option<&Path>) -> Result<()> {
    let entries = |w: &mut dyn Write| -> std::io::Result<()> {
        for (key, value) in &outputs.values {
            match value {
                OutputValue::Text(t) => write_entry(w, key, &[&text::escape_keeping_lines(t)])?,
                OutputValue::Json(raw) => write_entry(w, key, &[&text::escape_json(raw.get())])?,
                OutputValue::JsonList(items) => {
                    let mut parts = vec![std::borrow::Cow::Borrowed("[")];
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            parts.push(",".into());
                        }
                        parts.push(text::escape_json(item.get()));
                    }
                    parts.push("]".into());
                    let parts: Vec<&str> = parts.iter().map(|p| p.as_ref()).collect();
                    write_entry(w, key, &parts)?;
                }
            }
        }
        Ok(())
    };
    append(output_file, entries).context("writing the step outputs to GITHUB_OUTPUT")?;
    if let (Some(path), false) = (summary_file, outputs.summary.is_empty()) {
        let summary = text::escape_keeping_lines(&outputs.summary);
        append(path, |w| w.write_all(summary.as_bytes()))
            .context("writing the step summary to GITHUB_STEP_SUMMARY")?;
    }
    Ok(())
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
