//! The dispute as a picture: parties and topics as nodes, statements as
//! edges, written as Graphviz DOT, Mermaid or JSON.
//!
//! The picture is derived from each statement's resolved formula
//! ([`Statement::formula`](crate::model::Statement)), never from its
//! keyword alone, and says exactly what the formula says:
//!
//! - A formula `A -> B` (a conditional statement, `no A without B`, a duty
//!   `X -> X@Q`, an assumption or claim written as an implication) is one
//!   *main* edge from `A` to `B`; any other formula `F` is a main edge from
//!   the party (or from the `assumptions` node) to `F`: "this holds".
//! - Each side is a literal (a topic node; a negated end is marked `not`
//!   with a circle head or tail), or an `and` / `or` *junction* node whose
//!   *operand* edges join it to its literals (each end again with its
//!   polarity); a junction end of the main edge may itself be negated
//!   (`rejects a and b` is party ⊸ `not (a and b)`).
//! - Anything else (an `<->`, a nested mix of `and`/`or`, an implication
//!   inside a side) is a *statement* node labelled with the statement as
//!   written, joined to the topics it mentions by undirected *mention*
//!   edges that claim no polarity. Nothing is simplified.
//! - `X@P -> X` holds by definition: a grey *definition* edge per `X@P`.
//!
//! The line style tells the strength: red lines solid, duties double,
//! wishes dashed, claims dotted, assumptions bold grey; every output
//! carries a legend. Edges are coloured by party; the statements of a
//! highlighted finding are drawn thicker. Output is deterministic. No I/O.

use crate::diagnostic::{Diagnostic, Kind};
use crate::model::{AtomId, Expr, Model, StmtKind, Strength};
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
    /// The statement drawn (index into the model's statements); `None`
    /// for a definition edge.
    pub statement: Option<u32>,
    /// `main` (the statement: from its `if` side, or from its party, to its
    /// `then` side), `operand` (a literal of an `and`/`or` junction),
    /// `mention` (a statement node to a topic it mentions; no polarity),
    /// `definition` (`X@P` → `X`).
    pub role: &'static str,
    /// The statement kind (`requires`, `rejects`, `no-without`, `duty`,
    /// `prefers`, `avoids`, `claims`, `assume`) or `definition`.
    pub kind: &'static str,
    /// `hard` (a red line), `soft` (a wish), `belief` (a claim),
    /// `background` (an assumption) or `definition`.
    pub strength: &'static str,
    /// Whether the source end is negated (`None` on a mention edge).
    pub negated_from: Option<bool>,
    /// Whether the target end is negated (`None` on a mention edge).
    pub negated_to: Option<bool>,
    /// The owning party, if any (`None`: an assumption or a definition).
    pub party: Option<String>,
    /// Short label (`party: kind (label)`, then `, weight N` when the
    /// weight is not the default 1); empty on operand and mention edges.
    pub label: String,
    /// The statement's weight (LANGUAGE.md §10) on every edge of a red
    /// line or a wish (1 when none is written); `None` for claims,
    /// assumptions and definitions, which take none.
    pub weight: Option<u32>,
    /// Whether the statement belongs to a highlighted finding.
    pub highlighted: bool,
    /// The date of the party's snapshot the statement belongs to
    /// (`YYYY-MM-DD`); `None`: undated (it holds at every date), or a
    /// definition edge.
    pub as_of: Option<String>,
}

/// A node of the picture.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Node {
    /// Node id (a valid identifier in DOT and Mermaid).
    pub id: String,
    /// The name in the rule file (party, `topic` or `topic@party`), or
    /// `and`/`or` for a junction, the statement text for a statement node.
    pub name: String,
    /// Displayed text.
    pub label: String,
    /// `party`, `assumptions`, `topic`, `and`, `or` or `statement`.
    pub kind: &'static str,
    /// The statement of a junction or statement node.
    pub statement: Option<u32>,
}

/// The picture of a model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Nodes: parties, the assumptions node when used, atoms in model
    /// order, then junction and statement nodes in statement order.
    pub nodes: Vec<Node>,
    /// Edges in statement order, then definitions.
    pub edges: Vec<Edge>,
    /// The legend: how each kind of edge and node is drawn.
    pub legend: Vec<&'static str>,
}

