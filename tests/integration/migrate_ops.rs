//! Every operation of SPEC section 3.1 that a database can do, run for real:
//! `upgrade head` over revisions that use them all (with reserved-word and
//! mixed-case names), the schema checked with the database's own client,
//! then `downgrade base` back to only the version and log tables.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, per_db};

per_db!(every_operation_up_and_down);

/// Writes `migrations/versions/<id>.toml`.
fn revision(p: &Project, id: &str, down: Option<&str>, message: &str, body: &str) {
    let mut text = format!("revision = {id:?}\n");
    if let Some(d) = down {
        text.push_str(&format!("down_revision = {d:?}\n"));
    }
    text.push_str(&format!("message = {message:?}\n\n{body}"));
    p.write(&format!("migrations/versions/{id}.toml"), &text);
}

const R1: &str = "aaaaaaaaaa01";
const R2: &str = "aaaaaaaaaa02";
const R3: &str = "aaaaaaaaaa03";
const R4: &str = "aaaaaaaaaa04";
const R5: &str = "aaaaaaaaaa05";
const R6: &str = "aaaaaaaaaa06";
const R7: &str = "aaaaaaaaaa07";
const R8: &str = "aaaaaaaaaa08";

/// The revisions: the same chain on every database, each op in the form
/// the database needs (SQLite: constraint changes inside
/// `batch_alter_table`; MySQL: `existing_*` facts; PostgreSQL: enums).
fn write_revisions(p: &Project, kind: Kind) {
    // 1: tables with a primary key, unique, foreign key, check, comments.
    revision(
        p,
        R1,
        None,
        "create user and order",
        r#"
[[upgrade]]
op = "create_table"
table = "user"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "UserName", type = "varchar(128)", nullable = false, unique = true, comment = "the login" },
    { name = "score", type = "integer", server_default = "0" },
]
unique = [{ name = "uq_user_name_score", columns = ["UserName", "score"] }]
checks = [{ name = "ck_user_score", condition = "score >= 0" }]
comment = "people who log in"

[[upgrade]]
op = "create_table"
table = "order"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "user_id", type = "integer", nullable = false },
    { name = "amount", type = "numeric(10, 2)", nullable = false, server_default = "0" },
]
foreign_keys = [{ name = "fk_order_user", columns = ["user_id"], referent_table = "user", referent_columns = ["id"], on_delete = "CASCADE" }]
indexes = [{ name = "ix_order_user", columns = ["user_id"] }]

[[downgrade]]
op = "drop_table"
table = "order"

[[downgrade]]
op = "drop_table"
table = "user"
"#,
    );

    // 2: columns added, renamed, retyped and dropped.
    let retype = match kind {
        Kind::Sqlite => String::new(),
        _ => r#"
[[upgrade]]
op = "alter_column"
table = "user"
column = "email"
type = "varchar(320)"
nullable = true
existing_type = "varchar(255)"
existing_nullable = false
existing_server_default = "''"
"#
        .to_owned(),
    };
    let unretype = match kind {
        Kind::Sqlite => String::new(),
        _ => r#"
[[downgrade]]
op = "alter_column"
table = "user"
column = "email"
type = "varchar(255)"
nullable = false
existing_type = "varchar(320)"
existing_nullable = true
existing_server_default = "''"
"#
        .to_owned(),
    };
    revision(
        p,
        R2,
        Some(R1),
        "columns",
        &format!(
            r#"
[[upgrade]]
op = "add_column"
table = "user"
column = {{ name = "email", type = "varchar(255)", nullable = false, server_default = "''" }}

[[upgrade]]
op = "add_column"
table = "user"
column = {{ name = "age", type = "integer" }}

[[upgrade]]
op = "add_column"
table = "user"
column = {{ name = "scratch", type = "text" }}

[[upgrade]]
op = "alter_column"
table = "user"
column = "age"
new_name = "Age"
existing_type = "integer"
existing_nullable = true

[[upgrade]]
op = "drop_column"
table = "user"
column = "scratch"
{retype}
{unretype}
[[downgrade]]
op = "alter_column"
table = "user"
column = "Age"
new_name = "age"
existing_type = "integer"
existing_nullable = true

[[downgrade]]
op = "drop_column"
table = "user"
column = "age"

[[downgrade]]
op = "drop_column"
table = "user"
column = "email"
"#
        ),
    );

    // 3: indexes, unique and partial, one created and dropped again.
    let partial = match kind {
        Kind::Mysql => "",
        _ => "\nwhere = \"amount > 0\"",
    };
    revision(
        p,
        R3,
        Some(R2),
        "indexes",
        &format!(
            r#"
[[upgrade]]
op = "create_index"
table = "user"
name = "ix_user_email"
columns = ["email"]
unique = true

[[upgrade]]
op = "create_index"
table = "order"
name = "ix_order_amount"
columns = ["amount"]{partial}

[[upgrade]]
op = "create_index"
table = "user"
name = "ix_user_tmp"
columns = ["Age", "UserName"]

[[upgrade]]
op = "drop_index"
table = "user"
name = "ix_user_tmp"

[[downgrade]]
op = "drop_index"
table = "order"
name = "ix_order_amount"

[[downgrade]]
op = "drop_index"
table = "user"
name = "ix_user_email"
"#
        ),
    );

    // 4: constraints added to and dropped from existing tables.
    let tag = r#"
