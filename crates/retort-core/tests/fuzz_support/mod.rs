//! The fuzz harness shared by `retort-core/tests/fuzz.rs` and
//! `retort-db/tests/db/fuzz_url.rs`: a proptest runner per target whose
//! number of inputs `RETORT_FUZZ_CASES` sets, a watchdog that turns a hang
//! into a failure naming the input, a summary line per target
//! (`fuzz TARGET: N inputs, ...`, which `scripts/fuzz.sh` collects), and
//! input generators that mutate valid text, pick tokens or make random bytes.
//!
//! Properties checked for every input: no panic (the runner catches one and
//! shrinks the input), no hang, plus the target's own checks. Inputs are
//! bounded ([`MAX_LEN`]) so that each one takes milliseconds.
#![allow(dead_code)] // each test binary uses its own part

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Inputs per target in the default test run.
pub const DEFAULT_CASES: u32 = 256;

/// The largest text input, in bytes.
pub const MAX_LEN: usize = 4096;

/// An input this slow is shown in the summary (a hint of a parser's
/// superlinear time; the machine's load can also explain it).
pub const SLOW: Duration = Duration::from_millis(250);

/// How long one input may run before it counts as a hang (a debug build
/// parses a [`MAX_LEN`] input in milliseconds).
pub const HANG_LIMIT: Duration = Duration::from_secs(30);

/// Inputs per target: `RETORT_FUZZ_CASES`, or [`DEFAULT_CASES`].
pub fn cases() -> u32 {
    match std::env::var("RETORT_FUZZ_CASES") {
        Ok(n) => n
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("RETORT_FUZZ_CASES={n:?} is not a number of inputs")),
        Err(_) => DEFAULT_CASES,
    }
}

/// The run's seed: `RETORT_FUZZ_SEED` (to replay a failure), or a new one.
fn seed() -> u64 {
    match std::env::var("RETORT_FUZZ_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RETORT_FUZZ_SEED={s:?} is not a number")),
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            nanos ^ (u64::from(std::process::id()) << 32)
        }
    }
}

/// Runs `check` on [`cases`] inputs from `strategy`, then prints the
/// target's summary line. `check` returns whether the parser accepted the
/// input (the summary counts them: a generator whose inputs are all
/// refused early tests little). Panics on the first failing input (a panic
/// in `check`, a failed property, or a hang), after shrinking it, naming
/// the smallest failing input and the seed that replays the run.
pub fn fuzz<S>(target: &str, strategy: S, check: impl Fn(&S::Value) -> Result<bool, TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let seed = seed();
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let watchdog = Watchdog::start(target);
    let tried = AtomicU64::new(0);
    let accepted = AtomicU64::new(0);
    let slowest = Mutex::new((Duration::ZERO, String::new()));
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        tried.fetch_add(1, Ordering::Relaxed);
        let case = watchdog.case(&input);
        let outcome = check(&input);
        let took = case.elapsed();
        let mut slowest = slowest.lock().unwrap_or_else(|e| e.into_inner());
        if took > slowest.0 {
            *slowest = (took, format!("{input:?}"));
        }
        if matches!(outcome, Ok(true)) {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        outcome.map(drop)
    });
    let tried = tried.into_inner();
    let accepted = accepted.into_inner();
    let (slowest, slowest_input) = slowest.into_inner().unwrap_or_else(|e| e.into_inner());
    let failures = usize::from(result.is_err());
    eprintln!(
        "fuzz {target}: {tried} inputs, {failures} failures, {accepted} accepted, {:.1} s, slowest input {} ms (seed {seed})",
        started.elapsed().as_secs_f64(),
        slowest.as_millis()
    );
    if slowest >= SLOW {
        let shown = &slowest_input[..floor_char_boundary(&slowest_input, 2000)];
        eprintln!("fuzz {target}: the slowest input: {shown}");
    }
    if let Err(e) = result {
        panic!(
            "fuzz {target} failed: {e}\nreplay with RETORT_FUZZ_SEED={seed} RETORT_FUZZ_CASES={}",
            cases()
        );
    }
}

