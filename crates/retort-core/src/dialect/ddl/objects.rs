//! Rendering the schema object operations (`create_view`, `drop_trigger`,
//! `replace_function`, ...): a create runs the object's definition as it
//! is; a drop is `DROP <KIND> name`, spelled as the dialect's capabilities
//! say; a replace is the definition as `CREATE OR REPLACE` where the
//! dialect can replace that kind in place, else a drop and a create.

use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::Operation;
use crate::schema::{ObjectId, ObjectKind, SchemaObject, TableName};

use super::qualified;

type Result<T> = std::result::Result<T, DialectError>;

/// Renders `create_<kind>`, `drop_<kind>` and `replace_<kind>`.
pub(crate) fn render<D: Dialect + ?Sized>(d: &D, op: &Operation) -> Result<Vec<Statement>> {
    match op {
        Operation::CreateObject(o) => {
            supported(d, op, o.kind())?;
            Ok(vec![create(o)])
        }
        Operation::DropObject { id, .. } => {
            supported(d, op, id.kind)?;
            Ok(vec![drop(d, id)])
        }
        Operation::ReplaceObject { object, .. } => {
            supported(d, op, object.kind())?;
            if d.supports_replace(object.kind()) {
                Ok(vec![Statement::new(or_replace(&object.definition))])
            } else {
                Ok(vec![drop(d, &object.id), create(object)])
            }
        }
        _ => Ok(vec![]),
    }
}

fn supported<D: Dialect + ?Sized>(d: &D, op: &Operation, kind: ObjectKind) -> Result<()> {
    if d.supports_object_kind(kind) {
        return Ok(());
    }
    Err(DialectError::Unsupported {
        dialect: d.name(),
        operation: op.to_string(),
        reason: format!(
            "{} has no {}s; put this operation in a per-database list (upgrade.<database>) for the databases that have them",
            d.name(),
            kind.sql_keyword().to_ascii_lowercase()
        ),
    })
}

/// The definition as it is, without a trailing `;`.
fn create(o: &SchemaObject) -> Statement {
    Statement::new(trimmed(&o.definition))
}

fn trimmed(definition: &str) -> String {
    definition
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_owned()
}

/// `DROP VIEW "v"`, `DROP FUNCTION "f"(integer)`, `DROP TRIGGER "t" ON "tab"`.
fn drop<D: Dialect + ?Sized>(d: &D, id: &ObjectId) -> Statement {
    let name = qualified(
        d,
        &TableName {
            schema: id.schema.clone(),
            name: id.name.clone(),
        },
    );
    let mut sql = format!("DROP {} {name}", id.kind.drop_keyword());
    if id.kind.is_routine() && d.drop_routine_names_arguments() {
        sql.push_str(&format!("({})", id.arguments.as_deref().unwrap_or("")));
    }
    if let Some(table) = id.table.as_ref().filter(|_| d.drop_trigger_names_table()) {
        let table = TableName {
            schema: id.schema.clone(),
            name: table.clone(),
        };
        sql.push_str(&format!(" ON {}", qualified(d, &table)));
    }
    Statement::new(sql)
}

/// The definition as `CREATE OR REPLACE ...` (unchanged when it already is).
pub(crate) fn or_replace(definition: &str) -> String {
    let text = trimmed(definition);
    let upper = text.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_whitespace().take(3).collect();
    if words.len() >= 3 && words[..3] == ["CREATE", "OR", "REPLACE"] {
        return text;
    }
    match upper.find("CREATE") {
        Some(at) if upper[..at].trim().is_empty() => {
            let after = at + "CREATE".len();
            format!("{}CREATE OR REPLACE{}", &text[..at], &text[after..])
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{MySql, Postgres, Sqlite};

    fn sql(d: &dyn Dialect, op: &Operation) -> Vec<String> {
        d.render(op)
            .unwrap()
            .into_iter()
            .map(Statement::into_string)
            .collect()
    }

    fn trigger() -> SchemaObject {
        SchemaObject::new(
            ObjectKind::Trigger,
            "t_touch",
            "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();\n",
        )
        .on_table("t")
    }

    #[test]
    fn a_create_runs_the_definition_without_its_semicolon() {
        let op = Operation::CreateObject(trigger());
        assert_eq!(
            sql(&Postgres, &op),
            ["CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()"]
        );
    }

    #[test]
    fn a_trigger_is_dropped_on_its_table_only_on_postgres() {
        let op = Operation::DropObject {
            id: trigger().id,
            definition: None,
        };
        assert_eq!(sql(&Postgres, &op), [r#"DROP TRIGGER "t_touch" ON "t""#]);
        assert_eq!(sql(&MySql, &op), ["DROP TRIGGER `t_touch`"]);
        assert_eq!(sql(&Sqlite, &op), [r#"DROP TRIGGER "t_touch""#]);
    }

    #[test]
    fn a_routine_is_dropped_by_its_arguments_on_postgres() {
        let f = SchemaObject::new(ObjectKind::Function, "f", "CREATE FUNCTION f() ...")
            .with_arguments("integer, text");
        let op = Operation::DropObject {
            id: f.id,
            definition: None,
        };
        assert_eq!(sql(&Postgres, &op), [r#"DROP FUNCTION "f"(integer, text)"#]);
        assert_eq!(sql(&MySql, &op), ["DROP FUNCTION `f`"]);
    }

    #[test]
    fn a_replace_is_create_or_replace_where_the_dialect_can() {
        let op = Operation::ReplaceObject {
            object: SchemaObject::new(ObjectKind::View, "v", "CREATE VIEW v AS SELECT 2"),
            old_definition: None,
        };
        assert_eq!(
            sql(&Postgres, &op),
            ["CREATE OR REPLACE VIEW v AS SELECT 2"]
        );
        assert_eq!(
            sql(&Sqlite, &op),
            [r#"DROP VIEW "v""#, "CREATE VIEW v AS SELECT 2"]
        );
        let p = Operation::ReplaceObject {
            object: SchemaObject::new(
                ObjectKind::Procedure,
                "p",
                "CREATE PROCEDURE `p`() BEGIN SELECT 1; END",
            ),
            old_definition: None,
        };
        assert_eq!(
            sql(&MySql, &p),
            [
                "DROP PROCEDURE `p`",
                "CREATE PROCEDURE `p`() BEGIN SELECT 1; END"
            ]
        );
        assert_eq!(
            or_replace("CREATE OR REPLACE FUNCTION f()"),
            "CREATE OR REPLACE FUNCTION f()"
        );
    }

    #[test]
    fn a_kind_the_dialect_lacks_is_an_error_naming_it() {
        let op = Operation::CreateObject(SchemaObject::new(
            ObjectKind::MaterializedView,
            "m",
            "CREATE MATERIALIZED VIEW m AS SELECT 1",
        ));
        let e = MySql.render(&op).unwrap_err().to_string();
        assert!(e.contains("mysql"), "{e}");
        assert!(e.contains("create_materialized_view m"), "{e}");
        let op = Operation::DropObject {
            id: SchemaObject::new(ObjectKind::Domain, "d", "").id,
            definition: None,
        };
        let e = Sqlite.render(&op).unwrap_err().to_string();
        assert!(e.contains("sqlite has no domains"), "{e}");
    }
}
