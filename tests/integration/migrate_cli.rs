//! `current`, `history -i` and `current --format json` against each
//! database, and the clean failures (SPEC section 5): an unreachable
//! database, `downgrade --sql` without a range.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, assert_failed, per_db, table_rev, write_rev};

per_db!(
    current_and_history_show_the_database,
    unreachable_database_fails_cleanly,
    downgrade_sql_needs_a_range
);

const A: &str = "c1a000000001";
const B: &str = "c1a000000002";

fn project() -> Project {
    let p = Project::init();
    write_rev(&p, &rev(A).message("first"), &table_rev(A));
    write_rev(&p, &rev(B).down(&[A]).message("second"), &table_rev(B));
    p
}

fn current_and_history_show_the_database(kind: Kind) {
    let p = project();
    let db = Db::fresh(kind, &p);

    // Empty database: no rows, nothing current.
    let run = db.ok(&p, &["current"]);
    assert_eq!(run.stdout, "", "{}", run.describe());
    let json: serde_json::Value =
        serde_json::from_str(&db.ok(&p, &["current", "--format", "json"]).stdout)
            .expect("current --format json is JSON");
    assert_eq!(json, serde_json::json!([]));
    let history = db.ok(&p, &["history", "-i"]).stdout;
    assert!(!history.contains("(current)"), "{history}");

    db.ok(&p, &["upgrade", A]);
    let run = db.ok(&p, &["current"]);
    assert_eq!(run.stdout, format!("{A}\n"), "{}", run.describe());
    run.stderr_has("Database ");
    assert_eq!(
        db.ok(&p, &["history", "-i"]).stdout,
        format!("{A} -> {B} (head), second\n<base> -> {A} (current), first\n")
    );

    db.ok(&p, &["upgrade"]);
    assert_eq!(db.ok(&p, &["current"]).stdout, format!("{B} (head)\n"));
    assert_eq!(
        db.ok(&p, &["history", "-i"]).stdout,
        format!("{A} -> {B} (head) (current), second\n<base> -> {A}, first\n")
    );
    let verbose = db.ok(&p, &["current", "--verbose"]).stdout;
    assert!(
        verbose.contains(&format!("Rev: {B} (head)")) && verbose.contains("second"),
        "{verbose}"
    );

    let out = db.ok(&p, &["current", "--format", "json"]).stdout;
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows = json.as_array().expect("an array");
    assert_eq!(rows.len(), 1, "{out}");
    let row = &rows[0];
    assert_eq!(row["revision"], B, "{out}");
    assert_eq!(row["down_revisions"], serde_json::json!([A]), "{out}");
    assert_eq!(row["branch_labels"], serde_json::json!([]), "{out}");
    assert_eq!(row["depends_on"], serde_json::json!([]), "{out}");
    assert_eq!(row["message"], "second", "{out}");
    assert_eq!(row["is_head"], true, "{out}");
    assert!(
        row["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(&format!("{B}.toml"))),
        "{out}"
    );
    // -q: data only.
    let quiet = db.ok(&p, &["-q", "current"]);
    assert_eq!(quiet.stdout, format!("{B} (head)\n"));
    assert_eq!(quiet.stderr, "", "{}", quiet.describe());
}

fn closed_url(kind: Kind, p: &Project) -> String {
    match kind {
        Kind::Sqlite => format!("sqlite:///{}", p.path("no/such/folder/app.db").display()),
        Kind::Postgres => "postgresql://retort:secret@127.0.0.1:1/nothing".into(),
        Kind::Mysql => "mysql://retort:secret@127.0.0.1:1/nothing".into(),
    }
}

fn unreachable_database_fails_cleanly(kind: Kind) {
    let p = project();
    let url = closed_url(kind, &p);
    for args in [
        vec!["current"],
        vec!["upgrade", "head"],
        vec!["downgrade", "base"],
        vec!["stamp", "head"],
        vec!["history", "-i"],
    ] {
        let mut all = vec!["--url", url.as_str()];
        all.extend(args);
        let run = p.run(&all);
        assert_failed(&run);
        let error = run
            .stderr
            .lines()
            .skip_while(|l| !l.starts_with("error:"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            error.contains("127.0.0.1:1") || error.contains("no/such/folder"),
            "the error names the database\n{}",
            run.describe()
        );
        assert!(
            !error.contains("secret"),
            "the error hides the password\n{}",
            run.describe()
        );
    }
    assert!(
        !p.path("no/such/folder").exists(),
        "nothing created for an unreachable SQLite database"
    );
}

fn downgrade_sql_needs_a_range(kind: Kind) {
    let p = project();
    let db = Db::fresh(kind, &p);
    for args in [
        vec!["downgrade", "--sql"],
        vec!["downgrade", "--sql", "base"],
        vec!["downgrade", "--sql", "-1"],
    ] {
        let run = db.fails(&p, &args);
        run.stderr_has("--sql").stderr_has("head:base");
        assert_eq!(run.stdout, "", "no script\n{}", run.describe());
    }
    // With a range it works, without touching the database.
    let run = db.ok(&p, &["downgrade", "--sql", &format!("{B}:base")]);
    run.stdout_has(&format!("-- Running downgrade {B} -> {A}"));
    if kind == Kind::Sqlite {
        assert!(
            !p.path("app.db").exists(),
            "offline mode never opens the database"
        );
    } else {
        assert!(db.user_tables().is_empty());
    }
}
