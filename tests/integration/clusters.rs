//! The command line against the clustered servers that `./scripts/test.sh`
//! starts: PgBouncer in transaction pooling mode and each node of the
//! MariaDB Galera cluster. Concurrent runs through different nodes (and
//! through the pooler) apply every revision exactly once and all exit 0;
//! a node killed in the middle leaves the cluster consistent.
//!
//! The Galera tests share one cluster and one of them kills (and restarts)
//! a node: `.config/nextest.toml` runs every test named `galera` one at a
//! time.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use retort::db::Connection;

use crate::harness::{ClusterDb, Project, galera_urls, pgbouncer_url, rev};
use crate::migrate_db::write_rev;

/// Revisions in the chain each trial upgrades.
const CHAIN: usize = 4;
/// Trials per way of starting the runs.
const TRIALS: usize = 20;

fn id(i: usize) -> String {
    format!("a1000000000{i}")
}

/// The chain: the first revision creates `applied` (with a primary key, as
/// the cluster requires); each inserts its own row into it and creates a
/// table, so a revision applied twice shows as two rows or fails.
fn write_chain(p: &Project) {
    for i in 1..=CHAIN {
        let mut body = String::new();
        if i == 1 {
            body.push_str(
                "\n[[upgrade]]\nop = \"create_table\"\ntable = \"applied\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"rev\", type = \"varchar(20)\", nullable = false }]\n",
            );
        }
        body.push_str(&format!(
            "\n[[upgrade]]\nop = \"create_table\"\ntable = \"t{i}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO applied (rev) VALUES ('r{i}')\"\n"
        ));
        let mut r = rev(&id(i));
        if i > 1 {
            r = r.down(&[&id(i - 1)]);
        }
        write_rev(p, &r, &body);
    }
}

/// Starts `retort --url URL upgrade head` after `delay`.
fn start(p: &Project, url: &str, delay: Duration) -> std::thread::JoinHandle<Output> {
    let bin = assert_cmd::cargo::cargo_bin("retort");
    let root = p.root().to_owned();
    let url = url.to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        Command::new(bin)
            .current_dir(root)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .args(["--url", &url, "upgrade", "head"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run retort")
    })
}

