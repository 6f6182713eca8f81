//! The application's own data access: adding, listing and finishing notes
//! in the tables the migrations created.
//!
//! A real application would use its own database library (sqlx, diesel,
//! postgres, rusqlite, ...). This example uses retort's connection
//! (`retort::db::connect`), which speaks SQLite, PostgreSQL and MySQL with
//! the drivers retort already builds, to stay small; its values come back
//! as text and it takes no parameters, so literals are quoted by the
//! database's dialect (`Dialect::quote_string`).

use anyhow::Context;
use retort::db::{Connection, DatabaseUrl, connect};

/// One note.
pub struct Note {
    pub id: i64,
    pub body: String,
    pub done: bool,
}

/// The notes of one database.
pub struct Notes {
    conn: Box<dyn Connection>,
}

impl Notes {
    /// Connects to the database `url` names.
    pub fn open(url: &str) -> anyhow::Result<Notes> {
        let url = DatabaseUrl::parse(url)?;
        Ok(Notes {
            conn: connect(&url)?,
        })
    }

    /// Adds a note; returns its id.
    pub fn add(&mut self, body: &str) -> anyhow::Result<i64> {
        let body = self.conn.dialect().dialect().quote_string(body);
        // RETURNING: SQLite 3.35+, PostgreSQL, MariaDB 10.5+.
        let id = self.conn.query_column(&format!(
            "INSERT INTO note (body) VALUES ({body}) RETURNING id"
        ))?;
        let id = id.first().context("the INSERT returned no id")?;
        Ok(id.parse()?)
    }

    /// Every note, oldest first.
    pub fn list(&mut self) -> anyhow::Result<Vec<Note>> {
        let rows = self
            .conn
            .query_strings("SELECT id, body, done FROM note ORDER BY id")?;
        rows.into_iter()
            .map(|row| {
                let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                Ok(Note {
                    id: text(0).parse()?,
                    body: text(1),
                    // PostgreSQL says `t`/`f`, SQLite and MySQL `1`/`0`.
                    done: matches!(text(2).as_str(), "t" | "1" | "true"),
                })
            })
            .collect()
    }

    /// Marks note `id` done; false when there is no such note.
    pub fn finish(&mut self, id: i64) -> anyhow::Result<bool> {
        // Not the UPDATE's row count: MySQL counts only rows it changed.
        let found = self
            .conn
            .query_column(&format!("SELECT id FROM note WHERE id = {id}"))?;
        if found.is_empty() {
            return Ok(false);
        }
        self.conn
            .execute(&format!("UPDATE note SET done = TRUE WHERE id = {id}"))?;
        Ok(true)
    }
}
