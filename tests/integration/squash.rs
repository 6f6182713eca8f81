//! `retort squash FROM:TO`: one revision, TO's id, with the net effect of
//! the range; `upgrade` from base builds the same schema as before on
//! every database, and so does `downgrade` back to below the range; a
//! database at TO, or below FROM, carries on; one in the middle makes the
//! squash refuse with what to do; ranges that are not one line are refused
//! and leave every file as it was.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, write_rev};
use crate::rebase::{Rng, files};

const CREATE_ACCOUNT: &str = r#"
[[upgrade]]
op = "create_table"
table = "account"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[downgrade]]
op = "drop_table"
table = "account"
"#;

const ADD_EMAIL_AND_TMP: &str = r#"
[[upgrade]]
op = "add_column"
table = "account"
column = { name = "email", type = "varchar(255)" }

[[upgrade]]
op = "create_table"
table = "tmp"
columns = [{ name = "id", type = "integer" }]

[[downgrade]]
op = "drop_table"
table = "tmp"

[[downgrade]]
op = "drop_column"
table = "account"
column = "email"
"#;

const DROP_TMP: &str = r#"
[[upgrade]]
op = "drop_table"
table = "tmp"

[[downgrade]]
op = "create_table"
table = "tmp"
columns = [{ name = "id", type = "integer" }]
"#;

/// a1 (create account) -> a2 (email, tmp) -> a3 (drop tmp) -> a4 (index).
fn line() -> Project {
    let p = Project::init();
    write_rev(&p, &rev("a1").message("create account"), CREATE_ACCOUNT);
    write_rev(
        &p,
        &rev("a2").down(&["a1"]).message("email"),
        ADD_EMAIL_AND_TMP,
    );
    write_rev(&p, &rev("a3").down(&["a2"]).message("drop tmp"), DROP_TMP);
    write_rev(
        &p,
        &rev("a4").down(&["a3"]).message("index"),
        r#"
[[upgrade]]
op = "create_index"
table = "account"
name = "ix_account_email"
columns = ["email"]

[[downgrade]]
op = "drop_index"
table = "account"
name = "ix_account_email"
"#,
    );
    p
}

#[test]
fn folds_the_range_into_its_last_revision() {
    let p = line();
    let run = p.ok(&["squash", "a1:a3"]);
    assert_eq!(
        run.stdout,
        "Squashed a1, a2 into a3: migrations/versions/a3.toml\n\
         Upgrade operations: 4 in the range, 1 in a3\n\
         Removed migrations/versions/a1.toml\n\
         Removed migrations/versions/a2.toml\n\
         Proved on a scratch SQLite database in memory: the same schema as the range\n\
         Checked sqlite:///app.db: not in the middle of the range\n"
    );
    let names: Vec<String> = files(&p)
        .into_iter()
        .map(|(path, _)| path.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["a3.toml", "a4.toml"]);
    insta::assert_snapshot!(
        std::fs::read_to_string(p.path("migrations/versions/a3.toml")).unwrap()
    );
    assert_eq!(
        p.ok(&["history"]).stdout,
        "a3 -> a4 (head), index\n<base> -> a3, drop tmp\n"
    );
}

#[test]
fn a_database_in_the_middle_is_told_what_to_do_and_nothing_changes() {
    let p = line();
    let db = Db::fresh(Kind::Sqlite, &p);
    db.ok(&p, &["upgrade", "a2"]);
    let before = files(&p);
    db.fails(&p, &["squash", "a1:a3"])
        .stderr_has("cannot squash a1:a3: database sqlite:///")
        .stderr_has("is at a2, inside the range")
        .stderr_has("`retort upgrade a3`")
        .stderr_has("`retort downgrade base`");
    assert_eq!(files(&p), before);
    // At TO, the database stays valid: its row names a revision that is
    // still there, and it upgrades on.
    db.ok(&p, &["upgrade", "a3"]);
    db.ok(&p, &["squash", "a1:a3"]);
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), ["a4"]);
}

