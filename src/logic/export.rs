//! The clauses of a model, for other SAT and MUS tools (`stance export`).
//!
//! What is exported is H ∪ A: every red line (`requires`, `rejects`,
//! `no … without`, `duty`, with its condition), every assumption, and the
//! implicit `X@P -> X` axioms — the formula whose satisfiability is the
//! checker's "all red lines and assumptions hold together". Wishes
//! (`prefers`, `avoids`), claims and scenarios are not part of it.
//!
//! The clauses are the checker's own encoding ([`Problem`]), without its
//! selector literals: variables `1..=atoms` are the atoms in model order,
//! the rest are Plaisted–Greenbaum auxiliaries.
//!
//! - DIMACS CNF: `p cnf V C`, all clauses.
//! - Group CNF as read by MUS extractors (MUSer2's `gcnf` format):
//!   `p gcnf V C G`, every clause prefixed by its group `{g}`; group 0 holds
//!   the background (auxiliary definitions, the constant-true unit, the
//!   `X@P -> X` axioms), groups `1..=G` one statement each, in source
//!   order. A group-MUS of the file is a minimal set of statements that
//!   cannot hold together. Comment lines `c group G FILE:LINE TEXT` and
//!   `c var V NAME` name the groups and atoms.
//! - Weighted MaxSAT (`--format wcnf`, LANGUAGE.md §10), DIMACS WCNF with
//!   the classic header `p wcnf V C TOP` (read by RC2 of python-sat, MaxHS,
//!   EvalMaxSAT and the MaxSAT Evaluation tools up to 2021; the 2022 format
//!   without header was not chosen because older solvers reject it, while
//!   current ones still read the header form). Hard clauses (weight `TOP`,
//!   the sum of all soft weights plus one): the background, the
//!   assumptions and, for the red line of group `g`, its clauses each with
//!   `-s` added, `s = V - G + g` its own variable ("the red line is kept").
//!   Soft clauses: the unit `s` of each red line, with the red line's
//!   weight. An optimum's cost is the lowest total weight of red lines
//!   whose withdrawal makes the rest hold together: the sum over the
//!   model's disputes of `stance deals`' cheapest concession total (0 for
//!   a consistent dispute); the hard part alone is unsatisfiable exactly
//!   when the assumptions fail by themselves. Comment lines
//!   `c soft G FILE:LINE TEXT` name the red lines.
//!
//! Nothing here does I/O; the CLI writes the text.

use super::Problem;
use crate::model::{AtomId, Expr, Model, StmtId, Strength};
use crate::source::SourceMap;
use std::collections::HashMap;
use std::fmt::Write;

/// One statement's clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The statement.
    pub stmt: StmtId,
    /// Its clauses (DIMACS literals: ±variable, 1-based).
    pub clauses: Vec<Vec<i32>>,
}

/// The clauses of H ∪ A of a model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cnf {
    /// Number of variables.
    pub vars: u32,
    /// Background clauses (group 0).
    pub background: Vec<Vec<i32>>,
    /// One group per red line and assumption, in statement order.
    pub groups: Vec<Group>,
    /// The variable of each atom the clauses mention, in atom order.
    pub atoms: Vec<(AtomId, u32)>,
}

impl Cnf {
    /// Number of clauses in all.
    pub fn num_clauses(&self) -> usize {
        self.background.len() + self.groups.iter().map(|g| g.clauses.len()).sum::<usize>()
    }
}

/// Whether a statement belongs to H ∪ A.
fn exported(kind: Strength) -> bool {
    matches!(kind, Strength::Hard | Strength::Background)
}

