//! Keeps the documentation honest: every block in README.md,
//! docs/tutorial.md and docs/output.md that follows a marker
//!
//! ```text
//! <!-- output: ARGS -->
//! ```
//!
//! must equal what `stance check --color never ARGS` prints (run from the
//! repository root); a marker `<!-- output: deals ARGS -->` shows
//! `stance deals ARGS` instead, `<!-- output: timeline ARGS -->`
//! `stance timeline ARGS`. The block may be ```mermaid instead (a
//! chart GitHub draws). `BLESS=1 cargo test --test it docs` rewrites the blocks
//! from the binary's actual output; review the diff before committing.
//!
//! Also checks the published JSON Schema of the `json` format
//! (`docs/schema/check-output.schema.json`) against real output.

use crate::support::common::run_stance;
use std::path::Path;

const DOCS: &[&str] = &["README.md", "docs/tutorial.md", "docs/output.md"];
const MARK: &str = "<!-- output: ";

fn run(args: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `<!-- output: deals ARGS -->` shows `stance deals ARGS`, `timeline
    // ARGS` `stance timeline ARGS` (no colour there); anything else is
    // `stance check`
    let command = ["deals", "timeline"]
        .into_iter()
        .find_map(|c| Some((c, args.strip_prefix(c)?.strip_prefix(' ')?)));
    let argv = match command {
        Some((command, rest)) => {
            let mut v = vec![command];
            v.extend(rest.split_whitespace());
            v
        }
        None => {
            let mut v = vec!["check", "--color", "never"];
            v.extend(args.split_whitespace());
            v
        }
    };
    let out = run_stance(root, &argv, None, &[]);
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
        // a ```text block, or ```mermaid for a chart GitHub draws
        let open = after_marker
            .find("```")
            .expect("an output marker must be followed by a ```text block");
        let fence = ["```text\n", "```mermaid\n"]
            .into_iter()
            .find(|f| after_marker[open..].starts_with(f))
            .expect("an output marker must be followed by a ```text or ```mermaid block");
        let body_start = open + fence.len();
        // an empty block closes right away (its fence has no `\n` before
        // it inside the body)
        let body = &after_marker[body_start..];
        let close = if body.starts_with("```") {
            body_start
        } else {
            body.find("\n```").expect("unclosed ```text block") + body_start
        };
        let current = &after_marker[body_start..close];
        let actual = run(&args);
        let actual = actual.trim_end_matches('\n');
        if current != actual {
            stale.push(args.clone());
        }
        out.push_str(&rest[..pos + MARK.len() + end + 3]);
        out.push_str(&after_marker[..body_start]);
        out.push_str(actual);
        if close == body_start && !actual.is_empty() {
            out.push('\n');
        }
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
        "documented output differs from the binary (run `BLESS=1 cargo test --test it docs` and review):\n{}",
        problems.join("\n")
    );
}

/// Every `*.stance` file below `dir` (relative to the repository root),
/// sorted.
fn stance_files(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "stance") {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn json_output_matches_the_published_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema =
        std::fs::read_to_string(root.join("docs/schema/check-output.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    // The rule sets, the examples, and the UI fixtures (every input error),
    // and one run cut short by a limit.
    let ui = stance_files("tests/ui");
    assert!(
        ui.len() > 20,
        "expected the UI fixtures, found {}",
        ui.len()
    );
    let runs: Vec<Vec<String>> = vec![
        vec!["rules".into(), "examples".into()],
        ui,
        vec!["--max-conflicts".into(), "1".into(), "rules".into()],
    ];
    let mut kinds = std::collections::BTreeSet::new();
    let mut weights = std::collections::BTreeSet::new();
    for args in runs {
        let mut argv = vec!["check", "--format", "json"];
        argv.extend(args.iter().map(String::as_str));
        let out = run_stance(root, &argv, None, &[]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "`stance check --format json {}` does not match the schema:\n{}",
            args.join(" "),
            errors.join("\n")
        );
        for d in json["diagnostics"].as_array().unwrap() {
            kinds.insert(d["name"].as_str().unwrap_or("").to_owned());
            for m in d["statements"].as_array().unwrap() {
                weights.insert(m["weight"].as_u64());
            }
        }
    }
    // Members with a written weight (the DUP's `weight 2` in the backstop
    // rules), with the default 1, and with none (claims, assumptions).
    for w in [Some(2), Some(1), None] {
        assert!(
            weights.contains(&w),
            "no member of weight {w:?} in the schema runs: {weights:?}"
        );
    }
    // The runs cover findings of every severity and input errors.
    for name in [
        "syntax-error",
        "include-error",
        "conflict",
        "unaccepted-duty",
    ] {
        assert!(
            kinds.contains(name),
            "no `{name}` in the schema runs: {kinds:?}"
        );
    }
    // The schema is not vacuous.
    let bad = serde_json::json!({"version": 1, "diagnostics": [{"code": "X"}], "summary": {}});
    assert!(!validator.is_valid(&bad));
    // nor is its weight: a claim takes none, a red line has one
    let statement = |kind: &str, weight: serde_json::Value| {
        serde_json::json!({"version": 1, "diagnostics": [{
            "code": "SC1003", "name": "conflict", "severity": "warning", "message": "m",
            "file": "a.stance", "line": 1, "column": 1, "end_line": 1, "end_column": 2,
            "parties": ["p"], "scenario": null, "chain": [], "concessions": [],
            "help": [], "notes": [], "fixes": [],
            "statements": [{"file": "a.stance", "line": 1, "column": 1, "end_line": 1,
                "end_column": 2, "role": "party", "party": "p", "kind": kind,
                "label": null, "text": "t", "quote": null, "weight": weight}]
        }], "summary": {"errors": 0, "warnings": 1, "infos": 0, "truncated": false}})
    };
    assert!(validator.is_valid(&statement("requires", serde_json::json!(2))));
    assert!(validator.is_valid(&statement("claims", serde_json::Value::Null)));
    assert!(!validator.is_valid(&statement("claims", serde_json::json!(1))));
    assert!(!validator.is_valid(&statement("requires", serde_json::Value::Null)));
}

#[test]
fn an_empty_block_is_filled_without_swallowing_the_next() {
    let doc = "<!-- output: timeline examples/01-parties-and-stances.stance -->\n```text\n```\n\nafter\n```text\nother\n```\n";
    let (fresh, stale) = refresh(doc);
    assert_eq!(stale.len(), 1, "an empty block is stale");
    let actual = run("timeline examples/01-parties-and-stances.stance");
    let expected = format!(
        "<!-- output: timeline examples/01-parties-and-stances.stance -->\n```text\n{}\n```\n\nafter\n```text\nother\n```\n",
        actual.trim_end_matches('\n')
    );
    assert_eq!(fresh, expected);
    let (again, stale) = refresh(&fresh);
    assert!(stale.is_empty());
    assert_eq!(again, fresh);
}
