//! The rule corpus: every file of `rules/` and `examples/` checks clean with
//! `--deny warnings`, and every `expect` line of `rules/` is necessary —
//! removing any single one makes the check fail (so no expectation records
//! nothing, and every finding stays visible); for `expect … as of DATE`,
//! the check of the state at that date, where it must record a finding.

use stancecheck::check::CheckOptions;
use stancecheck::date::Date;
use stancecheck::diagnostic::Severity;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline;
use std::path::{Path, PathBuf};

fn stance_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            stance_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "stance") {
            out.push(p);
        }
    }
}

/// All corpus files in memory, keyed by root-relative path.
fn corpus() -> (MemoryFs, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    stance_files(&root.join("rules"), &mut files);
    stance_files(&root.join("examples"), &mut files);
    files.sort();
    let mut fs = MemoryFs::new();
    let mut names = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        fs.insert(rel.clone(), std::fs::read(&f).unwrap());
        names.push(rel);
    }
    (fs, names)
}

/// Diagnostics at warning or error level (what `--deny warnings` fails on).
fn failures(fs: &MemoryFs, roots: &[String]) -> Vec<String> {
    failures_at(fs, roots, None)
}

/// [`failures`] in the state at a date (`None`: the latest state).
fn failures_at(fs: &MemoryFs, roots: &[String], at: Option<Date>) -> Vec<String> {
    let mut loader = Loader::new(fs);
    for r in roots {
        loader.add_root(r).unwrap();
    }
    let loaded = loader.finish();
    let report = pipeline::run_at(&loaded, &CheckOptions::default(), at);
    assert!(
        !report.truncated,
        "the corpus must check without hitting a limit"
    );
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity <= Severity::Warning)
        .map(|d| format!("{}: {}", d.kind.name(), d.message))
        .collect()
}

#[test]
fn corpus_checks_clean_with_deny_warnings() {
    let (fs, names) = corpus();
    assert!(names.len() >= 10);
    let bad = failures(&fs, &names);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn every_expectation_in_rules_is_necessary() {
    let (fs, names) = corpus();
    let mut checked = 0;
    for name in names.iter().filter(|n| n.starts_with("rules/")) {
        let text = String::from_utf8(fs.get(name).unwrap().to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.trim_start().starts_with("expect ") {
                continue;
            }
            let mut without = lines.clone();
            without.remove(i);
            let mut fs2 = fs.clone();
            fs2.insert(name.clone(), without.join("\n").into_bytes());
            // Check the file as the run would: through its includer when
            // it is included, else as a root.
            // `expect … as of DATE`: in the state at that date, where it
            // must record a finding (undated there: a dated expectation
            // only ever reports its own failure)
            let dated = line.trim_end().rsplit_once(" as of ");
            let at = dated.and_then(|(_, d)| Date::parse(d.trim()).ok());
            let mut base = fs.clone();
            if let Some((undated, _)) = dated {
                let mut with = lines.clone();
                with[i] = undated;
                base.insert(name.clone(), with.join("\n").into_bytes());
            }
            let bad = failures_at(&fs2, &names, at);
            assert!(
                bad != failures_at(&base, &names, at),
                "removing `{}` (line {}) from {name} changes nothing: the expectation records nothing",
                line.trim(),
                i + 1
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} expect lines found");
}

/// All diagnostics (every level) of one root file, as `kind: message`.
fn all_findings(text: &str) -> Vec<String> {
    let mut fs = MemoryFs::new();
    fs.insert("r.stance", text.as_bytes().to_vec());
    let mut loader = Loader::new(&fs);
    loader.add_root("r.stance").unwrap();
    let report = pipeline::run(&loader.finish(), &CheckOptions::default());
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.kind.name(), d.message))
        .collect()
}

/// The corpus-like benchmark text (`generate::replicate`, used by the
/// `parse_resolve_corpus` benchmark) is the corpus again: each renamed copy
/// of each standalone rule file gives that file's findings, and nothing
/// else.
#[test]
fn replicated_corpus_checks_like_the_corpus() {
    let (fs, names) = corpus();
    let standalone: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("rules/") && n.matches('/').count() == 1)
        .map(|n| String::from_utf8(fs.get(n).unwrap().to_vec()).unwrap())
        .collect();
    assert!(standalone.len() >= 4);
    let texts: Vec<&str> = standalone.iter().map(String::as_str).collect();
    let copies = stancecheck::generate::replicate(&texts, 2);
    let mut want = Vec::new();
    for n in 0..2 * texts.len() {
        let one = stancecheck::generate::replicate(&[texts[n % texts.len()]], 1);
        let suffix = format!("_{n}");
        for f in all_findings(&one) {
            want.push(f.replace("_0", &suffix));
        }
    }
    let mut got = all_findings(&copies);
    got.sort();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}