/// The clauses of H ∪ A of `model`.
pub fn cnf(model: &Model) -> Cnf {
    let mut p = Problem::new();
    p.record = Some(Vec::new());
    // Atoms get the first variables, in model order.
    for i in 0..model.atoms.len() {
        p.atom(AtomId(i as u32));
    }
    let mut items: Vec<(usize, Option<StmtId>)> = Vec::new();
    for s in &model.statements {
        if exported(s.kind.strength()) {
            items.push((p.add_item(&s.formula), Some(s.id)));
        }
    }
    let mut plain: HashMap<_, AtomId> = HashMap::new();
    for (i, a) in model.atoms.iter().enumerate() {
        if a.party.is_none() {
            plain.entry(a.topic).or_insert(AtomId(i as u32));
        }
    }
    for (i, a) in model.atoms.iter().enumerate() {
        if a.party.is_none() {
            continue;
        }
        let b = match plain.get(&a.topic) {
            Some(b) => *b,
            None => {
                // `X@P` whose plain `X` is never mentioned: `X` still exists.
                let b = AtomId(model.atoms.len() as u32 + i as u32);
                plain.insert(a.topic, b);
                b
            }
        };
        let axiom = Expr::Implies(
            Box::new(Expr::Atom(AtomId(i as u32))),
            Box::new(Expr::Atom(b)),
        );
        items.push((p.add_item(&axiom), None));
    }
    // Renumber: selectors vanish, other variables keep their order.
    let selector = p.item_of_var.clone();
    let mut number: HashMap<u32, i32> = HashMap::new();
    let mut next = 0i32;
    for v in 0..p.next_var {
        if !selector.contains_key(&v) {
            next += 1;
            number.insert(v, next);
        }
    }
    let lit = |l: rustsat::types::Lit| -> i32 {
        let n = number.get(&l.vidx32()).copied().unwrap_or(0);
        if l.is_neg() { -n } else { n }
    };
    let mut out = Cnf {
        vars: next as u32,
        ..Cnf::default()
    };
    let mut group_of_item: HashMap<usize, usize> = HashMap::new();
    for (item, stmt) in &items {
        if let Some(s) = stmt {
            group_of_item.insert(*item, out.groups.len());
            out.groups.push(Group {
                stmt: *s,
                clauses: Vec::new(),
            });
        }
    }
    for clause in p.record.take().unwrap_or_default() {
        let owner = clause.first().and_then(|l| {
            if l.is_neg() {
                selector.get(&l.vidx32()).copied()
            } else {
                None
            }
        });
        match owner {
            Some(item) => {
                let lits: Vec<i32> = clause.iter().skip(1).map(|l| lit(*l)).collect();
                match group_of_item
                    .get(&item)
                    .and_then(|g| out.groups.get_mut(*g))
                {
                    Some(g) => g.clauses.push(lits),
                    None => out.background.push(lits),
                }
            }
            None => out
                .background
                .push(clause.iter().map(|l| lit(*l)).collect()),
        }
    }
    let mut atoms: Vec<(AtomId, u32)> = p
        .atom_vars
        .iter()
        .filter_map(|(a, l)| number.get(&l.vidx32()).map(|n| (*a, *n as u32)))
        .collect();
    atoms.sort_unstable();
    out.atoms = atoms;
    out
}

fn push_clause(text: &mut String, lits: &[i32]) {
    for l in lits {
        let _ = write!(text, "{l} ");
    }
    text.push_str("0\n");
}

fn atom_name(model: &Model, atom: AtomId) -> String {
    if (atom.0 as usize) < model.atoms.len() {
        return model.atom_name(atom);
    }
    // A plain topic only its `X@P` atoms mention.
    let x = AtomId(atom.0 - model.atoms.len() as u32);
    model.topic(model.atom(x).topic).name.to_string()
}

/// A statement in a comment line of the exports: `file:line party: text`
/// (the text on one line).
fn statement_comment(model: &Model, sources: &SourceMap, stmt: StmtId) -> String {
    let st = model.statement(stmt);
    let place = sources.get(st.span.file).map_or_else(
        || String::from("?"),
        |f| format!("{}:{}", f.path, f.line_col(st.span.start as usize).line),
    );
    let who = model
        .party_name(st.party)
        .map_or_else(String::new, |p| format!("{p}: "));
    let body = model.text(st.text).replace(['\n', '\r'], " ");
    format!("{place} {who}{body}")
}

fn comments(text: &mut String, model: &Model, sources: &SourceMap, cnf: &Cnf, groups: bool) {
    text.push_str("c stance export: the red lines and assumptions of the model (H and A)\n");
    if groups {
        for (g, group) in cnf.groups.iter().enumerate() {
            let said = statement_comment(model, sources, group.stmt);
            let _ = writeln!(text, "c group {} {said}", g + 1);
        }
    }
    for (a, v) in &cnf.atoms {
        let _ = writeln!(text, "c var {v} {}", atom_name(model, *a));
    }
}