/// Runs one `upgrade head` per URL at once (each after its delay); every
/// run must exit 0.
#[track_caller]
fn race(p: &Project, urls: &[String], delays: &[Duration], trial: &str) {
    let runs: Vec<_> = urls
        .iter()
        .zip(delays)
        .map(|(url, delay)| start(p, url, *delay))
        .collect();
    for (n, run) in runs.into_iter().enumerate() {
        let out = run.join().expect("the runner thread");
        assert!(
            out.status.success(),
            "{trial}: run {} through {} failed ({})\n--- stderr ---\n{}",
            n + 1,
            urls[n],
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The `rev` column of `applied`, sorted, read through `url`.
fn applied(url: &str) -> Vec<String> {
    let mut conn = connect(url);
    let mut revs: Vec<String> = conn
        .query_column("SELECT rev FROM applied")
        .unwrap_or_else(|e| panic!("{e}"));
    revs.sort();
    revs
}

fn connect(url: &str) -> Box<dyn Connection> {
    let url = retort::db::DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{e}"));
    retort::db::connect(&url).unwrap_or_else(|e| panic!("{e}"))
}

fn expected() -> Vec<String> {
    (1..=CHAIN).map(|i| format!("r{i}")).collect()
}

/// A small deterministic generator for the staggered starts.
struct Random(u64);

impl Random {
    fn delay(&mut self, max_ms: u64) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_millis(self.0 % max_ms.max(1))
    }
}

#[test]
fn current_through_pgbouncer_on_a_database_without_revisions() {
    let p = Project::init();
    let run = p.ok(&["--url", &pgbouncer_url(), "current"]);
    assert_eq!(run.stdout, "", "{}", run.describe());
}

/// Three runs through PgBouncer (transaction pooling, where session
/// advisory locks do not hold), at once and staggered: each revision's
/// INSERT runs once, and all exit 0.
#[test]
fn concurrent_upgrades_through_pgbouncer_apply_each_revision_once() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for trial in 0..2 * TRIALS {
        let p = Project::init();
        write_chain(&p);
        let db = crate::migrate_db::Db::fresh(crate::migrate_db::Kind::Postgres, &p);
        // The same database, through the pooler.
        let name = db.url.rsplit('/').next().unwrap().to_owned();
        let via = format!("{}/{name}", pgbouncer_url().rsplit_once('/').unwrap().0);
        let urls = vec![via.clone(), via.clone(), via.clone()];
        let staggered = trial >= TRIALS;
        let delays: Vec<Duration> = (0..3)
            .map(|_| {
                if staggered {
                    random.delay(300)
                } else {
                    Duration::ZERO
                }
            })
            .collect();
        race(&p, &urls, &delays, &format!("pgbouncer trial {trial}"));
        assert_eq!(applied(&via), expected(), "pgbouncer trial {trial}");
    }
}

/// Three runs, one through each Galera node, at once and staggered: each
/// revision's INSERT runs once, and all exit 0. Then a node is killed in
/// the middle of a race: the runs through the other nodes finish, the one
/// through the dead node fails cleanly, and every revision ran once.
#[test]
fn concurrent_upgrades_through_three_galera_nodes_apply_each_revision_once() {
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    for trial in 0..2 * TRIALS {
        let p = Project::init();
        write_chain(&p);
        let db = ClusterDb::fresh();
        let staggered = trial >= TRIALS;
        let delays: Vec<Duration> = (0..3)
            .map(|_| {
                if staggered {
                    random.delay(400)
                } else {
                    Duration::ZERO
                }
            })
            .collect();
        race(&p, &db.urls, &delays, &format!("galera trial {trial}"));
        for url in &db.urls {
            assert_eq!(
                applied(url),
                expected(),
                "galera trial {trial}, read through {url}"
            );
        }
    }
    killing_a_galera_node_mid_upgrade_leaves_each_revision_applied_once();
}

/// Kills node 3 while three runs race, then restarts it with the same
/// command line and waits until it is back in the cluster.
fn killing_a_galera_node_mid_upgrade_leaves_each_revision_applied_once() {
    // Node 3's server process, found by its port (a test run before may
    // have restarted it under another process id).
    let port = galera_urls()[2]
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next().map(str::to_owned))
        .expect("node 3's port");
    let (victim, cmdline) = std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find_map(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let text = String::from_utf8_lossy(&cmdline);
            (text.contains(&format!("--port={port}\0")) && text.contains("--wsrep-on"))
                .then_some((pid, cmdline))
        })
        .expect("node 3's server process");
    let argv: Vec<String> = cmdline
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();

    let p = Project::init();
    write_chain(&p);
    let db = ClusterDb::fresh();
    let runs: Vec<_> = db
        .urls
        .iter()
        .map(|url| start(&p, url, Duration::ZERO))
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    Command::new("kill")
        .args(["-9", &victim.to_string()])
        .status()
        .expect("kill node 3");
    let outputs: Vec<Output> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    for (n, out) in outputs.iter().enumerate().take(2) {
        assert!(
            out.status.success(),
            "the run through node {} failed ({})\n{}",
            n + 1,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let third = String::from_utf8_lossy(&outputs[2].stderr);
    assert!(
        outputs[2].status.success() || third.contains("error:"),
        "the run through the killed node failed without an error message\n{third}"
    );
    assert!(!third.contains("panicked"), "{third}");
    // The surviving nodes agree, and every revision ran once.
    assert_eq!(applied(&db.urls[0]), expected());
    assert_eq!(applied(&db.urls[1]), expected());

    restart_node(&argv, &galera_urls()[2]);
    assert_eq!(applied(&db.urls[2]), expected(), "node 3 after rejoining");
}

/// Starts a Galera node again with `argv` and waits until it is synced.
/// The node outlives the test (the test script stops it with the others),
/// so it is never waited for.
#[allow(clippy::zombie_processes)]
fn restart_node(argv: &[String], admin_url: &str) {
    let log = std::fs::File::create(std::env::temp_dir().join("retort-galera-node3-restart.log"))
        .expect("a log file");
    Command::new(&argv[0])
        .args(&argv[1..])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("restart node 3");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let url = retort::db::DatabaseUrl::parse(admin_url).unwrap();
        if let Ok(mut conn) = retort::db::connect(&url)
            && let Ok(rows) = conn.query_strings("SHOW STATUS LIKE 'wsrep_local_state_comment'")
            && rows
                .first()
                .and_then(|r| r.get(1).cloned().flatten())
                .is_some_and(|s| s == "Synced")
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "node 3 did not rejoin the cluster"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
