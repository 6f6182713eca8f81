//! Real published schemas round-trip exactly (GitHub issue 10): for each
//! file of `real_schemas/<schema>/<dialect>.sql` (see its README.md and
//! each SOURCE.md), on its own database,
//!
//! 1. the file is loaded with the database's own client (`sqlite3`, `psql
//!    -v ON_ERROR_STOP=1`, `mariadb`) into a fresh database, and read back
//!    with [`inspect_schema`]: `native`;
//! 2. no false positive: `diff(native, native read a second time)` is empty;
//! 3. adoption: that database, `retort stamp head`, then `retort check`
//!    with the file itself as `--models` reports no change;
//! 4. from an empty database, `retort migrate` (the file as models) +
//!    `retort upgrade` gives a database whose tables, enums and objects
//!    (views, triggers, routines, sequences, ...) equal `native`'s, and
//!    `check` is clean;
//! 5. `retort downgrade base` leaves no table, object or enum.
//!
//! One test function per (schema, database), so they run in parallel.

use std::fmt::Write as _;
use std::path::PathBuf;

use retort_core::diff::{DiffOptions, diff};
use retort_core::schema::Schema;
use retort_db::inspect::{InspectOptions, inspect_schema};
use retort_db::{DatabaseUrl, connect};

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, RETORT_TABLES};

/// `real_schemas/<schema>/<file>`.
fn corpus_file(schema: &str, kind: Kind) -> PathBuf {
    let file = match kind {
        Kind::Sqlite => "sqlite.sql",
        Kind::Postgres => "postgresql.sql",
        Kind::Mysql => "mysql.sql",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/real_schemas")
        .join(schema)
        .join(file)
}

/// The file's text with the load-time adjustments of real_schemas/README.md:
/// the statements that create, drop or select a database of the file's own
/// are skipped, and references qualified with the upstream database's name
/// `qualifier` name the test's database instead.
fn loadable(text: &str, qualifier: Option<&str>, db: &Db) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let words: Vec<String> = line
            .split_whitespace()
            .take(2)
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let skip = match words.as_slice() {
            [a, b] if (a == "DROP" || a == "CREATE") && (b == "DATABASE" || b == "SCHEMA") => {
                line.trim_end().ends_with(';')
            }
            [a, ..] if a == "USE" || a == "\\C" => true,
            _ => false,
        };
        if skip {
            out.push_str("-- (skipped by the test's loader) ");
        }
        out.push_str(line);
        out.push('\n');
    }
    match qualifier {
        Some(q) if db.kind == Kind::Mysql => {
            out.replace(&format!("{q}."), &format!("`{}`.", db.name))
        }
        _ => out,
    }
}