[[upgrade]]
op = "create_table"
table = "tag"
columns = [
    { name = "name", type = "varchar(50)", nullable = false },
    { name = "kind", type = "varchar(20)", nullable = false },
    { name = "user_id", type = "integer" },
]
"#;
    let user_ops = r#"
    { op = "create_unique_constraint", name = "uq_user_email_name", columns = ["email", "UserName"] },
    { op = "create_check_constraint", name = "ck_user_email", condition = "email <> 'invalid'" },
    { op = "create_check_constraint", name = "ck_user_tmp", condition = "score < 1000000" },
    { op = "drop_constraint", name = "ck_user_tmp", kind = "check" },
"#;
    let tag_ops = r#"
    { op = "create_primary_key", name = "pk_tag", columns = ["name", "kind"] },
    { op = "create_foreign_key", name = "fk_tag_user", columns = ["user_id"], referent_table = "user", referent_columns = ["id"], on_delete = "SET NULL", on_update = "CASCADE" },
"#;
    let down_tag = r#"
[[downgrade]]
op = "drop_table"
table = "tag"
"#;
    let down_user_ops = r#"
    { op = "drop_constraint", name = "ck_user_email", kind = "check" },
    { op = "drop_constraint", name = "uq_user_email_name", kind = "unique" },
"#;
    let down_tag_ops = r#"
    { op = "drop_constraint", name = "fk_tag_user", kind = "foreignkey" },
    { op = "drop_constraint", name = "pk_tag", kind = "primary" },
