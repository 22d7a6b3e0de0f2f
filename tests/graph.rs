//! `stance graph` on every rule set of the repository: the DOT output is
//! accepted by Graphviz (when `dot` is installed; `.ci/run` installs it),
//! and the Mermaid output is well-formed (every edge joins declared nodes,
//! every `linkStyle` names an existing edge).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    let out = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["graph", "--format", format, "--highlight", "conflict"])
        .arg(file)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
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
            } else if ["-->|", "--x|", "-.->|"].iter().any(|a| line.contains(a)) {
                let (from, rest) = line.split_once(' ').unwrap();
                let to = rest.rsplit(' ').next().unwrap();
                assert!(
                    nodes.contains(from),
                    "{}: unknown node {from}",
                    file.display()
                );
                assert!(nodes.contains(to), "{}: unknown node {to}", file.display());
                let label = rest.split('|').nth(1).unwrap();
                assert!(label.starts_with('"') && label.ends_with('"'));
                edges += 1;
            } else {
                let id = line.split(['[', '(']).next().unwrap();
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
