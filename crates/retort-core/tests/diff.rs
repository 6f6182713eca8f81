//! The autogenerate comparison, pure: schemas built inline, the detected
//! changes and operations checked, and every upgrade applied and reversed
//! on the schema model.

use proptest::prelude::*;
use retort_core::dialect::mysql::diff::MySqlDiff;
use retort_core::dialect::postgres::diff::PostgresDiff;
use retort_core::dialect::sqlite::diff::SqliteDiff;
use retort_core::diff::{Diff, DiffOptions, diff};
use retort_core::ops::{Operation, Setting, apply_to_table};
use retort_core::schema::{
    CheckConstraint, Column, EnumType, ForeignKey, Index, Schema, Table, TableName,
    UniqueConstraint,
};
use retort_core::types::ColumnType;

fn pg() -> DiffOptions<'static> {
    DiffOptions::new(&PostgresDiff)
}

fn lite() -> DiffOptions<'static> {
    DiffOptions::new(&SqliteDiff)
}

fn my() -> DiffOptions<'static> {
    DiffOptions::new(&MySqlDiff)
}

fn ty(text: &str) -> ColumnType {
    ColumnType::parse(text).unwrap()
}

fn col(name: &str, t: &str) -> Column {
    Column::new(name, ty(t))
}

fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut t = Table::new(TableName::new(name));
    t.columns = columns;
    t
}

fn user() -> Table {
    table(
        "user",
        vec![
            col("id", "integer").primary_key(),
            col("name", "varchar(50)").not_null(),
        ],
    )
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables,
        enums: vec![],
    }
}

fn fk(name: &str, column: &str, to: &str) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referent_table: TableName::new(to),
        referent_columns: vec!["id".into()],
        on_delete: None,
        on_update: None,
    }
}

/// Applies operations to a schema model.
fn apply(schema: &Schema, ops: &[Operation]) -> Schema {
    let mut s = schema.clone();
    for op in ops {
        match op {
            Operation::CreateTable(t) => s.tables.push(t.clone()),
            Operation::DropTable { table, .. } => s.tables.retain(|t| &t.name != table),
            Operation::CreateEnum { name, values } => s.enums.push(EnumType {
                schema: name.schema.clone(),
                name: name.name.clone(),
                values: values.clone(),
            }),
            Operation::DropEnum { name, .. } => s.enums.retain(|e| e.name != name.name),
            Operation::AddEnumValue {
                name,
                value,
                before,
                after,
            } => {
                let e = s.enums.iter_mut().find(|e| e.name == name.name).unwrap();
                let at = match (before, after) {
                    (Some(b), _) => e.values.iter().position(|v| v == b).unwrap(),
                    (None, Some(a)) => e.values.iter().position(|v| v == a).unwrap() + 1,
                    (None, None) => e.values.len(),
                };
                e.values.insert(at, value.clone());
            }
            Operation::DropEnumValue { name, value, .. } => {
                let e = s.enums.iter_mut().find(|e| e.name == name.name).unwrap();
                assert!(e.values.contains(value), "no value {value} to drop");
                e.values.retain(|v| v != value);
            }
            other => {
                let name = other.table().unwrap().clone();
                let nested = match other {
                    Operation::BatchAlterTable { ops, .. } => ops.clone(),
                    one => vec![one.clone()],
                };
                let t = s.tables.iter_mut().find(|t| t.name == name).unwrap();
                *t = apply_to_table(t, &nested).unwrap().0;
            }
        }
    }
    s
}

/// The upgrade brings `live` to `target`, the downgrade brings it back.
fn round_trip(live: &Schema, target: &Schema, options: &DiffOptions) -> Diff {
    let d = diff(live, target, options);
    let up = apply(live, &d.upgrade);
    let again = diff(&up, target, options);
    assert!(again.is_empty(), "after upgrade: {:#?}", again.changes);
    let down = apply(&up, &d.downgrade);
    let back = diff(&down, live, options);
    assert!(back.is_empty(), "after downgrade: {:#?}", back.changes);
    assert_eq!(d.downgrade.len() + d.notes.len(), d.upgrade.len());
    d
}

fn changes(d: &Diff) -> Vec<String> {
    d.changes.iter().map(|c| c.to_string()).collect()
}

fn names(ops: &[Operation]) -> Vec<String> {
    ops.iter().map(|o| o.to_string()).collect()
}

