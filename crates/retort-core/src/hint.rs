//! Hints for misspelt names: "did you mean ...?" in error messages.

/// The edit distance (Levenshtein) between two short names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_edits() {
        assert_eq!(super::edit_distance("integr", "integer"), 1);
        assert_eq!(super::edit_distance("", "ab"), 2);
        assert_eq!(super::edit_distance("same", "same"), 0);
    }
}