#[test]
fn ranges_that_are_not_one_line_are_refused() {
    let p = line();
    write_rev(&p, &rev("b3").down(&["a2"]).message("side"), "");
    let before = files(&p);
    p.run(&["squash", "a1:a3"])
        .code_is(1)
        .stderr_has("a2 is a branch point (a3, b3)");
    p.run(&["squash", "a3:a1"])
        .code_is(1)
        .stderr_has("a3 is not an ancestor of a1");
    p.run(&["squash", "a1:a1"])
        .code_is(1)
        .stderr_has("nothing to squash");
    p.run(&["squash", "a1"]).code_is(1).stderr_has("FROM:TO");
    p.run(&["squash", "a1:"]).code_is(1).stderr_has("FROM:TO");
    p.run(&["squash", ":a3"]).code_is(1).stderr_has("FROM:TO");
    assert_eq!(files(&p), before);
    // A merge point inside the range.
    p.ok(&["merge", "a4", "b3", "-m", "join", "--rev-id", "m5"]);
    write_rev(&p, &rev("a6").down(&["m5"]).message("after"), "");
    p.run(&["squash", "a4:a6"])
        .code_is(1)
        .stderr_has("m5 is a merge point");
}

#[test]
fn a_dependency_on_a_removed_revision_is_refused() {
    let p = line();
    write_rev(
        &p,
        &rev("o1")
            .labels(&["other"])
            .depends(&["a2"])
            .message("other"),
        "",
    );
    p.run(&["squash", "a1:a3"])
        .code_is(1)
        .stderr_has("o1 depends on a2, which the squash removes");
}

