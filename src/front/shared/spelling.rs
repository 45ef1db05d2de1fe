//! "Did you mean": the closest known word to a misspelt one.

/// The candidate closest to `word` when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, c), c))
        .filter(|(d, _)| *d <= 2 || (*d <= 3 && word.len() >= 10))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance (on chars) for "did you mean", a swap of two neighbours counting as one
/// edit (`ogr` → `org`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_hyphens() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest("dry-run", ["dry_run", "prune"]), Some("dry_run"));
        assert_eq!(
            closest("visibilty", ["visibility", "url"]),
            Some("visibility")
        );
        assert_eq!(closest("zzz", ["visibility", "url"]), None);
    }
}
