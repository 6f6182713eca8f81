//! TLS and Unix sockets on the PostgreSQL and MariaDB test servers:
//! `./scripts/test.sh` makes a throw-away CA whose server certificate names
//! `localhost` only (so 127.0.0.1 is a host name mismatch), a wrong CA and
//! a client certificate; the roles and users `retort_tls` (TLS only),
//! `retort_cert` (PostgreSQL, client certificate) and `retort_x509`
//! (MariaDB, `REQUIRE X509`).

use retort_db::{Connection, DatabaseUrl, VersionTable, connect};

use crate::support::servers::var;
use crate::support::{TestDb, mysql_url, pgbouncer_url, postgres_url};

fn ca() -> String {
    var("RETORT_TEST_TLS_CA")
}

fn port(url: &DatabaseUrl) -> u16 {
    url.server().and_then(|s| s.port).expect("a port")
}

/// A URL on the PostgreSQL test server as `userinfo` at `host`.
fn pg(userinfo: &str, host: &str, params: &str) -> DatabaseUrl {
    let raw = format!(
        "postgresql://{userinfo}@{host}:{}/postgres?{params}",
        port(&postgres_url())
    );
    DatabaseUrl::parse(&raw).unwrap()
}

/// A URL on the MariaDB test server as `userinfo` at `host`.
fn my(userinfo: &str, host: &str, params: &str) -> DatabaseUrl {
    let raw = format!(
        "mysql://{userinfo}@{host}:{}/mysql?{params}",
        port(&mysql_url())
    );
    DatabaseUrl::parse(&raw).unwrap()
}

