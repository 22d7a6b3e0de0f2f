//! Nesting and size limits: deep, long and large inputs end in a clear
//! diagnostic, and never overflow the stack.
//!
//! No assertion here depends on the machine's speed (docs/decisions.md):
//! wall-clock time is only checked against [`HANG_GUARD`], which catches a
//! hang or a quadratic blow-up, not a slow machine. The times these inputs
//! take are in docs/limits.md ("Measured").

use crate::support::hostile::{
    FORMATS, HANG_GUARD, TempDir, check_all_formats, check_output, stance,
};
use stancecheck::check::CheckOptions;
use stancecheck::diagnostic::Kind;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::render::{Format, RenderOptions, render};
use stancecheck::source::FileId;
use stancecheck::{pipeline, syntax};
use std::time::{Duration, Instant};

/// The default stack of a spawned thread (and far less than a main thread
/// gets): the pipeline must not need more, whatever the nesting.
const SMALL_STACK: usize = 2 << 20;

/// Runs `f` on a thread with a 2 MiB stack; a stack overflow aborts the
/// whole test binary, so passing proves there was none.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

use crate::support::check::Rng;

/// Parse, load, resolve, check and render `text` as `main.stance`; returns
/// the diagnostics' kinds and messages, and checks every format.
fn run_all(text: String) -> Vec<(Kind, String)> {
    on_small_stack(move || {
        let mut fs = MemoryFs::new();
        fs.insert("main.stance", text.into_bytes());
        let mut loader = Loader::new(&fs);
        loader.add_root("main.stance").unwrap();
        let loaded = loader.finish();
        // The budget only bounds the check: the tests assert what parsing
        // decides (syntax errors or none), which no cut can change.
        let options = CheckOptions {
            max_sets: 10,
            time_budget: Some(Duration::from_secs(2)),
        };
        let report = pipeline::run(&loaded, &options);
        let render_options = RenderOptions {
            color: false,
            truncated: report.truncated,
        };
        for &format in Format::ALL {
            let out = render(
                format,
                &report.diagnostics,
                &loaded.sources,
                &render_options,
            );
            check_output(format, &out, &report.diagnostics, report.truncated);
        }
        report
            .diagnostics
            .into_iter()
            .map(|d| (d.kind, d.message))
            .collect()
    })
}

fn nested_too_deeply(diags: &[(Kind, String)]) -> bool {
    diags
        .iter()
        .any(|(k, m)| *k == Kind::SyntaxError && m.contains("nested too deeply"))
}

const HEADER: &str = "party p\ntopic a\ntopic b\n";

