//! retort: Alembic-grade database schema migrations for Rust.
//!
//! This crate is the `retort` command line, usable as a library: [`cli::Cli`]
//! is the clap definition of the whole command set and [`cli::run`] runs one
//! parsed command, writing its data to any `Write`. The pure core (revision
//! files, the revision graph, the planner) is the `retort-core` crate,
//! re-exported as [`core`].
#![deny(missing_docs)]

pub mod cli;

pub use retort_core as core;
