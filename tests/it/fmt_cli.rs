//! CLI tests of `stance fmt`: run the real binary in a temporary directory.

use std::path::Path;
use std::process::Output;

use crate::support::common::{TempDir, run_stance};

fn stance(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run_stance(dir, args, stdin.map(str::as_bytes), &[("NO_COLOR", "1")])
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MESSY: &str = "party a {requires x&y \"q\"}\ntopic x\n";
const TIDY: &str = "party a {\n  requires x and y  \"q\"\n}\ntopic x\n";
const BROKEN: &str = "party a {\n  requires\n}\n";

#[test]
fn check_mode_prints_a_diff_and_changes_nothing() {
    let t = TempDir::new("fmt");
    t.write("rules/messy.stance", MESSY);
    t.write("rules/tidy.stance", TIDY);
    let o = stance(t.path(), &["fmt", "--check"], None);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let diff = out(&o);
    assert!(
        diff.starts_with("--- rules/messy.stance\n+++ rules/messy.stance\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("-party a {requires x&y \"q\"}\n"), "{diff}");
    assert!(diff.contains("+  requires x and y  \"q\"\n"), "{diff}");
    assert!(!diff.contains("tidy"), "{diff}");
    assert_eq!(t.read("rules/messy.stance"), MESSY);

    // formatted files pass
    let o = stance(t.path(), &["fmt", "--check", "rules/tidy.stance"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "");
}

#[test]
fn rewrites_in_place_then_check_passes() {
    let t = TempDir::new("fmt");
    t.write("a.stance", MESSY);
    t.write("sub/b.stance", "topic   y\r\n");
    t.write("notes.txt", "topic   z\n");
    let o = stance(t.path(), &["fmt"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("a.stance"), TIDY);
    assert_eq!(t.read("sub/b.stance"), "topic y\n");
    assert_eq!(t.read("notes.txt"), "topic   z\n");
    let o = stance(t.path(), &["fmt", "--check", "."], None);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}

#[test]
fn ignored_paths_are_not_formatted() {
    let t = TempDir::new("fmt");
    t.write(".stanceignore", "skip\n");
    t.write("skip/a.stance", MESSY);
    t.write("b.stance", MESSY);
    let o = stance(t.path(), &["fmt"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("skip/a.stance"), MESSY);
    assert_eq!(t.read("b.stance"), TIDY);
}

#[test]
fn standard_input_to_standard_output() {
    let t = TempDir::new("fmt");
    let o = stance(t.path(), &["fmt", "-"], Some(MESSY));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), TIDY);
    let o = stance(t.path(), &["fmt", "--check", "-"], Some(MESSY));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).starts_with("--- <stdin>\n+++ <stdin>\n"),
        "{}",
        out(&o)
    );
    let o = stance(t.path(), &["fmt", "--check", "-"], Some(TIDY));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn syntax_errors_leave_the_file_untouched() {
    let t = TempDir::new("fmt");
    t.write("bad.stance", BROKEN);
    t.write("good.stance", MESSY);
    let o = stance(t.path(), &["fmt"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(t.read("bad.stance"), BROKEN);
    // the other file is still formatted
    assert_eq!(t.read("good.stance"), TIDY);
    let e = err(&o);
    assert!(
        e.contains("error[syntax-error/SC0001]: expected a formula after `requires`"),
        "{e}"
    );
    assert!(e.contains("bad.stance:2:3"), "{e}");
    // standard input with errors is passed through unchanged
    let o = stance(t.path(), &["fmt", "-"], Some(BROKEN));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), BROKEN);
    // and --check reports them too
    let o = stance(t.path(), &["fmt", "--check", "bad.stance"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("SC0001"));
}

#[test]
fn invalid_utf8_is_reported_and_untouched() {
    let t = TempDir::new("fmt");
    std::fs::write(t.path().join("bin.stance"), b"topic a\xff\n").unwrap();
    let o = stance(t.path(), &["fmt"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("not valid UTF-8"), "{}", err(&o));
    assert_eq!(
        std::fs::read(t.path().join("bin.stance")).unwrap(),
        b"topic a\xff\n"
    );
}

#[test]
fn unreadable_path_exits_two_and_writes_nothing() {
    let t = TempDir::new("fmt");
    t.write("a.stance", MESSY);
    let o = stance(t.path(), &["fmt", "a.stance", "missing.stance"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("cannot open `missing.stance`"),
        "{}",
        err(&o)
    );
    assert_eq!(t.read("a.stance"), MESSY);
}

/// `fmt` writes: a symbolic link found while walking that leads out of the
/// walked directory is not followed, so the file it names is not rewritten.
#[cfg(unix)]
#[test]
fn walking_does_not_rewrite_files_outside_through_links() {
    let t = TempDir::new("fmt-link");
    t.write("outside/messy.stance", MESSY);
    t.write("rules/own.stance", MESSY);
    std::os::unix::fs::symlink(
        t.path().join("outside/messy.stance"),
        t.path().join("rules/link.stance"),
    )
    .unwrap();
    let o = stance(&t.path().join("rules"), &["fmt", "."], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let read = |p: &str| std::fs::read_to_string(t.path().join(p)).unwrap();
    assert_eq!(read("rules/own.stance"), TIDY);
    assert_eq!(read("outside/messy.stance"), MESSY);
}