/// The legend, one line per convention (shared by every format).
pub const LEGEND: &[&str] = &[
    "A → B: if A then B; an edge from a party (or from `assumptions`): the statement holds",
    "solid: red line (requires, rejects, no … without)",
    "double: duty (duty Q: X is X → X@Q)",
    "dashed: wish (prefers, avoids)",
    "dotted: claim (binds only its party)",
    "bold grey: assumption of the analyst",
    "thin grey, hollow head: by definition (X@P → X)",
    "`not` with a circle at an end: that end is negated",
    "`or` / `and` node: its operands taken together",
    "note with text: a statement too complex to draw; lines to the topics it mentions",
    "thick: member of a highlighted finding",
];

/// The legend line added when some statement is dated.
pub const LEGEND_DATED: &str =
    "as of DATE: a statement of the party's snapshot of that date; undated ones hold at every date";

const PALETTE: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
];

/// Colour of assumptions.
const GREY: &str = "#666666";
/// Colour of definitions.
const LIGHT_GREY: &str = "#999999";
/// Id of the node that holds the unconditional assumptions.
const ASSUMPTIONS: &str = "assumptions";

fn party_node(name: &str) -> String {
    format!("p_{name}")
}

/// Atom node ids carry the atom's index, so `a_at_b` and `a@b` never meet.
fn atom_node(model: &Model, atom: AtomId) -> String {
    format!("t{}_{}", atom.0, model.atom_name(atom).replace('@', "_at_"))
}

/// A literal: an atom and whether it is negated.
type Lit = (AtomId, bool);

/// `and` or `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    And,
    Or,
}

/// One side of a drawn statement.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Side {
    /// A literal.
    Lit(Lit),
    /// `[not] (l1 op l2 op …)`, at least two literals.
    Junction {
        negated: bool,
        op: Op,
        lits: Vec<Lit>,
    },
}

/// `e` without its leading negations, and whether their number is odd.
fn strip_not(mut e: &Expr) -> (&Expr, bool) {
    let mut neg = false;
    while let Expr::Not(x) = e {
        neg = !neg;
        e = x;
    }
    (e, neg)
}

/// `e` as a literal, if it is one.
fn literal(e: &Expr) -> Option<Lit> {
    match strip_not(e) {
        (Expr::Atom(a), neg) => Some((*a, neg)),
        _ => None,
    }
}

/// The operands of a junction, flattening un-negated nested junctions of
/// the same operator (exact: `a or (b or c)` is `a or b or c`); `None`
/// when an operand is not a literal. Iterative.
fn junction_lits(op: Op, xs: &[Expr]) -> Option<Vec<Lit>> {
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = xs.iter().rev().collect();
    while let Some(x) = stack.pop() {
        match (op, x) {
            (Op::And, Expr::And(ys)) | (Op::Or, Expr::Or(ys)) => {
                stack.extend(ys.iter().rev());
            }
            _ => out.push(literal(x)?),
        }
    }
    Some(out)
}

/// `e` as a side, if it has one of the drawable shapes.
fn side(e: &Expr) -> Option<Side> {
    let (mut e, mut negated) = strip_not(e);
    // A one-operand junction is its operand.
    loop {
        match e {
            Expr::And(xs) | Expr::Or(xs) if xs.len() == 1 => {
                let (inner, n) = strip_not(xs.first()?);
                e = inner;
                negated ^= n;
            }
            _ => break,
        }
    }
    match e {
        Expr::Atom(a) => Some(Side::Lit((*a, negated))),
        Expr::And(xs) | Expr::Or(xs) => {
            let op = if matches!(e, Expr::And(_)) {
                Op::And
            } else {
                Op::Or
            };
            let lits = junction_lits(op, xs)?;
            (lits.len() >= 2).then_some(Side::Junction { negated, op, lits })
        }
        _ => None,
    }
}

/// How a statement is drawn: `(if side, then side)`, the `if` side `None`
/// for "from the party"; `None` when it is drawn as a statement node.
fn shape(formula: &Expr) -> Option<(Option<Side>, Side)> {
    match formula {
        Expr::Implies(a, b) => Some((Some(side(a)?), side(b)?)),
        f => Some((None, side(f)?)),
    }
}

