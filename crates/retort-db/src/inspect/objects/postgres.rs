//! PostgreSQL's views, materialized views, triggers, functions,
//! procedures, standalone sequences, domains and extensions of one schema,
//! with six catalog queries (the constants at the end), in `oid` order:
//! the order they were created, which is a dependency order (an object can
//! only be created after what it uses).
//!
//! Definitions, as the database reports them:
//! - views: `CREATE VIEW "v" [WITH (options)] AS` + `pg_get_viewdef`;
//!   materialized views the same with `MATERIALIZED VIEW`;
//! - triggers: `pg_get_triggerdef`; functions and procedures:
//!   `pg_get_functiondef` (identified by their argument types,
//!   `pg_get_function_identity_arguments`, as routines overload);
//! - sequences: `CREATE SEQUENCE "s" AS type INCREMENT BY ... CYCLE` from
//!   `pg_sequence`; a sequence owned by a column (`serial`, identity,
//!   `OWNED BY`) belongs to the column and is not reported;
//! - domains: `CREATE DOMAIN "d" AS type [COLLATE] [DEFAULT] [NOT NULL]`
//!   and its check constraints (`pg_get_constraintdef`);
//! - extensions: `CREATE EXTENSION IF NOT EXISTS "e"` (database-wide, so
//!   without their schema; `plpgsql` is built in and never reported).
//!
//! Objects that belong to an extension (`pg_depend.deptype = 'e'`) are
//! left out.

use retort_core::schema::{ObjectKind, SchemaObject};

use super::{Rows, strip_qualifier};
use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::InspectOptions;
use crate::quote::{ident, literal};
use crate::url::DialectName;

const PG: DialectName = DialectName::Postgresql;