/// A line of `n` revisions with random schema changes (tables created and
/// dropped, columns and indexes added and dropped), each with its exact
/// downgrade.
fn generated(seed: u64, n: usize) -> Project {
    let mut rng = Rng(seed);
    let p = Project::init();
    // The tables alive, with their extra columns and indexes.
    let mut tables: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    let mut counter = 0;
    for i in 0..n {
        counter += 1;
        let (up, down) = match (rng.below(6), tables.is_empty()) {
            (0, _) | (_, true) => {
                let t = format!("t{counter}");
                tables.push((t.clone(), Vec::new(), Vec::new()));
                (
                    format!(
                        "[[upgrade]]\nop = \"create_table\"\ntable = \"{t}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n"
                    ),
                    format!("[[downgrade]]\nop = \"drop_table\"\ntable = \"{t}\"\n"),
                )
            }
            (1, _) => {
                let k = rng.below(tables.len());
                let (t, cols, idx) = tables.remove(k);
                let columns: String = std::iter::once(
                    "{ name = \"id\", type = \"integer\", primary_key = true }".to_owned(),
                )
                .chain(
                    cols.iter()
                        .map(|c| format!("{{ name = \"{c}\", type = \"varchar(20)\" }}")),
                )
                .collect::<Vec<_>>()
                .join(", ");
                let mut down = format!(
                    "[[downgrade]]\nop = \"create_table\"\ntable = \"{t}\"\ncolumns = [{columns}]\n"
                );
                for ix in &idx {
                    let col = ix.rsplit('_').next().unwrap();
                    down.push_str(&format!("\n[[downgrade]]\nop = \"create_index\"\ntable = \"{t}\"\nname = \"{ix}\"\ncolumns = [\"{col}\"]\n"));
                }
                (
                    format!("[[upgrade]]\nop = \"drop_table\"\ntable = \"{t}\"\n"),
                    down,
                )
            }
            (2 | 3, _) => {
                let k = rng.below(tables.len());
                let c = format!("c{counter}");
                let t = tables[k].0.clone();
                tables[k].1.push(c.clone());
                (
                    format!(
                        "[[upgrade]]\nop = \"add_column\"\ntable = \"{t}\"\ncolumn = {{ name = \"{c}\", type = \"varchar(20)\" }}\n"
                    ),
                    format!(
                        "[[downgrade]]\nop = \"drop_column\"\ntable = \"{t}\"\ncolumn = \"{c}\"\n"
                    ),
                )
            }
            (4, _) => {
                let k = rng.below(tables.len());
                let t = tables[k].0.clone();
                let free: Vec<String> = tables[k]
                    .1
                    .iter()
                    .filter(|c| !tables[k].2.iter().any(|ix| ix.ends_with(&format!("_{c}"))))
                    .cloned()
                    .collect();
                if free.is_empty() {
                    (String::new(), String::new())
                } else {
                    let c = free[rng.below(free.len())].clone();
                    let ix = format!("ix_{t}_{c}");
                    tables[k].2.push(ix.clone());
                    (
                        format!(
                            "[[upgrade]]\nop = \"create_index\"\ntable = \"{t}\"\nname = \"{ix}\"\ncolumns = [\"{c}\"]\n"
                        ),
                        format!(
                            "[[downgrade]]\nop = \"drop_index\"\ntable = \"{t}\"\nname = \"{ix}\"\n"
                        ),
                    )
                }
            }
            _ => {
                let k = rng.below(tables.len());
                let t = tables[k].0.clone();
                let free: Vec<String> = tables[k]
                    .1
                    .iter()
                    .filter(|c| !tables[k].2.iter().any(|ix| ix.ends_with(&format!("_{c}"))))
                    .cloned()
                    .collect();
                if free.is_empty() {
                    (String::new(), String::new())
                } else {
                    let c = free[rng.below(free.len())].clone();
                    tables[k].1.retain(|x| *x != c);
                    (
                        format!(
                            "[[upgrade]]\nop = \"drop_column\"\ntable = \"{t}\"\ncolumn = \"{c}\"\n"
                        ),
                        format!(
                            "[[downgrade]]\nop = \"add_column\"\ntable = \"{t}\"\ncolumn = {{ name = \"{c}\", type = \"varchar(20)\" }}\n"
                        ),
                    )
                }
            }
        };
        let id = format!("r{i:02}");
        let r = if i == 0 {
            rev(&id)
        } else {
            rev(&id).down(&[&format!("r{:02}", i - 1)])
        };
        write_rev(&p, &r.message(&id), &format!("\n{up}\n{down}"));
    }
    p
}

