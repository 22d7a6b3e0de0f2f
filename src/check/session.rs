//! Independent components of a model, and a solver session over some of them.
//!
//! Statements that share no topic cannot interact, so the model is split
//! into components with a union–find over topics (every statement joins the
//! topics it mentions; `X@P` is topic `X`). A minimal set never spans two
//! components, so each component is checked alone with its own incremental
//! solver. A scenario or an expectation formula may touch several
//! components; its session covers exactly those.
//!
//! Decision: the "only if all H ∪ A is satisfiable" gates of §6 (ruled-out,
//! unattainable-preference, redundant, and skipping everything when the
//! assumptions are inconsistent) are applied per component: an
//! inconsistency in one dispute is reported on its own and does not silence
//! the findings of an unrelated dispute.

use crate::hash::{IdMap, id_map};
use crate::logic::{Assignment, Budget, Problem, Stop, atoms_of, mus};
use crate::model::{AtomId, Expr, Model, ScenarioId, StmtId, Strength, TopicId};
use petgraph::unionfind::UnionFind;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// One independent part of the model.
#[derive(Clone, Debug, Default)]
pub struct Component {
    /// Its statements, in source order.
    pub stmts: Vec<StmtId>,
    /// Its `X@P` atoms (each one implicit axiom `X@P -> X`).
    pub defs: Vec<AtomId>,
}

/// The components of a model, and where each topic went.
#[derive(Clone, Debug, Default)]
pub struct Components {
    /// Components, ordered by their first statement (definition-only
    /// components last).
    pub list: Vec<Component>,
    /// Topic → component.
    pub of_topic: HashMap<TopicId, usize>,
    /// Atom → its plain-topic atom (for `X@P`: `X`).
    pub base: Vec<Option<AtomId>>,
    /// When every solver of the check gives up (the time budget).
    pub deadline: Option<std::time::Instant>,
}

impl Components {
    /// Splits `model`.
    pub fn new(model: &Model) -> Components {
        let nt = model.topics.len();
        let ns = model.statements.len();
        // Topics first, then one private node per statement (for statements
        // without atoms).
        let mut uf: UnionFind<usize> = UnionFind::new(nt + ns);
        let mut stmt_topics: Vec<Vec<usize>> = Vec::with_capacity(ns);
        for (i, s) in model.statements.iter().enumerate() {
            let topics: Vec<usize> = atoms_of(&s.formula)
                .into_iter()
                .map(|a| model.atom(a).topic.0 as usize)
                .collect();
            uf.union(nt + i, topics.first().copied().unwrap_or(nt + i));
            for t in &topics {
                uf.union(nt + i, *t);
            }
            stmt_topics.push(topics);
        }
        let mut comp_of_root: BTreeMap<usize, usize> = BTreeMap::new();
        let mut list: Vec<Component> = Vec::new();
        for i in 0..ns {
            let root = uf.find(nt + i);
            let k = *comp_of_root.entry(root).or_insert_with(|| {
                list.push(Component::default());
                list.len() - 1
            });
            if let Some(c) = list.get_mut(k) {
                c.stmts.push(StmtId(i as u32));
            }
        }
        let mut of_topic = HashMap::new();
        for t in 0..nt {
            if let Some(k) = comp_of_root.get(&uf.find(t)) {
                of_topic.insert(TopicId(t as u32), *k);
            }
        }
        for (i, a) in model.atoms.iter().enumerate() {
            if a.party.is_none() {
                continue;
            }
            let k = match of_topic.get(&a.topic) {
                Some(k) => *k,
                None => {
                    list.push(Component::default());
                    let k = list.len() - 1;
                    of_topic.insert(a.topic, k);
                    k
                }
            };
            if let Some(c) = list.get_mut(k) {
                c.defs.push(AtomId(i as u32));
            }
        }
        let mut plain: HashMap<TopicId, AtomId> = HashMap::new();
        for (i, a) in model.atoms.iter().enumerate() {
            if a.party.is_none() {
                plain.entry(a.topic).or_insert(AtomId(i as u32));
            }
        }
        let base = model
            .atoms
            .iter()
            .enumerate()
            .map(|(i, a)| match a.party {
                None => Some(AtomId(i as u32)),
                Some(_) => plain.get(&a.topic).copied(),
            })
            .collect();
        Components {
            list,
            of_topic,
            base,
            deadline: None,
        }
    }

