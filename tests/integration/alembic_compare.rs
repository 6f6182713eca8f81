//! retort against Alembic 1.20.1, command by command, on one revision graph
//! with branches, a merge, branch labels, `depends_on` across branches and
//! two bases.
//!
//! `scripts/alembic-record` built the graph as an Alembic project, ran each
//! command with Alembic and recorded what it printed in
//! `tests/integration/alembic/<scenario>.txt`; it also wrote the same graph
//! as retort revision files in `tests/integration/alembic/versions/`. Each
//! test here copies those files into a `retort init` project, runs the same
//! commands with retort (the database ones on a fresh SQLite file) and
//! compares:
//!
//! - where Alembic succeeded: retort succeeds and prints the same stdout,
//!   after [`normalize`] (file paths, and the lists Alembic takes from a
//!   Python set, which it prints in hash order);
//! - where Alembic failed: retort fails too, and its message names the
//!   revisions recorded under `> names:` (retort's wording differs).
//!
//! A few cases are deliberate differences, or commands Alembic crashes on,
//! listed in [`DIFFERENCES`] with what retort does instead. Every mismatch
//! of a scenario is reported at once, each with its command and a line
//! diff.
//!
//! The graph (labels in parentheses; `depends_on` listed below it):
//!
//! ```text
//! acc10001 - acc20002 - acc30003 -+- fea10001 - fea20002 - fea30003 -+- mrg10001 - mrg20002
//!                                 |  (feature)                       |  (merge point)
//!                                 +- fix10001 - fix20002 ------------+
//!                                 |  (fix)
//!                                 +- hot10001 - hot20002
//!                                    (hotfix)   (effective head)
//!
//! rep10001 - rep20002 -+- rep30003 - rep40004
//! (reports)            +- sid10001 (side)
//!
//! rep20002 depends on fea20002, rep30003 on hot20002, rep40004 on `fix`
//! (fix10001) and fea20002 (already implied by rep20002's dependency).
//! ```

use std::path::{Path, PathBuf};

use crate::harness::{Project, Run};

/// One recorded command.
#[derive(Debug)]
struct Case {
    /// The arguments after `alembic` / `retort`.
    args: String,
    /// Alembic's exit status.
    exit: i32,
    /// Alembic's error line, on failure.
    error: Option<String>,
    /// Words retort's error must contain too.
    names: Vec<String>,
    /// Alembic's stdout.
    stdout: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/alembic")
}

/// Reads `<scenario>.txt` (format: see `scripts/alembic-record`).
fn read_cases(scenario: &str) -> Vec<Case> {
    let path = fixtures().join(format!("{scenario}.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {}: {e}; run scripts/alembic-record", path.display()));
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(args) = line.strip_prefix("$ ") {
            cases.push(Case {
                args: args.to_owned(),
                exit: 0,
                error: None,
                names: Vec::new(),
                stdout: String::new(),
            });
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("{}: a line before the first `$`", path.display()));
        if let Some(code) = line.strip_prefix("> exit ") {
            case.exit = code.parse().expect("an exit status");
        } else if let Some(error) = line.strip_prefix("> error: ") {
            case.error = Some(error.to_owned());
        } else if let Some(names) = line.strip_prefix("> names: ") {
            case.names = names.split_whitespace().map(str::to_owned).collect();
        } else if line == "|" {
            case.stdout.push('\n');
        } else if let Some(out) = line.strip_prefix("| ") {
            case.stdout.push_str(out);
            case.stdout.push('\n');
        } else {
            panic!("{}: cannot read line {line:?}", path.display());
        }
    }
    cases
}

/// What retort does where it deliberately differs from Alembic, or where
/// Alembic crashes: the command (and which of its runs in the scenario,
/// from 1), why, and the stdout retort gives (it succeeds).
struct Difference {
    scenario: &'static str,
    args: &'static str,
    occurrence: usize,
    why: &'static str,
    /// retort's stdout, after [`normalize`].
    stdout: &'static str,
}

/// `show` resolves relative expressions anchored at a revision (SPEC:
/// `rev+N`); Alembic's `show` reads only what `get_revisions` does.
const SHOW_RELATIVE: &str = "retort's `show` reads `rev+N` and `rev-N`, Alembic's does not";

/// Alembic's `_topological_sort` asserts when the range's lower end is not
/// below any real head (an effective head, which only a `depends_on`
/// reaches): `assert not todo`. retort lists the range.
const EFFECTIVE_HEAD_RANGE: &str =
    "Alembic fails an assertion on a range starting at an effective head; retort lists it";

