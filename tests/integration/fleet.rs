//! Fleet runs (`--fleet SOURCE`): one command over many databases, mixed
//! SQLite files, PostgreSQL schemas and MariaDB databases; stopping at a
//! failure or going on; the JSON report; re-runs that finish what an
//! interrupted run left.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::harness::{Project, Run};
use crate::migrate_db::{Db, Kind};

/// Three revisions every dialect runs: a table, a column, then a unique
/// index (which a tenant with duplicate emails fails).
fn project() -> Project {
    let p = Project::init();
    p.write(
        "migrations/versions/a1_account.toml",
        r#"revision = "a1"
message = "create account"

[[upgrade]]
op = "create_table"
table = "account"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "email", type = "varchar(100)" },
]

[[downgrade]]
op = "drop_table"
table = "account"
"#,
    );
    p.write(
        "migrations/versions/b2_name.toml",
        r#"revision = "b2"
down_revision = "a1"
message = "add name"

[[upgrade]]
op = "add_column"
table = "account"
column = { name = "name", type = "varchar(50)" }

[[downgrade]]
op = "drop_column"
table = "account"
column = "name"
"#,
    );
    p.write(
        "migrations/versions/c3_unique_email.toml",
        r#"revision = "c3"
down_revision = "b2"
message = "unique email"

[[upgrade]]
op = "create_index"
name = "ux_account_email"
table = "account"
columns = ["email"]
unique = true

[[downgrade]]
op = "drop_index"
name = "ux_account_email"
table = "account"
"#,
    );
    p
}

fn json(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Value>(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e})\n{}", run.describe()))
        .as_array()
        .expect("an array")
        .clone()
}

fn statuses(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

fn count(results: &[Value], status: &str) -> usize {
    statuses(results).iter().filter(|s| **s == status).count()
}

/// 200 SQLite files, 50 PostgreSQL schemas and 20 MariaDB databases in one
/// URL file; one SQLite tenant fails midway (its second revision, on its
/// data). Stop, then go on, then fix and finish.
#[test]
fn mixed_fleet_stops_continues_and_reruns() {
    let p = project();
    let pg = Db::fresh(Kind::Postgres, &p);
    let schemas: Vec<String> = (0..50)
        .map(|i| format!("CREATE SCHEMA tenant_{i};"))
        .collect();
    pg.sql(&schemas.join(" "));
    pg.sql("CREATE SCHEMA billing;");
    let maria: Vec<Db> = (0..20).map(|_| Db::fresh(Kind::Mysql, &p)).collect();
    std::fs::create_dir(p.path("sites")).unwrap();
    let site = |i: usize| format!("sqlite:///sites/site_{i}.db");
    let mut lines = vec![
        "# every tenant of the application".to_owned(),
        String::new(),
    ];
    lines.extend((0..100).map(site));
    lines.push(format!("{}?schemas=tenant_*", pg.url));
    lines.extend(
        maria
            .iter()
            .enumerate()
            .map(|(i, db)| format!("shop_{i} {}", db.url)),
    );
    lines.extend((100..200).map(site));
    p.write("tenants.txt", &(lines.join("\n") + "\n"));
    let fleet = ["--fleet", "tenants.txt", "-j", "4"];

    // Everyone to a1; then the tenant at position 170 gets duplicate emails.
    let run = p.ok(&[&["upgrade", "a1", "--format", "json"][..], &fleet].concat());
    let results = json(&run);
    assert_eq!(results.len(), 270);
    assert_eq!(count(&results, "ok"), 270, "{}", run.stdout);
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[100], "tenant_0");
    assert_eq!(names[149], "tenant_49");
    assert_eq!(names[150], "shop_0");
    assert_eq!(names[170], "site_100");
    assert_eq!(results[100]["schema"], "tenant_0");
    let secrets: Vec<String> = [password(&pg.url), password(&maria[0].url)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    for secret in &secrets {
        assert!(
            !run.stdout.contains(secret.as_str()),
            "a password is printed"
        );
    }
    let bad = Db::fresh_named(Kind::Sqlite, &p, "sites/site_100.db");
    bad.sql("INSERT INTO account (email) VALUES ('a@example.com'), ('a@example.com')");

    // Stop at the failure (the default): those not started are skipped.
    let run = p.run(&[&["upgrade", "--format", "json"][..], &fleet].concat());
    run.code_is(1).stderr_has("1 of 270 database(s) failed and");
    let results = json(&run);
    assert_eq!(count(&results, "failed"), 1, "{}", run.stdout);
    let failed = &results[170];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["after"], serde_json::json!(["b2"]), "midway: b2 ran");
    assert_eq!(failed["steps"][0]["revision"], "b2");
    assert!(
        failed["error"].as_str().unwrap().contains("UNIQUE"),
        "{failed}"
    );
    let skipped = count(&results, "skipped");
    assert!(skipped >= 90, "{skipped} skipped\n{}", run.stdout);
    for (i, r) in results.iter().enumerate() {
        match r["status"].as_str().unwrap() {
            "skipped" => {
                assert!(i > 170, "{i} skipped before the failure");
                assert!(r.get("steps").is_none() && r.get("after").is_none(), "{r}");
            }
            "ok" => assert_eq!(r["after"], serde_json::json!(["c3"]), "{r}"),
            _ => {}
        }
    }

    // --continue-on-error: every other database, and the report says which
    // were already at head.
    let run = p.run(
        &[
            &["upgrade", "--continue-on-error", "--format", "json"][..],
            &fleet,
        ]
        .concat(),
    );
    run.code_is(1);
    let results = json(&run);
    assert_eq!(count(&results, "failed"), 1);
    assert_eq!(count(&results, "skipped"), 0);
    let already = results
        .iter()
        .filter(|r| r["status"] == "ok" && r["steps"] == serde_json::json!([]))
        .count();
    assert_eq!(
        already,
        270 - 1 - skipped,
        "the first run's databases had nothing to do"
    );
    assert!(results[100]["url"].as_str().unwrap().contains(":***@") || secrets.is_empty());
    for secret in &secrets {
        assert!(!run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()));
    }

    // Fixed, the same command finishes the rest: exit 0, all at head.
    bad.sql("DELETE FROM account WHERE id > 1");
    let run = p.ok(&[&["upgrade"][..], &fleet].concat());
    run.stdout_has("ok site_100: 1 revision (b2 -> c3) in ")
        .stdout_has("ok tenant_7: already at head (c3) in ")
        .stdout_has("270 database(s): 270 ok (269 with nothing to do), 0 failed, 0 not attempted");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 271, "{}", run.stdout);

    // Each schema has its own version table and tables; public has none.
    assert_eq!(
        pg.rows("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name IN ('account', 'retort_version') AND table_schema IN ('public', 'tenant_7', 'billing') ORDER BY 1"),
        ["tenant_7.account", "tenant_7.retort_version"]
    );
    assert_eq!(
        pg.rows("SELECT version_num FROM tenant_49.retort_version"),
        ["c3"]
    );
    assert_eq!(maria[19].versions(), ["c3"]);
    assert_eq!(maria[0].indexes("account"), ["ux_account_email"]);
}

