//! MySQL/MariaDB: the models run in a database of their own, created on
//! the server (the live one, or `dev_url`'s) and dropped afterwards.
//!
//! The database is named `retort_scratch_<connection id>_<unique>` and made
//! current with `USE` on the same connection, so unqualified names land in
//! it; the connection's own database is made current again afterwards. A
//! run killed midway leaves its database behind: the next run drops every
//! `retort_scratch_<id>_...` whose connection `<id>` is no longer on the
//! server's process list. `DEFINER=` clauses are removed (creating an
//! object for another user needs a privilege the user may not have; the
//! inspector leaves definers out of the comparison anyway).

use retort_core::schema::Schema;

use super::{Located, ScratchError, run_deferring, unique_suffix};
use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::{InspectOptions, inspect_schema};
use crate::quote::ident;
use crate::url::DialectName;

/// The prefix of every scratch database's name.
pub const SCRATCH_PREFIX: &str = "retort_scratch_";

/// Runs `statements` in a scratch database on `conn`'s server and reads it
/// back; the database is dropped whatever happens.
pub(super) fn read(
    conn: &mut dyn Connection,
    statements: &[Located<'_>],
    options: &InspectOptions,
    selected: &[String],
) -> Result<Schema, ScratchError> {
    let row = conn
        .query_strings("SELECT DATABASE(), CONNECTION_ID()")?
        .into_iter()
        .next()
        .unwrap_or_default();
    let cell = |i: usize| row.get(i).cloned().flatten();
    let current = cell(0);
    let id = cell(1).unwrap_or_default();
    drop_leftovers(conn)?;
    let name = format!("{SCRATCH_PREFIX}{id}_{}", unique_suffix());
    let quoted = ident(DialectName::Mysql, &name);
    if let Err(e) = conn.execute(&format!("CREATE DATABASE {quoted}")) {
        return Err(privilege(conn, e));
    }
    let result = (|| -> Result<Schema, ScratchError> {
        conn.execute(&format!("USE {quoted}"))?;
        // A key may name a table declared further down, as mysqldump
        // writes them with the checks off.
        conn.execute("SET SESSION foreign_key_checks = 0")?;
        let texts = statements.iter().map(|located| {
            let mut sql = without_definer(&without_comments(&located.statement.text));
            for db in selected {
                sql = requalify(&sql, db, &name);
            }
            (located, sql)
        });
        let ran = run_deferring(DialectName::Mysql, texts, |sql| conn.execute(sql).map(drop));
        conn.execute("SET SESSION foreign_key_checks = 1")?;
        ran?;
        Ok(inspect_schema(conn, options)?)
    })();
    let restored = match &current {
        Some(db) => conn.execute(&format!("USE {}", ident(DialectName::Mysql, db))),
        None => Ok(0),
    };
    let dropped = conn.execute(&format!("DROP DATABASE IF EXISTS {quoted}"));
    let schema = result?;
    restored?;
    dropped?;
    Ok(schema)
}

/// A failed `CREATE DATABASE`: for want of a privilege, an error that says
/// what to grant or to set `dev_url`.
fn privilege(conn: &dyn Connection, error: DbError) -> ScratchError {
    match error {
        DbError::Statement { reason, .. } => ScratchError::Privilege {
            url: conn.url().to_string(),
            reason,
            prefix: SCRATCH_PREFIX,
        },
        other => ScratchError::Db(other),
    }
}

/// Drops the scratch databases of runs whose connection is gone.
pub(super) fn drop_leftovers(conn: &mut dyn Connection) -> Result<(), DbError> {
    let names = conn.query_column(&format!(
        "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '{}%'",
        SCRATCH_PREFIX.replace('_', "\\_")
    ))?;
    for name in names {
        let Some(id) = name
            .strip_prefix(SCRATCH_PREFIX)
            .and_then(|rest| rest.split('_').next())
        else {
            continue;
        };
        if !conn.session_running(id)? {
            conn.execute(&format!(
                "DROP DATABASE IF EXISTS {}",
                ident(DialectName::Mysql, &name)
            ))?;
        }
    }
    Ok(())
}

/// `sql` without its comments, as the `mysql` client sends it (by default
/// it strips them): `# ...` and `-- ...` up to the end of the line (the
/// line break stays), `/* ... */` entirely; quoted text and the executable
/// `/*! ... */` comments are kept. A routine's body is stored as received,
/// so this makes the models' routines read back as a database loaded with
/// the client has them.
pub(crate) fn without_comments(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    if bytes[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'#' => {
                out.push_str(&sql[copied..i]);
                i = sql[i..].find('\n').map_or(sql.len(), |n| i + n);
                copied = i;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-')
                && bytes.get(i + 2).is_none_or(|b| b.is_ascii_whitespace()) =>
            {
                out.push_str(&sql[copied..i]);
                i = sql[i..].find('\n').map_or(sql.len(), |n| i + n);
                copied = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*')
                && !matches!(bytes.get(i + 2), Some(b'!') | Some(b'M')) =>
            {
                out.push_str(&sql[copied..i]);
                i = sql[i + 2..].find("*/").map_or(sql.len(), |n| i + 2 + n + 2);
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    out
}

/// `sql` with the qualifier `db.` (or `` `db`. ``) of the database a
/// dump selects with `USE` turned into the scratch database's.
pub(crate) fn requalify(sql: &str, db: &str, scratch: &str) -> String {
    let bytes = sql.as_bytes();
    let quoted = format!("`{db}`.");
    let plain = format!("{db}.");
    let mut out = String::with_capacity(sql.len() + 32);
    let mut i = 0;
    while i < sql.len() {
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'_' | b'$' | b'`'));
        let rest = &sql[i..];
        if boundary && rest.starts_with(&quoted) {
            out.push_str(&format!("`{scratch}`."));
            i += quoted.len();
        } else if boundary && rest.starts_with(&plain) {
            out.push_str(&format!("`{scratch}`."));
            i += plain.len();
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `sql` without its `DEFINER = user@host` clause, written plainly or
/// inside an executable comment (`/*!50017 DEFINER=...*/`).
pub(crate) fn without_definer(sql: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    let Some(at) = upper.find("DEFINER") else {
        return sql.to_owned();
    };
    // Only the clause: `DEFINER` followed by `=`.
    let after = &sql[at + "DEFINER".len()..];
    let Some(eq) = after.trim_start().strip_prefix('=') else {
        return sql.to_owned();
    };
    let value = eq.trim_start();
    let consumed_ws = after.len() - after.trim_start().len() + 1 + (eq.len() - value.len());
    let end = definer_value_len(value);
    let start_clause = at;
    let end_clause = at + "DEFINER".len() + consumed_ws + end;
    let mut out = String::with_capacity(sql.len());
    out.push_str(&sql[..start_clause]);
    out.push_str(&sql[end_clause..]);
    without_definer(&out)
}

/// The length of `user@host` (each part quoted with `` ` ``, `'`, `"`, or
/// bare; or `CURRENT_USER[()]`) at the start of `text`.
fn definer_value_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    let part = |i: &mut usize| {
        if let Some(&q) = bytes.get(*i).filter(|b| matches!(b, b'`' | b'\'' | b'"')) {
            *i += 1;
            while *i < bytes.len() && bytes[*i] != q {
                *i += 1;
            }
            *i = (*i + 1).min(bytes.len());
        } else {
            while *i < bytes.len()
                && (bytes[*i].is_ascii_alphanumeric()
                    || matches!(bytes[*i], b'_' | b'.' | b'%' | b'(' | b')'))
            {
                *i += 1;
            }
        }
    };
    part(&mut i);
    if bytes.get(i) == Some(&b'@') {
        i += 1;
        part(&mut i);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_database_is_the_scratch_one() {
        assert_eq!(
            requalify(
                "SELECT * FROM sakila.film f JOIN `sakila`.actor, mysakila.x",
                "sakila",
                "s1"
            ),
            "SELECT * FROM `s1`.film f JOIN `s1`.actor, mysakila.x"
        );
    }

    #[test]
    fn comments_go_as_the_client_strips_them() {
        assert_eq!(
            without_comments(
                "BEGIN\n  # hash\n  SELECT 1; -- dash\n  /* block\n x */ SELECT 2;\n  SELECT \"a -- b # c\" /*!50003 kept */;\nEND"
            ),
            "BEGIN\n  \n  SELECT 1; \n   SELECT 2;\n  SELECT \"a -- b # c\" /*!50003 kept */;\nEND"
        );
    }

    #[test]
    fn definers_are_removed() {
        assert_eq!(
            without_definer(
                "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t"
            ),
            "/*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER t"
        );
        assert_eq!(
            without_definer("CREATE DEFINER = 'app'@'%' SQL SECURITY DEFINER VIEW v AS SELECT 1"),
            "CREATE  SQL SECURITY DEFINER VIEW v AS SELECT 1"
        );
        assert_eq!(
            without_definer("CREATE DEFINER=CURRENT_USER() PROCEDURE p() SELECT 1"),
            "CREATE  PROCEDURE p() SELECT 1"
        );
    }
}
