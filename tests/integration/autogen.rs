//! The autogenerate corpus (SPEC section 7, GitHub issue 4): for each pair
//! of schemas in `autogen_corpus/<case>/` and on each database,
//!
//! 1. `migrate -m v1` + `upgrade` with the models `v1` from an empty
//!    database, then the rows of `rows.sql`;
//! 2. `migrate -m v2` + `upgrade` with the models `v2`; `check` exits 0;
//! 3. the catalog equals that of a second fresh database built directly
//!    from `v2`;
//! 4. `downgrade -1`: the catalog equals the one built from `v1`;
//! 5. the rows survive every step (the columns both schemas have).
//!
//! A case folder holds `v1.sql` and `v2.sql` (SQL every dialect parses) or
//! per-dialect `v1.<dialect>.sql` (dialect: `sqlite`, `postgresql`,
//! `mysql`), which win over the generic file; a case with no `v1` for a
//! dialect does not run there. `rows.sql` (optional, same per-dialect
//! rule) holds INSERTs valid on v1 and on v2. When v1 and v2 are the same
//! text, the revision `migrate` writes must hold no operation.
//!
//! One more case, `generated_200_tables`, is built by the code below.
//!
//! The cases run in six shards per database (`corpus_1` ... `corpus_6`;
//! the generated case alone in the last), each walking its cases and
//! reporting all failures at the end.
//! `RETORT_AUTOGEN_CASE=a,b` runs only the cases whose names contain `a`
//! or `b`; `RETORT_AUTOGEN_JOBS` sets how many cases run at once (3).
//!
//! Columns are compared by name, not position: like Alembic, `add_column`
//! appends, so a column dropped going up comes back last going down.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::harness::{Project, Run};
use crate::migrate_db::{Db, Kind, per_db};

// The corpus in shards (each case in one of them, by its place in name
// order), so that no single test runs long: on MariaDB, where DDL is
// slowest, the whole corpus takes minutes.
const SHARDS: usize = 6;
per_db!(corpus_1, corpus_2, corpus_3, corpus_4, corpus_5, corpus_6);

fn corpus_1(kind: Kind) {
    corpus(kind, 0);
}
fn corpus_2(kind: Kind) {
    corpus(kind, 1);
}
fn corpus_3(kind: Kind) {
    corpus(kind, 2);
}
fn corpus_4(kind: Kind) {
    corpus(kind, 3);
}
fn corpus_5(kind: Kind) {
    corpus(kind, 4);
}
fn corpus_6(kind: Kind) {
    corpus(kind, 5);
}

const GENERATED: &str = "generated_200_tables";

/// One pair of schemas, for one dialect.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) v1: String,
    pub(crate) v2: String,
    pub(crate) rows: Option<String>,
}

fn dialect(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgresql",
        Kind::Mysql => "mysql",
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/autogen_corpus")
}

/// `<dir>/<stem>.<dialect>.sql`, else `<dir>/<stem>.sql`, if either exists.
fn case_file(dir: &Path, stem: &str, kind: Kind) -> Option<String> {
    [
        dir.join(format!("{stem}.{}.sql", dialect(kind))),
        dir.join(format!("{stem}.sql")),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())))
}

/// The filter of `RETORT_AUTOGEN_CASE`: none runs everything.
fn selected(name: &str) -> bool {
    match std::env::var("RETORT_AUTOGEN_CASE") {
        Ok(f) if !f.trim().is_empty() => f
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .any(|s| name.contains(s)),
        _ => true,
    }
}

/// The cases that run on `kind`, sorted by name.
fn cases(kind: Kind) -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("read the autogen corpus folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some(v1) = case_file(&dir, "v1", kind) else {
            continue;
        };
        let v2 = case_file(&dir, "v2", kind)
            .unwrap_or_else(|| panic!("{}: v1 without v2 for {kind:?}", dir.display()));
        let rows = case_file(&dir, "rows", kind);
        out.push(Case { name, v1, v2, rows });
    }
    out.push(generated(kind));
    out.retain(|c| selected(&c.name));
    out
}

