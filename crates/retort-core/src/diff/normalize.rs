//! The dialect hooks of the diff: how to see through the ways a database
//! reports a schema differently from how it was declared.
//!
//! Each method turns a fact into a *key*; two facts with the same key are
//! the same. The defaults handle what every database shares (case,
//! whitespace, quoting, redundant parentheses, the standard SQL type
//! synonyms); each dialect's `diff.rs` overrides only its own quirks.

use crate::dialect::Dialect;
use crate::schema::{ConstraintKind, ForeignKey, Index, Table};
use crate::types::ColumnType;

/// A dialect's normalisation hooks for the diff.
pub trait Normalizer {
    /// The dialect being compared for (its types and capabilities).
    fn dialect(&self) -> &dyn Dialect;

    /// A dialect-only type synonym: the canonical text for a type whose
    /// lower-case base name is `base` with arguments `args` (`"1"` in
    /// `tinyint(1)`), or `None` to keep the shared rules.
    fn type_alias(&self, _base: &str, _args: Option<&str>) -> Option<String> {
        None
    }

    /// The key two types are compared by: the dialect's own spelling of a
    /// portable type, normalised, with synonyms mapped to one name.
    fn type_key(&self, ty: &ColumnType) -> String {
        let text = self
            .dialect()
            .render_type(ty)
            .unwrap_or_else(|_| ty.to_string());
        type_text_key(&text, |base, args| self.type_alias(base, args))
    }

    /// The key a server default is compared by; `None` when the default is
    /// one the database adds by itself (and so the same as none).
    fn default_key(&self, sql: &str) -> Option<String> {
        default_key(sql)
    }

    /// The key a check condition or partial index condition is compared by.
    fn expression_key(&self, sql: &str) -> String {
        expression_key(sql)
    }

    /// The key a foreign key action is compared by: `NO ACTION` (the
    /// default) and none are the same.
    fn action_key(&self, action: Option<&str>) -> String {
        let a = action
            .map(|a| a.trim().to_ascii_uppercase())
            .unwrap_or_default();
        if a == "NO ACTION" { String::new() } else { a }
    }

    /// The name a new constraint gets when the target leaves it unnamed (a
    /// standalone `create_*` operation needs one, so that a later revision
    /// can drop it). The default: `pk_<table>`, `uq_<table>_<columns>`,
    /// `fk_<table>_<columns>_<referred table>`, `ck_<table>_<hash of the
    /// condition>`; a dialect may use the names its database would choose.
    fn default_constraint_name(
        &self,
        kind: ConstraintKind,
        table: &str,
        columns: &[String],
        referred: &str,
        condition: &str,
    ) -> String {
        default_constraint_name(kind, table, columns, referred, condition)
    }

    /// The name the database gives the `ordinal`-th (from 1) unnamed
    /// foreign key of `table`, in the order the keys are declared. By
    /// default [`default_constraint_name`](Normalizer::default_constraint_name),
    /// which does not depend on the order.
    fn default_foreign_key_name(&self, table: &str, fk: &ForeignKey, ordinal: usize) -> String {
        let _ = ordinal;
        self.default_constraint_name(
            ConstraintKind::ForeignKey,
            table,
            &fk.columns,
            &fk.referent_table.name,
            "",
        )
    }

    /// True when the database needs an index on a foreign key's columns
    /// and makes one by itself (MySQL's InnoDB), keeping it when the key is
    /// dropped: the diff then creates and drops that index explicitly, so
    /// a downgrade leaves no index behind.
    fn foreign_keys_need_index(&self) -> bool {
        false
    }

    /// True for an index name the database made up for a constraint's own
    /// index (SQLite's `sqlite_autoindex_*`).
    fn is_generated_index_name(&self, _name: &str) -> bool {
        false
    }

    /// True for a live index that exists only because of a constraint: one
    /// with a generated name, or a unique index that is a unique
    /// constraint's or the primary key's own index.
    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        is_implicit_index(self, table, index)
    }
}

/// The portable default names of unnamed constraints: `pk_<table>`,
/// `uq_<table>_<columns>`, `fk_<table>_<columns>_<referred table>`,
/// `ck_<table>_<hash of the condition>`.
pub fn default_constraint_name(
    kind: ConstraintKind,
    table: &str,
    columns: &[String],
    referred: &str,
    condition: &str,
) -> String {
    match kind {
        ConstraintKind::Primary => format!("pk_{table}"),
        ConstraintKind::Unique => format!("uq_{table}_{}", columns.join("_")),
        ConstraintKind::ForeignKey => format!("fk_{table}_{}_{referred}", columns.join("_")),
        ConstraintKind::Check => format!(
            "ck_{table}_{:08x}",
            crate::script::fnv1a64(condition.as_bytes()) as u32
        ),
    }
}

/// True when `index` is the one a database that indexes foreign keys by
/// itself (MySQL's InnoDB) makes for `fk`: plain, over the key's leading
/// columns, named after the key or, for a key the user left unnamed,
/// after its first column (`a`, or `a_2`, `a_3`, ... when the name was
/// taken).
pub fn is_foreign_key_index(fk: &ForeignKey, index: &Index) -> bool {
    let numbered = |base: &str| {
        index.name == base
            || index
                .name
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2))
    };
    !index.unique
        && index.where_clause.is_none()
        && (fk.name.as_deref() == Some(index.name.as_str())
            || fk.columns.first().is_some_and(|c| numbered(c)))
        && fk.columns.starts_with(&index.columns)
}

