//! The errors of the revision graph: building it ([`GraphError`]), reading
//! revision expressions ([`ResolveError`]) and planning ([`PlanError`]).
//!
//! Each message is one sentence that says what is wrong, names the revision
//! (and its file when there is one) and says how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::revision::RevisionId;

/// A list of ids shown as `a, b, c` in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdList(pub Vec<RevisionId>);

impl fmt::Display for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}

/// Shows a path in messages, or `<built in code>` for revisions without a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePath(pub PathBuf);

impl FilePath {
    pub(crate) fn of(path: &Path) -> Self {
        FilePath(path.to_path_buf())
    }
}

impl fmt::Display for FilePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.as_os_str().is_empty() {
            f.write_str("<built in code>")
        } else {
            write!(f, "{}", self.0.display())
        }
    }
}

/// Why a set of revisions does not form a valid revision graph.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two files declare the same revision id.
    #[error(
        "revision {id} is declared twice, in {first} and in {second}; give one of them a new id"
    )]
    DuplicateId {
        /// The id declared twice.
        id: RevisionId,
        /// The file read first.
        first: FilePath,
        /// The file read second.
        second: FilePath,
    },
    /// A `down_revision` names a revision that does not exist.
    #[error(
        "revision {id} ({path}) revises {parent}, which no revision file declares; restore that revision or correct down_revision"
    )]
    MissingParent {
        /// The revision with the dangling parent.
        id: RevisionId,
        /// The missing parent as written.
        parent: RevisionId,
        /// The revision's file.
        path: FilePath,
    },
    /// A `depends_on` entry names no revision or branch label.
    #[error(
        "revision {id} ({path}) depends on '{dependency}', which is neither a revision nor a branch label; correct depends_on"
    )]
    MissingDependency {
        /// The revision with the dangling dependency.
        id: RevisionId,
        /// The dependency as written.
        dependency: String,
        /// The revision's file.
        path: FilePath,
    },
    /// A `depends_on` prefix matches several revisions.
    #[error(
        "revision {id} ({path}) depends on '{dependency}', which matches several revisions ({candidates}); write the full id in depends_on"
    )]
    AmbiguousDependency {
        /// The revision with the ambiguous dependency.
        id: RevisionId,
        /// The dependency as written.
        dependency: String,
        /// Every revision the prefix matches.
        candidates: IdList,
        /// The revision's file.
        path: FilePath,
    },
    /// A revision names itself as its own `down_revision`.
    #[error(
        "Self-loop is detected in revisions ({id}): {path} revises itself; correct its down_revision"
    )]
    SelfLoop {
        /// The revision.
        id: RevisionId,
        /// The revision's file.
        path: FilePath,
    },
    /// A revision names itself in `depends_on`.
    #[error(
        "Dependency self-loop is detected in revisions ({id}): {path} depends on itself; correct its depends_on"
    )]
    DependencySelfLoop {
        /// The revision.
        id: RevisionId,
        /// The revision's file.
        path: FilePath,
    },
    /// The `down_revision` links form a cycle.
    #[error(
        "Cycle is detected in revisions ({ids}); break the cycle by correcting the down_revision of one of them"
    )]
    Cycle {
        /// The revisions on (or between) the cycles, sorted.
        ids: IdList,
    },
    /// The `down_revision` and `depends_on` links together form a cycle.
    #[error(
        "Dependency cycle is detected in revisions ({ids}); remove one of the depends_on entries that close the cycle"
    )]
    DependencyCycle {
        /// The revisions on (or between) the cycles, sorted.
        ids: IdList,
    },
    /// Two revisions declare the same branch label.
    #[error(
        "Branch name '{label}' in revision {id} ({path}) already used by revision {other}; choose another branch label"
    )]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The second revision declaring it.
        id: RevisionId,
        /// The second revision's file.
        path: FilePath,
        /// The first revision declaring it.
        other: RevisionId,
    },
    /// A branch label equals a revision id.
    #[error(
        "Branch name '{label}' in revision {id} ({path}) is already the id of revision {label}; choose another branch label"
    )]
    LabelIsRevisionId {
        /// The label.
        label: String,
        /// The revision declaring it.
        id: RevisionId,
        /// The revision's file.
        path: FilePath,
    },
}

