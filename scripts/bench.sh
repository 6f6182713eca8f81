#!/usr/bin/env bash
# Whole-process timings of retort on generated projects of 1,000, 10,000 and
# 100,000 revision files: `heads`, `history`, `graph` (the terminal
# drawing), planning base -> heads, and `lint --files-only` (every rule that
# needs no database).
#
#   ./scripts/bench.sh            # all sizes
#   SIZES="1000 10000" ./scripts/bench.sh
#
# Prints the median and the best of several runs, in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin retort -p retort
cargo build --release --locked --quiet -p retort-core --example plan
target="${CARGO_TARGET_DIR:-$PWD/target}"
retort="$target/release/retort"
plan="$target/release/examples/plan"
cache="${BENCH_DIR:-${TMPDIR:-/tmp}/retort-bench}"
mkdir -p "$cache"

python3 - "$retort" "$plan" "$cache" ${SIZES:-1000 10000 100000} <<'PY'
import os, statistics, subprocess, sys, time
retort, plan, cache, sizes = sys.argv[1], sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4:]]
here = os.getcwd()
print(f"{'revisions':>10} {'command':<10} {'median ms':>10} {'best ms':>9} runs")
for n in sizes:
    d = os.path.join(cache, f"g{n}")
    if not os.path.isdir(os.path.join(d, "versions")) or len(os.listdir(os.path.join(d, "versions"))) != n:
        subprocess.run(["rm", "-rf", d], check=True)
        subprocess.run([sys.executable, os.path.join(here, "scripts/gen-revisions.py"), str(n), d], check=True)
    runs = 15 if n <= 10000 else 5
    for name, argv in [
        ("heads", [retort, "-d", d, "heads"]),
        ("history", [retort, "-d", d, "history"]),
        ("graph", [retort, "-d", d, "graph"]),
        ("plan", [plan, d, "heads"]),
        ("lint", [retort, "-d", d, "-q", "lint", "--files-only"]),
    ]:
        def run():
            # `lint` exits 1 when it finds something: not a failure here.
            done = subprocess.run(argv, stdout=subprocess.DEVNULL)
            if done.returncode not in ((0, 1) if name == "lint" else (0,)):
                raise SystemExit(f"{argv} exited {done.returncode}")
        run()  # warm the page cache
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
        print(f"{n:>10} {name:<10} {statistics.median(times):>10.1f} {min(times):>9.1f} {runs}")
PY
