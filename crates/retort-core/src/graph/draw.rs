//! The revision graph drawn for a terminal, one revision per row, as
//! `git log --graph` draws commits: each open line of descent is a lane, a
//! revision sits on the lane that reached it, a branch point gathers the
//! lanes of its children (`├─╯`), and a merge point opens a lane for each
//! extra parent (`├─╮`).
//!
//! [`RevisionGraph::draw`] lays out revisions given newest first (children
//! before parents, as [`RevisionGraph::history`] returns them); a parent
//! that is not among them ends its lane, so a range draws as a window of
//! the whole graph.

use std::collections::HashSet;

use super::RevisionGraph;
use crate::revision::Revision;

/// The characters a drawing is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Glyphs {
    /// Box-drawing characters (`●`, `│`, `├─╯`).
    Unicode,
    /// Plain ASCII (`*`, `|`, `+-'`), for terminals and logs without UTF-8.
    Ascii,
}

/// One row of a drawing: the lanes, and the revision it shows (`None` for
/// a row that only joins or splits lanes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawRow {
    /// The lane characters, without trailing spaces.
    pub lanes: String,
    /// The index, in the revisions given, of the revision on this row.
    pub revision: Option<usize>,
}

/// What a cell of a connector row holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Empty,
    Line,
    Node,
    /// The revision's lane on a connector row, with lanes joining on the
    /// left and/or right.
    Tee {
        left: bool,
        right: bool,
    },
    /// A lane ending into the revision (upward) or starting from it
    /// (downward); `outer` when it is the farthest on its side.
    End {
        up: bool,
        right: bool,
        outer: bool,
    },
    /// A horizontal line over an empty cell or across an open lane.
    Across {
        lane: bool,
    },
}

impl Glyphs {
    fn cell(self, cell: Cell, current: bool) -> char {
        let unicode = self == Glyphs::Unicode;
        match cell {
            Cell::Empty => ' ',
            Cell::Line => {
                if unicode {
                    '│'
                } else {
                    '|'
                }
            }
            Cell::Node => match (unicode, current) {
                (true, true) => '◉',
                (true, false) => '●',
                (false, true) => '@',
                (false, false) => '*',
            },
            Cell::Tee { left, right } if unicode => match (left, right) {
                (true, true) => '┼',
                (true, false) => '┤',
                _ => '├',
            },
            Cell::End {
                up,
                right,
                outer: true,
            } if unicode => match (up, right) {
                (true, true) => '╯',
                (true, false) => '╰',
                (false, true) => '╮',
                (false, false) => '╭',
            },
            Cell::End { up, .. } if unicode => {
                if up {
                    '┴'
                } else {
                    '┬'
                }
            }
            Cell::Across { lane: true } if unicode => '┼',
            Cell::Across { lane: false } if unicode => '─',
            Cell::Tee { .. } | Cell::Across { lane: true } => '+',
            Cell::End {
                up,
                right,
                outer: true,
            } => match (up, right) {
                (true, true) => '\'',
                (true, false) => '`',
                (false, _) => '.',
            },
            Cell::End { .. } => '+',
            Cell::Across { lane: false } => '-',
        }
    }

    fn horizontal(self) -> char {
        match self {
            Glyphs::Unicode => '─',
            Glyphs::Ascii => '-',
        }
    }
}

