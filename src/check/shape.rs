//! The shapes of formulas that explanations and minimality hints rely on:
//! a set of *units* (literals a formula asserts), an *implication* between
//! two literals, or something else; and implications indexed by the literal
//! that triggers them. Pure functions of [`Expr`]; no model, no solver.

use crate::model::{AtomId, Expr};
use std::collections::{HashMap, HashSet};

/// A literal: an atom and its polarity.
pub(crate) type Lit = (AtomId, bool);

/// What a formula says, by shape.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    /// It asserts these literals.
    Units(Vec<Lit>),
    /// The first literal implies the second.
    Imp(Lit, Lit),
    /// Anything else.
    Other,
}

/// The literal `e` is, if it is one.
pub(crate) fn lit_of(e: &Expr) -> Option<Lit> {
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

/// The opposite literal.
pub(crate) fn neg(l: Lit) -> Lit {
    (l.0, !l.1)
}

/// The shape of `e` (of `not e` when `negated`).
pub(crate) fn shape(e: &Expr, negated: bool) -> Shape {
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

/// Implications indexed by the literal that triggers them: `a -> b` is
/// triggered by `a` (forward) and, contrapositively, by `not b`.
pub(crate) struct Index {
    pub fwd: HashMap<Lit, Vec<(usize, Lit)>>,
    pub contra: HashMap<Lit, Vec<(usize, Lit)>>,
}

impl Index {
    pub fn new(shapes: &[&Shape]) -> Index {
        let mut fwd: HashMap<Lit, Vec<(usize, Lit)>> = HashMap::new();
        let mut contra: HashMap<Lit, Vec<(usize, Lit)>> = HashMap::new();
        for (i, sh) in shapes.iter().enumerate() {
            if let Shape::Imp(a, b) = sh {
                fwd.entry(*a).or_default().push((i, *b));
                contra.entry(neg(*b)).or_default().push((i, neg(*a)));
            }
        }
        Index { fwd, contra }
    }

    pub fn next(&self, cur: Lit, used: &[bool], contra: bool) -> Option<(usize, Lit)> {
        let pick = |m: &HashMap<Lit, Vec<(usize, Lit)>>| {
            m.get(&cur).and_then(|v| {
                v.iter()
                    .find(|(i, _)| !used.get(*i).copied().unwrap_or(true))
                    .copied()
            })
        };
        pick(&self.fwd).or_else(|| if contra { pick(&self.contra) } else { None })
    }
}

/// Whether the formulas form one simple chain: two single-literal units
/// `l0` and `not lk` and implications that lead from `l0` to `lk`, each used
/// once, each step to a new atom. Such a set is minimally unsatisfiable:
/// without the first unit, make every chain literal false; without the last,
/// make all true; without link `j`, make the literals before it true and the
/// rest false.
pub(crate) fn simple_chain(exprs: &[&Expr]) -> bool {
    let shapes: Vec<Shape> = exprs.iter().map(|e| shape(e, false)).collect();
    let mut units = Vec::new();
    for (i, sh) in shapes.iter().enumerate() {
        match sh {
            Shape::Units(ls) if ls.len() == 1 => units.push((i, ls[0])),
            Shape::Imp(..) => {}
            _ => return false,
        }
    }
    let [(u0, l0), (u1, l1)] = units.as_slice() else {
        return false;
    };
    let refs: Vec<&Shape> = shapes.iter().collect();
    let index = Index::new(&refs);
    let mut used = vec![false; shapes.len()];
    used[*u0] = true;
    used[*u1] = true;
    let mut atoms: HashSet<AtomId> = HashSet::new();
    atoms.insert(l0.0);
    let mut cur = *l0;
    let mut left = shapes.len() - 2;
    while left > 0 {
        // Exactly one way on.
        let ways = index
            .fwd
            .get(&cur)
            .map_or(0, |v| v.iter().filter(|(i, _)| !used[*i]).count())
            + index
                .contra
                .get(&cur)
                .map_or(0, |v| v.iter().filter(|(i, _)| !used[*i]).count());
        if ways != 1 {
            return false;
        }
        let Some((i, l)) = index.next(cur, &used, true) else {
            return false;
        };
        if !atoms.insert(l.0) {
            return false;
        }
        used[i] = true;
        left -= 1;
        cur = l;
    }
    cur == neg(*l1)
}
