//! The promises stancecheck makes on hostile input, as checks that panic
//! when one is broken. Shared by the `tests/hostile_*.rs` suites and by the
//! fuzz targets (`fuzz/src/lib.rs` includes this file), so the fuzzers and
//! the normal test suite check exactly the same things:
//!
//! - the core never panics (parse, load, resolve, check, render, format);
//! - JSON and SARIF always parse and list every diagnostic;
//! - the GitHub output is one workflow command per line, and rule-file text
//!   cannot start a command of its own;
//! - the human and short outputs (colour off) hold no control character
//!   but `\n` and no bidirectional override;
//! - a run stops: the checker obeys its time budget, so a run never hangs
//!   ([`HANG_GUARD`]; a hang guard, not a speed limit);
//! - the formatter is idempotent and its output parses.
//!
//! Also a temporary directory and a runner for the real binary.

use stancecheck::check::CheckOptions;
use stancecheck::diagnostic::{Diagnostic, Severity};
use stancecheck::load::{FileSystem, Loader, MemoryFs};
use stancecheck::pipeline;
use stancecheck::render::{Format, RenderOptions, render};
use stancecheck::source::{FileId, decode};
use stancecheck::{format, syntax};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The second file of [`check_pipeline`]: the hostile root file may
/// include it (`include "inc.stance"`).
pub const INCLUDED: &str = "\
party inc \"an included party\"
topic shared \"a topic declared in the included file\"
party inc {
  i1: requires shared \"from the \u{1b}[2J included file\"
  rejects shared when other
}
topic other
";

/// The time budget of one checked run.
pub const BUDGET: Duration = Duration::from_millis(250);

/// How long a run may take before it counts as a hang. A hang guard, not a
/// speed limit: no assertion of the test suites may depend on how fast or
/// how loaded the machine is (docs/decisions.md), so this is hundreds of
/// times what a run needs (a 250 ms budget, and resolution and rendering
/// of small inputs, which are not under the budget) even in a debug build
/// on a busy machine. The fuzzers also have libFuzzer's own `-timeout`.
pub const HANG_GUARD: Duration = Duration::from_secs(120);

/// `source::decode` and `syntax::parse` on arbitrary bytes: no panic, the
/// invalid-byte offset is the first invalid byte, every span lies inside
/// the text on character boundaries.
pub fn check_parse(data: &[u8]) {
    match decode(data) {
        Ok(text) => {
            let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            assert_eq!(text.as_bytes(), body, "decode changed valid UTF-8");
        }
        Err(offset) => {
            assert!(offset <= data.len(), "invalid-byte offset past the end");
            let skip = if data.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let prefix = data.get(skip..offset).expect("offset inside the input");
            assert!(
                std::str::from_utf8(prefix).is_ok(),
                "offset {offset} is not the first invalid byte"
            );
            let rest = data.get(offset..).expect("offset inside the input");
            assert!(std::str::from_utf8(rest).is_err() || rest.is_empty());
        }
    }
    let text = String::from_utf8_lossy(data);
    let (_file, diagnostics) = syntax::parse(FileId(0), &text);
    for d in &diagnostics {
        assert!(d.span.start <= d.span.end, "reversed span");
        assert!(d.span.end as usize <= text.len(), "span past the end");
        assert!(
            text.is_char_boundary(d.span.start as usize),
            "span start inside a character"
        );
        assert!(
            text.is_char_boundary(d.span.end as usize),
            "span end inside a character"
        );
        assert!(!d.message.is_empty(), "empty message");
    }
}

/// The whole pipeline on one hostile root file `main.stance` (which may
/// include [`INCLUDED`] as `inc.stance`), then every output format.
pub fn check_pipeline(data: &[u8]) {
    let mut fs = MemoryFs::new();
    fs.insert("main.stance", data.to_vec());
    fs.insert("inc.stance", INCLUDED.as_bytes().to_vec());
    check_run(&fs, &["main.stance"]);
}

/// Loads `roots` from `fs`, runs the pipeline with a small budget and
/// checks every output format. Returns the rendered JSON.
pub fn check_run(fs: &impl FileSystem, roots: &[&str]) -> serde_json::Value {
    let mut loader = Loader::new(fs);
    for root in roots {
        loader.add_root(root).expect("the root file exists");
    }
    let loaded = loader.finish();
    let options = CheckOptions {
        max_sets: 8,
        time_budget: Some(BUDGET),
    };
    let started = Instant::now();
    let report = pipeline::run(&loaded, &options);
    let took = started.elapsed();
    assert!(
        took < HANG_GUARD,
        "hang: the run took {took:?} with a budget of {BUDGET:?}"
    );
    let render_options = RenderOptions {
        color: false,
        truncated: report.truncated,
    };
    let mut json = serde_json::Value::Null;
    for &format in Format::ALL {
        let out = render(
            format,
            &report.diagnostics,
            &loaded.sources,
            &render_options,
        );
        check_output(format, &out, &report.diagnostics, report.truncated);
        if format == Format::Json {
            json = serde_json::from_str(&out).expect("json output parses");
        }
    }
    json
}

