//! Progress: what a command is doing while it runs, delivered to the
//! application instead of printed. Library code never writes to stderr; the
//! command line passes a [`Progress`] that prints each event as Alembic logs
//! it.

use std::time::Duration;

use retort_core::RevisionId;
use retort_core::diff::Change;
use retort_core::graph::Step;
use retort_db::DatabaseUrl;

/// One thing a command reports while it runs.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A command starts on one database: an online upgrade or downgrade
    /// (and, on the command line, `current` in text form).
    Database {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// Its URL (`Display` hides the password).
        url: &'a DatabaseUrl,
    },
    /// A revision starts running: step `index` (from 0) of `total`.
    StepStarted {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// The step's position, from 0.
        index: usize,
        /// How many steps the run has.
        total: usize,
        /// The step (`Display`: `upgrade a -> b`).
        step: &'a Step,
        /// The revision's message.
        message: &'a str,
    },
    /// The step that last started has finished.
    StepFinished {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// How long it took.
        elapsed: Duration,
    },
    /// An upgrade or downgrade found nothing to run.
    NothingToDo {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// The version rows the database is at.
        at: &'a [RevisionId],
    },
    /// A database was stamped.
    Stamped {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// Its URL (`Display` hides the password).
        url: &'a DatabaseUrl,
        /// The version rows before.
        before: &'a [RevisionId],
        /// The version rows after.
        after: &'a [RevisionId],
    },
    /// Autogenerate detected a change (`Detected added table 'user'`).
    ChangeDetected {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// The change.
        change: &'a Change,
    },
    /// A warning or a notice: something autogenerate's downgrade cannot
    /// undo, a run waiting for another run's lock, a revision an
    /// interrupted run left unfinished being finished. Delivered even when
    /// quiet.
    Note {
        /// The database of a multi-database project.
        database: Option<&'a str>,
        /// The warning, one line.
        note: &'a str,
    },
    /// Autogenerate compared every database and found no change.
    NoChanges,
}

impl Event<'_> {
    /// True for the events delivered even when [`crate::Retort::quiet`] is
    /// set: warnings.
    pub fn is_warning(&self) -> bool {
        matches!(self, Event::Note { .. })
    }
}

/// Receives a command's [`Event`]s. Shared by every thread that uses the
/// same [`crate::Retort`], so it takes `&self`.
///
/// Any `Fn(&Event) + Send + Sync` closure is a `Progress`.
pub trait Progress: Send + Sync {
    /// Called for each event, in order, on the thread running the command.
    fn event(&self, event: &Event<'_>);
}

impl<F> Progress for F
where
    F: Fn(&Event<'_>) + Send + Sync,
{
    fn event(&self, event: &Event<'_>) {
        self(event)
    }
}
