//! `stance deals` human output (LANGUAGE.md §10), as insta snapshots of the
//! binary's standard output: a consistent dispute, a conflicting one, the
//! same question inside a scenario, and a list cut by `--max-deals` (which
//! must say so, and that the marked optima are exact). Each snapshot was
//! reviewed against the rule text above it.

use crate::support::common::{TempDir, run_stance};

/// `stance deals ARGS f.stance` on `text`: exit code, then standard output
/// (standard error must be empty).
fn deals(text: &str, args: &[&str]) -> String {
    let t = TempDir::new("deals-out");
    t.write("f.stance", text);
    let mut all = vec!["deals"];
    all.extend(args);
    all.push("f.stance");
    let o = run_stance(t.path(), &all, None, &[]);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    format!(
        "exit {}\n{}",
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap()
    )
}

/// Three parties whose red lines hold together; weighted, labelled and
/// quoted wishes.
const CONSISTENT: &str = r#"party union
party studios
party city
topic raise "a pay raise"
topic ai_rules
topic festival
party union {
  requires raise or ai_rules weight 5  "no deal without a raise or AI rules"
  u1: prefers raise weight 3           "money first"
  prefers ai_rules weight 2
}
party studios {
  rejects raise and ai_rules
  avoids raise weight 2
  prefers ai_rules                     "guidelines cost us little"
}
party city {
  prefers festival when ai_rules
}
"#;

/// Red lines that conflict: three ways out at different costs.
const CONFLICTING: &str = r#"party city
party studios
party crews
topic festival
topic parking
party city {
  c1: requires festival weight 3  "the festival goes ahead"
  rejects parking                 "no new parking"
}
party studios {
  requires parking when festival weight 2  "no festival without parking for the crews"
}
party crews {
  requires festival weight 4
}
"#;

#[test]
fn human_consistent_dispute() {
    insta::assert_snapshot!(deals(CONSISTENT, &[]));
}

#[test]
fn human_conflicting_dispute() {
    insta::assert_snapshot!(deals(CONFLICTING, &[]));
}

#[test]
fn human_scenario() {
    // without the scenario the red lines hold together; with it (no
    // festival), the crews' red line cannot
    let text =
        format!("{CONFLICTING}scenario quiet \"no festival this year\" {{ not festival }}\n")
            .replace("rejects parking ", "prefers parking ");
    insta::assert_snapshot!(deals(&text, &["--scenario", "quiet"]));
    // the JSON names the scenario too; without one, null
    let scenario_of = |args: &[&str]| {
        let json = deals(&text, args);
        let v: serde_json::Value =
            serde_json::from_str(json.trim_start_matches("exit 0\n")).unwrap();
        v["disputes"][0]["scenario"].clone()
    };
    assert_eq!(
        scenario_of(&["--scenario", "quiet", "--format", "json"]),
        "quiet"
    );
    assert!(scenario_of(&["--format", "json"]).is_null());
}

#[test]
fn human_truncated_list_keeps_exact_marks() {
    // one red line ties three opposed wishes into one dispute: a front of
    // three deals, a (4, 2), (7, 1), (9, 0); the best total (9, 0) and the
    // fairest (4, 2) apart. `--max-deals 1` shows both, says the list was
    // cut and that the marks are exact
    let text = r#"party a
party b
topic w
topic x
topic y
party a {
  requires w or x or y
  prefers w weight 4
  prefers x weight 3
  prefers y weight 2
}
party b {
  avoids w
  avoids x
  avoids y
}
"#;
    let full = deals(text, &[]);
    let cut = deals(text, &["--max-deals", "1"]);
    assert!(!full.contains("cut short"), "{full}");
    assert!(full.contains("3 deals"), "{full}");
    insta::assert_snapshot!(cut);
    // JSON says the same: cut, marks exact, both optima listed
    let json = deals(text, &["--max-deals", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(json.trim_start_matches("exit 0\n")).unwrap();
    let d = &v["disputes"][0];
    assert_eq!(v["truncated"], true, "{json}");
    assert_eq!(
        (&d["truncated"], &d["marks_exact"]),
        (&true.into(), &true.into())
    );
    let marks: Vec<(u64, bool, bool)> = d["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let b = |k: &str| x[k].as_bool().unwrap();
            (x["total"].as_u64().unwrap(), b("best_total"), b("fairest"))
        })
        .collect();
    assert_eq!(marks, [(9, true, false), (6, false, true)], "{json}");
}

#[test]
fn input_errors_give_no_deals() {
    // a syntax error: the errors on standard error as `check` shows
    // them, nothing on standard output, exit 1
    let t = TempDir::new("deals-err");
    t.write(
        "f.stance",
        "topic x\nparty p\nparty p {\n  requires (x\n}\n",
    );
    let o = run_stance(t.path(), &["deals", "f.stance"], None, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("f.stance:4"), "{err}");
    assert!(err.contains("no deals computed"), "{err}");
}
