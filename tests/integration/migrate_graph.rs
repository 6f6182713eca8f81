//! Upgrade and downgrade plans run end to end on a graph with branches, a
//! merge, a branch with its own base and a `depends_on` (Alembic's
//! semantics): after each command, the version rows, `retort current` and
//! the tables (each revision creates `t_<id>`) say where the database is.
//!
//! ```text
//! m1 (main) -- m2 -- m3 ------- mm (merge)
//!   \                          /
//!    f1 (feature) ----------- f2
//! o1 (other, own base) -- o2 (depends on m2)
//! ```

use std::collections::BTreeSet;

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(plans_run_end_to_end, relative_step_down_from_a_merge);

const M1: &str = "a10000000001";
const M2: &str = "a10000000002";
const M3: &str = "a10000000003";
const F1: &str = "bf0000000001";
const F2: &str = "bf0000000002";
const MM: &str = "ce0000000000";
const O1: &str = "d00000000001";
const O2: &str = "d00000000002";

fn write_graph(p: &Project) {
    for r in [
        rev(M1).labels(&["main"]).message("m1"),
        rev(M2).down(&[M1]).message("m2"),
        rev(M3).down(&[M2]).message("m3"),
        rev(F1).down(&[M1]).labels(&["feature"]).message("f1"),
        rev(F2).down(&[F1]).message("f2"),
        rev(MM).down(&[M3, F2]).message("merge"),
        rev(O1).labels(&["other"]).message("o1"),
        rev(O2).down(&[O1]).depends(&[M2]).message("o2"),
    ] {
        write_rev(p, &r, &table_rev(&r.id));
    }
}

/// Asserts the version rows, `retort current` (which lists the rows) and
/// the tables.
#[track_caller]
fn assert_at(db: &Db, p: &Project, rows: &[&str], applied: &[&str], after: &str) {
    assert_at_current(db, p, rows, rows, applied, after);
}

