//! The schema model: tables, columns, keys, indexes and constraints, with no
//! dialect code in it.
//!
//! Operations carry these values ([`crate::ops`]), dialects render them
//! ([`crate::dialect`]), and SQLite's batch mode rebuilds a [`Table`] from its
//! current definition. The model is deliberately small; later layers
//! (introspection, autogenerate) extend it by adding fields, not by
//! replacing it.

pub mod builder;
mod constraint;
mod database;
pub mod naming;
mod object;
mod options;
mod table;

pub use builder::{
    BuildError, ColumnBuilder, ForeignKeyBuilder, IndexBuilder, IntoColumnType, IntoTableName,
    SchemaBuilder, TableBuilder,
};
pub use constraint::{
    CheckConstraint, Constraint, ConstraintKind, ForeignKey, Index, KeyOrder, OnConflict,
    PrimaryKey, UniqueConstraint, index_expression,
};
pub use database::{EnumType, Schema};
pub use naming::{apply_naming_convention, check_naming_convention};
pub use object::{ObjectId, ObjectKind, SchemaObject};
pub use options::TableOptions;
pub use table::{Column, Generated, Table, TableName};