/// `?schemas=PATTERN` lists the matching schemas of a PostgreSQL database,
/// in natural order; each run's search_path is its schema.
#[test]
fn postgres_schemas_by_pattern() {
    let p = project();
    let pg = Db::fresh(Kind::Postgres, &p);
    pg.sql("CREATE SCHEMA tenant_1; CREATE SCHEMA tenant_10; CREATE SCHEMA tenant_2; CREATE SCHEMA other_1; CREATE SCHEMA \"Tenant_X\";");
    let source = format!("{}?schemas=tenant_*,Tenant_?", pg.url);
    let run = p.ok(&["upgrade", "--fleet", &source, "b2"]);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(names, ["Tenant_X", "tenant_1", "tenant_2", "tenant_10"]);
    let secret = password(&pg.url);
    assert!(secret.is_empty() || !run.stdout.contains(&secret));
    assert_eq!(
        pg.rows("SELECT table_schema FROM information_schema.tables WHERE table_name = 'account' ORDER BY 1"),
        ["Tenant_X", "tenant_1", "tenant_10", "tenant_2"]
    );
    let run = p.ok(&["current", "--fleet", &source, "--format", "json"]);
    let results = json(&run);
    assert_eq!(results[1]["schema"], "tenant_1");
    assert_eq!(results[1]["after"], serde_json::json!(["b2"]));
    assert_eq!(results[1]["at_head"], false);
    p.run(&["current", "--fleet", &source, "--check-heads"])
        .code_is(1)
        .stderr_has("4 of 4 database(s) are not on all head revisions");
    // check reads each tenant's own schema (search_path).
    p.ok(&["upgrade", "--fleet", &source, "-j", "4"]);
    p.write(
        "models.sql",
        "CREATE TABLE account (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(50));\n\
         CREATE UNIQUE INDEX ux_account_email ON account (email);\n",
    );
    p.ok(&[
        "check",
        "--fleet",
        &source,
        "--models",
        "models.sql",
        "-j",
        "2",
    ])
    .stdout_has("4 database(s): 4 ok, 0 failed, 0 not attempted");
    pg.sql("ALTER TABLE tenant_2.account ADD COLUMN extra integer");
    let run = p.run(&[
        "check",
        "--fleet",
        &source,
        "--models",
        "models.sql",
        "--format",
        "json",
    ]);
    run.code_is(1);
    let results = json(&run);
    assert_eq!(statuses(&results), ["ok", "ok", "failed", "ok"]);
    assert_eq!(results[2]["changes"][0]["kind"], "remove_column");
    let none = format!("{}?schemas=nobody_*", pg.url);
    p.run(&["upgrade", "--fleet", &none])
        .code_is(1)
        .stderr_has("no database matches");
}

