//! The operations on schema objects beyond tables ([`SchemaObject`]):
//! `create_<kind>`, `drop_<kind>` and `replace_<kind>`, their names, how
//! they are read from and written to TOML, and their reverses.
//!
//! Every object operation carries the object's identity (`name`, optional
//! `schema`, `table` for triggers, `arguments` for routines) and its full
//! `CREATE ...` statement as `definition`; a drop carries the definition to
//! be reversible, a replace carries the `old_definition` for the same reason.

use toml::{Table, Value};

use crate::ops::fields::Fields;
use crate::ops::{Operation, OperationProblem, ReverseError};
use crate::schema::{ObjectId, ObjectKind, SchemaObject};

type Result<T> = std::result::Result<T, OperationProblem>;

/// The object operation names, as [`crate::revision::OPERATION_NAMES`] lists them.
pub const OBJECT_OPERATION_NAMES: &[&str] = &[
    "create_view",
    "drop_view",
    "replace_view",
    "create_materialized_view",
    "drop_materialized_view",
    "create_trigger",
    "drop_trigger",
    "create_function",
    "drop_function",
    "replace_function",
    "create_procedure",
    "drop_procedure",
    "replace_procedure",
    "create_aggregate",
    "drop_aggregate",
    "create_sequence",
    "drop_sequence",
    "create_domain",
    "drop_domain",
    "create_extension",
    "drop_extension",
    "create_virtual_table",
    "drop_virtual_table",
];

/// What an object operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectVerb {
    /// `create_<kind>`.
    Create,
    /// `drop_<kind>`.
    Drop,
    /// `replace_<kind>` (views and routines).
    Replace,
}

impl ObjectVerb {
    fn as_str(self) -> &'static str {
        match self {
            ObjectVerb::Create => "create",
            ObjectVerb::Drop => "drop",
            ObjectVerb::Replace => "replace",
        }
    }
}

/// Kinds whose definition can be replaced in place by an operation
/// (`replace_view`, `replace_function`, `replace_procedure`).
pub fn replaceable(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::View | ObjectKind::Function | ObjectKind::Procedure
    )
}

/// The operation name of `verb` on `kind` (`create_view`), from
/// [`OBJECT_OPERATION_NAMES`] so that it is `'static`; `replace` of a kind
/// that has none gives `replace_object`, which no file can hold.
pub fn object_op_name(verb: ObjectVerb, kind: ObjectKind) -> &'static str {
    let wanted = format!("{}_{}", verb.as_str(), kind.as_str());
    OBJECT_OPERATION_NAMES
        .iter()
        .find(|n| **n == wanted)
        .copied()
        .unwrap_or("replace_object")
}

/// The verb and kind of an object operation name (`drop_trigger`).
pub(crate) fn parse_op_name(name: &str) -> Option<(ObjectVerb, ObjectKind)> {
    if !OBJECT_OPERATION_NAMES.contains(&name) {
        return None;
    }
    let (verb, kind) = name.split_once('_')?;
    let verb = match verb {
        "create" => ObjectVerb::Create,
        "drop" => ObjectVerb::Drop,
        "replace" => ObjectVerb::Replace,
        _ => return None,
    };
    Some((verb, ObjectKind::parse(kind)?))
}

/// Reads the object operation `verb` on `kind` from its fields.
pub(crate) fn read(verb: ObjectVerb, kind: ObjectKind, f: &mut Fields<'_>) -> Result<Operation> {
    let name = f.name(
        "name",
        &format!("name the {}, e.g. name = \"active_users\"", kind.as_str()),
    )?;
    let schema = f.opt_str("schema")?;
    let table = if kind == ObjectKind::Trigger {
        Some(f.name("table", "name the trigger's table, e.g. table = \"user\"")?)
    } else {
        None
    };
    let arguments = if kind.is_routine() {
        f.opt_str("arguments")?
    } else {
        None
    };
    let id = ObjectId {
        kind,
        schema,
        name,
        arguments,
        table,
    };
    let hint = format!(
        "give the full CREATE statement, e.g. definition = \"\"\"CREATE {} ...\"\"\"",
        kind.sql_keyword()
    );
    let definition = f.opt_str("definition")?;
    if definition.as_deref().is_some_and(|d| d.trim().is_empty()) {
        return Err(f.invalid("definition", "the definition cannot be empty"));
    }
    Ok(match verb {
        ObjectVerb::Create => Operation::CreateObject(SchemaObject {
            id,
            definition: definition.ok_or_else(|| f.missing("definition", &hint))?,
            columns: None,
        }),
        ObjectVerb::Drop => Operation::DropObject { id, definition },
        ObjectVerb::Replace => Operation::ReplaceObject {
            object: SchemaObject {
                id,
                definition: definition.ok_or_else(|| f.missing("definition", &hint))?,
                columns: None,
            },
            old_definition: f.opt_str("old_definition")?,
        },
    })
}

/// Writes an object's identity into an operation table.
pub(crate) fn write_id(out: &mut Table, id: &ObjectId) {
    out.insert("name".into(), Value::from(id.name.as_str()));
    if let Some(s) = &id.schema {
        out.insert("schema".into(), Value::from(s.as_str()));
    }
    if let Some(t) = &id.table {
        out.insert("table".into(), Value::from(t.as_str()));
    }
    if let Some(a) = &id.arguments {
        out.insert("arguments".into(), Value::from(a.as_str()));
    }
}

