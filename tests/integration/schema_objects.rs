//! Schema objects beyond tables (views, triggers, routines, sequences,
//! domains, extensions) on live databases: hand-written revisions go up and
//! down, online and as `--sql` scripts run by the native client; the
//! inspector reads them back; the diff of a live database against a
//! "target" database built from DDL gives the operations that, applied,
//! make the two read back equal.

use retort::core::diff::{DiffOptions, diff};
use retort::core::schema::Schema;
use retort::db::inspect::{InspectOptions, inspect_schema};
use retort::db::{Connection, DatabaseUrl, connect};

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, assert_piped, per_db};

per_db!(
    objects_go_up_and_down,
    objects_go_up_and_down_as_a_script,
    a_diff_creates_objects_after_their_tables_and_converges,
    a_changed_object_is_replaced_and_converges
);

fn open(db: &Db) -> Box<dyn Connection> {
    let url = DatabaseUrl::parse(&db.url).unwrap_or_else(|e| panic!("{e}"));
    connect(&url).unwrap_or_else(|e| panic!("{e}"))
}

fn options() -> InspectOptions {
    InspectOptions::new("retort_version", "retort_log")
        .exclude("retort_lock")
        .exclude("retort_journal")
}

fn inspect(db: &Db) -> Schema {
    inspect_schema(open(db).as_mut(), &options()).unwrap_or_else(|e| panic!("{e}"))
}

/// The objects of `db` as the inspector names them (`view v`,
/// `trigger t_count on t`).
fn objects(db: &Db) -> Vec<String> {
    inspect(db)
        .objects
        .iter()
        .map(|o| o.id.to_string())
        .collect()
}

