//! `retort rebase REV --onto TARGET`: the moved revision's file changes in
//! its parents only, the graph stays valid, `upgrade` from base builds the
//! same schema as before on every database, a database at any revision of
//! the old graph either upgrades to the new head or is refused up front
//! with the reason (when it ran a moved revision), and the refusals leave
//! every file as it was.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

/// Every revision file's text, by path, to compare before and after
/// (also for `squash`).
pub fn files(p: &Project) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(p.path("migrations/versions"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// a1 -> b2 (head) and a1 -> c2 -> c3 (head): two lines after the same
/// parent, as two branches of a project leave them.
fn two_heads() -> Project {
    let p = Project::init();
    for (r, body) in [
        (rev("a1").message("init"), table_rev("a1")),
        (rev("b2").down(&["a1"]).message("email"), table_rev("b2")),
        (rev("c2").down(&["a1"]).message("index"), table_rev("c2")),
        (rev("c3").down(&["c2"]).message("more"), table_rev("c3")),
    ] {
        write_rev(&p, &r, &body);
    }
    p
}

#[test]
fn moves_the_line_onto_the_other_head_and_changes_only_its_parents() {
    let p = two_heads();
    let before = files(&p);
    let run = p.ok(&["rebase", "c2"]);
    assert_eq!(
        run.stdout,
        "Rebased c2 onto b2 (it revised a1): migrations/versions/c2.toml\n\
         Moved with it: c3\n\
         Checked sqlite:///app.db: none of the moved revisions ran there\n"
    );
    let after = files(&p);
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        if path.ends_with("c2.toml") {
            assert_eq!(
                *new,
                old.replace("down_revision = \"a1\"", "down_revision = \"b2\"")
            );
        } else {
            assert_eq!(old, new, "{path} changed");
        }
    }
    assert_eq!(p.ok(&["heads"]).stdout, "c3 (head)\n");
    assert_eq!(
        p.ok(&["history"]).stdout,
        "c2 -> c3 (head), more\nb2 -> c2, index\na1 -> b2, email\n<base> -> a1, init\n"
    );
}

#[test]
fn refuses_when_a_database_ran_a_moved_revision_and_changes_nothing() {
    let p = two_heads();
    let db = Db::fresh(Kind::Sqlite, &p);
    db.ok(&p, &["upgrade", "c2"]);
    let before = files(&p);
    let run = db.fails(&p, &["rebase", "c2"]);
    run.stderr_has("cannot rebase c2: database sqlite:///")
        .stderr_has("ran c2 (it is at c2)")
        .stderr_has("`retort merge heads`")
        .stderr_has("`retort downgrade a1`");
    assert_eq!(files(&p), before);
    // Once the database is below the moved line, the rebase goes ahead.
    db.ok(&p, &["downgrade", "a1"]);
    db.ok(&p, &["rebase", "c2"])
        .stdout_has("none of the moved revisions ran there");
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), ["c3"]);
}

