//! `naming_convention`: names for the target's unnamed constraints and
//! indexes, so that a later revision can drop them by name (SQLAlchemy's
//! `MetaData(naming_convention=...)`, in retort's `{token}` syntax).
//!
//! Keys are the kinds `pk`, `uq`, `ck`, `fk` and `ix`; values are templates
//! with the tokens `{table_name}`, `{column_0_name}`, `{column_names}` (all
//! columns joined by `_`), `{referred_table_name}` and
//! `{referred_column_0_name}`, e.g. `uq = "uq_{table_name}_{column_0_name}"`.
//! A column-level `UNIQUE` gets a named table-level unique constraint when
//! `uq` is set; a check constraint has no columns, so `ck` can only use
//! `{table_name}` and a counter, `{n}` (1, 2, ... per table).

use std::collections::BTreeMap;

use super::{Schema, UniqueConstraint};

/// The tokens a convention may use.
pub const NAMING_TOKENS: &[&str] = &[
    "table_name",
    "column_0_name",
    "column_names",
    "referred_table_name",
    "referred_column_0_name",
    "n",
];

/// Checks a `naming_convention` table: known kinds and known tokens.
pub fn check_naming_convention(conventions: &BTreeMap<String, String>) -> Result<(), String> {
    for (kind, template) in conventions {
        if !["pk", "uq", "ck", "fk", "ix"].contains(&kind.as_str()) {
            return Err(format!(
                "naming_convention has the kind {kind:?}; the kinds are pk, uq, ck, fk, ix"
            ));
        }
        let mut rest = template.as_str();
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("naming_convention.{kind} has an unclosed '{{'"))?;
            let token = &after[..end];
            if !NAMING_TOKENS.contains(&token) {
                return Err(format!(
                    "naming_convention.{kind} uses {{{token}}}; the tokens are {}",
                    NAMING_TOKENS
                        .iter()
                        .map(|t| format!("{{{t}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            rest = &after[end + 1..];
        }
    }
    Ok(())
}

/// The values of the tokens for one constraint.
struct Tokens<'a> {
    table: &'a str,
    columns: &'a [String],
    referred_table: &'a str,
    referred_columns: &'a [String],
    n: usize,
}

/// The tokens of a constraint on `table` over `columns`, the `n`th of its kind.
fn tokens<'a>(table: &'a str, columns: &'a [String], n: usize) -> Tokens<'a> {
    Tokens {
        table,
        columns,
        referred_table: "",
        referred_columns: &[],
        n,
    }
}

fn render(template: &str, t: &Tokens<'_>) -> String {
    template
        .replace("{table_name}", t.table)
        .replace(
            "{column_0_name}",
            t.columns.first().map_or("", String::as_str),
        )
        .replace("{column_names}", &t.columns.join("_"))
        .replace("{referred_table_name}", t.referred_table)
        .replace(
            "{referred_column_0_name}",
            t.referred_columns.first().map_or("", String::as_str),
        )
        .replace("{n}", &t.n.to_string())
}

/// Names every unnamed constraint and index of `schema` whose kind has a
/// convention. Named ones keep their names.
pub fn apply_naming_convention(schema: &mut Schema, conventions: &BTreeMap<String, String>) {
    if conventions.is_empty() {
        return;
    }
    let convention = |kind: &str| conventions.get(kind).map(String::as_str);
    for table in &mut schema.tables {
        let name = table.name.name.clone();
        if let Some(template) = convention("pk") {
            let columns = table.primary_key_columns();
            if !columns.is_empty()
                && table
                    .primary_key
                    .as_ref()
                    .is_none_or(|pk| pk.name.is_none())
            {
                let pk_name = render(template, &tokens(&name, &columns, 1));
                let on_conflict = table.primary_key.as_ref().and_then(|pk| pk.on_conflict);
                table.primary_key = Some(super::PrimaryKey {
                    name: Some(pk_name),
                    columns,
                    on_conflict,
                });
            }
        }
        if let Some(template) = convention("uq") {
            let column_uniques: Vec<String> = table
                .columns
                .iter_mut()
                .filter(|c| c.unique)
                .map(|c| {
                    c.unique = false;
                    c.name.clone()
                })
                .collect();
            for column in column_uniques {
                table.uniques.push(UniqueConstraint {
                    name: None,
                    columns: vec![column],
                    on_conflict: None,
                });
            }
            for (i, uq) in table.uniques.iter_mut().enumerate() {
                if uq.name.is_none() {
                    uq.name = Some(render(template, &tokens(&name, &uq.columns, i + 1)));
                }
            }
        }
        if let Some(template) = convention("ck") {
            for (i, ck) in table.checks.iter_mut().enumerate() {
                if ck.name.is_none() {
                    ck.name = Some(render(template, &tokens(&name, &[], i + 1)));
                }
            }
        }
        if let Some(template) = convention("fk") {
            for (i, fk) in table.foreign_keys.iter_mut().enumerate() {
                if fk.name.is_none() {
                    let t = Tokens {
                        table: &name,
                        columns: &fk.columns,
                        referred_table: &fk.referent_table.name,
                        referred_columns: &fk.referent_columns,
                        n: i + 1,
                    };
                    fk.name = Some(render(template, &t));
                }
            }
        }
        if let Some(template) = convention("ix") {
            for (i, ix) in table.indexes.iter_mut().enumerate() {
                if ix.name.is_empty() {
                    ix.name = render(template, &tokens(&name, &ix.columns, i + 1));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{CheckConstraint, Column, ForeignKey, Table, TableName};
    use crate::types::ColumnType;

    #[test]
    fn unnamed_constraints_get_names_and_named_ones_keep_theirs() {
        let mut post = Table::new(TableName::new("post"));
        let mut id = Column::new("id", ColumnType::Integer);
        id.primary_key = true;
        let mut slug = Column::new("slug", ColumnType::Text);
        slug.unique = true;
        post.columns = vec![id, slug, Column::new("user_id", ColumnType::Integer)];
        post.checks.push(CheckConstraint {
            name: None,
            condition: "id > 0".into(),
        });
        post.checks.push(CheckConstraint {
            name: Some("ck_keep".into()),
            condition: "id < 10".into(),
        });
        post.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec!["user_id".into()],
            referent_table: TableName::new("user"),
            referent_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            ..Default::default()
        });
        let mut schema = Schema {
            tables: vec![post],
            enums: Vec::new(),
            objects: vec![],
        };
        let conventions: BTreeMap<String, String> = [
            ("pk", "pk_{table_name}"),
            ("uq", "uq_{table_name}_{column_0_name}"),
            ("ck", "ck_{table_name}_{n}"),
            (
                "fk",
                "fk_{table_name}_{column_0_name}_{referred_table_name}",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        check_naming_convention(&conventions).unwrap();
        apply_naming_convention(&mut schema, &conventions);
        let t = &schema.tables[0];
        assert_eq!(
            t.primary_key.as_ref().unwrap().name.as_deref(),
            Some("pk_post")
        );
        assert_eq!(t.uniques[0].name.as_deref(), Some("uq_post_slug"));
        assert!(!t.columns[1].unique);
        assert_eq!(t.checks[0].name.as_deref(), Some("ck_post_1"));
        assert_eq!(t.checks[1].name.as_deref(), Some("ck_keep"));
        assert_eq!(
            t.foreign_keys[0].name.as_deref(),
            Some("fk_post_user_id_user")
        );
    }

    #[test]
    fn unknown_kinds_and_tokens_are_errors() {
        let bad = |k: &str, v: &str| {
            let c: BTreeMap<String, String> = [(k.to_owned(), v.to_owned())].into_iter().collect();
            check_naming_convention(&c).unwrap_err()
        };
        assert!(bad("zz", "x").contains("kinds"));
        assert!(bad("uq", "uq_{nope}").contains("{nope}"));
    }
}