/// `downgrade -1` on a database at base: Alembic fails with "Relative
/// revision -1 didn't produce 1 migrations"; retort has nothing to do, as
/// `upgrade` at the head (README, "What retort chose").
const DOWNGRADE_AT_BASE: &str =
    "retort's `downgrade -N` at base has nothing to do and succeeds, as `upgrade` at the head";

const DIFFERENCES: &[Difference] = &[
    Difference {
        scenario: "db_heads",
        args: "downgrade -1",
        occurrence: 1,
        why: DOWNGRADE_AT_BASE,
        stdout: "",
    },
    Difference {
        scenario: "db_linear_head",
        args: "downgrade -1",
        occurrence: 3,
        why: DOWNGRADE_AT_BASE,
        stdout: "",
    },
    Difference {
        scenario: "db_upgrade_rev",
        args: "downgrade -1",
        occurrence: 1,
        why: DOWNGRADE_AT_BASE,
        stdout: "",
    },
    Difference {
        scenario: "show",
        args: "show acc20002+1",
        occurrence: 1,
        why: SHOW_RELATIVE,
        stdout: "Rev: acc30003 (branchpoint)\n\
                 Parent: acc20002\n\
                 Branches into: fea10001, fix10001, hot10001\n\
                 Path: migrations/versions/acc30003\n\
                 \n    add phone\n\n",
    },
    Difference {
        scenario: "show",
        args: "show fea10001+2",
        occurrence: 1,
        why: SHOW_RELATIVE,
        stdout: "Rev: fea30003\n\
                 Parent: fea20002\n\
                 Branch names: feature\n\
                 Path: migrations/versions/fea30003\n\
                 \n    feature indexes\n\n",
    },
    Difference {
        scenario: "show",
        args: "show rep30003-1",
        occurrence: 1,
        why: SHOW_RELATIVE,
        stdout: "Rev: rep20002 (branchpoint)\n\
                 Parent: rep10001\n\
                 Also depends on: fea20002\n\
                 Branches into: rep30003, sid10001\n\
                 Branch names: reports\n\
                 Path: migrations/versions/rep20002\n\
                 \n    reports need feature tables\n\n",
    },
    Difference {
        scenario: "history",
        args: "history -r hot20002:",
        occurrence: 1,
        why: EFFECTIVE_HEAD_RANGE,
        stdout: "hot10001 -> hot20002 (hotfix) (effective head), hotfix patch\n",
    },
    Difference {
        scenario: "db_upgrade_label_head",
        args: "history -r current:",
        occurrence: 1,
        why: EFFECTIVE_HEAD_RANGE,
        stdout: "hot10001 -> hot20002 (hotfix) (effective head), hotfix patch\n",
    },
    Difference {
        scenario: "db_upgrade_label_head",
        args: "history -r current:",
        occurrence: 2,
        why: EFFECTIVE_HEAD_RANGE,
        stdout: "mrg10001 -> mrg20002 (feature, fix) (head), after merge\n\
                 hot10001 -> hot20002 (hotfix) (effective head), hotfix patch\n",
    },
    Difference {
        scenario: "db_upgrade_label_head",
        args: "history -r current:heads",
        occurrence: 1,
        why: EFFECTIVE_HEAD_RANGE,
        stdout: "mrg10001 -> mrg20002 (feature, fix) (head), after merge\n\
                 hot10001 -> hot20002 (hotfix) (effective head), hotfix patch\n",
    },
];

