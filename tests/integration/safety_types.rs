//! Column types are checked (SPEC 3.2): a name no supported database knows
//! is refused when the revision file is loaded, at its file:line:column; a
//! type of another database is refused when rendered; `verbatim(...)`
//! passes anything through; and autogenerate marks the database's own
//! unknown types so that what it writes loads back.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, assert_failed};

/// Writes `migrations/versions/aaaaaaaaaa01.toml` with `body`.
fn revision(p: &Project, body: &str) {
    p.write(
        "migrations/versions/aaaaaaaaaa01.toml",
        &format!("revision = \"aaaaaaaaaa01\"\nmessage = \"types\"\n\n{body}"),
    );
}

/// `create_table t` with one column `c` of `ty`.
fn create_table(ty: &str) -> String {
    format!(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [\n    \
         {{ name = \"id\", type = \"integer\", primary_key = true }},\n    \
         {{ name = \"c\", type = \"{ty}\" }},\n]\n"
    )
}

#[test]
fn a_misspelt_type_is_refused_at_load_with_its_location() {
    let p = Project::init();
    let file = "migrations/versions/aaaaaaaaaa01.toml";
    let cases = [
        // (body, the line:column of the type's value)
        (create_table("integr"), "9:26", "columns[1].type"),
        (
            "[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"c\", type = \"VARCHR(20)\" }\n"
                .to_owned(),
            "7:31",
            "column.type",
        ),
        (
            "[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\ntype = \"text\"\nexisting_type = \"strng\"\n"
                .to_owned(),
            "9:17",
            "existing_type",
        ),
        (
            "[[upgrade]]\nop = \"batch_alter_table\"\ntable = \"t\"\nops = [\n    { op = \"add_column\", column = { name = \"c\", type = \"bigintt\" } },\n]\n"
                .to_owned(),
            "8:56",
            "nested operation 1: `column.type`",
        ),
    ];
    for (body, at, field) in cases {
        revision(&p, &body);
        for args in [&["upgrade"][..], &["upgrade", "--sql"][..]] {
            let mut all = vec!["--url", "sqlite:///app.db"];
            all.extend_from_slice(args);
            let run = p.run(&all);
            assert_failed(&run);
            for needle in [
                format!("{file}:{at}: upgrade operation 1"),
                field.to_owned(),
            ] {
                assert!(
                    run.stderr.contains(&needle),
                    "expected {needle:?}\n{}",
                    run.describe()
                );
            }
            assert!(run.stderr.contains("verbatim("), "{}", run.describe());
        }
    }
    let run = p.run(&["--url", "sqlite:///app.db", "upgrade"]);
    assert!(
        !run.stderr.contains("Running upgrade"),
        "{}",
        run.describe()
    );
}

#[test]
fn database_spellings_pass_and_the_hint_names_the_type() {
    let p = Project::init();
    revision(&p, &create_table("integr"));
    p.fails(&["--url", "sqlite://", "upgrade", "--sql"])
        .stderr_has("did you mean `integer`");
    for (url, types) in [
        (
            "postgresql://u@h/d",
            &[
                "double precision",
                "character varying(20)",
                "int[]",
                "timestamp(6) with time zone",
                "JSONB",
                "pg_catalog.int4",
            ][..],
        ),
        (
            "mysql://u@h/d",
            &[
                "int unsigned",
                "tinyint(1)",
                "varchar(20) character set utf8mb4",
                "MEDIUMTEXT",
                "double precision",
            ][..],
        ),
        (
            "sqlite://",
            &["jsonb", "int unsigned", "clob", "native character(70)"][..],
        ),
    ] {
        for ty in types {
            revision(&p, &create_table(ty));
            p.ok(&["--url", url, "upgrade", "--sql"]).stdout_has(
                &format!("\"c\" {ty}")
                    .replace('"', if url.starts_with("mysql") { "`" } else { "\"" }),
            );
        }
    }
}

#[test]
fn a_type_of_another_database_is_refused_when_rendered() {
    let p = Project::init();
    revision(&p, &create_table("jsonb"));
    p.fails(&["--url", "mysql://u@h/d", "upgrade", "--sql"])
        .stderr_has("\"jsonb\"")
        .stderr_has("PostgreSQL")
        .stderr_has("verbatim(jsonb)");
    p.ok(&["--url", "postgresql://u@h/d", "upgrade", "--sql"])
        .stdout_has("\"c\" jsonb");
    revision(&p, &create_table("mediumtext"));
    p.fails(&["--url", "postgresql://u@h/d", "upgrade", "--sql"])
        .stderr_has("MySQL/MariaDB");
}

#[test]
fn verbatim_passes_the_type_through_untouched() {
    let p = Project::init();
    revision(&p, &create_table("verbatim(citext COLLATE \\\"C\\\")"));
    for (url, q) in [
        ("postgresql://u@h/d", '"'),
        ("mysql://u@h/d", '`'),
        ("sqlite://", '"'),
    ] {
        p.ok(&["--url", url, "upgrade", "--sql"])
            .stdout_has(&format!("{q}c{q} citext COLLATE \"C\""));
    }
}

/// Autogenerate writes a type the database has but no list knows as
/// `verbatim(...)`; the file loads back, upgrades, and leaves nothing to do.
fn unknown_database_type_round_trips(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    let ty = match kind {
        Kind::Postgres => {
            db.sql("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
            "posint"
        }
        _ => "FOOTYPE",
    };
    p.write(
        "models.sql",
        &format!("CREATE TABLE t (id INTEGER PRIMARY KEY, c {ty});\n"),
    );
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "t"]);
    let file = p.version_files().concat();
    let text = p.read(&format!("migrations/versions/{file}"));
    assert!(text.contains(&format!("verbatim({ty})")), "{text}");
    db.ok(&p, &["upgrade"]);
    db.ok(&p, &["--models", "models.sql", "check"]);
}

#[test]
fn unknown_database_type_round_trips_sqlite() {
    unknown_database_type_round_trips(Kind::Sqlite);
}

#[test]
fn unknown_database_type_round_trips_postgres() {
    unknown_database_type_round_trips(Kind::Postgres);
}