fn strength_str(s: Strength) -> &'static str {
    match s {
        Strength::Hard => "hard",
        Strength::Soft => "soft",
        Strength::Belief => "belief",
        Strength::Background => "background",
    }
}

/// The keyword of a statement kind, as written.
fn kind_words(k: StmtKind) -> &'static str {
    match k {
        StmtKind::NoWithout => "no … without",
        k => k.as_str(),
    }
}

/// Builds the picture; statements whose span is in `highlight` are drawn
/// thicker.
pub fn build(model: &Model, highlight: &BTreeSet<Span>) -> Graph {
    let mut g = Graph {
        legend: LEGEND.to_vec(),
        ..Graph::default()
    };
    for p in &model.parties {
        g.nodes.push(Node {
            id: party_node(&p.name),
            name: p.name.to_string(),
            label: p.display().to_owned(),
            kind: "party",
            statement: None,
        });
    }
    let mut atom_nodes = Vec::new();
    for (i, atom) in model.atoms.iter().enumerate() {
        let id = AtomId(i as u32);
        let name = model.atom_name(id);
        let topic_label = model
            .topics
            .get(atom.topic.0 as usize)
            .and_then(|t| t.label.clone());
        let label = match (topic_label, atom.party) {
            (Some(l), None) => format!("{name}\n{l}"),
            _ => name.clone(),
        };
        atom_nodes.push(Node {
            id: atom_node(model, id),
            name,
            label,
            kind: "topic",
            statement: None,
        });
    }
    let mut extra = Vec::new();
    for (si, st) in model.statements.iter().enumerate() {
        let si = si as u32;
        let party = model.party_name(st.party).map(str::to_owned);
        let highlighted = highlight.contains(&st.span);
        let kind = st.kind.as_str();
        let strength = strength_str(st.kind.strength());
        let weight = (st.party.is_some()
            && matches!(st.kind.strength(), Strength::Hard | Strength::Soft))
        .then_some(st.weight);
        let who = party.as_deref().unwrap_or("assumption");
        let label = {
            let words = if st.kind == StmtKind::Assume {
                ""
            } else {
                kind_words(st.kind)
            };
            let mut label = match (&st.label, words.is_empty()) {
                (Some(l), true) => format!("{who} ({l})"),
                (Some(l), false) => format!("{who}: {words} ({l})"),
                (None, true) => who.to_owned(),
                (None, false) => format!("{who}: {words}"),
            };
            if weight.is_some_and(|w| w != 1) {
                let _ = write!(label, ", weight {}", st.weight);
            }
            label
        };
        let as_of = st.date.map(|d| d.to_string());
        let label = match &as_of {
            Some(d) => format!("{label} as of {d}"),
            None => label,
        };
        let source = match &party {
            Some(p) => party_node(p),
            None => String::from(ASSUMPTIONS),
        };
        let edge = |from: String, to: String, role, nf: Option<bool>, nt: Option<bool>| Edge {
            from,
            to,
            statement: Some(si),
            role,
            kind,
            strength,
            negated_from: nf,
            negated_to: nt,
            party: party.clone(),
            label: if role == "main" {
                label.clone()
            } else {
                String::new()
            },
            weight,
            highlighted,
            as_of: as_of.clone(),
        };
        match shape(&st.formula) {
            Some((ante, cons)) => {
                // The `if` end.
                let (from, nf) = match &ante {
                    None => (source.clone(), false),
                    Some(Side::Lit((a, n))) => (atom_node(model, *a), *n),
                    Some(Side::Junction { negated, op, lits }) => {
                        let id = format!("j{si}_if");
                        extra.push(junction_node(&id, *op, si));
                        for (a, n) in lits {
                            g.edges.push(edge(
                                atom_node(model, *a),
                                id.clone(),
                                "operand",
                                Some(*n),
                                Some(false),
                            ));
                        }
                        (id, *negated)
                    }
                };
                // The `then` end.
                let (to, nt, operands) = match &cons {
                    Side::Lit((a, n)) => (atom_node(model, *a), *n, Vec::new()),
                    Side::Junction { negated, op, lits } => {
                        let id = format!("j{si}_then");
                        extra.push(junction_node(&id, *op, si));
                        (id, *negated, lits.clone())
                    }
                };
                g.edges
                    .push(edge(from, to.clone(), "main", Some(nf), Some(nt)));
                for (a, n) in operands {
                    g.edges.push(edge(
                        to.clone(),
                        atom_node(model, a),
                        "operand",
                        Some(false),
                        Some(n),
                    ));
                }
            }
            None => {
                let id = format!("s{si}");
                let text = model.text(st.text).to_owned();
                extra.push(Node {
                    id: id.clone(),
                    label: match (&st.label, &as_of) {
                        (Some(l), None) => format!("{who} ({l}):\n{text}"),
                        (None, None) => format!("{who}:\n{text}"),
                        (Some(l), Some(d)) => format!("{who} ({l}) as of {d}:\n{text}"),
                        (None, Some(d)) => format!("{who} as of {d}:\n{text}"),
                    },
                    name: text,
                    kind: "statement",
                    statement: Some(si),
                });
                g.edges.push(edge(
                    source.clone(),
                    id.clone(),
                    "main",
                    Some(false),
                    Some(false),
                ));
                for a in crate::logic::atoms_of(&st.formula) {
                    g.edges
                        .push(edge(id.clone(), atom_node(model, a), "mention", None, None));
                }
            }
        }
    }
    for (i, atom) in model.atoms.iter().enumerate() {
        let id = AtomId(i as u32);
        if atom.party.is_none() {
            continue;
        }
        if let Some(base) = model.base_atom(id).filter(|b| *b != id) {
            g.edges.push(Edge {
                from: atom_node(model, id),
                to: atom_node(model, base),
                statement: None,
                role: "definition",
                kind: "definition",
                strength: "definition",
                negated_from: Some(false),
                negated_to: Some(false),
                party: None,
                label: String::from("by definition"),
                weight: None,
                highlighted: false,
                as_of: None,
            });
        }
    }
    if g.edges.iter().any(|e| e.from == ASSUMPTIONS) {
        g.nodes.push(Node {
            id: String::from(ASSUMPTIONS),
            name: String::from(ASSUMPTIONS),
            label: String::from("assumptions (analyst)"),
            kind: "assumptions",
            statement: None,
        });
    }
    g.nodes.extend(atom_nodes);
    g.nodes.extend(extra);
    if model.statements.iter().any(|s| s.date.is_some()) {
        g.legend.push(LEGEND_DATED);
    }
    g
}

