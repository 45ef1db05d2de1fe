//! Markdown for the step summary: tables whose every cell is escaped, so nothing GitHub
//! returns can add markup, links or HTML.

/// Escapes text for a markdown table cell: no pipes, no line breaks, no markup or HTML.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`cell`], appended to `out`: runs of plain text are copied whole.
fn escape_into(out: &mut String, s: &str) {
    let mut plain = 0; // where the run of text not yet copied starts
    for (i, c) in s.char_indices() {
        let special = matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '<' | '>' | '&'
        ) || c.is_control();
        if !special {
            continue;
        }
        out.push_str(&s[plain..i]);
        plain = i + c.len_utf8();
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => {}
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out.push_str(&s[plain..]);
}

/// The most bytes of rows one summary table holds: GitHub refuses a step summary over 1 MiB
/// (and shows none of it), so a long table is cut, and says so.
pub const MAX_TABLE: usize = 512 * 1024;

/// A markdown table; every cell is escaped; rows past [`MAX_TABLE`] bytes are left out, with
/// a line that says how many.
pub fn table<R: AsRef<[String]>>(
    headers: &[&str],
    rows: impl ExactSizeIterator<Item = R>,
) -> String {
    table_within(headers, rows, MAX_TABLE)
}

/// Rows are taken one at a time, and no more than fit.
fn table_within<R: AsRef<[String]>>(
    headers: &[&str],
    rows: impl ExactSizeIterator<Item = R>,
    max: usize,
) -> String {
    let mut t = format!(
        "| {} |\n|{}\n",
        headers.join(" | "),
        " --- |".repeat(headers.len())
    );
    let start = t.len();
    let total = rows.len();
    let mut line = String::new();
    for (i, row) in rows.enumerate() {
        line.clear();
        line.push('|');
        for c in row.as_ref() {
            line.push(' ');
            escape_into(&mut line, c);
            line.push_str(" |");
        }
        line.push('\n');
        if t.len() - start + line.len() > max {
            let left = total - i;
            t.push_str(&format!(
                "\n{left} more row{} not shown: a step summary holds at most 1 MiB; every row is in the step's outputs\n",
                if left == 1 { "" } else { "s" }
            ));
            break;
        }
        t.push_str(&line);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_cells_escape_markup() {
        assert_eq!(cell("a|b\n<script>`x`"), "a\\|b &lt;script&gt;\\`x\\`");
        assert_eq!(
            cell("é_ü\u{7}\r\t[x](y)!&#~*"),
            "é\\_ü  \\[x\\](y)\\!&amp;\\#\\~\\*"
        );
        assert_eq!(cell(""), "");
        assert_eq!(cell("plain text"), "plain text");
        let t = table(&["a", "b"], [vec!["1".into(), "x|y".into()]].iter());
        assert_eq!(t, "| a | b |\n| --- | --- |\n| 1 | x\\|y |\n");
    }

    #[test]
    fn a_long_table_is_cut_and_says_how_many_rows_are_left_out() {
        let rows: Vec<Vec<String>> = (0..10).map(|i| vec![format!("row{i}")]).collect();
        let t = table_within(&["a"], rows.iter(), 30);
        assert!(t.contains("| row2 |\n") && !t.contains("row3"), "{t}");
        assert!(t.ends_with("\n7 more rows not shown: a step summary holds at most 1 MiB; every row is in the step's outputs\n"), "{t}");
        assert_eq!(table_within(&["a"], rows.iter(), 1000).lines().count(), 12);
    }
}