/// The shared rules for a server default's key: the expression's key, the
/// current-time spellings as one, and a quoted number as the number.
pub fn default_key(sql: &str) -> Option<String> {
    let key = expression_key(sql);
    let key = match key.as_str() {
        "now()" | "current_timestamp()" | "current_timestamp" => "current_timestamp".to_owned(),
        _ => key,
    };
    if let Some(inner) = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\''))
        && !inner.is_empty()
        && inner.parse::<f64>().is_ok()
    {
        return Some(inner.to_owned());
    }
    Some(key)
}

/// `TRUE`/`FALSE` as the `1`/`0` a database without a boolean type
/// stores (for dialects whose hook wants it); `None` for anything else.
pub fn boolean_as_number(sql: &str) -> Option<String> {
    match expression_key(sql).as_str() {
        "true" => Some("1".to_owned()),
        "false" => Some("0".to_owned()),
        _ => None,
    }
}

/// The shared rule for an index that exists only because of a constraint:
/// a generated name, or a unique index named as a unique constraint or the
/// primary key on the same columns.
pub fn is_implicit_index<N: Normalizer + ?Sized>(n: &N, table: &Table, index: &Index) -> bool {
    if n.is_generated_index_name(&index.name) {
        return true;
    }
    let same_name = |name: &Option<String>| name.as_deref() == Some(index.name.as_str());
    index.unique
        && index.where_clause.is_none()
        && (table
            .uniques
            .iter()
            .any(|u| same_name(&u.name) && u.columns == index.columns)
            || table
                .primary_key
                .as_ref()
                .is_some_and(|pk| same_name(&pk.name) && pk.columns == index.columns))
}

/// Normalises a type's SQL text: lower case, single spaces, no spaces
/// around parentheses and commas, then the shared synonyms (after `alias`,
/// the dialect's own).
pub fn type_text_key(text: &str, alias: impl Fn(&str, Option<&str>) -> Option<String>) -> String {
    let lower = text.trim().to_ascii_lowercase();
    let squeezed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let compact = squeezed
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",")
        .replace(" ,", ",");
    let (base, args, rest) = match (compact.find('('), compact.find(')')) {
        (Some(open), Some(close)) if close > open => (
            compact[..open].trim().to_owned(),
            Some(compact[open + 1..close].to_owned()),
            compact[close + 1..].trim().to_owned(),
        ),
        _ => (compact.clone(), None, String::new()),
    };
    // `timestamp(6) without time zone`: the words after the arguments
    // belong to the base name.
    let base = if rest.is_empty() {
        base
    } else {
        format!("{base} {rest}")
    };
    if let Some(own) = alias(&base, args.as_deref()) {
        return own;
    }
    let canonical = match base.as_str() {
        "int" | "int4" | "integer" | "serial" | "serial4" => "integer",
        "int8" | "bigint" | "bigserial" | "serial8" => "bigint",
        "int2" | "smallint" | "smallserial" | "serial2" => "smallint",
        "character varying" | "varchar" => "varchar",
        "character" | "char" | "bpchar" => "char",
        "bool" | "boolean" => "boolean",
        "decimal" | "numeric" => "numeric",
        "double precision" | "float8" | "double" => "double precision",
        "real" | "float4" => "real",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        other => other,
    };
    match args {
        Some(a) => format!("{canonical}({a})"),
        None => canonical.to_owned(),
    }
}

/// Normalises an SQL expression: identifier quotes removed, lower case and
/// no whitespace outside string literals, parentheses around a lone word
/// or literal removed, redundant outer parentheses removed.
pub fn expression_key(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    for c in sql.trim().chars() {
        if in_string {
            out.push(c);
            if c == '\'' {
                in_string = false;
            }
        } else if c == '\'' {
            in_string = true;
            out.push(c);
        } else if c == '"' || c == '`' || c.is_whitespace() {
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    let mut key = unwrap_atoms(&out);
    while let Some(inner) = outer_parens(&key) {
        key = inner.to_owned();
    }
    key
}

/// `(a)` -> `a` where `a` is a lone word or literal and the parenthesis is
/// not a function call's.
fn unwrap_atoms(text: &str) -> String {
    let mut current = text.to_owned();
    loop {
        let bytes = current.as_bytes();
        let mut changed = None;
        for (open, &b) in bytes.iter().enumerate() {
            if b != b'(' {
                continue;
            }
            let after_word =
                open > 0 && (bytes[open - 1].is_ascii_alphanumeric() || bytes[open - 1] == b'_');
            let Some(len) = current[open + 1..].find([')', '(']) else {
                continue;
            };
            let close = open + 1 + len;
            let inner = &current[open + 1..close];
            let atom = !inner.is_empty()
                && bytes[close] == b')'
                && inner
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'\''));
            if atom && !after_word {
                changed = Some(format!(
                    "{}{}{}",
                    &current[..open],
                    inner,
                    &current[close + 1..]
                ));
                break;
            }
        }
        match changed {
            Some(next) => current = next,
            None => return current,
        }
    }
}

/// The inside of `(...)` when the parentheses enclose the whole text.
fn outer_parens(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
}
