//! Deals and concessions (LANGUAGE.md §10): per independent dispute, the
//! Pareto-optimal deals over the parties' wish scores when the red lines
//! and assumptions hold together, or the Pareto-optimal concessions over
//! the parties' costs when they do not.
//!
//! No I/O and no rendering: `crate::render::deals` shows a [`Report`].
//! The search is [`pareto::front`] on the component's incremental solver
//! (`check::session`), the `X@P -> X` axioms as facts; when `--max-deals`
//! cuts it, the two marked optima are found by [`pareto::lex_min`] and kept
//! (so that the marks stay exact).
//!
//! Decisions (docs/decisions.md, "Deals"):
//! - a party's score is the total weight of its wishes that hold; its cost
//!   the total weight of its red lines withdrawn; claims take no part;
//! - deals (and concessions) with equal vectors count as one; the outcome
//!   shown for a deal holds as few topics as possible (subset-minimal);
//! - `best_total`: the highest total score, ties broken by the higher
//!   minimum; `fairest`: the highest minimum score over the parties that
//!   have wishes, ties broken by the higher total; every deal still tied
//!   after that is marked. Concessions mirror it: `cheapest` the lowest
//!   total cost (ties: lower highest cost), `fairest` the lowest highest
//!   cost (ties: lower total);
//! - a dispute with neither a wish nor conflicting red lines has nothing
//!   to negotiate and is left out; with a scenario, only the dispute the
//!   scenario touches (its components together) is shown.

mod pareto;

use crate::check::session::{Components, ItemKey, Session};
use crate::logic::{Assignment, Stop, atoms_of};
use crate::model::{AtomId, Expr, Model, PartyId, ScenarioId, StmtId, Strength, TopicId};
use rustsat::types::Lit;
use std::collections::BTreeSet;
use std::time::Instant;

/// What to compute.
#[derive(Clone, Debug)]
pub struct Options {
    /// `--scenario S`: S holds in every outcome.
    pub scenario: Option<ScenarioId>,
    /// At most this many deals (or concessions) per dispute.
    pub max_deals: usize,
    /// When the search gives up (the result is then `truncated`).
    pub deadline: Option<Instant>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            scenario: None,
            max_deals: 20,
            deadline: None,
        }
    }
}

/// Whether a dispute's red lines and assumptions hold together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// They do: [`Dispute::deals`].
    Consistent,
    /// The red lines conflict: [`Dispute::concessions`].
    Conflicting,
    /// The assumptions (with the scenario, if any) fail by themselves: no
    /// concession of the parties helps.
    Background,
    /// The time budget ran out before it was known.
    Unknown,
}

/// Where a deal or a concession set stands among the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Per party of the dispute (in [`Dispute::parties`] order): its score
    /// (a deal: the weight of its wishes met) or its cost (a concession:
    /// the weight of its red lines withdrawn).
    pub vector: Vec<u64>,
    /// The sum of the vector.
    pub total: u64,
    /// Marked as the best total: the highest total score of a deal, the
    /// lowest total cost of a concession (`best_total`, `cheapest`).
    pub best: bool,
    /// Marked as the fairest: the highest minimum score over the parties
    /// with wishes, the lowest highest cost.
    pub fairest: bool,
}

/// One Pareto-optimal deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deal {
    /// The atoms (topics, `X@P`) that hold in one outcome realising the
    /// deal, as few as possible; every other atom is false there.
    pub holds: Vec<AtomId>,
    /// The scores and the marks.
    pub standing: Standing,
    /// The wishes that hold, in source order.
    pub met: Vec<StmtId>,
    /// The wishes that do not, in source order.
    pub missed: Vec<StmtId>,
}

/// One Pareto-optimal concession set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concession {
    /// The red lines to withdraw, in source order (a minimal correction
    /// set).
    pub withdraw: Vec<StmtId>,
    /// The costs and the marks.
    pub standing: Standing,
}