/// Through a pooler that drops the `options` startup parameter (the test
/// PgBouncer ignores it, as many deployments do), a tenant's connection
/// does not get its search_path: every connection retort opens checks it,
/// so the fleet refuses each tenant, saying why, and nothing lands anywhere (before the check, the first
/// tenant's tables were created in `public` and recorded as applied in the
/// tenant's schema).
#[test]
fn tenant_schemas_through_a_pooler_that_drops_options_are_refused() {
    let p = project();
    let pg = Db::fresh(Kind::Postgres, &p);
    pg.sql("CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b;");
    let pooler = crate::harness::pgbouncer_url();
    let base = pooler.rsplit_once('/').unwrap().0;
    let source = format!("{base}/{}?schemas=tenant_*", pg.name);
    let run = p.run(&["upgrade", "--fleet", &source, "--continue-on-error"]);
    run.code_is(1)
        .stdout_has("failed tenant_a: ")
        .stdout_has("failed tenant_b: ")
        .stdout_has("the server did not apply the search_path that the URL's options parameter sets (\"tenant_a\")")
        .stdout_has("ignore_startup_parameters");
    assert!(!run.stdout.contains("secret"), "{}", run.stdout);
    assert_eq!(
        pg.rows("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"),
        Vec::<String>::new()
    );
    // Straight to the server, the same fleet runs.
    let direct = format!("{}?schemas=tenant_*", pg.url);
    p.ok(&["upgrade", "--fleet", &direct]);
    assert_eq!(
        pg.rows("SELECT table_schema FROM information_schema.tables WHERE table_name = 'account' ORDER BY 1"),
        ["tenant_a", "tenant_b"]
    );
}

/// `?schemas=PATTERN` on a MySQL/MariaDB URL lists the server's databases.
#[test]
fn mysql_databases_by_pattern() {
    let p = project();
    let db = Db::fresh(Kind::Mysql, &p);
    for t in ["t1", "t2", "t10"] {
        db.sql(&format!("CREATE DATABASE {}_{t}", db.name));
    }
    let (server, _) = db.url.rsplit_once('/').unwrap();
    let source = format!("{server}/?schemas={}_t*", db.name);
    let run = p.ok(&["upgrade", "--fleet", &source, "-j", "3", "--format", "json"]);
    let results = json(&run);
    let names: Vec<String> = results
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = ["t1", "t2", "t10"]
        .iter()
        .map(|t| format!("{}_{t}", db.name))
        .collect();
    assert_eq!(names, expected);
    assert_eq!(count(&results, "ok"), 3);
    assert_eq!(
        db.rows(&format!(
            "SELECT version_num FROM {}_t10.retort_version",
            db.name
        )),
        ["c3"]
    );
}

fn password(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.rsplit_once('@'))
        .and_then(|(auth, _)| auth.split_once(':'))
        .map(|(_, pw)| pw.to_owned())
        .unwrap_or_default()
}

fn sqlite_tenants(p: &Project, n: usize) {
    std::fs::create_dir_all(p.path("tenants")).unwrap();
    for i in 1..=n {
        std::fs::write(p.path(&format!("tenants/tenant_{i}.db")), "").unwrap();
    }
}

/// A glob of SQLite files, text lines, and "already at head" on a re-run.
#[test]
fn sqlite_glob() {
    let p = project();
    sqlite_tenants(&p, 12);
    std::fs::write(p.path("tenants/notes.txt"), "not a database").unwrap();
    let glob = "sqlite:///tenants/*.db";
    let run = p.ok(&["upgrade", "--fleet", glob, "-j", "3"]);
    assert_eq!(run.stdout.lines().count(), 13, "{}", run.stdout);
    run.stdout_has("ok tenant_12: 3 revisions (base -> c3) in ")
        .stdout_has("12 database(s): 12 ok (0 with nothing to do), 0 failed, 0 not attempted");
    assert!(
        run.stderr.is_empty(),
        "no progress when quick and not a terminal:\n{}",
        run.stderr
    );
    // -j 1 keeps the order: natural, 2 before 10.
    let run = p.ok(&["upgrade", "--fleet", glob]);
    let first: Vec<&str> = run.stdout.lines().take(3).collect();
    assert!(
        first[0].starts_with("ok tenant_1: already at head (c3) in "),
        "{}",
        run.stdout
    );
    assert!(
        first[1].starts_with("ok tenant_2: already at head (c3) in "),
        "{}",
        run.stdout
    );
    run.stdout_has("12 database(s): 12 ok (12 with nothing to do)");
    p.run(&["upgrade", "--fleet", "sqlite:///nowhere/*.db"])
        .code_is(1)
        .stderr_has("error: --fleet sqlite:///nowhere/*.db: no database matches");
}