/// The promises of one output format (colour off).
pub fn check_output(format: Format, out: &str, diagnostics: &[Diagnostic], truncated: bool) {
    match format {
        Format::Json => {
            let v: serde_json::Value = serde_json::from_str(out)
                .unwrap_or_else(|e| panic!("json output does not parse: {e}\n{out}"));
            assert_eq!(v["version"], 1);
            let listed = v["diagnostics"].as_array().expect("diagnostics array");
            assert_eq!(
                listed.len(),
                diagnostics.len(),
                "json lists every diagnostic"
            );
            let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
            assert_eq!(v["summary"]["errors"], count(Severity::Error));
            assert_eq!(v["summary"]["warnings"], count(Severity::Warning));
            assert_eq!(v["summary"]["infos"], count(Severity::Info));
            assert_eq!(v["summary"]["truncated"], truncated);
        }
        Format::Sarif => {
            let v: serde_json::Value = serde_json::from_str(out)
                .unwrap_or_else(|e| panic!("sarif output does not parse: {e}\n{out}"));
            assert_eq!(v["version"], "2.1.0");
            let results = v["runs"][0]["results"].as_array().expect("sarif results");
            assert_eq!(
                results.len(),
                diagnostics.len(),
                "sarif lists every diagnostic"
            );
        }
        Format::Github => assert_github_output(out),
        Format::Human | Format::Short => assert_terminal_safe(format.name(), out),
    }
}

/// No control character but `\n`, no bidirectional control: nothing that
/// could move the cursor, clear the screen, ring the bell, set a window
/// title or reorder what a reviewer sees.
pub fn assert_terminal_safe(what: &str, out: &str) {
    if let Some((i, c)) = out
        .char_indices()
        .find(|&(_, c)| (c.is_control() && c != '\n') || is_bidi_control(c))
    {
        let context: String = out[i..].chars().take(60).collect();
        panic!("{what} output holds {c:?} at byte {i}, before {context:?}");
    }
}

/// The GitHub output: every line is exactly one workflow command.
pub fn assert_github_output(out: &str) {
    assert!(!out.contains('\r'), "carriage return in github output");
    for line in out.lines() {
        assert_github_line(line);
    }
}

/// One line of GitHub output is exactly one workflow command,
/// `::error|warning|notice PROPS::MESSAGE`, with no `:` in the properties
/// (they are escaped), so the message is everything after the first `::`
/// and cannot start a command of its own.
pub fn assert_github_line(line: &str) {
    let rest = ["::error ", "::warning ", "::notice "]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or_else(|| panic!("github line is not a workflow command: {line:?}"));
    let (props, _message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("github command without a message: {line:?}"));
    assert!(
        !props.contains(':'),
        "unescaped `:` in properties: {line:?}"
    );
    for prop in props.split(',') {
        let (key, _) = prop
            .split_once('=')
            .unwrap_or_else(|| panic!("property without `=`: {line:?}"));
        assert!(
            ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
            "unknown property `{key}`: {line:?}"
        );
    }
    assert_terminal_safe("github", line);
}