/// One independent dispute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispute {
    /// Its parties (with a red line or a wish in it), sorted by name.
    pub parties: Vec<PartyId>,
    /// Its topics, sorted by name.
    pub topics: Vec<TopicId>,
    /// Its statements (all kinds), in source order.
    pub statements: Vec<StmtId>,
    /// What holds.
    pub state: State,
    /// Pareto-optimal deals (consistent disputes), best total first.
    pub deals: Vec<Deal>,
    /// Pareto-optimal concessions (conflicting disputes), cheapest first.
    pub concessions: Vec<Concession>,
    /// Whether the limit or the time budget cut this dispute's list short.
    pub truncated: bool,
    /// Whether the marked deals (concessions) are exact optima: true unless
    /// the time budget ran out before they were found. With `--max-deals`
    /// they are found by their own optimisation and always listed, so a
    /// list cut by the limit still marks the true optima.
    pub marks_exact: bool,
}

/// Every dispute of a model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The disputes, in the order of their first statement.
    pub disputes: Vec<Dispute>,
    /// Whether any list was cut short.
    pub truncated: bool,
    /// The scenario asked in (`--scenario`), if any.
    pub scenario: Option<ScenarioId>,
}

/// The deals and concessions of `model`.
pub fn deals(model: &Model, opts: &Options) -> Report {
    let mut comps = Components::new(model);
    comps.deadline = opts.deadline;
    let groups: Vec<Vec<usize>> = match opts.scenario {
        Some(sc) => {
            let f = Expr::And(model.scenario(sc).formulas.clone());
            vec![comps.touched(model, &f)]
        }
        None => (0..comps.list.len()).map(|k| vec![k]).collect(),
    };
    // the atoms of each topic, in id order (built once: a scan of every
    // atom per dispute made the search quadratic in the model's size)
    let mut by_topic: Vec<Vec<AtomId>> = vec![Vec::new(); model.topics.len()];
    for (i, a) in model.atoms.iter().enumerate() {
        if let Some(v) = by_topic.get_mut(a.topic.0 as usize) {
            v.push(AtomId(i as u32));
        }
    }
    let mut report = Report {
        scenario: opts.scenario,
        ..Report::default()
    };
    for which in groups {
        if let Some(d) = dispute(model, &comps, &which, &by_topic, opts) {
            report.truncated |= d.truncated;
            report.disputes.push(d);
        }
    }
    report
}

/// `(party index in the dispute, weight)` of a statement.
fn owner(parties: &[PartyId], model: &Model, s: StmtId) -> Option<(usize, usize)> {
    let st = model.statement(s);
    let p = st.party?;
    let i = parties.iter().position(|q| *q == p)?;
    Some((i, st.weight as usize))
}

