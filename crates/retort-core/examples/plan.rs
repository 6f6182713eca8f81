//! Plans an upgrade from an empty database to every head of a project and
//! prints the number of steps: the whole-process planning benchmark of
//! `scripts/bench.sh`.
//!
//! usage: cargo run --release -p retort-core --example plan -- DIR [TARGET]

use std::path::Path;
use std::process::ExitCode;

use retort_core::ScriptDirectory;
use retort_core::script::Depth;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: plan DIR [TARGET]");
        return ExitCode::from(1);
    };
    let target = args.next().unwrap_or_else(|| "heads".to_owned());
    let result = ScriptDirectory::open(Path::new(&dir), None, Depth::Header)
        .map_err(|e| e.to_string())
        .and_then(|s| {
            s.graph
                .plan_upgrade(&[], &target)
                .map(|plan| plan.steps.len())
                .map_err(|e| e.to_string())
        });
    match result {
        Ok(steps) => {
            println!("{steps} steps");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
