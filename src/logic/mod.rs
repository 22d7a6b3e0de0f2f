//! Statements → clauses, and the incremental solver the checker asks.
//!
//! Every formula the checker reasons about (a statement, an implicit
//! `X@P -> X` axiom, a scenario, a condition, the negation of a statement) is
//! an *item* of a [`Problem`]: its clauses are added once, guarded by a fresh
//! selector literal `s` (`s -> formula`), and a query switches a set of items
//! on by passing their selectors as assumptions. The solver is never rebuilt.
//!
//! The encoding is Plaisted–Greenbaum (Tseitin with polarity): each
//! subformula gets a fresh variable constrained only in the direction its
//! polarity needs, so the clause count is linear in the formula size — a wide
//! `(a and b) or (c and d) or …` stays linear, nothing is distributed. The
//! encoder and the evaluator walk formulas with explicit stacks, so a deep
//! formula cannot overflow the call stack.
//!
//! [`mus`] builds minimal unsatisfiable subsets, their enumeration and
//! minimal correction sets on top of [`Problem`].

pub mod export;
pub mod mus;
mod sat;

use crate::hash::{IdMap, id_map};
use crate::model::{AtomId, Expr};
use rustsat::types::Lit;
use sat::Sat;
use std::time::Instant;

/// The solver gave up (it failed, or the time budget ran out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop;

/// A deadline shared by every query of one check run.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    deadline: Option<Instant>,
}

impl Budget {
    /// A budget that ends at `deadline` (`None`: never).
    pub fn new(deadline: Option<Instant>) -> Budget {
        Budget { deadline }
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// `Err(Stop)` once the deadline has passed.
    pub fn check(&self) -> Result<(), Stop> {
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(Stop),
            _ => Ok(()),
        }
    }
}

/// An assignment of truth values to atoms (unassigned atoms are false).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Sorted by atom, each atom once.
    values: Vec<(AtomId, bool)>,
}

impl Assignment {
    /// The value of an atom.
    pub fn get(&self, atom: AtomId) -> bool {
        match self.values.binary_search_by_key(&atom, |(a, _)| *a) {
            Ok(i) => self.values.get(i).is_some_and(|(_, v)| *v),
            Err(_) => false,
        }
    }

    /// Sets the value of an atom.
    pub fn set(&mut self, atom: AtomId, value: bool) {
        match self.values.binary_search_by_key(&atom, |(a, _)| *a) {
            Ok(i) => {
                if let Some(slot) = self.values.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.values.insert(i, (atom, value)),
        }
    }

    /// The atoms that are true, in id order.
    pub fn true_atoms(&self) -> impl Iterator<Item = AtomId> + '_ {
        self.values.iter().filter(|(_, v)| *v).map(|(a, _)| *a)
    }

    /// Whether `expr` is true here.
    pub fn eval(&self, expr: &Expr) -> bool {
        eval(expr, &|a| self.get(a))
    }
}

/// The result of one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The items can all hold.
    Sat,
    /// They cannot; the core is a subset of the queried items (indices) that
    /// already cannot hold together.
    Unsat(Vec<usize>),
}

/// Evaluates a shallow formula directly (recursion bounded by `depth`);
/// `None` when it is deeper or wider than that.
fn eval_small(expr: &Expr, value: &dyn Fn(AtomId) -> bool, depth: u32) -> Option<bool> {
    let d = depth.checked_sub(1)?;
    Some(match expr {
        Expr::Atom(a) => value(*a),
        Expr::Not(x) => !eval_small(x, value, d)?,
        Expr::Implies(a, b) => !eval_small(a, value, d)? || eval_small(b, value, d)?,
        Expr::Iff(a, b) => eval_small(a, value, d)? == eval_small(b, value, d)?,
        Expr::And(xs) | Expr::Or(xs) if xs.len() <= 4 => {
            let is_and = matches!(expr, Expr::And(_));
            let mut acc = is_and;
            for x in xs {
                let v = eval_small(x, value, d)?;
                acc = if is_and { acc && v } else { acc || v };
            }
            acc
        }
        Expr::And(_) | Expr::Or(_) => return None,
    })
}

