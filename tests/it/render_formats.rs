//! Snapshot and property tests of every output format, on hand-built
//! diagnostics (see `render_support`).

use crate::support::render::{hostile, sample};
use stancecheck::diagnostic::Kind;
use stancecheck::render::{Format, RenderOptions, explain, render};

fn plain() -> RenderOptions {
    RenderOptions {
        color: false,
        truncated: false,
    }
}

fn out(format: Format, options: &RenderOptions) -> String {
    let (map, diagnostics) = sample();
    render(format, &diagnostics, &map, options)
}

/// Removes ANSI SGR sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn human() {
    insta::assert_snapshot!(out(Format::Human, &plain()));
}

#[test]
fn human_truncated() {
    let options = RenderOptions {
        color: false,
        truncated: true,
    };
    let s = out(Format::Human, &options);
    let tail: Vec<&str> = s.lines().rev().take(2).collect();
    assert_eq!(tail[1], "2 errors, 2 warnings, 1 info");
    assert!(tail[0].contains("truncated"), "{s}");
    assert!(tail[0].contains("--max-conflicts") && tail[0].contains("--time-budget"));
}

#[test]
fn human_color_only_adds_escapes() {
    let options = RenderOptions {
        color: true,
        truncated: false,
    };
    let colored = out(Format::Human, &options);
    assert!(colored.contains('\u{1b}'));
    assert_eq!(strip_ansi(&colored), out(Format::Human, &plain()));
}

#[test]
fn human_without_color_has_no_escapes() {
    assert!(!out(Format::Human, &plain()).contains('\u{1b}'));
}

#[test]
fn human_numbers_every_member_at_its_own_place() {
    let s = out(Format::Human, &plain());
    for needle in [
        "1. scenario: ceasefire",
        "2. ukraine (z1)",
        "3. us",
        "4. assumption",
        "5. russia",
        "note: chain: ceasefire → guarantees → guarantees@eu → peacekeepers ⟂ russia",
        "help: `deal` becomes feasible if the parties make any one of these concessions: `z1` (ukraine); or `duty eu: guarantees` (us); or `rejects peacekeepers` (russia)",
        "╭─[ peace.stance:24:1 ]",
        "├─[ parties/ukraine.stance:2:3 ]",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
}

#[test]
fn short() {
    insta::assert_snapshot!(out(Format::Short, &plain()));
}

#[test]
fn json() {
    let s = out(Format::Json, &plain());
    assert!(s.ends_with("}\n"));
    insta::assert_snapshot!(s);
}

#[test]
fn json_follows_the_contract() {
    let s = out(
        Format::Json,
        &RenderOptions {
            color: false,
            truncated: true,
        },
    );
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({"errors": 2, "warnings": 2, "infos": 1, "truncated": true})
    );
    let keys: Vec<&str> = v["diagnostics"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "code",
        "name",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "parties",
        "scenario",
        "statements",
        "chain",
        "concessions",
        "help",
        "notes",
        "fixes",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    let infeasible = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "infeasible-scenario")
        .unwrap();
    assert_eq!(infeasible["statements"].as_array().unwrap().len(), 5);
    assert_eq!(
        infeasible["statements"][1],
        serde_json::json!({
            "file": "parties/ukraine.stance", "line": 2, "column": 3, "end_line": 2, "end_column": 90,
            "role": "party", "party": "ukraine", "kind": "no-without", "label": "z1",
            "text": "no ceasefire without guarantees",
            "quote": "no ceasefire without strong security guarantees",
            "weight": 1
        })
    );
    // a weight on red lines and wishes only: none on the scenario and the
    // assumption (LANGUAGE.md §10)
    assert_eq!(infeasible["statements"][0]["role"], "scenario");
    assert_eq!(
        infeasible["statements"][0]["weight"],
        serde_json::Value::Null
    );
    assert_eq!(infeasible["statements"][3]["role"], "assumption");
    assert_eq!(
        infeasible["statements"][3]["weight"],
        serde_json::Value::Null
    );
    let conflict = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "conflict")
        .unwrap();
    assert_eq!(conflict["statements"][1]["party"], "russia");
    assert_eq!(conflict["statements"][1]["weight"], 3);
    assert_eq!(
        infeasible["concessions"][0],
        serde_json::json!([{"file": "parties/ukraine.stance", "line": 2, "party": "ukraine", "label": "z1"}])
    );
    assert_eq!(infeasible["scenario"], "deal");
}

#[test]
fn github() {
    insta::assert_snapshot!(out(Format::Github, &plain()));
}

#[test]
fn sarif_results() {
    let s = out(Format::Sarif, &plain());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let results = serde_json::to_string_pretty(&v["runs"][0]["results"]).unwrap();
    insta::assert_snapshot!(results);
}

#[test]
fn sarif_has_one_rule_per_kind() {
    let s = out(Format::Sarif, &plain());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "stance");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Kind::ALL.len());
    for (i, kind) in Kind::ALL.iter().enumerate() {
        assert_eq!(rules[i]["id"], kind.code());
        assert_eq!(rules[i]["name"], kind.name());
        assert_eq!(rules[i]["help"]["markdown"], explain(*kind));
    }
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

