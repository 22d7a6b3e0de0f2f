//! Untrusted text, end to end through the binary: rule-file quotes, labels,
//! comments, broken tokens and file names holding terminal control
//! sequences, bidi overrides, line breaks and GitHub workflow commands
//! cannot drive a terminal or start a workflow command in any format, and
//! JSON and SARIF stay valid whatever the input bytes were.

use crate::support::common::run_stance;
use crate::support::hostile::{
    FORMATS, TempDir, assert_github_output, assert_terminal_safe, check_all_formats,
    diagnostic_names, stance,
};

/// Everything that tries to escape: a line break followed by a workflow
/// command, a screen clear, a bell, an OSC window title, a bidi override,
/// GitHub's own escape for a line break, a C1 control (NEL, CSI) and the
/// Unicode line separator. (A lone carriage return is in [`model`]'s
/// comment: strings have no escape for it.)
const NASTY: &str = "\n::error file=x.stance,line=1::pwned\u{1b}[2J\u{7}\u{1b}]0;title\u{7}\u{202e}txt.exe%0A::warning::%0D%25::notice::c1\u{85}\u{9b}2J\u{2028}";

/// `NASTY` as a string literal body: `\n` escaped, the rest raw.
fn literal() -> String {
    NASTY.replace('\n', "\\n")
}

/// A model whose findings quote the nasty text everywhere: labels of
/// parties, topics and scenarios, statement quotes, comments on the shown
/// lines, and raw control bytes in a broken line (a syntax error quotes the
/// token it found).
fn model() -> String {
    let q = literal();
    format!(
        "party a \"A {q}\"\nparty b \"B {q}\"\ntopic t \"T {q}\"\ntopic u \"U {q}\"\n\
         party a {{\n  a1: requires t \"{q}\" # {NASTY_COMMENT}\n  prefers u when t \"{q}\"\n}}\n\
         party b {{\n  b1: rejects t \"{q}\"\n  claims not u \"{q}\"\n}}\n\
         scenario s \"S {q}\" {{ t }}\nexpect feasible s\n\
         party \u{1b}[2J \u{7} \u{202e} %0A ::error::x\n",
        NASTY_COMMENT = "\u{1b}[2J\u{7}\u{202e}::error::c %0A\r::notice::cr"
    )
}

/// No raw C0 control character in JSON (the encoder escapes them), and the
/// text survives the round trip exactly. (JSON is for programs: C1 controls,
/// DEL and bidi controls stay raw, as JSON allows; a program that prints
/// them must escape them itself.)
fn assert_json_keeps_text(out: &str, needle: &str) {
    assert!(
        !out.chars().any(|c| c < ' ' && c != '\n'),
        "raw control character in JSON: {out:?}"
    );
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    let all = v.to_string();
    let needle_json = serde_json::to_string(needle).unwrap();
    let needle_json = needle_json.trim_matches('"');
    assert!(
        all.contains(needle_json),
        "the text was altered in JSON: {all}"
    );
}

#[test]
fn quotes_labels_and_comments_inject_nothing() {
    let t = TempDir::new("text");
    t.write("evil.stance", model());
    let runs = check_all_formats(t.path(), &["evil.stance"]);
    let json = &runs[2].stdout;
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let names = diagnostic_names(&v);
    // The checker got to see the model: the quotes are in findings.
    assert!(names.contains(&"conflict"), "{names:?}");
    assert!(names.contains(&"syntax-error"), "{names:?}");
    assert_json_keeps_text(json, NASTY);
    // SARIF is shown to people (code-scanning views): escaped like the
    // text formats, and still valid.
    assert_terminal_safe("sarif", &runs[3].stdout);
    // GitHub: one command per finding, whatever the text held.
    let github = &runs[4].stdout;
    assert_eq!(github.lines().count(), names.len(), "{github}");
    assert!(!github.contains("\r"));
    // `%0A` in the text is written as `%250A`, so GitHub does not decode it
    // into a line break.
    assert!(github.contains("%250A"), "{github}");
    for (run, format) in runs.iter().zip(FORMATS) {
        assert_eq!(run.code, Some(1), "{format}");
        if matches!(*format, "human" | "short" | "github") {
            assert!(!run.stdout.contains('\u{1b}'), "{format}");
            // What was escaped is still shown, visibly: as an escape in
            // messages, as a same-width `?` in quoted source lines.
            let shown = match *format {
                "human" => "?[2J",
                "short" => "found `\\u{1b}`",
                _ => "\\u{1b}[2J",
            };
            assert!(run.stdout.contains(shown), "{format}: {}", run.stdout);
        }
    }
}

