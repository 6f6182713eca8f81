//! Integration tests of retort-db, each run on SQLite, PostgreSQL and
//! MariaDB in the same run, and smoke tests of PgBouncer and a MariaDB
//! Galera cluster. Under `./scripts/test.sh` each server starts when a test
//! first asks for it (`RETORT_TEST_POSTGRES_URL`, `RETORT_TEST_MYSQL_URL`,
//! `RETORT_TEST_PGBOUNCER_URL`, `RETORT_TEST_GALERA_URLS`: see
//! `support::server_url`; the TLS and socket variables too, for `tls`);
//! without them the server tests fail, they are
//! never skipped.

mod support;

mod cluster;
mod connect;
mod fuzz_url;
mod inspect;
mod inspect_schema;
mod lock;
mod log;
mod tls;
mod tokio_runtime;
mod transactions;
mod url;
mod version_table;
