//! Column types (SPEC section 3.2), written as SQL text in revision files.
//!
//! [`ColumnType::parse`] reads the portable names (`integer`, `varchar(255)`,
//! `numeric(10,2)`, `enum('a','b')`, ...) case-insensitively; any other text
//! is kept as [`ColumnType::Other`] and passed to the database as written,
//! and `verbatim(...)` is [`ColumnType::Verbatim`]. Each dialect maps the
//! portable types to its natural type (`Dialect::render_type`).
//! [`fmt::Display`] writes the canonical text, which parses back to the same
//! value.
//!
//! Which names are database types at all is [`names`]: a revision file's
//! type whose name no supported database knows (a typo such as `integr`)
//! is refused when the file is loaded ([`names::check_known`]), unless it is
//! marked `verbatim(...)`; and a type of one database rendered for another
//! (`jsonb` on MySQL) is refused when rendered.

pub mod names;
mod parse;

use std::fmt;

use parse::{closing_paren, number, parse_enum};

/// A column type, dialect-neutral.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// `integer`: a 32-bit integer.
    Integer,
    /// `bigint`: a 64-bit integer.
    BigInt,
    /// `smallint`: a 16-bit integer.
    SmallInt,
    /// `varchar(n)`: a string of at most `n` characters (`varchar` alone has
    /// no length, which MySQL refuses).
    Varchar(Option<u32>),
    /// `text`: an unbounded string.
    Text,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// `datetime` or `timestamp`: a date and time without time zone.
    DateTime,
    /// `timestamptz`: a date and time with time zone.
    TimestampTz,
    /// `time`: a time of day without time zone.
    Time,
    /// `float`: a single-precision (or the dialect's default) float.
    Float,
    /// `double`: a double-precision float.
    Double,
    /// `numeric`, `numeric(p)` or `numeric(p,s)`: an exact decimal.
    Numeric {
        /// Total digits.
        precision: Option<u32>,
        /// Digits after the point (only with a precision).
        scale: Option<u32>,
    },
    /// `blob`: bytes.
    Blob,
    /// `json`.
    Json,
    /// `uuid`.
    Uuid,
    /// `enum('a','b')` or `enum(name, 'a','b')`: one of a list of strings. The
    /// optional first, unquoted argument names the type, which PostgreSQL
    /// needs (it must exist: `create_enum`).
    Enum {
        /// The type's name (PostgreSQL's `CREATE TYPE` name).
        name: Option<String>,
        /// The allowed values, in order.
        values: Vec<String>,
    },
    /// Any other type, written as the database spells it (`jsonb`,
    /// `character varying(20)`, `int unsigned`, `timestamp(6)`): passed
    /// through as written. From a revision file, its leading name must be
    /// one a supported database knows ([`names`]); read from a database or a
    /// models file, it may be any type that database has.
    Other(String),
    /// `verbatim(text)`: `text` passed through untouched to every database,
    /// unchecked: for a type no list knows (an extension's `citext`, a
    /// domain, a type of a newer server).
    Verbatim(String),
}

/// A type that looks like a portable type but is written wrongly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid column type {text:?}: {reason}")]
pub struct TypeError {
    /// The type text as written.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ColumnType {
    /// Parses a revision file's `type` field: [`ColumnType::parse`], but
    /// `""` is a column without a declared type (SQLite's `CREATE TABLE t
    /// (a, b)`), [`ColumnType::Other`] with empty text, which only SQLite
    /// takes.
    pub fn parse_field(text: &str) -> Result<ColumnType, TypeError> {
        if text.is_empty() {
            return Ok(ColumnType::Other(String::new()));
        }
        ColumnType::parse(text)
    }