#[test]
fn colour_codes_are_the_only_escapes_with_color_always() {
    let t = TempDir::new("text");
    t.write("evil.stance", model());
    let run = stance(
        t.path(),
        &[
            "check",
            "evil.stance",
            "--format",
            "human",
            "--color",
            "always",
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("\u{1b}["), "colour was asked for");
    // Remove the renderer's own SGR sequences (ESC [ digits/; m): nothing
    // of the input's may remain.
    let mut plain = String::new();
    let mut rest = run.stdout.as_str();
    while let Some(i) = rest.find("\u{1b}[") {
        plain.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap();
        assert_eq!(
            &after[end..end + 1],
            "m",
            "non-colour escape: {:?}",
            &after[..end + 1]
        );
        rest = &after[end + 1..];
    }
    plain.push_str(rest);
    assert_terminal_safe("human --color always", &plain);
}

#[cfg(unix)]
#[test]
fn file_names_inject_nothing() {
    let t = TempDir::new("text");
    let name = "evil\n::error::pwned\u{1b}[2J\u{7}\u{202e}%0A,x:y.stance";
    t.write(
        name,
        "party a\ntopic t\nparty a {\n  requires t\n  requires not t\n}\n( broken\n",
    );
    t.write(&format!("dir{}/inner.stance", "\u{1b}]0;x\u{7}"), "party\n");
    // Named on the command line, and found by walking.
    for args in [&[name][..], &["."][..]] {
        let runs = check_all_formats(t.path(), args);
        for (run, format) in runs.iter().zip(FORMATS) {
            assert_eq!(run.code, Some(1), "{format}: {}", run.stderr);
            if *format == "github" {
                assert_github_output(&run.stdout);
            }
            if *format == "json" {
                assert!(!run.stdout.chars().any(|c| c < ' ' && c != '\n'));
            }
            if *format == "sarif" {
                assert_terminal_safe("sarif", &run.stdout);
            }
        }
        // JSON keeps the file name, exactly.
        assert_json_keeps_text(&runs[2].stdout, name);
    }
}

/// Paths in messages on standard error are untrusted too: a dangling link
/// found while walking is named in a warning, escaped.
#[cfg(unix)]
#[test]
fn file_names_in_error_messages_inject_nothing() {
    let t = TempDir::new("text");
    let name = "bad\n::error::pwned\u{1b}[2J\u{7}\u{202e}.stance";
    std::os::unix::fs::symlink(t.path().join("nowhere"), t.path().join(name)).unwrap();
    // Walking skips the dangling link with a warning (exit 0); naming it is
    // an error (exit 2). Either way its name is escaped on stderr.
    for (args, code) in [
        (&["check", "."][..], 0),
        (&["check", name], 2),
        (&["fmt", "--check", name], 2),
    ] {
        let run = stance(t.path(), args);
        assert_eq!(run.code, Some(code), "{args:?}");
        assert!(
            run.stderr.contains("bad\\n::error::pwned\\u{1b}[2J"),
            "{}",
            run.stderr
        );
        assert_terminal_safe("stderr", &run.stderr);
        for line in run.stderr.lines() {
            assert!(
                !line.starts_with("::"),
                "workflow command on stderr: {line:?}"
            );
        }
    }
}

/// `stance fmt --check` shows a diff of the file's own text (it runs in CI
/// on rule files of pull requests): control characters in it, and in the
/// file name of its header, are escaped.
#[test]
fn fmt_check_diffs_inject_nothing() {
    let t = TempDir::new("text");
    let name = if cfg!(unix) {
        "fmt\n::error::pwned\u{1b}[2J.stance"
    } else {
        "fmt.stance"
    };
    t.write(
        name,
        format!(
            "party a  \"{}\"\r\ntopic  t # \u{1b}[2J\u{7}\u{202e}\r\n::error::raw\r\n",
            literal()
        ),
    );
    let run = stance(t.path(), &["fmt", "--check", name]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_terminal_safe("fmt --check", &run.stdout);
    assert_terminal_safe("fmt --check stderr", &run.stderr);
    for line in run.stdout.lines().chain(run.stderr.lines()) {
        assert!(!line.starts_with("::"), "workflow command: {line:?}");
    }
    // A file that only needs formatting: the diff itself.
    t.write(
        "plain.stance",
        format!(
            "party a  \"{}\"\ntopic  t # \u{1b}[2J\u{7}\u{202e}\n",
            literal()
        ),
    );
    let run = stance(t.path(), &["fmt", "--check", "plain.stance"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("@@"), "{}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}[2J"), "{}", run.stdout);
    assert_terminal_safe("fmt --check", &run.stdout);
}

/// Standard input with a hostile display name.
#[test]
fn stdin_filename_injects_nothing() {
    let t = TempDir::new("text");
    let name = "in\n::error::pwned\u{1b}[2J\u{202e}";
    for format in FORMATS {
        let args = [
            "check",
            "-",
            "--stdin-filename",
            name,
            "--format",
            format,
            "--color",
            "never",
        ];
        let o = run_stance(t.path(), &args, Some(model().as_bytes()), &[]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{format}");
        match *format {
            "github" => assert_github_output(&out),
            "json" => {
                assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
                assert!(!out.chars().any(|c| c < ' ' && c != '\n'));
            }
            "sarif" => {
                assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
                assert_terminal_safe("sarif", &out);
            }
            _ => assert_terminal_safe(format, &out),
        }
    }
}

/// Arbitrary bytes (invalid UTF-8 among them) in every format: JSON and
/// SARIF stay valid, the text formats stay clean.
#[test]
fn arbitrary_bytes_keep_every_format_valid() {
    let t = TempDir::new("text");
    let mut bytes: Vec<u8> = (0u8..=255).collect();
    bytes.extend_from_slice(b"\nparty a \"\xff\xfe\"\n");
    t.write("bytes.stance", &bytes);
    // Valid UTF-8 holding every control character, in a quote and raw.
    let controls: String = (0u32..0x20)
        .chain(0x7f..0xa0)
        .filter_map(char::from_u32)
        .collect();
    t.write(
        "controls.stance",
        format!(
            "party a \"{}\"\ntopic t\nparty a {{ requires t \"x\" }}\n{controls}\n",
            controls.replace(['"', '\\', '\n', '\r'], "")
        ),
    );
    for file in ["bytes.stance", "controls.stance"] {
        let runs = check_all_formats(t.path(), &[file]);
        for run in &runs {
            assert_eq!(run.code, Some(1), "{file}: {}", run.stdout);
        }
    }
}