/// Reads the objects of `options.schema` (or `current_schema()`).
pub fn read(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Vec<SchemaObject>, DbError> {
    let schema_sql = match &options.schema {
        Some(s) => literal(PG, s),
        None => "current_schema()".to_owned(),
    };
    let mut run = |template: &str| Rows::query(conn, template.replace("{schema}", &schema_sql));
    let here = run(SCHEMA_NAME)?;
    let views = run(VIEWS)?;
    let triggers = run(TRIGGERS)?;
    let routines = run(ROUTINES)?;
    let aggregates = run(AGGREGATES)?;
    let sequences = run(SEQUENCES)?;
    let domains = run(DOMAINS)?;
    let extensions = run(EXTENSIONS)?;
    let schema = match here.rows.first() {
        Some(row) => here.required(row, 0, "nspname")?,
        None => return Ok(vec![]),
    };
    let strip = |text: &str| strip_qualifier(text, &schema, '"');

    let mut found: Vec<(u64, SchemaObject)> = vec![];
    let oid = |rows: &Rows, row: &crate::connection::Row| -> Result<u64, DbError> {
        let text = rows.required(row, 0, "oid")?;
        text.parse().map_err(|_| DbError::BadValue {
            table: "pg_catalog".to_owned(),
            column: "oid",
            value: text,
            sql: rows.sql.clone(),
        })
    };
    for row in &views.rows {
        let name = views.required(row, 1, "relname")?;
        let materialized = views.required(row, 2, "relkind")? == "m";
        let body = views.required(row, 3, "pg_get_viewdef")?;
        let with = super::super::cell(row, 4)
            .filter(|o| !o.is_empty())
            .map(|o| format!(" WITH ({o})"))
            .unwrap_or_default();
        let (kind, keyword) = if materialized {
            (ObjectKind::MaterializedView, "MATERIALIZED VIEW")
        } else {
            (ObjectKind::View, "VIEW")
        };
        let body = strip(body.trim_end().trim_end_matches(';'));
        let definition = format!("CREATE {keyword} {}{with} AS\n{body}", ident(PG, &name));
        let mut view = SchemaObject::new(kind, name, definition);
        view.columns = super::super::cell(row, 5).map(str::to_owned);
        found.push((oid(&views, row)?, view));
    }
    for row in &triggers.rows {
        let name = triggers.required(row, 1, "tgname")?;
        let table = triggers.required(row, 2, "relname")?;
        let definition = strip(&triggers.required(row, 3, "pg_get_triggerdef")?);
        found.push((
            oid(&triggers, row)?,
            SchemaObject::new(ObjectKind::Trigger, name, definition).on_table(table),
        ));
    }
    for row in &routines.rows {
        let name = routines.required(row, 1, "proname")?;
        let kind = if routines.required(row, 2, "prokind")? == "p" {
            ObjectKind::Procedure
        } else {
            ObjectKind::Function
        };
        let arguments = routines.required(row, 3, "pg_get_function_identity_arguments")?;
        let definition = routines.required(row, 4, "pg_get_functiondef")?;
        let definition = strip(definition.trim_end());
        found.push((
            oid(&routines, row)?,
            SchemaObject::new(kind, name, definition).with_arguments(strip(&arguments)),
        ));
    }
    for row in &aggregates.rows {
        let name = aggregates.required(row, 1, "proname")?;
        let arguments = aggregates.required(row, 2, "pg_get_function_identity_arguments")?;
        let mut definition = format!(
            "CREATE AGGREGATE {}({}) (\n    SFUNC = {},\n    STYPE = {}",
            ident(PG, &name),
            arguments,
            aggregates.required(row, 3, "aggtransfn")?,
            aggregates.required(row, 4, "aggtranstype")?,
        );
        if let Some(f) = super::super::cell(row, 5).filter(|f| *f != "-") {
            definition.push_str(&format!(",\n    FINALFUNC = {f}"));
        }
        if let Some(init) = super::super::cell(row, 6) {
            definition.push_str(&format!(",\n    INITCOND = {}", literal(PG, init)));
        }
        if let Some(op) = super::super::cell(row, 7).filter(|o| *o != "0") {
            definition.push_str(&format!(",\n    SORTOP = {op}"));
        }
        definition.push_str("\n)");
        found.push((
            oid(&aggregates, row)?,
            SchemaObject::new(ObjectKind::Aggregate, name, strip(&definition))
                .with_arguments(strip(&arguments)),
        ));
    }
    for row in &sequences.rows {
        let name = sequences.required(row, 1, "relname")?;
        let field = |i, column| sequences.required(row, i, column);
        let definition = format!(
            "CREATE SEQUENCE {} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{}",
            ident(PG, &name),
            field(2, "seqtypid")?,
            field(3, "seqincrement")?,
            field(4, "seqmin")?,
            field(5, "seqmax")?,
            field(6, "seqstart")?,
            field(7, "seqcache")?,
            if field(8, "seqcycle")? == "true" {
                " CYCLE"
            } else {
                " NO CYCLE"
            },
        );
        found.push((
            oid(&sequences, row)?,
            SchemaObject::new(ObjectKind::Sequence, name, definition),
        ));
    }
    for row in &domains.rows {
        let name = domains.required(row, 1, "typname")?;
        let mut definition = format!(
            "CREATE DOMAIN {} AS {}",
            ident(PG, &name),
            strip(&domains.required(row, 2, "format_type")?)
        );
        let cell = |i| super::super::cell(row, i).filter(|v| !v.is_empty());
        if let Some(collation) = cell(5) {
            definition.push_str(&format!(" COLLATE {collation}"));
        }
        if let Some(default) = cell(4) {
            definition.push_str(&format!(" DEFAULT {}", strip(default)));
        }
        if cell(3) == Some("true") {
            definition.push_str(" NOT NULL");
        }
        if let Some(checks) = cell(6) {
            definition.push_str(&format!(" {}", strip(checks)));
        }
        found.push((
            oid(&domains, row)?,
            SchemaObject::new(ObjectKind::Domain, name, definition),
        ));
    }
    for row in &extensions.rows {
        let name = extensions.required(row, 1, "extname")?;
        let definition = format!("CREATE EXTENSION IF NOT EXISTS {}", ident(PG, &name));
        found.push((
            oid(&extensions, row)?,
            SchemaObject::new(ObjectKind::Extension, name, definition),
        ));
    }
    found.sort_by_key(|(oid, _)| *oid);
    Ok(found.into_iter().map(|(_, o)| o).collect())
}

/// The inspected schema's name.
const SCHEMA_NAME: &str = "SELECT nspname::text FROM pg_namespace WHERE nspname = {schema}";

/// Views (`v`) and materialized views (`m`), not those of an extension,
/// with their options and their columns' names and types.
const VIEWS: &str = "SELECT c.oid::bigint::text, c.relname::text, c.relkind::text, \
         pg_get_viewdef(c.oid), array_to_string(c.reloptions, ', '), \
         (SELECT string_agg(quote_ident(a.attname) || ' ' \
                            || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) \
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 \
            AND NOT a.attisdropped) \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = {schema} AND c.relkind IN ('v', 'm') \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                       AND d.objid = c.oid AND d.deptype = 'e') \
     ORDER BY c.oid";

/// Triggers written by users (not those PostgreSQL makes for foreign keys).
const TRIGGERS: &str = "SELECT t.oid::bigint::text, t.tgname::text, c.relname::text, \
         pg_get_triggerdef(t.oid) \
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
       JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = {schema} AND NOT t.tgisinternal \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_trigger'::regclass \
                       AND d.objid = t.oid AND d.deptype = 'e') \
     ORDER BY t.oid";

/// Functions (`f`) and procedures (`p`); aggregates and window functions
/// have no `pg_get_functiondef`.
const ROUTINES: &str = "SELECT p.oid::bigint::text, p.proname::text, p.prokind::text, \
         pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid) \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE n.nspname = {schema} AND p.prokind IN ('f', 'p') \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
                       AND d.objid = p.oid AND d.deptype = 'e') \
     ORDER BY p.oid";

