//! Offline mode (SPEC section 5): the `--sql` script, run by the database's
//! own client, builds the same schema and version table as the online run;
//! `downgrade --sql head:base` takes it back; `stamp --sql` records a
//! revision.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, assert_piped, per_db};

per_db!(offline_script_matches_online_run);

const R1: &str = "0ff100000001";
const R2: &str = "0ff100000002";
const R3: &str = "0ff100000003";

fn write_revisions(p: &Project) {
    p.write(
        &format!("migrations/versions/{R1}.toml"),
        &format!(
            r#"revision = "{R1}"
message = "user and order"

[[upgrade]]
op = "create_table"
table = "user"
columns = [
    {{ name = "id", type = "integer", primary_key = true }},
    {{ name = "UserName", type = "varchar(50)", nullable = false, unique = true, comment = "the login" }},
    {{ name = "score", type = "numeric(8, 2)", server_default = "0" }},
]
checks = [{{ name = "ck_user_score", condition = "score >= 0" }}]
comment = "people"

[[upgrade]]
op = "create_table"
table = "order"
columns = [
    {{ name = "id", type = "integer", primary_key = true }},
    {{ name = "user_id", type = "integer", nullable = false }},
]
foreign_keys = [{{ name = "fk_order_user", columns = ["user_id"], referent_table = "user", referent_columns = ["id"], on_delete = "CASCADE" }}]
indexes = [{{ name = "ix_order_user", columns = ["user_id"] }}]

[[downgrade]]
op = "drop_table"
table = "order"

[[downgrade]]
op = "drop_table"
table = "user"
"#
        ),
    );
    p.write(
        &format!("migrations/versions/{R2}.toml"),
        &format!(
            r#"revision = "{R2}"
down_revision = "{R1}"
message = "email and data"

[[upgrade]]
op = "add_column"
table = "user"
column = {{ name = "email", type = "varchar(100)", nullable = false, server_default = "''" }}

[[upgrade]]
op = "create_index"
table = "user"
name = "ix_user_email"
columns = ["email", "UserName"]
unique = true

[[upgrade]]
op = "bulk_insert"
table = "user"
rows = [
    {{ id = 1, UserName = "O'Brien \\ co", email = "ob@example.com" }},
    {{ id = 2, UserName = "plain", email = "" }},
]

[[upgrade]]
op = "execute"
sql = "UPDATE \"user\" SET score = 5 WHERE id = 2"
mysql = "UPDATE `user` SET score = 5 WHERE id = 2"

[[downgrade]]
op = "execute"
sql = "DELETE FROM \"user\""
mysql = "DELETE FROM `user`"

[[downgrade]]
op = "drop_index"
table = "user"
name = "ix_user_email"

[[downgrade]]
op = "drop_column"
table = "user"
column = "email"
"#
        ),
    );
    p.write(
        &format!("migrations/versions/{R3}.toml"),
        &format!(
            r#"revision = "{R3}"
down_revision = "{R2}"
message = "rename"

[[upgrade]]
op = "rename_table"
table = "order"
new_name = "Orders"

[[upgrade]]
op = "create_table_comment"
table = "Orders"
comment = "what people buy"

[[downgrade]]
op = "drop_table_comment"
table = "Orders"
existing_comment = "what people buy"

[[downgrade]]
op = "rename_table"
table = "Orders"
new_name = "order"
"#
        ),
    );
}

/// `retort --url URL ARGS` printing a script; its stdout.
#[track_caller]
fn script(p: &Project, db: &Db, args: &[&str]) -> String {
    let run = db.ok(p, args);
    assert!(
        !run.stdout.trim().is_empty(),
        "expected a SQL script on stdout\n{}",
        run.describe()
    );
    run.stdout
}

/// Feeds `sql` to `db`'s client, asserting it ran cleanly.
#[track_caller]
fn pipe(db: &Db, sql: &str, what: &str) {
    let out = db.pipe(sql);
    assert_piped(&out, &format!("{what}\n--- script ---\n{sql}"));
}

fn offline_script_matches_online_run(kind: Kind) {
    let p = Project::init();
    write_revisions(&p);

    let online = Db::fresh_named(kind, &p, "online.db");
    online.ok(&p, &["upgrade", "head"]);

    // The whole upgrade as a script, run by the client on an empty database.
    let offline = Db::fresh_named(kind, &p, "offline.db");
    let up = script(&p, &offline, &["upgrade", "--sql"]);
    for needle in [
        format!("-- Running upgrade  -> {R1}"),
        format!("-- Running upgrade {R1} -> {R2}"),
        format!("-- Running upgrade {R2} -> {R3}"),
        "retort_version".to_owned(),
    ] {
        assert!(up.contains(&needle), "{needle:?} in\n{up}");
    }
    pipe(&offline, &up, "upgrade --sql");
    assert_eq!(
        offline.catalog(),
        online.catalog(),
        "the offline script builds the schema the online run built"
    );
    assert_eq!(offline.versions(), [R3]);
    assert_eq!(offline.versions(), online.versions());
    let mut online_log = online.log();
    let mut offline_log = offline.log();
    online_log.sort();
    offline_log.sort();
    assert_eq!(offline_log, online_log, "the log rows");
    let users = format!(
        "SELECT id, {}, email, CAST(score AS {}) FROM {} ORDER BY id",
        online.q("UserName"),
        if kind == Kind::Mysql {
            "SIGNED"
        } else {
            "INTEGER"
        },
        online.q("user")
    );
    assert_eq!(offline.rows(&users), online.rows(&users), "the rows");
    assert_eq!(
        offline.rows(&users),
        ["1|O'Brien \\ co|ob@example.com|0", "2|plain||5"]
    );

    // From a database at R1: the rest, as a range.
    let partial = Db::fresh_named(kind, &p, "partial.db");
    partial.ok(&p, &["upgrade", R1]);
    let rest = script(&p, &partial, &["upgrade", "--sql", &format!("{R1}:head")]);
    assert!(
        !rest.contains(&format!("-> {R1}\n")),
        "the range starts after {R1}:\n{rest}"
    );
    pipe(&partial, &rest, &format!("upgrade --sql {R1}:head"));
    assert_eq!(partial.catalog(), online.catalog());
    assert_eq!(partial.versions(), [R3]);

    // All the way down, offline.
    let down = script(&p, &offline, &["downgrade", "--sql", "head:base"]);
    pipe(&offline, &down, "downgrade --sql head:base");
    assert!(
        offline.user_tables().is_empty(),
        "no user tables after the downgrade script: {:?}",
        offline.user_tables()
    );
    assert!(offline.versions().is_empty(), "{:?}", offline.versions());

    // stamp --sql on an empty database records the revision.
    let stamped = Db::fresh_named(kind, &p, "stamped.db");
    let stamp = script(&p, &stamped, &["stamp", "--sql", "head"]);
    pipe(&stamped, &stamp, "stamp --sql head");
    assert_eq!(stamped.versions(), [R3]);
    assert!(stamped.user_tables().is_empty(), "stamp runs no operation");
    assert_eq!(stamped.current(&p), [R3]);

    // Offline never connects: a closed port is fine.
    let closed = match kind {
        Kind::Sqlite => "sqlite:////nonexistent-dir/never.db".to_owned(),
        Kind::Postgres => "postgresql://nobody:x@127.0.0.1:1/never".to_owned(),
        Kind::Mysql => "mysql://nobody:x@127.0.0.1:1/never".to_owned(),
    };
    let run = p.ok(&["--url", &closed, "upgrade", "--sql"]);
    assert_eq!(run.stdout.matches("-- Running upgrade").count(), 3);
}