/// Watches the input being checked; aborts the process, naming the input,
/// when one runs longer than [`HANG_LIMIT`] (a hang cannot be unwound).
struct Watchdog {
    current: Arc<Mutex<Option<(Instant, String)>>>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(target: &str) -> Watchdog {
        let current: Arc<Mutex<Option<(Instant, String)>>> = Arc::default();
        let done = Arc::new(AtomicBool::new(false));
        let (watched, finished, target) = (current.clone(), done.clone(), target.to_owned());
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let now = watched.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((since, input)) = now.as_ref()
                    && since.elapsed() > HANG_LIMIT
                {
                    eprintln!(
                        "fuzz {target}: 1 failure: an input ran for more than {} s (a hang):\n{input}",
                        HANG_LIMIT.as_secs()
                    );
                    std::process::abort();
                }
            }
        });
        Watchdog { current, done }
    }

    fn case(&self, input: &impl Debug) -> Case<'_> {
        let started = Instant::now();
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((started, format!("{input:?}")));
        Case {
            watchdog: self,
            started,
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// One input under the watchdog.
struct Case<'a> {
    watchdog: &'a Watchdog,
    started: Instant,
}

impl Case<'_> {
    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Case<'_> {
    fn drop(&mut self) {
        *self
            .watchdog
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
    }
}

// --- generators ---------------------------------------------------------------

/// One edit of a text: where, how much, and what (see [`mutate`]).
#[derive(Clone, Debug)]
pub struct Edit {
    kind: u8,
    at: Index,
    other: Index,
    len: u8,
    text: String,
}

/// A short piece of text to insert: one of `fragments`, or random chars.
fn insertion(fragments: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => prop::sample::select(fragments).prop_map(str::to_owned),
        1 => prop::collection::vec(any::<char>(), 0..6).prop_map(|c| c.into_iter().collect()),
        1 => prop::collection::vec(any::<u8>(), 0..6)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

pub fn edit(fragments: &'static [&'static str]) -> impl Strategy<Value = Edit> + Clone {
    (
        0u8..8,
        any::<Index>(),
        any::<Index>(),
        any::<u8>(),
        insertion(fragments),
    )
        .prop_map(|(kind, at, other, len, text)| Edit {
            kind,
            at,
            other,
            len,
            text,
        })
}

/// Applies `edits` to `text`: deleting, inserting (a fragment or random
/// chars), replacing, duplicating or moving a span, swapping two lines,
/// cutting the text short, or splicing in a line of `donor`. Works on bytes
/// (an edit may split a UTF-8 sequence, which becomes U+FFFD) and keeps the
/// result within [`MAX_LEN`].
pub fn mutate(text: &str, donor: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        let at = if bytes.is_empty() {
            0
        } else {
            e.at.index(bytes.len() + 1)
        };
        let end = (at + usize::from(e.len % 32)).min(bytes.len());
        match e.kind {
            0 => {
                bytes.drain(at..end);
            }
            1 => {
                bytes.splice(at..at, e.text.bytes());
            }
            2 => {
                bytes.splice(at..end, e.text.bytes());
            }
            3 => {
                let span = bytes[at..end].to_vec();
                bytes.splice(at..at, span);
            }
            4 => {
                let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let (a, b) = (e.at.index(lines.len()), e.other.index(lines.len()));
                lines.swap(a, b);
                bytes = lines.join(&b'\n');
            }
            5 => {
                bytes.truncate(at);
            }
            6 => {
                let lines: Vec<&str> = donor.lines().collect();
                if !lines.is_empty() {
                    let line = lines[e.other.index(lines.len())];
                    bytes.splice(at..at, format!("{line}\n").into_bytes());
                }
            }
            _ => {
                // Move a span elsewhere.
                let span: Vec<u8> = bytes.drain(at..end).collect();
                let to = if bytes.is_empty() {
                    0
                } else {
                    e.other.index(bytes.len() + 1)
                };
                bytes.splice(to..to, span);
            }
        }
        bytes.truncate(MAX_LEN);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A text from `seeds`, changed by 1 to 8 edits (see [`mutate`]).
pub fn mutated(
    seeds: &'static [&'static str],
    fragments: &'static [&'static str],
) -> impl Strategy<Value = String> {
    (
        prop::sample::select(seeds),
        prop::sample::select(seeds),
        prop::collection::vec(edit(fragments), 1..8),
    )
        .prop_map(|(text, donor, edits)| mutate(text, donor, &edits))
}

/// Up to `max` tokens from `tokens`, joined by spaces, newlines or nothing.
pub fn token_soup(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(tokens),
            prop::sample::select(&[" ", "\n", "", " "][..]),
        ),
        0..max,
    )
    .prop_map(|parts| {
        let mut out = String::new();
        for (token, sep) in parts {
            out.push_str(token);
            out.push_str(sep);
        }
        out.truncate(floor_char_boundary(&out, MAX_LEN));
        out
    })
}

/// Random bytes (as text, invalid UTF-8 replaced), up to `max` long.
pub fn random_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..max)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        prop::collection::vec(any::<char>(), 0..max / 4).prop_map(|c| c.into_iter().collect()),
    ]
}

/// The largest char boundary of `s` at or below `i`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