/// DIMACS CNF of H ∪ A (with `c var` comments).
pub fn dimacs(model: &Model, sources: &SourceMap) -> String {
    let cnf = cnf(model);
    let mut text = String::new();
    comments(&mut text, model, sources, &cnf, false);
    let _ = writeln!(text, "p cnf {} {}", cnf.vars, cnf.num_clauses());
    for c in &cnf.background {
        push_clause(&mut text, c);
    }
    for g in &cnf.groups {
        for c in &g.clauses {
            push_clause(&mut text, c);
        }
    }
    text
}

/// Group CNF of H ∪ A: group 0 the background, one group per statement.
pub fn gcnf(model: &Model, sources: &SourceMap) -> String {
    let cnf = cnf(model);
    let mut text = String::new();
    comments(&mut text, model, sources, &cnf, true);
    let _ = writeln!(
        text,
        "p gcnf {} {} {}",
        cnf.vars,
        cnf.num_clauses(),
        cnf.groups.len()
    );
    for c in &cnf.background {
        text.push_str("{0} ");
        push_clause(&mut text, c);
    }
    for (g, group) in cnf.groups.iter().enumerate() {
        for c in &group.clauses {
            let _ = write!(text, "{{{}}} ", g + 1);
            push_clause(&mut text, c);
        }
    }
    text
}

/// The weighted MaxSAT instance of a model's cheapest concessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wcnf {
    /// Number of variables (the CNF's, then one per red line).
    pub vars: u32,
    /// The hard clauses.
    pub hard: Vec<Vec<i32>>,
    /// The soft units: weight, literal, red line.
    pub soft: Vec<(u64, i32, StmtId)>,
    /// The variable of each atom the clauses mention, in atom order.
    pub atoms: Vec<(AtomId, u32)>,
}

impl Wcnf {
    /// The weight of a hard clause: more than all soft weights together.
    pub fn top(&self) -> u64 {
        self.soft.iter().map(|(w, _, _)| *w).sum::<u64>() + 1
    }
}

/// The weighted MaxSAT instance of `model` (see the module notes).
pub fn weighted(model: &Model) -> Wcnf {
    let cnf = cnf(model);
    let mut out = Wcnf {
        vars: cnf.vars,
        hard: cnf.background,
        soft: Vec::new(),
        atoms: cnf.atoms,
    };
    for g in cnf.groups {
        let st = model.statement(g.stmt);
        if st.kind.strength() == Strength::Hard {
            out.vars += 1;
            let s = out.vars as i32;
            for mut c in g.clauses {
                c.insert(0, -s);
                out.hard.push(c);
            }
            out.soft.push((u64::from(st.weight), s, g.stmt));
        } else {
            out.hard.extend(g.clauses);
        }
    }
    out
}

/// DIMACS WCNF (`p wcnf V C TOP`) of the cheapest concessions of `model`.
pub fn wcnf(model: &Model, sources: &SourceMap) -> String {
    let w = weighted(model);
    let mut text = String::new();
    text.push_str(
        "c stance export: weighted MaxSAT; hard: assumptions, `X@P -> X`, each red line \
         under its own variable; soft: keep each red line (its weight)\n",
    );
    for (_, s, stmt) in &w.soft {
        let said = statement_comment(model, sources, *stmt);
        let _ = writeln!(text, "c soft {s} {said}");
    }
    for (a, v) in &w.atoms {
        let _ = writeln!(text, "c var {v} {}", atom_name(model, *a));
    }
    let top = w.top();
    let _ = writeln!(
        text,
        "p wcnf {} {} {top}",
        w.vars,
        w.hard.len() + w.soft.len()
    );
    for c in &w.hard {
        let _ = write!(text, "{top} ");
        push_clause(&mut text, c);
    }
    for (weight, s, _) in &w.soft {
        let _ = writeln!(text, "{weight} {s} 0");
    }
    text
}
