//! retort