/// Evaluates `expr` under `value` without recursion.
pub fn eval(expr: &Expr, value: &dyn Fn(AtomId) -> bool) -> bool {
    if let Some(v) = eval_small(expr, value, 4) {
        return v;
    }
    enum Task<'a> {
        Visit(&'a Expr),
        Not,
        And(usize),
        Or(usize),
        Implies,
        Iff,
    }
    let mut tasks = vec![Task::Visit(expr)];
    let mut vals: Vec<bool> = Vec::new();
    while let Some(task) = tasks.pop() {
        match task {
            Task::Visit(e) => match e {
                Expr::Atom(a) => vals.push(value(*a)),
                Expr::Not(x) => {
                    tasks.push(Task::Not);
                    tasks.push(Task::Visit(x));
                }
                Expr::And(xs) => {
                    tasks.push(Task::And(xs.len()));
                    tasks.extend(xs.iter().map(Task::Visit));
                }
                Expr::Or(xs) => {
                    tasks.push(Task::Or(xs.len()));
                    tasks.extend(xs.iter().map(Task::Visit));
                }
                Expr::Implies(a, b) => {
                    tasks.push(Task::Implies);
                    tasks.push(Task::Visit(b));
                    tasks.push(Task::Visit(a));
                }
                Expr::Iff(a, b) => {
                    tasks.push(Task::Iff);
                    tasks.push(Task::Visit(b));
                    tasks.push(Task::Visit(a));
                }
            },
            Task::Not => {
                if let Some(v) = vals.last_mut() {
                    *v = !*v;
                }
            }
            Task::And(n) => {
                let at = vals.len().saturating_sub(n);
                let r = vals.drain(at..).all(|v| v);
                vals.push(r);
            }
            Task::Or(n) => {
                let at = vals.len().saturating_sub(n);
                let r = vals.drain(at..).any(|v| v);
                vals.push(r);
            }
            Task::Implies | Task::Iff => {
                // `a` was visited first, so it lies below `b`.
                let b = vals.pop().unwrap_or(false);
                let a = vals.pop().unwrap_or(false);
                vals.push(if matches!(task, Task::Implies) {
                    !a || b
                } else {
                    a == b
                });
            }
        }
    }
    vals.pop().unwrap_or(false)
}

/// The atoms of `expr`, each once, in order of first occurrence.
pub fn atoms_of(expr: &Expr) -> Vec<AtomId> {
    let mut out: Vec<AtomId> = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Atom(a) => {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
            Expr::Not(x) => stack.push(x),
            Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter().rev()),
            Expr::Implies(a, b) | Expr::Iff(a, b) => {
                stack.push(b);
                stack.push(a);
            }
        }
    }
    out
}

/// Whether `atom` occurs in `expr` with positive polarity (under an even
/// number of negations, counting the left side of `->` as a negation; both
/// sides of `<->` count as both polarities).
pub fn occurs_positively(expr: &Expr, atom: AtomId) -> bool {
    // (expr, positive, negative): which polarities this position carries.
    let mut stack = vec![(expr, true, false)];
    while let Some((e, pos, neg)) = stack.pop() {
        match e {
            Expr::Atom(a) => {
                if *a == atom && pos {
                    return true;
                }
            }
            Expr::Not(x) => stack.push((x, neg, pos)),
            Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter().map(|x| (x, pos, neg))),
            Expr::Implies(a, b) => {
                stack.push((a, neg, pos));
                stack.push((b, pos, neg));
            }
            Expr::Iff(a, b) => {
                let both = pos || neg;
                stack.push((a, both, both));
                stack.push((b, both, both));
            }
        }
    }
    false
}

/// Which directions of `var <-> subformula` an encoding must enforce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pol {
    /// `var -> subformula`.
    Pos,
    /// `subformula -> var`.
    Neg,
    /// Both.
    Both,
}

impl Pol {
    fn flip(self) -> Pol {
        match self {
            Pol::Pos => Pol::Neg,
            Pol::Neg => Pol::Pos,
            Pol::Both => Pol::Both,
        }
    }
    fn pos(self) -> bool {
        self != Pol::Neg
    }
    fn neg(self) -> bool {
        self != Pol::Pos
    }
}

/// One incremental SAT problem: items under selectors, atoms as variables.
pub struct Problem {
    solver: Sat,
    next_var: u32,
    reserved: u32,
    truth: Option<Lit>,
    atom_vars: IdMap<AtomId, Lit>,
    selectors: Vec<Lit>,
    item_of_var: IdMap<u32, usize>,
    /// Every clause added, when recording (for [`export`]).
    record: Option<Vec<Vec<Lit>>>,
}

impl std::fmt::Debug for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem")
            .field("vars", &self.next_var)
            .field("items", &self.selectors.len())
            .finish()
    }
}