fn open(url: &DatabaseUrl) -> Box<dyn Connection> {
    connect(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// The connection error's text, checked to hold no password.
fn refused(url: &DatabaseUrl) -> String {
    match connect(url) {
        Ok(_) => panic!("{url} connected"),
        Err(e) => {
            let text = e.to_string();
            assert!(!text.contains("secret"), "{text}");
            text
        }
    }
}

fn scalar(conn: &mut dyn Connection, sql: &str) -> Option<String> {
    conn.query_strings(sql)
        .unwrap()
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().last().flatten())
}

fn pg_encrypted(url: &DatabaseUrl) -> bool {
    let mut conn = open(url);
    let ssl = scalar(
        conn.as_mut(),
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    );
    ssl.as_deref() == Some("t")
}

fn my_encrypted(url: &DatabaseUrl) -> bool {
    let mut conn = open(url);
    let cipher = scalar(conn.as_mut(), "SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    cipher.is_some_and(|c| !c.is_empty())
}

#[test]
fn pg_verify_full_with_the_right_ca_is_encrypted() {
    let url = pg(
        "retort:secret",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    );
    assert!(pg_encrypted(&url));
}

#[test]
fn pg_the_wrong_ca_names_sslrootcert() {
    let wrong = var("RETORT_TEST_TLS_WRONG_CA");
    let url = pg(
        "retort:secret",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={wrong}"),
    );
    let text = refused(&url);
    assert!(
        text.contains(&format!(
            "not signed by a CA in sslrootcert={wrong} (UnknownIssuer)"
        )),
        "{text}"
    );
    assert!(text.contains("set sslrootcert"), "{text}");
    assert!(text.contains("sslmode=require"), "{text}");
}

#[test]
fn pg_verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let params = |mode: &str| format!("sslmode={mode}&sslrootcert={}", ca());
    let text = refused(&pg("retort:secret", "127.0.0.1", &params("verify-full")));
    assert!(
        text.contains("not valid for the host name 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("set sslmode=verify-ca"), "{text}");
    assert!(pg_encrypted(&pg(
        "retort:secret",
        "127.0.0.1",
        &params("verify-ca")
    )));
}

#[test]
fn pg_require_and_the_default_prefer_encrypt_without_a_ca() {
    assert!(pg_encrypted(&pg(
        "retort:secret",
        "127.0.0.1",
        "sslmode=require"
    )));
    assert!(pg_encrypted(&postgres_url()));
    assert!(!pg_encrypted(&pg(
        "retort:secret",
        "127.0.0.1",
        "sslmode=disable"
    )));
    assert!(!pg_encrypted(&pg(
        "retort:secret",
        "127.0.0.1",
        "sslmode=allow"
    )));
}

#[test]
fn pg_prefer_falls_back_to_plain_on_pgbouncer_without_tls() {
    let mut conn = open(&pgbouncer_url());
    assert_eq!(scalar(conn.as_mut(), "SELECT 1").as_deref(), Some("1"));
    let url = DatabaseUrl::parse(&format!("{}?sslmode=require", pgbouncer_url())).unwrap();
    let text = refused(&url);
    assert!(text.contains("PostgreSQL"), "{text}");
}

#[test]
fn pg_disable_against_a_tls_only_role_says_the_server_requires_tls() {
    let text = refused(&pg("retort_tls:secret", "127.0.0.1", "sslmode=disable"));
    assert!(
        text.contains("the server requires TLS: remove sslmode=disable or set sslmode=require"),
        "{text}"
    );
    assert!(pg_encrypted(&pg(
        "retort_tls:secret",
        "127.0.0.1",
        "sslmode=require"
    )));
    // allow tries plain first, then TLS.
    assert!(pg_encrypted(&pg(
        "retort_tls:secret",
        "127.0.0.1",
        "sslmode=allow"
    )));
}

#[test]
fn pg_client_certificate_logs_in() {
    let cert = var("RETORT_TEST_TLS_CLIENT_CERT");
    let key = var("RETORT_TEST_TLS_CLIENT_KEY");
    let url = pg(
        "retort_cert",
        "localhost",
        &format!(
            "sslmode=verify-full&sslrootcert={}&sslcert={cert}&sslkey={key}",
            ca()
        ),
    );
    let mut conn = open(&url);
    assert_eq!(
        scalar(conn.as_mut(), "SELECT current_user").as_deref(),
        Some("retort_cert")
    );
    let without = pg(
        "retort_cert",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    );
    refused(&without);
}

#[test]
fn pg_a_missing_sslrootcert_is_named() {
    let url = pg(
        "retort:secret",
        "localhost",
        "sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
    );
    let text = refused(&url);
    assert!(
        text.contains("sslrootcert=/nonexistent/ca.pem: the file does not exist"),
        "{text}"
    );
}

#[test]
fn pg_unix_socket_in_both_url_forms() {
    let db = TestDb::postgres("pg_unix_socket");
    let name = db.url.server().unwrap().database.clone().unwrap();
    let dir = var("RETORT_TEST_POSTGRES_SOCKET_DIR");
    let port = port(&postgres_url());
    let encoded = dir.replace('/', "%2F");
    for raw in [
        format!("postgresql://retort@:{port}/{name}?host={dir}"),
        format!("postgresql://retort@{encoded}:{port}/{name}?sslmode=verify-full"),
    ] {
        let url = DatabaseUrl::parse(&raw).unwrap();
        let mut conn = open(&url);
        // No server address: a Unix socket.
        assert_eq!(scalar(conn.as_mut(), "SELECT inet_server_addr()"), None);
        VersionTable::new("retort_version", None)
            .ensure(conn.as_mut())
            .unwrap();
        let table = scalar(
            conn.as_mut(),
            "SELECT count(*) FROM pg_tables WHERE tablename = 'retort_version'",
        );
        assert_eq!(table.as_deref(), Some("1"));
    }
}

#[test]
fn mysql_verify_identity_with_the_right_ca_is_encrypted() {
    let url = my(
        "retort:secret",
        "localhost",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={}", ca()),
    );
    assert!(my_encrypted(&url));
}

#[test]
fn mysql_the_wrong_ca_names_ssl_ca() {
    let wrong = var("RETORT_TEST_TLS_WRONG_CA");
    let url = my(
        "retort:secret",
        "localhost",
        &format!("ssl_mode=verify_identity&ssl_ca={wrong}"),
    );
    let text = refused(&url);
    assert!(
        text.contains(&format!(
            "not signed by a CA in ssl-ca={wrong} (UnknownIssuer)"
        )),
        "{text}"
    );
    assert!(text.contains("set ssl-ca"), "{text}");
    assert!(text.contains("ssl-mode=REQUIRED"), "{text}");
}

#[test]
fn mysql_verify_identity_checks_the_host_name_and_verify_ca_does_not() {
    let params = |mode: &str| format!("ssl-mode={mode}&ssl-ca={}", ca());
    let text = refused(&my(
        "retort:secret",
        "127.0.0.1",
        &params("VERIFY_IDENTITY"),
    ));
    assert!(
        text.contains("not valid for the host name 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("set ssl-mode=VERIFY_CA"), "{text}");
    assert!(my_encrypted(&my(
        "retort:secret",
        "127.0.0.1",
        &params("VERIFY_CA")
    )));
    // ssl-ca alone means VERIFY_CA.
    assert!(my_encrypted(&my(
        "retort:secret",
        "127.0.0.1",
        &format!("ssl-ca={}", ca())
    )));
}

#[test]
fn mysql_required_and_the_default_preferred_encrypt_without_a_ca() {
    assert!(my_encrypted(&my(
        "retort:secret",
        "127.0.0.1",
        "ssl-mode=REQUIRED"
    )));
    assert!(my_encrypted(&mysql_url()));
    assert!(!my_encrypted(&my(
        "retort:secret",
        "127.0.0.1",
        "ssl-mode=disabled"
    )));
}

#[test]
fn mysql_disabled_for_a_require_ssl_user_says_the_server_requires_tls() {
    let text = refused(&my("retort_tls:secret", "127.0.0.1", "ssl-mode=DISABLED"));
    assert!(
        text.contains("the server requires TLS: remove ssl-mode=DISABLED or set ssl-mode=REQUIRED"),
        "{text}"
    );
    assert!(my_encrypted(&my(
        "retort_tls:secret",
        "127.0.0.1",
        "ssl-mode=REQUIRED"
    )));
}

#[test]
fn mysql_client_certificate_logs_in_a_require_x509_user() {
    let cert = var("RETORT_TEST_TLS_CLIENT_CERT");
    let key = var("RETORT_TEST_TLS_CLIENT_KEY");
    let url = my(
        "retort_x509:secret",
        "localhost",
        &format!(
            "ssl-mode=VERIFY_IDENTITY&ssl-ca={}&ssl-cert={cert}&ssl-key={key}",
            ca()
        ),
    );
    assert!(my_encrypted(&url));
    refused(&my("retort_x509:secret", "127.0.0.1", "ssl-mode=REQUIRED"));
}

#[test]
fn mysql_a_missing_ssl_ca_is_named() {
    let text = refused(&my(
        "retort:secret",
        "localhost",
        "ssl-mode=VERIFY_CA&ssl-ca=/nonexistent/ca.pem",
    ));
    assert!(
        text.contains("ssl-ca=/nonexistent/ca.pem: the file does not exist"),
        "{text}"
    );
}

#[test]
fn mysql_unix_socket_in_both_spellings() {
    let db = TestDb::mysql("mysql_unix_socket");
    let name = db.url.server().unwrap().database.clone().unwrap();
    let socket = var("RETORT_TEST_MYSQL_SOCKET");
    for param in ["socket", "unix_socket"] {
        let url = DatabaseUrl::parse(&format!(
            "mysql://retort:secret@localhost/{name}?{param}={socket}&ssl-mode=VERIFY_IDENTITY"
        ))
        .unwrap();
        let mut conn = open(&url);
        // Not TCP: MariaDB reports no TLS on its socket.
        let host = scalar(
            conn.as_mut(),
            "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()",
        );
        assert_eq!(host.as_deref(), Some("localhost"), "{param}");
        VersionTable::new("retort_version", None)
            .ensure(conn.as_mut())
            .unwrap();
        let table = scalar(
            conn.as_mut(),
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = 'retort_version'",
        );
        assert_eq!(table.as_deref(), Some("1"));
    }
}