#[test]
fn a_project_without_a_database_url_is_not_checked() {
    let p = two_heads();
    let config = std::fs::read_to_string(p.path("migrations/retort.toml")).unwrap();
    let without: String = config
        .lines()
        .filter(|l| !l.starts_with("url ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(config, without, "the template sets a url");
    p.write("migrations/retort.toml", &without);
    p.ok(&["rebase", "c2"])
        .stdout_has("No database URL is configured: no database was checked");
}

#[test]
fn refusals_name_the_reason() {
    let p = two_heads();
    // Onto one of its own descendants: a cycle.
    p.run(&["rebase", "c2", "--onto", "c3"])
        .code_is(1)
        .stderr_has("c3 descends from c2");
    // A merge point has two parents.
    p.ok(&["merge", "heads", "-m", "join", "--rev-id", "m4"]);
    p.run(&["rebase", "m4", "--onto", "a1"])
        .code_is(1)
        .stderr_has("m4 is a merge point (it revises b2, c3)");
    // Every head descends from a1: no default target.
    p.run(&["rebase", "a1"])
        .code_is(1)
        .stderr_has("no other head");
    // base names no revision.
    p.run(&["rebase", "base"])
        .code_is(1)
        .stderr_has("names none");
    // An unknown revision.
    p.run(&["rebase", "zz"]).code_is(1).stderr_has("zz");
}

#[test]
fn several_other_heads_need_onto() {
    let p = two_heads();
    write_rev(
        &p,
        &rev("d2").down(&["a1"]).message("other"),
        &table_rev("d2"),
    );
    p.run(&["rebase", "c2"])
        .code_is(1)
        .stderr_has("there are 2 other heads (b2, d2)")
        .stderr_has("--onto");
    p.ok(&["rebase", "c2", "--onto", "d2"]);
    assert_eq!(
        p.ok(&["heads"]).stdout,
        "b2 (head)\nc3 (head)\n",
        "c2's line now continues d2"
    );
}

#[test]
fn an_unreachable_database_is_an_error_unless_the_check_is_skipped() {
    let p = two_heads();
    let url = "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=1";
    let run = p.run(&["--url", url, "rebase", "c2"]);
    run.code_is(1)
        .stderr_has("cannot check whether the revisions to move ran")
        .stderr_has("--no-database-check");
    assert!(!run.stderr.contains("secret"), "{}", run.stderr);
    p.ok(&["--url", url, "rebase", "c2", "--no-database-check"])
        .stdout_has("Databases not checked");
}

/// A small deterministic generator (xorshift), so that a failing graph can
/// be rebuilt from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A generated graph of `n` revisions, each creating a table: a trunk,
/// with a side line of 1-3 revisions forking off a random trunk revision
/// and left open (a second head), as a branch of a project leaves it.
/// Returns the project, the trunk head and the side line's first revision.
fn generated(seed: u64, n: usize) -> (Project, String, String) {
    let mut rng = Rng(seed);
    let p = Project::init();
    let trunk: Vec<String> = (0..n).map(|i| format!("t{i:02}")).collect();
    for (i, id) in trunk.iter().enumerate() {
        let r = if i == 0 {
            rev(id)
        } else {
            rev(id).down(&[&trunk[i - 1]])
        };
        write_rev(&p, &r.message(id), &table_rev(id));
    }
    let fork = rng.below(n - 1);
    let side: Vec<String> = (0..1 + rng.below(3)).map(|i| format!("s{i}")).collect();
    for (i, id) in side.iter().enumerate() {
        let parent = if i == 0 { &trunk[fork] } else { &side[i - 1] };
        write_rev(&p, &rev(id).down(&[parent]).message(id), &table_rev(id));
    }
    (p, trunk[n - 1].clone(), side[0].clone())
}

/// On generated graphs: the catalog built from base is the same before and
/// after the rebase; a database at a revision of the old graph upgrades to
/// the new head, unless it ran a moved revision, which makes the rebase
/// refuse with the reason before anything changes.
fn generated_graphs_upgrade_the_same(kind: Kind) {
    for seed in [7, 21, 1234] {
        let (p, trunk_head, side) = generated(seed, 6);
        let reference = Db::fresh_named(kind, &p, "reference.db");
        reference.ok(&p, &["upgrade", "heads"]);
        let catalog = reference.catalog();
        let old_revisions: Vec<String> = p
            .ok(&["history"])
            .stdout
            .lines()
            .map(|l| {
                l.split(" -> ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .trim_end_matches(',')
                    .to_owned()
            })
            .collect();
        // One database at each revision of the old graph.
        let at: Vec<(String, Db)> = old_revisions
            .iter()
            .map(|r| {
                let db = Db::fresh_named(kind, &p, &format!("at_{r}.db"));
                db.ok(&p, &["upgrade", r]);
                (r.clone(), db)
            })
            .collect();
        // A database that ran a side revision blocks the rebase.
        let blocked = at.iter().find(|(r, _)| r.starts_with('s')).unwrap();
        let run = blocked.1.fails(&p, &["rebase", &side]);
        run.stderr_has(&format!("cannot rebase {side}"));
        // Without the check (the other databases are the ones that move).
        p.ok(&[
            "rebase",
            &side,
            "--onto",
            &trunk_head,
            "--no-database-check",
        ]);
        let heads = p.ok(&["heads"]).stdout;
        assert_eq!(heads.lines().count(), 1, "seed {seed}: {heads}");
        let fresh = Db::fresh_named(kind, &p, "after.db");
        fresh.ok(&p, &["upgrade", "head"]);
        assert_eq!(fresh.catalog(), catalog, "seed {seed}");
        for (r, db) in at.iter().filter(|(r, _)| !r.starts_with('s')) {
            // The databases that ran a moved revision are the ones the
            // rebase refused above; every other one carries on.
            db.ok(&p, &["upgrade", "head"]);
            assert_eq!(db.catalog(), catalog, "seed {seed}, at {r}");
        }
    }
}

per_db!(generated_graphs_upgrade_the_same);
