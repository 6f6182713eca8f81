//! Fuzzing of retort-core's parsers with proptest: revision files (and the
//! operations in them), `retort.toml`, the SQL DDL of models files, and
//! revision expressions. Each target mixes structure-aware inputs (valid
//! files mutated, files built from the format's own keys and tokens) with
//! random bytes, and checks that the parser returns (a value or an error
//! whose message renders) without panicking or hanging.
//!
//! A test run tries a few hundred inputs per target; `RETORT_FUZZ_CASES=N`
//! tries N, and `scripts/fuzz.sh` runs a long campaign in release mode.
//! Every target prints `fuzz TARGET: N inputs, F failures, ...`.
//!
//! One module per target: `revisions`, `config`, `models`, `expressions`.

#[path = "../fuzz_support/mod.rs"]
mod fuzz_support;

mod config;
mod expressions;
mod models;
mod revisions;