fn dispute(
    model: &Model,
    comps: &Components,
    which: &[usize],
    by_topic: &[Vec<AtomId>],
    opts: &Options,
) -> Option<Dispute> {
    let mut ses = Session::new(model, comps, which);
    let stmts = ses.stmts.clone();
    let of = |s: &StmtId| model.statement(*s);
    let hard: Vec<StmtId> = stmts
        .iter()
        .copied()
        .filter(|s| of(s).party.is_some() && of(s).kind.strength() == Strength::Hard)
        .collect();
    let wishes: Vec<StmtId> = stmts
        .iter()
        .copied()
        .filter(|s| of(s).party.is_some() && of(s).kind.strength() == Strength::Soft)
        .collect();
    if hard.is_empty() && wishes.is_empty() && opts.scenario.is_none() {
        return None;
    }
    let mut parties: Vec<PartyId> = hard
        .iter()
        .chain(&wishes)
        .filter_map(|s| of(s).party)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    parties.sort_by(|a, b| model.party(*a).name.cmp(&model.party(*b).name));
    let mut topics: Vec<TopicId> = stmts
        .iter()
        .flat_map(|s| atoms_of(&of(s).formula))
        .map(|a| model.atom(a).topic)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if let Some(sc) = opts.scenario {
        for f in &model.scenario(sc).formulas {
            topics.extend(atoms_of(f).into_iter().map(|a| model.atom(a).topic));
        }
        topics.sort_unstable();
        topics.dedup();
    }
    topics.sort_by(|a, b| model.topic(*a).name.cmp(&model.topic(*b).name));
    let mut d = Dispute {
        parties,
        topics,
        statements: stmts.clone(),
        state: State::Unknown,
        deals: Vec::new(),
        concessions: Vec::new(),
        truncated: false,
        marks_exact: false,
    };

    // the items: background (assumptions, scenario), red lines, wishes
    let mut background: Vec<usize> = ses.background();
    if let Some(sc) = opts.scenario {
        background.push(ses.item(ItemKey::Scenario(sc)));
    }
    // A selector here means "the statement holds", both ways: the item of
    // its negation is on when the selector is off. Then the loss the
    // solver counts is the loss of the outcome, and a region once blocked
    // is never entered again.
    let sel = |ses: &mut Session<'_>, s: StmtId| {
        let i = ses.item(ItemKey::Stmt(s));
        let n = ses.item(ItemKey::Neg(s));
        let (l, nl) = (ses.problem.selector(i)?, ses.problem.selector(n)?);
        ses.problem.add_clause(&[l, nl]);
        Some(l)
    };
    let bg: Vec<Lit> = background
        .iter()
        .filter_map(|i| ses.problem.selector(*i))
        .collect();
    let hard_sel: Vec<Lit> = hard.iter().filter_map(|s| sel(&mut ses, *s)).collect();
    let wish_sel: Vec<Lit> = wishes.iter().filter_map(|s| sel(&mut ses, *s)).collect();

    let outcome = (|| -> Result<(), Stop> {
        if !ses.problem.solve_lits(&bg)? {
            d.state = State::Background;
            return Ok(());
        }
        let mut all = bg.clone();
        all.extend(&hard_sel);
        if ses.problem.solve_lits(&all)? {
            d.state = State::Consistent;
            find_deals(
                model, by_topic, &mut ses, &mut d, &all, &wishes, &wish_sel, opts,
            );
        } else {
            d.state = State::Conflicting;
            find_concessions(model, &mut ses, &mut d, &bg, &hard, &hard_sel, opts);
        }
        Ok(())
    })();
    if outcome.is_err() {
        d.truncated = true;
    }
    Some(d)
}

/// Per-party objectives over `(statement, selector)` (the loss of a
/// statement is its weight when its selector is off), and their total.
fn objectives(
    model: &Model,
    parties: &[PartyId],
    stmts: &[StmtId],
    sels: &[Lit],
) -> (Vec<pareto::Objective>, pareto::Objective) {
    let mut terms: Vec<Vec<(Lit, usize)>> = vec![Vec::new(); parties.len()];
    for (s, l) in stmts.iter().zip(sels) {
        if let Some((i, w)) = owner(parties, model, *s)
            && let Some(t) = terms.get_mut(i)
        {
            t.push((!*l, w));
        }
    }
    let all: Vec<(Lit, usize)> = terms.iter().flatten().copied().collect();
    (
        terms.iter().map(|t| pareto::Objective::new(t)).collect(),
        pareto::Objective::new(&all),
    )
}

/// Per party: the weight of `stmts` that `fails` selects.
fn losses(
    model: &Model,
    parties: &[PartyId],
    stmts: &[StmtId],
    fails: impl Fn(StmtId) -> bool,
) -> Vec<usize> {
    let mut v = vec![0usize; parties.len()];
    for s in stmts {
        if fails(*s)
            && let Some((i, w)) = owner(parties, model, *s)
            && let Some(x) = v.get_mut(i)
        {
            *x += w;
        }
    }
    v
}

/// How one side (the wishes of a deal, the red lines of a concession) is
/// ranked: a party's *cost* is its loss minus `full` (a deal: minus the
/// score it would have with every wish met, so the cost is the negated
/// score; a concession: the loss itself); the best point has the lowest
/// total cost (ties: the lowest highest cost), the fairest the lowest
/// highest cost over the `counted` parties (ties: the lowest total).
struct Ranking {
    full: Vec<usize>,
    counted: Vec<bool>,
}

