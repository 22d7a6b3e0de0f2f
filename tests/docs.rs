//! Keeps the documentation honest: every block in README.md and
//! docs/tutorial.md that follows a marker
//!
//! ```text
//! <!-- output: ARGS -->
//! ```
//!
//! must equal what `stance check --color never ARGS` prints (run from the
//! repository root). `BLESS=1 cargo test --test docs` rewrites the blocks
//! from the binary's actual output; review the diff before committing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

const DOCS: &[&str] = &["README.md", "docs/tutorial.md"];
const MARK: &str = "<!-- output: ";

fn run(args: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_stance"))
        .arg("check")
        .arg("--color")
        .arg("never")
        .args(args.split_whitespace())
        .current_dir(root)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Returns the document with every marked block replaced by the real
/// output, and the list of blocks that differed.
fn refresh(doc: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(doc.len());
    let mut stale = Vec::new();
    let mut rest = doc;
    while let Some(pos) = rest.find(MARK) {
        let after = &rest[pos + MARK.len()..];
        let end = after.find("-->").expect("unclosed output marker");
        let args = after[..end].trim().to_owned();
        let after_marker = &after[end + 3..];
        let open = after_marker
            .find("```text\n")
            .expect("an output marker must be followed by a ```text block");
        let body_start = open + "```text\n".len();
        let close = after_marker[body_start..]
            .find("\n```")
            .expect("unclosed ```text block")
            + body_start;
        let current = &after_marker[body_start..close];
        let actual = run(&args);
        let actual = actual.trim_end_matches('\n');
        if current != actual {
            stale.push(args.clone());
        }
        out.push_str(&rest[..pos + MARK.len() + end + 3]);
        out.push_str(&after_marker[..body_start]);
        out.push_str(actual);
        rest = &after_marker[close..];
    }
    out.push_str(rest);
    (out, stale)
}

#[test]
fn documented_outputs_match_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("BLESS").is_some();
    let mut problems = Vec::new();
    let mut blocks = 0;
    for doc in DOCS {
        let path = root.join(doc);
        let text = std::fs::read_to_string(&path).unwrap();
        blocks += text.matches(MARK).count();
        let (fresh, stale) = refresh(&text);
        if bless {
            std::fs::write(&path, fresh).unwrap();
        } else {
            problems.extend(stale.into_iter().map(|s| format!("{doc}: output of `{s}`")));
        }
    }
    assert!(
        blocks >= 9,
        "expected the README and tutorial output blocks, found {blocks}"
    );
    assert!(
        problems.is_empty(),
        "documented output differs from the binary (run `BLESS=1 cargo test --test docs` and review):\n{}",
        problems.join("\n")
    );
}
