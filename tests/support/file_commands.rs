//! Parser for GitHub's file-command format (`$GITHUB_OUTPUT`, `$GITHUB_ENV`), strict enough
//! that a malformed file fails the test instead of being half-read like the runner would.
//!
//! Accepted, as the runner reads it (lines split on `\n`, a trailing `\r` dropped):
//! - `key=value` (the first `=` splits; the value may contain `=` and be empty);
//! - `key<<DELIM`, then value lines, then a line exactly `DELIM`; the value is the lines in
//!   between joined with `\n` (no trailing newline);
//! - empty lines between entries.
//!
//! Panics on: a line that is neither form, an empty key, a key with whitespace, an empty
//! delimiter, a heredoc without its closing delimiter, a delimiter that also appears inside
//! its value, and a key written twice.

use std::collections::BTreeMap;

#[track_caller]
pub fn parse(content: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = content
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate();
    // `split` yields one empty string after a final newline: harmless, empty lines are skipped.
    while let Some((index, line)) = lines.next() {
        let line_no = index + 1;
        if line.is_empty() {
            continue;
        }
        let equals = line.find('=');
        let heredoc = line.find("<<");
        let (key, value) = match (equals, heredoc) {
            (Some(eq), h) if h.is_none_or(|h| eq < h) => {
                (line[..eq].to_string(), line[eq + 1..].to_string())
            }
            (_, Some(h)) => {
                let key = &line[..h];
                let delimiter = &line[h + 2..];
                assert!(
                    !delimiter.is_empty(),
                    "output file line {line_no}: heredoc for {key:?} has an empty delimiter\n{content}"
                );
                let mut value_lines = Vec::new();
                let mut closed = false;
                for (_, l) in lines.by_ref() {
                    if l == delimiter {
                        closed = true;
                        break;
                    }
                    value_lines.push(l);
                }
                assert!(
                    closed,
                    "output file line {line_no}: heredoc for {key:?} is never closed by {delimiter:?}\n{content}"
                );
                let value = value_lines.join("\n");
                assert!(
                    !value.contains(delimiter),
                    "output file line {line_no}: the delimiter {delimiter:?} of {key:?} appears inside its value\n{content}"
                );
                (key.to_string(), value)
            }
            _ => panic!(
                "output file line {line_no}: {line:?} is neither key=value nor key<<DELIMITER\n{content}"
            ),
        };
        assert!(
            !key.is_empty(),
            "output file line {line_no}: empty key in {line:?}\n{content}"
        );
        assert!(
            !key.chars().any(char::is_whitespace),
            "output file line {line_no}: key {key:?} contains whitespace\n{content}"
        );
        assert!(
            !out.contains_key(&key),
            "output file line {line_no}: output {key:?} is written twice\n{content}"
        );
        out.insert(key, value);
    }
    out
}
