//! Fixes (LANGUAGE.md §8 `fixes`, issue #16): the JSON and SARIF fixes of
//! a fixture, `stance check --fix` (idempotent, the findings it addresses
//! gone, the others left) and `--fix --diff` (writes nothing).

use crate::support::common::{TempDir, run_stance};
use serde_json::Value;

const TYPOS: &str = "\
# a model with one of each fixable finding
topic ceasefire \"a ceasefire\"
topic guarantees
topic unused_topic
party unused_party
party kyiv {
  requires ceasefire
  requires guarantees or not guarantees
  requires ceasfire when guarantees
  requirs guarantees
  requires sanctions
}
party moscow {
  rejects ceasefire
}
";

fn json(dir: &TempDir, file: &str) -> Value {
    let out = run_stance(dir.path(), &["check", "--format", "json", file], None, &[]);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

fn fixes_of<'a>(v: &'a Value, name: &str) -> Vec<&'a Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == name)
        .flat_map(|d| d["fixes"].as_array().unwrap())
        .collect()
}

#[test]
fn json_fixes_name_their_edits() {
    let dir = TempDir::new("fixes-json");
    dir.write("a.stance", TYPOS.replace("  requirs guarantees\n", ""));
    let v = json(&dir, "a.stance");
    let typo = fixes_of(&v, "undeclared-topic");
    let replace = typo
        .iter()
        .find(|f| f["message"] == "replace `ceasfire` with `ceasefire`")
        .unwrap();
    assert_eq!(replace["safe"], true);
    assert_eq!(
        replace["edits"][0],
        serde_json::json!({"file": "a.stance", "line": 9, "column": 12, "end_line": 9,
                           "end_column": 20, "replacement": "ceasefire"})
    );
    // declaring a name that looks like a typo is offered, not safe
    let declare = typo
        .iter()
        .find(|f| f["message"] == "declare the topic `ceasfire`")
        .unwrap();
    assert_eq!(declare["safe"], false);
    // a topic with no near name: declared after the last topic line, safely
    let sanctions = typo
        .iter()
        .find(|f| f["message"] == "declare the topic `sanctions`")
        .unwrap();
    assert_eq!(sanctions["safe"], true);
    assert_eq!(sanctions["edits"][0]["line"], 5);
    assert_eq!(sanctions["edits"][0]["column"], 1);
    assert_eq!(sanctions["edits"][0]["replacement"], "topic sanctions\n");
    let unused = fixes_of(&v, "unused-declaration");
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert!(unused.iter().all(|f| f["safe"] == true));
    let taut = fixes_of(&v, "tautology");
    assert_eq!(taut.len(), 1);
    assert_eq!(taut[0]["safe"], false);
    assert_eq!(taut[0]["edits"][0]["line"], 8);
    assert_eq!(taut[0]["edits"][0]["end_line"], 9);
    assert_eq!(taut[0]["edits"][0]["end_column"], 1);
}

#[test]
fn keyword_typos_get_a_fix() {
    let dir = TempDir::new("fixes-keyword");
    dir.write("a.stance", TYPOS);
    let v = json(&dir, "a.stance");
    let f = fixes_of(&v, "syntax-error");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["message"], "replace `requirs` with `requires`");
    assert_eq!(f[0]["safe"], true);
}