#[test]
fn hundred_thousand_parentheses_are_nested_too_deeply() {
    let n = 100_000;
    let text = format!(
        "{HEADER}party p {{\n  requires {}a{}\n}}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let started = Instant::now();
    let diags = run_all(text);
    assert!(nested_too_deeply(&diags), "{diags:?}");
    // One error for the formula, not one per level.
    let errors = diags
        .iter()
        .filter(|(k, _)| *k == Kind::SyntaxError)
        .count();
    assert!(
        errors <= 3,
        "{errors} syntax errors: {:?}",
        &diags[..5.min(diags.len())]
    );
    assert!(
        started.elapsed() < HANG_GUARD,
        "hang: {:?}",
        started.elapsed()
    );
}

#[test]
fn unclosed_parentheses_do_not_overflow() {
    let text = format!(
        "{HEADER}party p {{\n  requires {}a\n}}\n",
        "(".repeat(100_000)
    );
    let diags = run_all(text);
    assert!(
        diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
}

#[test]
fn hundred_thousand_nots_are_nested_too_deeply() {
    let text = format!(
        "{HEADER}party p {{\n  requires {}a\n}}\n",
        "not ".repeat(100_000)
    );
    let diags = run_all(text);
    assert!(nested_too_deeply(&diags), "{diags:?}");
    let text = format!(
        "{HEADER}party p {{\n  requires {}a\n}}\n",
        "!".repeat(100_000)
    );
    assert!(nested_too_deeply(&run_all(text)));
}

#[test]
fn long_implication_chains_are_nested_too_deeply() {
    let chain = vec!["a"; 50_000].join(" -> ");
    let diags = run_all(format!("{HEADER}party p {{\n  requires {chain}\n}}\n"));
    assert!(nested_too_deeply(&diags), "{diags:?}");
}

#[test]
fn nesting_at_the_limit_is_accepted_and_checked() {
    let depth = syntax::MAX_DEPTH as usize;
    // Two levels of the limit are `not`s, the rest parentheses.
    let text = format!(
        "{HEADER}party p {{\n  requires not not {}a{}\n  rejects b\n}}\n",
        "(".repeat(depth - 2),
        ")".repeat(depth - 2)
    );
    let diags = run_all(text);
    assert!(
        !diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
}

#[test]
fn two_hundred_thousand_terms_on_one_line() {
    let terms: Vec<&str> = (0..200_000)
        .map(|i| if i % 2 == 0 { "a" } else { "b" })
        .collect();
    let text = format!(
        "{HEADER}party p {{\n  requires {}\n  rejects a and b\n}}\n",
        terms.join(" or ")
    );
    let started = Instant::now();
    let diags = run_all(text);
    assert!(
        !diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
    assert!(
        started.elapsed() < HANG_GUARD,
        "hang: {:?}",
        started.elapsed()
    );
    // `and` chains too, and `|` / `&` spellings.
    let text = format!(
        "{HEADER}party p {{\n  rejects {}\n}}\n",
        vec!["a & b"; 50_000].join(" | ")
    );
    let diags = run_all(text);
    assert!(
        !diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
}

#[test]
fn a_one_megabyte_line() {
    // One statement with a 1 MB quote, and one line of 1 MB of junk.
    let quote = "x".repeat(1 << 20);
    let diags = run_all(format!(
        "{HEADER}party p {{\n  requires a \"{quote}\"\n}}\n"
    ));
    assert!(
        !diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
    let junk: String = "a b ( ) @ -> ".repeat((1 << 20) / 13);
    let diags = run_all(format!("{HEADER}{junk}\n"));
    assert!(
        diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
}

#[test]
fn nul_bytes_are_syntax_errors_not_crashes() {
    let diags = run_all(format!("{HEADER}party p {{\n  requires a\0b\n}}\0\n\0\0"));
    assert!(
        diags.iter().any(|(k, _)| *k == Kind::SyntaxError),
        "{diags:?}"
    );
    let t = TempDir::new("limits");
    t.write("nul.stance", b"party p\0\ntopic \0a \"\0\"\n");
    let runs = check_all_formats(t.path(), &["nul.stance"]);
    assert_eq!(runs[0].code, Some(1), "{}", runs[0].stdout);
    assert!(!runs[0].raw.contains(&0), "raw NUL in the human output");
}

#[test]
fn invalid_utf8_names_the_byte_offset_in_every_format() {
    let t = TempDir::new("limits");
    // The invalid byte is at offset 21 (after a BOM, which counts).
    t.write("bad.stance", b"\xEF\xBB\xBFparty p\ntopic abc\xC3\x28\n");
    let runs = check_all_formats(t.path(), &["bad.stance"]);
    for run in &runs {
        assert_eq!(run.code, Some(1));
        assert!(run.stdout.contains("offset 20"), "{}", run.stdout);
    }
}

/// Random bytes: invalid UTF-8 (one diagnostic), and random printable ASCII
/// with line breaks (a syntax error on nearly every line).
fn random_file(len: usize, ascii: bool, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    (0..len)
        .map(|_| {
            let r = rng.next();
            if !ascii {
                (r >> 24) as u8
            } else if r.is_multiple_of(40) {
                b'\n'
            } else {
                b' ' + ((r >> 8) % 95) as u8
            }
        })
        .collect()
}

/// Random bytes through the real binary: every format answers with exit 1
/// and at least one error (within [`HANG_GUARD`]; each run's time is
/// printed, for docs/limits.md). The random-ASCII file gives a
/// syntax error on nearly every line (tens of thousands per megabyte), so
/// its outputs are large: it goes through the cheapest formats unless
/// `all_formats`.
fn big_file_through_the_binary(len: usize, all_formats: bool) {
    let t = TempDir::new("limits");
    t.write(
        "binary.stance",
        random_file(len, false, 0x9e37_79b9_7f4a_7c15),
    );
    t.write(
        "ascii.stance",
        random_file(len, true, 0x2545_f491_4f6c_dd1d),
    );
    for (file, formats) in [
        ("binary.stance", FORMATS),
        (
            "ascii.stance",
            if all_formats {
                FORMATS
            } else {
                &["json", "short"][..]
            },
        ),
    ] {
        for format in formats {
            let run = stance(
                t.path(),
                &["check", file, "--format", format, "--color", "never"],
            );
            assert_eq!(run.code, Some(1), "{file} {format}: {}", run.stderr);
            eprintln!("{file} ({len} bytes) as {format}: {:?}", run.took);
            assert!(
                run.took < HANG_GUARD,
                "hang: {file} ({len} bytes) as {format} took {:?}",
                run.took
            );
            if *format == "json" {
                let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
                assert!(v["summary"]["errors"].as_u64().unwrap() >= 1);
            }
        }
    }
}

/// 1 MB of random bytes through the debug binary.
#[test]
fn a_megabyte_of_random_bytes_gives_diagnostics() {
    big_file_through_the_binary(1 << 20, false);
}

/// The 5 MB case of the issue, in every format. Ignored in the normal
/// (debug) suite: 5 MB of random ASCII hold about 200,000 syntax errors,
/// and the debug binary needs close to a minute to render them for people
/// (85 MB of output). Run it with
/// `cargo test --release --test hostile_limits -- --ignored --nocapture`
/// (it prints each run's time).
#[test]
#[ignore = "slow in debug builds; run with --release"]
fn five_megabytes_of_random_bytes_give_diagnostics() {
    big_file_through_the_binary(5 << 20, true);
}

#[test]
fn parse_of_random_file_ends() {
    // The parser alone on 1 MB of random ASCII, on a small stack. The hang
    // guard catches a parser gone quadratic (10^12 steps on 1 MB), not a
    // slow machine; throughput is measured by the benchmarks.
    let text = String::from_utf8(random_file(1 << 20, true, 7)).unwrap();
    let started = Instant::now();
    let (_, diags) = on_small_stack(move || syntax::parse(FileId(0), &text));
    assert!(!diags.is_empty());
    assert!(
        started.elapsed() < HANG_GUARD,
        "hang: {:?}",
        started.elapsed()
    );
}
