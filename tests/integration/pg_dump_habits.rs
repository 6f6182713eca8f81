//! What `pg_dump` writes and real PostgreSQL schemas hold, met late: an
//! extension's types and functions qualified with the schema it was
//! installed in (`public.citext`), and index key parts with an operator
//! class or `DESC`. Each is adopted, generated from nothing, upgraded and
//! compared on a real PostgreSQL server.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind};

const MODELS: &str = "
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

CREATE TABLE public.users (
    id bigint NOT NULL,
    email public.citext NOT NULL,
    ip inet,
    name character varying(40)
);

CREATE INDEX index_users_on_ip ON public.users USING gist (ip inet_ops);
CREATE INDEX index_users_on_id_desc ON public.users USING btree (id DESC);
CREATE INDEX index_users_on_name ON public.users USING btree (name varchar_pattern_ops, id);
";

#[test]
fn a_pg_dump_schema_with_an_extension_and_operator_classes_round_trips() {
    // From nothing: generated, upgraded, and clean.
    let p = Project::init();
    p.write("models.sql", MODELS);
    let db = Db::fresh(Kind::Postgres, &p);
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "users"]);
    let file = p.read(&format!("migrations/versions/{}", p.version_files()[0]));
    for wanted in [
        r#"{ opclass = "inet_ops" }"#,
        r#"{ descending = true }"#,
        r#"{ opclass = "varchar_pattern_ops" }"#,
    ] {
        assert!(file.contains(wanted), "{wanted} missing:\n{file}");
    }
    db.ok(&p, &["upgrade", "head"]);
    let defs = db.rows(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index \
         WHERE indrelid = 'users'::regclass ORDER BY 1",
    );
    assert!(
        defs.iter().any(|d| d.ends_with("USING gist (ip inet_ops)")),
        "{defs:?}"
    );
    assert!(defs.iter().any(|d| d.ends_with("(id DESC)")), "{defs:?}");
    assert!(
        defs.iter()
            .any(|d| d.ends_with("(name varchar_pattern_ops, id)")),
        "{defs:?}"
    );
    // The extension is now in the database: the models' `public.citext`
    // is found where it is.
    db.ok(&p, &["--models", "models.sql", "check"]);

    // Adopted: loaded by psql, stamped, clean.
    let q = Project::init();
    q.write("models.sql", MODELS);
    let native = Db::fresh(Kind::Postgres, &q);
    let loaded = native.pipe(MODELS);
    assert!(loaded.status.success(), "{loaded:?}");
    native.ok(&q, &["stamp", "head"]);
    native.ok(&q, &["--models", "models.sql", "check"]);

    // A changed operator class is a changed index.
    q.write(
        "models.sql",
        &MODELS.replace("name varchar_pattern_ops, id", "name text_pattern_ops, id"),
    );
    let run = native.run(&q, &["--models", "models.sql", "check"]);
    assert_eq!(run.code, 1, "{}", run.describe());
}

#[test]
fn an_operator_class_is_refused_where_there_is_none() {
    let p = Project::init();
    p.write(
        "migrations/versions/a1.toml",
        "revision = \"a1\"\nmessage = \"ix\"\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"t\"\nname = \"ix_t_a\"\ncolumns = [\"a\"]\norders = [{ opclass = \"text_pattern_ops\" }]\n",
    );
    let db = Db::fresh(Kind::Sqlite, &p);
    let run = db.run(&p, &["upgrade", "head", "--sql"]);
    assert_eq!(run.code, 1, "{}", run.describe());
    assert!(
        run.stderr
            .contains("operator class text_pattern_ops, a PostgreSQL clause"),
        "{}",
        run.describe()
    );
}
