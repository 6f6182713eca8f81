//! Criterion benchmarks of loading a project: parsing revision files,
//! building the revision graph, resolving `heads` and planning base -> heads.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use retort_core::script::Depth;
use retort_core::script::load::read_revisions;
use retort_core::{Revision, RevisionGraph};

/// A mostly linear graph with a 20-revision feature branch (labelled) every
/// 500 revisions, merged back, as `scripts/gen-revisions.py` makes them.
fn graph_revisions(n: usize) -> Vec<Revision> {
    let id = |i: usize| format!("{:012x}", (i as u64 * 2_654_435_761) % (1 << 48));
    let mut revs = Vec::with_capacity(n);
    let mut main_head: Option<String> = None;
    let mut branch: Vec<String> = Vec::new();
    for i in 0..n {
        let rid = id(i + 1);
        let mut labels: Vec<String> = Vec::new();
        let parents: Vec<String> = if i % 500 == 250 && main_head.is_some() && branch.is_empty() {
            labels.push(format!("feature_{i}"));
            branch.push(rid.clone());
            vec![main_head.clone().unwrap_or_default()]
        } else if !branch.is_empty() && branch.len() < 20 && i % 2 == 1 {
            let p = vec![branch.last().cloned().unwrap_or_default()];
            branch.push(rid.clone());
            p
        } else if branch.len() >= 20 {
            let p = vec![
                main_head.clone().unwrap_or_default(),
                branch.last().cloned().unwrap_or_default(),
            ];
            branch.clear();
            main_head = Some(rid.clone());
            p
        } else {
            let p = main_head.iter().cloned().collect();
            main_head = Some(rid.clone());
            p
        };
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut rev = Revision::new(&rid, &parents).with_labels(&labels);
        rev.message = format!("generated revision {i}");
        revs.push(rev);
    }
    revs
}

fn write_files(revs: &[Revision]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = revs
        .iter()
        .map(|r| {
            let down = match r.down_revisions.as_slice() {
                [] => String::new(),
                [one] => format!("down_revision = \"{one}\"\n"),
                many => format!(
                    "down_revision = [{}]\n",
                    many.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", ")
                ),
            };
            let text = format!(
                "# {msg}\n#\n# Revision ID: {id}\n\nrevision = \"{id}\"\n{down}message = \"{msg}\"\ncreate_date = \"2026-11-22 10:00:00\"\n\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = {{ name = \"c\", type = \"varchar(255)\", nullable = true }}\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"c\"\n",
                id = r.id,
                msg = r.message
            );
            let path = dir.path().join(format!("{}.toml", r.id));
            std::fs::write(&path, text).expect("write revision");
            path
        })
        .collect();
    (dir, paths)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let revs = graph_revisions(n);
        group.bench_with_input(BenchmarkId::new("build", n), &revs, |b, revs| {
            b.iter(|| RevisionGraph::new(black_box(revs.clone())).expect("valid graph"))
        });
        let graph = RevisionGraph::new(revs.clone()).expect("valid graph");
        group.bench_with_input(BenchmarkId::new("plan_base_to_heads", n), &graph, |b, g| {
            b.iter(|| g.plan_upgrade(&[], "heads").expect("plan").steps.len())
        });
    }
    let revs = graph_revisions(10_000);
    let (_dir, paths) = write_files(&revs);
    group.bench_function("read_files_full/10000", |b| {
        b.iter(|| {
            read_revisions(black_box(&paths), Depth::Full)
                .expect("files parse")
                .len()
        })
    });
    group.bench_function("read_files_header/10000", |b| {
        b.iter(|| {
            read_revisions(black_box(&paths), Depth::Header)
                .expect("files parse")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
