//! Reading the fields of one TOML table, remembering which were read so that
//! any other is reported as unknown.

use toml::{Table, Value};

use crate::ops::OperationProblem;
use crate::types::{ColumnType, names};

type Result<T> = std::result::Result<T, OperationProblem>;

/// The fields of one table (an operation, or an inline table inside one).
pub(crate) struct Fields<'a> {
    table: &'a Table,
    /// Prefix of field names in messages (`column.` inside `column = {...}`).
    prefix: String,
    used: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(table: &'a Table, prefix: &str) -> Self {
        Fields {
            table,
            prefix: prefix.to_owned(),
            used: vec![],
        }
    }

    /// The dotted name of `key` for messages.
    pub(crate) fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.push(key);
        self.table.get(key)
    }

    pub(crate) fn wrong(&self, key: &str, expected: &str, found: &Value) -> OperationProblem {
        OperationProblem::WrongType {
            field: self.field(key),
            expected: expected.to_owned(),
            found: found.type_str().to_owned(),
        }
    }

    /// A missing field; when the table has a key that looks like a typo of
    /// it, the hint says so.
    pub(crate) fn missing(&self, key: &str, hint: &str) -> OperationProblem {
        let typo = self
            .table
            .keys()
            .find(|k| k.as_str() != key && crate::hint::edit_distance(k, key) <= 2);
        let hint = match typo {
            Some(k) => format!("{hint} (found `{}`: is it misspelt?)", self.field(k)),
            None => hint.to_owned(),
        };
        OperationProblem::Missing {
            field: self.field(key),
            hint,
        }
    }

    pub(crate) fn invalid(&self, key: &str, reason: impl Into<String>) -> OperationProblem {
        OperationProblem::Invalid {
            field: self.field(key),
            reason: reason.into(),
        }
    }

    pub(crate) fn opt_str(&mut self, key: &'static str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// A required string; `hint` says what to write when it is missing.
    pub(crate) fn str(&mut self, key: &'static str, hint: &str) -> Result<String> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key, hint))
    }

    /// A required, non-empty name.
    pub(crate) fn name(&mut self, key: &'static str, hint: &str) -> Result<String> {
        let name = self.str(key, hint)?;
        if name.is_empty() {
            return Err(self.invalid(key, "a name cannot be empty"));
        }
        Ok(name)
    }

    pub(crate) fn opt_bool(&mut self, key: &'static str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong(key, "true or false", other)),
        }
    }

    pub(crate) fn bool_or(&mut self, key: &'static str, default: bool) -> Result<bool> {
        Ok(self.opt_bool(key)?.unwrap_or(default))
    }

    pub(crate) fn opt_str_list(&mut self, key: &'static str) -> Result<Option<Vec<String>>> {
        let expected = "an array of strings";
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.wrong(key, expected, other)),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(self.wrong(key, expected, other)),
        }
    }

    /// A required, non-empty list of names.
    pub(crate) fn names(&mut self, key: &'static str, hint: &str) -> Result<Vec<String>> {
        let list = self
            .opt_str_list(key)?
            .ok_or_else(|| self.missing(key, hint))?;
        if list.is_empty() || list.iter().any(|n| n.is_empty()) {
            return Err(self.invalid(key, format!("list at least one non-empty name; {hint}")));
        }
        Ok(list)
    }

    /// A column type, which must parse and, unless marked `verbatim(...)`,
    /// have a name some supported database knows ([`names::check_known`]).
    pub(crate) fn opt_type(&mut self, key: &'static str) -> Result<Option<ColumnType>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(text) => {
                let ty =
                    ColumnType::parse_field(&text).map_err(|e| self.invalid(key, e.to_string()))?;
                names::check_known(&ty).map_err(|m| self.invalid(key, m))?;
                Ok(Some(ty))
            }
        }
    }

    /// An array of inline tables (`columns = [{...}, ...]`), with the
    /// prefix `key[i].` for each.
    pub(crate) fn opt_tables(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Vec<(String, &'a Table)>>> {
        let expected = "an array of inline tables";
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Table(t) => Ok((format!("{}{key}[{i}].", self.prefix), t)),
                    other => Err(self.wrong(key, expected, other)),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(self.wrong(key, expected, other)),
        }
    }

    /// Fails on any field not read so far; `what` names the table
    /// (`add_column`, `a column`).
    pub(crate) fn finish(self, what: &str) -> Result<()> {
        if let Some(key) = self.table.keys().find(|k| !self.used.contains(&k.as_str())) {
            let mut allowed: Vec<&str> = self.used.clone();
            allowed.retain(|k| *k != "op");
            return Err(OperationProblem::Unknown {
                field: self.field(key),
                op: what.to_owned(),
                allowed: allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(())
    }
}
