//! The guide's chapter on embedding (`docs/embedding.md`) quotes this
//! example: every block of the page written to a file under
//! `examples/app/` (```` ```rust file=examples/app/src/main.rs ````) must
//! be a verbatim excerpt of that file, so the code the page shows is the
//! code that is compiled and tested here. A line that is only `// ...` or
//! `# ...` marks a gap: the parts around it must appear in the file in
//! that order. (The guide's own test runs the page's commands.)

use std::path::Path;

const PAGE: &str = "docs/embedding.md";
const PREFIX: &str = "examples/app/";

/// The `(line, path, text)` of each fenced block with `file=examples/app/...`.
fn quoted_blocks(page: &str) -> Vec<(usize, String, Vec<String>)> {
    let lines: Vec<&str> = page.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let close = (i + 1..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .unwrap_or_else(|| panic!("{PAGE}:{}: an unclosed block", i + 1));
        let file = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
            .filter(|p| p.starts_with(PREFIX));
        if let Some(path) = file {
            let body = lines[i + 1..close].iter().map(|l| l.to_string()).collect();
            blocks.push((i + 1, path.to_owned(), body));
        }
        i = close + 1;
    }
    blocks
}

/// Where `part` (whole lines) occurs in `file` at or after line `from`;
/// returns the line after it.
fn find_lines(file: &[&str], part: &[String], from: usize) -> Option<usize> {
    (from..=file.len().saturating_sub(part.len()))
        .find(|&start| part.iter().zip(&file[start..]).all(|(p, f)| p == f))
        .map(|start| start + part.len())
}

fn is_gap(line: &str) -> bool {
    matches!(line.trim(), "// ..." | "# ...")
}

#[test]
fn the_guide_quotes_this_example_verbatim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = std::fs::read_to_string(root.join(PAGE)).expect("docs/embedding.md");
    let blocks = quoted_blocks(&page);
    assert!(
        blocks.len() >= 5,
        "{PAGE} quotes the example: found only {} blocks",
        blocks.len()
    );
    let mut failures = Vec::new();
    for (line, path, body) in &blocks {
        let text = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("{PAGE}:{line}: {path}: {e}"));
        let file: Vec<&str> = text.lines().collect();
        let mut at = 0;
        for part in body.split(|l| is_gap(l)) {
            if part.is_empty() {
                continue;
            }
            match find_lines(&file, part, at) {
                Some(next) => at = next,
                None => {
                    failures.push(format!(
                        "{PAGE}:{line}: not in {path} (in this order):\n{}",
                        part.join("\n")
                    ));
                    break;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_excerpt_must_match_whole_lines_in_order() {
    let file = ["a", "b", "c", "d"];
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(find_lines(&file, &lines(&["b", "c"]), 0), Some(3));
    assert_eq!(find_lines(&file, &lines(&["b", "c"]), 2), None);
    assert_eq!(find_lines(&file, &lines(&["b", "d"]), 0), None);
    assert_eq!(find_lines(&file, &lines(&["b "]), 0), None);
    let page =
        "x\n```rust file=examples/app/a.rs\none\n// ...\ntwo\n```\n```rust file=other.rs\nz\n```\n";
    assert_eq!(
        quoted_blocks(page),
        [(
            2,
            "examples/app/a.rs".to_owned(),
            lines(&["one", "// ...", "two"])
        )]
    );
    assert!(is_gap("    // ...") && !is_gap("// ... and more"));
}
