//! Explanations: the members of a minimal set, in the order that shows why
//! they cannot hold together, and the chain of implications when there is
//! one.
//!
//! Every member is classified by shape: a set of *units* (literals it
//! asserts: `requires x`, `rejects y`, a scenario `{ a, not b }`), an
//! *implication* between two literals (`no a without b`, `requires b when a`,
//! `duty q: x`, `x@q -> x`, `a -> b`), or something else.
//!
//! - A *chain* is found when the set is one path: a unit `l0` (the scenario
//!   or condition first, then statements in source order), implications
//!   `l0 → l1 → … → lk` using every other member once, and a closing unit
//!   that asserts `not lk`. The chain lists the literals and ends with
//!   `⟂ party` (the owner of the closing unit; `assumption`, `scenario` or
//!   `definition` when it has none). Implications are followed as written
//!   first, contrapositively only when that fails.
//! - Otherwise members are ordered by unit propagation: the subject (scenario,
//!   condition, negated statement) first, then whichever member the literals
//!   derived so far trigger, then the rest in source order.

use super::session::{ItemKey, base_of};
use super::shape::{Index, Lit, Shape, neg, shape};
use crate::diagnostic::{Member, Role, StatementRef};
use crate::logic::{Budget, Problem, Stop, atoms_of, mus};
use crate::model::{AtomId, Expr, Model, StmtId};
use crate::source::Span;
use std::collections::HashSet;

/// The condition or formula a set is about, as written.
#[derive(Clone, Debug)]
pub struct Cond<'a> {
    /// Its formula.
    pub expr: &'a Expr,
    /// Where it is written.
    pub span: Span,
    /// Its text.
    pub text: String,
}

/// A minimal set, explained.
#[derive(Clone, Debug, Default)]
pub struct Explained {
    /// Members in explanation order.
    pub members: Vec<Member>,
    /// The chain, or empty.
    pub chain: Vec<String>,
    /// Parties of the members (names, sorted, deduplicated).
    pub parties: Vec<String>,
    /// The first member in source order that is not a definition.
    pub first: Option<Span>,
}

struct Item {
    member: Member,
    shape: Shape,
    subject: bool,
    party: Option<String>,
    closer: String,
    order: (u32, u32, u8),
}

/// The member of a statement.
pub fn stmt_member(model: &Model, s: StmtId) -> Member {
    let st = model.statement(s);
    Member {
        span: st.span,
        role: if st.party.is_some() {
            Role::Party
        } else {
            Role::Assumption
        },
        party: model.party_name(st.party).map(str::to_owned),
        kind: st.kind.as_str(),
        label: st.label.clone(),
        text: model.text(st.text).to_owned(),
        quote: st.quote.clone(),
        weight: st.party_weight(),
    }
}

/// A concession entry for a statement.
pub fn stmt_ref(model: &Model, s: StmtId) -> StatementRef {
    let st = model.statement(s);
    StatementRef {
        span: st.span,
        party: model.party_name(st.party).map(str::to_owned),
        label: st.label.clone(),
        text: model.text(st.text).to_owned(),
    }
}

/// How a statement is named in messages: its label, else its text.
pub fn stmt_name(model: &Model, s: StmtId) -> String {
    let st = model.statement(s);
    st.label
        .clone()
        .unwrap_or_else(|| model.text(st.text).to_owned())
}

fn lit_name(model: &Model, l: Lit) -> String {
    if l.1 {
        model.atom_name(l.0)
    } else {
        format!("not {}", model.atom_name(l.0))
    }
}

/// The formula a key stands for in an explanation (`cond` for a formula).
fn key_expr(model: &Model, key: &ItemKey, cond: Option<&Cond<'_>>) -> Option<Expr> {
    match key {
        ItemKey::Stmt(s) => Some(model.statement(*s).formula.clone()),
        ItemKey::Neg(s) => Some(Expr::Not(Box::new(model.statement(*s).formula.clone()))),
        ItemKey::Scenario(sc) => Some(Expr::And(model.scenario(*sc).formulas.clone())),
        ItemKey::Formula(_) => cond.map(|c| c.expr.clone()),
        ItemKey::Def(_) => None,
    }
}