impl Default for Problem {
    fn default() -> Self {
        Problem::new()
    }
}

impl Problem {
    /// An empty problem.
    pub fn new() -> Problem {
        Problem {
            solver: Sat::default(),
            next_var: 0,
            reserved: 0,
            truth: None,
            atom_vars: id_map(),
            selectors: Vec::new(),
            item_of_var: id_map(),
            record: None,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.selectors.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    fn fresh(&mut self) -> Lit {
        let l = Lit::new(self.next_var, false);
        self.next_var += 1;
        l
    }

    fn clause(&mut self, lits: &[Lit]) {
        // `false` means the clauses alone became unsatisfiable; every
        // query then answers unsat with an empty core, which is right.
        let _ = self.solver.add_clause(lits);
        if let Some(r) = &mut self.record {
            r.push(lits.to_vec());
        }
    }

    fn truth(&mut self) -> Lit {
        if let Some(t) = self.truth {
            return t;
        }
        let t = self.fresh();
        self.clause(&[t]);
        self.truth = Some(t);
        t
    }

    fn atom(&mut self, atom: AtomId) -> Lit {
        if let Some(l) = self.atom_vars.get(&atom) {
            return *l;
        }
        let l = self.fresh();
        self.atom_vars.insert(atom, l);
        l
    }

    /// Adds an item `formula` and returns its index.
    pub fn add_item(&mut self, formula: &Expr) -> usize {
        let sel = self.fresh();
        let item = self.selectors.len();
        self.selectors.push(sel);
        self.item_of_var.insert(sel.vidx32(), item);
        self.add_guarded(formula, Some(sel));
        item
    }

    /// Adds `formula` as a fact: it holds in every query and is never an
    /// item (the implicit `X@P -> X` axioms, LANGUAGE.md §6).
    pub fn add_fact(&mut self, formula: &Expr) {
        self.add_guarded(formula, None);
    }

    /// The clauses of `formula`, each switched on by `guard` (always on
    /// without one).
    fn add_guarded(&mut self, formula: &Expr, guard: Option<Lit>) {
        let off: Vec<Lit> = guard.map(|g| !g).into_iter().collect();
        // Split top-level conjunctions and disjunctions so that the common
        // shapes need no auxiliary variable at all.
        let mut top = vec![formula];
        while let Some(f) = top.pop() {
            let mut lits = off.clone();
            match f {
                Expr::And(xs) => {
                    top.extend(xs.iter().rev());
                    continue;
                }
                Expr::Or(xs) => {
                    for x in xs {
                        let l = self.encode(x, Pol::Pos);
                        lits.push(l);
                    }
                }
                Expr::Implies(a, b) => {
                    let la = self.encode(a, Pol::Neg);
                    let lb = self.encode(b, Pol::Pos);
                    lits.extend([!la, lb]);
                }
                _ => {
                    let l = self.encode(f, Pol::Pos);
                    lits.push(l);
                }
            }
            self.clause(&lits);
        }
    }

    /// A literal `l` with `l -> expr` (Pos), `expr -> l` (Neg) or both.
    fn encode(&mut self, expr: &Expr, pol: Pol) -> Lit {
        enum Task<'a> {
            Visit(&'a Expr, Pol),
            Negate,
            And(usize, Pol),
            Or(usize, Pol),
            Iff(Pol),
        }
        let mut tasks = vec![Task::Visit(expr, pol)];
        let mut vals: Vec<Lit> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Visit(e, p) => match e {
                    Expr::Atom(a) => {
                        let l = self.atom(*a);
                        vals.push(l);
                    }
                    Expr::Not(x) => {
                        tasks.push(Task::Negate);
                        tasks.push(Task::Visit(x, p.flip()));
                    }
                    Expr::And(xs) => {
                        tasks.push(Task::And(xs.len(), p));
                        tasks.extend(xs.iter().map(|x| Task::Visit(x, p)));
                    }
                    Expr::Or(xs) => {
                        tasks.push(Task::Or(xs.len(), p));
                        tasks.extend(xs.iter().map(|x| Task::Visit(x, p)));
                    }
                    Expr::Implies(a, b) => {
                        tasks.push(Task::Or(2, p));
                        tasks.push(Task::Visit(b, p));
                        tasks.push(Task::Negate);
                        tasks.push(Task::Visit(a, p.flip()));
                    }
                    Expr::Iff(a, b) => {
                        tasks.push(Task::Iff(p));
                        tasks.push(Task::Visit(b, Pol::Both));
                        tasks.push(Task::Visit(a, Pol::Both));
                    }
                },
                Task::Negate => {
                    if let Some(v) = vals.last_mut() {
                        *v = !*v;
                    }
                }
                Task::And(n, p) | Task::Or(n, p) => {
                    let is_and = matches!(task, Task::And(..));
                    let at = vals.len().saturating_sub(n);
                    let kids: Vec<Lit> = vals.drain(at..).collect();
                    let l = match kids.as_slice() {
                        [] if is_and => self.truth(),
                        [] => !self.truth(),
                        [one] => *one,
                        _ => {
                            let t = self.fresh();
                            if is_and {
                                if p.pos() {
                                    for k in &kids {
                                        self.clause(&[!t, *k]);
                                    }
                                }
                                if p.neg() {
                                    let mut c: Vec<Lit> = kids.iter().map(|k| !*k).collect();
                                    c.push(t);
                                    self.clause(&c);
                                }
                            } else {
                                if p.pos() {
                                    let mut c = kids.clone();
                                    c.push(!t);
                                    self.clause(&c);
                                }
                                if p.neg() {
                                    for k in &kids {
                                        self.clause(&[!*k, t]);
                                    }
                                }
                            }
                            t
                        }
                    };
                    vals.push(l);
                }
                Task::Iff(p) => {
                    let b = vals.pop().unwrap_or_else(|| self.truth());
                    let a = vals.pop().unwrap_or_else(|| self.truth());
                    let t = self.fresh();
                    if p.pos() {
                        self.clause(&[!t, !a, b]);
                        self.clause(&[!t, a, !b]);
                    }
                    if p.neg() {
                        self.clause(&[t, a, b]);
                        self.clause(&[t, !a, !b]);
                    }
                    vals.push(t);
                }
            }
        }
        match vals.pop() {
            Some(l) => l,
            None => self.truth(),
        }
    }

