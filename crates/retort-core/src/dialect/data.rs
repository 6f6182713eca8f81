//! Data and type statements: `bulk_insert` rows as literals, and the
//! named enum types of `create_enum` / `add_enum_value`.

use crate::dialect::ddl::qualified;
use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{Literal, Operation, Row};
use crate::schema::TableName;

type Result<T> = std::result::Result<T, DialectError>;

/// One multi-row `INSERT`; a column a row leaves out is NULL in that row.
pub(crate) fn bulk_insert<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    rows: &[Row],
) -> Vec<Statement> {
    let mut columns: Vec<&str> = vec![];
    for (name, _) in rows.iter().flatten() {
        if !columns.contains(&name.as_str()) {
            columns.push(name);
        }
    }
    if columns.is_empty() {
        return vec![];
    }
    let values = rows
        .iter()
        .map(|row| {
            let cells = columns
                .iter()
                .map(|c| match row.iter().find(|(k, _)| k == c) {
                    Some((_, v)) => d.render_literal(v),
                    None => "NULL".to_owned(),
                })
                .collect::<Vec<_>>();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>();
    vec![Statement::new(format!(
        "INSERT INTO {} ({}) VALUES {}",
        qualified(d, table),
        columns
            .iter()
            .map(|c| d.quote_identifier(c))
            .collect::<Vec<_>>()
            .join(", "),
        values.join(", ")
    ))]
}

pub(crate) fn literal<D: Dialect + ?Sized>(d: &D, value: &Literal) -> String {
    match value {
        Literal::Text(s) => d.quote_string(s),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(x) => format!("{x:?}"),
        Literal::Boolean(b) => d.render_bool(*b).to_owned(),
        Literal::DateTime(dt) => {
            // `1979-05-27 07:32:00+00:00`: the form every dialect reads.
            let mut parts = vec![];
            if let Some(date) = &dt.date {
                parts.push(date.to_string());
            }
            if let Some(time) = &dt.time {
                parts.push(time.to_string());
            }
            let mut text = parts.join(" ");
            match &dt.offset {
                Some(toml::value::Offset::Z) => text.push_str("+00:00"),
                Some(offset) => text.push_str(&offset.to_string()),
                None => {}
            }
            d.quote_string(&text)
        }
    }
}

pub(crate) fn add_enum_value<D: Dialect + ?Sized>(d: &D, op: &Operation) -> Result<Vec<Statement>> {
    let Operation::AddEnumValue {
        name,
        value,
        before,
        after,
    } = op
    else {
        return Ok(vec![]);
    };
    if !d.supports_enum_types() {
        return Ok(vec![]);
    }
    let mut sql = format!(
        "ALTER TYPE {} ADD VALUE {}",
        qualified(d, name),
        d.quote_string(value)
    );
    if let Some(b) = before {
        sql.push_str(&format!(" BEFORE {}", d.quote_string(b)));
    }
    if let Some(a) = after {
        sql.push_str(&format!(" AFTER {}", d.quote_string(a)));
    }
    Ok(vec![Statement::new(sql)])
}

/// `drop_enum_value` where enum types exist: PostgreSQL cannot remove an
/// enum value in place, so one `DO` block (dollar-quoted with a tag its
/// text does not hold, see [`dollar_tag`]) renames the type away, creates
/// it again with the other values (read from the catalog, in order),
/// converts every column of the old type (its default dropped and put
/// back), and drops the old type. CHECK constraints and partial or
/// expression indexes holding a constant of the type (`status <> 'x'`,
/// `WHERE status = 'a'`) are dropped before the conversion and made again
/// after it, their constants cast to the new type (one that names the
/// dropped value then fails to be made again, naming it). A row that holds
/// the value makes the conversion fail, and the revision's transaction
/// rolls back. Columns
/// that hold arrays of the type are not converted (the drop then fails,
/// naming them).
pub(crate) fn drop_enum_value<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
) -> Result<Vec<Statement>> {
    let Operation::DropEnumValue { name, value, .. } = op else {
        return Ok(vec![]);
    };
    if !d.supports_enum_types() {
        return Ok(vec![]);
    }
    let new_type = qualified(d, name);
    let old_name = format!("{}__retort_old", name.name);
    let old_type = qualified(
        d,
        &TableName {
            schema: name.schema.clone(),
            name: old_name.clone(),
        },
    );
    // SQL text inside the block's string literals.
    let lit = |s: &str| d.quote_string(s);
    let body = format!(
        "
DECLARE
    enum_oid oid := {type_lit}::regtype::oid;
    labels text;
    col record;
    dep record;
    old_text text;
    saved text[] := '{{}}';
    stmt text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = enum_oid AND enumlabel = {value}) THEN
        RAISE EXCEPTION 'enum type % has no value %', {type_lit}, {value};
    END IF;
    SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) INTO labels
        FROM pg_enum WHERE enumtypid = enum_oid AND enumlabel <> {value};
    EXECUTE {rename};
    old_text := enum_oid::regtype::text;
    EXECUTE format({create}, labels);
    -- CHECK constraints and partial or expression indexes that hold a
    -- constant of the type: ALTER COLUMN TYPE cannot rebuild them (the new
    -- type has no operators with the old one), so they are dropped here
    -- and made again after the columns, their constants cast to the new type.
    FOR dep IN
        SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', con.conrelid::regclass::text, con.conname) AS drop_sql,
               format('ALTER TABLE %s ADD CONSTRAINT %I %s', con.conrelid::regclass::text, con.conname,
                      pg_get_constraintdef(con.oid)) AS create_sql
        FROM pg_constraint con
        WHERE con.contype = 'c' AND (
            EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_constraint'::regclass
                    AND d.objid = con.oid AND d.refclassid = 'pg_type'::regclass AND d.refobjid = enum_oid)
            OR strpos(pg_get_constraintdef(con.oid), '::' || old_text) > 0)
        UNION ALL
        SELECT format('DROP INDEX %s', i.indexrelid::regclass::text), pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid) AND (
            EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = i.indexrelid AND d.refclassid = 'pg_type'::regclass AND d.refobjid = enum_oid)
            OR strpos(pg_get_indexdef(i.indexrelid), '::' || old_text) > 0)
    LOOP
        EXECUTE dep.drop_sql;
        saved := saved || dep.create_sql;
    END LOOP;
    FOR col IN
        SELECT a.attrelid::regclass::text AS tab, quote_ident(a.attname) AS name,
               pg_get_expr(ad.adbin, ad.adrelid) AS dflt
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.atttypid = enum_oid AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        IF col.dflt IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT', col.tab, col.name);
        END IF;
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::text::%s',
            col.tab, col.name, {new_lit}, col.name, {new_lit});
        IF col.dflt IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s', col.tab, col.name,
                replace(col.dflt, '::' || enum_oid::regtype::text, '::' || {new_lit}));
        END IF;
    END LOOP;
    FOREACH stmt IN ARRAY saved LOOP
        EXECUTE replace(stmt, '::' || old_text, '::' || {new_lit});
    END LOOP;
    EXECUTE {drop};