/// The reverse of an object operation (`op` is one).
pub(crate) fn reverse(op: &Operation) -> std::result::Result<Operation, ReverseError> {
    let missing = |field: &str, hint: &str| ReverseError::MissingFact {
        operation: op.to_string(),
        field: field.to_owned(),
        hint: hint.to_owned(),
    };
    Ok(match op {
        Operation::CreateObject(o) => Operation::DropObject {
            id: o.id.clone(),
            definition: Some(o.definition.clone()),
        },
        Operation::DropObject { id, definition } => match definition {
            Some(d) => Operation::CreateObject(SchemaObject {
                id: id.clone(),
                definition: d.clone(),
                columns: None,
            }),
            None => {
                return Err(missing(
                    "definition",
                    "give the dropped object's full CREATE statement",
                ));
            }
        },
        Operation::ReplaceObject {
            object,
            old_definition,
        } => match old_definition {
            Some(old) => Operation::ReplaceObject {
                object: SchemaObject {
                    id: object.id.clone(),
                    definition: old.clone(),
                    columns: None,
                },
                old_definition: Some(object.definition.clone()),
            },
            None => {
                return Err(missing(
                    "old_definition",
                    "give the CREATE statement being replaced",
                ));
            }
        },
        other => {
            return Err(ReverseError::Irreversible {
                operation: other.to_string(),
                reason: "not an object operation".to_owned(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ops::{operations_to_toml, parse_operations};

    fn round_trip(op: Operation) {
        let tables = operations_to_toml(std::slice::from_ref(&op));
        let back = parse_operations(Path::new("v/a.toml"), "upgrade", &tables).unwrap();
        assert_eq!(back, vec![op]);
    }

    fn trigger() -> SchemaObject {
        SchemaObject::new(
            ObjectKind::Trigger,
            "t_touch",
            "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()",
        )
        .on_table("t")
    }

    #[test]
    fn every_object_operation_reads_back_as_written() {
        round_trip(Operation::CreateObject(SchemaObject::new(
            ObjectKind::View,
            "v",
            "CREATE VIEW v AS\nSELECT 1",
        )));
        round_trip(Operation::CreateObject(trigger()));
        round_trip(Operation::DropObject {
            id: trigger().id,
            definition: None,
        });
        let mut f = SchemaObject::new(
            ObjectKind::Function,
            "f",
            "CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a'",
        )
        .with_arguments("integer");
        f.id.schema = Some("app".into());
        round_trip(Operation::ReplaceObject {
            object: f.clone(),
            old_definition: Some("CREATE FUNCTION f(a integer) RETURNS integer".into()),
        });
        round_trip(Operation::DropObject {
            id: f.id,
            definition: Some(f.definition),
        });
    }

    #[test]
    fn each_name_is_a_verb_and_a_kind() {
        for name in OBJECT_OPERATION_NAMES {
            let (verb, kind) = parse_op_name(name).unwrap();
            assert_eq!(object_op_name(verb, kind), *name);
            assert!(crate::revision::OPERATION_NAMES.contains(name), "{name}");
        }
        assert_eq!(parse_op_name("replace_trigger"), None);
    }

    #[test]
    fn reverses_swap_create_and_drop_and_the_two_definitions() {
        let create = Operation::CreateObject(trigger());
        let drop = create.reverse().unwrap();
        assert_eq!(drop.name(), "drop_trigger");
        assert_eq!(drop.reverse().unwrap(), create);
        let replace = Operation::ReplaceObject {
            object: SchemaObject::new(ObjectKind::View, "v", "CREATE VIEW v AS SELECT 2"),
            old_definition: Some("CREATE VIEW v AS SELECT 1".into()),
        };
        let back = replace.reverse().unwrap();
        let Operation::ReplaceObject {
            object,
            old_definition,
        } = &back
        else {
            panic!("{back:?}")
        };
        assert_eq!(object.definition, "CREATE VIEW v AS SELECT 1");
        assert_eq!(old_definition.as_deref(), Some("CREATE VIEW v AS SELECT 2"));
        assert_eq!(back.reverse().unwrap(), replace);
    }

    #[test]
    fn a_drop_without_its_definition_cannot_be_reversed() {
        let e = Operation::DropObject {
            id: trigger().id,
            definition: None,
        }
        .reverse()
        .unwrap_err()
        .to_string();
        assert!(e.contains("definition"), "{e}");
        assert!(e.contains("drop_trigger"), "{e}");
    }

    #[test]
    fn a_trigger_needs_its_table_and_a_create_its_definition() {
        let parse = |text: &str| {
            let t: Table = toml::from_str(text).unwrap();
            parse_operations(Path::new("v/a.toml"), "upgrade", &[t])
                .unwrap_err()
                .to_string()
        };
        let e = parse("op = \"drop_trigger\"\nname = \"t\"\n");
        assert!(e.contains("table"), "{e}");
        let e = parse("op = \"create_view\"\nname = \"v\"\n");
        assert!(e.contains("definition"), "{e}");
        let e = parse("op = \"create_view\"\nname = \"v\"\ntable = \"t\"\ndefinition = \"x\"\n");
        assert!(e.contains("unknown") || e.contains("table"), "{e}");
    }
}