#[test]
fn identical_schemas_have_no_changes() {
    let s = schema(vec![user()]);
    for o in [pg(), lite(), my()] {
        assert!(diff(&s, &s, &o).is_empty());
    }
}

#[test]
fn added_and_removed_tables() {
    let d = round_trip(&schema(vec![]), &schema(vec![user()]), &pg());
    assert_eq!(changes(&d), ["Detected added table 'user'"]);
    assert_eq!(d.upgrade, [Operation::CreateTable(user())]);
    let d = round_trip(&schema(vec![user()]), &schema(vec![]), &pg());
    assert_eq!(changes(&d), ["Detected removed table 'user'"]);
    assert_eq!(
        d.upgrade,
        [Operation::DropTable {
            table: TableName::new("user"),
            definition: Some(user())
        }]
    );
    assert_eq!(d.downgrade, [Operation::CreateTable(user())]);
}

#[test]
fn added_and_removed_columns() {
    let mut wider = user();
    wider.columns.push(col("email", "text").default_sql("''"));
    let d = round_trip(&schema(vec![user()]), &schema(vec![wider.clone()]), &pg());
    assert_eq!(changes(&d), ["Detected added column 'user.email'"]);
    assert_eq!(names(&d.upgrade), ["add_column on user"]);
    let d = round_trip(&schema(vec![wider]), &schema(vec![user()]), &pg());
    assert_eq!(changes(&d), ["Detected removed column 'user.email'"]);
    match &d.upgrade[0] {
        Operation::DropColumn { definition, .. } => {
            assert_eq!(
                definition.as_ref().unwrap().server_default.as_deref(),
                Some("''")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn type_nullability_and_default_in_one_alter_with_existing_facts() {
    let mut target = user();
    target.columns[1] = col("name", "text").default_sql("'anon'");
    let d = round_trip(&schema(vec![user()]), &schema(vec![target]), &pg());
    assert_eq!(
        changes(&d),
        [
            "Detected type change from varchar(50) to text on 'user.name'",
            "Detected NULL on column 'user.name'",
            "Detected server default 'anon' on column 'user.name'",
        ]
    );
    let Operation::AlterColumn(a) = &d.upgrade[0] else {
        panic!("{:?}", d.upgrade)
    };
    assert_eq!(a.ty, Some(ColumnType::Text));
    assert_eq!(a.nullable, Some(true));
    assert_eq!(a.server_default, Some(Setting::Set("'anon'".into())));
    assert_eq!(a.existing_type, Some(ty("varchar(50)")));
    assert_eq!(a.existing_nullable, Some(false));
    assert_eq!(a.existing_server_default, Some(Setting::Unset));
    let Operation::AlterColumn(back) = &d.downgrade[0] else {
        panic!()
    };
    assert_eq!(back.ty, Some(ty("varchar(50)")));
    assert_eq!(back.server_default, Some(Setting::Unset));
}

#[test]
fn compare_type_and_default_can_be_turned_off() {
    let mut target = user();
    target.columns[1] = col("name", "text").not_null().default_sql("'x'");
    let mut o = pg();
    o.compare_type = false;
    o.compare_server_default = false;
    assert!(diff(&schema(vec![user()]), &schema(vec![target]), &o).is_empty());
}

#[test]
fn primary_key_change() {
    let mut target = user();
    target.columns[0].primary_key = false;
    target.primary_key = Some(retort_core::schema::PrimaryKey {
        name: Some("user_pkey".into()),
        columns: vec!["id".into(), "name".into()],
    });
    let d = round_trip(&schema(vec![user()]), &schema(vec![target]), &pg());
    assert_eq!(
        names(&d.upgrade),
        ["drop_constraint on user", "create_primary_key on user"]
    );
}

#[test]
fn unique_constraints_indexes_and_partial_indexes() {
    let mut target = user();
    target.uniques.push(UniqueConstraint {
        name: Some("uq_user_name".into()),
        columns: vec!["name".into()],
    });
    target.indexes.push(Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        unique: false,
        where_clause: Some("name <> ''".into()),
    });
    let d = round_trip(&schema(vec![user()]), &schema(vec![target.clone()]), &pg());
    assert_eq!(
        changes(&d),
        [
            "Detected added unique constraint 'uq_user_name' (name) on 'user'",
            "Detected added index 'ix_user_name' on 'user' (name)",
        ]
    );
    assert_eq!(
        names(&d.downgrade),
        ["drop_index on user", "drop_constraint on user"]
    );
    // A changed condition is a drop and a create.
    let mut changed = target.clone();
    changed.indexes[0].where_clause = Some("name <> 'x'".into());
    let d = round_trip(&schema(vec![target]), &schema(vec![changed]), &pg());
    assert_eq!(
        names(&d.upgrade),
        ["drop_index on user", "create_index on user"]
    );
}

#[test]
fn foreign_keys_with_actions() {
    let post = |on_delete: Option<&str>| {
        let mut t = table(
            "post",
            vec![
                col("id", "integer").primary_key(),
                col("user_id", "integer"),
            ],
        );
        let mut k = fk("fk_post_user", "user_id", "user");
        k.on_delete = on_delete.map(str::to_owned);
        t.foreign_keys.push(k);
        t
    };
    let live = schema(vec![user(), post(None)]);
    let d = round_trip(&live, &schema(vec![user(), post(Some("CASCADE"))]), &pg());
    assert_eq!(
        names(&d.upgrade),
        ["drop_constraint on post", "create_foreign_key on post"]
    );
    // NO ACTION is the default.
    assert!(diff(&live, &schema(vec![user(), post(Some("no action"))]), &pg()).is_empty());
    // MySQL reports RESTRICT for it.
    assert!(diff(&live, &schema(vec![user(), post(Some("RESTRICT"))]), &my()).is_empty());
    let mut plain = post(None);
    plain.foreign_keys.clear();
    let d = round_trip(&live, &schema(vec![user(), plain]), &pg());
    assert_eq!(
        changes(&d),
        ["Detected removed foreign key (user_id) -> user(id) on table 'post'"]
    );
}

#[test]
fn check_constraints() {
    let mut target = user();
    target.checks.push(CheckConstraint {
        name: Some("ck_name".into()),
        condition: "length(name) > 0".into(),
    });
    let d = round_trip(&schema(vec![user()]), &schema(vec![target.clone()]), &pg());
    assert_eq!(
        changes(&d),
        ["Detected added check constraint 'length(name) > 0' on 'user'"]
    );
    // PostgreSQL prints it back with parentheses and casts.
    let mut live = target.clone();
    live.checks[0].condition = "((length((name)::text) > 0))".into();
    assert!(diff(&schema(vec![live]), &schema(vec![target]), &pg()).is_empty());
}

#[test]
fn comments_where_the_dialect_stores_them() {
    let mut target = user();
    target.comment = Some("people".into());
    target.columns[1].comment = Some("shown".into());
    let d = round_trip(&schema(vec![user()]), &schema(vec![target.clone()]), &pg());
    assert_eq!(
        changes(&d),
        [
            "Detected column comment on 'user.name'",
            "Detected table comment on 'user'",
        ]
    );
    assert!(diff(&schema(vec![user()]), &schema(vec![target]), &lite()).is_empty());
}

#[test]
fn enum_types_and_values() {
    let mood = |values: &[&str]| EnumType {
        schema: None,
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let with = |values: &[&str]| Schema {
        tables: vec![],
        enums: vec![mood(values)],
    };
    let d = round_trip(&schema(vec![]), &with(&["happy", "sad"]), &pg());
    assert_eq!(
        changes(&d),
        ["Detected added enum type 'mood' with values [\"happy\", \"sad\"]"]
    );
    let d = round_trip(
        &with(&["happy", "sad"]),
        &with(&["happy", "ok", "sad"]),
        &pg(),
    );
    assert_eq!(
        changes(&d),
        ["Detected added value 'ok' of enum type 'mood'"]
    );
    assert_eq!(
        d.upgrade,
        [Operation::AddEnumValue {
            name: TableName::new("mood"),
            value: "ok".into(),
            before: None,
            after: Some("happy".into()),
        }]
    );
    assert_eq!(
        d.downgrade,
        [Operation::DropEnumValue {
            name: TableName::new("mood"),
            value: "ok".into(),
            before: None,
            after: Some("happy".into()),
        }]
    );
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    // Removed values: dropped last first, so the downgrade puts them back
    // in order, each next to one already there.
    let d = round_trip(&with(&["a", "b", "c", "d"]), &with(&["new", "c"]), &pg());
    assert_eq!(
        changes(&d),
        [
            "Detected added value 'new' of enum type 'mood'",
            "Detected removed value 'd' of enum type 'mood'",
            "Detected removed value 'b' of enum type 'mood'",
            "Detected removed value 'a' of enum type 'mood'",
        ]
    );
    let down = apply(
        &apply(&with(&["a", "b", "c", "d"]), &d.upgrade),
        &d.downgrade,
    );
    assert_eq!(down.enums[0].values, ["a", "b", "c", "d"]);
    let d = round_trip(&with(&["a"]), &schema(vec![]), &pg());
    assert_eq!(changes(&d), ["Detected removed enum type 'mood'"]);
    // Dialects without enum types do not compare them.
    assert!(diff(&schema(vec![]), &with(&["a"]), &lite()).is_empty());
}

#[test]
fn named_enum_columns_compare_by_type_name() {
    let live = schema(vec![table("t", vec![col("m", "mood")])]);
    let target = schema(vec![table("t", vec![col("m", "enum(mood, 'a', 'b')")])]);
    assert!(diff(&live, &target, &pg()).is_empty());
}

#[test]
fn synonyms_defaults_and_generated_names_are_not_changes() {
    let one = |t: &str, d: Option<&str>| {
        let mut c = col("c", t);
        c.server_default = d.map(str::to_owned);
        schema(vec![table(
            "t",
            vec![col("id", "integer").primary_key(), c],
        )])
    };
    for (live, target, o) in [
        (one("int4", None), one("integer", None), pg()),
        (
            one("character varying(20)", None),
            one("varchar(20)", None),
            pg(),
        ),
        (one("double precision", None), one("double", None), pg()),
        (
            one("timestamp without time zone", None),
            one("timestamp", None),
            pg(),
        ),
        (one("tinyint(1)", None), one("boolean", None), my()),
        (one("int(11)", None), one("integer", None), my()),
        (
            one("integer", Some("'0'::integer")),
            one("integer", Some("0")),
            pg(),
        ),
        (
            one("text", Some("'a'::text")),
            one("text", Some("'a'")),
            pg(),
        ),
        (
            one("timestamp", Some("now()")),
            one("timestamp", Some("CURRENT_TIMESTAMP")),
            pg(),
        ),
        (
            one("text", Some("('abc')")),
            one("text", Some("'abc'")),
            lite(),
        ),
        (
            one("boolean", Some("1")),
            one("boolean", Some("TRUE")),
            my(),
        ),
        (
            one("integer", Some("nextval('t_c_seq'::regclass)")),
            one("integer", None),
            pg(),
        ),
    ] {
        let d = diff(&live, &target, &o);
        assert!(
            d.is_empty(),
            "{:?} vs {:?}: {:?}",
            live.tables[0].columns[1],
            target.tables[0].columns[1],
            d.changes
        );
    }
    // Unnamed target constraints match the names the database made up.
    let mut target = user();
    target.columns[1].unique = true;
    let mut live = user();
    live.uniques.push(UniqueConstraint {
        name: Some("user_name_key".into()),
        columns: vec!["name".into()],
    });
    live.indexes.push(Index {
        name: "user_name_key".into(),
        columns: vec!["name".into()],
        unique: true,
        where_clause: None,
    });
    assert!(
        diff(
            &schema(vec![live.clone()]),
            &schema(vec![target.clone()]),
            &pg()
        )
        .is_empty()
    );
    live.indexes[0].name = "sqlite_autoindex_user_1".into();
    live.uniques[0].name = None;
    assert!(diff(&schema(vec![live]), &schema(vec![target.clone()]), &lite()).is_empty());
    // MySQL reports a unique constraint as a unique index.
    let mut as_index = user();
    as_index.indexes.push(Index {
        name: "name".into(),
        columns: vec!["name".into()],
        unique: true,
        where_clause: None,
    });
    assert!(diff(&schema(vec![as_index]), &schema(vec![target]), &my()).is_empty());
    // ... and the index it creates for a foreign key.
    let mut post = table(
        "post",
        vec![col("id", "integer").primary_key(), col("uid", "integer")],
    );
    post.foreign_keys.push(fk("fk_post_user", "uid", "user"));
    let mut live_post = post.clone();
    live_post.indexes.push(Index {
        name: "fk_post_user".into(),
        columns: vec!["uid".into()],
        unique: false,
        where_clause: None,
    });
    assert!(
        diff(
            &schema(vec![user(), live_post]),
            &schema(vec![user(), post]),
            &my()
        )
        .is_empty()
    );
}

#[test]
fn new_tables_in_foreign_key_order_and_dropped_in_reverse() {
    let mut comment = table(
        "comment",
        vec![
            col("id", "integer").primary_key(),
            col("post_id", "integer"),
        ],
    );
    comment.foreign_keys.push(fk("fk_c_p", "post_id", "post"));
    let mut post = table(
        "post",
        vec![
            col("id", "integer").primary_key(),
            col("user_id", "integer"),
        ],
    );
    post.foreign_keys.push(fk("fk_p_u", "user_id", "user"));
    let target = schema(vec![comment, post, user()]);
    let d = round_trip(&schema(vec![]), &target, &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "create_table on user",
            "create_table on post",
            "create_table on comment"
        ]
    );
    let d = round_trip(&target, &schema(vec![]), &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "drop_table on comment",
            "drop_table on post",
            "drop_table on user"
        ]
    );
}

#[test]
fn a_foreign_key_cycle_is_broken_with_a_later_create_foreign_key() {
    let mut a = table(
        "a",
        vec![col("id", "integer").primary_key(), col("b_id", "integer")],
    );
    a.foreign_keys.push(fk("fk_a_b", "b_id", "b"));
    let mut b = table(
        "b",
        vec![col("id", "integer").primary_key(), col("a_id", "integer")],
    );
    b.foreign_keys.push(fk("fk_b_a", "a_id", "a"));
    let target = schema(vec![a, b]);
    let d = round_trip(&schema(vec![]), &target, &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "create_table on a",
            "create_table on b",
            "create_foreign_key on a"
        ]
    );
    let Operation::CreateTable(first) = &d.upgrade[0] else {
        panic!()
    };
    assert!(first.foreign_keys.is_empty());
    let d = round_trip(&target, &schema(vec![]), &pg());
    assert_eq!(
        names(&d.upgrade),
        ["drop_constraint on a", "drop_table on b", "drop_table on a"]
    );
}

#[test]
fn sqlite_groups_what_it_cannot_alter_into_one_batch() {
    let mut target = user();
    target.columns[1] = col("name", "text").not_null();
    target.columns.push(col("email", "text"));
    target.checks.push(CheckConstraint {
        name: Some("ck".into()),
        condition: "email <> ''".into(),
    });
    let d = round_trip(
        &schema(vec![user()]),
        &schema(vec![target.clone()]),
        &lite(),
    );
    let [Operation::BatchAlterTable { ops, .. }] = d.upgrade.as_slice() else {
        panic!("{:?}", d.upgrade)
    };
    assert_eq!(
        names(ops),
        [
            "add_column on user",
            "alter_column on user",
            "create_check_constraint on user"
        ]
    );
    let [Operation::BatchAlterTable { ops, .. }] = d.downgrade.as_slice() else {
        panic!()
    };
    assert_eq!(
        names(ops),
        [
            "drop_constraint on user",
            "alter_column on user",
            "drop_column on user"
        ]
    );
    // PostgreSQL alters in place.
    let d = round_trip(&schema(vec![user()]), &schema(vec![target]), &pg());
    assert_eq!(d.upgrade.len(), 3);
    // A plain nullable column and an index need no batch on SQLite.
    let mut plain = user();
    plain.columns.push(col("email", "text"));
    plain.indexes.push(Index {
        name: "ix_email".into(),
        columns: vec!["email".into()],
        unique: false,
        where_clause: None,
    });
    let d = round_trip(&schema(vec![user()]), &schema(vec![plain]), &lite());
    assert_eq!(
        names(&d.upgrade),
        ["add_column on user", "create_index on user"]
    );
}

#[test]
fn ignored_excluded_and_included_tables() {
    let version = table("alembic_version", vec![col("version_num", "varchar(32)")]);
    let live = schema(vec![version, table("old", vec![col("x", "integer")])]);
    let target = schema(vec![user()]);
    let ignored = ["alembic_version".to_owned()];
    let excluded = ["old".to_owned()];
    let mut o = pg();
    o.ignored_tables = &ignored;
    o.exclude_tables = &excluded;
    assert_eq!(
        changes(&diff(&live, &target, &o)),
        ["Detected added table 'user'"]
    );
    let only = ["old".to_owned()];
    let mut o = pg();
    o.include_tables = Some(&only);
    assert_eq!(
        changes(&diff(&live, &target, &o)),
        ["Detected removed table 'old'"]
    );
}

/// A random small table named `name`: an integer key and some of x, y, z.
fn arb_table(name: &'static str) -> impl Strategy<Value = Table> {
    let arb_col = |n: &'static str| {
        (
            prop::sample::select(vec!["integer", "text", "varchar(20)", "boolean"]),
            any::<bool>(),
            prop::sample::select(vec![None, Some("0"), Some("'x'")]),
            prop::option::of(prop::sample::select(vec!["c1", "c2"])),
        )
            .prop_map(move |(t, nullable, d, comment)| {
                let mut c = col(n, t);
                c.nullable = nullable;
                c.server_default = d.map(str::to_owned);
                c.comment = comment.map(str::to_owned);
                c
            })
    };
    (
        prop::option::of(arb_col("x")),
        prop::option::of(arb_col("y")),
        prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
        any::<(bool, bool, bool, bool)>(),
        prop::option::of(prop::sample::select(vec!["t1", "t2"])),
    )
        .prop_map(move |(x, y, z_to, (ix, ix_unique, uq, ck), comment)| {
            let mut t = table(name, vec![col("id", "integer").primary_key()]);
            t.comment = comment.map(str::to_owned);
            if let Some(x) = x {
                t.columns.push(x);
                if ix {
                    t.indexes.push(Index {
                        name: format!("ix_{name}_x"),
                        columns: vec!["x".into()],
                        unique: ix_unique,
                        where_clause: None,
                    });
                }
            }
            if let Some(y) = y {
                t.columns.push(y);
                if uq {
                    t.uniques.push(UniqueConstraint {
                        name: Some(format!("uq_{name}_y")),
                        columns: vec!["y".into()],
                    });
                }
            }
            if ck {
                t.checks.push(CheckConstraint {
                    name: Some(format!("ck_{name}")),
                    condition: "id > 0".into(),
                });
            }
            if let Some(to) = z_to {
                t.columns.push(col("z", "integer"));
                t.foreign_keys.push(fk(&format!("fk_{name}_z"), "z", to));
            }
            t
        })
}

