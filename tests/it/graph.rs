//! `stance graph`: on every rule set of the repository the DOT output is
//! accepted by Graphviz (when `dot` is installed; `.ci/run` installs it)
//! and the Mermaid output is well-formed (every edge joins declared nodes,
//! every `linkStyle` names an existing edge); the statements of issue #14
//! are drawn with their meaning; a property test rebuilds each statement's
//! formula from the JSON edges and compares truth tables; files with errors,
//! unknown `--highlight` names and directories are refused.

use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::common::{TempDir, run_stance};

fn roots() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["rules", "rules/hollywood-2023", "examples"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "stance") {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn graph(file: &Path, format: &str) -> String {
    let file = file.to_string_lossy();
    let out = run_stance(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "graph",
            "--format",
            format,
            "--highlight",
            "conflict",
            &file,
        ],
        None,
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dot_output_is_accepted_by_graphviz() {
    let have_dot = Command::new("dot").arg("-V").output().is_ok();
    for file in roots() {
        let dot = graph(&file, "dot");
        assert!(dot.starts_with("digraph stance {") && dot.ends_with("}\n"));
        if !have_dot {
            continue;
        }
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "graphviz rejects the graph of {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if !have_dot {
        eprintln!("note: `dot` not installed; only the DOT structure was checked");
    }
}

#[test]
fn mermaid_output_is_well_formed() {
    for file in roots() {
        let text = graph(&file, "mermaid");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("flowchart LR"));
        let mut nodes = BTreeSet::new();
        let mut edges = 0usize;
        for line in lines {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("linkStyle ") {
                let idx: usize = rest.split_whitespace().next().unwrap().parse().unwrap();
                assert!(
                    idx < edges,
                    "{}: linkStyle {idx} before its edge",
                    file.display()
                );
            } else if let Some((from, arrow, label, to)) = mermaid_edge(line) {
                assert!(
                    nodes.contains(from),
                    "{}: unknown node {from}",
                    file.display()
                );
                assert!(nodes.contains(to), "{}: unknown node {to}", file.display());
                assert!(
                    ["-->", "--o", "-.->", "-.-o", "==>", "==o", "---", "==="].contains(&arrow),
                    "{}: arrow {arrow}",
                    file.display()
                );
                if let Some(label) = label {
                    assert!(label.len() > 2 && label.starts_with('"') && label.ends_with('"'));
                }
                edges += 1;
            } else if line.starts_with("subgraph ") || line == "end" {
                continue;
            } else {
                let id = line.split(['[', '(', '{']).next().unwrap();
                assert!(
                    id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{}: bad node id {id:?}",
                    file.display()
                );
                assert!(!line[id.len()..].contains("\"\""));
                nodes.insert(id.to_owned());
            }
        }
        // A file of declarations only (one that others include) has none.
        assert!(
            edges > 0 || !text.contains("t_"),
            "{}: no edges",
            file.display()
        );
    }
}

/// A Mermaid edge line `FROM ARROW[|"label"|] TO`, split.
fn mermaid_edge(line: &str) -> Option<(&str, &str, Option<&str>, &str)> {
    let (from, rest) = line.split_once(' ')?;
    let (arrow_label, to) = rest.rsplit_once(' ')?;
    let (arrow, label) = match arrow_label.split_once('|') {
        Some((a, l)) => (a, Some(l.strip_suffix('|')?)),
        None => (arrow_label, None),
    };
    let is_arrow = arrow.len() >= 3 && arrow.chars().all(|c| "-.=>o".contains(c));
    is_arrow.then_some((from, arrow, label, to))
}

// ---- issue #14: the picture says what the rule file says ---------------

fn stance(dir: &Path, args: &[&str]) -> Output {
    run_stance(dir, args, None, &[("NO_COLOR", "1")])
}

const GREXIT: &str = "\
party eu
party gr
topic deal \"a \\\"deal\\\"\"
topic ela
topic grexit
topic capital_controls
topic a
topic b
topic c
party eu {
  rejects ela when not deal
  claims a
  requires a
  avoids a
  prefers grexit when not deal weight 3
}
party gr {
  requires a -> b or c
}
assume not ela -> capital_controls
scenario deal { deal }
";

/// `stance graph --format FORMAT` on [`GREXIT`].
fn grexit(format: &str) -> String {
    let t = TempDir::new("graph");
    t.write("g.stance", GREXIT);
    let o = stance(t.path(), &["graph", "--format", format, "g.stance"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json_graph() -> Value {
    serde_json::from_str(&grexit("json")).unwrap()
}

/// The node id of a topic in the JSON graph.
fn topic_id(g: &Value, name: &str) -> String {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "topic" && n["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The main edges of the JSON graph whose label starts with `label`.
fn main_edges<'g>(g: &'g Value, label: &str) -> Vec<&'g Value> {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["role"] == "main" && e["label"].as_str().unwrap().starts_with(label))
        .collect()
}

/// `stance graph --as-of DATE` draws the state at that date; without it
/// every snapshot is drawn, each statement marked with its date.
#[test]
fn as_of_draws_the_state_at_a_date() {
    let t = TempDir::new("graph-as-of");
    t.write(
        "d.stance",
        "party uk\nparty dup\ntopic sea\n\
         party uk as of 2018-02-28 {\n  rejects sea\n}\n\
         party uk as of 2019-10-17 {\n  requires sea\n}\n\
         party dup {\n  rejects sea\n}\n",
    );
    let labels = |args: &[&str]| -> Vec<(String, Value)> {
        let mut argv = vec!["graph", "--format", "json"];
        argv.extend_from_slice(args);
        argv.push("d.stance");
        let o = stance(t.path(), &argv);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let g: Value = serde_json::from_slice(&o.stdout).unwrap();
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["role"] == "main")
            .map(|e| (e["label"].as_str().unwrap().to_owned(), e["as_of"].clone()))
            .collect()
    };
    let s = |x: &str| x.to_owned();
    assert_eq!(
        labels(&[]),
        [
            (s("uk: rejects as of 2018-02-28"), Value::from("2018-02-28")),
            (
                s("uk: requires as of 2019-10-17"),
                Value::from("2019-10-17")
            ),
            (s("dup: rejects"), Value::Null),
        ]
    );
    assert_eq!(
        labels(&["--as-of", "2019-01-01"]),
        [
            (s("uk: rejects as of 2018-02-28"), Value::from("2018-02-28")),
            (s("dup: rejects"), Value::Null),
        ]
    );
    assert_eq!(
        labels(&["--as-of", "2018-01-01"]),
        [(s("dup: rejects"), Value::Null)]
    );
    // the conflict of the state at 2019-10-17, drawn thick there
    let o = stance(
        t.path(),
        &[
            "graph",
            "--as-of",
            "2019-10-17",
            "--highlight",
            "conflict",
            "d.stance",
        ],
    );
    let dot = String::from_utf8(o.stdout).unwrap();
    // the legend's sample and the two members
    assert_eq!(dot.matches("penwidth=3").count(), 3, "{dot}");
    let o = stance(t.path(), &["graph", "--as-of", "2019-02-30", "d.stance"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rejects_when_not_is_negated_at_both_ends() {
    let g = json_graph();
    let e = main_edges(&g, "eu: rejects");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["from"], topic_id(&g, "deal"));
    assert_eq!(e[0]["to"], topic_id(&g, "ela"));
    assert_eq!(e[0]["negated_from"], true);
    assert_eq!(e[0]["negated_to"], true);
    assert_eq!(e[0]["strength"], "hard");
    let dot = grexit("dot");
    let line = dot.lines().find(|l| l.contains("eu: rejects")).unwrap();
    assert!(
        line.contains("arrowtail=odot") && line.contains("arrowhead=odot"),
        "{line}"
    );
    assert!(line.contains("taillabel=\"not\"") && line.contains("headlabel=\"not\""));
    let mer = grexit("mermaid");
    assert!(mer.contains("--o|\"(not) eu: rejects (not)\"|"), "{mer}");
}

#[test]
fn prefers_when_not_keeps_its_not() {
    let g = json_graph();
    let e = main_edges(&g, "eu: prefers");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["from"], topic_id(&g, "deal"));
    assert_eq!(e[0]["negated_from"], true);
    assert_eq!(e[0]["negated_to"], false);
    assert_eq!(e[0]["strength"], "soft");
    let dot = grexit("dot");
    let line = dot.lines().find(|l| l.contains("eu: prefers")).unwrap();
    assert!(
        line.contains("arrowtail=odot") && line.contains("style=dashed"),
        "{line}"
    );
}

#[test]
fn assumption_keeps_its_not() {
    let g = json_graph();
    let e = main_edges(&g, "assumption");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["from"], topic_id(&g, "ela"));
    assert_eq!(e[0]["to"], topic_id(&g, "capital_controls"));
    assert_eq!(e[0]["negated_from"], true);
    assert_eq!(e[0]["negated_to"], false);
    assert_eq!(e[0]["strength"], "background");
    let dot = grexit("dot");
    let line = dot
        .lines()
        .find(|l| l.contains("label=\"assumption\""))
        .unwrap();
    assert!(
        line.contains("arrowtail=odot") && line.contains("style=bold"),
        "{line}"
    );
}

#[test]
fn claims_red_lines_and_wishes_look_different() {
    let g = json_graph();
    let kinds: Vec<(String, String)> = ["eu: claims", "eu: requires", "eu: avoids"]
        .iter()
        .map(|l| {
            let e = main_edges(&g, l);
            assert_eq!(e.len(), 1);
            (e[0]["strength"].to_string(), e[0]["negated_to"].to_string())
        })
        .collect();
    assert_eq!(kinds[0], ("\"belief\"".into(), "false".into()));
    assert_eq!(kinds[1], ("\"hard\"".into(), "false".into()));
    assert_eq!(kinds[2], ("\"soft\"".into(), "true".into()));
    // In DOT and Mermaid, the three edges from `eu` to `a` differ in style
    // once their labels are taken away.
    let a = topic_id(&g, "a");
    for (format, strip) in [("dot", "label="), ("mermaid", "|")] {
        let text = grexit(format);
        let styles: BTreeSet<String> = ["eu: claims", "eu: requires", "eu: avoids"]
            .iter()
            .map(|l| {
                let i = text.lines().position(|x| x.contains(l)).unwrap();
                let line = text.lines().nth(i).unwrap();
                assert!(line.contains(&a), "{line}");
                // Mermaid styles the edge on the next line.
                let style = if format == "mermaid" {
                    let next = text.lines().nth(i + 1).unwrap();
                    assert!(next.trim_start().starts_with("linkStyle "), "{next}");
                    next.split_once(" stroke:").unwrap().1.to_owned()
                } else {
                    String::new()
                };
                let shape: String = line
                    .split([',', ' '])
                    .filter(|w| !w.contains(strip) && !w.contains("eu:") && !w.contains('"'))
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("{shape} {style}")
            })
            .collect();
        assert_eq!(styles.len(), 3, "{format}: {styles:?}");
    }
}

#[test]
fn disjunction_is_drawn_through_an_or_node() {
    let g = json_graph();
    let e = main_edges(&g, "gr: requires");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["from"], topic_id(&g, "a"));
    let or = e[0]["to"].as_str().unwrap();
    let node = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == or)
        .unwrap();
    assert_eq!(node["kind"], "or");
    let targets: BTreeSet<&str> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["from"] == or && x["role"] == "operand")
        .map(|x| x["to"].as_str().unwrap())
        .collect();
    let b = topic_id(&g, "b");
    let c = topic_id(&g, "c");
    assert_eq!(targets, BTreeSet::from([b.as_str(), c.as_str()]));
    // No edge of this statement goes straight from `a` to `b` or `c`.
    let a = topic_id(&g, "a");
    assert!(
        !g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["from"] == a.as_str() && (x["to"] == b.as_str() || x["to"] == c.as_str()))
    );
    assert!(grexit("dot").contains(&format!("{or} [label=\"or\", shape=circle")));
    assert!(grexit("mermaid").contains(&format!("{or}((\"or\"))")));
}

