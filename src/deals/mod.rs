//! Deals and concessions (LANGUAGE.md §10): per independent dispute, the
//! Pareto-optimal deals over the parties' wish scores when the red lines
//! and assumptions hold together, or the Pareto-optimal concessions over
//! the parties' costs when they do not.
//!
//! No I/O and no rendering: `crate::render::deals` shows a [`Report`].
//! The search is [`pareto::front`] on the component's incremental solver
//! (`check::session`), the `X@P -> X` axioms as facts.
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

/// One Pareto-optimal deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deal {
    /// The atoms (topics, `X@P`) that hold in one outcome realising the
    /// deal, as few as possible; every other atom is false there.
    pub holds: Vec<AtomId>,
    /// Per party of the dispute (in [`Dispute::parties`] order): its score.
    pub scores: Vec<u64>,
    /// The sum of the scores.
    pub total: u64,
    /// Marked as the highest total.
    pub best_total: bool,
    /// Marked as the fairest (highest minimum score).
    pub fairest: bool,
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
    /// Per party of the dispute: the weight of its withdrawn red lines.
    pub costs: Vec<u64>,
    /// The sum of the costs.
    pub total: u64,
    /// Marked as the lowest total cost.
    pub cheapest: bool,
    /// Marked as the fairest (lowest highest cost).
    pub fairest: bool,
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
}

/// Every dispute of a model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The disputes, in the order of their first statement.
    pub disputes: Vec<Dispute>,
    /// Whether any list was cut short.
    pub truncated: bool,
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
    let mut report = Report::default();
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

/// Per-party objectives over `(statement, selector)`: the loss of a
/// statement is its weight when its selector is off.
fn objectives(
    model: &Model,
    parties: &[PartyId],
    stmts: &[StmtId],
    sels: &[Lit],
) -> Vec<pareto::Objective> {
    let mut terms: Vec<Vec<(Lit, usize)>> = vec![Vec::new(); parties.len()];
    for (s, l) in stmts.iter().zip(sels) {
        if let Some((i, w)) = owner(parties, model, *s)
            && let Some(t) = terms.get_mut(i)
        {
            t.push((!*l, w));
        }
    }
    terms.iter().map(|t| pareto::Objective::new(t)).collect()
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
    let mut objs = objectives(model, &parties, wishes, wish_sel);
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
    let f = pareto::front(
        &mut ses.problem,
        base,
        &mut objs,
        opts.max_deals,
        &mut measure,
        &mut pin,
    );
    d.truncated |= !f.complete;
    // parties with wishes decide fairness
    let has_wish: Vec<bool> = parties
        .iter()
        .map(|p| wishes.iter().any(|s| model.statement(*s).party == Some(*p)))
        .collect();
    let full: Vec<u64> = losses(model, &parties, wishes, |_| true)
        .into_iter()
        .map(|x| x as u64)
        .collect();
    for (_, a) in f.points {
        let (met, missed): (Vec<StmtId>, Vec<StmtId>) = wishes
            .iter()
            .partition(|s| a.eval(&model.statement(**s).formula));
        let lost = losses(model, &parties, wishes, |s| missed.contains(&s));
        let scores: Vec<u64> = full
            .iter()
            .zip(&lost)
            .map(|(f, l)| f.saturating_sub(*l as u64))
            .collect();
        let holds = atoms.iter().copied().filter(|x| a.get(*x)).collect();
        d.deals.push(Deal {
            holds,
            total: scores.iter().sum(),
            scores,
            best_total: false,
            fairest: false,
            met,
            missed,
        });
    }
    let min_of = |x: &Deal| {
        x.scores
            .iter()
            .zip(&has_wish)
            .filter(|(_, h)| **h)
            .map(|(s, _)| *s)
            .min()
            .unwrap_or(0)
    };
    let best = d.deals.iter().map(|x| (x.total, min_of(x))).max();
    let fair = d.deals.iter().map(|x| (min_of(x), x.total)).max();
    for x in &mut d.deals {
        let m = min_of(x);
        x.best_total = Some((x.total, m)) == best;
        x.fairest = Some((m, x.total)) == fair;
    }
    d.deals.sort_by(|a, b| {
        (b.total, min_of(b))
            .cmp(&(a.total, min_of(a)))
            .then_with(|| b.scores.cmp(&a.scores))
    });
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
    let mut objs = objectives(model, &parties, hard, hard_sel);
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
    let f = pareto::front(
        &mut ses.problem,
        base,
        &mut objs,
        opts.max_deals,
        &mut measure,
        &mut pin,
    );
    d.truncated |= !f.complete;
    for (v, withdraw) in f.points {
        let costs: Vec<u64> = v.iter().map(|x| *x as u64).collect();
        d.concessions.push(Concession {
            withdraw,
            total: costs.iter().sum(),
            costs,
            cheapest: false,
            fairest: false,
        });
    }
    let max_of = |x: &Concession| x.costs.iter().copied().max().unwrap_or(0);
    let cheap = d.concessions.iter().map(|x| (x.total, max_of(x))).min();
    let fair = d.concessions.iter().map(|x| (max_of(x), x.total)).min();
    for x in &mut d.concessions {
        let m = max_of(x);
        x.cheapest = Some((x.total, m)) == cheap;
        x.fairest = Some((m, x.total)) == fair;
    }
    d.concessions.sort_by(|a, b| {
        (a.total, max_of(a))
            .cmp(&(b.total, max_of(b)))
            .then_with(|| a.costs.cmp(&b.costs))
            .then_with(|| a.withdraw.cmp(&b.withdraw))
    });
}