impl Ranking {
    fn costs(&self, loss: &[usize]) -> Vec<i128> {
        loss.iter()
            .zip(&self.full)
            .map(|(l, f)| *l as i128 - *f as i128)
            .collect()
    }

    /// `(total cost, highest counted cost)`.
    fn key(&self, loss: &[usize]) -> (i128, i128) {
        let c = self.costs(loss);
        let highest = c
            .iter()
            .zip(&self.counted)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .max()
            .unwrap_or(0);
        (c.iter().sum(), highest)
    }

    /// Per objective, the offset that makes [`pareto::unfairness`] the
    /// highest counted cost plus a constant.
    fn offsets(&self) -> Vec<Option<usize>> {
        let top = self.full.iter().copied().max().unwrap_or(0);
        self.full
            .iter()
            .zip(&self.counted)
            .map(|(f, k)| k.then_some(top - f))
            .collect()
    }

    /// The points' marks `(index, best, fairest)` in the order shown:
    /// best first, then by cost vector. Every point tied with the best
    /// (fairest) is marked.
    fn rank(&self, points: &[Vec<usize>]) -> Vec<(usize, bool, bool)> {
        let keys: Vec<(i128, i128)> = points.iter().map(|v| self.key(v)).collect();
        let best = keys.iter().min().copied();
        let fair = keys.iter().map(|(t, h)| (*h, *t)).min();
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by_key(|i| (keys[*i], self.costs(&points[*i])));
        order
            .into_iter()
            .map(|i| {
                let (t, h) = keys[i];
                (i, Some((t, h)) == best, Some((h, t)) == fair)
            })
            .collect()
    }
}

