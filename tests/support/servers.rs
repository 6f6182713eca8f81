//! The test database servers, started on first use (shared by the test
//! crates with `#[path]`).
//!
//! `./scripts/test.sh` starts no server itself: it sets
//! `RETORT_TEST_SERVERS` to `scripts/test-servers.sh`, which a test asks
//! for a variable (`var NAME`); the script starts the server that sets it
//! the first time, under a lock, and hands every later test the same one.
//! A variable already in the environment is used as it is (a server
//! started by hand).

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// What to do when no server can be had.
pub const HOW: &str = "run the tests through ./scripts/test.sh, which starts PostgreSQL, PgBouncer, MariaDB and a MariaDB Galera cluster when a test first needs one";

/// The value of the test server variable `name` (e.g.
/// `RETORT_TEST_POSTGRES_URL`), starting its server if it is not up.
/// Panics (the test fails, it is never skipped) when the server cannot be
/// had, with the reason.
pub fn var(name: &str) -> String {
    if let Ok(value) = std::env::var(name) {
        return value;
    }
    static CACHE: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(value) = cache.get(name) {
        return value.clone();
    }
    let script =
        std::env::var("RETORT_TEST_SERVERS").unwrap_or_else(|_| panic!("{name} is not set: {HOW}"));
    let out = Command::new(&script)
        .args(["var", name])
        .output()
        .unwrap_or_else(|e| panic!("{script}: {e}"));
    if !out.status.success() {
        panic!(
            "{name}: no test server: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let value = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    cache.insert(name.to_owned(), value.clone());
    value
}
