//! The guide in `docs/` is tested: every example in every `docs/*.md` and
//! `docs/reference/*.md` runs, in order, in a fresh temporary folder per file, with the `retort` being
//! tested first on `PATH`, and its output must be what the page shows.
//!
//! # The convention
//!
//! Every fenced code block of a page is one of two kinds; any other block
//! (no language, `text`, `rust`, `toml` without `file=`, ...) is an error,
//! so nothing on a page goes untested:
//!
//! - ```` ```console ````: commands and what they print. A line starting
//!   with `$ ` is a command, run with `sh -c` in the page's folder (pipes,
//!   `VAR=value cmd` and `# comments` work as in a shell; a line ending in
//!   `\` continues on the next). The lines after it, up to the next `$ `
//!   line or the end of the block, are its expected output: stdout and
//!   stderr as the user sees them on a terminal (one pipe for both). A
//!   command must exit 0, unless it ends with `# exit N`, e.g.
//!   `$ retort check  # exit 1`. Trailing spaces and trailing blank lines
//!   are ignored. Two wildcards:
//!   - a line that is exactly `...` matches any number of lines (none too);
//!   - `[..]` inside a line matches any text on that line (dates, absolute
//!     paths, random ids).
//! - ```` ```LANG file=PATH ```` (any language, e.g. ```` ```toml
//!   file=migrations/versions/a1_init.toml ````): the block's text is
//!   written to `PATH` (relative to the page's folder, folders created)
//!   before the next command runs. Use it for revision files, models and
//!   `retort.toml`; it replaces the file if it exists.
//!
//! The environment is clean: no `DATABASE_URL`, no `RETORT_*` variable, no
//! editor, `NO_COLOR=1`. Pin revision ids with `--rev-id` so that outputs
//! stay stable. A page without any command, a `$` block that does not
//! start with a command, an unclosed fence, or a `file=` outside the
//! page's folder fails the test; a failing example is reported as
//! `docs/<page>.md:<line>` with the command, the expected and the actual
//! output.
//!
//! `RETORT_DOCS_BLESS=1 cargo nextest run -E 'test(docs)'` rewrites the
//! expected output of every command whose output differs with what it
//! printed (wildcards are lost in the rewritten blocks: put them back), and
//! still fails so that the change is reviewed. `RETORT_DOCS_ONLY=reference/`
//! runs only the pages whose path (under `docs/`) contains that text, while
//! writing a page (the required-pages check is then skipped).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one command may run.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The folder of the guide.
fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

/// One runnable thing on a page, in page order.
#[derive(Debug)]
enum Step {
    /// A `file=` block.
    File {
        line: usize,
        path: String,
        text: String,
    },
    /// A `$ ` command of a `console` block.
    Command(Example),
}

/// A command with its expected outcome.
#[derive(Debug)]
struct Example {
    /// The 1-based line of the `$ ` line.
    line: usize,
    /// The shell command (continuation lines joined with newlines).
    command: String,
    /// The exit code it must end with.
    code: i32,
    /// The expected output lines.
    expected: Vec<String>,
    /// The 0-based range of page lines holding the expected output.
    output_lines: std::ops::Range<usize>,
}

/// Reads the steps of a page, or says what is malformed (with its line).
fn parse_page(text: &str) -> Result<Vec<Step>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some(info) = line.trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        if line.starts_with(' ') || line.starts_with('\t') {
            return Err(format!(
                "line {}: an indented code fence; fences start at the beginning of a line",
                i + 1
            ));
        }
        let open = i;
        let close = (open + 1..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .ok_or_else(|| format!("line {}: this code block is never closed", open + 1))?;
        let body = &lines[open + 1..close];
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let mut file = None;
        for word in words {
            match word.strip_prefix("file=") {
                Some(path) if !path.is_empty() => file = Some(path.to_owned()),
                _ => {
                    return Err(format!(
                        "line {}: unknown attribute {word:?} in ```{info}; the only one is file=PATH",
                        open + 1
                    ));
                }
            }
        }
        match (lang, file) {
            ("console", None) => parse_console(body, open + 1, &mut steps)?,
            ("console", Some(_)) => {
                return Err(format!(
                    "line {}: a console block cannot have file=",
                    open + 1
                ));
            }
            (_, Some(path)) => {
                let relative = Path::new(&path);
                if relative.is_absolute()
                    || relative
                        .components()
                        .any(|c| matches!(c, std::path::Component::ParentDir))
                {
                    return Err(format!(
                        "line {}: file={path} must be a relative path inside the page's folder",
                        open + 1
                    ));
                }
                let mut text = body.join("\n");
                text.push('\n');
                steps.push(Step::File {
                    line: open + 1,
                    path,
                    text,
                });
            }
            _ => {
                return Err(format!(
                    "line {}: ```{info} is neither a ```console block nor a block with file=PATH, so it would go untested",
                    open + 1
                ));
            }
        }
        i = close + 1;
    }
    if !steps.iter().any(|s| matches!(s, Step::Command(_))) {
        return Err("the page has no ```console example".into());
    }
    Ok(steps)
}