/// The Pareto front of one side; when `--max-deals` cuts it, its two
/// marked optima are found by their own optimisation
/// ([`pareto::lex_min`]) and kept, so that the marks stay exact. Sets the dispute's `truncated` and
/// `marks_exact`; returns the points with their marks, in the order shown.
#[allow(clippy::too_many_arguments)]
fn ranked_front<T>(
    model: &Model,
    ses: &mut Session<'_>,
    d: &mut Dispute,
    base: &[Lit],
    (stmts, sels): (&[StmtId], &[Lit]),
    ranking: &Ranking,
    opts: &Options,
    measure: &mut pareto::Measure<'_, T>,
    pin: &mut pareto::Pin<'_, T>,
) -> Vec<(Vec<usize>, T, bool, bool)> {
    let (mut objs, mut total) = objectives(model, &d.parties, stmts, sels);
    let offsets = ranking.offsets();
    let marked = pareto::Marked {
        total: &mut total,
        offsets: &offsets,
    };
    let f = pareto::front(
        &mut ses.problem,
        base,
        &mut objs,
        opts.max_deals,
        marked,
        measure,
        pin,
    );
    d.truncated |= !f.complete;
    d.marks_exact = f.exact && !f.points.is_empty();
    let vectors: Vec<Vec<usize>> = f.points.iter().map(|(v, _)| v.clone()).collect();
    let marks = ranking.rank(&vectors);
    let mut points: Vec<Option<(Vec<usize>, T)>> = f.points.into_iter().map(Some).collect();
    marks
        .into_iter()
        .filter_map(|(i, best, fair)| {
            let (v, rec) = points.get_mut(i)?.take()?;
            Some((v, rec, best, fair))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn find_deals(
    model: &Model,
    by_topic: &[Vec<AtomId>],
    ses: &mut Session<'_>,
    d: &mut Dispute,
    base: &[Lit],
    wishes: &[StmtId],
    wish_sel: &[Lit],
    opts: &Options,
) {
    let parties = d.parties.clone();
    let atoms: Vec<AtomId> = {
        let mut v: Vec<AtomId> = d
            .topics
            .iter()
            .filter_map(|t| by_topic.get(t.0 as usize))
            .flatten()
            .copied()
            .collect();
        v.sort_unstable();
        v
    };
    let atom_lits: Vec<Lit> = atoms.iter().map(|a| ses.problem.atom_lit(*a)).collect();
    let mut measure = |p: &mut crate::logic::Problem| {
        let a = p.assignment();
        let v = losses(model, &parties, wishes, |s| {
            !a.eval(&model.statement(s).formula)
        });
        (v, a)
    };
    // The outcome shown: the same wishes met, as few atoms true as
    // possible (each true atom in id order is made false when it can be).
    let mut pin = |p: &mut crate::logic::Problem,
                   pinned: &[Lit],
                   _v: &[usize],
                   a: Assignment|
     -> Result<Assignment, Stop> {
        let mut assumps = pinned.to_vec();
        for (s, l) in wishes.iter().zip(wish_sel) {
            if a.eval(&model.statement(*s).formula) {
                assumps.push(*l);
            }
        }
        let mut cur = a;
        for (atom, l) in atoms.iter().zip(&atom_lits) {
            if !cur.get(*atom) {
                assumps.push(!*l);
                continue;
            }
            assumps.push(!*l);
            if p.solve_lits(&assumps)? {
                cur = p.assignment();
            } else {
                assumps.pop();
                assumps.push(*l);
            }
        }
        Ok(cur)
    };
    // parties with wishes decide fairness; a party's full score: every
    // wish met
    let ranking = Ranking {
        full: losses(model, &parties, wishes, |_| true),
        counted: parties
            .iter()
            .map(|p| wishes.iter().any(|s| model.statement(*s).party == Some(*p)))
            .collect(),
    };
    let points = ranked_front(
        model,
        ses,
        d,
        base,
        (wishes, wish_sel),
        &ranking,
        opts,
        &mut measure,
        &mut pin,
    );
    for (lost, a, best, fairest) in points {
        let (met, missed): (Vec<StmtId>, Vec<StmtId>) = wishes
            .iter()
            .partition(|s| a.eval(&model.statement(**s).formula));
        let vector: Vec<u64> = ranking
            .full
            .iter()
            .zip(&lost)
            .map(|(f, l)| f.saturating_sub(*l) as u64)
            .collect();
        d.deals.push(Deal {
            holds: atoms.iter().copied().filter(|x| a.get(*x)).collect(),
            standing: Standing {
                total: vector.iter().sum(),
                vector,
                best,
                fairest,
            },
            met,
            missed,
        });
    }
}

fn find_concessions(
    model: &Model,
    ses: &mut Session<'_>,
    d: &mut Dispute,
    base: &[Lit],
    hard: &[StmtId],
    hard_sel: &[Lit],
    opts: &Options,
) {
    let parties = d.parties.clone();
    let mut measure = |p: &mut crate::logic::Problem| {
        let a = p.assignment();
        let withdrawn: Vec<StmtId> = hard
            .iter()
            .copied()
            .filter(|s| !a.eval(&model.statement(*s).formula))
            .collect();
        let v = losses(model, &parties, hard, |s| withdrawn.contains(&s));
        (v, withdrawn)
    };
    let mut pin = |_: &mut crate::logic::Problem,
                   _: &[Lit],
                   _: &[usize],
                   w: Vec<StmtId>|
     -> Result<Vec<StmtId>, Stop> { Ok(w) };
    let ranking = Ranking {
        full: vec![0; parties.len()],
        counted: vec![true; parties.len()],
    };
    let points = ranked_front(
        model,
        ses,
        d,
        base,
        (hard, hard_sel),
        &ranking,
        opts,
        &mut measure,
        &mut pin,
    );
    for (v, withdraw, best, fairest) in points {
        let vector: Vec<u64> = v.iter().map(|x| *x as u64).collect();
        d.concessions.push(Concession {
            withdraw,
            standing: Standing {
                total: vector.iter().sum(),
                vector,
                best,
                fairest,
            },
        });
    }
}
