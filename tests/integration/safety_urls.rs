//! A password never reaches the terminal: malformed URLs, URLs the drivers
//! refuse and URLs whose server cannot be reached are all reported with
//! their secrets masked.

use crate::harness::Project;
use crate::migrate_db::assert_failed;

const PASSWORD: &str = "S3cr3tPw";

/// URLs that are wrong in some way, each holding [`PASSWORD`] (whole or in
/// pieces) where a password could be.
const BAD_URLS: &[&str] = &[
    // One slash, three slashes, no scheme at all.
    "postgresql:/user:S3cr3tPw@host/db",
    "postgresql:///user:S3cr3tPw@host/db",
    "mysql:user:S3cr3tPw@host/db",
    "user:S3cr3tPw@host/db",
    // Characters a password should have percent-encoded.
    "postgresql://user:S3c/r3tPw@host/db",
    "postgresql://user:S3cr3tPw?x@host/db",
    "postgresql://user:S3cr3t#Pw@host/db",
    "postgresql://user:S3cr3tPw@@host/db",
    "postgresql://user:S3cr%zzPw@host/db",
    // No host, a bad port, a bad IPv6 address.
    "postgresql://user:S3cr3tPw",
    "postgresql://user:S3cr3tPw@host:port/db",
    "mysql+pymysql://user:S3cr3tPw@host:99999/db",
    "postgresql://user:S3cr3tPw@[::1/db",
    // Schemes retort does not know, or that take no host.
    "oracle://user:S3cr3tPw@host/db",
    "sqlite://user:S3cr3tPw@host/db",
    "sqlite:///user:S3cr3tPw@host/db",
    // Password parameters, which the drivers do not take.
    "mysql://user@host/db?password=S3cr3tPw",
    "mysql://user@host/db?pass=S3cr3tPw",
    "mysql://user@host/db?pwd=S3cr3tPw",
    "postgresql://user@host/db?sslpassword=S3cr3tPw",
    "postgresql://user@host/db?PassWord=S3cr3tPw&sslmode=disable",
    // Parameters a driver refuses, with the password in the URL.
    "postgresql://user:S3cr3tPw@host/db?sslmode=require",
    "mysql://user:S3cr3tPw@host/db?ssl=true",
    // Servers that refuse the connection.
    "postgresql://user:S3cr3tPw@127.0.0.1:1/db",
    "mariadb://user:S3cr3tPw@127.0.0.1:1/db",
];

#[test]
fn passwords_of_bad_urls_are_never_printed() {
    let p = Project::init();
    // Any three characters in a row of the password would give it away.
    let pieces: Vec<&str> = (0..=PASSWORD.len() - 3)
        .map(|i| &PASSWORD[i..i + 3])
        .collect();
    for url in BAD_URLS {
        let run = p.run(&["--url", url, "current"]);
        assert_failed(&run);
        let output = format!("{}{}", run.stdout, run.stderr);
        for piece in &pieces {
            assert!(
                !output.contains(piece),
                "{url}: the output shows {piece:?}, part of the password\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn passwords_in_the_environment_and_dotenv_are_never_printed() {
    let p = Project::init();
    let mut cmd = p.command(&["current"]);
    cmd.env("DATABASE_URL", "postgresql:/user:S3cr3tPw@host/db");
    let run = p.run_command(cmd, &["current"]);
    assert_failed(&run);
    assert!(!run.stderr.contains("r3tP"), "{}", run.describe());

    p.write(".env", "DATABASE_URL postgresql://user:S3cr3tPw@host/db\n");
    let run = p.run(&["current"]);
    assert_failed(&run);
    assert!(!run.stderr.contains("r3tP"), "{}", run.describe());
}
