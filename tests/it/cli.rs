//! CLI tests: run the real `stance` binary in a temporary directory.

use std::path::Path;
use std::process::Output;

use crate::support::common::{TempDir, run_stance};

fn stance(dir: &Path, args: &[&str]) -> Output {
    stance_stdin(dir, args, None)
}

fn stance_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_stance(dir, args, stdin, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const CLEAN: &str = "party a \"A\"\ntopic x \"X\"\nparty a {\n  requires x\n}\n";

#[test]
fn clean_file_exits_zero() {
    let t = TempDir::new("cli");
    t.write("ok.stance", CLEAN);
    let o = stance(t.path(), &["check", "ok.stance", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn syntax_error_exits_one_and_names_the_line() {
    let t = TempDir::new("cli");
    t.write(
        "bad.stance",
        "party a\ntopic x\nparty a {\n  requires x and\n}\n",
    );
    let o = stance(t.path(), &["check", "bad.stance", "--format", "short"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("bad.stance:4:"), "{out}");
    assert!(out.contains("syntax-error"), "{out}");
}

#[test]
fn missing_path_exits_two() {
    let t = TempDir::new("cli");
    let o = stance(t.path(), &["check", "nope.stance"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.stance"));
}

#[test]
fn usage_error_exits_two() {
    let t = TempDir::new("cli");
    let o = stance(t.path(), &["check", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = stance(t.path(), &["check", "-A", "syntax-error"]);
    assert_eq!(o.status.code(), Some(2));
    let o = stance(t.path(), &["check", "-D", "no-such-lint"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let t = TempDir::new("cli");
    t.write("bin.stance", b"party a\n\xff\xfe\n");
    let o = stance(t.path(), &["check", "bin.stance", "--format", "short"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("invalid-utf8"), "{out}");
    assert!(out.contains("offset 8"), "{out}");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let t = TempDir::new("cli");
    t.write(
        "crlf.stance",
        format!("\u{feff}{}", CLEAN.replace('\n', "\r\n")),
    );
    let o = stance(t.path(), &["check", "crlf.stance"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let t = TempDir::new("cli");
    t.write(
        "w.stance",
        "party a\ntopic x\ntopic unused\nparty a {\n  requires x\n}\n",
    );
    let o = stance(t.path(), &["check", "w.stance"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = stance(t.path(), &["check", "--deny", "warnings", "w.stance"]);
    assert_eq!(o.status.code(), Some(1));
    let o = stance(
        t.path(),
        &[
            "check",
            "-A",
            "unused-declaration",
            "-D",
            "warnings",
            "w.stance",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = stance(t.path(), &["check", "-D", "SC3002", "w.stance"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn directories_are_walked_sorted_and_included_files_checked_once() {
    let t = TempDir::new("cli");
    t.write(
        "rules/b.stance",
        "include \"shared/actors.stance\"\nparty a {\n  requires x\n}\n",
    );
    t.write("rules/shared/actors.stance", "party a\ntopic x\ntopic y\n");
    t.write(
        "rules/a.stance",
        "party q\ntopic z\nparty q {\n  requires z\n}\n",
    );
    let o = stance(t.path(), &["check", "rules", "--format", "short"]);
    let out = stdout(&o);
    // `y` is unused; reported once, in the shared file, not as a root of its own.
    assert_eq!(out.matches("unused-declaration").count(), 1, "{out}");
    assert!(out.contains("rules/shared/actors.stance:3:"), "{out}");
}

#[test]
fn include_outside_root_is_refused_without_reading() {
    let t = TempDir::new("cli");
    t.write("secret.stance", "party SECRET_CONTENT\n");
    t.write(
        "root/main.stance",
        "include \"../secret.stance\"\nparty a\ntopic x\nparty a {\n  requires x\n}\n",
    );
    let root = t.path().join("root");
    let o = stance(&root, &["check", "main.stance", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("include-error"), "{out}");
    assert!(!out.contains("SECRET_CONTENT"), "{out}");
}

#[cfg(unix)]
#[test]
fn symlink_escaping_the_root_is_refused() {
    let t = TempDir::new("cli");
    t.write("outside/secret.stance", "party SECRET_CONTENT\n");
    t.write(
        "root/main.stance",
        "include \"link.stance\"\nparty a\ntopic x\nparty a {\n  requires x\n}\n",
    );
    std::os::unix::fs::symlink(
        t.path().join("outside/secret.stance"),
        t.path().join("root/link.stance"),
    )
    .unwrap();
    std::os::unix::fs::symlink(t.path().join("outside"), t.path().join("root/dirlink")).unwrap();
    let root = t.path().join("root");
    let o = stance(&root, &["check", "main.stance", "--format", "json"]);
    let out = stdout(&o);
    assert!(out.contains("outside the root"), "{out}");
    assert!(!out.contains("SECRET_CONTENT"), "{out}");
    // Walking the root does not follow the directory link out of it.
    let o = stance(&root, &["check", ".", "--format", "json"]);
    assert!(!stdout(&o).contains("SECRET_CONTENT"), "{}", stdout(&o));
}

#[test]
fn stdin_with_filename() {
    let t = TempDir::new("cli");
    let o = stance_stdin(
        t.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "piped.stance",
            "--format",
            "short",
        ],
        Some(b"party a\ntopic x\nparty a {\n  requires x and\n}\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("piped.stance:4:"), "{}", stdout(&o));
}

#[test]
fn json_output_is_valid_and_stable() {
    let t = TempDir::new("cli");
    t.write(
        "j.stance",
        "party a\ntopic x\ntopic y\nparty a {\n  requires x and\n}\n",
    );
    let a = stance(t.path(), &["check", "j.stance", "--format", "json"]);
    let b = stance(t.path(), &["check", "j.stance", "--format", "json"]);
    assert_eq!(
        a.stdout, b.stdout,
        "output must be byte-identical run to run"
    );
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert!(v["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
}

#[test]
fn explain_lists_and_explains() {
    let t = TempDir::new("cli");
    let o = stance(t.path(), &["explain", "--list"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("SC1003"));
    let o = stance(t.path(), &["explain", "conflict"]);
    assert_eq!(o.status.code(), Some(0));
    let o = stance(t.path(), &["explain", "SC1003"]);
    assert_eq!(o.status.code(), Some(0));
    let o = stance(t.path(), &["explain", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn color_never_prints_no_escape() {
    let t = TempDir::new("cli");
    t.write(
        "c.stance",
        "party a\ntopic x\nparty a {\n  requires x and\n}\n",
    );
    let o = stance(t.path(), &["check", "c.stance", "--color", "never"]);
    assert!(!o.stdout.contains(&0x1b));
    let o = stance(t.path(), &["check", "c.stance", "--color", "always"]);
    assert!(o.stdout.contains(&0x1b));
}

/// A warning (`unused-declaration`) and an info (`unaccepted-duty`).
const WARNING_AND_INFO: &str =
    "party a\nparty b\ntopic x\ntopic y\ntopic unused\nparty a {\n  requires x\n  duty b: y\n}\n";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn severity_names_are_groups_for_levels() {
    let t = TempDir::new("cli");
    t.write("m.stance", WARNING_AND_INFO);
    let short = |args: &[&str]| {
        let mut all = vec!["check", "m.stance", "--format", "short"];
        all.extend_from_slice(args);
        stance(t.path(), &all)
    };
    for group in ["info", "infos"] {
        let o = short(&["-A", group]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains("unaccepted-duty"), "{out}");
        assert!(out.contains("warning[unused-declaration]"), "{out}");
    }
    for group in ["warning", "warnings"] {
        let o = short(&["-A", group]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains("unused-declaration"), "{out}");
        assert!(out.contains("info[unaccepted-duty]"), "{out}");
    }
    // `-W infos` makes infos warnings, and `-D warnings` then denies them.
    let o = short(&["-W", "infos"]);
    assert!(
        stdout(&o).contains("warning[unaccepted-duty]"),
        "{}",
        stdout(&o)
    );
    let o = short(&["-W", "infos", "-D", "warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[unaccepted-duty]"),
        "{}",
        stdout(&o)
    );
    // A named diagnostic is more specific than a group.
    let o = short(&["-A", "infos", "-W", "unaccepted-duty"]);
    assert!(
        stdout(&o).contains("warning[unaccepted-duty]"),
        "{}",
        stdout(&o)
    );
    // Errors cannot be allowed or downgraded as a group.
    for args in [["-A", "errors"], ["-W", "error"]] {
        let o = short(&args);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("cannot be allowed"), "{}", stderr(&o));
    }
}

#[test]
fn the_summary_names_the_error_count_first() {
    let t = TempDir::new("cli");
    t.write("m.stance", WARNING_AND_INFO);
    let o = stance(t.path(), &["check", "m.stance", "--color", "never"]);
    let out = stdout(&o);
    assert_eq!(
        out.lines().last(),
        Some("0 errors, 1 warning, 1 info"),
        "{out}"
    );
    let o = stance(
        t.path(),
        &[
            "check", "m.stance", "--color", "never", "-W", "infos", "-A", "warnings",
        ],
    );
    let out = stdout(&o);
    assert_eq!(out.lines().last(), Some("no findings"), "{out}");
}

#[test]
fn unknown_names_get_a_did_you_mean() {
    let t = TempDir::new("cli");
    t.write("m.stance", WARNING_AND_INFO);
    for args in [
        &["check", "m.stance", "-A", "unacepted-duty"][..],
        &["check", "m.stance", "-D", "warnigns"][..],
        &["explain", "conflcit"][..],
    ] {
        let o = stance(t.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("did you mean `"), "{args:?}: {err}");
    }
    let o = stance(t.path(), &["explain", "conflcit"]);
    assert!(
        stderr(&o).contains("did you mean `conflict`?"),
        "{}",
        stderr(&o)
    );
    let o = stance(t.path(), &["check", "m.stance", "-D", "warnigns"]);
    assert!(
        stderr(&o).contains("did you mean `warnings`?"),
        "{}",
        stderr(&o)
    );
    // Nothing close: no guess.
    let o = stance(t.path(), &["explain", "zzzzzzzzzzzz"]);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn a_negative_time_budget_gets_a_plain_error() {
    let t = TempDir::new("cli");
    t.write("m.stance", CLEAN);
    for value in ["-1", "-0.5", "-inf", "nan", "soon"] {
        let o = stance(t.path(), &["check", "m.stance", "--time-budget", value]);
        assert_eq!(o.status.code(), Some(2), "{value}");
        let err = stderr(&o);
        assert!(
            err.contains("the time budget must be a number of seconds ≥ 0"),
            "{value}: {err}"
        );
        assert!(!err.contains("tip:"), "{value}: {err}");
    }
}

/// A tree for paths outside the working directory: `work/` is the working
/// directory, `other/x.stance` includes `other/inc.stance` (which has an
/// unused topic), and `esc/esc.stance` includes `secret.stance` above
/// `esc/`.
fn outside_tree() -> TempDir {
    let t = TempDir::new("cli");
    t.write("work/.keep", "");
    t.write(
        "other/x.stance",
        "include \"inc.stance\"\nparty a {\n  requires x\n}\n",
    );
    t.write("other/inc.stance", "party a\ntopic x\ntopic unused\n");
    t.write(
        "esc/esc.stance",
        "include \"../secret.stance\"\nparty a {\n  requires x\n}\ntopic x\n",
    );
    t.write("secret.stance", "party SECRET_CONTENT\n");
    t
}

#[test]
fn a_path_outside_the_working_directory_is_checked_and_shown_from_there() {
    let t = outside_tree();
    let work = t.path().join("work");
    let absolute = t.path().join("other/x.stance");
    let absolute = absolute.to_str().unwrap();
    for arg in ["../other/x.stance", absolute] {
        let o = stance(&work, &["check", arg, "--format", "short"]);
        assert_eq!(o.status.code(), Some(0), "{arg}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.starts_with("../other/inc.stance:3:7: warning[unused-declaration]"),
            "{arg}: {out}"
        );
    }
    // The same name in every format.
    let o = stance(&work, &["check", "../other", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "../other/inc.stance");
    let o = stance(&work, &["check", "../other", "--format", "github"]);
    assert!(
        stdout(&o).contains("file=../other/inc.stance"),
        "{}",
        stdout(&o)
    );
    let o = stance(
        &work,
        &["check", "../other", "--format", "human", "--color", "never"],
    );
    assert!(
        stdout(&o).contains("[ ../other/inc.stance:3:7 ]"),
        "{}",
        stdout(&o)
    );
    // With `--root`, paths stay relative to the root.
    let o = stance(
        &work,
        &[
            "check",
            "--root",
            "..",
            "../other/x.stance",
            "--format",
            "short",
        ],
    );
    assert!(
        stdout(&o).starts_with("other/inc.stance:3:7"),
        "{}",
        stdout(&o)
    );
    // `graph` and `export` take the same paths.
    for cmd in ["graph", "export"] {
        let o = stance(&work, &[cmd, "../other/x.stance"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
    }
}

#[test]
fn includes_stay_confined_below_an_inferred_root() {
    let t = outside_tree();
    let work = t.path().join("work");
    let o = stance(&work, &["check", "../esc/esc.stance", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("SECRET_CONTENT"), "{out}");
    assert!(out.contains("leaves the root"), "{out}");
    #[cfg(unix)]
    {
        // A link inside the working directory that leads out of it is
        // still refused: the root is chosen by the name given.
        std::os::unix::fs::symlink(t.path().join("secret.stance"), work.join("link.stance"))
            .unwrap();
        let o = stance(&work, &["check", "link.stance", "--format", "json"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("outside the root"), "{}", stderr(&o));
        assert!(!stdout(&o).contains("SECRET_CONTENT"));
    }
}

#[test]
fn a_directory_without_rule_files_says_nothing_was_checked() {
    let t = TempDir::new("cli");
    t.write("empty/readme.txt", "no rules here\n");
    let o = stance(t.path(), &["check", "empty", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("no `*.stance` files found in `empty`: nothing checked"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fmt_shows_a_file_outside_the_working_directory_relative_to_it() {
    let t = TempDir::new("cli");
    t.write("work/.keep", "");
    t.write("other/x.stance", "party   a\n");
    let absolute = t.path().join("other/x.stance");
    for arg in ["../other/x.stance", absolute.to_str().unwrap()] {
        let o = stance(&t.path().join("work"), &["fmt", "--check", arg]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.starts_with("--- ../other/x.stance\n+++ ../other/x.stance\n"),
            "{arg}: {out}"
        );
    }
}

#[test]
fn long_lines_are_cut_around_what_they_point_at() {
    let t = TempDir::new("cli");
    // A 12,000-character line, the contradiction at its far end.
    let line = format!(
        "party a {{ {}requires x; rejects x }}",
        "requires y; ".repeat(1000)
    );
    t.write("far.stance", format!("topic x\ntopic y\n{line}\n"));
    let args = ["check", "far.stance", "-A", "redundant", "--color", "never"];
    let o = stance(t.path(), &args);
    let out = stdout(&o);
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 300, "a line of {longest} characters:\n{out}");
    assert!(out.contains(" 3 │ … y; requires y; "), "{out}");
    assert!(out.contains("requires x; rejects x }"), "{out}");
    // The column is the column in the file, as in the short format.
    let o = stance(
        t.path(),
        &[
            "check",
            "far.stance",
            "-A",
            "redundant",
            "--format",
            "short",
        ],
    );
    let short = stdout(&o);
    let column = 12 * 1000 + 11;
    assert!(
        short.starts_with(&format!("far.stance:3:{column}: ")),
        "{short}"
    );
    assert!(out.contains(&format!("[ far.stance:3:{column} ]")), "{out}");
}