impl RevisionGraph {
    /// Lays out `revisions` (newest first: children before parents, as
    /// [`history`](Self::history) returns them) in lanes. Revisions whose id
    /// is in `current` get the current node glyph (`◉` / `@`).
    pub fn draw(&self, revisions: &[&Revision], current: &[&str], glyphs: Glyphs) -> Vec<DrawRow> {
        let shown: HashSet<&str> = revisions.iter().map(|r| r.id.as_str()).collect();
        let mut lanes: Vec<Option<&str>> = Vec::new();
        let mut rows = Vec::new();
        // The lane of the previous row's revision when its line ended there
        // (a base, or a parent outside the range): not given to the next
        // row, which would look like that revision's parent.
        let mut ended: Option<usize> = None;
        for (k, rev) in revisions.iter().enumerate() {
            let id = rev.id.as_str();
            let joining: Vec<usize> = (0..lanes.len()).filter(|&c| lanes[c] == Some(id)).collect();
            let node = match joining.first() {
                Some(&c) => c,
                None => free_lane(&mut lanes, 0, ended),
            };
            // The lanes of its other children end here, into its lane.
            if joining.len() > 1 {
                for &c in &joining[1..] {
                    lanes[c] = None;
                }
                rows.push(connector(&lanes, node, &joining[1..], true, glyphs));
            }
            // The row of the revision itself.
            let cells: Vec<Cell> = (0..lanes.len())
                .map(|c| match c {
                    _ if c == node => Cell::Node,
                    _ if lanes[c].is_some() => Cell::Line,
                    _ => Cell::Empty,
                })
                .collect();
            rows.push(DrawRow {
                lanes: render(&cells, &[], glyphs, current.contains(&id)),
                revision: Some(k),
            });
            // Its first parent continues its lane; each other parent gets a
            // lane of its own.
            let parents: Vec<&str> = rev
                .down_revisions
                .iter()
                .map(|p| p.as_str())
                .filter(|p| shown.contains(p))
                .collect();
            lanes[node] = parents.first().copied();
            ended = parents.is_empty().then_some(node);
            if parents.len() > 1 {
                let mut opened = Vec::new();
                for &p in &parents[1..] {
                    let c = free_lane(&mut lanes, node + 1, ended);
                    lanes[c] = Some(p);
                    opened.push(c);
                }
                rows.push(connector(&lanes, node, &opened, false, glyphs));
            }
            while lanes.len() > ended.map_or(0, |c| c + 1) && lanes.last() == Some(&None) {
                lanes.pop();
            }
        }
        rows
    }
}

/// The first free lane from `from` on, other than `skip`, or a new one at
/// the right.
fn free_lane(lanes: &mut Vec<Option<&str>>, from: usize, skip: Option<usize>) -> usize {
    match (from..lanes.len()).find(|&c| lanes[c].is_none() && Some(c) != skip) {
        Some(c) => c,
        None => {
            lanes.push(None);
            lanes.len() - 1
        }
    }
}

/// A row joining the lanes `ends` to the revision's lane `node`: upward
/// (lanes that end into it) or downward (lanes that start from it).
/// `lanes` is the state after the row for upward rows, and for downward
/// ones too (the new lanes are open).
fn connector(
    lanes: &[Option<&str>],
    node: usize,
    ends: &[usize],
    up: bool,
    glyphs: Glyphs,
) -> DrawRow {
    let width = lanes.len().max(ends.iter().max().map_or(0, |m| m + 1));
    let lo = ends.iter().copied().min().unwrap_or(node).min(node);
    let hi = ends.iter().copied().max().unwrap_or(node).max(node);
    let open = |c: usize| lanes.get(c).is_some_and(Option::is_some);
    let cells: Vec<Cell> = (0..width)
        .map(|c| {
            if c == node {
                Cell::Tee {
                    left: lo < node,
                    right: hi > node,
                }
            } else if ends.contains(&c) {
                Cell::End {
                    up,
                    right: c > node,
                    outer: c == lo || c == hi,
                }
            } else if c > lo && c < hi {
                Cell::Across {
                    lane: open(c) && !ends.contains(&c),
                }
            } else if open(c) {
                Cell::Line
            } else {
                Cell::Empty
            }
        })
        .collect();
    DrawRow {
        lanes: render(&cells, &[(lo, hi)], glyphs, false),
        revision: None,
    }
}