/// The `X@P -> X` axioms that the minimal set `keys` needs to be
/// contradictory: a minimal subset of the axioms whose two atoms both occur
/// in the set (an axiom with a free atom can always be satisfied). The
/// axioms are never members (LANGUAGE.md §6), but an explanation shows those
/// it uses, with role `definition`. `Err(Stop)` when the budget ran out: the
/// caller then shows every candidate axiom and notes the cut.
pub(crate) fn axioms_used(
    model: &Model,
    base: &[Option<AtomId>],
    keys: &[ItemKey],
    cond: Option<&Cond<'_>>,
    budget: &Budget,
) -> Result<Vec<AtomId>, Vec<AtomId>> {
    let exprs: Vec<Expr> = keys
        .iter()
        .filter_map(|k| key_expr(model, k, cond))
        .collect();
    let mut atoms: Vec<AtomId> = exprs.iter().flat_map(atoms_of).collect();
    atoms.sort_unstable();
    atoms.dedup();
    let candidates: Vec<(AtomId, AtomId)> = atoms
        .iter()
        .filter_map(|a| match base_of(base, *a) {
            Some(b) if b != *a && atoms.binary_search(&b).is_ok() => Some((*a, b)),
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let all: Vec<AtomId> = candidates.iter().map(|(a, _)| *a).collect();
    let mut p = Problem::new();
    p.set_deadline(budget.deadline());
    let required: Vec<usize> = exprs.iter().map(|e| p.add_item(e)).collect();
    let defs: Vec<usize> = candidates
        .iter()
        .map(|(a, b)| {
            p.add_item(&Expr::Implies(
                Box::new(Expr::Atom(*a)),
                Box::new(Expr::Atom(*b)),
            ))
        })
        .collect();
    let used = (|| -> Result<Vec<usize>, Stop> {
        // Not a contradictory set at all (a duty, a tautology), or one
        // that needs no axiom: none is shown.
        let mut every = required.clone();
        every.extend_from_slice(&defs);
        if p.is_sat(&every)? || !p.is_sat(&required)? {
            return Ok(Vec::new());
        }
        mus::shrink(&mut p, &defs, &required, &mus::NoHints, budget)
    })();
    match used {
        Ok(items) => Ok(items
            .into_iter()
            .filter_map(|i| i.checked_sub(required.len()))
            .filter_map(|i| all.get(i).copied())
            .collect()),
        Err(Stop) => Err(all),
    }
}

/// Explains the set `keys`.
pub fn explain(
    model: &Model,
    base: &[Option<AtomId>],
    keys: &[ItemKey],
    cond: Option<&Cond<'_>>,
) -> Explained {
    let mut items: Vec<Item> = Vec::new();
    for key in keys {
        let item = match key {
            ItemKey::Stmt(s) | ItemKey::Neg(s) => {
                let st = model.statement(*s);
                let member = stmt_member(model, *s);
                let negated = matches!(key, ItemKey::Neg(_));
                Item {
                    shape: shape(&st.formula, negated),
                    subject: negated,
                    party: member.party.clone(),
                    closer: member
                        .party
                        .clone()
                        .unwrap_or_else(|| String::from("assumption")),
                    order: (st.span.file.0, st.span.start, 1),
                    member,
                }
            }
            ItemKey::Def(a) => {
                // Only axioms of `X@P` atoms whose `X` occurs are ever used.
                let Some(b) = base_of(base, *a) else {
                    continue;
                };
                let span = model.atom_spans[a.0 as usize];
                Item {
                    member: Member {
                        span,
                        role: Role::Definition,
                        party: None,
                        kind: "definition",
                        label: None,
                        text: format!("{} -> {}", model.atom_name(*a), model.atom_name(b)),
                        quote: None,
                        weight: None,
                    },
                    shape: Shape::Imp((*a, true), (b, true)),
                    subject: false,
                    party: None,
                    closer: String::from("definition"),
                    order: (span.file.0, span.start, 2),
                }
            }
            ItemKey::Scenario(sc) => {
                let s = model.scenario(*sc);
                let mut units = Vec::new();
                let mut other = false;
                for f in &s.formulas {
                    match shape(f, false) {
                        Shape::Units(ls) => units.extend(ls),
                        _ => other = true,
                    }
                }
                Item {
                    member: Member {
                        span: s.span,
                        role: Role::Scenario,
                        party: None,
                        kind: "scenario",
                        label: Some(s.name.clone()),
                        text: s.text.clone(),
                        quote: s.label.clone(),
                        weight: None,
                    },
                    shape: if other {
                        Shape::Other
                    } else {
                        Shape::Units(units)
                    },
                    subject: true,
                    party: None,
                    closer: String::from("scenario"),
                    order: (s.span.file.0, s.span.start, 0),
                }
            }
            ItemKey::Formula(_) => {
                let Some(c) = cond else { continue };
                Item {
                    member: Member {
                        span: c.span,
                        role: Role::Condition,
                        party: None,
                        kind: "condition",
                        label: None,
                        text: c.text.clone(),
                        quote: None,
                        weight: None,
                    },
                    shape: shape(c.expr, false),
                    subject: true,
                    party: None,
                    closer: String::from("condition"),
                    order: (c.span.file.0, c.span.start, 0),
                }
            }
        };
        items.push(item);
    }
    // Source order: statements by position, definitions last.
    items.sort_by(|a, b| {
        let ka = (a.member.role == Role::Definition, a.order);
        let kb = (b.member.role == Role::Definition, b.order);
        ka.cmp(&kb)
    });
    let first = items
        .iter()
        .find(|i| i.member.role != Role::Definition && i.member.role != Role::Condition)
        .map(|i| i.member.span);
    let mut parties: Vec<String> = items.iter().filter_map(|i| i.party.clone()).collect();
    parties.sort();
    parties.dedup();

    let (order, chain) =
        match find_chain(model, &items, false).or_else(|| find_chain(model, &items, true)) {
            Some((order, chain)) => (order, chain),
            None => (propagation_order(&items), Vec::new()),
        };
    let mut slots: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    let members = order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .map(|i| i.member)
        .collect();
    Explained {
        members,
        chain,
        parties,
        first,
    }
}

fn find_chain(model: &Model, items: &[Item], contra: bool) -> Option<(Vec<usize>, Vec<String>)> {
    if items.len() < 2 {
        return None;
    }
    let shapes: Vec<&Shape> = items.iter().map(|i| &i.shape).collect();
    let index = Index::new(&shapes);
    let mut starts: Vec<usize> = (0..items.len()).filter(|i| items[*i].subject).collect();
    starts.extend((0..items.len()).filter(|i| !items[*i].subject));
    // Only units can start a chain; try at most a few so that a long
    // non-chain set stays linear.
    for s in starts
        .into_iter()
        .filter(|i| matches!(items[*i].shape, Shape::Units(_)))
        .take(4)
    {
        let Shape::Units(ls) = &items[s].shape else {
            continue;
        };
        for l0 in ls.iter().take(4) {
            if let Some(found) = walk(model, items, &index, s, *l0, contra) {
                return Some(found);
            }
        }
    }
    None
}

fn walk(
    model: &Model,
    items: &[Item],
    index: &Index,
    start: usize,
    l0: Lit,
    contra: bool,
) -> Option<(Vec<usize>, Vec<String>)> {
    let mut used = vec![false; items.len()];
    used[start] = true;
    let mut unused = items.len() - 1;
    let mut order = vec![start];
    let mut chain = vec![lit_name(model, l0)];
    let mut cur = l0;
    loop {
        if unused == 1 {
            let last = used.iter().position(|u| !*u)?;
            if let Shape::Units(ls) = &items[last].shape
                && ls.contains(&neg(cur))
            {
                order.push(last);
                chain.push(format!("⟂ {}", items[last].closer));
                return Some((order, chain));
            }
        }
        if unused == 0 {
            return None;
        }
        let (i, l) = index.next(cur, &used, contra)?;
        used[i] = true;
        unused -= 1;
        order.push(i);
        chain.push(lit_name(model, l));
        cur = l;
    }
}

fn propagation_order(items: &[Item]) -> Vec<usize> {
    let shapes: Vec<&Shape> = items.iter().map(|i| &i.shape).collect();
    let index = Index::new(&shapes);
    let mut placed = vec![false; items.len()];
    let mut order = Vec::new();
    let mut queue: std::collections::VecDeque<Lit> = std::collections::VecDeque::new();
    let mut known: HashSet<Lit> = HashSet::new();
    let mut learn = |l: Lit, queue: &mut std::collections::VecDeque<Lit>| {
        if known.insert(l) {
            queue.push_back(l);
        }
    };
    for (i, it) in items.iter().enumerate() {
        if it.subject {
            placed[i] = true;
            order.push(i);
            if let Shape::Units(ls) = &it.shape {
                for l in ls {
                    learn(*l, &mut queue);
                }
            }
        }
    }
    let mut next_unit = 0;
    loop {
        while let Some(l) = queue.pop_front() {
            let mut hits: Vec<(usize, Lit)> = Vec::new();
            for m in [&index.fwd, &index.contra] {
                if let Some(v) = m.get(&l) {
                    hits.extend(v.iter().filter(|(i, _)| !placed[*i]).copied());
                }
            }
            hits.sort_unstable();
            for (i, derived) in hits {
                if placed[i] {
                    continue;
                }
                placed[i] = true;
                order.push(i);
                learn(derived, &mut queue);
            }
        }
        while next_unit < items.len()
            && (placed[next_unit] || !matches!(items[next_unit].shape, Shape::Units(_)))
        {
            next_unit += 1;
        }
        let Some(it) = items.get(next_unit) else {
            break;
        };
        placed[next_unit] = true;
        order.push(next_unit);
        if let Shape::Units(ls) = &it.shape {
            for l in ls {
                learn(*l, &mut queue);
            }
        }
    }
    order.extend((0..items.len()).filter(|i| !placed[*i]));
    order
}