fn junction_node(id: &str, op: Op, statement: u32) -> Node {
    let name = match op {
        Op::And => "and",
        Op::Or => "or",
    };
    Node {
        id: id.to_owned(),
        name: name.to_owned(),
        label: name.to_owned(),
        kind: name,
        statement: Some(statement),
    }
}

fn color(model: &Model, e: &Edge) -> &'static str {
    match e.strength {
        "background" => return GREY,
        "definition" => return LIGHT_GREY,
        _ => {}
    }
    e.party
        .as_ref()
        .and_then(|p| model.parties.iter().position(|q| &q.name == p))
        .map_or(GREY, |i| PALETTE[i % PALETTE.len()])
}

/// Escapes a string for a DOT double-quoted string: quotes and
/// backslashes escaped, a line break as `\n`, any other control,
/// bidirectional or line-separator character shown as `\u{…}` text.
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

/// The DOT attributes of an edge.
fn dot_edge_attrs(model: &Model, e: &Edge) -> String {
    let col = color(model, e);
    let mut attrs = if e.kind == "duty" {
        // A double line.
        format!("color=\"{col}:invis:{col}\", fontcolor=\"{col}\"")
    } else {
        format!("color=\"{col}\", fontcolor=\"{col}\"")
    };
    if !e.label.is_empty() {
        let _ = write!(attrs, ", label={}", dot_str(&e.label));
    }
    let style = match e.strength {
        "soft" => "dashed",
        "belief" => "dotted",
        "background" => "bold",
        _ => "solid",
    };
    let _ = write!(attrs, ", style={style}");
    let (head, tail) = match e.role {
        "mention" => ("none", "none"),
        "definition" => ("empty", "none"),
        _ => (
            if e.negated_to == Some(true) {
                "odot"
            } else {
                "normal"
            },
            if e.negated_from == Some(true) {
                "odot"
            } else {
                "none"
            },
        ),
    };
    let _ = write!(attrs, ", arrowhead={head}");
    if tail != "none" {
        let _ = write!(attrs, ", dir=both, arrowtail={tail}, taillabel=\"not\"");
    } else if e.role == "mention" {
        attrs.push_str(", dir=none");
    }
    if head == "odot" {
        attrs.push_str(", headlabel=\"not\"");
    }
    if e.highlighted {
        attrs.push_str(", penwidth=3");
    }
    attrs
}