#[test]
fn every_format_has_a_legend() {
    let dot = grexit("dot");
    assert!(dot.contains("subgraph cluster_legend {"), "{dot}");
    for word in [
        "red line",
        "wish",
        "claim",
        "assumption",
        "duty",
        "negated",
        "by definition",
    ] {
        assert!(dot.contains(word), "{word}");
    }
    let mer = grexit("mermaid");
    assert!(mer.contains("subgraph legend [\"Legend\"]"), "{mer}");
    assert!(mer.contains("dashed: wish"), "{mer}");
    let g = json_graph();
    assert!(g["legend"].as_array().unwrap().len() >= 5);
}

#[test]
fn weights_show_in_every_format() {
    // a weight other than 1 is in the main edge's label; JSON carries the
    // weight of every red line and wish (1 by default), none on claims
    for (format, want) in [
        ("dot", "label=\"eu: prefers, weight 3\""),
        ("mermaid", "eu: prefers, weight 3\"|"),
    ] {
        let out = grexit(format);
        assert!(out.contains(want), "{out}");
        assert_eq!(out.matches("weight").count(), 1, "{out}");
    }
    let g = json_graph();
    let weight_of = |label: &str| {
        let e = main_edges(&g, label);
        assert_eq!(e.len(), 1, "{label}");
        e[0]["weight"].clone()
    };
    assert_eq!(weight_of("eu: prefers"), 3);
    assert_eq!(weight_of("eu: avoids"), 1);
    assert_eq!(weight_of("eu: rejects"), 1);
    assert!(weight_of("eu: claims").is_null());
    assert!(weight_of("assumption").is_null());
}

