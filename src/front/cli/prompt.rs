//! What the command line asks a person: the secret (hidden, from the terminal) and a yes/no
//! before deleting. Nothing is asked when there is no terminal.

use std::io::{BufRead, IsTerminal, Read, Write};

use zeroize::Zeroizing;

use crate::model::spec::MAX_SECRET;

/// Reads the secret: a hidden prompt when stdin is a terminal, else all of stdin with one
/// trailing line break removed (`printf %s "$T" |` and `echo "$T" |` give the same secret).
pub fn read_secret() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("secret (input hidden): ")
            .map_err(|e| format!("could not read the secret from the terminal ({e})"));
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .take(MAX_SECRET as u64 + 2)
        .read_to_string(&mut text)
        .map_err(|e| {
            format!(
                "could not read the secret from standard input ({})",
                e.kind()
            )
        })?;
    let trimmed = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if trimmed.len() > MAX_SECRET {
        return Err(format!(
            "standard input holds more than {} KiB, GitHub's limit for a secret",
            MAX_SECRET >> 10
        ));
    }
    Ok(trimmed.to_string())
}

/// Asks `question [y/N]` on the terminal; `None` when there is no terminal to ask.
pub fn confirm(question: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    {
        // Released before the wait: the reporter of a Ctrl-C writes to stderr, and must not
        // wait for an answer that never comes.
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
    }
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).ok()?;
    Some(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