/// Graphviz DOT, with a legend cluster.
pub fn to_dot(model: &Model, g: &Graph) -> String {
    let mut out = String::from(
        "digraph stance {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for n in &g.nodes {
        let shape = match n.kind {
            "party" => "box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"",
            "assumptions" => "box, style=\"rounded,dashed\", color=\"#666666\"",
            "and" | "or" => "circle, fontsize=9, width=0.35, fixedsize=true",
            "statement" => "note, fontsize=9",
            _ => "ellipse",
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}];",
            n.id,
            dot_str(&n.label)
        );
    }
    for e in &g.edges {
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            e.from,
            e.to,
            dot_edge_attrs(model, e)
        );
    }
    out.push_str(&dot_legend(&g.legend));
    out.push_str("}\n");
    out
}

/// The legend cluster: one sample edge per line style, then the text.
fn dot_legend(lines: &[&str]) -> String {
    let samples: [(&str, &str); 8] = [
        ("red line", "style=solid"),
        ("duty", "color=\"black:invis:black\""),
        ("wish", "style=dashed"),
        ("claim", "style=dotted"),
        ("assumption", "style=bold, color=\"#666666\""),
        ("by definition", "color=\"#999999\", arrowhead=empty"),
        (
            "negated ends",
            "dir=both, arrowtail=odot, taillabel=\"not\", arrowhead=odot, headlabel=\"not\"",
        ),
        ("highlighted", "penwidth=3"),
    ];
    let mut out = String::from(
        "  subgraph cluster_legend {\n    label=\"Legend\";\n    fontsize=10;\n    color=\"#bbbbbb\";\n    node [shape=point, width=0.05, label=\"\"];\n",
    );
    for (i, (name, attrs)) in samples.iter().enumerate() {
        let _ = writeln!(
            out,
            "    legend_{i}a -> legend_{i}b [label={}, {attrs}];",
            dot_str(name)
        );
    }
    let text: String = lines.iter().map(|l| format!("{l}\\l")).collect();
    // `\l` ends a left-aligned line; the lines hold no quote or backslash.
    let _ = writeln!(
        out,
        "    legend_text [shape=plaintext, fontsize=9, label=\"{}\"];",
        text.replace('"', "\\\"")
    );
    out.push_str("  }\n");
    out
}

