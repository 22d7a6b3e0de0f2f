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

use super::session::ItemKey;
use crate::diagnostic::{Member, Role, StatementRef};
use crate::model::{AtomId, Expr, Model, StmtId};
use crate::source::Span;

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

type Lit = (AtomId, bool);

#[derive(Clone, Debug)]
enum Shape {
    Units(Vec<Lit>),
    Imp(Lit, Lit),
    Other,
}

fn lit_of(e: &Expr) -> Option<Lit> {
    let mut e = e;
    let mut pos = true;
    loop {
        match e {
            Expr::Atom(a) => return Some((*a, pos)),
            Expr::Not(x) => {
                pos = !pos;
                e = x;
            }
            _ => return None,
        }
    }
}

fn neg(l: Lit) -> Lit {
    (l.0, !l.1)
}

/// The shape of `e` (of `not e` when `negated`).
fn shape(e: &Expr, negated: bool) -> Shape {
    if let Some(l) = lit_of(e) {
        return Shape::Units(vec![if negated { neg(l) } else { l }]);
    }
    let lits = |xs: &[Expr], flip: bool| -> Option<Vec<Lit>> {
        xs.iter()
            .map(|x| lit_of(x).map(|l| if flip { neg(l) } else { l }))
            .collect()
    };
    match (e, negated) {
        (Expr::Not(x), _) => shape(x, !negated),
        (Expr::And(xs), false) | (Expr::Or(xs), true) => match lits(xs, negated) {
            Some(ls) => Shape::Units(ls),
            None => Shape::Other,
        },
        (Expr::Implies(a, b), false) => match (lit_of(a), lit_of(b)) {
            (Some(a), Some(b)) => Shape::Imp(a, b),
            _ => Shape::Other,
        },
        (Expr::Implies(a, b), true) => match (lit_of(a), lit_of(b)) {
            (Some(a), Some(b)) => Shape::Units(vec![a, neg(b)]),
            _ => Shape::Other,
        },
        (Expr::Or(xs), false) | (Expr::And(xs), true) => match lits(xs, negated) {
            Some(ls) if ls.len() == 2 => Shape::Imp(neg(ls[0]), ls[1]),
            _ => Shape::Other,
        },
        _ => Shape::Other,
    }
}

struct Item {
    member: Member,
    shape: Shape,
    subject: bool,
    party: Option<String>,
    closer: String,
    order: (u32, u32, u8),
}

fn stmt_ref_text(model: &Model, s: StmtId) -> Option<&crate::model::Statement> {
    model.statements.get(s.0 as usize)
}

/// The member of a statement.
pub fn stmt_member(model: &Model, s: StmtId) -> Option<Member> {
    let st = stmt_ref_text(model, s)?;
    Some(Member {
        span: st.span,
        role: if st.party.is_some() {
            Role::Party
        } else {
            Role::Assumption
        },
        party: model.party_name(st.party).map(str::to_owned),
        kind: st.kind.as_str(),
        label: st.label.clone(),
        text: st.text.clone(),
        quote: st.quote.clone(),
    })
}

/// A concession entry for a statement.
pub fn stmt_ref(model: &Model, s: StmtId) -> Option<StatementRef> {
    let st = stmt_ref_text(model, s)?;
    Some(StatementRef {
        span: st.span,
        party: model.party_name(st.party).map(str::to_owned),
        label: st.label.clone(),
        text: st.text.clone(),
    })
}

/// How a statement is named in messages: its label, else its text.
pub fn stmt_name(model: &Model, s: StmtId) -> String {
    match stmt_ref_text(model, s) {
        Some(st) => st.label.clone().unwrap_or_else(|| st.text.clone()),
        None => String::from("?"),
    }
}