END
",
        type_lit = lit(&new_type),
        value = lit(value),
        rename = lit(&format!(
            "ALTER TYPE {new_type} RENAME TO {}",
            d.quote_identifier(&old_name)
        )),
        create = lit(&format!("CREATE TYPE {new_type} AS ENUM (%s)")),
        new_lit = lit(&new_type),
        drop = lit(&format!("DROP TYPE {old_type}")),
    );
    let tag = dollar_tag(&body);
    Ok(vec![Statement::new(format!("DO {tag}{body}{tag}"))])
}

/// A dollar-quote tag that does not occur in `body`: `$retort$`, else
/// `$retort_1$`, `$retort_2$`, ... The body holds the enum's name and the
/// dropped value, which may hold any text; the first occurrence of the tag
/// would end the block there.
fn dollar_tag(body: &str) -> String {
    std::iter::once("$retort$".to_owned())
        .chain((1usize..).map(|n| format!("$retort_{n}$")))
        .find(|tag| !body.contains(tag.as_str()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dollar_tag_is_one_the_body_does_not_hold() {
        assert_eq!(dollar_tag("SELECT 1"), "$retort$");
        assert_eq!(dollar_tag("'a$retort$b'"), "$retort_1$");
        assert_eq!(dollar_tag("'$retort$ $retort_1$'"), "$retort_2$");
    }
}