    // ---- raw access, for encodings beyond items (`crate::deals`) ----

    /// The selector literal of an item (true: the item is switched on).
    pub fn selector(&self, item: usize) -> Option<Lit> {
        self.selectors.get(item).copied()
    }

    /// The literal of an atom (made on first use).
    pub fn atom_lit(&mut self, atom: AtomId) -> Lit {
        self.atom(atom)
    }

    /// A fresh variable, as its positive literal.
    pub fn new_lit(&mut self) -> Lit {
        self.fresh()
    }

    /// The number of variables so far (the next fresh one's index).
    pub fn n_vars(&self) -> u32 {
        self.next_var
    }

    /// Counts variables below `n` as used (an encoding numbered its own
    /// from [`Problem::n_vars`] on).
    pub fn use_vars(&mut self, n: u32) {
        self.next_var = self.next_var.max(n);
    }

    /// Adds a clause over literals of this problem, always on.
    pub fn add_clause(&mut self, lits: &[Lit]) {
        if self.reserved < self.next_var {
            self.solver.reserve(self.next_var);
            self.reserved = self.next_var;
        }
        self.clause(lits);
    }

    /// Solves under the given literals (selectors or any others).
    pub fn solve_lits(&mut self, assumps: &[Lit]) -> Result<bool, Stop> {
        if self.reserved < self.next_var {
            self.solver.reserve(self.next_var);
            self.reserved = self.next_var;
        }
        self.solver.solve(assumps).ok_or(Stop)
    }

    /// The value of a literal in the last satisfying assignment.
    pub fn lit_value(&self, l: Lit) -> bool {
        self.solver.value(l)
    }

    /// Gives up any solve still running when `at` has passed.
    pub fn set_deadline(&mut self, at: Option<Instant>) {
        self.solver.set_deadline(at);
    }

    /// Solves with exactly the given items switched on.
    pub fn solve(&mut self, items: &[usize]) -> Result<Outcome, Stop> {
        if self.reserved < self.next_var {
            self.solver.reserve(self.next_var);
            self.reserved = self.next_var;
        }
        let assumps: Vec<Lit> = items
            .iter()
            .filter_map(|i| self.selectors.get(*i).copied())
            .collect();
        match self.solver.solve(&assumps) {
            Some(true) => Ok(Outcome::Sat),
            Some(false) => {
                let mut out: Vec<usize> = self
                    .solver
                    .core()
                    .filter_map(|l| self.item_of_var.get(&l.vidx32()).copied())
                    .collect();
                out.sort_unstable();
                out.dedup();
                Ok(Outcome::Unsat(out))
            }
            None => Err(Stop),
        }
    }

