//! Smoke tests of the clustered servers that `./scripts/test.sh` starts:
//! the 3-node MariaDB Galera cluster and PgBouncer in transaction pooling
//! mode, reached with `retort_db::connect` as retort reaches any database.

use retort_db::{Connection, connect};

use crate::support::{ClusterDb, TestDb, galera_urls, pgbouncer_url, with_database};

/// The one value a query returns.
fn value(conn: &mut dyn Connection, sql: &str) -> String {
    let rows = conn.query_strings(sql).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0][0].clone().unwrap_or_else(|| panic!("{sql}: NULL"))
}

/// A global status variable of a MariaDB server.
fn status(conn: &mut dyn Connection, name: &str) -> String {
    value(
        conn,
        &format!(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS \
             WHERE VARIABLE_NAME = '{name}'"
        ),
    )
}

#[test]
fn every_galera_node_is_synced_in_one_cluster_of_three() {
    let mut cluster_ids = Vec::new();
    for (i, url) in galera_urls().iter().enumerate() {
        let mut conn = connect(url).unwrap_or_else(|e| panic!("node {}: {e}", i + 1));
        assert_eq!(
            value(&mut *conn, "SELECT @@wsrep_on"),
            "1",
            "node {}",
            i + 1
        );
        assert_eq!(status(&mut *conn, "WSREP_READY"), "ON", "node {}", i + 1);
        assert_eq!(
            status(&mut *conn, "WSREP_LOCAL_STATE_COMMENT"),
            "Synced",
            "node {}",
            i + 1
        );
        assert_eq!(
            status(&mut *conn, "WSREP_CLUSTER_SIZE"),
            "3",
            "node {}",
            i + 1
        );
        cluster_ids.push(status(&mut *conn, "WSREP_CLUSTER_STATE_UUID"));
    }
    cluster_ids.dedup();
    assert_eq!(cluster_ids.len(), 1, "three clusters: {cluster_ids:?}");
}

#[test]
fn a_row_written_through_one_galera_node_is_read_through_another() {
    let db = ClusterDb::new(module_path!());
    let mut node1 = db.connect(0);
    node1
        .execute("CREATE TABLE account (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)")
        .unwrap();

    // Causal reads and writes: wait until the node has applied everything
    // the cluster committed before (the CREATE TABLE included).
    let mut node2 = db.connect(1);
    node2.execute("SET SESSION wsrep_sync_wait = 15").unwrap();
    let changed = node2
        .execute("INSERT INTO account (id, name) VALUES (1, 'ada'), (2, 'grace')")
        .unwrap();
    assert_eq!(changed, 2);

    let mut node3 = db.connect(2);
    node3.execute("SET SESSION wsrep_sync_wait = 1").unwrap();
    let names = node3
        .query_column("SELECT name FROM account ORDER BY id")
        .unwrap();
    assert_eq!(names, ["ada", "grace"]);
}

#[test]
fn the_galera_cluster_refuses_a_table_without_a_primary_key() {
    let db = ClusterDb::new(module_path!());
    let mut node1 = db.connect(0);
    let err = node1
        .execute("CREATE TABLE no_key (a INT NOT NULL, b VARCHAR(10))")
        .expect_err("a table without a primary key was created");
    let text = err.to_string();
    assert!(text.contains("requires a primary key"), "{text}");
    // Nor can a key be dropped later.
    node1
        .execute("CREATE TABLE keyed (a INT PRIMARY KEY)")
        .unwrap();
    let err = node1
        .execute("ALTER TABLE keyed DROP PRIMARY KEY")
        .expect_err("the primary key was dropped");
    assert!(err.to_string().contains("requires a primary key"), "{err}");
}

#[test]
fn pgbouncer_runs_statements_in_transaction_pooling_mode() {
    let db = TestDb::pgbouncer(module_path!());
    let mut conn = db.connect();
    conn.execute("CREATE TABLE account (id INT PRIMARY KEY, name TEXT NOT NULL)")
        .unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO account VALUES (1, 'ada')")
        .unwrap();
    conn.execute("INSERT INTO account VALUES (2, 'grace')")
        .unwrap();
    conn.commit().unwrap();
    let names = conn
        .query_column("SELECT name FROM account ORDER BY id")
        .unwrap();
    assert_eq!(names, ["ada", "grace"]);

    // PgBouncer's own console: this database has a pool, in transaction mode.
    let console = with_database(&pgbouncer_url(), "pgbouncer");
    let mut admin = connect(&console).unwrap_or_else(|e| panic!("{e}"));
    let pools = admin.query_strings("SHOW POOLS").unwrap();
    let database = db.url.server().unwrap().database.clone().unwrap();
    let pool = pools
        .iter()
        .find(|row| row[0].as_deref() == Some(database.as_str()))
        .unwrap_or_else(|| panic!("no pool for {database}: {pools:?}"));
    assert!(
        pool.iter().any(|v| v.as_deref() == Some("transaction")),
        "{pool:?}"
    );
}

/// In transaction pooling, a client has a server session only for the
/// length of a transaction: what a statement leaves in the session (a
/// `SET`, a session advisory lock) stays with that server connection, which
/// the next transaction of another client may get. So retort's lock must
/// not rely on session state behind PgBouncer: a session advisory lock taken
/// by one statement is "held" by whichever client gets that server next, and
/// cannot be released by the client that took it.
///
/// The database is fresh, so its pool starts with one server connection,
/// and PgBouncer hands out the most recently used idle one first (LIFO).
#[test]
fn pgbouncer_session_state_does_not_survive_across_transactions() {
    let db = TestDb::pgbouncer(module_path!());
    let mut a = db.connect();
    let mut b = db.connect();

    // A `SET` outside a transaction stays on the server, not with client a.
    a.execute("SET statement_timeout = '4321ms'").unwrap();
    b.begin().unwrap(); // b now holds the server a's SET ran on
    assert_eq!(value(&mut *a, "SHOW statement_timeout"), "0");
    assert_eq!(value(&mut *b, "SHOW statement_timeout"), "4321ms");
    b.commit().unwrap();

    // A session advisory lock taken by a: b gets it too, a cannot release it.
    assert_eq!(value(&mut *a, "SELECT pg_advisory_lock(7)::text"), "");
    b.begin().unwrap(); // b now holds the server that took the lock
    assert_eq!(
        value(&mut *b, "SELECT pg_try_advisory_lock(7)::text"),
        "true"
    );
    assert_eq!(
        value(&mut *a, "SELECT pg_advisory_unlock(7)::text"),
        "false"
    );
    b.commit().unwrap();
}
