//! Introspection: reading a live table's definition back into the core's
//! schema model ([`retort_core::schema::Table`]).
//!
//! - [`inspect_sqlite_table`]: a SQLite table, complete enough for batch
//!   mode's move-and-copy to rebuild it ([`sqlite`] says what is and is not
//!   recovered).

pub mod sqlite;

pub use sqlite::inspect_sqlite_table;
