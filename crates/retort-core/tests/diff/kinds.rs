//! Each detected change is structured: a stable kind, what it is on, the
//! values before and after; its text (Display) is the description.

use retort_core::diff::{Change, ChangeKind, ChangeValue};
use retort_core::schema::{ObjectKind, PrimaryKey, SchemaObject};

use super::*;

fn text(v: &str) -> Option<ChangeValue> {
    Some(ChangeValue::Text(v.into()))
}

fn kinds(d: &Diff) -> Vec<String> {
    d.changes.iter().map(|c| c.kind.to_string()).collect()
}

fn find<'d>(d: &'d Diff, kind: &str) -> &'d Change {
    d.changes
        .iter()
        .find(|c| c.kind.name() == kind)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(d)))
}

/// A column's changes in a schema-qualified table on PostgreSQL.
#[test]
fn column_changes_name_the_qualified_table_and_their_values() {
    let name = TableName::in_schema("app", "user");
    let mut live = Table::new(name.clone());
    live.columns = vec![
        col("id", "integer").primary_key(),
        col("name", "varchar(50)").not_null(),
        col("city", "text").default_sql("'Paris'"),
    ];
    let mut target = live.clone();
    target.columns[1] = col("name", "text");
    target.columns[1].comment = Some("shown".into());
    target.columns[2] = col("city", "text");
    target.comment = Some("people".into());
    let d = round_trip(&schema(vec![live]), &schema(vec![target]), &pg());
    assert_eq!(
        kinds(&d),
        [
            "modify_type",
            "modify_nullable",
            "modify_comment",
            "modify_default",
            "modify_table_comment"
        ]
    );
    let ty = find(&d, "modify_type");
    assert_eq!(ty.table, Some(name.clone()));
    assert_eq!(ty.column.as_deref(), Some("name"));
    assert_eq!(
        (ty.before.clone(), ty.after.clone()),
        (text("varchar(50)"), text("text"))
    );
    assert_eq!(
        ty.to_string(),
        "Detected type change from varchar(50) to text on 'app.user.name'"
    );
    let null = find(&d, "modify_nullable");
    assert_eq!(
        (null.before.clone(), null.after.clone()),
        (
            Some(ChangeValue::Flag(false)),
            Some(ChangeValue::Flag(true))
        )
    );
    let comment = find(&d, "modify_comment");
    assert_eq!(
        (comment.before.clone(), comment.after.clone()),
        (None, text("shown"))
    );
    let default = find(&d, "modify_default");
    assert_eq!(default.column.as_deref(), Some("city"));
    assert_eq!(
        (default.before.clone(), default.after.clone()),
        (text("'Paris'"), None)
    );
    let table_comment = find(&d, "modify_table_comment");
    assert_eq!(table_comment.column, None);
    assert_eq!(table_comment.after, text("people"));
}

/// Keys, constraints and indexes carry their names and columns.
#[test]
fn keys_and_indexes_carry_names_and_columns() {
    let mut live = user();
    live.columns[0].primary_key = false;
    live.primary_key = Some(PrimaryKey {
        name: Some("user_pkey".into()),
        columns: vec!["id".into()],
        on_conflict: None,
    });
    live.indexes = vec![Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        unique: true,
        ..Default::default()
    }];
    let mut target = user();
    target.columns[0].primary_key = false;
    target.primary_key = Some(PrimaryKey {
        name: Some("user_pkey".into()),
        columns: vec!["id".into(), "name".into()],
        on_conflict: None,
    });
    target.uniques = vec![UniqueConstraint {
        name: Some("uq_user_name".into()),
        columns: vec!["name".into()],
        on_conflict: None,
    }];
    target.checks = vec![CheckConstraint {
        name: Some("ck_user_name".into()),
        condition: "name <> ''".into(),
    }];
    let d = diff(&schema(vec![live]), &schema(vec![target]), &pg());
    let pk = find(&d, "add_primary_key");
    assert_eq!(pk.constraint.as_deref(), Some("user_pkey"));
    assert_eq!(pk.columns, ["id", "name"]);
    assert_eq!(find(&d, "remove_primary_key").columns, ["id"]);
    let check = find(&d, "add_check");
    assert_eq!(check.constraint.as_deref(), Some("ck_user_name"));
    assert_eq!(check.after, text("name <> ''"));
    // A unique index and a unique constraint on the same columns are the
    // same thing: a name change is no change.
    assert!(
        !kinds(&d)
            .iter()
            .any(|k| k.contains("unique") || k.contains("index")),
        "{:?}",
        kinds(&d)
    );

    let mut keyed = user();
    keyed.foreign_keys = vec![fk("fk_user_team", "team_id", "team")];
    keyed.columns.push(col("team_id", "integer"));
    let team = table("team", vec![col("id", "integer").primary_key()]);
    let mut indexed = keyed.clone();
    indexed.indexes = vec![Index {
        name: "ix_user_team".into(),
        columns: vec!["team_id".into()],
        ..Default::default()
    }];
    let d = diff(
        &schema(vec![user(), team.clone()]),
        &schema(vec![indexed, team]),
        &pg(),
    );
    let fk = find(&d, "add_foreign_key");
    assert_eq!(fk.table, Some(TableName::new("user")));
    assert_eq!(fk.constraint.as_deref(), Some("fk_user_team"));
    assert_eq!(fk.columns, ["team_id"]);
    assert_eq!(fk.referent_table, Some(TableName::new("team")));
    assert_eq!(fk.referent_columns, ["id"]);
    let ix = find(&d, "add_index");
    assert_eq!(
        (ix.index.as_deref(), ix.unique),
        (Some("ix_user_team"), Some(false))
    );
    assert_eq!(ix.columns, ["team_id"]);
}

