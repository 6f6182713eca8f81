//! How the command line shows a command's progress: each [`Event`] on
//! stderr as Alembic logs it; on a terminal, steps with their position and
//! duration.

use std::io::IsTerminal;

use retort_db::runner::rows_text;

use crate::api::{Event, Progress};

/// Prints events on stderr.
#[derive(Clone, Copy, Debug)]
pub struct StderrProgress {
    terminal: bool,
}

impl StderrProgress {
    /// A printer that shows step counters and durations when stderr is a
    /// terminal.
    pub fn new() -> StderrProgress {
        StderrProgress {
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Default for StderrProgress {
    fn default() -> Self {
        StderrProgress::new()
    }
}

impl Progress for StderrProgress {
    fn event(&self, event: &Event<'_>) {
        match *event {
            Event::Database { url, .. } => eprintln!("Database {url}"),
            Event::StepStarted {
                index,
                total,
                step,
                message,
                ..
            } => {
                if self.terminal {
                    eprint!("[{}/{total}] Running {step}, {message}", index + 1);
                } else {
                    eprintln!("Running {step}, {message}");
                }
            }
            Event::StepFinished { elapsed, .. } => {
                if self.terminal {
                    eprintln!(" ({} ms)", elapsed.as_millis());
                }
            }
            Event::NothingToDo { at, .. } => {
                eprintln!("Nothing to do: the database is at {}", rows_text(at));
            }
            Event::Stamped {
                url, before, after, ..
            } => eprintln!(
                "Stamped {url}: {} -> {}",
                rows_text(before),
                rows_text(after)
            ),
            Event::ChangeDetected { database, change } => match database {
                // As `check` prints them: `[name] Detected ...`.
                Some(db) => eprintln!("[{db}] {change}"),
                None => eprintln!("{change}"),
            },
            Event::Note { note, .. } => eprintln!("note: {note}"),
            Event::NoChanges => eprintln!("No changes in schema detected."),
        }
    }
}
