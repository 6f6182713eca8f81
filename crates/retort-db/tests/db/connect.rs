//! Connecting: clean errors for unreachable servers and bad logins, and the
//! basic executor on every database.

use retort_db::{DatabaseUrl, DbError, DialectName, connect};

use crate::support::{TestDb, mysql_url, on_every_database, postgres_url, with_database};

fn connect_error(raw: &str) -> DbError {
    let url = DatabaseUrl::parse(raw).unwrap();
    match connect(&url) {
        Ok(_) => panic!("{raw} connected"),
        Err(e) => e,
    }
}

#[test]
fn an_unreachable_server_is_a_clean_error_naming_the_masked_url() {
    for (raw, shown, name) in [
        (
            "postgresql://app:hunter2@127.0.0.1:1/db",
            "postgresql://app:***@127.0.0.1:1/db",
            "PostgreSQL server is running",
        ),
        (
            "mysql+pymysql://app:hunter2@127.0.0.1:1/db",
            "mysql+pymysql://app:***@127.0.0.1:1/db",
            "MySQL/MariaDB server is running",
        ),
    ] {
        let err = connect_error(raw);
        assert!(matches!(err, DbError::Connect { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(shown), "{text}");
        assert!(text.contains(name), "{text}");
        assert!(text.contains("user name, password"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn a_wrong_password_is_a_clean_error() {
    for admin in [postgres_url(), mysql_url()] {
        let server = admin.server().unwrap();
        let raw = format!(
            "{}://{}:wrong-password@{}:{}/{}",
            admin.dialect(),
            server.user.as_deref().unwrap(),
            server.host,
            server.port.unwrap(),
            server.database.as_deref().unwrap()
        );
        let err = connect_error(&raw);
        let text = err.to_string();
        assert!(matches!(err, DbError::Connect { .. }), "{text}");
        assert!(text.contains(":***@"), "{text}");
        assert!(!text.contains("wrong-password"), "{text}");
    }
}

#[test]
fn a_missing_database_is_a_clean_error() {
    for admin in [postgres_url(), mysql_url()] {
        let url = with_database(&admin, "no_such_database_here");
        let err = connect(&url).err().expect("no such database");
        assert!(err.to_string().contains("no_such_database_here"), "{err}");
    }
}

#[test]
fn a_sqlite_file_in_a_missing_folder_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let raw = format!("sqlite:///{}/missing/app.db", dir.path().display());
    let err = connect_error(&raw);
    assert!(matches!(err, DbError::OpenSqlite { .. }), "{err:?}");
    assert!(err.to_string().contains("folder exists"), "{err}");
}

#[test]
fn unknown_url_parameters_are_refused_by_name() {
    let pg = postgres_url().masked().replace("***", "secret");
    let err = connect_error(&format!("{pg}?sslmode=bogus"));
    assert!(err.to_string().contains("sslmode=bogus"), "{err}");
    let err = connect_error(&format!("{pg}?frobnicate=1"));
    assert!(err.to_string().contains("frobnicate"), "{err}");
    let my = format!(
        "{}?frobnicate=1",
        mysql_url().masked().replace("***", "secret")
    );
    let err = connect_error(&my);
    assert!(err.to_string().contains("frobnicate"), "{err}");
}

#[test]
fn an_in_memory_sqlite_database_works() {
    let mut conn = connect(&DatabaseUrl::parse("sqlite://").unwrap()).unwrap();
    conn.execute("CREATE TABLE t (x INTEGER)").unwrap();
    assert_eq!(conn.execute("INSERT INTO t VALUES (1), (2)").unwrap(), 2);
}

fn values_come_back_as_text(db: &mut TestDb) {
    let mut conn = db.connect();
    assert_eq!(conn.dialect(), db.dialect());
    let rows = conn.query_strings("SELECT 1, NULL, 'it''s', 2.5").unwrap();
    assert_eq!(
        rows,
        vec![vec![
            Some("1".to_owned()),
            None,
            Some("it's".to_owned()),
            Some("2.5".to_owned())
        ]]
    );
    assert!(
        conn.query_strings("SELECT x FROM (SELECT 1 AS x) s WHERE x = 0")
            .unwrap()
            .is_empty()
    );
}

fn execute_counts_changed_rows(db: &mut TestDb) {
    let mut conn = db.connect();
    assert_eq!(conn.execute("CREATE TABLE t (x INTEGER)").unwrap(), 0);
    assert_eq!(
        conn.execute("INSERT INTO t (x) VALUES (1), (2), (3)")
            .unwrap(),
        3
    );
    assert_eq!(
        conn.execute("UPDATE t SET x = x + 10 WHERE x > 1").unwrap(),
        2
    );
    assert_eq!(conn.execute("DELETE FROM t").unwrap(), 3);
    // DDL after DML changes nothing (SQLite's changes() would say 3).
    assert_eq!(conn.execute("CREATE TABLE u (y INTEGER)").unwrap(), 0);
    assert_eq!(
        conn.query_column("SELECT COUNT(*) FROM u").unwrap(),
        vec!["0"]
    );
}

fn a_refused_statement_names_the_statement_and_url(db: &mut TestDb) {
    let mut conn = db.connect();
    let err = conn.execute("CREATE TABLE (oops").unwrap_err();
    assert!(matches!(err, DbError::Statement { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("CREATE TABLE (oops"), "{text}");
    assert!(text.contains(db.url.masked()), "{text}");
    if db.dialect() != DialectName::Sqlite {
        assert!(!text.contains("secret"), "{text}");
    }
    // The connection is still usable.
    assert_eq!(conn.query_column("SELECT 7").unwrap(), vec!["7"]);
}

on_every_database!(
    values_come_back_as_text,
    execute_counts_changed_rows,
    a_refused_statement_names_the_statement_and_url,
);