#[test]
fn empty_input_renders_everywhere() {
    let map = stancecheck::source::SourceMap::new();
    assert_eq!(render(Format::Human, &[], &map, &plain()), "no findings\n");
    assert_eq!(render(Format::Short, &[], &map, &plain()), "");
    assert_eq!(render(Format::Github, &[], &map, &plain()), "");
    let json: serde_json::Value =
        serde_json::from_str(&render(Format::Json, &[], &map, &plain())).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    let sarif: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, &[], &map, &plain())).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

// ---- hostile input ----

fn hostile_out(format: Format) -> String {
    let (map, diagnostics) = hostile();
    render(format, &diagnostics, &map, &plain())
}

/// Characters that must never reach a terminal from user text.
fn has_unsafe(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[test]
fn hostile_human_writes_no_control_characters() {
    let s = hostile_out(Format::Human);
    assert_eq!(has_unsafe(&s), None, "{s}");
    assert!(!s.bytes().any(|b| b == 0x1b || b == 0x07));
    assert!(s.contains("\\u{1b}") && s.contains("\\u{7}") && s.contains("\\u{202e}"));
    insta::assert_snapshot!(s);
}

#[test]
fn hostile_short_writes_no_control_characters() {
    let s = hostile_out(Format::Short);
    assert_eq!(has_unsafe(&s), None, "{s}");
    assert_eq!(s.lines().count(), 4, "{s}");
}

#[test]
fn hostile_github_cannot_inject_commands() {
    let s = hostile_out(Format::Github);
    assert_eq!(has_unsafe(&s), None, "{s}");
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 4, "{s}");
    for line in &lines {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        // one command per line: the only `::` separating properties from
        // the message is the first one after the properties
        let (head, _message) = line[2..].split_once("::").unwrap();
        assert!(!head.contains('\n'));
    }
    let first = lines[0];
    assert!(
        first.contains("file=evil%2Cname%3A%250A\\u{1b}[31m.stance,"),
        "{first}"
    );
    assert!(first.contains("label with %25 and"), "{first}");
    insta::assert_snapshot!(s);
}

#[test]
fn hostile_json_and_sarif_are_valid_json_and_keep_data() {
    let json: serde_json::Value = serde_json::from_str(&hostile_out(Format::Json)).unwrap();
    assert_eq!(
        json["diagnostics"][0]["statements"][0]["quote"],
        "ok\n::error file=x::pwned\u{1b}[2J\u{7}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&hostile_out(Format::Sarif)).unwrap();
    let text = sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(has_unsafe(text), None, "{text}");
}

#[test]
fn human_points_into_a_second_file_with_wide_characters() {
    use stancecheck::diagnostic::{Diagnostic, Role};
    use stancecheck::source::SourceMap;
    let mut map = SourceMap::new();
    let a = map.add("a.stance", "party ä {\n  requires x\n}\n");
    let b = map.add(
        "b.stance",
        "# Größe “😀”\nparty ö { rejects x \"nicht “x”\" }\n",
    );
    let x_a = crate::support::render::span(&map, a, "requires x");
    let x_b = crate::support::render::span(&map, b, "rejects x \"nicht “x”\"");
    let mut d = Diagnostic::new(
        Kind::Conflict,
        x_a,
        "the red lines of `ä` and `ö` cannot all hold",
    );
    d.members = vec![
        crate::support::render::member(
            x_a,
            Role::Party,
            Some("ä"),
            "requires",
            None,
            "requires x",
            None,
        ),
        crate::support::render::member(
            x_b,
            Role::Party,
            Some("ö"),
            "rejects",
            None,
            "rejects x",
            Some("nicht “x”"),
        ),
    ];
    let s = render(Format::Human, &[d], &map, &plain());
    assert!(s.contains("╭─[ a.stance:2:3 ]"), "{s}");
    assert!(s.contains("├─[ b.stance:2:11 ]"), "{s}");
    // the underline covers exactly the statement, quote included
    let line = s.lines().find(|l| l.contains("rejects x")).unwrap();
    let under = s
        .lines()
        .skip_while(|l| !l.contains("rejects x"))
        .nth(1)
        .unwrap();
    let col = |l: &str, pat: &str| l[..l.find(pat).unwrap()].chars().count();
    assert_eq!(col(line, "rejects"), col(under, "─"), "{s}");
    insta::assert_snapshot!(s);
}

/// LANGUAGE.md §8: `help` and `notes` carry every help and note line the
/// human output shows, in its order.
#[test]
fn json_help_and_notes_are_the_human_lines() {
    let json = out(Format::Json, &plain());
    let human = out(Format::Human, &plain());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut shown = 0;
    for d in v["diagnostics"].as_array().unwrap() {
        for (field, prefix) in [("help", "help: "), ("notes", "note: ")] {
            for line in d[field].as_array().unwrap() {
                let line = format!("{prefix}{}", line.as_str().unwrap());
                assert!(human.contains(&line), "{line:?} is not in the human output");
                shown += 1;
            }
        }
    }
    assert!(shown > 0);
    assert_eq!(
        shown,
        human.matches("help: ").count() + human.matches("note: ").count()
    );
}