/// The cells as text, two columns a lane; the separators inside a span
/// `(lo, hi)` are horizontal lines.
fn render(cells: &[Cell], spans: &[(usize, usize)], glyphs: Glyphs, current: bool) -> String {
    let mut out = String::new();
    for (c, &cell) in cells.iter().enumerate() {
        if c > 0 {
            let inside = spans.iter().any(|&(lo, hi)| c > lo && c <= hi);
            out.push(if inside { glyphs.horizontal() } else { ' ' });
        }
        out.push(glyphs.cell(cell, current));
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawing(revisions: Vec<Revision>, glyphs: Glyphs) -> String {
        let graph = RevisionGraph::new(revisions).unwrap();
        let order = graph.history(None).unwrap();
        graph
            .draw(&order, &[], glyphs)
            .iter()
            .map(|row| match row.revision {
                Some(k) => format!("{} {}", row.lanes, order[k].id),
                None => row.lanes.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_line_is_one_lane() {
        let revs = vec![
            Revision::new("a", &[]),
            Revision::new("b", &["a"]),
            Revision::new("c", &["b"]),
        ];
        assert_eq!(drawing(revs, Glyphs::Unicode), "● c\n● b\n● a");
    }

    #[test]
    fn a_branch_and_a_merge() {
        let revs = vec![
            Revision::new("a", &[]),
            Revision::new("b", &["a"]),
            Revision::new("c", &["a"]),
            Revision::new("m", &["b", "c"]),
            Revision::new("d", &["m"]),
        ];
        let text = drawing(revs.clone(), Glyphs::Unicode);
        assert_eq!(text, "● d\n● m\n├─╮\n● │ b\n│ ● c\n├─╯\n● a", "{text}");
        let ascii = drawing(revs, Glyphs::Ascii);
        assert_eq!(ascii, "* d\n* m\n+-.\n* | b\n| * c\n+-'\n* a", "{ascii}");
    }

    #[test]
    fn two_heads_join_at_their_branch_point() {
        let revs = vec![
            Revision::new("a", &[]),
            Revision::new("b", &["a"]),
            Revision::new("c", &["a"]),
            Revision::new("x", &[]),
        ];
        let graph = RevisionGraph::new(revs).unwrap();
        let order = graph.history(None).unwrap();
        let rows = graph.draw(&order, &["b"], Glyphs::Unicode);
        // Every revision is drawn once, and the lanes of b and c end in a.
        let drawn: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.revision.map(|k| order[k].id.as_str()))
            .collect();
        assert_eq!(drawn.len(), 4);
        assert!(rows.iter().any(|r| r.lanes.contains('╯')), "{rows:?}");
        assert!(rows.iter().any(|r| r.lanes.contains('◉')), "{rows:?}");
    }

    #[test]
    fn a_lane_crossing_a_connector_is_crossed() {
        // m merges b and e while c's lane (to h) is open.
        let revs = vec![
            Revision::new("a", &[]),
            Revision::new("b", &["a"]),
            Revision::new("c", &["a"]),
            Revision::new("e", &["a"]),
            Revision::new("h", &["c"]),
            Revision::new("m", &["b", "e"]),
        ];
        let text = drawing(revs, Glyphs::Unicode);
        assert_eq!(
            text, "● h\n● c\n│ ● m\n│ ├─╮\n│ ● │ b\n│ │ ● e\n├─┴─╯\n● a",
            "{text}"
        );
    }

    #[test]
    fn twenty_branches_of_a_thousand_revisions_stay_twenty_lanes_wide() {
        // A base, 20 branches of 49 revisions each, merged at the end.
        let mut revs = vec![Revision::new("base", &[])];
        let mut tips = Vec::new();
        for b in 0..20 {
            let mut parent = "base".to_owned();
            for n in 0..49 {
                let id = format!("b{b}n{n}");
                revs.push(Revision::new(&id, &[&parent]));
                parent = id;
            }
            tips.push(parent);
        }
        let tips: Vec<&str> = tips.iter().map(String::as_str).collect();
        revs.push(Revision::new("merge", &tips));
        let graph = RevisionGraph::new(revs).unwrap();
        let order = graph.history(None).unwrap();
        let rows = graph.draw(&order, &[], Glyphs::Ascii);
        let drawn = rows.iter().filter(|r| r.revision.is_some()).count();
        assert_eq!(drawn, 982);
        let widest = rows.iter().map(|r| r.lanes.len()).max().unwrap();
        assert!(widest <= 2 * 20, "{widest} columns");
        // Every revision row holds exactly one node.
        for row in rows.iter().filter(|r| r.revision.is_some()) {
            assert_eq!(row.lanes.matches('*').count(), 1, "{row:?}");
        }
    }
}