/// A fleet run killed midway, run again, finishes the rest.
#[test]
fn killed_run_is_finished_by_a_rerun() {
    let p = project();
    sqlite_tenants(&p, 200);
    let glob = "sqlite:///tenants/*.db";
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("retort"))
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .args(["upgrade", "--fleet", glob])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start retort");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut done = 0;
    let mut line = String::new();
    while done < 20 && reader.read_line(&mut line).unwrap() > 0 {
        assert!(line.starts_with("ok "), "{line}");
        done += 1;
        line.clear();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(done, 20, "the run ended before it could be killed");
    let run = p.ok(&["current", "--fleet", glob, "--format", "json"]);
    let behind = json(&run).iter().filter(|r| r["at_head"] == false).count();
    assert!(behind >= 100, "{behind} databases behind after the kill");

    let run = p.ok(&["upgrade", "--fleet", glob, "-j", "2", "--format", "json"]);
    let results = json(&run);
    assert_eq!(count(&results, "ok"), 200);
    let idle = results
        .iter()
        .filter(|r| r["steps"] == serde_json::json!([]))
        .count();
    assert_eq!(
        idle,
        200 - behind,
        "the killed run's databases had nothing to do"
    );
    p.ok(&["current", "--fleet", glob, "--check-heads"]);
}

/// `current`, `check` and `downgrade` over a fleet.
#[test]
fn current_check_and_downgrade_over_a_fleet() {
    let p = project();
    sqlite_tenants(&p, 3);
    let glob = "sqlite:///tenants/*.db";
    p.ok(&["upgrade", "--fleet", glob]);
    let run = p.ok(&["current", "--fleet", glob]);
    run.stdout_has("ok tenant_1: c3 (head)\nok tenant_2: c3 (head)\nok tenant_3: c3 (head)\n3 database(s): 3 ok (3 at head), 0 failed, 0 not attempted\n");

    p.write(
        "models.sql",
        "CREATE TABLE account (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(50));\nCREATE UNIQUE INDEX ux_account_email ON account (email);\n",
    );
    p.ok(&["check", "--fleet", glob, "--models", "models.sql"])
        .stdout_has("ok tenant_2: no changes in ");
    let t2 = Db::fresh_named(Kind::Sqlite, &p, "tenants/tenant_2.db");
    t2.sql("CREATE TABLE stray (id INTEGER PRIMARY KEY)");
    let run = p.run(&[
        "check",
        "--fleet",
        glob,
        "--models",
        "models.sql",
        "--format",
        "json",
    ]);
    run.code_is(1)
        .stderr_has("new upgrade operations detected in 1 of 3 database(s)");
    let results = json(&run);
    assert_eq!(statuses(&results), ["ok", "failed", "ok"]);
    assert_eq!(results[1]["changes"][0]["kind"], "remove_table");
    assert_eq!(results[0]["changes"], serde_json::json!([]));

    let run = p.ok(&["downgrade", "--fleet", glob, "-j", "2"]);
    run.stdout_has("ok tenant_3: 1 revision (c3 -> b2) in ");
    let run = p.ok(&["downgrade", "--fleet", glob, "b2"]);
    run.stdout_has("ok tenant_1: nothing to do, at b2 in ");
    p.run(&["current", "--fleet", glob, "--check-heads"])
        .code_is(1);
}

/// Options that need --fleet, and bad values.
#[test]
fn fleet_options_are_checked() {
    let p = project();
    p.run(&["upgrade", "-j", "2"])
        .code_is(1)
        .stderr_has("--fleet");
    p.run(&["upgrade", "--fleet", "x.txt", "-j", "0"])
        .code_is(1);
    p.run(&["upgrade", "--fleet", "x.txt", "--sql"]).code_is(1);
    p.run(&["upgrade", "--fleet", "x.txt", "--url", "sqlite:///a.db"])
        .code_is(1)
        .stderr_has("error: --fleet names the databases, and --url one database");
    p.run(&["upgrade", "--fleet", "missing.txt"])
        .code_is(1)
        .stderr_has("--fleet missing.txt: cannot read the file of URLs");
    p.write("bad.txt", "sqlite:///a.db\nnot a url\n");
    p.run(&["upgrade", "--fleet", "bad.txt"])
        .code_is(1)
        .stderr_has("--fleet bad.txt: line 2:");
}