/// The commands of a console block whose first body line is page line
/// `first` (0-based index of the fence, so the body starts at `first`).
fn parse_console(body: &[&str], first: usize, steps: &mut Vec<Step>) -> Result<(), String> {
    if body.iter().all(|l| l.trim().is_empty()) {
        return Err(format!("line {first}: an empty console block"));
    }
    // Blank lines may open the block; then every line is a command or the
    // output of the command above it.
    let mut j = body.iter().take_while(|l| l.trim().is_empty()).count();
    while j < body.len() {
        let line = body[j];
        let Some(start) = line.strip_prefix("$ ") else {
            return Err(format!(
                "line {}: expected a `$ command` line, found {line:?}",
                first + j + 1
            ));
        };
        let line_no = first + j + 1;
        let mut command = start.to_owned();
        while command.ends_with('\\') {
            j += 1;
            let next = body.get(j).ok_or_else(|| {
                format!("line {line_no}: the command continues (`\\`) past the end of the block")
            })?;
            command.pop();
            command.push('\n');
            command.push_str(next);
        }
        j += 1;
        let out_start = j;
        while j < body.len() && !body[j].starts_with("$ ") {
            j += 1;
        }
        let (command, code) =
            split_exit_code(&command).map_err(|e| format!("line {line_no}: {e}"))?;
        let mut expected: Vec<String> = body[out_start..j]
            .iter()
            .map(|l| l.trim_end().to_owned())
            .collect();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        steps.push(Step::Command(Example {
            line: line_no,
            command,
            code,
            output_lines: first + out_start..first + out_start + expected.len(),
            expected,
        }));
    }
    Ok(())
}

/// `cmd  # exit N` -> (`cmd`, N); otherwise (`cmd`, 0).
fn split_exit_code(command: &str) -> Result<(String, i32), String> {
    let last = command.lines().last().unwrap_or("");
    if let Some(pos) = last.rfind("# exit") {
        let code = last[pos + "# exit".len()..].trim();
        let code: i32 = code
            .parse()
            .map_err(|_| format!("`# exit {code}` is not an exit code"))?;
        if code == 0 {
            return Err("`# exit 0` is the default: leave it out".into());
        }
        let keep = command.len() - (last.len() - pos);
        return Ok((command[..keep].trim_end().to_owned(), code));
    }
    Ok((command.to_owned(), 0))
}

/// Does `actual` match `expected`, with the `...` and `[..]` wildcards?
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, arest)| line_matches(first, a) && lines_match(rest, arest)),
    }
}

/// One line against a pattern where `[..]` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Runs `command` with `sh -c` in `dir`, stdout and stderr on one pipe.
fn run_shell(dir: &Path, command: &str) -> Result<(i32, String), String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_retort"))
        .parent()
        .expect("the binary's folder")
        .to_owned();
    let mut path = vec![bin];
    if let Some(old) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&old));
    }
    let (mut reader, writer) = std::io::pipe().map_err(|e| format!("pipe: {e}"))?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(|e| format!("pipe: {e}"))?)
        .stderr(writer);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("RETORT_")
            || matches!(
                &*key,
                "DATABASE_URL" | "VISUAL" | "EDITOR" | "RUST_BACKTRACE"
            )
        {
            cmd.env_remove(&*key);
        }
    }
    cmd.env("PATH", std::env::join_paths(path).expect("a PATH"))
        .env("NO_COLOR", "1");
    let mut child = cmd.spawn().map_err(|e| format!("cannot start sh: {e}"))?;
    // The command holds the pipe's writing ends: drop it, or the read below
    // never sees the end of the output.
    drop(cmd);
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(|e| format!("wait: {e}"))? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {} s", TIMEOUT.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let out = reading.join().expect("the reader thread");
    Ok((
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out).into_owned(),
    ))
}