/// Loads `text` with the database's own client, failing with its output.
fn load_natively(db: &Db, text: &str) {
    if db.kind == Kind::Postgres {
        // pg_dump output gives ownership to `postgres`, which may not exist.
        db.sql(
            "DO $$ BEGIN CREATE ROLE postgres NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        );
    }
    let out = db.pipe(text);
    assert!(
        out.status.success(),
        "loading the schema with the {:?} client failed\n{}{}",
        db.kind,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The whole schema of `db`, as autogenerate reads the live side.
fn inspect(db: &Db) -> Schema {
    let url = DatabaseUrl::parse(&db.url).expect("a valid test URL");
    let mut conn = connect(&url).unwrap_or_else(|e| panic!("connect to {}: {e}", db.url));
    let mut options = InspectOptions::new("retort_version", "retort_log");
    for t in RETORT_TABLES {
        options = options.exclude(*t);
    }
    inspect_schema(conn.as_mut(), &options).unwrap_or_else(|e| panic!("inspect {}: {e}", db.url))
}

fn diff_options(kind: Kind) -> (Vec<String>, retort_db::DialectName) {
    let dialect = match kind {
        Kind::Sqlite => retort_db::DialectName::Sqlite,
        Kind::Postgres => retort_db::DialectName::Postgresql,
        Kind::Mysql => retort_db::DialectName::Mysql,
    };
    let ignored = RETORT_TABLES.iter().map(|t| t.to_string()).collect();
    (ignored, dialect)
}

/// The operations from `from` to `to`, as autogenerate computes them
/// (types and server defaults compared).
fn operations(kind: Kind, from: &Schema, to: &Schema) -> retort_core::diff::Diff {
    let (ignored, dialect) = diff_options(kind);
    let mut options = DiffOptions::new(dialect.normalizer());
    options.compare_type = true;
    options.compare_server_default = true;
    options.ignored_tables = &ignored;
    diff(from, to, &options)
}

/// Where `rebuilt` differs from `native`, one block per table; empty when
/// they are equal.
fn compare_schemas(native: &Schema, rebuilt: &Schema) -> String {
    let mut report = String::new();
    let names =
        |s: &Schema| -> Vec<String> { s.tables.iter().map(|t| t.name.to_string()).collect() };
    if names(native) != names(rebuilt) {
        let _ = writeln!(
            report,
            "tables differ:\n  native:  {:?}\n  rebuilt: {:?}",
            names(native),
            names(rebuilt)
        );
    }
    for n in &native.tables {
        let Some(r) = rebuilt.table(&n.name) else {
            continue;
        };
        if n != r {
            let _ = writeln!(report, "table {} differs:", n.name);
            let columns = n.columns.len().max(r.columns.len());
            for i in 0..columns {
                let (a, b) = (n.columns.get(i), r.columns.get(i));
                if a != b {
                    let _ = writeln!(report, "  native  {a:?}\n  rebuilt {b:?}");
                }
            }
            let parts = |t: &retort_core::schema::Table| {
                let mut t = t.clone();
                t.columns.clear();
                format!("{t:?}")
            };
            if parts(n) != parts(r) {
                let _ = writeln!(report, "  native  {}\n  rebuilt {}", parts(n), parts(r));
            }
        }
    }
    if native.enums != rebuilt.enums {
        let _ = writeln!(
            report,
            "enums differ:\n  native:  {:?}\n  rebuilt: {:?}",
            native.enums, rebuilt.enums
        );
    }
    // Objects compare as sets: the order they are read in is the order
    // they were made in, which a migration chooses by dependencies.
    let sorted = |s: &Schema| {
        let mut o = s.objects.clone();
        o.sort_by_key(|o| format!("{:?}", o.id));
        o
    };
    let (native_objects, rebuilt_objects) = (sorted(native), sorted(rebuilt));
    if native_objects != rebuilt_objects {
        let ids = |s: &Schema| -> Vec<String> {
            s.objects.iter().map(|o| format!("{:?}", o.id)).collect()
        };
        let _ = writeln!(
            report,
            "objects differ:\n  native:  {:?}\n  rebuilt: {:?}",
            ids(native),
            ids(rebuilt)
        );
        for (n, r) in native_objects.iter().zip(&rebuilt_objects) {
            if n != r {
                let _ = writeln!(report, "  native  {n:?}\n  rebuilt {r:?}");
            }
        }
    }
    report
}

/// The round trip of `real_schemas/<schema>/` on `kind` (see the module doc).
fn round_trip(schema: &str, kind: Kind, qualifier: Option<&str>) {
    let path = corpus_file(schema, kind);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));

    // 1. Loaded natively, read back.
    let p0 = Project::init();
    let loaded = Db::fresh_named(kind, &p0, "native.db");
    load_natively(&loaded, &loadable(&text, qualifier, &loaded));
    let native = inspect(&loaded);
    assert!(
        !native.tables.is_empty(),
        "{}: no table was read back",
        path.display()
    );

    // 2. No false positive.
    let again = operations(kind, &native, &inspect(&loaded));
    assert!(
        again.is_empty(),
        "{}: the database compared with itself reports changes:\n{:#?}",
        path.display(),
        again.changes
    );

    // 3. Adoption: the natively loaded database, stamped, is clean with
    //    the file as its models.
    let models = path.display().to_string();
    loaded.ok(&p0, &["stamp", "head"]);
    let run = loaded.run(&p0, &["--models", &models, "check"]);
    assert_eq!(
        run.code,
        0,
        "{}: check on the natively loaded database reports changes\n{}",
        path.display(),
        run.describe()
    );

    // 4. From an empty database: migrate + upgrade gives the same catalog,
    //    and check is clean.
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    db.ok(&p, &["--models", &models, "migrate", "-m", "adopt"]);
    let run = db.run(&p, &["upgrade", "head"]);
    if run.code != 0 {
        let file = p.read(&format!("migrations/versions/{}", p.version_files()[0]));
        let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("real_schemas_{schema}_{kind:?}.toml"));
        let _ = std::fs::write(&kept, &file);
        panic!(
            "{}: upgrade failed (revision file kept as {})\n{}",
            path.display(),
            kept.display(),
            run.describe()
        );
    }
    let run = db.run(&p, &["--models", &models, "check"]);
    assert_eq!(
        run.code,
        0,
        "{}: check after migrate + upgrade reports changes\n{}",
        path.display(),
        run.describe()
    );
    let rebuilt = inspect(&db);
    let report = compare_schemas(&native, &rebuilt);
    assert!(
        report.is_empty(),
        "{}: the migrated database differs from the natively loaded one\n{report}",
        path.display()
    );

    // 5. Back to nothing.
    let run = db.run(&p, &["downgrade", "base"]);
    assert_eq!(
        run.code,
        0,
        "{}: downgrade failed\n{}",
        path.display(),
        run.describe()
    );
    let left = inspect(&db);
    assert!(
        left.tables.is_empty() && left.objects.is_empty() && left.enums.is_empty(),
        "{}: left after downgrade base: tables {:?}, objects {:?}, enums {:?}",
        path.display(),
        left.tables
            .iter()
            .map(|t| t.name.to_string())
            .collect::<Vec<_>>(),
        left.objects
            .iter()
            .map(|o| format!("{:?}", o.id))
            .collect::<Vec<_>>(),
        left.enums
            .iter()
            .map(|e| e.name.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn sakila_sqlite() {
    round_trip("sakila", Kind::Sqlite, None);
}

#[test]
fn sakila_postgres() {
    round_trip("sakila", Kind::Postgres, None);
}

#[test]
fn sakila_mysql() {
    round_trip("sakila", Kind::Mysql, Some("sakila"));
}

#[test]
fn pagila_postgres() {
    round_trip("pagila", Kind::Postgres, None);
}

#[test]
fn chinook_sqlite() {
    round_trip("chinook", Kind::Sqlite, None);
}

#[test]
fn chinook_postgres() {
    round_trip("chinook", Kind::Postgres, None);
}

#[test]
fn chinook_mysql() {
    round_trip("chinook", Kind::Mysql, None);
}

#[test]
fn employees_mysql() {
    round_trip("employees", Kind::Mysql, None);
}

#[test]
fn synapse_sqlite() {
    round_trip("synapse", Kind::Sqlite, None);
}

#[test]
fn synapse_postgres() {
    round_trip("synapse", Kind::Postgres, None);
}

#[test]
fn guacamole_postgres() {
    round_trip("guacamole", Kind::Postgres, None);
}

#[test]
fn guacamole_mysql() {
    round_trip("guacamole", Kind::Mysql, None);
}

#[test]
fn springbatch_sqlite() {
    round_trip("springbatch", Kind::Sqlite, None);
}

#[test]
fn springbatch_postgres() {
    round_trip("springbatch", Kind::Postgres, None);
}

#[test]
fn springbatch_mysql() {
    round_trip("springbatch", Kind::Mysql, None);
}

#[test]
fn quartz_postgres() {
    round_trip("quartz", Kind::Postgres, None);
}

#[test]
fn quartz_mysql() {
    round_trip("quartz", Kind::Mysql, None);
}

#[test]
fn dolphinscheduler_postgres() {
    round_trip("dolphinscheduler", Kind::Postgres, None);
}

#[test]
fn dolphinscheduler_mysql() {
    round_trip("dolphinscheduler", Kind::Mysql, None);
}

#[test]
fn northwind_sqlite() {
    round_trip("northwind", Kind::Sqlite, None);
}