/// Ordinary aggregates (`CREATE AGGREGATE name(args) (SFUNC, STYPE,
/// FINALFUNC, INITCOND, SORTOP)`); ordered-set and hypothetical ones are
/// left out.
const AGGREGATES: &str = "SELECT p.oid::bigint::text, p.proname::text, \
         pg_get_function_identity_arguments(p.oid), a.aggtransfn::regproc::text, \
         format_type(a.aggtranstype, NULL), a.aggfinalfn::regproc::text, a.agginitval, \
         CASE WHEN a.aggsortop = 0 THEN NULL ELSE a.aggsortop::regoperator::text END \
     FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid \
       JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE n.nspname = {schema} AND p.prokind = 'a' AND a.aggkind = 'n' \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
                       AND d.objid = p.oid AND d.deptype = 'e') \
     ORDER BY p.oid";

/// Sequences owned by nothing: `a` (auto: `serial`, `OWNED BY`), `i`
/// (identity) and `e` (extension) dependencies leave one out.
const SEQUENCES: &str = "SELECT c.oid::bigint::text, c.relname::text, \
         format_type(s.seqtypid, NULL), s.seqincrement::text, s.seqmin::text, \
         s.seqmax::text, s.seqstart::text, s.seqcache::text, s.seqcycle::text \
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
       JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = {schema} \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                       AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')) \
     ORDER BY c.oid";

/// Domains with their base type, `NOT NULL`, default, collation (when not
/// the base type's) and check constraints in name order.
const DOMAINS: &str = "SELECT t.oid::bigint::text, t.typname::text, \
         format_type(t.typbasetype, t.typtypmod), t.typnotnull::text, t.typdefault, \
         CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation \
              THEN (SELECT quote_ident(co.collname) FROM pg_collation co \
                    WHERE co.oid = t.typcollation) END, \
         (SELECT string_agg('CONSTRAINT ' || quote_ident(k.conname) || ' ' \
                            || pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) \
          FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
       JOIN pg_type b ON b.oid = t.typbasetype \
     WHERE n.nspname = {schema} AND t.typtype = 'd' \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass \
                       AND d.objid = t.oid AND d.deptype = 'e') \
     ORDER BY t.oid";

/// Installed extensions but the built-in `plpgsql`.
const EXTENSIONS: &str = "SELECT e.oid::bigint::text, e.extname::text \
     FROM pg_extension e WHERE e.extname <> 'plpgsql' ORDER BY e.oid";
