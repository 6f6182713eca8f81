//! A step's operations: read from its revision file, typed, and checked
//! before anything runs.

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
/// its direction; `database` picks a list in a multi-database revision.
pub fn step_ops(
    graph: &RevisionGraph,
    step: &Step,
    database: Option<&str>,
) -> Result<StepOps, RunError> {
    let fail = |message: String| RunError::Revision {
        revision: step.revision.clone(),
        message,
    };
    let rev = graph
        .get(&step.revision)
        .ok_or_else(|| fail("the revision is no longer in the graph".into()))?;
    let text = std::fs::read(&rev.path)
        .map_err(|e| fail(format!("cannot read {}: {e}", rev.path.display())))?;
    let full = read_revision_file(&rev.path)?;
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
        .map(|(i, op)| (format!("{label} operation {} ({op})", i + 1), op))
        .collect();
    Ok(StepOps {
        checksum: checksum(&text),
        message: full.message,
        ops,
    })
}

/// A stable checksum of a revision file: 64-bit FNV-1a, in hex. It tells a
/// file edited after it was applied from the one that ran.
pub fn checksum(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn checksum_is_stable() {
        assert_eq!(super::checksum(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(super::checksum(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }
}