/// Asserts the version rows, `retort current` and the tables. `current`
/// lists what the rows effectively include (Alembic's `get_all_current`):
/// also the heads of the branches reached through `depends_on`.
#[track_caller]
fn assert_at_current(
    db: &Db,
    p: &Project,
    rows: &[&str],
    current: &[&str],
    applied: &[&str],
    after: &str,
) {
    let sorted = |ids: &[&str]| {
        let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(db.versions(), sorted(rows), "version rows after `{after}`");
    assert_eq!(
        db.current(p),
        sorted(current),
        "`retort current` after `{after}`"
    );
    let tables: BTreeSet<String> = db.user_tables().into_iter().collect();
    let expected: BTreeSet<String> = applied.iter().map(|id| format!("t_{id}")).collect();
    assert_eq!(tables, expected, "tables after `{after}`");
}

fn plans_run_end_to_end(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_graph(&p);

    // A branch with its own base, pulling in its dependency and the
    // dependency's ancestors; as in Alembic, the dependent's row stands for
    // its dependencies (no row of their own).
    db.ok(&p, &["upgrade", "other@+1"]);
    assert_at(&db, &p, &[O1], &[O1], "upgrade other@+1");
    db.ok(&p, &["upgrade", "+1"]);
    assert_at_current(
        &db,
        &p,
        &[O2],
        &[M2, O2],
        &[M1, M2, O1, O2],
        "upgrade +1 (o2 and its dependency)",
    );
    db.ok(&p, &["upgrade", "other@head"])
        .stderr_has("Nothing to do");
    assert_at_current(
        &db,
        &p,
        &[O2],
        &[M2, O2],
        &[M1, M2, O1, O2],
        "upgrade other@head",
    );

    // A labelled branch off m1: its head is the merge (Alembic's
    // `label@head` is the head the labelled revision leads to).
    db.ok(&p, &["upgrade", "feature@head"]);
    let all = [M1, M2, M3, F1, F2, MM, O1, O2];
    assert_at(&db, &p, &[MM, O2], &all, "upgrade feature@head");

    // Everything: already there.
    db.ok(&p, &["upgrade", "heads"]).stderr_has("Nothing to do");
    assert_at(&db, &p, &[MM, O2], &all, "upgrade heads");

    // history -i marks the current revisions.
    let history = db.ok(&p, &["history", "-i"]).stdout;
    for line in history.lines() {
        let current = line.contains(&format!("-> {MM}")) || line.contains(&format!("-> {O2}"));
        assert_eq!(
            line.contains("(current)"),
            current,
            "`(current)` on exactly the lines of {MM} and {O2}:\n{history}"
        );
    }
    assert_eq!(history.matches("(current)").count(), 2, "{history}");

    // The branch with its own base, down to its base: main stays.
    db.ok(&p, &["downgrade", "other@base"]);
    assert_at(
        &db,
        &p,
        &[MM],
        &[M1, M2, M3, F1, F2, MM],
        "downgrade other@base",
    );

    // -1 from a merge point is Alembic's "Ambiguous walk": a clean error
    // naming both parents, nothing changed.
    db.fails(&p, &["downgrade", "-1"])
        .stderr_has("Ambiguous")
        .stderr_has(M3)
        .stderr_has(F2);
    assert_at(
        &db,
        &p,
        &[MM],
        &[M1, M2, M3, F1, F2, MM],
        "downgrade -1 (refused)",
    );
    // Down across the merge to one parent: only the merge goes, back to
    // its two parents.
    db.ok(&p, &["downgrade", F2]);
    assert_at(
        &db,
        &p,
        &[M3, F2],
        &[M1, M2, M3, F1, F2],
        "downgrade F2 (unmerge)",
    );

    // Down to m2: its descendants go, the feature branch stays.
    db.ok(&p, &["downgrade", M2]);
    let at_m2 = [M1, M2, F1, F2];
    assert_at(&db, &p, &[M2, F2], &at_m2, &format!("downgrade {M2}"));

    // stamp moves the rows and runs nothing.
    db.ok(&p, &["stamp", M3]);
    assert_at(&db, &p, &[M3, F2], &at_m2, &format!("stamp {M3}"));
    db.ok(&p, &["stamp", M2]);
    assert_at(&db, &p, &[M2, F2], &at_m2, &format!("stamp {M2}"));

    // A row no file declares: current says so; stamp --purge recovers.
    db.sql("INSERT INTO retort_version (version_num) VALUES ('deadbeef0000')");
    db.fails(&p, &["current"]).stderr_has("deadbeef0000");
    db.ok(&p, &["stamp", "--purge", M2, F2]);
    assert_at(&db, &p, &[M2, F2], &at_m2, "stamp --purge");

    // Everything again, then nothing.
    db.ok(&p, &["upgrade", "heads"]);
    assert_at(&db, &p, &[MM, O2], &all, "upgrade heads (again)");
    db.ok(&p, &["downgrade", "base"]);
    assert_at(&db, &p, &[], &[], "downgrade base");
}

/// `-1` from a merge point names both parents; `label@-1` either walks
/// the labelled branch or fails with a hint that is a valid expression.
fn relative_step_down_from_a_merge(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_graph(&p);
    db.ok(&p, &["upgrade", "heads"]);
    // O2 is a second head: leave only the merge.
    db.ok(&p, &["downgrade", "other@base"]);
    let main = [M1, M2, M3, F1, F2, MM];
    assert_at(&db, &p, &[MM], &main, "downgrade other@base");

    let run = db.fails(&p, &["downgrade", "-1"]);
    run.stderr_has("Ambiguous").stderr_has(M3).stderr_has(F2);
    assert_at(&db, &p, &[MM], &main, "downgrade -1 (refused)");

    let run = db.run(&p, &["downgrade", "feature@-1"]);
    if run.code == 0 {
        assert_at(
            &db,
            &p,
            &[M3, F2],
            &[M1, M2, M3, F1, F2],
            "downgrade feature@-1",
        );
    } else {
        crate::migrate_db::assert_failed(&run);
        assert!(
            !run.stderr.contains("@feature@"),
            "the hint suggests an expression that cannot parse\n{}",
            run.describe()
        );
        assert_at(&db, &p, &[MM], &main, "downgrade feature@-1 (refused)");
    }
}
