//! A step's operations: read from its revision file, typed, and checked
//! before anything runs.

use std::collections::BTreeMap;

use retort_core::graph::{Direction, Step};
use retort_core::ops::parse_operations;
use retort_core::script::read_revision_file;
use retort_core::{Operation, Operations, RevisionGraph};

use super::RunError;

/// The operations one step runs, with their labels for messages.
pub struct StepOps {
    /// The revision's file content checksum (for the log table).
    pub checksum: String,
    /// The revision's message.
    pub message: String,
    /// Each operation with its label, e.g. `upgrade operation 2 (add_column on user)`.
    pub ops: Vec<(String, Operation)>,
}

/// Reads the revision of `step` again, fully, and types the operations of
/// its direction; `database` picks a list in a multi-database revision,
/// and `x_args` fill `${x.KEY}` in `execute` operations.
pub fn step_ops(
    graph: &RevisionGraph,
    step: &Step,
    database: Option<&str>,
    x_args: &BTreeMap<String, String>,
) -> Result<StepOps, RunError> {
    let fail = |message: String| RunError::Revision {
        revision: step.revision.clone(),
        message,
    };
    let rev = graph
        .get(&step.revision)
        .ok_or_else(|| fail("the revision is no longer in the graph".into()))?;
    // A graph loaded with `Depth::Full` already holds the operations;
    // otherwise read the file again, fully.
    let reread;
    let full = if rev.checksum.is_some() {
        rev
    } else {
        reread = read_revision_file(&rev.path)?;
        &reread
    };
    let (label, ops) = match step.direction {
        Direction::Upgrade => ("upgrade", &full.upgrade),
        Direction::Downgrade => ("downgrade", &full.downgrade),
    };
    let (label, tables) = match (ops, database) {
        (Operations::None, _) => (label.to_owned(), Vec::new()),
        (Operations::List(tables), _) => (label.to_owned(), tables.clone()),
        (Operations::PerDatabase(dbs), Some(db)) => (
            format!("{label}.{db}"),
            dbs.iter()
                .find(|(name, _)| name == db)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        ),
        (Operations::PerDatabase(_), None) => {
            return Err(fail(format!(
                "{} keeps its operations per database ([[{label}.<name>]]), but this project has a single database; write them as [[{label}]], or declare [databases.<name>] in retort.toml",
                rev.path.display()
            )));
        }
    };
    let typed = parse_operations(&rev.path, &label, &tables).map_err(|e| fail(e.to_string()))?;
    let ops = typed
        .into_iter()
        .enumerate()
        .map(|(i, op)| {
            let name = format!("{label} operation {} ({op})", i + 1);
            match op {
                Operation::Execute(execute) => execute
                    .with_x_args(x_args)
                    .map(|filled| (name.clone(), Operation::Execute(filled)))
                    .map_err(|e| fail(format!("{name}: {e}"))),
                op => Ok((name, op)),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(StepOps {
        checksum: full.checksum.clone().unwrap_or_default(),
        message: full.message.clone(),
        ops,
    })
}
