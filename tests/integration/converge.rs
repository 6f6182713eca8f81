//! Property test of autogenerate on SQLite: for random pairs of schemas,
//! `migrate` + `upgrade` from the first to the second leaves nothing for
//! `check`, and `downgrade -1` brings back the first (the same tables,
//! columns, indexes and foreign keys as after the first upgrade).
//!
//! The project names its constraints with `naming_convention`, as Alembic
//! advises: SQLite keeps column-level `UNIQUE` unnamed, and an unnamed
//! constraint cannot be dropped by a later revision.

use proptest::prelude::*;

use crate::harness::Project;

/// One column: its SQL type and whether it is NOT NULL (with a default, so
/// that it can be added to an existing table), UNIQUE or indexed.
#[derive(Clone, Debug)]
struct Col {
    ty: &'static str,
    not_null: bool,
    unique: bool,
    indexed: bool,
}

#[derive(Clone, Debug)]
struct Tab {
    cols: Vec<Col>,
    fk_to_previous: bool,
}

fn col() -> impl Strategy<Value = Col> {
    (
        prop::sample::select(vec![
            "INTEGER",
            "VARCHAR(20)",
            "VARCHAR(40)",
            "TEXT",
            "BIGINT",
        ]),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(ty, not_null, unique, indexed)| Col {
            ty,
            not_null,
            unique,
            indexed,
        })
}

fn schema() -> impl Strategy<Value = Vec<Tab>> {
    prop::collection::vec(
        (prop::collection::vec(col(), 0..4), any::<bool>()).prop_map(|(cols, fk)| Tab {
            cols,
            fk_to_previous: fk,
        }),
        1..4,
    )
}

/// What SQLite says of the user tables: columns (by name: column order is
/// not part of a schema comparison, as in Alembic), indexes (origin, unique,
/// columns) and foreign keys, table by table.
fn fingerprint(p: &Project) -> String {
    let db = p.path("app.db");
    let sqlite = |sql: &str| {
        let out = std::process::Command::new("sqlite3")
            .arg(&db)
            .arg(sql)
            .output()
            .expect("run sqlite3");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tables = sqlite(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'retort_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let mut out = String::new();
    for t in tables.lines() {
        out.push_str(&format!("table {t}\n"));
        out.push_str(&sqlite(&format!(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{t}') ORDER BY name"
        )));
        out.push_str(&sqlite(&format!(
            "SELECT il.\"unique\", il.origin, group_concat(ii.name) FROM pragma_index_list('{t}') il, pragma_index_info(il.name) ii GROUP BY il.name ORDER BY 1, 2, 3"
        )));
        out.push_str(&sqlite(&format!(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{t}') ORDER BY 2"
        )));
    }
    out
}

/// The models text of a schema: tables `t0`, `t1`, ...; column `cN`.
fn sql(tables: &[Tab]) -> String {
    let mut out = String::new();
    for (i, t) in tables.iter().enumerate() {
        let mut lines = vec!["id INTEGER PRIMARY KEY".to_owned()];
        for (j, c) in t.cols.iter().enumerate() {
            let mut line = format!("c{j} {}", c.ty);
            if c.not_null {
                let default = if c.ty.contains("INT") { "0" } else { "''" };
                line.push_str(&format!(" NOT NULL DEFAULT {default}"));
            }
            if c.unique {
                line.push_str(" UNIQUE");
            }
            lines.push(line);
        }
        if t.fk_to_previous && i > 0 {
            lines.push(format!("parent_id INTEGER REFERENCES t{} (id)", i - 1));
        }
        out.push_str(&format!(
            "CREATE TABLE t{i} (\n    {}\n);\n",
            lines.join(",\n    ")
        ));
        for (j, c) in t.cols.iter().enumerate() {
            if c.indexed {
                out.push_str(&format!("CREATE INDEX ix_t{i}_c{j} ON t{i} (c{j});\n"));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn random_pairs_converge_on_sqlite(a in schema(), b in schema()) {
        let p = Project::init();
        let config = std::fs::read_to_string(p.path("migrations/retort.toml")).unwrap();
        p.write(
            "migrations/retort.toml",
            &format!(
                "{config}\n[naming_convention]\nuq = \"uq_{{table_name}}_{{column_0_name}}\"\nfk = \"fk_{{table_name}}_{{column_0_name}}_{{referred_table_name}}\"\n"
            ),
        );
        p.write("a.sql", &sql(&a));
        p.write("b.sql", &sql(&b));
        let run = |models: &str, args: &[&str]| {
            let mut all = vec!["--models", models];
            all.extend_from_slice(args);
            p.run(&all)
        };
        let mut after_a = String::new();
        for (models, message) in [("a.sql", "to a"), ("b.sql", "to b")] {
            let r = run(models, &["migrate", "-m", message]);
            prop_assert_eq!(r.code, 0, "migrate {}: {}\n{}\n{}", message, r.stderr, sql(&a), sql(&b));
            let r = run(models, &["upgrade"]);
            prop_assert_eq!(r.code, 0, "upgrade {}: {}\n{}\n{}", message, r.stderr, sql(&a), sql(&b));
            let r = run(models, &["check"]);
            prop_assert_eq!(r.code, 0, "check after {}: {}{}\n{}\n{}", message, r.stdout, r.stderr, sql(&a), sql(&b));
            if after_a.is_empty() {
                after_a = fingerprint(&p);
            }
        }
        let r = run("b.sql", &["downgrade", "-1"]);
        prop_assert_eq!(r.code, 0, "downgrade: {}", r.stderr);
        prop_assert_eq!(fingerprint(&p), after_a, "after downgrade -1\n{}\n{}", sql(&a), sql(&b));
    }
}