"#;
    let body4 = match kind {
        // SQLite alters constraints only by rebuilding: batch mode.
        Kind::Sqlite => format!(
            "{tag}\n[[upgrade]]\nop = \"batch_alter_table\"\ntable = \"user\"\nops = [{user_ops}]\n\n\
             [[upgrade]]\nop = \"batch_alter_table\"\ntable = \"tag\"\nops = [{tag_ops}]\n\n\
             [[downgrade]]\nop = \"batch_alter_table\"\ntable = \"tag\"\nops = [{down_tag_ops}]\n{down_tag}\n\
             [[downgrade]]\nop = \"batch_alter_table\"\ntable = \"user\"\nops = [{down_user_ops}]\n"
        ),
        _ => {
            let as_tables = |ops: &str, table: &str, list: &str| -> String {
                ops.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        let inner = l
                            .trim_end_matches(',')
                            .trim_start_matches('{')
                            .trim_end_matches('}')
                            .trim();
                        let fields = split_inline(inner).join("\n");
                        format!("\n[[{list}]]\ntable = \"{table}\"\n{fields}\n")
                    })
                    .collect()
            };
            format!(
                "{tag}{}{}{}{down_tag}{}",
                as_tables(user_ops, "user", "upgrade"),
                as_tables(tag_ops, "tag", "upgrade"),
                as_tables(down_tag_ops, "tag", "downgrade"),
                as_tables(down_user_ops, "user", "downgrade"),
            )
        }
    };
    revision(p, R4, Some(R3), "constraints", &body4);

    // 5: table and column comments.
    let column_comment = match kind {
        // MySQL restates the whole column to change a comment.
        Kind::Mysql => "",
        _ => {
            r#"
[[upgrade]]
op = "alter_column"
table = "user"
column = "UserName"
comment = "the login name"
existing_type = "varchar(128)"
existing_nullable = false
existing_comment = "the login"
"#
        }
    };
    revision(
        p,
        R5,
        Some(R4),
        "comments",
        &format!(
            r#"
[[upgrade]]
op = "create_table_comment"
table = "user"
comment = "it's the users' table"
existing_comment = "people who log in"

[[upgrade]]
op = "create_table_comment"
table = "order"
comment = "orders"

[[upgrade]]
op = "drop_table_comment"
table = "order"
existing_comment = "orders"
{column_comment}
[[downgrade]]
op = "create_table_comment"
table = "user"
comment = "people who log in"
"#
        ),
    );

    // 6: data: bulk_insert and execute, per dialect.
    revision(
        p,
        R6,
        Some(R5),
        "data",
        r#"
[[upgrade]]
op = "bulk_insert"
table = "user"
rows = [
    { id = 1, UserName = "O'Brien", email = "ob@example.com", score = 3 },
    { id = 2, UserName = "plain", email = "plain@example.com", Age = 40 },
]

[[upgrade]]
op = "bulk_insert"
table = "order"
rows = [
    { id = 10, user_id = 1, amount = 2.5 },
    { id = 11, user_id = 2, amount = 7 },
]

[[upgrade]]
op = "execute"
sql = "UPDATE \"user\" SET \"Age\" = 33 WHERE id = 1"
mysql = "UPDATE `user` SET `Age` = 33 WHERE id = 1"

[[upgrade]]
op = "execute"
sqlite = "UPDATE \"order\" SET amount = amount + 1 WHERE id = 10"
postgresql = "UPDATE \"order\" SET amount = amount + 1 WHERE id = 10"
mysql = "UPDATE `order` SET amount = amount + 1 WHERE id = 10"

[[downgrade]]
op = "execute"
sql = "DELETE FROM \"order\""
mysql = "DELETE FROM `order`"

[[downgrade]]
op = "execute"
sql = "DELETE FROM \"user\""
mysql = "DELETE FROM `user`"
"#,
    );

    // 7: batch_alter_table (in place where the database can ALTER; SQLite
    // rebuilds for the type change) and rename_table.
    let batch_retype = r#"    { op = "alter_column", column = "note", type = "varchar(200)", existing_type = "varchar(100)", existing_nullable = true },"#;
    revision(
        p,
        R7,
        Some(R6),
        "batch and rename",
        &format!(
            r#"
[[upgrade]]
op = "batch_alter_table"
table = "order"
ops = [
    {{ op = "add_column", column = {{ name = "note", type = "varchar(100)" }} }},
    {{ op = "create_index", name = "ix_order_note", columns = ["note"] }},
{batch_retype}
]

[[upgrade]]
op = "rename_table"
table = "order"
new_name = "Orders"

[[downgrade]]
op = "rename_table"
table = "Orders"
new_name = "order"

[[downgrade]]
op = "batch_alter_table"
table = "order"
recreate = "always"
ops = [
    {{ op = "drop_index", name = "ix_order_note" }},
    {{ op = "drop_column", column = "note" }},
]
"#
        ),
    );
    // `recreate = "always"` means a rebuild, which only SQLite does.
    if kind != Kind::Sqlite {
        let text = p.read(&format!("migrations/versions/{R7}.toml"));
        p.write(
            &format!("migrations/versions/{R7}.toml"),
            &text.replace("recreate = \"always\"\n", ""),
        );
    }

    // 8: PostgreSQL enum types (no named enum types elsewhere).
    let enums = match kind {
        Kind::Postgres => {
            r#"
[[upgrade]]
op = "create_enum"
name = "Mood"
values = ["happy", "it's ok"]

[[upgrade]]
op = "add_enum_value"
name = "Mood"
value = "sad"
after = "happy"

[[upgrade]]
op = "execute"
sql = "ALTER TABLE \"user\" ADD COLUMN mood \"Mood\""

[[downgrade]]
op = "execute"
sql = "ALTER TABLE \"user\" DROP COLUMN mood"

[[downgrade]]
op = "drop_enum"
name = "Mood"
"#
        }
        _ => "",
    };
    revision(p, R8, Some(R7), "enums", enums);
}