/// Bidirectional embeddings, overrides, isolates and marks, and the Unicode
/// line and paragraph separators.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `format::format_source`: on success, formatting again changes nothing
/// and raises no error.
pub fn check_format(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(once) = format::format_source(FileId(0), &text) else {
        return;
    };
    match format::format_source(FileId(0), &once) {
        Ok(twice) => assert_eq!(once, twice, "formatting is not idempotent"),
        Err(errors) => panic!(
            "the formatted text has syntax errors: {:?}\n--- input:\n{text:?}\n--- formatted:\n{once}",
            errors.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

// ---------------------------------------------------------------- mutation

/// Every rule file of the repository (`rules/`, `examples/`, `tests/ui/`)
/// as (root-relative path, bytes), sorted by path.
pub fn repository_files() -> Vec<(String, Vec<u8>)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = ["rules", "examples", "tests/ui"]
        .iter()
        .map(|d| base.join(d))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "stance") {
                let rel = path.strip_prefix(base).unwrap();
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Pieces that mutations splice in besides the keywords: operators,
/// separators and the characters that trouble parsers and renderers.
const EXTRA_PIECES: &[&str] = &[
    "->",
    "<->",
    "@",
    "&",
    "|",
    "!",
    "(",
    ")",
    "{",
    "}",
    ":",
    ";",
    ",",
    "\"",
    "\\",
    "#",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\0",
    "\u{feff}",
    "\u{1b}[2J",
    "\u{7}",
    "\u{202e}",
    "\u{85}",
    "::error::x",
    "%0A",
    "é",
    "😀",
    "x",
    "a1",
    "_",
    "include \"inc.stance\"",
    "((((((((",
    "))))))))",
    "\"\\n::warning::pwned\"",
];

/// Pieces that mutations splice in: the language's keywords and
/// [`EXTRA_PIECES`].
pub static PIECES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    stancecheck::syntax::KEYWORDS
        .iter()
        .chain(EXTRA_PIECES)
        .copied()
        .collect()
});

/// A deterministic mutation of `bytes`, driven by the numbers in `ops`
/// (which proptest generates and shrinks): byte flips, insertions and
/// deletions; deletion, duplication, swapping and splicing of lines; and
/// replacement, deletion and insertion of whitespace-separated tokens.
pub fn mutate(bytes: &[u8], ops: &[(u8, u32, u32)], donors: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for &(kind, x, y) in ops {
        let at = |n: usize| if n == 0 { 0 } else { x as usize % (n + 1) };
        match kind % 10 {
            0 if !b.is_empty() => {
                let i = x as usize % b.len();
                b[i] ^= 1 << (y % 8);
            }
            1 => {
                let i = at(b.len());
                b.insert(i, y as u8);
            }
            2 if !b.is_empty() => {
                let i = x as usize % b.len();
                let n = (y as usize % 16).min(b.len() - i);
                b.drain(i..i + n);
            }
            3 => {
                let piece = PIECES[y as usize % PIECES.len()].as_bytes();
                let i = at(b.len());
                b.splice(i..i, piece.iter().copied());
            }
            4..=6 => {
                let mut lines: Vec<Vec<u8>> =
                    b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let i = x as usize % lines.len();
                let j = y as usize % lines.len();
                match kind % 10 {
                    4 => {
                        lines.remove(i);
                    }
                    5 => {
                        let l = lines[i].clone();
                        lines.insert(j, l);
                    }
                    _ => lines.swap(i, j),
                }
                b = lines.join(&b'\n');
            }
            7 if !donors.is_empty() => {
                let donor = &donors[y as usize % donors.len()].1;
                let lines: Vec<&[u8]> = donor.split(|&c| c == b'\n').collect();
                let line = lines[x as usize % lines.len()];
                let i = at(b.len());
                let mut piece = line.to_vec();
                piece.push(b'\n');
                b.splice(i..i, piece);
            }
            8 | 9 => {
                // Tokens: maximal runs of non-space bytes.
                let mut starts = Vec::new();
                let mut prev_space = true;
                for (k, &c) in b.iter().enumerate() {
                    let space = c.is_ascii_whitespace();
                    if !space && prev_space {
                        starts.push(k);
                    }
                    prev_space = space;
                }
                if starts.is_empty() {
                    continue;
                }
                let s = starts[x as usize % starts.len()];
                let e = b[s..]
                    .iter()
                    .position(u8::is_ascii_whitespace)
                    .map_or(b.len(), |p| s + p);
                if kind % 10 == 8 {
                    let piece = PIECES[y as usize % PIECES.len()].as_bytes();
                    b.splice(s..e, piece.iter().copied());
                } else {
                    b.drain(s..e);
                }
            }
            _ => {}
        }
    }
    b
}

// ---------------------------------------------------------------- binary

/// The temporary directory of the CLI suites (a sibling module here and in
/// the fuzz crate, which includes both files).
pub use super::common::TempDir;

/// The names of the diagnostics of a JSON report, in order.
pub fn diagnostic_names(report: &serde_json::Value) -> Vec<&str> {
    report["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .map(|d| d["name"].as_str().expect("a diagnostic name"))
        .collect()
}

/// What one run of the binary printed.
pub struct Run {
    /// The exit code.
    pub code: Option<i32>,
    /// Standard output (lossy).
    pub stdout: String,
    /// Standard error (lossy).
    pub stderr: String,
    /// Standard output, raw.
    pub raw: Vec<u8>,
    /// Wall-clock time (for hang guards and messages only).
    pub took: Duration,
}

/// Runs `stance` with `args` in `dir` (colour never, no NO_COLOR).
pub fn stance(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let o = super::common::run_stance(dir, args, None, &[]);
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        raw: o.stdout,
        took: started.elapsed(),
    }
}

/// The five formats' command-line names.
pub const FORMATS: &[&str] = &["human", "short", "json", "sarif", "github"];

/// Runs `stance check ARGS --format F --color never` for every format and
/// checks each output's promises; returns the runs in [`FORMATS`] order.
pub fn check_all_formats(dir: &Path, args: &[&str]) -> Vec<Run> {
    FORMATS
        .iter()
        .map(|f| {
            let mut all = vec!["check"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--format", f, "--color", "never"]);
            let run = stance(dir, &all);
            assert!(
                matches!(run.code, Some(0..=2)),
                "exit {:?} for --format {f}: {}",
                run.code,
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
            assert_terminal_safe("stderr", &run.stderr);
            match *f {
                "json" | "sarif" if run.code != Some(2) => {
                    let v: Result<serde_json::Value, _> = serde_json::from_str(&run.stdout);
                    assert!(v.is_ok(), "{f} output does not parse: {}", run.stdout);
                }
                "github" => assert_github_output(&run.stdout),
                "human" | "short" => assert_terminal_safe(f, &run.stdout),
                _ => {}
            }
            run
        })
        .collect()
}