/// Makes outputs comparable: paths shortened to the folder and revision id
/// (Alembic's files are `<id>_<slug>.py` under the temporary folder,
/// retort's `<id>.toml`, relative), and Python's set order replaced by a
/// sorted one: the branch labels in parentheses, `Branch names:`,
/// `Branches into:`, the children lines of `branches`, and the revisions
/// `current` (and `show current`) lists.
fn normalize(args: &str, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(normalize_line).collect();
    // `branches`: the ` -> child` lines under each branch point.
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("-> ") {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with("-> ") {
                i += 1;
            }
            lines[start..i].sort();
        } else {
            i += 1;
        }
    }
    let unordered =
        matches!(args.split_whitespace().next(), Some("current")) || args.trim() == "show current";
    if unordered {
        lines = sort_entries(lines);
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Sorts the entries of a listing: verbose entries (from a `Rev:` line to
/// the next) as blocks, or else each line; lines before the first entry
/// (the `current --verbose` header) stay first.
fn sort_entries(lines: Vec<String>) -> Vec<String> {
    let Some(first) = lines.iter().position(|l| l.starts_with("Rev: ")) else {
        let mut lines = lines;
        lines.sort();
        return lines;
    };
    let mut head: Vec<String> = lines[..first].to_vec();
    let mut blocks: Vec<Vec<String>> = Vec::new();
    for line in &lines[first..] {
        if line.starts_with("Rev: ") {
            blocks.push(Vec::new());
        }
        blocks.last_mut().expect("a block").push(line.clone());
    }
    blocks.sort();
    head.extend(blocks.into_iter().flatten());
    head
}

fn normalize_line(line: &str) -> String {
    if let Some(path) = line.strip_prefix("Path: ") {
        let path = path.strip_prefix("<tmp>/").unwrap_or(path);
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let id = file.split(['_', '.']).next().unwrap_or(file);
        return format!("Path: {dir}/{id}");
    }
    for key in ["Branch names: ", "Branches into: "] {
        if let Some(list) = line.strip_prefix(key) {
            let mut items: Vec<&str> = list.split(", ").collect();
            items.sort_unstable();
            return format!("{key}{}", items.join(", "));
        }
    }
    sort_label_groups(line)
}

/// Sorts the items of each `(a, b)` group that is not a dependency list
/// (those come before ` -> `, in written order).
fn sort_label_groups(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 1..close];
        let after = &rest[close + 1..];
        if inner.contains(", ") && !after.starts_with(" -> ") {
            let mut items: Vec<&str> = inner.split(", ").collect();
            items.sort_unstable();
            out.push('(');
            out.push_str(&items.join(", "));
            out.push(')');
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A line diff of `expected` (Alembic) and `actual` (retort): `-` lines
/// only Alembic printed, `+` lines only retort printed, with two lines of
/// context around each change.
fn diff(expected: &str, actual: &str) -> String {
    const CONTEXT: usize = 2;
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence, by dynamic programming (small texts).
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (mark, line) for the whole texts.
    let mut all: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            all.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            all.push(('-', a[i]));
            i += 1;
        } else {
            all.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(all.len());
        all[lo..hi].iter().any(|(m, _)| *m != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (mark, line)) in all.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("   ...\n");
                skipped = false;
            }
            out.push_str(&format!(" {mark} {line}\n"));
        } else {
            skipped = true;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n')
        && !(expected.is_empty() || actual.is_empty())
    {
        out.push_str(" (the final newline differs)\n");
    }
    out
}

/// The fixture project: `retort init`, the graph's files, and an SQLite
/// database `app.db` (not created until a command needs it).
fn project() -> (Project, String) {
    let p = Project::init();
    let versions = fixtures().join("versions");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&versions)
        .unwrap_or_else(|e| panic!("read {}: {e}", versions.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    names.sort();
    for file in names {
        let name = file.file_name().expect("a file name").to_string_lossy();
        let text = std::fs::read_to_string(&file).expect("read a revision file");
        p.write(&format!("migrations/versions/{name}"), &text);
    }
    let url = format!("sqlite:///{}", p.path("app.db").display());
    (p, url)
}

/// Runs every case of `scenario` in order on a fresh project and database,
/// and fails listing every mismatch.
fn scenario(scenario: &str) {
    let cases = read_cases(scenario);
    assert!(!cases.is_empty(), "{scenario}: no case recorded");
    let (p, url) = project();
    let mut failures: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for case in &cases {
        seen.push(&case.args);
        let occurrence = seen.iter().filter(|a| **a == case.args).count();
        let mut args: Vec<&str> = vec!["--url", &url];
        args.extend(case.args.split_whitespace());
        let run = p.run(&args);
        if let Some(problem) = compare(&p, scenario, case, occurrence, &run) {
            failures.push(format!(
                "`{}`: {problem}\n--- retort stderr ---\n{}",
                case.args,
                p.redact(&run.stderr).trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{scenario}: {} of {} commands differ from Alembic 1.20.1 \
         (tests/integration/alembic/{scenario}.txt):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// What is wrong with retort's `run` of `case`, if anything.
fn compare(
    p: &Project,
    scenario: &str,
    case: &Case,
    occurrence: usize,
    run: &Run,
) -> Option<String> {
    if run.stderr.contains("panicked") || run.stderr.contains("stack backtrace") {
        return Some("retort panicked".into());
    }
    let actual = normalize(&case.args, &p.redact(&run.stdout));
    if let Some(d) = DIFFERENCES
        .iter()
        .find(|d| d.scenario == scenario && d.args == case.args && d.occurrence == occurrence)
    {
        let expected = normalize(&case.args, d.stdout);
        if run.code != 0 {
            return Some(format!(
                "a known difference ({}): retort was expected to succeed, it exited with {}",
                d.why, run.code
            ));
        }
        if actual != expected {
            return Some(format!(
                "a known difference ({}): retort's output changed (- expected, + retort):\n{}",
                d.why,
                diff(&expected, &actual)
            ));
        }
        return None;
    }
    let error = case.error.as_deref().unwrap_or("");
    if error.starts_with("Traceback") {
        return Some(format!(
            "Alembic crashes here ({error}), so it sets no reference: list what retort \
             does in DIFFERENCES; retort exits with {} and prints:\n{}",
            run.code,
            indent(&actual)
        ));
    }
    if case.exit != 0 {
        if run.code == 0 {
            return Some(format!(
                "Alembic fails ({error}), retort succeeds and prints:\n{}",
                indent(&actual)
            ));
        }
        let missing: Vec<&str> = case
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| !run.stderr.contains(n))
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "both fail, but retort's message does not name {} (Alembic: {error})",
                missing.join(", ")
            ));
        }
        return None;
    }
    if run.code != 0 {
        return Some(format!(
            "Alembic succeeds, retort exits with {}; Alembic prints:\n{}",
            run.code,
            indent(&normalize(&case.args, &case.stdout))
        ));
    }
    let expected = normalize(&case.args, &case.stdout);
    if actual != expected {
        return Some(format!(
            "stdout differs (- Alembic, + retort):\n{}",
            diff(&expected, &actual)
        ));
    }
    None
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "   (nothing)".into();
    }
    text.lines().map(|l| format!("   {l}\n")).collect()
}

/// `heads`, `heads -v`, `heads --resolve-dependencies`, `branches`,
/// `branches -v`.
#[test]
fn alembic_heads_branches() {
    scenario("heads_branches");
}

/// `history`, `history -v` and ranges: ids, labels, `label@base`,
/// `label@head`, relative ends, errors.
#[test]
fn alembic_history() {
    scenario("history");
}

/// `show` of ids, prefixes, labels, `heads`, `base`, `label@head`,
/// relative expressions.
#[test]
fn alembic_show() {
    scenario("show");
}

/// Unknown, ambiguous and out-of-range expressions.
#[test]
fn alembic_errors() {
    scenario("errors");
}

/// `upgrade REV` on one branch, then `current`, `history -i`, ranges with
/// `current`, `show current`, relative moves, `downgrade -1` at base.
#[test]
fn alembic_db_upgrade_rev() {
    scenario("db_upgrade_rev");
}

/// `upgrade` of revisions that depend on other branches.
#[test]
fn alembic_db_upgrade_depends() {
    scenario("db_upgrade_depends");
}

/// `upgrade label@head` on two branches, `downgrade label@-N`.
#[test]
fn alembic_db_upgrade_label_head() {
    scenario("db_upgrade_label_head");
}

/// `stamp` with several revisions, `--purge`, and ranges from `current`.
#[test]
fn alembic_db_stamp_several() {
    scenario("db_stamp_several");
}

/// `upgrade heads` twice, downgrades down to base.
#[test]
fn alembic_db_heads() {
    scenario("db_heads");
}

/// One line: `upgrade` at its head, relative steps, errors.
#[test]
fn alembic_db_linear_head() {
    scenario("db_linear_head");
}

#[test]
fn alembic_normalize_sorts_set_ordered_lists() {
    assert_eq!(
        normalize_line("rep30003 (fix, fea20002) -> rep40004 (reports, a) (head), x"),
        "rep30003 (fix, fea20002) -> rep40004 (a, reports) (head), x"
    );
    assert_eq!(
        normalize_line("Path: <tmp>/migrations/versions/acc10001_create_accounts.py"),
        "Path: migrations/versions/acc10001"
    );
    assert_eq!(
        normalize_line("Path: migrations/versions/acc10001.toml"),
        "Path: migrations/versions/acc10001"
    );
    assert_eq!(normalize("current", "b (head)\na\n"), "a\nb (head)\n");
    assert!(diff("a\nb\n", "a\nc\n").contains(" - b\n + c\n"));
}