fn arb_schema() -> impl Strategy<Value = Schema> {
    (
        prop::option::of(arb_table("a")),
        prop::option::of(arb_table("b")),
        prop::option::of(arb_table("c")),
    )
        .prop_map(|(a, b, c)| schema([a, b, c].into_iter().flatten().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn upgrade_reaches_the_target_and_downgrade_comes_back(
        live in arb_schema(),
        target in arb_schema(),
    ) {
        for o in [pg(), lite(), my()] {
            round_trip(&live, &target, &o);
            prop_assert!(diff(&target, &target, &o).is_empty());
        }
    }
}

#[test]
fn render_as_batch_setting() {
    let live = schema(vec![table("t", vec![col("a", "integer")])]);
    let target = schema(vec![table(
        "t",
        vec![col("a", "integer"), col("b", "text")],
    )]);
    // Adding a nullable column needs no rebuild: plain on SQLite by default.
    let d = diff(&live, &target, &lite());
    assert_eq!(names(&d.upgrade), ["add_column on t"]);
    let mut always = lite();
    always.render_as_batch = Some(true);
    let d = diff(&live, &target, &always);
    assert_eq!(names(&d.upgrade), ["batch_alter_table on t"]);
    let mut pg_always = pg();
    pg_always.render_as_batch = Some(true);
    assert_eq!(
        names(&diff(&live, &target, &pg_always).upgrade),
        ["batch_alter_table on t"]
    );
    // A type change SQLite cannot ALTER stays plain when batching is off.
    let changed = schema(vec![table("t", vec![col("a", "text")])]);
    let mut never = lite();
    never.render_as_batch = Some(false);
    assert_eq!(
        names(&diff(&live, &changed, &never).upgrade),
        ["alter_column on t"]
    );
    assert_eq!(
        names(&diff(&live, &changed, &lite()).upgrade),
        ["batch_alter_table on t"]
    );
}
