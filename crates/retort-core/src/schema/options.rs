//! A table's storage options: what follows the closing parenthesis of
//! `CREATE TABLE` on the databases that have them.

/// A table's storage options, each as the database names it; `None` is the
/// server's default (a diff compares an option only when the target gives
/// it, so that models written without options do not fight the server's
/// defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// MySQL's storage engine (`ENGINE=InnoDB`).
    pub engine: Option<String>,
    /// MySQL's default character set for the table's text columns
    /// (`DEFAULT CHARSET=utf8mb4`).
    pub charset: Option<String>,
    /// MySQL's default collation for the table's text columns
    /// (`COLLATE=utf8mb4_general_ci`).
    pub collation: Option<String>,
    /// PostgreSQL's partitioning of a partitioned table, as
    /// `pg_get_partkeydef` writes it (`RANGE (payment_date)`), rendered as
    /// `PARTITION BY RANGE (payment_date)`. A table's partitioning cannot
    /// change: a diff reports a difference and leaves the change to a
    /// hand-written revision.
    pub partition_by: Option<String>,
}

impl TableOptions {
    /// True when no option is given.
    pub fn is_empty(&self) -> bool {
        self == &TableOptions::default()
    }

    /// The storage options of `self` that `target` gives and that differ
    /// from `self`'s, as `(name, target's value)`: what a diff changes
    /// (`partition_by` is not among them: see [`TableOptions::partition_by`]).
    pub fn changed_to<'a>(&self, target: &'a TableOptions) -> Vec<(&'static str, &'a str)> {
        let pairs = [
            ("engine", &self.engine, &target.engine),
            ("charset", &self.charset, &target.charset),
            ("collation", &self.collation, &target.collation),
        ];
        pairs
            .into_iter()
            .filter_map(|(name, live, want)| {
                let want = want.as_deref()?;
                let same = live
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(want));
                (!same).then_some((name, want))
            })
            .collect()
    }
}
