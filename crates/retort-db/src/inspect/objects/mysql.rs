//! MySQL/MariaDB's views, triggers, functions and procedures of the current
//! database, from `information_schema` with four queries (the constants at
//! the end) and no `SHOW CREATE` per object.
//!
//! Definitions are built from the catalog's columns the way `SHOW CREATE`
//! prints them, without `DEFINER=` (who created an object is not part of
//! the schema) and without the current database's `` `db`. `` qualifier:
//! - views: `` CREATE [SQL SECURITY INVOKER] VIEW `v` AS `` +
//!   `VIEW_DEFINITION` [+ `WITH ... CHECK OPTION`];
//! - triggers: `` CREATE TRIGGER `t` BEFORE INSERT ON `tab` FOR EACH ROW ``
//!   + `ACTION_STATEMENT`;
//! - routines: `` CREATE FUNCTION `f`(`a` int) RETURNS int `` (parameters
//!   from `information_schema.PARAMETERS`) + the characteristics that are
//!   not the defaults + `ROUTINE_DEFINITION`.
//!
//! Order: routines, then views, then triggers, each in name order
//! (triggers by table, then firing order: `ACTION_ORDER`). The catalog
//! keeps creation times only to the second (none for views), so name order
//! is what is stable; MySQL resolves the names in routine and trigger
//! bodies when they run, so their order of creation does not matter, and
//! the diff orders the views it creates by the names their definitions use.

use std::collections::BTreeMap;

use retort_core::schema::{ObjectKind, SchemaObject};

use super::{Rows, strip_qualifier};
use crate::connection::Connection;
use crate::error::DbError;
use crate::quote::{ident, literal};
use crate::url::DialectName;

const MY: DialectName = DialectName::Mysql;

/// Reads the objects of the current database.
pub fn read(conn: &mut dyn Connection) -> Result<Vec<SchemaObject>, DbError> {
    let database = Rows::query(conn, DATABASE.to_owned())?;
    let Some(database) = database
        .rows
        .first()
        .and_then(|r| super::super::cell(r, 0))
        .map(str::to_owned)
    else {
        return Ok(vec![]);
    };
    let routines = Rows::query(conn, ROUTINES.to_owned())?;
    let parameters = Rows::query(conn, PARAMETERS.to_owned())?;
    let views = Rows::query(conn, VIEWS.to_owned())?;
    let triggers = Rows::query(conn, TRIGGERS.to_owned())?;
    let strip = |text: &str| strip_qualifier(text, &database, '`');

    let mut params: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in &parameters.rows {
        let routine = parameters.required(row, 0, "SPECIFIC_NAME")?;
        let kind = parameters.required(row, 1, "ROUTINE_TYPE")?;
        let mode = super::super::cell(row, 2)
            .filter(|m| kind == "PROCEDURE" && !m.is_empty())
            .map(|m| format!("{m} "))
            .unwrap_or_default();
        let name = parameters.required(row, 3, "PARAMETER_NAME")?;
        let ty = parameters.required(row, 4, "DTD_IDENTIFIER")?;
        params
            .entry((kind, routine))
            .or_default()
            .push(format!("{mode}{} {ty}", ident(MY, &name)));
    }

    let mut out = vec![];
    for row in &routines.rows {
        let name = routines.required(row, 0, "ROUTINE_NAME")?;
        let kind_text = routines.required(row, 1, "ROUTINE_TYPE")?;
        let cell = |i| super::super::cell(row, i).unwrap_or_default();
        let (kind, keyword) = if kind_text == "PROCEDURE" {
            (ObjectKind::Procedure, "PROCEDURE")
        } else {
            (ObjectKind::Function, "FUNCTION")
        };
        let arguments = params
            .get(&(kind_text.clone(), name.clone()))
            .map(|p| p.join(", "))
            .unwrap_or_default();
        let mut definition = format!("CREATE {keyword} {}({arguments})", ident(MY, &name));
        if kind == ObjectKind::Function {
            definition.push_str(&format!(" RETURNS {}", cell(2)));
        }
        if cell(4) == "YES" {
            definition.push_str(" DETERMINISTIC");
        }
        match cell(5) {
            "" | "CONTAINS SQL" => {}
            access => definition.push_str(&format!(" {access}")),
        }
        if cell(6) == "INVOKER" {
            definition.push_str(" SQL SECURITY INVOKER");
        }
        if !cell(7).is_empty() {
            definition.push_str(&format!(" COMMENT {}", literal(MY, cell(7))));
        }
        definition.push('\n');
        definition.push_str(&strip(&routines.required(row, 3, "ROUTINE_DEFINITION")?));
        out.push(SchemaObject::new(kind, name, definition));
    }
    for row in &views.rows {
        let name = views.required(row, 0, "TABLE_NAME")?;
        let body = strip(&views.required(row, 1, "VIEW_DEFINITION")?);
        let cell = |i| super::super::cell(row, i).unwrap_or_default();
        let security = if cell(3) == "INVOKER" {
            "SQL SECURITY INVOKER "
        } else {
            ""
        };
        let check = match cell(2) {
            "" | "NONE" => String::new(),
            option => format!(" WITH {option} CHECK OPTION"),
        };
        out.push(SchemaObject::new(
            ObjectKind::View,
            name.clone(),
            format!(
                "CREATE {security}VIEW {} AS {body}{check}",
                ident(MY, &name)
            ),
        ));
    }
    for row in &triggers.rows {
        let name = triggers.required(row, 0, "TRIGGER_NAME")?;
        let table = triggers.required(row, 1, "EVENT_OBJECT_TABLE")?;
        let timing = triggers.required(row, 2, "ACTION_TIMING")?;
        let event = triggers.required(row, 3, "EVENT_MANIPULATION")?;
        let statement = strip(&triggers.required(row, 4, "ACTION_STATEMENT")?);
        let definition = format!(
            "CREATE TRIGGER {} {timing} {event} ON {} FOR EACH ROW {statement}",
            ident(MY, &name),
            ident(MY, &table)
        );
        out.push(SchemaObject::new(ObjectKind::Trigger, name, definition).on_table(table));
    }
    Ok(out)
}

/// The current database.
const DATABASE: &str = "SELECT DATABASE()";

/// Functions and procedures with their return type, body and the
/// characteristics `SHOW CREATE` prints, in name order.
const ROUTINES: &str = "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, \
         IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT \
     FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
     ORDER BY ROUTINE_NAME, ROUTINE_TYPE";

/// The routines' parameters in order (position 0 is a function's result).
const PARAMETERS: &str = "SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, \
         DTD_IDENTIFIER \
     FROM information_schema.PARAMETERS \
     WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0 \
     ORDER BY SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION";

/// Views with their query, check option and security, in name order.
const VIEWS: &str = "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE \
     FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";

/// Triggers by table, in firing order.
const TRIGGERS: &str = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, \
         EVENT_MANIPULATION, ACTION_STATEMENT \
     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
     ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, TRIGGER_NAME";
