//! `retort upgrade` over TLS with a verified server certificate, and the
//! error of a certificate signed by a CA the URL does not trust: exit code
//! 1, the parameter to set, no password. `./scripts/test.sh` makes the
//! certificates (for the host name localhost) and sets `RETORT_TEST_TLS_*`.

use crate::harness::{Project, assert_clean_failure, rev};
use crate::migrate_db::{Db, Kind, table_rev, write_rev};

const A: &str = "715a00000001";

/// A test variable (its server started on first use), or a failure
/// (never a skip).
fn var(name: &str) -> String {
    crate::servers::var(name)
}

/// `db`'s URL at the host name the certificate names, with `params`.
fn at_localhost(db: &Db, params: &str) -> String {
    assert!(db.url.contains("@127.0.0.1:"), "{}", db.url);
    format!("{}?{params}", db.url.replace("@127.0.0.1:", "@localhost:"))
}

fn upgrade_verified_then_refuse_the_wrong_ca(kind: Kind, verified: &str, wrong: &str, root: &str) {
    let p = Project::init();
    write_rev(&p, &rev(A).message("first"), &table_rev(A));
    let db = Db::fresh(kind, &p);
    let url = at_localhost(
        &db,
        &format!("{verified}&{root}={}", var("RETORT_TEST_TLS_CA")),
    );
    let run = p.run(&["--url", &url, "upgrade"]);
    assert_eq!(run.code, 0, "{}", run.describe());
    assert!(db.tables().contains(&format!("t_{A}")), "{:?}", db.tables());

    let wrong_ca = var("RETORT_TEST_TLS_WRONG_CA");
    let url = at_localhost(&db, &format!("{wrong}&{root}={wrong_ca}"));
    let run = p.run(&["--url", &url, "current"]);
    assert_clean_failure(&run);
    run.stderr_has(&format!(
        "the server's certificate is not signed by a CA in {root}={wrong_ca} (UnknownIssuer): \
         set {root} to the CA that signed it"
    ));
    assert!(!run.stderr.contains("secret"), "{}", run.describe());
    assert!(!run.stdout.contains("secret"), "{}", run.describe());
}

#[test]
fn postgres_upgrade_over_verify_full_and_the_wrong_ca() {
    upgrade_verified_then_refuse_the_wrong_ca(
        Kind::Postgres,
        "sslmode=verify-full",
        "sslmode=verify-full",
        "sslrootcert",
    );
}

#[test]
fn mysql_upgrade_over_verify_identity_and_the_wrong_ca() {
    upgrade_verified_then_refuse_the_wrong_ca(
        Kind::Mysql,
        "ssl-mode=VERIFY_IDENTITY",
        "ssl-mode=VERIFY_CA",
        "ssl-ca",
    );
}

/// `retort upgrade` through the server's Unix socket (no TLS there,
/// whatever the mode says).
fn upgrade_over_the_socket(kind: Kind, url: impl Fn(&Db) -> String) {
    let p = Project::init();
    write_rev(&p, &rev(A).message("first"), &table_rev(A));
    let db = Db::fresh(kind, &p);
    let run = p.run(&["--url", &url(&db), "upgrade"]);
    assert_eq!(run.code, 0, "{}", run.describe());
    assert!(db.tables().contains(&format!("t_{A}")), "{:?}", db.tables());
}

#[test]
fn postgres_upgrade_over_the_unix_socket() {
    let dir = var("RETORT_TEST_POSTGRES_SOCKET_DIR");
    upgrade_over_the_socket(Kind::Postgres, |db| {
        let port = db
            .url
            .rsplit_once(':')
            .unwrap()
            .1
            .split('/')
            .next()
            .unwrap();
        format!(
            "postgresql://retort@{}:{port}/{}?sslmode=verify-full",
            dir.replace('/', "%2F"),
            db.name
        )
    });
}

#[test]
fn mysql_upgrade_over_the_unix_socket() {
    let socket = var("RETORT_TEST_MYSQL_SOCKET");
    upgrade_over_the_socket(Kind::Mysql, |db| {
        format!(
            "mysql://retort:secret@localhost/{}?socket={socket}",
            db.name
        )
    });
}
