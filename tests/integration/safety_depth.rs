//! Deeply nested SQL in a models file is a clean error naming the file and
//! line (exit 1), never a stack overflow; long but reasonable expressions
//! still read.

use crate::harness::Project;

/// `1+1+...+1` with `n` terms.
fn sum(n: usize) -> String {
    vec!["1"; n].join("+")
}

/// A models file whose line 2 holds the table `t` with `column`.
fn models(column: &str) -> String {
    format!("-- deep\nCREATE TABLE t (id INTEGER PRIMARY KEY, {column});\n")
}

#[test]
fn too_deep_expressions_in_models_are_a_clean_error() {
    let p = Project::init();
    let deep = [
        format!("x INTEGER DEFAULT ({})", sum(10_000)),
        format!("x INTEGER DEFAULT {}", sum(10_000)),
        format!("x INTEGER CHECK (x < {})", sum(10_000)),
        format!(
            "x INTEGER CHECK ({}x > 0{})",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        format!("x INTEGER CHECK ({}x)", "NOT ".repeat(10_000)),
        format!("x TEXT DEFAULT ('a'{})", "::text".repeat(10_000)),
        format!(
            "x INTEGER CHECK (x IN ({}))",
            vec![sum(100); 100].join(", ")
        ) + &format!(", y INTEGER DEFAULT ({})", sum(20_000)),
    ];
    for (i, column) in deep.iter().enumerate() {
        let file = format!("deep{i}.sql");
        p.write(&file, &models(column));
        for command in ["check", "migrate"] {
            let run = p.run(&["--url", "sqlite:///app.db", "--models", &file, command]);
            assert_eq!(run.code, 1, "{file} {command}\n{}", run.describe());
            let stderr = &run.stderr;
            assert!(
                // Refused by retort's own bound, or by the database the
                // models run in (SQLite: "Expression tree is too large").
                stderr.contains(&format!("{file}:2:"))
                    && (stderr.contains("too deep")
                        || stderr.contains("too large")
                        || stderr.contains("refused this models statement")),
                "{file} {command}: expected `{file}:2:` and why it is refused\n{}",
                run.describe()
            );
            assert!(!stderr.contains("overflow") && !stderr.contains("panicked"));
        }
    }
    assert!(p.version_files().is_empty(), "{:?}", p.version_files());
}

#[test]
fn long_expressions_within_the_bound_still_read() {
    let p = Project::init();
    let alternatives: Vec<String> = (0..150).map(|i| format!("x = {i}")).collect();
    p.write(
        "models.sql",
        &models(&format!(
            "x INTEGER DEFAULT ({}) CHECK ({})",
            sum(300),
            alternatives.join(" OR ")
        )),
    );
    p.ok(&[
        "--url",
        "sqlite:///app.db",
        "--models",
        "models.sql",
        "migrate",
        "-m",
        "long",
    ]);
    assert_eq!(p.version_files().len(), 1);
}
