//! Counts in words: `1 configuration`, `2 configurations`, never `1 configuration(s)`.

/// `n` and the noun in the form `n` takes.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(count(1, "input", "inputs"), "1 input");
        assert_eq!(count(0, "input", "inputs"), "0 inputs");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
    }
}