#[test]
fn enum_changes_name_the_type_and_values() {
    let mood = |values: &[&str]| EnumType {
        schema: Some("app".into()),
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let with = |enums: Vec<EnumType>| Schema {
        tables: vec![],
        enums,
        objects: vec![],
    };
    let d = diff(&with(vec![]), &with(vec![mood(&["happy", "sad"])]), &pg());
    let added = find(&d, "add_enum");
    assert_eq!(added.object.as_deref(), Some("app.mood"));
    assert_eq!(added.values, Some(vec!["happy".into(), "sad".into()]));
    let d = diff(
        &with(vec![mood(&["happy", "sad"])]),
        &with(vec![mood(&["happy", "ok"])]),
        &pg(),
    );
    assert_eq!(kinds(&d), ["add_enum_value", "remove_enum_value"]);
    assert_eq!(d.changes[0].value.as_deref(), Some("ok"));
    assert_eq!(d.changes[1].value.as_deref(), Some("sad"));
    let d = diff(&with(vec![mood(&["happy"])]), &with(vec![]), &pg());
    assert_eq!(kinds(&d), ["remove_enum"]);
    assert_eq!(d.changes[0].values, None);
}

#[test]
fn object_changes_are_named_by_their_kind() {
    let view = |sql: &str| SchemaObject::new(ObjectKind::View, "names", sql);
    let trigger = SchemaObject::new(
        ObjectKind::Trigger,
        "user_touch",
        "CREATE TRIGGER user_touch AFTER UPDATE ON \"user\" FOR EACH ROW EXECUTE FUNCTION touch()",
    )
    .on_table("user");
    let function = SchemaObject::new(
        ObjectKind::Function,
        "touch",
        "CREATE FUNCTION touch(integer) RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    )
    .with_arguments("integer");
    let mat = SchemaObject::new(
        ObjectKind::MaterializedView,
        "totals",
        "CREATE MATERIALIZED VIEW totals AS SELECT 1",
    );
    let live = Schema {
        objects: vec![
            view("CREATE VIEW names AS SELECT name FROM \"user\""),
            function.clone(),
        ],
        ..schema(vec![user()])
    };
    let target = Schema {
        objects: vec![
            view("CREATE VIEW names AS SELECT id, name FROM \"user\""),
            trigger,
            mat,
        ],
        ..schema(vec![user()])
    };
    let d = diff(&live, &target, &pg());
    let mut got = kinds(&d);
    got.sort();
    assert_eq!(
        got,
        [
            "add_materialized_view",
            "add_trigger",
            "modify_view",
            "remove_function"
        ]
    );
    let modified = find(&d, "modify_view");
    assert_eq!(modified.kind, ChangeKind::ModifyObject(ObjectKind::View));
    assert_eq!(modified.object.as_deref(), Some("names"));
    assert_eq!(modified.table, None);
    assert_eq!(
        modified.before,
        text("CREATE VIEW names AS SELECT name FROM \"user\"")
    );
    assert_eq!(
        modified.after,
        text("CREATE VIEW names AS SELECT id, name FROM \"user\"")
    );
    let trigger = find(&d, "add_trigger");
    assert_eq!(trigger.table, Some(TableName::new("user")));
    assert_eq!(trigger.object.as_deref(), Some("user_touch"));
    let removed = find(&d, "remove_function");
    assert_eq!(removed.object.as_deref(), Some("touch(integer)"));
    assert!(removed.before.is_some() && removed.after.is_none());
}

/// MySQL's table options and `ON UPDATE`; PostgreSQL's partitioning.
#[test]
fn table_options_on_update_and_partitioning() {
    let mut live = user();
    live.columns.push(col("at", "datetime"));
    live.options.engine = Some("MyISAM".into());
    let mut target = live.clone();
    target.options.engine = Some("InnoDB".into());
    target.columns[2].on_update = Some("CURRENT_TIMESTAMP".into());
    let d = diff(&schema(vec![live]), &schema(vec![target]), &my());
    let on_update = find(&d, "modify_on_update");
    assert_eq!(on_update.column.as_deref(), Some("at"));
    assert_eq!(
        (on_update.before.clone(), on_update.after.clone()),
        (None, text("CURRENT_TIMESTAMP"))
    );
    let option = find(&d, "modify_table_option");
    assert_eq!(option.option.as_deref(), Some("engine"));
    assert_eq!(
        (option.before.clone(), option.after.clone()),
        (text("MyISAM"), text("InnoDB"))
    );

    let mut target = user();
    target.options.partition_by = Some("RANGE (id)".into());
    let d = diff(&schema(vec![user()]), &schema(vec![target]), &pg());
    let part = find(&d, "modify_partitioning");
    assert_eq!(
        (part.before.clone(), part.after.clone()),
        (None, text("RANGE (id)"))
    );
}

/// Removals carry what was there.
#[test]
fn removals_carry_what_was_there() {
    let mut live = user();
    live.columns.push(col("team_id", "integer"));
    live.foreign_keys = vec![fk("fk_user_team", "team_id", "team")];
    live.checks = vec![CheckConstraint {
        name: Some("ck_user_name".into()),
        condition: "name <> ''".into(),
    }];
    live.indexes = vec![Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        ..Default::default()
    }];
    let team = table("team", vec![col("id", "integer").primary_key()]);
    let mut target = live.clone();
    target.foreign_keys.clear();
    target.checks.clear();
    target.indexes.clear();
    let d = diff(
        &schema(vec![live, team.clone()]),
        &schema(vec![target, team]),
        &pg(),
    );
    let fk = find(&d, "remove_foreign_key");
    assert_eq!(fk.constraint.as_deref(), Some("fk_user_team"));
    assert_eq!(fk.referent_table, Some(TableName::new("team")));
    let check = find(&d, "remove_check");
    assert_eq!(
        (check.before.clone(), check.after.clone()),
        (text("name <> ''"), None)
    );
    let ix = find(&d, "remove_index");
    assert_eq!(
        (ix.index.as_deref(), ix.unique),
        (Some("ix_user_name"), Some(false))
    );
}

/// The names tools match on do not change.
#[test]
fn kind_names_are_stable() {
    for (kind, name) in [
        (ChangeKind::AddTable, "add_table"),
        (ChangeKind::RemoveTable, "remove_table"),
        (ChangeKind::AddColumn, "add_column"),
        (ChangeKind::RemoveColumn, "remove_column"),
        (ChangeKind::RenameTable, "rename_table"),
        (ChangeKind::RenameColumn, "rename_column"),
        (ChangeKind::ModifyType, "modify_type"),
        (ChangeKind::ModifyNullable, "modify_nullable"),
        (ChangeKind::ModifyDefault, "modify_default"),
        (ChangeKind::ModifyOnUpdate, "modify_on_update"),
        (ChangeKind::ModifyComment, "modify_comment"),
        (ChangeKind::ModifyTableComment, "modify_table_comment"),
        (ChangeKind::ModifyPartitioning, "modify_partitioning"),
        (ChangeKind::ModifyTableOption, "modify_table_option"),
        (ChangeKind::AddPrimaryKey, "add_primary_key"),
        (ChangeKind::RemovePrimaryKey, "remove_primary_key"),
        (ChangeKind::AddUnique, "add_unique"),
        (ChangeKind::RemoveUnique, "remove_unique"),
        (ChangeKind::AddIndex, "add_index"),
        (ChangeKind::RemoveIndex, "remove_index"),
        (ChangeKind::AddForeignKey, "add_foreign_key"),
        (ChangeKind::RemoveForeignKey, "remove_foreign_key"),
        (ChangeKind::AddCheck, "add_check"),
        (ChangeKind::RemoveCheck, "remove_check"),
        (ChangeKind::AddEnum, "add_enum"),
        (ChangeKind::RemoveEnum, "remove_enum"),
        (ChangeKind::AddEnumValue, "add_enum_value"),
        (ChangeKind::RemoveEnumValue, "remove_enum_value"),
        (ChangeKind::AddObject(ObjectKind::View), "add_view"),
        (
            ChangeKind::RemoveObject(ObjectKind::MaterializedView),
            "remove_materialized_view",
        ),
        (
            ChangeKind::ModifyObject(ObjectKind::Function),
            "modify_function",
        ),
    ] {
        assert_eq!(kind.name(), name);
        assert_eq!(kind.to_string(), name);
    }
}
