//! The sqlparser-based models reader (used without a connection) agrees
//! with the database (GitHub issue 10): for every model file of the
//! autogenerate corpus (`autogen_corpus/*/v1*.sql`, `v2*.sql`) and of the
//! real schemas (`real_schemas/*/<dialect>.sql`) that the reader accepts,
//! its schema compares equal, under the dialect's comparison rules, to the
//! schema read back from the scratch database the same file ran in.
//!
//! Files the reader refuses (views, triggers, routines, partitions, ...:
//! things only a database can read) are counted, not compared; a file the
//! reader accepts but the database refuses is a failure.

use std::path::{Path, PathBuf};

use retort_core::diff::{DiffOptions, diff};
use retort_core::models::read_models;
use retort_core::schema::Schema;
use retort_db::inspect::InspectOptions;
use retort_db::scratch::{ModelFile, normalize_models};
use retort_db::{DatabaseUrl, connect};

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, per_db};

per_db!(offline_reader_agrees_with_the_database);

fn dialect(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgresql",
        Kind::Mysql => "mysql",
    }
}

/// Every model file of the corpora for `kind`.
fn model_files(kind: Kind) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration");
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("autogen_corpus"))
        .expect("read the autogen corpus")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        for stem in ["v1", "v2"] {
            let own = dir.join(format!("{stem}.{}.sql", dialect(kind)));
            let shared = dir.join(format!("{stem}.sql"));
            if own.is_file() {
                files.push(own);
            } else if shared.is_file() {
                files.push(shared);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join("real_schemas")) {
        let mut real: Vec<PathBuf> = entries
            .map(|e| {
                e.expect("dir entry")
                    .path()
                    .join(format!("{}.sql", dialect(kind)))
            })
            .filter(|p| p.is_file())
            .collect();
        real.sort();
        files.extend(real);
    }
    files
}

fn offline_reader_agrees_with_the_database(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    let url = DatabaseUrl::parse(&db.url).expect("the test database's URL");
    let mut conn = connect(&url).expect("connect to the test database");
    let normalizer = url.dialect().normalizer();
    let options = InspectOptions::new("retort_version", "retort_log");
    let mut compared = 0;
    let mut refused = Vec::new();
    let mut failures = Vec::new();
    for path in model_files(kind) {
        let offline = match read_models(std::slice::from_ref(&path), dialect(kind)) {
            Ok(schema) => schema,
            Err(e) => {
                refused.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let file = ModelFile::read(path.clone()).expect("read the model file");
        let mut live = Schema::default();
        let scratch = match normalize_models(conn.as_mut(), None, &[file], &options, &mut live, &[])
        {
            Ok(n) => n.schema,
            Err(e) => {
                failures.push(format!(
                    "{}: the reader accepts it, the database refuses it: {e}",
                    path.display()
                ));
                continue;
            }
        };
        let found = diff(&scratch, &offline, &DiffOptions::new(normalizer));
        compared += 1;
        if !found.changes.is_empty() {
            let changes: Vec<String> = found.changes.iter().map(|c| format!("  {c}")).collect();
            failures.push(format!(
                "{}: the reader and the database differ:\n{}",
                path.display(),
                changes.join("\n")
            ));
        }
    }
    eprintln!(
        "{kind:?}: {compared} files compared, {} left to the database:\n  {}",
        refused.len(),
        refused.join("\n  ")
    );
    assert!(compared > 40, "too few files compared: {compared}");
    assert!(
        failures.is_empty(),
        "{} of {compared} file(s) differ on {kind:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