/// 200 tables, a chain of foreign keys through them; v2 adds a column to
/// every third table, an index to every fifth, drops the last ten tables
/// and adds five new ones.
fn generated(kind: Kind) -> Case {
    let q = |s: &str| match kind {
        Kind::Mysql => format!("`{s}`"),
        _ => format!("\"{s}\""),
    };
    let table = |i: usize, v2: bool| {
        let mut cols = vec![
            "id INTEGER NOT NULL PRIMARY KEY".to_owned(),
            "name VARCHAR(40) NOT NULL".to_owned(),
        ];
        if i > 0 {
            cols.push("prev_id INTEGER".to_owned());
        }
        if v2 && i.is_multiple_of(3) {
            cols.push("extra VARCHAR(20)".to_owned());
        }
        if i > 0 {
            cols.push(format!(
                "CONSTRAINT fk_g_{i:03}_prev FOREIGN KEY (prev_id) REFERENCES {} (id)",
                q(&format!("g_{:03}", i - 1))
            ));
        }
        let mut sql = format!(
            "CREATE TABLE {} (\n    {}\n);\n",
            q(&format!("g_{i:03}")),
            cols.join(",\n    ")
        );
        if v2 && i.is_multiple_of(5) {
            sql.push_str(&format!(
                "CREATE INDEX ix_g_{i:03}_name ON {} (name);\n",
                q(&format!("g_{i:03}"))
            ));
        }
        sql
    };
    let v1: String = (0..200).map(|i| table(i, false)).collect();
    let v2: String = (0..190)
        .map(|i| table(i, true))
        .chain((0..5).map(|i| {
            format!(
                "CREATE TABLE {} (id INTEGER NOT NULL PRIMARY KEY, g_id INTEGER REFERENCES {}(id));\n",
                q(&format!("h_{i}")),
                q(&format!("g_{:03}", i * 10))
            )
        }))
        .collect();
    let rows = (0..190)
        .step_by(7)
        .map(|i| {
            format!(
                "INSERT INTO {} (id, name) VALUES (1, 'row {i}');\n",
                q(&format!("g_{i:03}"))
            )
        })
        .collect();
    Case {
        name: GENERATED.to_owned(),
        v1,
        v2,
        rows: Some(rows),
    }
}

/// Runs the cases of shard `shard` (0-based) on `kind`.
fn corpus(kind: Kind, shard: usize) {
    let all = cases(kind);
    assert!(
        !all.is_empty() || std::env::var("RETORT_AUTOGEN_CASE").is_ok(),
        "no autogen corpus case found in {}",
        corpus_dir().display()
    );
    // The generated 200-table case is the longest: a shard of its own.
    let cases: Vec<Case> = all
        .into_iter()
        .filter(|c| c.name != GENERATED)
        .enumerate()
        .filter(|(i, _)| i % (SHARDS - 1) == shard)
        .map(|(_, c)| c)
        .chain(
            (shard == SHARDS - 1)
                .then(|| cases(kind).into_iter().filter(|c| c.name == GENERATED))
                .into_iter()
                .flatten(),
        )
        .collect();
    let jobs: usize = std::env::var("RETORT_AUTOGEN_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(3)
        .max(1);
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_case(kind, case)
                    }));
                    let err = match outcome {
                        Ok(Ok(())) => continue,
                        Ok(Err(e)) => e,
                        Err(panic) => panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panicked".into()),
                    };
                    failures.lock().unwrap().push((case.name.clone(), err));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    if !failures.is_empty() {
        let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
        let mut report = String::new();
        for (name, err) in &failures {
            report.push_str(&format!("\n===== case {name} on {kind:?} =====\n{err}\n"));
        }
        panic!(
            "{} of {} autogen case(s) failed on {kind:?}: {names:?}\n(rerun one with RETORT_AUTOGEN_CASE=<name>)\n{report}",
            failures.len(),
            cases.len()
        );
    }
}

