//! Views, triggers, routines and the other schema objects: compared by
//! definition, created after and dropped before the tables they use.

use retort_core::schema::{ObjectKind, SchemaObject};

use super::*;

fn view(name: &str, sql: &str) -> SchemaObject {
    SchemaObject::new(
        ObjectKind::View,
        name,
        format!("CREATE VIEW {name} AS {sql}"),
    )
}

fn with(tables: Vec<Table>, objects: Vec<SchemaObject>) -> Schema {
    Schema {
        objects,
        ..schema(tables)
    }
}

#[test]
fn a_new_view_and_trigger_come_after_the_tables_they_use() {
    let trigger = SchemaObject::new(
        ObjectKind::Trigger,
        "user_touch",
        "CREATE TRIGGER user_touch AFTER UPDATE ON user BEGIN SELECT 1; END",
    )
    .on_table("user");
    let target = with(
        vec![user()],
        vec![view("names", "SELECT name FROM user"), trigger],
    );
    let d = round_trip(&schema(vec![]), &target, &lite());
    assert_eq!(
        names(&d.upgrade),
        [
            "create_table on user",
            "create_view names",
            "create_trigger user_touch on user"
        ]
    );
    assert_eq!(
        names(&d.downgrade),
        [
            "drop_trigger user_touch on user",
            "drop_view names",
            "drop_table on user"
        ]
    );
    assert_eq!(changes(&d)[1], "Detected added view 'names'");
}

#[test]
fn a_changed_view_is_replaced_where_the_database_can() {
    let live = with(vec![user()], vec![view("names", "SELECT name FROM user")]);
    let target = with(
        vec![user()],
        vec![view("names", "SELECT id, name FROM user")],
    );
    let d = round_trip(&live, &target, &my());
    assert_eq!(names(&d.upgrade), ["replace_view names"]);
    let d = round_trip(&live, &target, &lite());
    assert_eq!(names(&d.upgrade), ["drop_view names", "create_view names"]);
    // PostgreSQL replaces a view only when its columns stay the same, and
    // rebuilds the views over one it drops.
    let d = round_trip(&live, &target, &pg());
    assert_eq!(names(&d.upgrade), ["drop_view names", "create_view names"]);
    let cols = |o: SchemaObject| o.with_columns("name text");
    let over = view("upper_names", "SELECT upper(name) FROM names");
    let live = with(
        vec![user()],
        vec![cols(view("names", "SELECT name FROM user")), over.clone()],
    );
    let target = with(
        vec![user()],
        vec![
            cols(view("names", "SELECT lower(name) AS name FROM user")),
            over,
        ],
    );
    let d = round_trip(&live, &target, &pg());
    assert_eq!(names(&d.upgrade), ["replace_view names"]);
    let target = with(
        vec![user()],
        vec![
            view("names", "SELECT id, name FROM user"),
            view("upper_names", "SELECT upper(name) FROM names"),
        ],
    );
    let d = round_trip(&live, &target, &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "drop_view upper_names",
            "drop_view names",
            "create_view names",
            "create_view upper_names"
        ]
    );
}

#[test]
fn a_function_whose_return_type_changes_is_dropped_and_created() {
    let f = |ret: &str| {
        SchemaObject::new(
            ObjectKind::Function,
            "f",
            format!("CREATE OR REPLACE FUNCTION public.f()\n RETURNS {ret}\n LANGUAGE sql\nAS $$SELECT 1$$"),
        )
        .with_arguments("")
    };
    let d = round_trip(
        &with(vec![], vec![f("integer")]),
        &with(vec![], vec![f("bigint")]),
        &pg(),
    );
    assert_eq!(
        names(&d.upgrade),
        ["drop_function f()", "create_function f()"]
    );
}

#[test]
fn a_view_over_a_column_changing_type_is_rebuilt_around_the_change() {
    let mut wider = user();
    wider.columns[1].ty = ty("varchar(100)");
    let objects = vec![
        view("names", "SELECT name FROM \"user\""),
        view("upper_names", "SELECT upper(name) FROM names"),
        view("other", "SELECT 1"),
    ];
    let d = round_trip(
        &with(vec![user()], objects.clone()),
        &with(vec![wider], objects),
        &pg(),
    );
    assert_eq!(
        names(&d.upgrade),
        [
            "drop_view upper_names",
            "drop_view names",
            "alter_column on user",
            "create_view names",
            "create_view upper_names"
        ]
    );
}

#[test]
fn sequences_and_domains_are_created_before_tables_and_dropped_after() {
    let seq = SchemaObject::new(ObjectKind::Sequence, "ids", "CREATE SEQUENCE ids");
    let domain = SchemaObject::new(
        ObjectKind::Domain,
        "posint",
        "CREATE DOMAIN posint AS integer",
    );
    let target = with(vec![user()], vec![seq, domain]);
    let d = round_trip(&schema(vec![]), &target, &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "create_sequence ids",
            "create_domain posint",
            "create_table on user"
        ]
    );
    let d = round_trip(&target, &schema(vec![]), &pg());
    assert_eq!(
        names(&d.upgrade),
        [
            "drop_table on user",
            "drop_domain posint",
            "drop_sequence ids"
        ]
    );
}

#[test]
fn kinds_the_database_lacks_are_not_compared() {
    let seq = SchemaObject::new(ObjectKind::Sequence, "ids", "CREATE SEQUENCE ids");
    let d = diff(&schema(vec![]), &with(vec![], vec![seq]), &lite());
    assert!(d.is_empty(), "{:?}", d.changes);
}
