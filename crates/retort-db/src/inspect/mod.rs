//! Introspection: reading a live table's definition back into the core's
//! schema model ([`retort_core::schema::Table`]).