/// `db.run`, an error with the whole run unless it exits 0.
fn step(db: &Db, p: &Project, what: &str, args: &[&str]) -> Result<Run, String> {
    let run = db.run(p, args);
    if run.code != 0 {
        return Err(format!("{what}: expected success\n{}", run.describe()));
    }
    if run.stderr.contains("panicked") {
        return Err(format!("{what}: panicked\n{}", run.describe()));
    }
    Ok(run)
}

/// `migrate -m MSG` + `upgrade head` with `models`; returns the migrate run.
fn migrate_upgrade(db: &Db, p: &Project, models: &str, msg: &str) -> Result<Run, String> {
    let run = step(
        db,
        p,
        &format!("migrate to {msg}"),
        &["--models", models, "migrate", "-m", msg],
    )?;
    step(db, p, &format!("upgrade to {msg}"), &["upgrade", "head"])?;
    Ok(run)
}

/// `expected` vs `got`, line by line, when they differ.
fn same(what: &str, expected: &str, got: &str) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let e: BTreeSet<&str> = expected.lines().collect();
    let g: BTreeSet<&str> = got.lines().collect();
    let mut msg = format!("{what}: catalogs differ\n--- only in expected ---\n");
    for l in e.difference(&g) {
        msg.push_str(&format!("  {l}\n"));
    }
    msg.push_str("--- only in got ---\n");
    for l in g.difference(&e) {
        msg.push_str(&format!("  {l}\n"));
    }
    if e == g {
        msg.push_str(&format!(
            "(same lines, another order)\n--- expected ---\n{expected}\n--- got ---\n{got}\n"
        ));
    }
    Err(msg)
}