/// Escapes text for a Mermaid quoted label: quotes and angle brackets as
/// entities, a line break as `<br/>`, other unsafe characters as spaces.
fn mermaid_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '\n' => out.push_str("<br/>"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c if crate::render::is_unsafe_char(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mermaid flowchart (renders inside GitHub markdown), with a legend
/// subgraph. Mermaid has no arrow tails, so a negated source end is
/// `(not)` at the start of the label; a negated target end is a circle
/// head and `(not)` at the end of the label.
pub fn to_mermaid(model: &Model, g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for n in &g.nodes {
        let label = mermaid_str(&n.label);
        let _ = match n.kind {
            "party" => writeln!(out, "  {}[{label}]", n.id),
            "assumptions" => writeln!(out, "  {}[[{label}]]", n.id),
            "and" | "or" => writeln!(out, "  {}(({label}))", n.id),
            "statement" => writeln!(out, "  {}{{{{{label}}}}}", n.id),
            _ => writeln!(out, "  {}([{label}])", n.id),
        };
    }
    for (i, e) in g.edges.iter().enumerate() {
        let negated_to = e.negated_to == Some(true);
        let head = if e.role == "mention" {
            ""
        } else if negated_to {
            "o"
        } else {
            ">"
        };
        let arrow = match (e.strength, e.role) {
            (_, "mention") if e.strength == "background" => "===".to_owned(),
            (_, "mention") => "---".to_owned(),
            ("soft" | "belief" | "definition", _) => format!("-.-{head}"),
            ("background", _) => format!("=={head}"),
            _ => format!("--{head}"),
        };
        let mut label = String::new();
        if e.negated_from == Some(true) {
            label.push_str("(not) ");
        }
        label.push_str(&e.label);
        if negated_to {
            label.push_str(" (not)");
        }
        let label = label.trim();
        if label.is_empty() {
            let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
        } else {
            let _ = writeln!(out, "  {} {arrow}|{}| {}", e.from, mermaid_str(label), e.to);
        }
        let mut width = match (e.strength, e.kind) {
            (_, "duty") | ("background", _) => 2,
            _ => 1,
        };
        if e.highlighted {
            width = 4;
        }
        let dash = match e.strength {
            "soft" => ",stroke-dasharray:8 4",
            "belief" => ",stroke-dasharray:2 3",
            _ => "",
        };
        let _ = writeln!(
            out,
            "  linkStyle {i} stroke:{},stroke-width:{width}px{dash}",
            color(model, e)
        );
    }
    out.push_str("  subgraph legend [\"Legend\"]\n");
    let text = g.legend.join("\n");
    let _ = writeln!(out, "    legend_text[{}]", mermaid_str(&text));
    out.push_str("  end\n");
    out
}

/// What `--highlight` names: the members of every finding of a kind, or
/// of every finding about a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// A finding kind (`conflict`, `SC1003`, …).
    Finding(Kind),
    /// `scenario:NAME`.
    Scenario(String),
}

impl Highlight {
    /// Whether the highlight names this diagnostic: its kind, or the
    /// scenario it is about.
    pub fn selects(&self, d: &Diagnostic) -> bool {
        match self {
            Highlight::Finding(k) => d.kind == *k,
            Highlight::Scenario(s) => d.scenario.as_deref() == Some(s),
        }
    }
}

/// The spans of the members of every finding of `model` that one of
/// `wanted` selects: the statements [`build`] draws thicker. Checks the
/// model (default options) only when something is wanted.
pub fn highlighted(model: &Model, wanted: &[Highlight]) -> BTreeSet<Span> {
    let mut spans = BTreeSet::new();
    if wanted.is_empty() {
        return spans;
    }
    let out = crate::check::check(model, &crate::check::CheckOptions::default());
    for d in &out.diagnostics {
        if wanted.iter().any(|w| w.selects(d)) {
            spans.extend(d.members.iter().map(|m| m.span));
        }
    }
    spans
}

/// Reads a `--highlight` value against the model: an unknown finding or
/// scenario is an error message, with a did-you-mean when a name is close.
pub fn parse_highlight(model: &Model, s: &str) -> Result<Highlight, String> {
    if let Some(name) = s.strip_prefix("scenario:") {
        if model.scenarios.iter().any(|sc| sc.name == name) {
            return Ok(Highlight::Scenario(name.to_owned()));
        }
        let mut msg = format!("unknown scenario `{name}`");
        match crate::suggest::closest(name, model.scenarios.iter().map(|sc| sc.name.as_str())) {
            Some(close) => {
                let _ = write!(msg, "; did you mean `{close}`?");
            }
            None if model.scenarios.is_empty() => msg.push_str("; the file has no scenario"),
            None => {
                let names: Vec<String> = model
                    .scenarios
                    .iter()
                    .map(|sc| format!("`{}`", sc.name))
                    .collect();
                let _ = write!(msg, "; the scenarios are {}", names.join(", "));
            }
        }
        return Err(msg);
    }
    if let Some(k) = Kind::from_name_or_code(s) {
        return Ok(Highlight::Finding(k));
    }
    let mut msg = format!("unknown finding `{s}`");
    match crate::suggest::closest(s, Kind::ALL.iter().map(|k| k.name())) {
        Some(close) => {
            let _ = write!(msg, "; did you mean `{close}`?");
        }
        None => msg.push_str(
            "; give a finding name or code (see `stance explain --list`) or `scenario:NAME`",
        ),
    }
    Err(msg)
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

    fn id(m: &Model, name: &str) -> String {
        let i = (0..m.atoms.len())
            .find(|&i| m.atom_name(AtomId(i as u32)) == name)
            .unwrap();
        atom_node(m, AtomId(i as u32))
    }

    type Rel<'a> = (&'a str, &'a str, &'a str, Option<bool>, Option<bool>);

    fn rel(g: &Graph) -> Vec<Rel<'_>> {
        g.edges
            .iter()
            .map(|e| {
                (
                    e.from.as_str(),
                    e.to.as_str(),
                    e.role,
                    e.negated_from,
                    e.negated_to,
                )
            })
            .collect()
    }

    #[test]
    fn dated_statements_carry_their_snapshot_date() {
        let m = model(
            "party uk\ntopic sea\ntopic x\ntopic y\n\
             party uk { requires x }\n\
             party uk as of 2018-02-28 { rejects sea }\n\
             party uk as of 2019-10-17 { requires sea\n requires x <-> y }\n",
        );
        let g = build(&m, &BTreeSet::new());
        let main: Vec<(&str, Option<&str>)> = g
            .edges
            .iter()
            .filter(|e| e.role == "main")
            .map(|e| (e.label.as_str(), e.as_of.as_deref()))
            .collect();
        assert_eq!(
            main,
            [
                ("uk: requires", None),
                ("uk: rejects as of 2018-02-28", Some("2018-02-28")),
                ("uk: requires as of 2019-10-17", Some("2019-10-17")),
                ("uk: requires as of 2019-10-17", Some("2019-10-17")),
            ]
        );
        // every edge of a statement carries its date, none of a definition
        assert!(
            g.edges
                .iter()
                .filter(|e| e.role == "mention")
                .all(|e| e.as_of.as_deref() == Some("2019-10-17"))
        );
        let note = g.nodes.iter().find(|n| n.kind == "statement").unwrap();
        assert_eq!(note.label, "uk as of 2019-10-17:\nrequires x <-> y");
        assert_eq!(g.legend.last(), Some(&LEGEND_DATED));
        for text in [to_dot(&m, &g), to_mermaid(&m, &g)] {
            assert!(text.contains("uk: rejects as of 2018-02-28"), "{text}");
        }
        // the state at a date: the snapshot of that date only
        let then = m.state_at(Some(crate::date::Date::parse("2019-01-01").unwrap()));
        let g = build(&then, &BTreeSet::new());
        let dates: Vec<Option<&str>> = g.edges.iter().map(|e| e.as_of.as_deref()).collect();
        assert_eq!(dates, [None, Some("2018-02-28")]);
        // an undated model: no date anywhere, the legend as before
        let g = build(
            &model("party a\ntopic t\nparty a { requires t }\n"),
            &BTreeSet::new(),
        );
        assert!(g.edges.iter().all(|e| e.as_of.is_none()));
        assert_eq!(g.legend, LEGEND);
    }

    #[test]
    fn shapes() {
        let a = || Expr::Atom(AtomId(0));
        let b = || Expr::Atom(AtomId(1));
        let not = |e: Expr| Expr::Not(Box::new(e));
        assert_eq!(side(&not(not(a()))), Some(Side::Lit((AtomId(0), false))));
        assert_eq!(
            side(&not(Expr::And(vec![a(), not(b())]))),
            Some(Side::Junction {
                negated: true,
                op: Op::And,
                lits: vec![(AtomId(0), false), (AtomId(1), true)]
            })
        );
        // Mixed nesting and `<->` are not simplified.
        assert_eq!(side(&Expr::Or(vec![a(), Expr::And(vec![a(), b()])])), None);
        assert_eq!(
            shape(&Expr::Iff(Box::new(a()), Box::new(b()))),
            None,
            "an equivalence is a statement node"
        );
        assert_eq!(side(&Expr::And(vec![])), None);
    }

    #[test]
    fn escapes_labels() {
        assert_eq!(dot_str("a\"b\\c\n\u{1b}"), "\"a\\\"b\\\\c\\n\\\\u{1b}\"");
        assert_eq!(mermaid_str("<\"x\"># y"), "\"#lt;#quot;x#quot;#gt;#35; y\"");
        assert_eq!(dot_str("a\u{202e}b"), "\"a\\\\u{202e}b\"");
        assert_eq!(mermaid_str("a\u{202e}b"), "\"a b\"");
    }

    #[test]
    fn edges_follow_meaning() {
        let m = model(
            "party u\nparty r\ntopic c\ntopic g\ntopic pk\nparty u {\n  z1: no c without g\n  duty r: g\n}\nparty r {\n  rejects pk\n}\nassume g@r -> pk\n",
        );
        let g = build(&m, &BTreeSet::new());
        let r = rel(&g);
        let (c, gg, gr, pk) = (id(&m, "c"), id(&m, "g"), id(&m, "g@r"), id(&m, "pk"));
        let f = Some(false);
        let t = Some(true);
        assert!(r.contains(&(&c, &gg, "main", f, f)), "{r:?}");
        assert!(r.contains(&(&gg, &gr, "main", f, f)), "{r:?}");
        assert!(r.contains(&(&gr, &gg, "definition", f, f)), "{r:?}");
        assert!(r.contains(&("p_r", &pk, "main", f, t)), "{r:?}");
        assert!(r.contains(&(&gr, &pk, "main", f, f)), "{r:?}");
        let dot = to_dot(&m, &g);
        assert!(dot.starts_with("digraph stance {"));
        assert!(dot.contains("cluster_legend"), "{dot}");
        let mer = to_mermaid(&m, &g);
        assert!(
            mer.contains(&format!("{c} -->|\"u: no … without (z1)\"| {gg}")),
            "{mer}"
        );
        assert!(
            mer.contains(&format!("p_r --o|\"r: rejects (not)\"| {pk}")),
            "{mer}"
        );
    }

    #[test]
    fn ids_of_atoms_never_collide() {
        let m = model(
            "party b\ntopic a\ntopic a_at_b\nparty b {\n  requires a@b\n  requires a_at_b\n}\n",
        );
        let g = build(&m, &BTreeSet::new());
        let ids: BTreeSet<_> = g.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), g.nodes.len(), "{ids:?}");
    }

    #[test]
    fn highlight_names_are_checked() {
        let m = model("party u\ntopic d\nparty u {\n  requires d\n}\nscenario deal { d }\n");
        assert_eq!(
            parse_highlight(&m, "scenario:deal"),
            Ok(Highlight::Scenario("deal".into()))
        );
        assert_eq!(
            parse_highlight(&m, "conflict"),
            Ok(Highlight::Finding(Kind::Conflict))
        );
        let e = parse_highlight(&m, "scenario:dael").unwrap_err();
        assert!(e.contains("did you mean `deal`"), "{e}");
        let e = parse_highlight(&m, "confict").unwrap_err();
        assert!(e.contains("did you mean `conflict`"), "{e}");
        let e = parse_highlight(&m, "scenario:zzzzzz").unwrap_err();
        assert!(e.contains("`deal`"), "{e}");
    }

    #[test]
    fn highlights_select_the_members_of_findings() {
        let text = "party u\nparty v\ntopic d\ntopic e\nparty u {\n  requires d\n}\n\
                    party v {\n  rejects d\n  requires e\n}\nscenario s { not e }\n";
        let m = model(text);
        assert!(highlighted(&m, &[]).is_empty());
        let starts = |spans: BTreeSet<Span>| -> Vec<&str> {
            spans
                .iter()
                .map(|s| text[s.range()].lines().next().unwrap_or(""))
                .collect()
        };
        let conflict = highlighted(&m, &[Highlight::Finding(Kind::Conflict)]);
        assert_eq!(starts(conflict), ["requires d", "rejects d"]);
        let scenario = highlighted(&m, &[Highlight::Scenario("s".into())]);
        assert!(
            starts(scenario.clone()).contains(&"requires e"),
            "{scenario:?}"
        );
        let none = highlighted(&m, &[Highlight::Finding(Kind::Tautology)]);
        assert!(none.is_empty());
        let g = build(&m, &highlighted(&m, &[Highlight::Finding(Kind::Conflict)]));
        assert_eq!(g.edges.iter().filter(|e| e.highlighted).count(), 2);
    }
}
