//! The dispute as a picture: parties and topics as nodes, statements as
//! edges, written as Graphviz DOT, Mermaid or JSON.
//!
//! Edges follow the meaning of each statement:
//! - `requires F` / `rejects F` / `prefers F` / `avoids F` / `claims F`
//!   without a condition: party → each atom of `F`;
//! - a conditional statement (`… when C`, `no C without F`) and an
//!   assumption `C -> F`: each atom of `C` → each atom of `F`;
//! - `duty Q: X`: `X` → `X@Q`, and the definition `X@Q` → `X` dotted.
//!
//! An atom that occurs negated in `F` gets a "rejects" edge (red, blunt
//! head). Edges are coloured by party; the statements of a highlighted
//! finding are drawn bold. Output is deterministic. No I/O.

use crate::model::{AtomId, Expr, Model, StmtKind};
use crate::source::Span;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;

/// An edge of the picture.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// `implies`, `rejects`, `duty`, `definition`, `prefers`, `avoids`, `claims`.
    pub relation: &'static str,
    /// The owning party, if any (`None`: an assumption or a definition).
    pub party: Option<String>,
    /// Short label: statement label or kind.
    pub label: String,
    /// Whether the statement belongs to a highlighted finding.
    pub highlighted: bool,
}

/// A node of the picture.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Node {
    /// Node id (a valid identifier in DOT and Mermaid).
    pub id: String,
    /// Displayed text.
    pub label: String,
    /// `party` or `topic`.
    pub kind: &'static str,
}

/// The picture of a model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Nodes: parties first, then atoms, in model order.
    pub nodes: Vec<Node>,
    /// Edges in statement order.
    pub edges: Vec<Edge>,
}

const PALETTE: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
];

fn party_node(name: &str) -> String {
    format!("p_{name}")
}

fn atom_node(model: &Model, atom: AtomId) -> String {
    format!("t_{}", model.atom_name(atom).replace('@', "_at_"))
}

/// Atoms of an expression with their polarity (`true`: positive), in order
/// of first occurrence. Iterative.
fn atoms(expr: &Expr, out: &mut Vec<(AtomId, bool)>) {
    let mut stack = vec![(expr, true)];
    while let Some((e, pos)) = stack.pop() {
        match e {
            Expr::Atom(a) => {
                if !out.contains(&(*a, pos)) {
                    out.push((*a, pos));
                }
            }
            Expr::Not(x) => stack.push((x, !pos)),
            Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter().rev().map(|x| (x, pos))),
            Expr::Implies(a, b) => {
                stack.push((b, pos));
                stack.push((a, !pos));
            }
            Expr::Iff(a, b) => {
                stack.push((b, pos));
                stack.push((a, pos));
            }
        }
    }
}

/// Builds the picture; statements whose span is in `highlight` are bold.
pub fn build(model: &Model, highlight: &BTreeSet<Span>) -> Graph {
    let mut g = Graph::default();
    for p in &model.parties {
        g.nodes.push(Node {
            id: party_node(&p.name),
            label: p.display().to_owned(),
            kind: "party",
        });
    }
    for (i, _) in model.atoms.iter().enumerate() {
        let id = AtomId(i as u32);
        let name = model.atom_name(id);
        let topic_label = model
            .atoms
            .get(i)
            .and_then(|a| model.topics.get(a.topic.0 as usize))
            .and_then(|t| t.label.clone());
        let label = match (topic_label, model.atoms.get(i).and_then(|a| a.party)) {
            (Some(l), None) => format!("{name}\n{l}"),
            _ => name,
        };
        g.nodes.push(Node {
            id: atom_node(model, id),
            label,
            kind: "topic",
        });
    }
    let mut defined = BTreeSet::new();
    for st in &model.statements {
        let party = model.party_name(st.party).map(str::to_owned);
        let hl = highlight.contains(&st.span);
        let what = st
            .label
            .clone()
            .unwrap_or_else(|| st.kind.as_str().to_owned());
        let label = match &party {
            Some(p) => format!("{p}: {what}"),
            None => what,
        };
        let positive = match st.kind {
            StmtKind::Prefers => "prefers",
            StmtKind::Avoids => "avoids",
            StmtKind::Claims => "claims",
            StmtKind::Duty => "duty",
            _ => "implies",
        };
        let mut push = |from: String, to: String, pos: bool| {
            let relation = if pos { positive } else { "rejects" };
            g.edges.push(Edge {
                from,
                to,
                relation,
                party: party.clone(),
                label: label.clone(),
                highlighted: hl,
            });
        };
        // Split into condition → body where the meaning is an implication.
        let (cond, body) = match (&st.formula, st.condition()) {
            (Expr::Implies(c, b), Some(_)) => (Some(&**c), &**b),
            // An unconditional implication (`assume a -> b`, `claims a -> b`,
            // `requires a -> b`, a duty) is drawn from its antecedent.
            (Expr::Implies(c, b), None) => (Some(&**c), &**b),
            (f, _) => (None, f),
        };
        let mut body_atoms = Vec::new();
        atoms(body, &mut body_atoms);
        match cond {
            Some(c) => {
                let mut cond_atoms = Vec::new();
                atoms(c, &mut cond_atoms);
                for (ca, _) in &cond_atoms {
                    for (ba, pos) in &body_atoms {
                        push(atom_node(model, *ca), atom_node(model, *ba), *pos);
                    }
                }
            }
            None => {
                let from = match &party {
                    Some(p) => party_node(p),
                    None => String::from("assumptions"),
                };
                for (ba, pos) in &body_atoms {
                    push(from.clone(), atom_node(model, *ba), *pos);
                }
            }
        }
        if st.kind == StmtKind::Duty {
            for (ba, _) in &body_atoms {
                if let Some(base) = model.base_atom(*ba) {
                    if base != *ba && defined.insert(*ba) {
                        g.edges.push(Edge {
                            from: atom_node(model, *ba),
                            to: atom_node(model, base),
                            relation: "definition",
                            party: None,
                            label: String::from("by definition"),
                            highlighted: false,
                        });
                    }
                }
            }
        }
    }
    if g.edges.iter().any(|e| e.from == "assumptions") {
        g.nodes.push(Node {
            id: String::from("assumptions"),
            label: String::from("assumptions"),
            kind: "party",
        });
    }
    g
}

