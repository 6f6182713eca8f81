//! What a rebuild starts from: the table's current definition and the
//! objects that depend on it, read from the database by the runner (an
//! inspector in `retort-db`), and the checks that refuse a rebuild that
//! would lose something.

use crate::dialect::DialectError;
use crate::ops::ColumnSource;
use crate::schema::Table;

/// The current state a move-and-copy rebuild of one table works from.
///
/// Triggers and views are not part of a [`Table`], but dropping the table
/// drops its triggers, and SQLite's `ALTER TABLE ... RENAME` refuses to run
/// while a view or another table's trigger names a table that does not
/// exist. So the rebuild drops what depends on the table first and creates
/// it all again at the end, in the same transaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RebuildSource {
    /// The table's definition.
    pub table: Table,
    /// The triggers on the table, the views that read it (directly or
    /// through other views), and the triggers of other tables and views
    /// that name it or such a view: in the order they were created, which
    /// is the order they are created again.
    pub dependents: Vec<Dependent>,
    /// What the table has that the model cannot hold (a virtual table, the
    /// `DESC` of a unique key's column, ...), one description each: a
    /// rebuild would lose it, so it is refused.
    pub unkept: Vec<String>,
}

impl RebuildSource {
    /// A table that nothing depends on and that the model holds whole.
    pub fn new(table: Table) -> Self {
        RebuildSource {
            table,
            ..RebuildSource::default()
        }
    }
}

impl From<Table> for RebuildSource {
    fn from(table: Table) -> Self {
        RebuildSource::new(table)
    }
}

/// A view or trigger that a rebuild drops and creates again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependent {
    /// A view or a trigger.
    pub kind: DependentKind,
    /// Its name, as stored.
    pub name: String,
    /// For a trigger, the table or view it is on; for a view, its own name.
    pub on: String,
    /// The statement that creates it again, as the database keeps it.
    pub sql: String,
    /// Every name its SQL mentions (quoted or not, in ASCII lower case):
    /// a column that the batch drops or renames and that is in this list
    /// makes the rebuild refuse, since the object would be created again
    /// naming a column that no longer exists.
    pub names: Vec<String>,
}

impl Dependent {
    /// True for a trigger on the rebuilt table itself, which goes with the
    /// table when it is dropped.
    pub fn is_trigger_on(&self, table: &str) -> bool {
        self.kind == DependentKind::Trigger && self.on.eq_ignore_ascii_case(table)
    }

    /// True when its SQL mentions `name` (ASCII case aside).
    pub fn mentions(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.names.contains(&name)
    }
}

/// The kinds of object a rebuild keeps beside the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DependentKind {
    /// `CREATE VIEW`.
    View,
    /// `CREATE TRIGGER`.
    Trigger,
}

impl DependentKind {
    /// `view` or `trigger`.
    pub fn as_str(self) -> &'static str {
        match self {
            DependentKind::View => "view",
            DependentKind::Trigger => "trigger",
        }
    }
}

/// Refuses a rebuild that would lose something: what the model cannot
/// hold, or a dependent object that names a column the batch drops or
/// renames. `new` and `sources` are the rebuilt table and where each of
/// its columns comes from.
pub(crate) fn check_rebuild(
    source: &RebuildSource,
    new: &Table,
    sources: &[ColumnSource],
) -> Result<(), DialectError> {
    let table = source.table.name.to_string();
    if !source.unkept.is_empty() {
        return Err(DialectError::CannotKeep {
            table,
            what: source.unkept.join("; "),
        });
    }
    for old in &source.table.columns {
        let kept_as = new.columns.iter().zip(sources).find_map(|(c, s)| match s {
            ColumnSource::Copied(from) if from == &old.name => Some(&c.name),
            _ => None,
        });
        let renamed = match kept_as {
            Some(same) if same == &old.name => continue,
            other => other,
        };
        let Some(d) = source.dependents.iter().find(|d| d.mentions(&old.name)) else {
            continue;
        };
        return Err(DialectError::DependentUsesColumn {
            table,
            column: old.name.clone(),
            renamed_to: renamed.cloned(),
            kind: d.kind.as_str(),
            name: d.name.clone(),
        });
    }
    Ok(())
}
