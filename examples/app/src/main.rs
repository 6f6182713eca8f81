//! notes: a small note-keeping application that embeds retort, as a Flask
//! application embeds Alembic through Flask-Migrate. It shows, in order:
//!
//! 1. the migrations folder carried in the binary (`build.rs` +
//!    [`Retort::embedded`]), so `notes` works from any folder;
//! 2. the application's settings handed to retort: its own database URL
//!    ([`Retort::url`]), a [`configure`](Retort::configure) callback for
//!    its policy, and its schema declared in Rust
//!    ([`target_schema`](Retort::target_schema), see `schema.rs`);
//! 3. retort's whole command set mounted as `notes db <command>`
//!    ([`DbCommand`]);
//! 4. an upgrade to head at start-up, inside a tokio runtime, before the
//!    application's own commands run.
//!
//! ```text
//! notes add "buy milk"          # upgrades the database, then adds a note
//! notes list
//! notes db current              # retort's commands, on the same database
//! notes db check                # is the database what src/schema.rs says?
//! notes db -d migrations migrate -m "add a column"   # in this folder
//! ```

mod schema;
mod store;

use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use retort::Retort;
use retort::cli::DbCommand;
use retort::core::script::EmbeddedFile;

/// The migrations folder, as `build.rs` embedded it: `retort.toml`, the
/// template and every revision file, read by retort exactly as on disk.
static MIGRATIONS: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/retort_migrations.rs"));

/// Keep notes in a database (an example application that embeds retort).
#[derive(Parser)]
#[command(name = "notes", version)]
struct Cli {
    /// The database: sqlite:///FILE, postgresql://..., mysql://...
    #[arg(
        long,
        env = "NOTES_DATABASE_URL",
        default_value = "sqlite:///notes.db",
        value_name = "URL"
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add a note.
    Add {
        /// What to note.
        text: String,
    },
    /// List the notes, oldest first.
    List,
    /// Mark a note done.
    Done {
        /// The note's id (see `list`).
        id: i64,
    },
    /// Manage the database's migrations: retort's command set
    /// (`notes db upgrade`, `notes db current`, `notes db check`, ...).
    // Boxed: the whole command set is large next to the other variants.
    Db(Box<DbCommand>),
}

/// The application's retort: the embedded project with the application's
/// settings. Every command (`notes db ...` and the start-up upgrade) runs
/// on it. A `Retort` is cheap to clone and `Send + Sync`.
fn migrations(database_url: &str) -> Retort {
    Retort::embedded(MIGRATIONS)
        // The application's database, over DATABASE_URL and retort.toml, so
        // that retort and the application always use the same one
        // (`notes db --url URL ...` still overrides it for one command).
        .url(database_url)
        // Policy in code: runs after retort.toml is read, before anything
        // uses it, for every command.
        .configure(|cfg| {
            // The application's tables are its own; so is the version table.
            cfg.version_table = "notes_version".into();
            // New revisions (`notes db -d migrations migrate`) in UTC.
            cfg.timezone = Some("UTC".into());
            Ok::<_, Infallible>(())
        })
        // Autogenerate's target: the schema in src/schema.rs, built for the
        // database's dialect.
        .target_schema(|_database, dialect| schema::target(dialect))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // `notes db history | head` is not a failure.
        Err(e) if retort::cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // retort's errors say what is wrong and how to fix it; `report`
            // prints them (and ours) as the `retort` binary does.
            eprintln!("{}", retort::cli::report(&e));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let retort = migrations(&cli.database_url);
    match cli.command {
        Command::Db(db) => {
            // `notes db <command>`: parsed by clap as part of our command
            // line, run on our Retort (embedded project, URL, callbacks,
            // schema); `-d`/`--url`/... given after `db` override them.
            // No upgrade first: `db downgrade`, `db stamp` and `db current`
            // must see the database as it is.
            //
            // This blocks the runtime's thread, which is fine here: nothing
            // else runs while a command-line tool does its one command. It
            // is safe too: retort's PostgreSQL driver detects the runtime
            // and drives its own connection off it.
            let mut out = std::io::stdout().lock();
            db.run(&retort, &mut out)?;
            out.flush()?;
            Ok(())
        }
        command => {
            upgrade_at_start_up(&retort).await?;
            let url = cli.database_url;
            // The application's own (blocking) database work, off the
            // runtime's threads as well.
            tokio::task::spawn_blocking(move || app_command(&url, command)).await?
        }
    }
}

/// Brings the database to head before the application touches it: an empty
/// database gets every table, an old one the revisions it lacks, and one at
/// head is left alone. Concurrent start-ups (several instances) serialise on
/// the database lock, and only the first runs anything.
async fn upgrade_at_start_up(retort: &Retort) -> anyhow::Result<()> {
    let retort = retort.clone();
    // A migration is blocking work (statements on a connection): run it on
    // tokio's blocking pool, so a server's other tasks keep running.
    let report = tokio::task::spawn_blocking(move || retort.upgrade("head")).await??;
    // The result is a value: what ran, per database.
    for database in &report.databases {
        for step in &database.steps {
            eprintln!("notes: ran {}, {}", step.step, step.message);
        }
    }
    Ok(())
}

/// Runs one of the application's own commands.
fn app_command(database_url: &str, command: Command) -> anyhow::Result<()> {
    let mut notes = store::Notes::open(database_url)?;
    match command {
        Command::Add { text } => {
            let id = notes.add(&text)?;
            println!("added note {id}");
        }
        Command::List => {
            for note in notes.list()? {
                let mark = if note.done { 'x' } else { ' ' };
                println!("{:>3} [{mark}] {}", note.id, note.body);
            }
        }
        Command::Done { id } => {
            if !notes.finish(id)? {
                anyhow::bail!("there is no note {id}; `notes list` shows them");
            }
            println!("note {id} done");
        }
        Command::Db(_) => unreachable!("handled in run"),
    }
    Ok(())
}