/// Why a revision expression (`head`, `ae10+2`, `label@base`, ...) could not
/// be resolved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Nothing matches the identifier.
    #[error(
        "No such revision or branch '{ident}'{hint}; run `retort history` to list the revisions"
    )]
    UnknownRevision {
        /// The identifier as given.
        ident: String,
        /// An extra hint (about short prefixes), possibly empty.
        hint: &'static str,
    },
    /// A prefix matches several revisions.
    #[error(
        "Multiple revisions start with '{prefix}': {candidates}; give more characters of the id"
    )]
    AmbiguousPrefix {
        /// The prefix as given.
        prefix: String,
        /// Every matching revision.
        candidates: IdList,
    },
    /// `head` (or `label@head`) matches several heads.
    #[error(
        "Multiple head revisions are present for given argument '{argument}' ({heads}); please specify a specific target revision, '<branchname>@{argument}' to narrow to a specific head, or 'heads' for all heads"
    )]
    MultipleHeads {
        /// The argument, such as `head` or `label@head`.
        argument: String,
        /// The heads it matches.
        heads: IdList,
    },
    /// The part before `@` is no branch label nor revision.
    #[error(
        "No such branch: '{label}'; run `retort branches` or `retort heads --verbose` to see the labels"
    )]
    NoSuchBranch {
        /// The label as given.
        label: String,
    },
    /// `label@rev` where the revision is not on that branch.
    #[error("Revision {id} is not a member of branch '{label}'; pick a revision of that branch")]
    NotInBranch {
        /// The revision.
        id: RevisionId,
        /// The branch label.
        label: String,
    },
    /// A relative step goes past the base or a head.
    #[error(
        "Relative revision {relative} didn't produce {steps} migrations; the graph has fewer revisions in that direction"
    )]
    RelativeOutOfRange {
        /// The relative part, such as `-5` or `+2`.
        relative: String,
        /// How many steps were asked for.
        steps: u64,
    },
    /// A relative step meets a branch point or merge point.
    #[error(
        "Ambiguous walk: '{expr}' steps from {from} into several revisions ({candidates}); {}",
        walk_hint(expr)
    )]
    AmbiguousWalk {
        /// The expression.
        expr: String,
        /// Where the walk was (`base` for below the bases).
        from: String,
        /// The revisions the next step could go to.
        candidates: IdList,
    },
    /// A relative upgrade from several current revisions.
    #[error(
        "Ambiguous upgrade from multiple current revisions ({current}); use '<label>@{expr}' or a revision id"
    )]
    AmbiguousRelative {
        /// The expression.
        expr: String,
        /// The current revisions.
        current: IdList,
    },
    /// A relative downgrade on a branch none of whose revisions is applied.
    #[error(
        "Relative revision {expr} cannot be resolved: no revision of branch {label} is applied to the database, so there is nothing to go down from; see `retort current`, or give a revision id"
    )]
    NothingAppliedOnBranch {
        /// The expression.
        expr: String,
        /// The branch label.
        label: String,
    },
    /// Two requested revisions lie on the same line of descent.
    #[error(
        "Requested revision {id} overlaps with other requested revisions {others}; name only one revision per branch"
    )]
    Overlap {
        /// The revision.
        id: RevisionId,
        /// The requested revisions it reaches.
        others: IdList,
    },
    /// A range whose ends are not on one line of descent.
    #[error(
        "Requested range {start}:{end} does not refer to ancestor/descendant revisions along the same branch"
    )]
    RangeNotAncestor {
        /// The lower end.
        start: String,
        /// The upper end.
        end: String,
    },
    /// The expression cannot be read.
    #[error("cannot read revision expression '{expr}': {reason}")]
    Malformed {
        /// The expression.
        expr: String,
        /// What is wrong.
        reason: String,
    },
}

/// Why an upgrade, downgrade or stamp could not be planned or applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The target expression could not be resolved.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A version table row names a revision no file declares.
    #[error(
        "the version table names revision {id}, which no revision file declares; restore the file or fix the row with `retort stamp --purge`"
    )]
    UnknownCurrent {
        /// The id found in the version table.
        id: RevisionId,
    },
    /// The downgrade destination is not below the current revisions.
    #[error(
        "Destination {destination} is not a valid downgrade target from current head(s) {current}; run `retort current` and pick an ancestor"
    )]
    InvalidDowngradeTarget {
        /// The destination as given.
        destination: String,
        /// The current revisions.
        current: IdList,
    },
    /// A range argument that is not `START:END`.
    #[error("cannot read range '{range}': {reason}")]
    MalformedRange {
        /// The range as given.
        range: String,
        /// What is wrong.
        reason: String,
    },
    /// Applying a version update needs a row that is not there.
    #[error(
        "the version table has no row for {id}, which this step needs to change; run `retort current` and `retort stamp` to repair it"
    )]
    MissingRow {
        /// The expected row.
        id: RevisionId,
    },
    /// Applying a version update would duplicate a row.
    #[error(
        "the version table already has a row for {id}; run `retort current` and `retort stamp` to repair it"
    )]
    DuplicateRow {
        /// The duplicated row.
        id: RevisionId,
    },
    /// The row to update for a merge revision is ambiguous.
    #[error(
        "cannot tell which version row revision {id} replaces: the rows hold {rows}; stamp the database to one of them first"
    )]
    AmbiguousUpdate {
        /// The revision being applied.
        id: RevisionId,
        /// The candidate rows.
        rows: IdList,
    },
}

/// How to make an ambiguous relative step precise: name a branch, unless
/// the expression already does, then name a revision.
fn walk_hint(expr: &str) -> String {
    if expr.contains('@') {
        "give the revision to go to by its id instead".to_owned()
    } else {
        format!("name the branch as '<label>@{expr}' or give a revision id")
    }
}
