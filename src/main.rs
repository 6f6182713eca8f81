//! The `retort` binary: parse the arguments, run the command, print any
//! error as one paragraph and exit 1. Never a panic or a backtrace.

use std::process::ExitCode;

fn main() -> ExitCode {
    retort::cli::main()
}
