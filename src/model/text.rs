//! Text that came from elsewhere (a server's answer, a user's input) made safe to show: every
//! C0/C1 control, Unicode line and paragraph separator, bidi control and zero-width character
//! written as a visible `\u{…}` escape, so no answer can move the cursor, open a hyperlink,
//! break a log line, or make one name look like another.

use std::borrow::Cow;

/// Whether `c` must not reach a log, a table or a summary as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}'          // line and paragraph separators
            | '\u{061C}' | '\u{200E}' | '\u{200F}' // bidi marks
            | '\u{202A}'..='\u{202E}'        // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}'        // bidi isolates
            | '\u{200B}'..='\u{200D}'        // zero-width space, non-joiner, joiner
            | '\u{2060}' | '\u{FEFF}'        // word joiner, zero-width no-break space
        )
}

/// `s` with every unsafe character (line breaks included) written as `\u{XXXX}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// As [`escape`], but `\n` and `\t` are kept: for text of our own that runs over several
/// lines (a message, a summary, an exported manifest).
pub fn escape_keeping_lines(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n' || c == '\t')
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A JSON text with every unsafe character that a serializer leaves literal (DEL, C1, the
/// separators, bidi and zero-width characters) written as a JSON `\uXXXX` escape: the same
/// value to whoever parses it, nothing raw in a log. Outside strings JSON is ASCII, and its
/// white space between values (`\n`, `\r`, `\t`) is kept; a serializer escapes those inside
/// strings itself.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(unsafe_here) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_here(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_separators_bidi_and_zero_width_are_escaped() {
        let hostile = "a\x1b[31mred\x1b]8;;http://x\x07link\u{2028}b\u{85}c\u{202E}d\u{200B}e\r\n";
        let shown = escape(hostile);
        assert_eq!(
            shown,
            "a\\u{001B}[31mred\\u{001B}]8;;http://x\\u{0007}link\\u{2028}b\\u{0085}c\\u{202E}d\\u{200B}e\\u{000D}\\u{000A}"
        );
        assert!(!shown.chars().any(is_unsafe));
        assert_eq!(escape_keeping_lines("a\nb\x1b"), "a\nb\\u{001B}");
        assert!(matches!(escape("plain NPM_TOKEN é"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_value_and_loses_its_raw_characters() {
        let value = serde_json::json!({ "name": "N\u{202E}PM\u{85}\u{7f}\u{2028}", "n": 1 });
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = escape_json(&text);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        assert!(safe.contains('\n'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
