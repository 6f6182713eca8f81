//! placeholder: replaced by the graph module
