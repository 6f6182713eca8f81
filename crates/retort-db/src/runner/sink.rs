//! Where the executor's SQL goes: a live database, or an offline script.
//! The executor (`execute`) decides what is sent and in which transactions;
//! a sink only delivers it, so `--sql` prints exactly what an online run
//! sends (Alembic's `DefaultImpl._exec`).

use crate::connection::Connection;
use crate::error::DbError;
use crate::url::DialectName;

/// The receiver of a run's SQL.
pub(crate) trait Sink {
    /// The dialect the SQL is written in.
    fn dialect(&self) -> DialectName;

    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), DbError>;

    /// Commits it.
    fn commit(&mut self) -> Result<(), DbError>;

    /// A comment (`-- Running upgrade a -> b`): written to a script,
    /// nothing online.
    fn comment(&mut self, text: &str) -> Result<(), DbError>;

    /// Runs (or writes) one statement; online, how many rows it changed.
    fn statement(&mut self, sql: &str) -> Result<Option<u64>, DbError>;

    /// Runs several statements in one round trip (or writes them one by
    /// one); online, how many rows they changed in all.
    fn batch(&mut self, statements: &[String]) -> Result<Option<u64>, DbError> {
        let mut total = Some(0);
        for sql in statements {
            let changed = self.statement(sql)?;
            total = total.zip(changed).map(|(a, b)| a + b);
        }
        Ok(total)
    }

    /// The live connection, for what only an online run does: reading a
    /// table to rebuild it, recording progress, undoing after a failure.
    fn connection(&mut self) -> Option<&mut dyn Connection>;
}

/// A live database.
pub(crate) struct Online<'a> {
    /// The connection, locked by the caller.
    pub conn: &'a mut dyn Connection,
}

impl Sink for Online<'_> {
    fn dialect(&self) -> DialectName {
        self.conn.dialect()
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.conn.begin()
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.conn.commit()
    }

    fn comment(&mut self, _text: &str) -> Result<(), DbError> {
        Ok(())
    }

    fn statement(&mut self, sql: &str) -> Result<Option<u64>, DbError> {
        self.conn.execute(sql).map(Some)
    }

    fn batch(&mut self, statements: &[String]) -> Result<Option<u64>, DbError> {
        self.conn.execute(&statements.join(";\n")).map(Some)
    }

    fn connection(&mut self) -> Option<&mut dyn Connection> {
        Some(&mut *self.conn)
    }
}

/// An offline script, kept in memory until all of it is rendered.
pub(crate) struct Script<'a> {
    /// The script so far.
    pub out: &'a mut Vec<u8>,
    /// Its dialect.
    pub dialect: DialectName,
}

impl Script<'_> {
    fn line(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.out.extend_from_slice(b"\n\n");
    }
}

impl Sink for Script<'_> {
    fn dialect(&self) -> DialectName {
        self.dialect
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.line("BEGIN;");
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.line("COMMIT;");
        Ok(())
    }

    fn comment(&mut self, text: &str) -> Result<(), DbError> {
        self.line(&format!("-- {text}"));
        Ok(())
    }

    fn statement(&mut self, sql: &str) -> Result<Option<u64>, DbError> {
        if self.dialect == DialectName::Mysql && sql.contains(';') {
            // The mysql client splits at `;`; a routine or trigger body
            // holds several, so the statement ends with another delimiter.
            self.line(&format!("DELIMITER $$\n{sql}$$\nDELIMITER ;"));
        } else {
            self.line(&format!("{sql};"));
        }
        Ok(None)
    }

    fn connection(&mut self) -> Option<&mut dyn Connection> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(dialect: DialectName, sql: &str) -> String {
        let mut out = Vec::new();
        let mut script = Script {
            out: &mut out,
            dialect,
        };
        script.statement(sql).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A statement that must run outside a transaction ends the script's
    /// transaction before it and begins another after it, as psql needs
    /// (Alembic's `autocommit_block` offline); others are written as ever.
    #[test]
    fn a_statement_outside_a_transaction_is_wrapped_in_commit_and_begin() {
        use retort_core::Statement;
        let mut out = Vec::new();
        let mut script = Script {
            out: &mut out,
            dialect: DialectName::Postgresql,
        };
        let build =
            Statement::outside_transaction(r#"CREATE INDEX CONCURRENTLY "ix" ON "t" ("a")"#);
        let plain = Statement::new(r#"CREATE INDEX "iy" ON "t" ("b")"#);
        script.begin().unwrap();
        super::super::journal::outside_or_in(&mut script, &plain, true).unwrap();
        super::super::journal::outside_or_in(&mut script, &build, true).unwrap();
        script.commit().unwrap();
        // Outside any transaction already (none open): as written.
        super::super::journal::outside_or_in(&mut script, &build, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "BEGIN;\n\nCREATE INDEX \"iy\" ON \"t\" (\"b\");\n\nCOMMIT;\n\n\
             CREATE INDEX CONCURRENTLY \"ix\" ON \"t\" (\"a\");\n\nBEGIN;\n\nCOMMIT;\n\n\
             CREATE INDEX CONCURRENTLY \"ix\" ON \"t\" (\"a\");\n\n"
        );
    }

    #[test]
    fn a_mysql_body_with_semicolons_is_delimited_for_the_client() {
        let body = "CREATE PROCEDURE p() BEGIN\n  DELETE FROM t;\nEND";
        assert_eq!(
            written(DialectName::Mysql, body),
            format!("DELIMITER $$\n{body}$$\nDELIMITER ;\n\n")
        );
        assert_eq!(
            written(DialectName::Mysql, "DROP PROCEDURE `p`"),
            "DROP PROCEDURE `p`;\n\n"
        );
        // psql and sqlite3 read bodies whole: no delimiter there.
        let function = "CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$SELECT 1;$$";
        assert_eq!(
            written(DialectName::Postgresql, function),
            format!("{function};\n\n")
        );
    }
}
