//! How deeply a manifest nests, found before any parser sees it: a YAML or JSON parser spends
//! time quadratic in the nesting of flow collections (`[[[[…` or `{a: {a: …`), so a text past
//! [`MAX_DEPTH`] is refused by a linear scan instead of parsed.

/// The deepest nesting a manifest may have: a dependabot.yml needs 4 levels, an entry with
/// an overlay 5; 64 leaves room for any hand-written file.
pub const MAX_DEPTH: usize = 64;

/// The line where `text` first nests deeper than [`MAX_DEPTH`] (flow brackets, or block
/// indentation levels), if it does. Quoted scalars and comments are skipped.
pub fn too_deep(text: &str) -> Option<usize> {
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    for (n, line) in text.lines().enumerate() {
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        if quote.is_none() && flow == 0 && block_depth(line) > MAX_DEPTH {
            return Some(n + 1);
        }
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), c) if c == q => {
                    // '' inside a single-quoted scalar is an escaped quote.
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                (Some(_), _) => {}
                (None, '#') if prev.is_whitespace() => break,
                (None, '"' | '\'') if starts_scalar(prev) => quote = Some(c),
                (None, '[' | '{') => {
                    flow += 1;
                    if flow > MAX_DEPTH {
                        return Some(n + 1);
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    None
}

/// Whether a quote after `prev` opens a quoted scalar (not an apostrophe inside a word).
fn starts_scalar(prev: char) -> bool {
    prev.is_whitespace() || matches!(prev, ':' | '[' | '{' | ',' | '-')
}

/// The indentation of a line, counted as levels of two spaces (or of `- `): a block mapping
/// cannot nest deeper than its indentation.
fn block_depth(line: &str) -> usize {
    let indent = line.chars().take_while(|c| *c == ' ' || *c == '-').count();
    indent / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_manifests_pass() {
        let text = "registries:\n  npm:\n    type: npm-registry\n    url: \"https://x/[a\"\n    password: '[[{{''[[' # [[[[\n  list: [a, {b: [c]}]\n";
        assert_eq!(too_deep(text), None);
        assert_eq!(too_deep("[{\"a\": \"[[[[[[\"}]"), None);
        assert_eq!(too_deep("- it's [fine]\n"), None);
    }

    #[test]
    fn deep_flow_and_block_nesting_are_found_with_their_line() {
        let deep = format!("a: 1\nb: {}{}\n", "[".repeat(65), "]".repeat(65));
        assert_eq!(too_deep(&deep), Some(2));
        assert_eq!(too_deep(&"{a: ".repeat(100_000)), Some(1));
        assert_eq!(too_deep(&format!("[{}]", "[]".repeat(10_000))), None);
        let block: String = (0..70).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert_eq!(too_deep(&block), Some(66));
    }
}
