//! Applied-revision integrity (`retort verify`, and the warnings of
//! `upgrade`): the revisions a database has applied, compared with the
//! revision files. The log table keeps the checksum of each revision's
//! file as it ran; a file whose checksum differs was edited after it was
//! applied, so the database no longer holds what the file says.

use std::collections::HashMap;

use retort_core::graph::Direction;
use retort_core::{RevisionId, ScriptDirectory};

use super::{RunError, Tables};
use crate::connection::Connection;
use crate::log_table::LogEntry;

/// What is wrong with one applied revision.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// Its file changed after it was applied.
    Edited {
        /// The checksum recorded when it ran.
        applied: String,
        /// The file's checksum now.
        now: String,
    },
    /// The log says it is applied, but no revision file declares it.
    Deleted,
    /// The version table holds it, no revision file declares it, and the
    /// log does not know it (applied by another tool, or stamped).
    Unknown,
}

impl FindingKind {
    /// `edited`, `deleted` or `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            FindingKind::Edited { .. } => "edited",
            FindingKind::Deleted => "deleted",
            FindingKind::Unknown => "unknown",
        }
    }
}

/// One applied revision that does not match the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The revision.
    pub revision: RevisionId,
    /// What is wrong.
    pub kind: FindingKind,
    /// Its last run, from the log table, when there is one.
    pub applied: Option<LogEntry>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            FindingKind::Edited { applied, now } => write!(
                f,
                "revision {} was edited after it was applied: it ran as {applied}, its file is now {now}",
                self.revision
            ),
            FindingKind::Deleted => write!(
                f,
                "revision {} is applied, but no revision file declares it any more",
                self.revision
            ),
            FindingKind::Unknown => write!(
                f,
                "the version table holds {}, which no revision file declares and retort's log does not know",
                self.revision
            ),
        }
    }
}

/// What a database's applied revisions look like against the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// How many applied revisions were compared.
    pub checked: usize,
    /// The ones that do not match.
    pub findings: Vec<Finding>,
}

/// Compares the revisions `conn`'s database has applied with `dir`'s
/// files (read fully, for their checksums). Reads only.
pub fn verify(dir: &ScriptDirectory, conn: &mut dyn Connection) -> Result<Verification, RunError> {
    let tables = Tables::from_config(&dir.config);
    let rows = tables.version.read(conn)?;
    let log_exists = !conn
        .query_column(&tables.log.exists_sql(conn.dialect()))?
        .is_empty();
    let log = if log_exists {
        tables.log.read(conn)?
    } else {
        Vec::new()
    };
    // The last run of each revision.
    let mut last: HashMap<RevisionId, LogEntry> = HashMap::new();
    for entry in log {
        last.insert(entry.revision.clone(), entry);
    }
    let mut findings = Vec::new();
    let known: Vec<RevisionId> = rows
        .iter()
        .filter(|r| dir.graph.get(r).is_some())
        .cloned()
        .collect();
    for row in rows.iter().filter(|r| dir.graph.get(r).is_none()) {
        let applied = last.get(row).cloned();
        let kind = if applied.is_some() {
            FindingKind::Deleted
        } else {
            FindingKind::Unknown
        };
        findings.push(Finding {
            revision: row.clone(),
            kind,
            applied,
        });
    }
    // Every applied revision: what a downgrade to base would run.
    let applied: Vec<RevisionId> = dir
        .graph
        .plan_downgrade(&known, "base")
        .map(|plan| plan.steps.into_iter().map(|s| s.revision).collect())
        .unwrap_or_default();
    for id in &applied {
        let Some(rev) = dir.graph.get(id) else {
            continue;
        };
        let Some(entry) = last.get(id).filter(|e| e.direction == Direction::Upgrade) else {
            continue;
        };
        if let (Some(then), Some(now)) = (&entry.checksum, &rev.checksum)
            && then != now
        {
            findings.push(Finding {
                revision: id.clone(),
                kind: FindingKind::Edited {
                    applied: then.clone(),
                    now: now.clone(),
                },
                applied: Some(entry.clone()),
            });
        }
    }
    // Applied per the log, not under the version rows and gone from the
    // files: deleted (a file removed from the middle of the chain).
    for (id, entry) in &last {
        if entry.direction == Direction::Upgrade
            && dir.graph.get(id).is_none()
            && !rows.contains(id)
        {
            findings.push(Finding {
                revision: id.clone(),
                kind: FindingKind::Deleted,
                applied: Some(entry.clone()),
            });
        }
    }
    findings.sort_by(|a, b| a.revision.cmp(&b.revision));
    Ok(Verification {
        checked: applied.len(),
        findings,
    })
}
