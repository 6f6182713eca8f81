//! The test harness: a throwaway project folder, the `retort` binary run in
//! it, and revision files written directly for graph fixtures.
//!
//! Every assertion helper prints the command line and both output streams
//! when it fails, so a failure reads as expected-vs-got without re-running.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use retort_db::{DatabaseUrl, connect};
use tempfile::TempDir;

/// The outcome of one `retort` run.
pub struct Run {
    /// The arguments given after `retort`.
    pub args: Vec<String>,
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// The run, for failure messages: command, exit code and both streams.
    pub fn describe(&self) -> String {
        format!(
            "`retort {}` exited with {}\n--- stdout ---\n{}--- stderr ---\n{}--------------",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Asserts stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "expected stdout to contain {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn code_is(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code\n{}", self.describe());
        self
    }
}

/// A project folder in a fresh temporary directory; `retort` runs with the
/// temporary directory as its working directory, so the default `-d` is
/// `<tmp>/migrations`.
pub struct Project {
    tmp: TempDir,
}

impl Project {
    /// An empty temporary directory: no project yet.
    pub fn empty() -> Project {
        Project {
            tmp: tempfile::Builder::new()
                .prefix("retort-it-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// A project made by `retort init` (the generic template).
    pub fn init() -> Project {
        let p = Project::empty();
        p.ok(&["init"]);
        p
    }

    /// The temporary directory (the working directory of every run).
    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// `<tmp>/<rel>`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// A `retort` command with the given arguments, ready to run in the
    /// project: no editor, no database URL from the environment, and
    /// backtraces switched on so that one leaking into an error shows.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("retort").expect("the retort binary is built");
        cmd.current_dir(self.root())
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("DATABASE_URL")
            .env("RUST_BACKTRACE", "1")
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    /// Runs a prepared command (see [`Project::command`]).
    pub fn run_command(&self, mut cmd: Command, args: &[&str]) -> Run {
        let out = cmd.output().expect("run retort");
        Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `retort ARGS` and returns whatever happened.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_command(self.command(args), args)
    }

    /// Runs `retort ARGS`, asserting exit code 0.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "expected success\n{}", run.describe());
        run
    }

    /// Runs `retort ARGS`, asserting a clean failure (see [`assert_clean_failure`]).
    #[track_caller]
    pub fn fails(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_clean_failure(&run);
        run
    }

    /// Writes `<tmp>/<rel>`, creating folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create folders");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Appends to `<tmp>/<rel>`.
    pub fn append(&self, rel: &str, text: &str) {
        let old = self.read(rel);
        self.write(rel, &format!("{old}{text}"));
    }

    /// Reads `<tmp>/<rel>`.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Writes an executable shell script `<tmp>/<name>` and returns its path.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        self.write(name, &format!("#!/bin/sh\n{body}\n"));
        let path = self.path(name);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod +x");
        path
    }

    /// The file names in `migrations/versions`, sorted.
    pub fn version_files(&self) -> Vec<String> {
        self.files_in("migrations/versions")
    }

    /// The file names in `<tmp>/<rel>`, sorted (empty when it does not exist).
    pub fn files_in(&self, rel: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.path(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|e| {
                e.expect("read dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// The only file in `migrations/versions` whose name starts with `prefix`.
    #[track_caller]
    pub fn version_file(&self, prefix: &str) -> String {
        let found: Vec<String> = self
            .version_files()
            .into_iter()
            .filter(|f| f.starts_with(prefix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one file starting with {prefix:?} in versions/, got {found:?}"
        );
        self.read(&format!("migrations/versions/{}", found[0]))
    }

    /// Every file under the temporary directory with its contents (folders
    /// as `<dir>`): compare before and after to prove nothing changed.
    pub fn tree(&self) -> BTreeMap<String, String> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
            for entry in std::fs::read_dir(dir).expect("read dir") {
                let path = entry.expect("dir entry").path();
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                if path.is_dir() {
                    out.insert(rel, "<dir>".into());
                    walk(root, &path, out);
                } else {
                    out.insert(
                        rel,
                        std::fs::read_to_string(&path).unwrap_or_else(|_| "<binary>".into()),
                    );
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(self.root(), self.root(), &mut out);
        out
    }

    /// Asserts the files under the temporary directory are exactly `before`
    /// (a [`Project::tree`]), naming only what was added, removed or changed.
    #[track_caller]
    pub fn assert_unchanged(&self, before: &BTreeMap<String, String>) {
        let after = self.tree();
        let mut diff = String::new();
        for (path, text) in &after {
            match before.get(path) {
                None => diff.push_str(&format!("added {path}:\n{text}\n")),
                Some(old) if old != text => diff.push_str(&format!(
                    "changed {path}:\n--- before ---\n{old}\n--- after ---\n{text}\n"
                )),
                Some(_) => {}
            }
        }
        for path in before.keys().filter(|p| !after.contains_key(*p)) {
            diff.push_str(&format!("removed {path}\n"));
        }
        assert!(
            diff.is_empty(),
            "expected no change to the project, got:\n{diff}"
        );
    }

    /// Writes `migrations/versions/<id>.toml` for `rev`.
    pub fn add(&self, rev: &Rev) {
        self.write(
            &format!("migrations/versions/{}.toml", rev.id),
            &rev.to_toml(),
        );
    }

    /// `text` with dates and the temporary directory made stable for snapshots.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        let mut roots = vec![self.root().display().to_string()];
        if let Ok(canon) = self.root().canonicalize() {
            roots.push(canon.display().to_string());
        }
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        for root in roots {
            text = text.replace(&root, "<tmp>");
        }
        redact_dates(&text)
    }
}

/// Asserts a failure as SPEC section 5 wants it: exit code 1, a message
/// starting with `error:` on stderr, no panic and no backtrace.
#[track_caller]
pub fn assert_clean_failure(run: &Run) {
    assert_eq!(run.code, 1, "expected exit code 1\n{}", run.describe());
    assert!(
        run.stderr.trim_start().starts_with("error:"),
        "expected stderr to start with `error:`\n{}",
        run.describe()
    );
    for bad in [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "Stack backtrace",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "stderr shows {bad:?}\n{}",
            run.describe()
        );
    }
}

/// Replaces every `YYYY-MM-DD HH:MM:SS` with `<date>`.
pub fn redact_dates(text: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd:dd";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let fits = bytes.len() - i >= SHAPE.len()
            && SHAPE.iter().zip(&bytes[i..]).all(|(s, b)| match s {
                b'd' => b.is_ascii_digit(),
                s => s == b,
            });
        if fits {
            out.push_str("<date>");
            i += SHAPE.len();
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The value written after `key = ` on its own line of a TOML file, if any.
pub fn toml_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.trim_start();
        Some(rest.strip_prefix('=')?.trim())
    })
}

/// A revision file to write directly (a graph fixture).
#[derive(Clone, Debug, Default)]
pub struct Rev {
    /// `revision`.
    pub id: String,
    /// `down_revision`: none for a base, one string, or an array for a merge.
    pub down: Vec<String>,
    /// `branch_labels`.
    pub labels: Vec<String>,
    /// `depends_on`.
    pub depends: Vec<String>,
    /// `message`.
    pub message: String,
}

/// A revision with this id and no parent.
pub fn rev(id: &str) -> Rev {
    Rev {
        id: id.to_owned(),
        ..Rev::default()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

impl Rev {
    /// Sets `down_revision`.
    pub fn down(mut self, parents: &[&str]) -> Rev {
        self.down = strings(parents);
        self
    }

    /// Sets `branch_labels`.
    pub fn labels(mut self, labels: &[&str]) -> Rev {
        self.labels = strings(labels);
        self
    }

    /// Sets `depends_on`.
    pub fn depends(mut self, deps: &[&str]) -> Rev {
        self.depends = strings(deps);
        self
    }

    /// Sets `message`.
    pub fn message(mut self, message: &str) -> Rev {
        self.message = message.to_owned();
        self
    }

    /// The file's text, shaped as SPEC section 3 shows.
    pub fn to_toml(&self) -> String {
        let mut text = format!("revision = {:?}\n", self.id);
        match self.down.as_slice() {
            [] => {}
            [one] => text.push_str(&format!("down_revision = {one:?}\n")),
            many => text.push_str(&format!("down_revision = {}\n", toml_list(many))),
        }
        if !self.labels.is_empty() {
            text.push_str(&format!("branch_labels = {}\n", toml_list(&self.labels)));
        }
        if !self.depends.is_empty() {
            text.push_str(&format!("depends_on = {}\n", toml_list(&self.depends)));
        }
        text.push_str(&format!("message = {:?}\n", self.message));
        text
    }
}

/// A server URL from the test server variable `var`, its server started on
/// first use; panics (the test fails, it is never skipped) when there is
/// none.
fn env_url(var: &str) -> String {
    crate::servers::var(var)
}

/// The URL of PgBouncer in transaction pooling mode in front of the
/// PostgreSQL test server (`RETORT_TEST_PGBOUNCER_URL`), on its `postgres`
/// database; any database name is forwarded to that server.
pub fn pgbouncer_url() -> String {
    env_url("RETORT_TEST_PGBOUNCER_URL")
}

/// The URLs of the Galera test cluster's three nodes, node 1 first
/// (`RETORT_TEST_GALERA_URLS`, comma-separated), on their `mysql` database.
pub fn galera_urls() -> Vec<String> {
    let urls: Vec<String> = env_url("RETORT_TEST_GALERA_URLS")
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(urls.len(), 3, "RETORT_TEST_GALERA_URLS: {urls:?}");
    urls
}

/// `url` (`scheme://auth@host:port/database`) with its database replaced by
/// `name`.
fn url_with_database(url: &str, name: &str) -> String {
    let (server, _) = url
        .rsplit_once('/')
        .unwrap_or_else(|| panic!("{url}: no database"));
    format!("{server}/{name}")
}

/// Connects with retort's own driver, or fails the test naming the server.
fn connect_to(url: &str) -> Result<Box<dyn retort_db::Connection>, retort_db::DbError> {
    let parsed = DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{e}"));
    connect(&parsed)
}

/// A database of its own for one test on the Galera cluster: created
/// through node 1 (Galera replicates `CREATE DATABASE` to the others),
/// present on every node when [`ClusterDb::fresh`] returns, and dropped at
/// the end through the first node still up (a test may kill one).
///
/// Galera's reads are not causal by default: a row committed through one
/// node may not be visible through another for a moment.
pub struct ClusterDb {
    /// The database's URL on each node, node 1 first: give one to
    /// `retort --url`.
    pub urls: Vec<String>,
    /// The database's name.
    pub name: String,
    admins: Vec<String>,
}

impl ClusterDb {
    /// A fresh, empty database on the cluster.
    pub fn fresh() -> ClusterDb {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::{Duration, Instant};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let admins = galera_urls();
        let name = format!(
            "rt_cluster_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut node1 =
            connect_to(&admins[0]).unwrap_or_else(|e| panic!("{e}\n{}", crate::servers::HOW));
        node1
            .execute(&format!("CREATE DATABASE `{name}`"))
            .unwrap_or_else(|e| panic!("{e}"));
        let urls: Vec<String> = admins.iter().map(|a| url_with_database(a, &name)).collect();
        // The other nodes apply the CREATE DATABASE a moment later.
        for url in &urls[1..] {
            let deadline = Instant::now() + Duration::from_secs(30);
            while let Err(e) = connect_to(url) {
                assert!(
                    Instant::now() < deadline,
                    "{name} did not reach another node within 30 s: {e}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        ClusterDb { urls, name, admins }
    }
}

impl Drop for ClusterDb {
    fn drop(&mut self) {
        for admin in &self.admins {
            if let Ok(mut conn) = connect_to(admin) {
                // A failed drop only leaves a database on a throw-away cluster.
                let _ = conn.execute(&format!("DROP DATABASE IF EXISTS `{}`", self.name));
                return;
            }
        }
    }
}