/// `db`'s catalog with runs of whitespace as one space: SQLite keeps the
/// text of `CREATE TABLE` as written, and `add_column` splices a column
/// into that text where a folded `create_table` lists it on its own line.
fn catalog(db: &Db) -> String {
    db.catalog()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// On generated lines: squashing a range keeps the schema `upgrade`
/// builds from base, the schema `downgrade` leaves below the range, and
/// lets databases below FROM and at or above TO carry on; a database in
/// the middle makes the squash refuse.
fn generated_lines_build_the_same_schema(kind: Kind) {
    for seed in [3, 11, 99] {
        let n = 8;
        let p = generated(seed, n);
        let mut rng = Rng(seed * 7 + 1);
        let from = 1 + rng.below(n - 3);
        let to = from + 1 + rng.below(n - from - 2);
        let (from, to) = (format!("r{from:02}"), format!("r{to:02}"));
        let below = format!("r{:02}", from[1..].parse::<usize>().unwrap() - 1);
        let reference = Db::fresh_named(kind, &p, "reference.db");
        reference.ok(&p, &["upgrade", "head"]);
        let head_catalog = catalog(&reference);
        reference.ok(&p, &["downgrade", &below]);
        let below_catalog = catalog(&reference);
        let at_below = Db::fresh_named(kind, &p, "below.db");
        at_below.ok(&p, &["upgrade", &below]);
        let at_to = Db::fresh_named(kind, &p, "to.db");
        at_to.ok(&p, &["upgrade", &to]);
        let middle = Db::fresh_named(kind, &p, "middle.db");
        middle.ok(&p, &["upgrade", &from]);
        middle
            .fails(&p, &["squash", &format!("{from}:{to}")])
            .stderr_has("inside the range");
        let range = format!("{from}:{to}");
        // On a server, proved there: in a scratch space on a dev database.
        let dev = (kind != Kind::Sqlite).then(|| Db::fresh_named(kind, &p, "dev.db"));
        let mut args = vec!["squash", range.as_str()];
        if let Some(dev) = &dev {
            args.extend(["--dev-url", dev.url.as_str()]);
        }
        at_to
            .ok(&p, &args)
            .stdout_has(&format!("into {to}"))
            .stdout_has(match kind {
                Kind::Sqlite => "Proved on a scratch SQLite database in memory",
                Kind::Postgres => "Proved on a scratch PostgreSQL schema on the dev database",
                Kind::Mysql => "Proved on a scratch MySQL/MariaDB database on the dev server",
            });
        if let Some(dev) = &dev {
            assert!(dev.user_tables().is_empty(), "{:?}", dev.user_tables());
        }
        let fresh = Db::fresh_named(kind, &p, "fresh.db");
        fresh.ok(&p, &["upgrade", "head"]);
        assert_eq!(catalog(&fresh), head_catalog, "seed {seed}, {range}");
        fresh.ok(&p, &["downgrade", &below]);
        assert_eq!(catalog(&fresh), below_catalog, "seed {seed}, {range}");
        for db in [&at_below, &at_to] {
            db.ok(&p, &["upgrade", "head"]);
            assert_eq!(catalog(db), head_catalog, "seed {seed}, {range}");
        }
    }
}

per_db!(generated_lines_build_the_same_schema);

/// A range SQLite cannot run (PostgreSQL SQL) is not proved without a
/// dev database, and says how; with one it is proved on PostgreSQL, and
/// the dev database is left as it was.
#[test]
fn postgres_only_ranges_are_proved_on_the_dev_database() {
    let p = Project::init();
    write_rev(
        &p,
        &rev("a1").message("person"),
        r#"
[[upgrade]]
op = "create_table"
table = "person"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "mood", type = "text" }]

[[downgrade]]
op = "drop_table"
table = "person"
"#,
    );
    write_rev(
        &p,
        &rev("a2").down(&["a1"]).message("comment"),
        r#"
[[upgrade]]
op = "execute"
sql = "COMMENT ON TABLE person IS 'people'"

[[downgrade]]
op = "execute"
sql = "COMMENT ON TABLE person IS NULL"
"#,
    );
    write_rev(&p, &rev("a3").down(&["a2"]).message("more"), ADD_TO_PERSON);
    let db = Db::fresh(Kind::Postgres, &p);
    let unproved = files(&p);
    db.ok(&p, &["squash", "a1:a2"])
        .stdout_has("Not proved on a scratch database: the range does not run on SQLite in memory")
        .stdout_has("set dev_url in retort.toml (or pass --dev-url) to a PostgreSQL database to prove it there");
    // Back to the three files, and prove it this time.
    for (path, text) in &unproved {
        std::fs::write(path, text).unwrap();
    }
    let dev = Db::fresh_named(Kind::Postgres, &p, "dev");
    db.ok(&p, &["squash", "a1:a3", "--dev-url", &dev.url])
        .stdout_has("Proved on a scratch PostgreSQL schema on the dev database");
    assert!(dev.user_tables().is_empty(), "{:?}", dev.user_tables());
    assert!(
        dev.rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retort_scratch%'")
            .is_empty()
    );
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), ["a3"]);
    assert_eq!(db.columns("person").len(), 3, "{:?}", db.columns("person"));
}

const ADD_TO_PERSON: &str = r#"
[[upgrade]]
op = "add_column"
table = "person"
column = { name = "note", type = "text" }

[[downgrade]]
op = "drop_column"
table = "person"
column = "note"
"#;