/// Runs one page; returns its failures (empty: the page is right).
fn run_page(page: &Path, bless: bool) -> Vec<String> {
    let name = page
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or(page)
        .display()
        .to_string();
    let text = match std::fs::read_to_string(page) {
        Ok(t) => t,
        Err(e) => return vec![format!("{name}: cannot read: {e}")],
    };
    let steps = match parse_page(&text) {
        Ok(s) => s,
        Err(e) => return vec![format!("{name}: malformed: {e}")],
    };
    let tmp = tempfile::Builder::new()
        .prefix("retort-docs-")
        .tempdir()
        .expect("a temporary folder");
    let mut failures = Vec::new();
    let mut rewrites: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
    for step in &steps {
        match step {
            Step::File { line, path, text } => {
                let target = tmp.path().join(path);
                let written = target
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&target, text));
                if let Err(e) = written {
                    failures.push(format!("{name}:{line}: cannot write {path}: {e}"));
                }
            }
            Step::Command(ex) => {
                let (code, output) = match run_shell(tmp.path(), &ex.command) {
                    Ok(r) => r,
                    Err(e) => {
                        failures.push(format!("{name}:{}: `{}`: {e}", ex.line, ex.command));
                        continue;
                    }
                };
                let mut actual: Vec<&str> = output.lines().map(str::trim_end).collect();
                while actual.last().is_some_and(|l| l.is_empty()) {
                    actual.pop();
                }
                let output_ok = lines_match(&ex.expected, &actual);
                if code != ex.code || !output_ok {
                    failures.push(format!(
                        "{name}:{}: `$ {}`\nexpected exit code {}, got {code}\n--- expected ---\n{}\n--- actual ---\n{}\n----------------",
                        ex.line,
                        ex.command,
                        ex.code,
                        ex.expected.join("\n"),
                        actual.join("\n"),
                    ));
                }
                if !output_ok && bless {
                    rewrites.push((
                        ex.output_lines.clone(),
                        actual.iter().map(|l| l.to_string()).collect(),
                    ));
                }
            }
        }
    }
    if bless && !rewrites.is_empty() {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for (range, new) in rewrites.into_iter().rev() {
            lines.splice(range, new);
        }
        let mut new_text = lines.join("\n");
        new_text.push('\n');
        std::fs::write(page, new_text).expect("rewrite the page");
        failures.push(format!(
            "{name}: RETORT_DOCS_BLESS rewrote its expected outputs; review the change"
        ));
    }
    failures
}