    /// The components an expression touches, sorted.
    pub fn touched(&self, model: &Model, expr: &Expr) -> Vec<usize> {
        let mut out: Vec<usize> = atoms_of(expr)
            .into_iter()
            .filter_map(|a| self.of_topic.get(&model.atom(a).topic).copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The plain-topic atom of atom `a` (`X` for `X@P`, itself for a plain
/// atom) in a table made by [`Components::new`] for this model; `None`
/// when the model never mentions `X` itself. An atom outside the table is
/// an internal bug (panics; reported as an internal error).
pub fn base_of(base: &[Option<AtomId>], a: AtomId) -> Option<AtomId> {
    base[a.0 as usize]
}

/// A set of items (sorted indices).
pub type Set = Vec<usize>;

/// Hints from the items' formulas: evaluation, and simple chains.
struct ExprHints<'a, 'm> {
    exprs: &'a [Cow<'m, Expr>],
    /// The candidates are known to hold together.
    cands_sat: bool,
    /// Atom → its plain-topic atom (the `X@P -> X` axioms).
    base: &'a [Option<AtomId>],
}

impl mus::Hints for ExprHints<'_, '_> {
    fn holds(&self, item: usize, a: &Assignment) -> Option<bool> {
        self.exprs.get(item).map(|e| a.eval(e))
    }

    /// A simple chain is minimal without the axioms; with them it stays
    /// minimal unless an axiom links two of its atoms (an axiom with an atom
    /// the set does not mention can always be satisfied), so such sets are
    /// left to the deletion tests.
    fn known_minimal(&self, set: &[usize]) -> bool {
        let exprs: Option<Vec<&Expr>> = set
            .iter()
            .map(|i| self.exprs.get(*i).map(|e| &**e))
            .collect();
        let Some(exprs) = exprs else { return false };
        let mut atoms: Vec<AtomId> = exprs.iter().flat_map(|e| atoms_of(e)).collect();
        atoms.sort_unstable();
        atoms.dedup();
        let linked = atoms.iter().any(|a| {
            matches!(base_of(self.base, *a),
                Some(b) if b != *a && atoms.binary_search(&b).is_ok())
        });
        !linked && super::shape::simple_chain(&exprs)
    }

    fn candidates_sat(&self) -> bool {
        self.cands_sat
    }
}

/// What an item of a session stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKey {
    /// A statement or assumption.
    Stmt(StmtId),
    /// The axiom `X@P -> X` of an `X@P` atom.
    Def(AtomId),
    /// A scenario (all its formulas).
    Scenario(ScenarioId),
    /// A condition or expectation formula (index into the session's extra
    /// formulas).
    Formula(usize),
    /// The negation of a statement.
    Neg(StmtId),
}

/// A solver over some components, with its items.
pub struct Session<'m> {
    /// The model.
    pub model: &'m Model,
    base: &'m [Option<AtomId>],
    /// The solver.
    pub problem: Problem,
    keys: Vec<ItemKey>,
    pub(crate) exprs: Vec<Cow<'m, Expr>>,
    index: IdMap<ItemKey, usize>,
    /// Statements of the session, in source order.
    pub stmts: Vec<StmtId>,
    /// Definition atoms of the session.
    pub defs: Vec<AtomId>,
    formulas: Vec<Expr>,
}

impl<'m> Session<'m> {
    /// A session over the given components, with every statement and axiom
    /// as an item.
    pub fn new(model: &'m Model, comps: &'m Components, which: &[usize]) -> Session<'m> {
        let mut stmts: Vec<StmtId> = Vec::new();
        let mut defs: Vec<AtomId> = Vec::new();
        for k in which {
            if let Some(c) = comps.list.get(*k) {
                stmts.extend_from_slice(&c.stmts);
                defs.extend_from_slice(&c.defs);
            }
        }
        stmts.sort_unstable();
        defs.sort_unstable();
        let mut s = Session {
            model,
            base: &comps.base,
            problem: Problem::new(),
            keys: Vec::new(),
            exprs: Vec::new(),
            index: id_map(),
            stmts: Vec::new(),
            defs: Vec::new(),
            formulas: Vec::new(),
        };
        for st in &stmts {
            s.item(ItemKey::Stmt(*st));
        }
        // The axioms are the meaning of `@`, not statements: facts of every
        // query, never members of a set (LANGUAGE.md §6).
        for d in &defs {
            let axiom = s.expr_of(&ItemKey::Def(*d));
            s.problem.add_fact(&axiom);
        }
        s.problem.set_deadline(comps.deadline);
        s.stmts = stmts;
        s.defs = defs;
        s
    }

