//! Keys, constraints, indexes and comments, and what the comparison sees
//! through (synonyms, default spellings, generated names).

use super::*;

#[test]
fn primary_key_change() {
    let mut target = user();
    target.columns[0].primary_key = false;
    target.primary_key = Some(retort_core::schema::PrimaryKey {
        name: Some("user_pkey".into()),
        columns: vec!["id".into(), "name".into()],
        ..Default::default()
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
        ..Default::default()
    });
    target.indexes.push(Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        unique: false,
        where_clause: Some("name <> ''".into()),
        ..Default::default()
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

/// `concurrent_indexes`: on PostgreSQL, indexes created on or dropped from
/// a table that exists get `concurrently`, and their reverses keep it; a
/// new table's indexes, and other dialects, do not.
#[test]
fn concurrent_indexes_on_existing_tables_only() {
    let flags = |ops: &[Operation]| -> Vec<(String, bool)> {
        ops.iter()
            .filter_map(|op| match op {
                Operation::CreateIndex {
                    index,
                    concurrently,
                    ..
                } => Some((format!("create {}", index.name), *concurrently)),
                Operation::DropIndex {
                    name, concurrently, ..
                } => Some((format!("drop {name}"), *concurrently)),
                _ => None,
            })
            .collect()
    };
    let mut target = user();
    target.indexes.push(Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        ..Default::default()
    });
    let mut options = pg();
    options.concurrent_indexes = true;
    let d = round_trip(
        &schema(vec![user()]),
        &schema(vec![target.clone()]),
        &options,
    );
    assert_eq!(
        flags(&d.upgrade),
        [("create ix_user_name".to_owned(), true)]
    );
    assert_eq!(
        flags(&d.downgrade),
        [("drop ix_user_name".to_owned(), true)]
    );
    // Dropped from an existing table.
    let d = round_trip(
        &schema(vec![target.clone()]),
        &schema(vec![user()]),
        &options,
    );
    assert_eq!(flags(&d.upgrade), [("drop ix_user_name".to_owned(), true)]);
    assert_eq!(
        flags(&d.downgrade),
        [("create ix_user_name".to_owned(), true)]
    );
    // A new table: its indexes are built with it, plainly.
    let d = round_trip(&schema(vec![]), &schema(vec![target.clone()]), &options);
    assert!(flags(&d.upgrade).iter().all(|(_, c)| !c), "{:?}", d.upgrade);
    // Off by default, and nothing to do elsewhere.
    let d = round_trip(&schema(vec![user()]), &schema(vec![target.clone()]), &pg());
    assert_eq!(
        flags(&d.upgrade),
        [("create ix_user_name".to_owned(), false)]
    );
    for mut other in [lite(), my()] {
        other.concurrent_indexes = true;
        let d = round_trip(&schema(vec![user()]), &schema(vec![target.clone()]), &other);
        assert!(flags(&d.upgrade).iter().all(|(_, c)| !c), "{:?}", d.upgrade);
    }
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
        ..Default::default()
    });
    live.indexes.push(Index {
        name: "user_name_key".into(),
        columns: vec!["name".into()],
        unique: true,
        where_clause: None,
        ..Default::default()
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
        ..Default::default()
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
        ..Default::default()
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
