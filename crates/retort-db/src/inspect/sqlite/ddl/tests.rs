use super::*;

#[test]
fn columns_defaults_and_constraints() {
    let t = parse_create_table(
        "CREATE TABLE \"t\" (\n  id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT,\n  \
         a TEXT DEFAULT 'it''s' CONSTRAINT ca CHECK (a <> ','), -- a, note\n  \
         b INT DEFAULT (1 + 2) REFERENCES p,\n  c INT DEFAULT -1 CONSTRAINT fk_c REFERENCES \"P\"(id) ON DELETE SET NULL UNIQUE,\n  \
         CONSTRAINT uq UNIQUE (a, [b]),\n  CHECK (b > 0 /* keep */ AND 1 /* dropped */),\n  \
         FOREIGN KEY (a, b) REFERENCES q (x, y)\n) WITHOUT ROWID, STRICT",
    )
    .unwrap();
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "a", "b", "c"]);
    let defaults: Vec<Option<&str>> = t.columns.iter().map(|c| c.default.as_deref()).collect();
    assert_eq!(
        defaults,
        [None, Some("'it''s'"), Some("(1 + 2)"), Some("-1")]
    );
    assert!(t.columns[0].autoincrement);
    assert_eq!(t.primary_key_name.as_deref(), Some("pk"));
    assert_eq!(
        t.checks,
        [
            (Some("ca".to_owned()), "a <> ','".to_owned()),
            (None, "b > 0 /* keep */ AND 1".to_owned())
        ]
    );
    assert_eq!(t.uniques.len(), 2);
    assert_eq!(t.uniques[1].columns, ["a", "b"]);
    assert_eq!(t.uniques[1].name.as_deref(), Some("uq"));
    assert!(t.uniques[0].column_level && t.uniques[0].name.is_none());
    let fks: Vec<(Option<&str>, &str)> = t
        .foreign_keys
        .iter()
        .map(|f| (f.name.as_deref(), f.referent_table.as_str()))
        .collect();
    assert_eq!(fks, [(None, "p"), (Some("fk_c"), "P"), (None, "q")]);
    assert!(t.virtual_module.is_none() && t.unkept.is_empty());
    assert!(t.without_rowid && t.strict);
    assert_eq!(t.columns[3].definition.lines().count(), 1);
}

#[test]
fn collations_generated_columns_and_conflict_clauses() {
    let t = parse_create_table(
        "CREATE TABLE t (id INTEGER PRIMARY KEY ASC ON CONFLICT REPLACE,
           a TEXT COLLATE \"NOCASE\" NOT NULL ON CONFLICT IGNORE UNIQUE ON CONFLICT FAIL,
           b INT GENERATED ALWAYS AS (length(a) * 2) STORED CHECK (a COLLATE NOCASE <> 'x'),
           c AS (b + 1),
           d INT REFERENCES p (id) ON DELETE NO ACTION MATCH FULL NOT NULL,
           e INT CONSTRAINT fk REFERENCES p DEFERRABLE INITIALLY DEFERRED,
           f INT REFERENCES p NOT DEFERRABLE INITIALLY DEFERRED,
           UNIQUE (b, c) ON CONFLICT ROLLBACK)",
    )
    .unwrap();
    assert_eq!(t.primary_key_on_conflict, Some(OnConflict::Replace));
    assert_eq!(t.columns[1].collation.as_deref(), Some("NOCASE"));
    assert_eq!(t.columns[1].not_null_on_conflict, Some(OnConflict::Ignore));
    let uniques: Vec<Option<OnConflict>> = t.uniques.iter().map(|u| u.on_conflict).collect();
    assert_eq!(
        uniques,
        [Some(OnConflict::Fail), Some(OnConflict::Rollback)]
    );
    assert_eq!(
        t.columns[2].generated,
        Some(("length(a) * 2".to_owned(), true))
    );
    assert_eq!(t.columns[3].generated, Some(("b + 1".to_owned(), false)));
    assert_eq!(t.checks.len(), 1);
    let fks: Vec<(Option<&str>, bool, bool)> = t
        .foreign_keys
        .iter()
        .map(|f| (f.match_kind.as_deref(), f.deferrable, f.initially_deferred))
        .collect();
    assert_eq!(
        fks,
        [
            (Some("FULL"), false, false),
            (None, true, true),
            (None, false, false)
        ]
    );
    assert_eq!(t.foreign_keys[1].name.as_deref(), Some("fk"));
    assert!(t.unkept.is_empty(), "{:?}", t.unkept);
}

#[test]
fn what_the_model_cannot_hold() {
    let t = parse_create_table(
        "CREATE TABLE t (id INTEGER PRIMARY KEY DESC, a TEXT, b TEXT, UNIQUE (a COLLATE NOCASE), UNIQUE (b DESC))",
    )
    .unwrap();
    assert_eq!(t.unkept.len(), 3, "{:?}", t.unkept);
    assert!(t.unkept[1].contains("UNIQUE (a COLLATE NOCASE)"));
    let v = parse_create_table("CREATE VIRTUAL TABLE doc USING fts5(body, tokenize = 'porter')")
        .unwrap();
    assert_eq!(v.virtual_module.as_deref(), Some("fts5"));
}
