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

/// ` (did you mean `x`?)` for the name among `known` closest to `name`,
/// when one is within two edits (and closer than the name is long), else
/// nothing.
pub(crate) fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|&(d, _)| d <= 2 && d < name.chars().count())
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_edits() {
        assert_eq!(super::edit_distance("integr", "integer"), 1);
        assert_eq!(super::edit_distance("", "ab"), 2);
        assert_eq!(super::edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggests_the_closest_name() {
        let known = ["add_column", "drop_column", "alter_column"];
        assert_eq!(
            super::did_you_mean("add_colum", known),
            " (did you mean `add_column`?)"
        );
        assert_eq!(super::did_you_mean("frobnicate", known), "");
    }
}