    /// The formula an item key stands for.
    fn expr_of(&self, key: &ItemKey) -> Cow<'m, Expr> {
        let m = self.model;
        match key {
            ItemKey::Stmt(s) => Cow::Borrowed(&m.statement(*s).formula),
            ItemKey::Neg(s) => Cow::Owned(Expr::Not(Box::new(m.statement(*s).formula.clone()))),
            ItemKey::Def(a) => Cow::Owned(match base_of(self.base, *a) {
                Some(b) if b != *a => {
                    Expr::Implies(Box::new(Expr::Atom(*a)), Box::new(Expr::Atom(b)))
                }
                // The model never mentions `X` itself: `X` is free, so the
                // axiom always holds.
                _ => Expr::And(vec![]),
            }),
            ItemKey::Scenario(sc) => Cow::Owned(Expr::And(m.scenario(*sc).formulas.clone())),
            // Formula items are made by `formula_item` from this list.
            ItemKey::Formula(i) => Cow::Owned(self.formulas[*i].clone()),
        }
    }

    /// The item for a key, added on first use.
    pub fn item(&mut self, key: ItemKey) -> usize {
        if let Some(i) = self.index.get(&key) {
            return *i;
        }
        let e = self.expr_of(&key);
        let i = self.problem.add_item(&e);
        self.keys.push(key.clone());
        self.exprs.push(e);
        self.index.insert(key, i);
        i
    }

    /// The item for an extra formula (a condition, an expectation).
    pub fn formula_item(&mut self, expr: &Expr) -> usize {
        if let Some(i) = self.formulas.iter().position(|f| f == expr) {
            return self.item(ItemKey::Formula(i));
        }
        self.formulas.push(expr.clone());
        self.item(ItemKey::Formula(self.formulas.len() - 1))
    }

    /// The key of an item.
    pub fn key(&self, item: usize) -> Option<&ItemKey> {
        self.keys.get(item)
    }

    /// The keys of items.
    pub fn keys_of(&self, items: &[usize]) -> Vec<ItemKey> {
        items
            .iter()
            .filter_map(|i| self.keys.get(*i).cloned())
            .collect()
    }

    /// Whether an item holds under an assignment.
    pub fn holds(&self, item: usize, a: &Assignment) -> Option<bool> {
        self.exprs.get(item).map(|e| a.eval(e))
    }

    /// Items of the statements that `pick` selects.
    pub fn stmt_items(&mut self, pick: impl Fn(&crate::model::Statement) -> bool) -> Vec<usize> {
        let chosen: Vec<StmtId> = self
            .stmts
            .iter()
            .copied()
            .filter(|s| pick(self.model.statement(*s)))
            .collect();
        chosen
            .into_iter()
            .map(|s| self.item(ItemKey::Stmt(s)))
            .collect()
    }

    /// Up to `limit` MUSes `T` of `candidates` with `required` (see
    /// [`mus::enumerate`]) whose keys `keep` accepts; and whether the list is
    /// complete. `cands_sat`: the candidates are known to hold together.
    pub fn muses(
        &mut self,
        candidates: &[usize],
        required: &[usize],
        budget: &Budget,
        limit: usize,
        cands_sat: bool,
        keep: &dyn Fn(&[ItemKey]) -> bool,
    ) -> Result<(Vec<Vec<usize>>, bool), Stop> {
        let keys = &self.keys;
        let holds = ExprHints {
            exprs: &self.exprs,
            cands_sat,
            base: self.base,
        };
        mus::muses(
            &mut self.problem,
            candidates,
            required,
            &holds,
            budget,
            limit,
            &mut |m| {
                let ks: Vec<ItemKey> = m.iter().filter_map(|i| keys.get(*i).cloned()).collect();
                keep(&ks)
            },
        )
    }

    /// All MSSes of `candidates` with `required` always on (at most
    /// `limit`); and whether the list is complete. `None` when the required
    /// items cannot hold even alone.
    pub fn msses(
        &mut self,
        candidates: &[usize],
        required: &[usize],
        budget: &Budget,
        limit: usize,
    ) -> Result<(Option<Vec<Set>>, bool), Stop> {
        let holds = ExprHints {
            exprs: &self.exprs,
            cands_sat: false,
            base: self.base,
        };
        let mut out: Vec<Vec<usize>> = Vec::new();
        let mut hopeless = false;
        let mut over = false;
        let complete = mus::enumerate(
            &mut self.problem,
            candidates,
            required,
            &holds,
            budget,
            &mut |f| match f {
                mus::Found::Mus([]) => {
                    hopeless = true;
                    mus::Flow::Done
                }
                mus::Found::Mus(_) => mus::Flow::Continue,
                mus::Found::Mss(m) => {
                    if out.len() >= limit {
                        over = true;
                        return mus::Flow::Done;
                    }
                    out.push(m.to_vec());
                    mus::Flow::Continue
                }
            },
        )?;
        if hopeless {
            return Ok((None, true));
        }
        Ok((Some(out), complete && !over))
    }

    /// Shrinks an unsatisfiable `set` (with `required`) to a MUS.
    pub fn shrink(
        &mut self,
        set: &[usize],
        required: &[usize],
        budget: &Budget,
    ) -> Result<Vec<usize>, Stop> {
        let hints = ExprHints {
            exprs: &self.exprs,
            cands_sat: false,
            base: self.base,
        };
        mus::shrink(&mut self.problem, set, required, &hints, budget)
    }

    /// Items of the assumptions (A). The `X@P -> X` axioms are facts of
    /// the solver, not items.
    pub fn background(&mut self) -> Vec<usize> {
        self.stmt_items(|s| s.kind.strength() == Strength::Background)
    }

    /// The `X@P -> X` axioms of the session's components, as formulas.
    pub fn axioms(&self) -> Vec<Expr> {
        self.defs
            .iter()
            .map(|d| self.expr_of(&ItemKey::Def(*d)).into_owned())
            .collect()
    }

    /// Items of hard statements (all parties).
    pub fn hard(&mut self) -> Vec<usize> {
        self.stmt_items(|s| s.kind.strength() == Strength::Hard)
    }
}