pub(crate) fn run_case(kind: Kind, case: &Case) -> Result<(), String> {
    // The database built directly from v2 (for step 3).
    let p2 = Project::init();
    p2.write("v2.sql", &case.v2);
    let direct = Db::fresh(kind, &p2);
    migrate_upgrade(&direct, &p2, "v2.sql", "v2").map_err(|e| format!("built from v2: {e}"))?;
    let cat_v2 = catalog(&direct);
    let tables_v2 = direct.user_tables();

    let p = Project::init();
    p.write("v1.sql", &case.v1);
    p.write("v2.sql", &case.v2);
    let db = Db::fresh(kind, &p);

    // 1. v1 from an empty database, then the rows.
    migrate_upgrade(&db, &p, "v1.sql", "v1")?;
    let cat_v1 = catalog(&db);
    if let Some(rows) = &case.rows {
        let out = db.pipe(rows);
        if !out.status.success() {
            return Err(format!(
                "rows.sql failed on v1\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    // The columns both schemas have, in the tables both have.
    let kept: Vec<(String, Vec<String>)> = db
        .user_tables()
        .iter()
        .filter(|t| tables_v2.contains(t))
        .map(|t| {
            let c2 = catalog_columns(&cat_v2, t);
            let both = catalog_columns(&cat_v1, t)
                .into_iter()
                .filter(|c| c2.contains(c))
                .collect();
            (t.clone(), both)
        })
        .collect();
    let rows_v1 = dump_rows(&db, &kept);
    if let Some(rows) = &case.rows {
        let inserted = rows.matches("INSERT").count();
        let count = rows_v1.lines().filter(|l| !l.starts_with("## ")).count();
        if count < inserted {
            return Err(format!(
                "rows.sql: {inserted} INSERTs but {count} rows in the tables v2 keeps\n{rows_v1}"
            ));
        }
    }

    // 2. v2: migrate, upgrade, check.
    let run = migrate_upgrade(&db, &p, "v2.sql", "v2")?;
    let revision = p
        .files_in("migrations/versions")
        .into_iter()
        .find(|f| f.ends_with("_v2.toml"))
        .map(|f| p.read(&format!("migrations/versions/{f}")))
        .ok_or("migrate -m v2 wrote no revision file")?;
    if case.v1 == case.v2 {
        if has_op(&revision) {
            return Err(format!(
                "identical schemas: expected a revision without operations, got\n{revision}\n{}",
                run.describe()
            ));
        }
    } else if !has_op(&revision) {
        return Err(format!(
            "v1 and v2 differ but migrate detected nothing\n{}",
            run.describe()
        ));
    }
    step(
        &db,
        &p,
        "check after upgrade to v2",
        &["--models", "v2.sql", "check"],
    )?;

    // 3. the same as a database built directly from v2.
    let cat_up = catalog(&db);
    same(
        &format!("v1 upgraded to v2 (expected: built from v2)\n--- revision ---\n{revision}"),
        &cat_v2,
        &cat_up,
    )?;
    let rows_up = dump_rows(&db, &kept);
    if rows_up != rows_v1 {
        return Err(format!(
            "rows changed by the upgrade\n--- on v1 ---\n{rows_v1}\n--- after upgrade ---\n{rows_up}\n--- revision ---\n{revision}"
        ));
    }

    // 4. downgrade -1 restores v1.
    step(&db, &p, "downgrade -1", &["downgrade", "-1"])?;
    let cat_down = catalog(&db);
    same(
        &format!("downgraded from v2 (expected: built from v1)\n--- revision ---\n{revision}"),
        &cat_v1,
        &cat_down,
    )?;

    // 5. the rows.
    let rows_down = dump_rows(&db, &kept);
    if rows_down != rows_v1 {
        return Err(format!(
            "rows changed by the downgrade\n--- on v1 ---\n{rows_v1}\n--- after downgrade ---\n{rows_down}\n--- revision ---\n{revision}"
        ));
    }
    Ok(())
}

/// Whether a revision file holds an operation (not only the template's
/// commented examples).
fn has_op(revision: &str) -> bool {
    revision
        .lines()
        .any(|l| matches!(l.trim(), "[[upgrade]]" | "[[downgrade]]"))
}

/// The column names of `table` in a [`catalog`] dump, sorted.
fn catalog_columns(catalog: &str, table: &str) -> Vec<String> {
    catalog
        .lines()
        .filter_map(|l| {
            let mut f = l.split('|');
            (f.next() == Some("col") && f.next() == Some(table))
                .then(|| f.next().unwrap_or_default().to_owned())
        })
        .collect()
}

/// Every row of `tables` (the given columns only), sorted, as text: one
/// client run for all the tables.
fn dump_rows(db: &Db, tables: &[(String, Vec<String>)]) -> String {
    let mut script = String::new();
    for (table, cols) in tables {
        if cols.is_empty() {
            continue;
        }
        let list: Vec<String> = cols.iter().map(|c| db.q(c)).collect();
        let list = list.join(", ");
        script.push_str(&format!(
            "SELECT '## {table}';\nSELECT {list} FROM {} ORDER BY {list};\n",
            db.q(table)
        ));
    }
    if script.is_empty() {
        return String::new();
    }
    let out = db.pipe(&script);
    assert!(
        out.status.success(),
        "reading the rows failed\n{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.replace('\t', "|");
        if !line.trim().is_empty() {
            text.push_str(line.trim());
            text.push('\n');
        }
    }
    text
}

/// A comparable dump of the user schema (not the version and log tables),
/// one fact a line, `kind|table|...`, sorted.
fn catalog(db: &Db) -> String {
    let queries: &[&str] = match db.kind {
        Kind::Sqlite => &[
            "SELECT 'col', m.name, c.name, c.type, c.\"notnull\", coalesce(c.dflt_value, '<null>'), c.pk, c.hidden \
             FROM sqlite_master m, pragma_table_xinfo(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'idx', m.name, CASE WHEN i.name LIKE 'sqlite_autoindex_%' THEN 'auto' ELSE i.name END, i.\"unique\", i.origin, i.partial, \
             (SELECT group_concat(coalesce(x.name, '<expr>'), ',') FROM (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno) x), \
             coalesce((SELECT replace(sql, char(10), ' ') FROM sqlite_master s WHERE s.type = 'index' AND s.name = i.name), '') \
             FROM sqlite_master m, pragma_index_list(m.name) i \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'fk', m.name, f.id, f.seq, f.\"table\", f.\"from\", coalesce(f.\"to\", '<pk>'), f.on_update, f.on_delete, f.\"match\" \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('retort_version', 'retort_log')",
        ],
        Kind::Postgres => &[
            "SELECT 'col', table_name, column_name, data_type, udt_name, coalesce(character_maximum_length::text, '-'), \
             coalesce(numeric_precision::text, '-'), coalesce(numeric_scale::text, '-'), coalesce(datetime_precision::text, '-'), \
             is_nullable, coalesce(column_default, '<null>'), \
             coalesce(col_description(quote_ident(table_name)::regclass, ordinal_position), '<no comment>') \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'idx', tablename, indexname, indexdef FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename NOT IN ('retort_version', 'retort_log')",
            "SELECT 'con', conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('retort_version', 'retort_log')",
            "SELECT 'tab', relname, coalesce(obj_description(oid, 'pg_class'), '<no comment>') FROM pg_class \
             WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname NOT IN ('retort_version', 'retort_log')",
            "SELECT 'enum', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
             FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
             WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname",
            "SELECT 'seq', sequencename, data_type FROM pg_sequences WHERE schemaname = 'public'",
        ],
        Kind::Mysql => &[
            "SELECT 'col', table_name, column_name, column_type, is_nullable, coalesce(column_default, '<null>'), extra, \
             column_comment, coalesce(collation_name, '-') \
             FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'idx', table_name, index_name, non_unique, seq_in_index, column_name, coalesce(sub_part, '-'), index_comment \
             FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'con', table_name, constraint_name, constraint_type FROM information_schema.table_constraints \
             WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_version', 'retort_log')",
            "SELECT 'fk', k.table_name, k.constraint_name, k.ordinal_position, k.column_name, k.referenced_table_name, \
             k.referenced_column_name, r.update_rule, r.delete_rule \
             FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r \
             ON r.constraint_schema = k.table_schema AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name \
             WHERE k.table_schema = DATABASE()",
            "SELECT 'chk', table_name, constraint_name, check_clause FROM information_schema.check_constraints \
             WHERE constraint_schema = DATABASE()",
            "SELECT 'tab', table_name, table_comment, engine, table_collation FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_version', 'retort_log')",
        ],
    };
    let mut lines: Vec<String> = queries.iter().flat_map(|q| db.rows(q)).collect();
    if db.kind == Kind::Sqlite {
        // Check constraints live only in the table's SQL text.
        for row in db.rows(
            "SELECT name || char(9) || replace(replace(sql, char(10), ' '), char(9), ' ') FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('retort_version', 'retort_log')",
        ) {
            let (table, sql) = row.split_once('|').unwrap_or((&row, ""));
            for check in sqlite_checks(sql) {
                lines.push(format!("chk|{table}|{check}"));
            }
        }
    }
    lines.sort();
    lines.join("\n")
}

/// The `CHECK (...)` clauses of a `CREATE TABLE`, without spaces and quotes.
fn sqlite_checks(sql: &str) -> Vec<String> {
    let upper = sql.to_ascii_uppercase();
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + 5;
        from = start;
        let Some(open) = sql[start..].find('(') else {
            break;
        };
        if !sql[start..start + open].trim().is_empty() {
            continue;
        }
        let mut depth = 0;
        let mut end = start + open;
        for (i, b) in bytes.iter().enumerate().skip(start + open) {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body: String = sql[start + open + 1..end]
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"' && *c != '`')
            .collect();
        out.push(body.to_ascii_lowercase());
        from = end.max(start);
    }
    out.sort();
    out
}