    /// Whether the given items can all hold.
    pub fn is_sat(&mut self, items: &[usize]) -> Result<bool, Stop> {
        Ok(self.solve(items)? == Outcome::Sat)
    }

    /// The atom values of the last satisfying assignment (atoms this problem
    /// has never seen are false).
    pub fn assignment(&self) -> Assignment {
        let mut values: Vec<(AtomId, bool)> = self
            .atom_vars
            .iter()
            .map(|(atom, lit)| (*atom, self.solver.value(*lit)))
            .collect();
        values.sort_unstable_by_key(|(a, _)| *a);
        Assignment { values }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(i: u32) -> Expr {
        Expr::Atom(AtomId(i))
    }
    fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    #[test]
    fn selectors_switch_items() {
        let mut p = Problem::new();
        let a = p.add_item(&at(0));
        let na = p.add_item(&not(at(0)));
        let b = p.add_item(&Expr::Implies(Box::new(at(0)), Box::new(at(1))));
        assert!(p.is_sat(&[a, b]).unwrap());
        assert!(p.assignment().get(AtomId(1)));
        assert_eq!(p.solve(&[a, na, b]).unwrap(), Outcome::Unsat(vec![a, na]));
        assert!(p.is_sat(&[na, b]).unwrap());
    }

    #[test]
    fn every_connective_matches_evaluation() {
        // Check equisatisfiability of each formula and its negation against
        // truth tables over two atoms.
        let forms = vec![
            Expr::Iff(Box::new(at(0)), Box::new(not(at(1)))),
            Expr::Or(vec![
                Expr::And(vec![at(0), at(1)]),
                Expr::And(vec![not(at(0)), not(at(1))]),
            ]),
            Expr::Implies(
                Box::new(Expr::Or(vec![at(0), at(1)])),
                Box::new(Expr::And(vec![])),
            ),
            Expr::Or(vec![]),
            not(Expr::Iff(
                Box::new(Expr::Implies(Box::new(at(0)), Box::new(at(1)))),
                Box::new(at(1)),
            )),
        ];
        for f in forms {
            for v0 in [false, true] {
                for v1 in [false, true] {
                    let mut p = Problem::new();
                    let i = p.add_item(&f);
                    let n = p.add_item(&not(f.clone()));
                    let x0 = p.add_item(&if v0 { at(0) } else { not(at(0)) });
                    let x1 = p.add_item(&if v1 { at(1) } else { not(at(1)) });
                    let truth = eval(&f, &|a| if a.0 == 0 { v0 } else { v1 });
                    assert_eq!(p.is_sat(&[i, x0, x1]).unwrap(), truth, "{f:?} {v0} {v1}");
                    assert_eq!(p.is_sat(&[n, x0, x1]).unwrap(), !truth, "{f:?} {v0} {v1}");
                }
            }
        }
    }

    #[test]
    fn wide_disjunction_of_conjunctions_stays_linear() {
        let n = 2000;
        let f = Expr::Or(
            (0..n)
                .map(|i| Expr::And(vec![at(2 * i), at(2 * i + 1)]))
                .collect(),
        );
        let mut p = Problem::new();
        p.add_item(&f);
        // One variable per atom, one per conjunction, one selector.
        assert!(p.next_var <= 3 * n + 2);
    }

    #[test]
    fn deep_formulas_do_not_overflow() {
        let mut f = at(0);
        for i in 1..200_000 {
            f = Expr::Implies(Box::new(at(i % 7)), Box::new(f));
        }
        let mut p = Problem::new();
        let i = p.add_item(&f);
        assert!(p.is_sat(&[i]).unwrap());
        assert!(eval(&f, &|_| true));
        assert_eq!(atoms_of(&f).len(), 7);
        assert!(occurs_positively(&f, AtomId(0)));
        // Drop without recursion.
        while let Expr::Implies(_, b) = f {
            f = *b;
        }
    }

    #[test]
    fn polarity() {
        let f = Expr::Implies(Box::new(at(0)), Box::new(not(not(at(1)))));
        assert!(!occurs_positively(&f, AtomId(0)));
        assert!(occurs_positively(&f, AtomId(1)));
        assert!(!occurs_positively(&not(at(0)), AtomId(0)));
    }
}