#[test]
fn labels_are_escaped_in_every_format() {
    let dot = grexit("dot");
    assert!(dot.contains("label=\"deal\\na \\\"deal\\\"\""), "{dot}");
    let mer = grexit("mermaid");
    assert!(mer.contains("a #quot;deal#quot;"), "{mer}");
    assert_eq!(
        json_graph()["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["label"] == "deal\na \"deal\"")
            .count(),
        1
    );
}

#[test]
fn a_file_with_errors_is_reported_not_drawn() {
    let t = TempDir::new("graph");
    t.write(
        "syntax.stance",
        "party a\ntopic x\nparty a {\n  requires x and\n}\n",
    );
    t.write(
        "unknown.stance",
        "party a\ntopic x\nparty a {\n  requires x@nobody\n}\n",
    );
    for (file, kind) in [("syntax.stance", "syntax-error"), ("unknown.stance", "SC0")] {
        let o = stance(t.path(), &["graph", file]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        assert!(o.stdout.is_empty(), "{file}: a partial picture was drawn");
        assert!(err.contains(kind) && err.contains(file), "{file}: {err}");
        assert!(err.contains("nothing drawn"), "{err}");
    }
}

#[test]
fn unknown_highlight_names_are_usage_errors_with_a_suggestion() {
    let t = TempDir::new("graph");
    t.write("g.stance", GREXIT);
    for (h, hint) in [
        ("scenario:dael", "did you mean `deal`?"),
        ("confict", "did you mean `conflict`?"),
    ] {
        let o = stance(t.path(), &["graph", "--highlight", h, "g.stance"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{h}: {err}");
        assert!(err.contains(hint), "{h}: {err}");
        assert!(o.stdout.is_empty());
    }
    let o = stance(
        t.path(),
        &["graph", "--highlight", "scenario:deal", "g.stance"],
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_directory_is_refused_by_name() {
    let t = TempDir::new("graph");
    t.write("sub/g.stance", GREXIT);
    for dir in [".", "sub"] {
        let o = stance(t.path(), &["graph", dir]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("`{dir}` is a directory")), "{err}");
    }
}

// ---- property: the JSON edges say exactly what the statement says -------

const ATOMS: [&str; 4] = ["a", "b", "c", "d"];

/// A formula over [`ATOMS`], with its own evaluator and printer.
#[derive(Clone, Debug)]
enum F {
    Atom(usize),
    Not(Box<F>),
    And(Vec<F>),
    Or(Vec<F>),
    Implies(Box<F>, Box<F>),
    Iff(Box<F>, Box<F>),
}

impl F {
    fn eval(&self, v: &[bool; 4]) -> bool {
        match self {
            F::Atom(i) => v[*i],
            F::Not(x) => !x.eval(v),
            F::And(xs) => xs.iter().all(|x| x.eval(v)),
            F::Or(xs) => xs.iter().any(|x| x.eval(v)),
            F::Implies(a, b) => !a.eval(v) || b.eval(v),
            F::Iff(a, b) => a.eval(v) == b.eval(v),
        }
    }

    fn text(&self) -> String {
        let join = |xs: &[F], op: &str| {
            let parts: Vec<String> = xs.iter().map(F::text).collect();
            format!("({})", parts.join(op))
        };
        match self {
            F::Atom(i) => ATOMS[*i].to_owned(),
            F::Not(x) => format!("not {}", x.text()),
            F::And(xs) => join(xs, " and "),
            F::Or(xs) => join(xs, " or "),
            F::Implies(a, b) => format!("({} -> {})", a.text(), b.text()),
            F::Iff(a, b) => format!("({} <-> {})", a.text(), b.text()),
        }
    }

    fn atoms(&self, out: &mut BTreeSet<&'static str>) {
        match self {
            F::Atom(i) => {
                out.insert(ATOMS[*i]);
            }
            F::Not(x) => x.atoms(out),
            F::And(xs) | F::Or(xs) => xs.iter().for_each(|x| x.atoms(out)),
            F::Implies(a, b) | F::Iff(a, b) => {
                a.atoms(out);
                b.atoms(out);
            }
        }
    }

    /// A literal, or an `and`/`or` of literals, possibly negated: the
    /// shapes that must be drawn as edges, never as a statement node.
    fn simple(&self) -> bool {
        let lit = |f: &F| matches!(strip(f), F::Atom(_));
        match strip(self) {
            F::Atom(_) => true,
            F::And(xs) | F::Or(xs) => xs.len() >= 2 && xs.iter().all(lit),
            _ => false,
        }
    }
}

fn strip(mut f: &F) -> &F {
    while let F::Not(x) = f {
        f = x;
    }
    f
}

fn formula() -> impl Strategy<Value = F> {
    let leaf = (0..ATOMS.len()).prop_map(F::Atom);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| F::Not(Box::new(x))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(F::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(F::Or),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Iff(Box::new(a), Box::new(b))),
        ]
    })
}

/// A statement: `(kind, F, condition)`; the meaning per LANGUAGE.md §5.
#[derive(Clone, Debug)]
struct Stmt {
    kind: &'static str,
    f: F,
    cond: Option<F>,
    /// `weight N` as written (red lines and wishes only).
    weight: Option<u32>,
}

impl Stmt {
    fn meaning(&self) -> F {
        let body = match self.kind {
            "rejects" | "avoids" => F::Not(Box::new(self.f.clone())),
            _ => self.f.clone(),
        };
        match &self.cond {
            Some(c) => F::Implies(Box::new(c.clone()), Box::new(body)),
            None => body,
        }
    }

    fn file(&self) -> String {
        let mut text = String::from("party p\ntopic a\ntopic b\ntopic c\ntopic d\n");
        let weight = self
            .weight
            .map(|w| format!(" weight {w}"))
            .unwrap_or_default();
        let cond = self
            .cond
            .as_ref()
            .map(|c| format!(" when {}", c.text()))
            .unwrap_or_default()
            + &weight;
        match self.kind {
            "assume" => text.push_str(&format!(
                "assume {}\nparty p {{\n  requires a\n}}\n",
                self.f.text()
            )),
            "no" => {
                let c = self.cond.as_ref().unwrap();
                text.push_str(&format!(
                    "party p {{\n  no {} without {}{weight}\n}}\n",
                    c.text(),
                    self.f.text()
                ));
            }
            "claims" => text.push_str(&format!("party p {{\n  claims {}\n}}\n", self.f.text())),
            k => text.push_str(&format!("party p {{\n  {k} {}{cond}\n}}\n", self.f.text())),
        }
        text
    }
}

fn statement() -> impl Strategy<Value = Stmt> {
    let kind = prop::sample::select(vec![
        "requires", "rejects", "prefers", "avoids", "claims", "no", "assume",
    ]);
    let weight = prop::option::of(1u32..=1_000_000);
    (kind, formula(), prop::option::of(formula()), weight).prop_map(|(kind, f, cond, weight)| {
        let (cond, weight) = match kind {
            "claims" | "assume" => (None, None),
            "no" => (Some(cond.unwrap_or(F::Atom(0))), weight),
            _ => (cond, weight),
        };
        Stmt {
            kind,
            f,
            cond,
            weight,
        }
    })
}

/// The JSON graph of a rule file, built through the library.
fn json_of(text: &str) -> Value {
    use stancecheck::load::{Loader, MemoryFs};
    let mut fs = MemoryFs::new();
    fs.insert("m.stance", text.as_bytes().to_vec());
    let mut loader = Loader::new(&fs);
    loader.add_root("m.stance").unwrap();
    let loaded = loader.finish();
    let (model, diags) = stancecheck::pipeline::resolve_unit(&loaded, &loaded.units[0]);
    assert!(
        loaded
            .diagnostics
            .iter()
            .chain(&diags)
            .all(|d| d.severity != stancecheck::diagnostic::Severity::Error),
        "{text}: {diags:?} {:?}",
        loaded.diagnostics
    );
    serde_json::to_value(stancecheck::graph::build(&model, &BTreeSet::new())).unwrap()
}

/// The value of a node of statement `st` at the end of an edge whose
/// polarity flag there is `neg`; `None` for a statement node.
fn node_value(g: &Value, st: u64, id: &str, neg: bool, v: &[bool; 4]) -> Option<bool> {
    let node = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .unwrap();
    let value = match node["kind"].as_str().unwrap() {
        "party" | "assumptions" => true,
        "topic" => {
            let name = node["name"].as_str().unwrap();
            v[ATOMS.iter().position(|a| *a == name).unwrap()]
        }
        op @ ("and" | "or") => {
            assert_eq!(node["statement"], st);
            let mut operands = Vec::new();
            for e in g["edges"].as_array().unwrap() {
                if e["role"] != "operand" || e["statement"] != st {
                    continue;
                }
                let (other, n, own) = if e["from"] == id {
                    (&e["to"], &e["negated_to"], &e["negated_from"])
                } else if e["to"] == id {
                    (&e["from"], &e["negated_from"], &e["negated_to"])
                } else {
                    continue;
                };
                assert_eq!(
                    own, false,
                    "a junction's own end of an operand is never negated"
                );
                let other = other.as_str().unwrap();
                let value = node_value(g, st, other, n.as_bool().unwrap(), v)?;
                operands.push(value);
            }
            assert!(operands.len() >= 2, "{id}: {operands:?}");
            if op == "and" {
                operands.iter().all(|x| *x)
            } else {
                operands.iter().any(|x| *x)
            }
        }
        _ => return None,
    };
    Some(value != neg)
}

/// Checks that the JSON edges of statement `s` say exactly its meaning
/// (truth table over [`ATOMS`]), or that it is a statement node joined to
/// exactly its topics when its shape cannot be drawn. Returns whether it
/// was drawn as edges.
fn rebuilds(s: &Stmt) -> bool {
    let text = s.file();
    let g = json_of(&text);
    let nodes = g["nodes"].as_array().unwrap();
    let node = |id: &Value| nodes.iter().find(|n| n["id"] == *id).unwrap();
    // The statement under test is the first one (index 0).
    let mine: Vec<&Value> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["statement"] == 0)
        .collect();
    let main: Vec<&&Value> = mine.iter().filter(|e| e["role"] == "main").collect();
    assert_eq!(main.len(), 1, "{text}");
    let main = main[0];
    // the weight: on every edge of a red line or a wish (1 when none is
    // written), in the main label when not 1; none on claims and
    // assumptions
    let weighted = !matches!(s.kind, "claims" | "assume");
    // claims and assumptions are written without their weight
    let written = s.weight.filter(|_| weighted);
    for e in &mine {
        if weighted {
            assert_eq!(e["weight"], s.weight.unwrap_or(1), "{text}");
        } else {
            assert!(e["weight"].is_null(), "{text}");
        }
    }
    let label = main["label"].as_str().unwrap();
    match written.filter(|w| *w != 1) {
        Some(w) => assert!(label.ends_with(&format!(", weight {w}")), "{text}: {label}"),
        None => assert!(!label.contains("weight"), "{text}: {label}"),
    }
    let (from, to) = (main["from"].as_str().unwrap(), main["to"].as_str().unwrap());
    let meaning = s.meaning();
    let drawable = match &meaning {
        F::Implies(a, b) => a.simple() && b.simple(),
        f => f.simple(),
    };
    if node(&main["to"])["kind"] == "statement" {
        // Drawn as a node: only when the shape cannot be drawn, joined to
        // exactly the topics it mentions, with no polarity claimed.
        assert!(!drawable, "{text} drawn as a node");
        let mut expected = BTreeSet::new();
        meaning.atoms(&mut expected);
        let mut mentioned = BTreeSet::new();
        for e in &mine {
            if e["role"] == "mention" {
                assert_eq!(e["from"].as_str().unwrap(), to);
                assert!(e["negated_from"].is_null() && e["negated_to"].is_null());
                mentioned.insert(node(&e["to"])["name"].as_str().unwrap());
            }
        }
        assert_eq!(mentioned, expected, "{text}");
        return false;
    }
    let nf = main["negated_from"].as_bool().unwrap();
    let nt = main["negated_to"].as_bool().unwrap();
    for bits in 0..16u8 {
        let v = [bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0];
        let a = node_value(&g, 0, from, nf, &v).unwrap();
        let b = node_value(&g, 0, to, nt, &v).unwrap();
        assert_eq!(!a || b, meaning.eval(&v), "{text} at {v:?}");
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn json_edges_rebuild_the_statement(s in statement()) {
        rebuilds(&s);
    }
}

#[test]
fn simple_shapes_are_drawn_as_edges() {
    let a = || F::Atom(0);
    let b = || F::Atom(1);
    let c = || F::Atom(2);
    let not = |f: F| F::Not(Box::new(f));
    let cases = [
        ("rejects", not(a()), Some(not(b()))),
        ("prefers", a(), Some(not(b()))),
        ("requires", F::Or(vec![b(), c()]), Some(a())),
        ("rejects", F::And(vec![a(), not(b())]), None),
        (
            "avoids",
            F::Or(vec![a(), b(), c()]),
            Some(F::And(vec![not(c()), F::Atom(3)])),
        ),
        (
            "no",
            F::Or(vec![b(), not(c())]),
            Some(F::Or(vec![a(), F::Atom(3)])),
        ),
        (
            "claims",
            F::Implies(Box::new(a()), Box::new(not(b()))),
            None,
        ),
        (
            "assume",
            F::Implies(Box::new(not(a())), Box::new(c())),
            None,
        ),
    ];
    for (kind, f, cond) in cases {
        let s = Stmt {
            kind,
            f,
            cond,
            weight: Some(2),
        };
        assert!(rebuilds(&s), "{}", s.file());
    }
}
