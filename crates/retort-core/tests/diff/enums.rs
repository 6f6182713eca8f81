//! PostgreSQL enum types and their values.

use super::*;

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
        objects: vec![],
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
