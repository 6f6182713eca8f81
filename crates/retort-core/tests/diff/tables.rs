//! Tables and columns: added, removed and altered; the order of new and
//! dropped tables; SQLite's batches; which tables are compared.

use super::*;

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
        ..Default::default()
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