/// The pages of the guide and of its reference (`docs/reference/`),
/// sorted. The reference's `cli.md` is generated (see
/// `tests/integration/reference.rs`) and follows the convention too: its
/// one example is `retort --version`.
pub(crate) fn pages() -> Vec<PathBuf> {
    let mut pages = Vec::new();
    for dir in [docs_dir(), docs_dir().join("reference")] {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        pages.extend(
            entries
                .map(|e| e.expect("a docs/ entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    pages.sort();
    pages
}

#[test]
fn every_example_in_the_guide_runs() {
    // docs/embedding.md runs the example application's `notes`, which
    // cargo builds next to `retort` for a workspace run only.
    let notes = Path::new(env!("CARGO_BIN_EXE_retort")).with_file_name("notes");
    assert!(
        notes.exists(),
        "{} is missing: the guide's embedding chapter runs the example application; run the tests with --workspace (as scripts/test.sh does) or `cargo build -p retort-example-app` first",
        notes.display()
    );
    let only = std::env::var("RETORT_DOCS_ONLY").ok();
    let pages: Vec<PathBuf> = pages()
        .into_iter()
        .filter(|p| {
            only.as_deref().is_none_or(|only| {
                p.strip_prefix(docs_dir())
                    .is_ok_and(|rel| rel.to_string_lossy().contains(only))
            })
        })
        .collect();
    let bless = std::env::var_os("RETORT_DOCS_BLESS").is_some_and(|v| v == "1");
    // The pages are independent: run them side by side.
    let mut failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = pages
            .iter()
            .map(|page| s.spawn(move || run_page(page, bless)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a page's thread"))
            .collect()
    });
    for required in [
        "README.md",
        "tutorial.md",
        "branches.md",
        "offline.md",
        "sqlite-batch.md",
        "multiple-databases.md",
        "embedding.md",
        "deploying.md",
        "models.md",
        "alembic-habits.md",
        "json-output.md",
        "fleet.md",
        "lint.md",
        "reference/README.md",
        "reference/operations.md",
        "reference/column-types.md",
        "reference/configuration.md",
        "reference/urls.md",
        "reference/cli.md",
        "reference/exit-codes.md",
    ] {
        if only.is_none() && !pages.iter().any(|p| p.ends_with(required)) {
            failures.push(format!("docs/{required} is missing"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing example(s) in docs/:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_convention_is_enforced() {
    let malformed = [
        ("no examples", "# Title\n\nJust prose.\n"),
        (
            "an untested block",
            "```toml\nurl = \"x\"\n```\n\n```console\n$ true\n```\n",
        ),
        (
            "a bare block",
            "```\nretort upgrade\n```\n\n```console\n$ true\n```\n",
        ),
        (
            "output before a command",
            "```console\noutput\n$ true\n```\n",
        ),
        ("an unclosed block", "```console\n$ true\n"),
        ("an empty console block", "```console\n```\n"),
        (
            "a file outside the folder",
            "```sql file=../x.sql\nSELECT 1;\n```\n\n```console\n$ true\n```\n",
        ),
        ("a bad exit code", "```console\n$ false  # exit one\n```\n"),
        ("an unknown attribute", "```console run=no\n$ true\n```\n"),
    ];
    for (what, page) in malformed {
        assert!(
            parse_page(page).is_err(),
            "{what}: expected the page to be refused:\n{page}"
        );
    }
    let steps = parse_page(
        "Text.\n\n```sql file=models/a.sql\nCREATE TABLE a (id INTEGER);\n```\n\n```console\n$ retort check  # exit 1\n[..] 'a'\n...\n$ echo a \\\n  b\na b\n```\n",
    )
    .expect("a well-formed page");
    assert_eq!(steps.len(), 3);
    let Step::File { line, path, text } = &steps[0] else {
        panic!("a file step first: {steps:?}");
    };
    assert_eq!((*line, path.as_str()), (3, "models/a.sql"));
    assert_eq!(text, "CREATE TABLE a (id INTEGER);\n");
    let Step::Command(check) = &steps[1] else {
        panic!("a command: {steps:?}");
    };
    assert_eq!(
        (check.line, check.command.as_str(), check.code),
        (8, "retort check", 1)
    );
    assert_eq!(check.expected, vec!["[..] 'a'", "..."]);
    let Step::Command(echo) = &steps[2] else {
        panic!("a command: {steps:?}");
    };
    assert_eq!((echo.command.as_str(), echo.code), ("echo a \n  b", 0));
}

#[test]
fn wildcards_match_what_they_should() {
    let exp = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(lines_match(&exp(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(lines_match(&exp(&["a", "...", "b"]), &["a", "b"]));
    assert!(lines_match(&exp(&["..."]), &[]));
    assert!(!lines_match(&exp(&["a"]), &["a", "b"]));
    assert!(!lines_match(&exp(&["a", "...", "c"]), &["a", "b"]));
    assert!(line_matches(
        "Create Date: [..]",
        "Create Date: 2026-11-22 10:00:00"
    ));
    assert!(line_matches(
        "[..]/app.db is [..] ok",
        "/tmp/x/app.db is really ok"
    ));
    assert!(line_matches("x[..]", "x"));
    assert!(!line_matches("x[..]y", "xz"));
    assert!(!line_matches("a[..]a", "a"));
    assert!(!line_matches("exact", "exact plus"));
}
