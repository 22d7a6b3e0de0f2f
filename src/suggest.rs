//! "Did you mean …?": the closest of a list of known names to a name that
//! is not among them. Used for undeclared topics, unknown diagnostic names
//! on the command line and `stance explain`.

/// The candidate closest to `name`, if one is close enough to be a likely
/// typo: a Jaro–Winkler similarity of at least 0.8, or a Levenshtein
/// distance of at most 2 (at most about half the name for short names).
/// Among equally close candidates the first wins, so the answer depends
/// only on the order of `candidates`.
pub fn closest<'n>(name: &str, candidates: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        let close = score >= 0.8 || strsim::levenshtein(name, c) <= 2.min(name.len() / 2 + 1);
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_nothing_far_away() {
        let names = ["conflict", "redundant", "ruled-out"];
        assert_eq!(closest("conflcit", names), Some("conflict"));
        assert_eq!(closest("redundent", names), Some("redundant"));
        assert_eq!(closest("zebra", names), None);
    }
}