fn color(model: &Model, party: &Option<String>) -> &'static str {
    party
        .as_ref()
        .and_then(|p| model.parties.iter().position(|q| &q.name == p))
        .map_or("#555555", |i| PALETTE[i % PALETTE.len()])
}

/// Escapes a string for a DOT double-quoted string.
fn dot_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if crate::render::is_unsafe_char(c) => {
                let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT.
pub fn to_dot(model: &Model, g: &Graph) -> String {
    let mut out = String::from(
        "digraph stance {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for n in &g.nodes {
        let shape = if n.kind == "party" {
            "box, style=\"rounded,filled\", fillcolor=\"#eeeeee\""
        } else {
            "ellipse"
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}];",
            n.id,
            dot_str(&n.label)
        );
    }
    for e in &g.edges {
        let col = color(model, &e.party);
        let mut attrs = format!(
            "label={}, color=\"{col}\", fontcolor=\"{col}\"",
            dot_str(&e.label)
        );
        match e.relation {
            "rejects" => attrs.push_str(", arrowhead=tee, style=bold"),
            "definition" => attrs.push_str(", style=dotted"),
            "prefers" | "avoids" | "claims" => attrs.push_str(", style=dashed"),
            _ => {}
        }
        if e.highlighted {
            attrs.push_str(", penwidth=3");
        }
        let _ = writeln!(out, "  {} -> {} [{attrs}];", e.from, e.to);
    }
    out.push_str("}\n");
    out
}

/// Escapes text for a Mermaid quoted label.
fn mermaid_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '\n' => out.push_str("<br/>"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if crate::render::is_unsafe_char(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mermaid flowchart (renders inside GitHub markdown).
pub fn to_mermaid(model: &Model, g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for n in &g.nodes {
        let label = mermaid_str(&n.label);
        if n.kind == "party" {
            let _ = writeln!(out, "  {}[{label}]", n.id);
        } else {
            let _ = writeln!(out, "  {}([{label}])", n.id);
        }
    }
    for (i, e) in g.edges.iter().enumerate() {
        let arrow = match e.relation {
            "rejects" => "--x",
            "definition" | "prefers" | "avoids" | "claims" => "-.->",
            _ => "-->",
        };
        let label = mermaid_str(&e.label);
        let _ = writeln!(out, "  {} {arrow}|{label}| {}", e.from, e.to);
        let width = if e.highlighted { 4 } else { 1 };
        let _ = writeln!(
            out,
            "  linkStyle {i} stroke:{},stroke-width:{width}px",
            color(model, &e.party)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Loader, MemoryFs};
    use crate::resolve::resolve;

    fn model(text: &str) -> Model {
        let mut fs = MemoryFs::new();
        fs.insert("m.stance", text.as_bytes().to_vec());
        let mut loader = Loader::new(&fs);
        loader.add_root("m.stance").unwrap();
        let loaded = loader.finish();
        let files: Vec<_> = loaded.units[0]
            .files
            .iter()
            .map(|&f| (f, loaded.ast(f).unwrap()))
            .collect();
        resolve(&loaded.sources, &files).0
    }

    #[test]
    fn atoms_with_polarity() {
        let mut out = Vec::new();
        atoms(
            &Expr::Implies(
                Box::new(Expr::Atom(AtomId(0))),
                Box::new(Expr::Not(Box::new(Expr::Atom(AtomId(1))))),
            ),
            &mut out,
        );
        assert_eq!(out, vec![(AtomId(0), false), (AtomId(1), false)]);
    }

    #[test]
    fn escapes_labels() {
        assert_eq!(dot_str("a\"b\\c\n\u{1b}"), "\"a\\\"b\\\\c\\n\\\\u{1b}\"");
        assert_eq!(mermaid_str("<\"x\">"), "\"#lt;#quot;x#quot;#gt;\"");
        assert_eq!(dot_str("a\u{202e}b"), "\"a\\\\u{202e}b\"");
        assert_eq!(mermaid_str("a\u{202e}b"), "\"a b\"");
    }

    #[test]
    fn edges_follow_meaning() {
        let m = model(
            "party u\nparty r\ntopic c\ntopic g\ntopic pk\nparty u {\n  z1: no c without g\n  duty r: g\n}\nparty r {\n  rejects pk\n}\nassume g@r -> pk\n",
        );
        let g = build(&m, &BTreeSet::new());
        let rel: Vec<_> = g
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str(), e.relation))
            .collect();
        assert!(rel.contains(&("t_c", "t_g", "implies")), "{rel:?}");
        assert!(rel.contains(&("t_g", "t_g_at_r", "duty")), "{rel:?}");
        assert!(rel.contains(&("t_g_at_r", "t_g", "definition")), "{rel:?}");
        assert!(rel.contains(&("p_r", "t_pk", "rejects")), "{rel:?}");
        assert!(rel.contains(&("t_g_at_r", "t_pk", "implies")), "{rel:?}");
        let dot = to_dot(&m, &g);
        assert!(dot.starts_with("digraph stance {"));
        let mer = to_mermaid(&m, &g);
        assert!(mer.contains("t_c -->|\"u: z1\"| t_g"), "{mer}");
    }
}