fn lit_name(model: &Model, l: Lit) -> String {
    if l.1 {
        model.atom_name(l.0)
    } else {
        format!("not {}", model.atom_name(l.0))
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
                let (Some(st), Some(member)) = (stmt_ref_text(model, *s), stmt_member(model, *s))
                else {
                    continue;
                };
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
                let Some(b) = base.get(a.0 as usize).copied().flatten() else {
                    continue;
                };
                let span = model
                    .atom_spans
                    .get(a.0 as usize)
                    .copied()
                    .unwrap_or_default();
                Item {
                    member: Member {
                        span,
                        role: Role::Definition,
                        party: None,
                        kind: "definition",
                        label: None,
                        text: format!("{} -> {}", model.atom_name(*a), model.atom_name(b)),
                        quote: None,
                    },
                    shape: Shape::Imp((*a, true), (b, true)),
                    subject: false,
                    party: None,
                    closer: String::from("definition"),
                    order: (span.file.0, span.start, 2),
                }
            }
            ItemKey::Scenario(sc) => {
                let Some(s) = model.scenarios.get(sc.0 as usize) else {
                    continue;
                };
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
    let mut starts: Vec<usize> = (0..items.len()).filter(|i| items[*i].subject).collect();
    starts.extend((0..items.len()).filter(|i| !items[*i].subject));
    for s in starts {
        let Shape::Units(ls) = &items[s].shape else {
            continue;
        };
        for l0 in ls {
            if let Some(found) = walk(model, items, s, *l0, contra) {
                return Some(found);
            }
        }
    }
    None
}

fn walk(
    model: &Model,
    items: &[Item],
    start: usize,
    l0: Lit,
    contra: bool,
) -> Option<(Vec<usize>, Vec<String>)> {
    let mut used = vec![false; items.len()];
    used[start] = true;
    let mut order = vec![start];
    let mut chain = vec![lit_name(model, l0)];
    let mut cur = l0;
    loop {
        let unused = used.iter().filter(|u| !**u).count();
        if unused == 1 {
            let last = used.iter().position(|u| !*u)?;
            if let Shape::Units(ls) = &items[last].shape {
                if ls.contains(&neg(cur)) {
                    order.push(last);
                    chain.push(format!("⟂ {}", items[last].closer));
                    return Some((order, chain));
                }
            }
            // The start member may also close the chain (`requires a`,
            // `no a without b`, …, `rejects a` is a different shape).
        }
        if unused == 0 {
            return None;
        }
        let next = (0..items.len()).find_map(|i| {
            if used[i] {
                return None;
            }
            match items[i].shape {
                Shape::Imp(a, b) if a == cur => Some((i, b)),
                Shape::Imp(a, b) if contra && neg(b) == cur => Some((i, neg(a))),
                _ => None,
            }
        });
        let (i, l) = next?;
        used[i] = true;
        order.push(i);
        chain.push(lit_name(model, l));
        cur = l;
    }
}

fn propagation_order(items: &[Item]) -> Vec<usize> {
    let mut placed = vec![false; items.len()];
    let mut order = Vec::new();
    let mut known: Vec<Lit> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if it.subject {
            placed[i] = true;
            order.push(i);
            if let Shape::Units(ls) = &it.shape {
                known.extend(ls.iter().copied());
            }
        }
    }
    loop {
        let triggered = (0..items.len()).find(|i| {
            !placed[*i]
                && matches!(items[*i].shape, Shape::Imp(a, b) if known.contains(&a) || known.contains(&neg(b)))
        });
        let pick = triggered.or_else(|| {
            (0..items.len()).find(|i| !placed[*i] && matches!(items[*i].shape, Shape::Units(_)))
        });
        let Some(i) = pick else { break };
        placed[i] = true;
        order.push(i);
        match &items[i].shape {
            Shape::Imp(a, b) => {
                if known.contains(a) {
                    known.push(*b);
                } else {
                    known.push(neg(*a));
                }
            }
            Shape::Units(ls) => known.extend(ls.iter().copied()),
            Shape::Other => {}
        }
    }
    order.extend((0..items.len()).filter(|i| !placed[*i]));
    order
}
