//! PostgreSQL: the models run in a schema of their own, created inside a
//! transaction that is always rolled back.
//!
//! The schema is named `retort_scratch_<unique>` and put first on the
//! transaction's `search_path`, so unqualified names land in it; the
//! default schema's qualifier the dump tools write (`public.actor`,
//! `'public.actor_actor_id_seq'::regclass`) is rewritten to it. What the
//! inspector reads back from it is reported as the default schema's:
//! unqualified, with the scratch schema's name removed from definitions.
//! `CREATE INDEX CONCURRENTLY` cannot run in a transaction and is run
//! without `CONCURRENTLY` (the index is the same). The types and functions
//! an extension installed in the default schema keep their qualifier
//! (`public.citext`, `public.uuid_generate_v4()`): extensions belong to
//! the whole database, so the models' `CREATE EXTENSION IF NOT EXISTS
//! ... WITH SCHEMA public` does nothing when the extension is there, and
//! its objects are found where they are.

use retort_core::schema::Schema;

use super::{Located, ScratchError, run_deferring, unique_suffix};
use crate::connection::Connection;
use crate::inspect::{InspectOptions, inspect_schema};
use crate::quote::ident;
use crate::url::DialectName;

/// Runs `statements` in a scratch schema of `conn`'s database and reads it
/// back; the transaction is rolled back whatever happens.
pub(super) fn read(
    conn: &mut dyn Connection,
    statements: &[Located<'_>],
    options: &InspectOptions,
    live: &mut Schema,
    included: &[String],
) -> Result<Schema, ScratchError> {
    let default = conn
        .query_column("SELECT current_schema()")?
        .into_iter()
        .next()
        .unwrap_or_else(|| "public".to_owned());
    let scratch = format!("retort_scratch_{}", unique_suffix());
    conn.begin()?;
    // The other schemas compared (`include_schemas`) get scratch twins.
    let twins: Vec<(String, String)> = included
        .iter()
        .filter(|s| **s != default)
        .enumerate()
        .map(|(i, s)| (s.clone(), format!("{scratch}_{i}")))
        .collect();
    let result = run(conn, statements, options, &default, &scratch, live, &twins);
    let rolled_back = conn.rollback();
    let schema = result?;
    rolled_back?;
    Ok(schema)
}

fn run(
    conn: &mut dyn Connection,
    statements: &[Located<'_>],
    options: &InspectOptions,
    default: &str,
    scratch: &str,
    live: &mut Schema,
    twins: &[(String, String)],
) -> Result<Schema, ScratchError> {
    let quoted = ident(DialectName::Postgresql, scratch);
    conn.execute(&format!("CREATE SCHEMA {quoted}"))?;
    for (_, twin) in twins {
        conn.execute(&format!(
            "CREATE SCHEMA {}",
            ident(DialectName::Postgresql, twin)
        ))?;
    }
    conn.execute(&format!(
        "SELECT pg_catalog.set_config('search_path', '{quoted}, ' || pg_catalog.current_setting('search_path'), true)"
    ))?;
    // As pg_dump sets it: a function's body may name what is made later.
    conn.execute("SET LOCAL check_function_bodies = off")?;
    let kept = conn.query_column(&extension_objects(default))?;
    run_batched(conn, statements, default, scratch, twins, &kept)?;
    let mut inspect = options.clone();
    inspect.schema = Some(scratch.to_owned());
    let mut schema = inspect_schema(conn, &inspect)?;
    for (name, twin) in twins {
        let mut more = inspect_schema(conn, &options.clone().schema(twin.clone()))?;
        for t in &mut more.tables {
            t.name.schema = Some(name.clone());
            for fk in &mut t.foreign_keys {
                // Keys to the twin's own tables come without a schema.
                if fk.referent_table.schema.is_none() {
                    fk.referent_table.schema = Some(twin.clone());
                }
            }
        }
        schema.tables.extend(more.tables);
        for mut e in more.enums {
            e.schema = Some(name.clone());
            schema.enums.push(e);
        }
    }
    unqualify(&mut schema, scratch);
    for table in &mut schema.tables {
        for fk in &mut table.foreign_keys {
            if let Some((name, _)) = twins
                .iter()
                .find(|(_, twin)| fk.referent_table.schema.as_deref() == Some(twin.as_str()))
            {
                fk.referent_table.schema = Some(name.clone());
            }
        }
    }
    canonical_checks(conn, scratch, &mut schema, live)?;
    Ok(schema)
}

/// How many statements of the models go to the server in one round trip.
const BATCH: usize = 500;

/// Runs the statements [`BATCH`] at a time (one simple-query round trip
/// each, a savepoint before it); when a batch fails, it is rolled back to
/// its savepoint and run again one statement at a time, so that the error
/// names the statement the server refused.
fn run_batched(
    conn: &mut dyn Connection,
    statements: &[Located<'_>],
    default: &str,
    scratch: &str,
    twins: &[(String, String)],
    kept: &[String],
) -> Result<(), ScratchError> {
    let mut deferred = Vec::new();
    for chunk in statements.chunks(BATCH) {
        let texts: Vec<String> = chunk
            .iter()
            .map(|l| {
                let mut sql = rewrite(&l.statement.text, default, scratch, kept);
                for (name, twin) in twins {
                    sql = rewrite(&sql, name, twin, &[]);
                }
                sql
            })
            .collect();
        conn.execute("SAVEPOINT retort_scratch_batch")?;
        if conn.execute(&texts.join("\n;\n")).is_ok() {
            conn.execute("RELEASE SAVEPOINT retort_scratch_batch")?;
            continue;
        }
        conn.execute("ROLLBACK TO SAVEPOINT retort_scratch_batch")?;
        deferred.extend(chunk.iter().zip(texts));
    }
    // The statements of failed batches, one at a time, each under a
    // savepoint of its own so that a refused one leaves no trace.
    run_deferring(DialectName::Postgresql, deferred, |sql| {
        conn.execute("SAVEPOINT retort_scratch_one")?;
        match conn.execute(sql) {
            Ok(_) => conn
                .execute("RELEASE SAVEPOINT retort_scratch_one")
                .map(drop),
            Err(e) => {
                conn.execute("ROLLBACK TO SAVEPOINT retort_scratch_one")?;
                Err(e)
            }
        }
    })
}

/// How many times a condition is given back to PostgreSQL at most: the
/// text it writes back for a condition is not always the text it writes
/// back for that text (`a IN ('x')` becomes `a = ANY ((ARRAY[...])::text[])`,
/// which becomes `a = ANY (ARRAY[(...)::text])`), but it settles after two.
const CANONICAL_ROUNDS: usize = 3;

/// Rewrites the CHECK conditions of both schemas into the form PostgreSQL
/// settles on, so that a condition and PostgreSQL's own rewriting of it
/// compare equal: each is added (`NOT VALID`, nothing is scanned) to the
/// scratch schema's table of the same name and read back, until the text
/// no longer changes. A condition the scratch table cannot take (a column
/// it lacks) is left as it is.
fn canonical_checks(
    conn: &mut dyn Connection,
    scratch: &str,
    models: &mut Schema,
    live: &mut Schema,
) -> Result<(), ScratchError> {
    let tables: std::collections::BTreeSet<String> = models
        .tables
        .iter()
        .filter(|t| t.name.schema.is_none())
        .map(|t| t.name.name.clone())
        .collect();
    // (table, condition) pairs to settle, and what each became.
    let mut settled: std::collections::BTreeMap<(String, String), String> = Default::default();
    for schema in [&*models, &*live] {
        for table in schema.tables.iter().filter(|t| t.name.schema.is_none()) {
            if !tables.contains(&table.name.name) {
                continue;
            }
            for check in &table.checks {
                let key = (table.name.name.clone(), check.condition.clone());
                settled.insert(key, check.condition.clone());
            }
        }
    }
    if settled.is_empty() {
        return Ok(());
    }
    let keys: Vec<(String, String)> = settled.keys().cloned().collect();
    for round in 0..CANONICAL_ROUNDS {
        let mut body = String::new();
        for (i, (table, _)) in keys.iter().enumerate() {
            let condition = &settled[&keys[i]];
            let alter = format!(
                "ALTER TABLE {}.{} ADD CONSTRAINT {} CHECK ({condition}) NOT VALID",
                ident(DialectName::Postgresql, scratch),
                ident(DialectName::Postgresql, table),
                ident(
                    DialectName::Postgresql,
                    &format!("retort_canon_{round}_{i}")
                ),
            );
            body.push_str(&format!(
                "BEGIN EXECUTE {}; EXCEPTION WHEN OTHERS THEN NULL; END;\n",
                crate::quote::literal(DialectName::Postgresql, &alter)
            ));
        }
        conn.execute(&format!(
            "DO $retort_canon$ BEGIN\n{body}END $retort_canon$"
        ))?;
        let rows = conn.query_strings(&format!(
            "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid) \
             FROM pg_catalog.pg_constraint con \
             JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace \
             WHERE n.nspname = {} AND con.conname LIKE 'retort\\_canon\\_{round}\\_%'",
            crate::quote::literal(DialectName::Postgresql, scratch)
        ))?;
        let mut changed = false;
        for row in rows {
            let (Some(Some(name)), Some(Some(def))) = (row.first(), row.get(1)) else {
                continue;
            };
            let Some(i) = name
                .rsplit('_')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            let (Some(key), Some(condition)) = (
                keys.get(i),
                crate::inspect::postgres::pg_check_condition(def),
            ) else {
                continue;
            };
            if settled[key] != condition {
                changed = true;
                settled.insert(key.clone(), condition);
            }
        }
        if !changed {
            break;
        }
    }
    for schema in [models, live] {
        for table in schema.tables.iter_mut().filter(|t| t.name.schema.is_none()) {
            let name = table.name.name.clone();
            for check in &mut table.checks {
                if let Some(c) = settled.get(&(name.clone(), check.condition.clone())) {
                    check.condition = c.clone();
                }
            }
        }
    }
    Ok(())
}

/// The names of the types, functions and operator classes that extensions
/// installed in the schema `default` (`citext`, `uuid_generate_v4`,
/// `gin_trgm_ops`), lower case.
fn extension_objects(default: &str) -> String {
    let schema = crate::quote::literal(DialectName::Postgresql, default);
    format!(
        "SELECT t.typname::text FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_type'::regclass \
             AND d.objid = t.oid AND d.deptype = 'e' \
         WHERE t.typnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = {schema}) \
         UNION SELECT p.proname::text FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass \
             AND d.objid = p.oid AND d.deptype = 'e' \
         WHERE p.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = {schema}) \
         UNION SELECT o.opcname::text FROM pg_catalog.pg_opclass o \
         JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_opclass'::regclass \
             AND d.objid = o.oid AND d.deptype = 'e' \
         WHERE o.opcnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = {schema})"
    )
}

/// `sql` with the default schema's qualifier (`public.`, `"public".`,
/// also inside string literals such as `'public.seq'::regclass`) turned
/// into the scratch schema's, but not before a name of `kept` (an
/// extension's object), and `CONCURRENTLY` dropped from `CREATE INDEX`.
pub(crate) fn rewrite(sql: &str, default: &str, scratch: &str, kept: &[String]) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let bytes = sql.as_bytes();
    let plain = format!("{default}.");
    let quoted = format!("\"{default}\".");
    // The name after the qualifier at `at`, unquoted and lower-cased as
    // PostgreSQL folds it.
    let kept_at = |at: usize| {
        let rest = &sql[at..];
        let name = match rest.strip_prefix('"') {
            Some(q) => q.split('"').next().unwrap_or("").to_owned(),
            None => rest
                .bytes()
                .take_while(|b| is_ident_byte(*b))
                .map(|b| b.to_ascii_lowercase() as char)
                .collect(),
        };
        kept.contains(&name)
    };
    let words: Vec<String> = sql
        .split_whitespace()
        .take(2)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    if words == ["CREATE", "EXTENSION"] {
        return extension_into(sql, default, scratch);
    }
    let mut i = 0;
    while i < sql.len() {
        let rest = &sql[i..];
        let boundary = i == 0 || !is_ident_byte(bytes[i - 1]) && bytes[i - 1] != b'"';
        if boundary && rest.starts_with(&quoted) && !kept_at(i + quoted.len()) {
            out.push_str(&format!("\"{scratch}\"."));
            i += quoted.len();
        } else if boundary && starts_with_word(rest, &plain) && !kept_at(i + plain.len()) {
            out.push_str(scratch);
            out.push('.');
            i += plain.len();
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    drop_concurrently(&out)
}

/// `CREATE EXTENSION ... [WITH] SCHEMA <default>` made `... SCHEMA
/// <scratch>`, so that an extension the database lacks is made where the
/// models' `<default>.` qualifiers now point (one the database has is
/// left where it is by `IF NOT EXISTS`, and its objects are kept).
fn extension_into(sql: &str, default: &str, scratch: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut after_schema = false;
    for word in sql.split_whitespace() {
        let bare = word.trim_end_matches(';');
        if after_schema && (bare.eq_ignore_ascii_case(default) || bare == format!("\"{default}\""))
        {
            out.push(word.replacen(bare, &format!("\"{scratch}\""), 1));
        } else {
            out.push(word.to_owned());
        }
        after_schema = word.eq_ignore_ascii_case("SCHEMA");
    }
    out.join(" ")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// `text` starts with `word` (ASCII, case-insensitive: unquoted names
/// fold to lower case).
fn starts_with_word(text: &str, word: &str) -> bool {
    text.len() >= word.len() && text.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// `CREATE [UNIQUE] INDEX CONCURRENTLY` without `CONCURRENTLY`.
fn drop_concurrently(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(4).collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let is_index = upper.first().is_some_and(|w| w == "CREATE")
        && upper.iter().any(|w| w == "INDEX")
        && upper.iter().any(|w| w == "CONCURRENTLY");
    if !is_index {
        return sql.to_owned();
    }
    match sql.to_ascii_uppercase().find("CONCURRENTLY") {
        Some(at) => format!("{}{}", &sql[..at], &sql[at + "CONCURRENTLY".len()..]),
        None => sql.to_owned(),
    }
}

/// The scratch schema's objects as the default schema's: unqualified.
fn unqualify(schema: &mut Schema, scratch: &str) {
    let is_scratch = |s: &Option<String>| s.as_deref() == Some(scratch);
    for table in &mut schema.tables {
        if is_scratch(&table.name.schema) {
            table.name.schema = None;
        }
        for fk in &mut table.foreign_keys {
            if is_scratch(&fk.referent_table.schema) {
                fk.referent_table.schema = None;
            }
        }
    }
    for e in &mut schema.enums {
        if is_scratch(&e.schema) {
            e.schema = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_the_default_schema_qualifier_only() {
        let got = rewrite(
            "CREATE TABLE public.t (a int DEFAULT nextval('public.s'::regclass), b \"public\".mood, c mypublic.x);",
            "public",
            "retort_scratch_1",
            &[],
        );
        assert_eq!(
            got,
            "CREATE TABLE retort_scratch_1.t (a int DEFAULT nextval('retort_scratch_1.s'::regclass), b \"retort_scratch_1\".mood, c mypublic.x);"
        );
        assert_eq!(
            rewrite("CREATE INDEX CONCURRENTLY ix ON t (a)", "public", "s", &[]),
            "CREATE INDEX  ix ON t (a)"
        );
    }

    #[test]
    fn an_extensions_objects_keep_their_qualifier() {
        let kept = ["citext".to_owned(), "uuid_generate_v4".to_owned()];
        assert_eq!(
            rewrite(
                "CREATE TABLE public.u (e public.citext, \"f\" \"public\".\"citext\"[], id uuid DEFAULT public.UUID_GENERATE_V4(), n public.citext_ish)",
                "public",
                "s",
                &kept,
            ),
            "CREATE TABLE s.u (e public.citext, \"f\" \"public\".\"citext\"[], id uuid DEFAULT public.UUID_GENERATE_V4(), n s.citext_ish)"
        );
        assert_eq!(
            rewrite(
                "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public",
                "public",
                "s",
                &[]
            ),
            "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA \"s\""
        );
    }
}