/// Runs DDL statements on `db` through the library's connection.
fn run_ddl(db: &Db, statements: &[&str]) {
    let mut conn = open(db);
    for s in statements {
        conn.execute(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

const TABLE: &str = "CREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL)";

/// The objects of each database, as `(op suffix, name, extra fields,
/// definition)`, in creation order.
fn object_ddl(kind: Kind) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    match kind {
        Kind::Sqlite => vec![
            ("view", "v", "", "CREATE VIEW v AS SELECT id, n FROM t"),
            (
                "trigger",
                "t_count",
                "table = \"t\"",
                "CREATE TRIGGER t_count AFTER INSERT ON t BEGIN\n  UPDATE t SET n = n + 1 WHERE id = NEW.id;\nEND",
            ),
        ],
        Kind::Postgres => vec![
            (
                "extension",
                "citext",
                "",
                "CREATE EXTENSION IF NOT EXISTS citext",
            ),
            (
                "domain",
                "posint",
                "",
                "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
            ),
            (
                "sequence",
                "ticket",
                "",
                "CREATE SEQUENCE ticket START WITH 100",
            ),
            (
                "function",
                "touch",
                "arguments = \"\"",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.n := NEW.n + 1;\n  RETURN NEW;\nEND\n$$",
            ),
            (
                "procedure",
                "reset_t",
                "arguments = \"\"",
                "CREATE PROCEDURE reset_t() LANGUAGE sql AS $$DELETE FROM t$$",
            ),
            ("view", "v", "", "CREATE VIEW v AS SELECT id, n FROM t"),
            (
                "materialized_view",
                "mv",
                "",
                "CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS c FROM t",
            ),
            (
                "trigger",
                "t_count",
                "table = \"t\"",
                "CREATE TRIGGER t_count BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch()",
            ),
        ],
        Kind::Mysql => vec![
            (
                "function",
                "twice",
                "",
                "CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2",
            ),
            // MySQL routines are read in name order.
            (
                "procedure",
                "zap_t",
                "",
                "CREATE PROCEDURE zap_t() BEGIN\n  DELETE FROM t;\nEND",
            ),
            ("view", "v", "", "CREATE VIEW v AS SELECT id, n FROM t"),
            (
                "trigger",
                "t_count",
                "table = \"t\"",
                "CREATE TRIGGER t_count BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.n = NEW.n + 1;\nEND",
            ),
        ],
    }
}

/// What the inspector names the objects of [`object_ddl`].
fn expected_objects(kind: Kind) -> Vec<String> {
    object_ddl(kind)
        .into_iter()
        .map(|(op, name, extra, _)| {
            let args = if extra.starts_with("arguments") {
                "()"
            } else {
                ""
            };
            let table = if extra.starts_with("table") {
                " on t"
            } else {
                ""
            };
            format!("{op} {name}{args}{table}")
        })
        .collect()
}

/// One revision creating `t` and every object (downgrade: each dropped,
/// last first, by name only).
fn write_revision(p: &Project, kind: Kind) {
    let mut up = String::from(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"n\", type = \"integer\", nullable = false },\n]\n",
    );
    let mut down = String::new();
    for (op, name, extra, definition) in object_ddl(kind) {
        up.push_str(&format!(
            "\n[[upgrade]]\nop = \"create_{op}\"\nname = \"{name}\"\n{extra}\ndefinition = '''\n{definition}'''\n"
        ));
        down = format!("\n[[downgrade]]\nop = \"drop_{op}\"\nname = \"{name}\"\n{extra}\n{down}");
    }
    down.push_str("\n[[downgrade]]\nop = \"drop_table\"\ntable = \"t\"\n");
    p.write(
        "migrations/versions/aaaaaaaaaa01.toml",
        &format!("revision = \"aaaaaaaaaa01\"\nmessage = \"objects\"\n\n{up}{down}"),
    );
}

fn objects_go_up_and_down(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_revision(&p, kind);
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(
        objects(&db),
        expected_objects(kind),
        "objects after upgrade"
    );
    // The trigger fires: it adds one to `n` on insert.
    db.sql("INSERT INTO t (id, n) VALUES (1, 1)");
    assert_eq!(
        db.rows("SELECT n FROM v"),
        ["2"],
        "the view over the triggered row"
    );
    db.sql("DELETE FROM t");
    db.ok(&p, &["downgrade", "base"]);
    assert_eq!(
        objects(&db),
        Vec::<String>::new(),
        "objects after downgrade"
    );
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}

fn objects_go_up_and_down_as_a_script(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_revision(&p, kind);
    let up = db.ok(&p, &["upgrade", "head", "--sql"]);
    assert_piped(&db.pipe(&up.stdout), "the upgrade script");
    assert_eq!(
        objects(&db),
        expected_objects(kind),
        "objects after the script"
    );
    let down = db.ok(&p, &["downgrade", "aaaaaaaaaa01:base", "--sql"]);
    assert_piped(&db.pipe(&down.stdout), "the downgrade script");
    assert_eq!(
        objects(&db),
        Vec::<String>::new(),
        "objects after downgrade"
    );
}

/// Applies `ops` to `db` as the dialect renders them.
fn apply(db: &Db, ops: &[retort::core::Operation]) {
    let mut conn = open(db);
    let dialect = conn.dialect().dialect();
    for op in ops {
        for s in dialect.render(op).unwrap_or_else(|e| panic!("{e}")) {
            conn.execute(s.as_str())
                .unwrap_or_else(|e| panic!("{op}: {s}: {e}"));
        }
    }
}

/// Diffs `live` against `target` and applies the upgrade; the two then
/// read back equal, and the downgrade brings `live` back. The upgrade's
/// operation names are returned.
fn converge(live: &Db, target: &Db) -> Vec<String> {
    let before = inspect(live);
    let goal = inspect(target);
    let dialect = open(live).dialect();
    let options = DiffOptions::new(dialect.normalizer());
    let d = diff(&before, &goal, &options);
    apply(live, &d.upgrade);
    let after = inspect(live);
    let again = diff(&after, &goal, &options);
    assert!(again.is_empty(), "after upgrade: {:#?}", again.changes);
    // The same objects (in the order each database created them, which
    // may differ: the diff creates routines after the tables).
    let sorted = |s: &Schema| {
        let mut o = s.objects.clone();
        o.sort_by(|a, b| a.id.cmp(&b.id));
        o
    };
    assert_eq!(sorted(&after), sorted(&goal), "objects after upgrade");
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    apply(live, &d.downgrade);
    let back = diff(&inspect(live), &before, &options);
    assert!(back.is_empty(), "after downgrade: {:#?}", back.changes);
    d.upgrade.iter().map(|o| o.to_string()).collect()
}

fn a_diff_creates_objects_after_their_tables_and_converges(kind: Kind) {
    let p = Project::init();
    let live = Db::fresh_named(kind, &p, "live.db");
    let target = Db::fresh_named(kind, &p, "target.db");
    let mut ddl = vec![TABLE];
    ddl.extend(object_ddl(kind).into_iter().map(|(.., d)| d));
    run_ddl(&target, &ddl);
    let ops = converge(&live, &target);
    let mut expected: Vec<String> = expected_objects(kind)
        .into_iter()
        .map(|o| format!("create_{o}"))
        .collect();
    // Objects tables may use come first, then the table, then the rest.
    let early = ["create_extension", "create_domain", "create_sequence"];
    let split = expected
        .iter()
        .position(|o| !early.iter().any(|k| o.starts_with(k)))
        .unwrap_or(expected.len());
    expected.insert(split, "create_table on t".to_owned());
    assert_eq!(ops, expected, "upgrade operations");
}

fn a_changed_object_is_replaced_and_converges(kind: Kind) {
    let p = Project::init();
    let live = Db::fresh_named(kind, &p, "live.db");
    let target = Db::fresh_named(kind, &p, "target.db");
    let view = |sql: &str| format!("CREATE VIEW v AS SELECT {sql} FROM t");
    run_ddl(
        &live,
        &[TABLE, &view("id, n"), "CREATE VIEW w AS SELECT id FROM v"],
    );
    // The same columns: replaced in place where the database can.
    run_ddl(
        &target,
        &[
            TABLE,
            &view("id, n + 1 AS n"),
            "CREATE VIEW w AS SELECT id FROM v",
        ],
    );
    let ops = converge(&live, &target);
    let expected: &[&str] = match kind {
        Kind::Sqlite => &[
            "drop_view w",
            "drop_view v",
            "create_view v",
            "create_view w",
        ],
        Kind::Postgres | Kind::Mysql => &["replace_view v"],
    };
    assert_eq!(ops, expected, "a view's query changes");
    // A column more: PostgreSQL drops and creates it, and the view over it
    // (SQLite always does).
    let target = Db::fresh_named(kind, &p, "target2.db");
    run_ddl(
        &target,
        &[
            TABLE,
            &view("id, n, 1 AS one"),
            "CREATE VIEW w AS SELECT id FROM v",
        ],
    );
    let ops = converge(&live, &target);
    let expected: &[&str] = match kind {
        Kind::Sqlite | Kind::Postgres => &[
            "drop_view w",
            "drop_view v",
            "create_view v",
            "create_view w",
        ],
        Kind::Mysql => &["replace_view v"],
    };
    assert_eq!(ops, expected, "a view's columns change");
}

/// PostgreSQL refuses to change the type of a column a view uses: the view
/// (and the views over it) are dropped before and created again after.
#[test]
fn a_view_over_a_column_changing_type_is_rebuilt_on_postgres() {
    let p = Project::init();
    let live = Db::fresh_named(Kind::Postgres, &p, "live.db");
    let target = Db::fresh_named(Kind::Postgres, &p, "target.db");
    let views = [
        "CREATE VIEW v AS SELECT id, n FROM t",
        "CREATE VIEW w AS SELECT n FROM v",
    ];
    run_ddl(&live, &[TABLE]);
    run_ddl(&live, &views);
    run_ddl(
        &target,
        &["CREATE TABLE t (id integer PRIMARY KEY, n bigint NOT NULL)"],
    );
    run_ddl(&target, &views);
    let ops = converge(&live, &target);
    assert_eq!(
        ops,
        [
            "drop_view w",
            "drop_view v",
            "alter_column on t",
            "create_view v",
            "create_view w"
        ]
    );
}

/// What belongs to a column (a serial's sequence, an identity) or to an
/// extension is not an object of its own; `plpgsql` is never reported; a
/// schema read by name is reported unqualified, its qualifier removed from
/// definitions, so it compares equal with the same DDL in `public`.
#[test]
fn postgres_reports_only_objects_of_their_own_unqualified() {
    let p = Project::init();
    let db = Db::fresh(Kind::Postgres, &p);
    run_ddl(
        &db,
        &[
            "CREATE EXTENSION citext",
            "CREATE TABLE t (id serial PRIMARY KEY, k integer GENERATED ALWAYS AS IDENTITY, n integer NOT NULL)",
            "CREATE SEQUENCE free_seq",
            "CREATE VIEW v AS SELECT id, n FROM public.t",
            "CREATE FUNCTION f(a integer, b text) RETURNS integer LANGUAGE sql AS $$SELECT a$$",
            "CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS $$SELECT a$$",
            "CREATE SCHEMA other",
            "CREATE TABLE other.t (id serial PRIMARY KEY, k integer GENERATED ALWAYS AS IDENTITY, n integer NOT NULL)",
            "CREATE SEQUENCE other.free_seq",
            "CREATE VIEW other.v AS SELECT id, n FROM other.t",
            "CREATE FUNCTION other.f(a integer, b text) RETURNS integer LANGUAGE sql AS $$SELECT a$$",
            "CREATE FUNCTION other.f(a integer) RETURNS integer LANGUAGE sql AS $$SELECT a$$",
        ],
    );
    let public = inspect(&db);
    assert_eq!(
        public
            .objects
            .iter()
            .map(|o| o.id.to_string())
            .collect::<Vec<_>>(),
        [
            "extension citext",
            "sequence free_seq",
            "view v",
            "function f(a integer, b text)",
            "function f(a integer)"
        ]
    );
    let mut conn = open(&db);
    let other = inspect_schema(conn.as_mut(), &options().schema("other")).unwrap();
    assert_eq!(other.objects, public.objects);
    let view = &public.objects[2].definition;
    assert!(!view.contains("public."), "{view}");
}

/// The sqlparser models reader accepts `CREATE VIEW` on SQLite, keeping the
/// statement as `sqlite_master` does, so `check` against a database with
/// the same view is clean, and autogenerate creates it.
#[test]
fn sqlite_models_may_declare_views() {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    let models = "CREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL);\nCREATE VIEW v AS SELECT id, n FROM t;\n";
    p.write("schema.sql", models);
    db.ok(&p, &["--models", "schema.sql", "migrate", "-m", "first"]);
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(objects(&db), ["view v"]);
    db.ok(&p, &["--models", "schema.sql", "check"]);
}

/// A routine whose body changes is replaced in place on PostgreSQL (its
/// result type unchanged), dropped and created again on MySQL; one whose
/// result type changes is dropped and created again on PostgreSQL too.
#[test]
fn a_changed_routine_converges_on_servers() {
    let p = Project::init();
    for kind in [Kind::Postgres, Kind::Mysql] {
        let live = Db::fresh_named(kind, &p, "live.db");
        let target = Db::fresh_named(kind, &p, "target.db");
        let (old, new, expected): (&str, &str, &[&str]) = match kind {
            Kind::Postgres => (
                "CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql AS $$SELECT x * 2$$",
                "CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql AS $$SELECT x + x$$",
                &["replace_function twice(x integer)"],
            ),
            _ => (
                "CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2",
                "CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x + x",
                &["drop_function twice", "create_function twice"],
            ),
        };
        run_ddl(&live, &[old]);
        run_ddl(&target, &[new]);
        assert_eq!(converge(&live, &target), expected, "{kind:?}");
        if kind == Kind::Postgres {
            let target = Db::fresh_named(kind, &p, "target2.db");
            run_ddl(
                &target,
                &[
                    "CREATE FUNCTION twice(x integer) RETURNS bigint LANGUAGE sql AS $$SELECT x * 2$$",
                ],
            );
            assert_eq!(
                converge(&live, &target),
                [
                    "drop_function twice(x integer)",
                    "create_function twice(x integer)"
                ]
            );
        }
    }
}

/// An object kind the database does not have stops the run before its
/// first statement, naming the revision file, the operation and the
/// database.
#[test]
fn an_object_the_database_lacks_is_refused_before_running() {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    p.write(
        "migrations/versions/aaaaaaaaaa01.toml",
        "revision = \"aaaaaaaaaa01\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n\n[[upgrade]]\nop = \"create_materialized_view\"\nname = \"mv\"\ndefinition = \"CREATE MATERIALIZED VIEW mv AS SELECT 1\"\n",
    );
    let run = db.fails(&p, &["upgrade", "head"]);
    for part in ["aaaaaaaaaa01", "create_materialized_view mv", "sqlite"] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}

/// A slice of a published schema (pagila's shape: a domain, a trigger
/// function used by triggers on several tables, a standalone sequence used
/// by a default, owned sequences of serial keys, a view joining tables, a
/// SQL function reading a table) goes from an empty database to the same
/// catalog, and back to nothing.
#[test]
fn a_pagila_like_schema_converges_from_empty_on_postgres() {
    let p = Project::init();
    let live = Db::fresh_named(Kind::Postgres, &p, "live.db");
    let target = Db::fresh_named(Kind::Postgres, &p, "target.db");
    run_ddl(
        &target,
        &[
            "CREATE DOMAIN public.year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155)",
            "CREATE FUNCTION public.last_updated() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.last_update = CURRENT_TIMESTAMP;\n    RETURN NEW;\nEND $$",
            "CREATE SEQUENCE public.film_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1",
            "CREATE TABLE public.actor (actor_id serial PRIMARY KEY, first_name text NOT NULL, last_update timestamp with time zone DEFAULT now() NOT NULL)",
            "CREATE TABLE public.film (film_id integer DEFAULT nextval('public.film_id_seq'::regclass) PRIMARY KEY, title text NOT NULL, release_year public.year, last_update timestamp with time zone DEFAULT now() NOT NULL)",
            "CREATE TABLE public.film_actor (actor_id integer NOT NULL REFERENCES public.actor, film_id integer NOT NULL REFERENCES public.film, PRIMARY KEY (actor_id, film_id))",
            "CREATE VIEW public.actor_info AS SELECT a.actor_id, a.first_name, count(fa.film_id) AS films FROM public.actor a LEFT JOIN public.film_actor fa ON fa.actor_id = a.actor_id GROUP BY a.actor_id, a.first_name",
            "CREATE FUNCTION public.film_count(p_actor integer) RETURNS bigint LANGUAGE sql AS $$SELECT count(*) FROM public.film_actor WHERE actor_id = p_actor$$",
            "CREATE TRIGGER last_updated BEFORE UPDATE ON public.actor FOR EACH ROW EXECUTE FUNCTION public.last_updated()",
            "CREATE TRIGGER last_updated BEFORE UPDATE ON public.film FOR EACH ROW EXECUTE FUNCTION public.last_updated()",
        ],
    );
    let ops = converge(&live, &target);
    let first_table = ops
        .iter()
        .position(|o| o.starts_with("create_table"))
        .unwrap();
    let last_table = ops
        .iter()
        .rposition(|o| o.starts_with("create_table"))
        .unwrap();
    for early in ["create_domain year", "create_sequence film_id_seq"] {
        let at = ops
            .iter()
            .position(|o| o == early)
            .unwrap_or_else(|| panic!("{ops:?}"));
        assert!(at < first_table, "{ops:?}");
    }
    for late in [
        "create_view actor_info",
        "create_function film_count(p_actor integer)",
        "create_trigger last_updated on actor",
        "create_trigger last_updated on film",
    ] {
        let at = ops
            .iter()
            .position(|o| o == late)
            .unwrap_or_else(|| panic!("{late}: {ops:?}"));
        assert!(at > last_table, "{ops:?}");
    }
}

/// A slice of sakila's shape on MariaDB: a trigger with a compound body,
/// a function reading a table, a procedure with IN and OUT parameters, a
/// view joining tables; from empty to the same objects, and back.
#[test]
fn a_sakila_like_schema_converges_from_empty_on_mysql() {
    let p = Project::init();
    let live = Db::fresh_named(Kind::Mysql, &p, "live.db");
    let target = Db::fresh_named(Kind::Mysql, &p, "target.db");
    run_ddl(
        &target,
        &[
            "CREATE TABLE film (film_id smallint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(128) NOT NULL, rental_rate decimal(4,2) NOT NULL DEFAULT 4.99)",
            "CREATE TABLE film_text (film_id smallint NOT NULL PRIMARY KEY, title varchar(255) NOT NULL)",
            "CREATE TABLE inventory (inventory_id mediumint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, film_id smallint unsigned NOT NULL, CONSTRAINT fk_inventory_film FOREIGN KEY (film_id) REFERENCES film (film_id))",
            "CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW BEGIN\n    INSERT INTO film_text (film_id, title) VALUES (new.film_id, new.title);\n  END",
            "CREATE FUNCTION inventory_count(p_film_id INT) RETURNS INT READS SQL DATA\nBEGIN\n  DECLARE n INT;\n  SELECT COUNT(*) INTO n FROM inventory WHERE film_id = p_film_id;\n  RETURN n;\nEND",
            "CREATE PROCEDURE film_in_stock(IN p_film_id INT, OUT p_film_count INT) READS SQL DATA\nBEGIN\n  SELECT COUNT(*) INTO p_film_count FROM inventory WHERE film_id = p_film_id;\nEND",
            "CREATE SQL SECURITY INVOKER VIEW film_list AS SELECT film.film_id AS FID, film.title AS title, COUNT(inventory.inventory_id) AS copies FROM film LEFT JOIN inventory ON inventory.film_id = film.film_id GROUP BY film.film_id, film.title",
        ],
    );
    let ops = converge(&live, &target);
    assert_eq!(
        ops,
        [
            "create_table on film",
            "create_table on film_text",
            "create_table on inventory",
            "create_procedure film_in_stock",
            "create_function inventory_count",
            "create_view film_list",
            "create_trigger ins_film on film"
        ]
    );
}