    /// Parses the SQL text of a type. Portable names are recognised without
    /// regard to case; anything else is [`ColumnType::Other`].
    pub fn parse(text: &str) -> Result<ColumnType, TypeError> {
        let trimmed = text.trim();
        let err = |reason: &str| TypeError {
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        if trimmed.is_empty() {
            return Err(err("a type cannot be empty"));
        }
        let (name, args) = match trimmed.find('(') {
            Some(open) => {
                let name = trimmed[..open].trim();
                let portable = matches!(
                    name.to_ascii_lowercase().as_str(),
                    "varchar" | "numeric" | "enum" | "verbatim"
                );
                match closing_paren(trimmed, open) {
                    Some(close) if close + 1 == trimmed.len() => {
                        (name, Some(&trimmed[open + 1..close]))
                    }
                    // `varchar(20) character set utf8mb4`, `numeric(10,2)
                    // unsigned`: a database's spelling with clauses the
                    // portable type has no room for, kept as written.
                    Some(_) if name.eq_ignore_ascii_case("verbatim") => {
                        return Err(err(
                            "verbatim(...) must be the whole type; put everything inside, e.g. verbatim(citext COLLATE \"C\")",
                        ));
                    }
                    Some(_) => return Ok(ColumnType::Other(trimmed.to_owned())),
                    // An unclosed quote swallowed the `)`: the arguments'
                    // reader says which.
                    None if trimmed.ends_with(')') => {
                        (name, Some(&trimmed[open + 1..trimmed.len() - 1]))
                    }
                    None if portable => return Err(err("the parenthesis is not closed")),
                    None => (trimmed, None),
                }
            }
            None => (trimmed, None),
        };
        let lower = name.to_ascii_lowercase();
        let simple = match lower.as_str() {
            "integer" => Some(ColumnType::Integer),
            "bigint" => Some(ColumnType::BigInt),
            "smallint" => Some(ColumnType::SmallInt),
            "text" => Some(ColumnType::Text),
            "boolean" => Some(ColumnType::Boolean),
            "date" => Some(ColumnType::Date),
            "datetime" | "timestamp" => Some(ColumnType::DateTime),
            "timestamptz" => Some(ColumnType::TimestampTz),
            "time" => Some(ColumnType::Time),
            "float" => Some(ColumnType::Float),
            "double" => Some(ColumnType::Double),
            "blob" => Some(ColumnType::Blob),
            "json" => Some(ColumnType::Json),
            "uuid" => Some(ColumnType::Uuid),
            _ => None,
        };
        match (simple, args) {
            (Some(ty), None) => return Ok(ty),
            // `timestamp(6)`, `time(3)`, `int(11)`: a precision or display
            // width the portable type has no room for passes through
            // verbatim, as any other type does.
            (Some(_), Some(_)) => return Ok(ColumnType::Other(text.trim().to_owned())),
            (None, _) => {}
        }
        match (lower.as_str(), args) {
            ("varchar", None) => Ok(ColumnType::Varchar(None)),
            ("varchar", Some(a)) => {
                Ok(ColumnType::Varchar(Some(number(a).ok_or_else(|| {
                    err("the length must be a whole number, e.g. varchar(255)")
                })?)))
            }
            ("numeric", None) => Ok(ColumnType::Numeric {
                precision: None,
                scale: None,
            }),
            ("numeric", Some(a)) => {
                let bad = || {
                    err(
                        "write numeric(precision) or numeric(precision, scale), e.g. numeric(10, 2)",
                    )
                };
                let mut parts = a.split(',');
                let precision = parts.next().and_then(number).ok_or_else(bad)?;
                let scale = match parts.next() {
                    Some(s) => Some(number(s).ok_or_else(bad)?),
                    None => None,
                };
                if parts.next().is_some() {
                    return Err(bad());
                }
                Ok(ColumnType::Numeric {
                    precision: Some(precision),
                    scale,
                })
            }
            ("enum", Some(a)) => parse_enum(a).map_err(|reason| err(&reason)),
            ("enum", None) => Err(err("list the values, e.g. enum('draft', 'published')")),
            ("verbatim", Some(inner)) if !inner.trim().is_empty() => {
                Ok(ColumnType::Verbatim(inner.trim().to_owned()))
            }
            ("verbatim", _) => Err(err(
                "write the type inside the parentheses, e.g. verbatim(citext)",
            )),
            _ => Ok(ColumnType::Other(trimmed.to_owned())),
        }
    }

    /// True for the integer types, which can auto-increment.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::Integer | ColumnType::BigInt | ColumnType::SmallInt
        )
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Integer => f.write_str("integer"),
            ColumnType::BigInt => f.write_str("bigint"),
            ColumnType::SmallInt => f.write_str("smallint"),
            ColumnType::Varchar(None) => f.write_str("varchar"),
            ColumnType::Varchar(Some(n)) => write!(f, "varchar({n})"),
            ColumnType::Text => f.write_str("text"),
            ColumnType::Boolean => f.write_str("boolean"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::DateTime => f.write_str("datetime"),
            ColumnType::TimestampTz => f.write_str("timestamptz"),
            ColumnType::Time => f.write_str("time"),
            ColumnType::Float => f.write_str("float"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Numeric {
                precision: None, ..
            } => f.write_str("numeric"),
            ColumnType::Numeric {
                precision: Some(p),
                scale: None,
            } => write!(f, "numeric({p})"),
            ColumnType::Numeric {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "numeric({p}, {s})"),
            ColumnType::Blob => f.write_str("blob"),
            ColumnType::Json => f.write_str("json"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Enum { name, values } => {
                f.write_str("enum(")?;
                let mut parts: Vec<String> = name.iter().cloned().collect();
                parts.extend(
                    values
                        .iter()
                        .map(|v| format!("'{}'", v.replace('\'', "''"))),
                );
                write!(f, "{})", parts.join(", "))
            }
            ColumnType::Other(text) => f.write_str(text),
            ColumnType::Verbatim(text) => write!(f, "verbatim({text})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_names_parse_and_write_back() {
        for text in [
            "integer",
            "bigint",
            "smallint",
            "varchar",
            "varchar(255)",
            "text",
            "boolean",
            "date",
            "datetime",
            "timestamptz",
            "time",
            "float",
            "double",
            "numeric",
            "numeric(10)",
            "numeric(10, 2)",
            "blob",
            "json",
            "uuid",
            "enum('a', 'it''s')",
            "enum(mood, 'happy', 'sad')",
            "double precision",
            "character varying(20)",
            "int[]",
            "verbatim(citext)",
            "verbatim(geometry(Point, 4326))",
        ] {
            let ty = ColumnType::parse(text).unwrap();
            assert_eq!(ty.to_string(), text);
            assert_eq!(ColumnType::parse(&ty.to_string()).unwrap(), ty);
        }
    }

    #[test]
    fn aliases_and_case() {
        assert_eq!(
            ColumnType::parse("TIMESTAMP").unwrap(),
            ColumnType::DateTime
        );
        assert_eq!(
            ColumnType::parse("VarChar( 12 )").unwrap(),
            ColumnType::Varchar(Some(12))
        );
        assert_eq!(
            ColumnType::parse("NUMERIC(10,2)").unwrap(),
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(
            ColumnType::parse("mood").unwrap(),
            ColumnType::Other("mood".into())
        );
    }

    #[test]
    fn precisions_pass_through_verbatim() {
        for text in [
            "integer(4)",
            "timestamp(6)",
            "time(3)",
            "varchar(20) character set utf8mb4",
            "numeric(10,2) unsigned",
            "timestamp(6) with time zone",
        ] {
            assert_eq!(
                ColumnType::parse(text).unwrap(),
                ColumnType::Other(text.into())
            );
        }
    }

    #[test]
    fn bad_types_say_why() {
        for (text, needle) in [
            ("varchar(abc)", "whole number"),
            ("numeric(1,2,3)", "numeric(precision"),
            ("enum()", "at least one value"),
            ("enum", "list the values"),
            ("enum('a", "parenthesis is not closed"),
            ("enum('a)", "quote is not closed"),
            ("enum('a', b)", "quoted"),
            ("verbatim()", "inside the parentheses"),
            ("verbatim", "inside the parentheses"),
            ("verbatim(citext", "parenthesis is not closed"),
            ("verbatim(citext) x", "the whole type"),
            ("", "empty"),
        ] {
            let e = ColumnType::parse(text).unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }
}
