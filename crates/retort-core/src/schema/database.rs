//! A whole database schema: the tables and the enum types of one database,
//! the unit autogenerate compares (the target from the models, the live one
//! from introspection).

use super::{ObjectId, SchemaObject, Table, TableName};

/// A named enum type (PostgreSQL `CREATE TYPE ... AS ENUM`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    /// The type's schema, when not the default one.
    pub schema: Option<String>,
    /// The type's name.
    pub name: String,
    /// Its values, in order.
    pub values: Vec<String>,
}

/// The tables and enum types of one database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// The tables, in the order they were declared or found.
    pub tables: Vec<Table>,
    /// The enum types.
    pub enums: Vec<EnumType>,
    /// Views, triggers, routines, sequences, domains and extensions, in
    /// creation (dependency) order ([`SchemaObject`]).
    pub objects: Vec<SchemaObject>,
}

impl Schema {
    /// The table named `name`.
    pub fn table(&self, name: &TableName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// The enum type named `name` in `schema`.
    pub fn enum_type(&self, schema: Option<&str>, name: &str) -> Option<&EnumType> {
        self.enums
            .iter()
            .find(|e| e.name == name && e.schema.as_deref() == schema)
    }

    /// The object identified by `id`.
    pub fn object(&self, id: &ObjectId) -> Option<&SchemaObject> {
        self.objects.iter().find(|o| &o.id == id)
    }
}