#[test]
fn fix_applies_safe_fixes_and_is_idempotent() {
    let dir = TempDir::new("fixes-apply");
    dir.write("a.stance", TYPOS);
    let out = run_stance(dir.path(), &["check", "--fix", "a.stance"], None, &[]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let fixed = dir.read("a.stance");
    assert!(
        fixed.contains("  requires ceasefire when guarantees\n"),
        "{fixed}"
    );
    assert!(fixed.contains("  requires guarantees\n"), "{fixed}");
    assert!(fixed.contains("topic sanctions\n"), "{fixed}");
    assert!(!fixed.contains("unused_topic") && !fixed.contains("unused_party"));
    // the tautology (unsafe) is left
    assert!(fixed.contains("requires guarantees or not guarantees"));
    let v = json(&dir, "a.stance");
    let left = names(&v);
    for gone in ["syntax-error", "undeclared-topic", "unused-declaration"] {
        assert!(!left.iter().any(|n| n == gone), "{gone} left: {left:?}");
    }
    assert!(left.iter().any(|n| n == "tautology"), "{left:?}");
    assert!(left.iter().any(|n| n == "conflict"), "{left:?}");
    // no safe fix is left, and a second run changes nothing
    let again = run_stance(dir.path(), &["check", "--fix", "a.stance"], None, &[]);
    assert_eq!(dir.read("a.stance"), fixed, "{again:?}");
    for d in v["diagnostics"].as_array().unwrap() {
        for f in d["fixes"].as_array().unwrap() {
            assert_eq!(f["safe"], false, "{d}");
        }
    }
}

#[test]
fn fixing_a_typo_changes_nothing_else() {
    let dir = TempDir::new("fixes-typo-only");
    let clean = "topic ceasefire\ntopic guarantees\nparty a {\n  requires ceasefire\n  no ceasefire without guarantees\n}\nparty b {\n  rejects guarantees\n}\n";
    dir.write("clean.stance", clean);
    dir.write(
        "typo.stance",
        clean.replace("without guarantees", "without guarantes"),
    );
    let before = json(&dir, "typo.stance");
    assert!(names(&before).iter().any(|n| n == "undeclared-topic"));
    run_stance(dir.path(), &["check", "--fix", "typo.stance"], None, &[]);
    assert_eq!(dir.read("typo.stance"), clean);
    let strip = |mut v: Value| {
        for d in v["diagnostics"].as_array_mut().unwrap() {
            d.as_object_mut()
                .unwrap()
                .retain(|k, _| k == "name" || k == "message" || k == "line");
        }
        v
    };
    assert_eq!(
        strip(json(&dir, "typo.stance")),
        strip(json(&dir, "clean.stance"))
    );
}

#[test]
fn fix_diff_writes_nothing() {
    let dir = TempDir::new("fixes-diff");
    dir.write("a.stance", TYPOS);
    let out = run_stance(
        dir.path(),
        &["check", "--fix", "--diff", "a.stance"],
        None,
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.starts_with("--- a.stance\n+++ a.stance\n"), "{diff}");
    assert!(diff.contains("\n-  requirs guarantees\n"), "{diff}");
    assert!(diff.contains("\n+  requires guarantees\n"), "{diff}");
    assert_eq!(dir.read("a.stance"), TYPOS);
    // after --fix, nothing is left to show
    run_stance(dir.path(), &["check", "--fix", "a.stance"], None, &[]);
    let fixed = dir.read("a.stance");
    let again = run_stance(
        dir.path(),
        &["check", "--fix", "--diff", "a.stance"],
        None,
        &[],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
    assert_ne!(fixed, TYPOS);
}

#[test]
fn fix_refuses_standard_input() {
    let dir = TempDir::new("fixes-stdin");
    let out = run_stance(
        dir.path(),
        &["check", "--fix", "-"],
        Some(b"topic a\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_fixes_carry_replacements() {
    let dir = TempDir::new("fixes-sarif");
    dir.write("a.stance", TYPOS);
    let out = run_stance(
        dir.path(),
        &["check", "--format", "sarif", "a.stance"],
        None,
        &[],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let fixes: Vec<&Value> = results
        .iter()
        .filter_map(|r| r.get("fixes"))
        .flat_map(|f| f.as_array().unwrap())
        .collect();
    assert!(!fixes.is_empty());
    let r = &fixes[0]["artifactChanges"][0];
    assert_eq!(r["artifactLocation"]["uri"], "a.stance");
    assert!(r["replacements"][0]["deletedRegion"]["startLine"].is_u64());
    assert!(r["replacements"][0]["insertedContent"]["text"].is_string());
}