/// Splits `a = 1, b = [1, 2], c = { x = 1 }` at the top-level commas.
fn split_inline(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_owned());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn every_operation_up_and_down(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_revisions(&p, kind);

    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [R8], "the version table after upgrade head");
    assert_eq!(db.current(&p), [R8], "`retort current` after upgrade head");

    // Tables, with the reserved and mixed-case names.
    assert_eq!(
        db.user_tables(),
        strings(&["Orders", "tag", "user"]),
        "tables after upgrade head"
    );
    let mut user_columns = strings(&["id", "UserName", "score", "email", "Age"]);
    if kind == Kind::Postgres {
        user_columns.push("mood".into());
    }
    assert_eq!(db.columns("user"), user_columns, "columns of user");
    assert_eq!(
        db.columns("Orders"),
        strings(&["id", "user_id", "amount", "note"]),
        "columns of Orders"
    );
    assert_eq!(
        db.columns("tag"),
        strings(&["name", "kind", "user_id"]),
        "columns of tag"
    );

    // Indexes.
    let user_ix = db.indexes("user");
    assert!(
        user_ix.contains(&"ix_user_email".to_owned())
            && !user_ix.contains(&"ix_user_tmp".to_owned()),
        "ix_user_email and not the dropped ix_user_tmp on user: {user_ix:?}"
    );
    let order_ix = db.indexes("Orders");
    for ix in ["ix_order_amount", "ix_order_note", "ix_order_user"] {
        assert!(
            order_ix.contains(&ix.to_owned()),
            "{ix} on Orders: {order_ix:?}"
        );
    }

    // Constraints.
    match kind {
        Kind::Sqlite => {
            let user = db.constraints("user").join("\n");
            for c in [
                "uq_user_name_score",
                "ck_user_score",
                "uq_user_email_name",
                "ck_user_email",
            ] {
                assert!(user.contains(c), "{c} in the user table:\n{user}");
            }
            assert!(
                !user.contains("ck_user_tmp"),
                "ck_user_tmp was dropped:\n{user}"
            );
            let tag = db.constraints("tag").join("\n");
            for c in ["pk_tag", "fk_tag_user", "SET NULL", "CASCADE"] {
                assert!(tag.contains(c), "{c} in the tag table:\n{tag}");
            }
            let orders = db.constraints("Orders").join("\n");
            assert!(orders.contains("fk_order_user"), "{orders}");
            assert!(
                orders.to_lowercase().contains("varchar(200)"),
                "note retyped by the batch:\n{orders}"
            );
        }
        Kind::Postgres => {
            assert_eq!(
                db.constraints("user"),
                strings(&[
                    "ck_user_email:c",
                    "ck_user_score:c",
                    "uq_user_email_name:u",
                    "uq_user_name_score:u",
                    "user_UserName_key:u",
                    "user_pkey:p",
                ])
            );
            assert_eq!(
                db.constraints("tag"),
                strings(&["fk_tag_user:f", "pk_tag:p"])
            );
            assert_eq!(
                db.constraints("Orders"),
                strings(&["fk_order_user:f", "order_pkey:p"])
            );
        }
        Kind::Mysql => {
            let user = db.constraints("user");
            for c in [
                "ck_user_email:CHECK",
                "ck_user_score:CHECK",
                "uq_user_email_name:UNIQUE",
                "uq_user_name_score:UNIQUE",
                "PRIMARY:PRIMARY KEY",
            ] {
                assert!(user.contains(&c.to_owned()), "{c} on user: {user:?}");
            }
            assert!(
                !user.iter().any(|c| c.starts_with("ck_user_tmp")),
                "{user:?}"
            );
            let tag = db.constraints("tag");
            for c in ["fk_tag_user:FOREIGN KEY", "PRIMARY:PRIMARY KEY"] {
                assert!(tag.contains(&c.to_owned()), "{c} on tag: {tag:?}");
            }
        }
    }
    if kind != Kind::Sqlite {
        let ty = match kind {
            Kind::Postgres => db.rows(
                "SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'Orders' AND column_name = 'note'",
            ),
            _ => db.rows(
                "SELECT character_maximum_length FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'Orders' AND column_name = 'note'",
            ),
        };
        assert_eq!(ty, ["200"], "note retyped by the batch");
        let email = db.rows(&format!(
            "SELECT character_maximum_length, is_nullable FROM information_schema.columns WHERE table_name = 'user' AND column_name = 'email'{}",
            if kind == Kind::Mysql { " AND table_schema = DATABASE()" } else { "" }
        ));
        assert_eq!(email, ["320|YES"], "email retyped by alter_column");
    }

    // Comments.
    match kind {
        Kind::Postgres => {
            assert_eq!(
                db.rows("SELECT obj_description('\"user\"'::regclass, 'pg_class')"),
                ["it's the users' table"]
            );
            assert_eq!(
                db.rows(
                    "SELECT coalesce(obj_description('\"Orders\"'::regclass, 'pg_class'), '<none>')"
                ),
                ["<none>"]
            );
            assert_eq!(
                db.rows("SELECT col_description('\"user\"'::regclass, 2)"),
                ["the login name"]
            );
        }
        Kind::Mysql => {
            assert_eq!(
                db.rows("SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('user', 'Orders') ORDER BY table_name"),
                ["Orders|", "user|it's the users' table"]
            );
            assert_eq!(
                db.rows("SELECT column_comment FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'user' AND column_name = 'UserName'"),
                ["the login"]
            );
        }
        Kind::Sqlite => {}
    }

    // Data from bulk_insert and execute.
    assert_eq!(
        db.rows(&format!(
            "SELECT id, {}, email, {} FROM {} ORDER BY id",
            db.q("UserName"),
            db.q("Age"),
            db.q("user")
        )),
        [
            "1|O'Brien|ob@example.com|33",
            "2|plain|plain@example.com|40"
        ]
    );
    let int = if kind == Kind::Mysql {
        "SIGNED"
    } else {
        "INTEGER"
    };
    let amounts = db.rows(&format!(
        "SELECT id, user_id, CAST(amount * 10 AS {int}) FROM {} ORDER BY id",
        db.q("Orders")
    ));
    assert_eq!(amounts, ["10|1|35", "11|2|70"]);

    // Enums.
    if kind == Kind::Postgres {
        assert_eq!(
            db.rows("SELECT enumlabel FROM pg_enum WHERE enumtypid = '\"Mood\"'::regtype ORDER BY enumsortorder"),
            ["happy", "sad", "it's ok"]
        );
    }

    // The log table has one upgrade row per revision.
    let log = db.log();
    assert_eq!(log.len(), 8, "log rows: {log:?}");
    assert!(log.iter().all(|l| l.ends_with("|upgrade")), "{log:?}");

    // All the way down: only retort's own tables remain.
    db.ok(&p, &["downgrade", "base"]);
    assert_eq!(
        db.tables(),
        crate::migrate_db::retort_tables(kind),
        "tables after downgrade base"
    );
    assert!(
        db.versions().is_empty(),
        "version rows after downgrade base"
    );
    assert!(
        db.current(&p).is_empty(),
        "`retort current` after downgrade base"
    );
    if kind == Kind::Postgres {
        assert_eq!(
            db.rows("SELECT count(*) FROM pg_type WHERE typname = 'Mood'"),
            ["0"],
            "the enum type is dropped"
        );
    }

    // And up again: the downgrades left nothing behind to collide with.
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [R8]);
    assert_eq!(db.user_tables(), strings(&["Orders", "tag", "user"]));
}
