//! The command line against the clustered servers that `./scripts/test.sh`
//! starts: PgBouncer in transaction pooling mode and each node of the
//! MariaDB Galera cluster.

use crate::harness::{ClusterDb, Project, galera_urls, pgbouncer_url};

#[test]
fn current_through_pgbouncer_on_a_database_without_revisions() {
    let p = Project::init();
    let run = p.ok(&["--url", &pgbouncer_url(), "current"]);
    assert_eq!(run.stdout, "", "{}", run.describe());
}

#[test]
fn current_on_every_galera_node_of_a_fresh_database() {
    assert_eq!(galera_urls().len(), 3);
    let db = ClusterDb::fresh();
    let p = Project::init();
    for url in &db.urls {
        let run = p.ok(&["--url", url, "current"]);
        assert_eq!(run.stdout, "", "{}", run.describe());
    }
}
