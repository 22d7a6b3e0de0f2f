//! The Pareto front of several weighted loss objectives on one incremental
//! SAT problem.
//!
//! Each objective is a weighted sum of literals (a party's loss: the
//! weights of its wishes that fail, or of its red lines withdrawn), kept as
//! a generalized totalizer (`rustsat::encodings::pb::GeneralizedTotalizer`)
//! whose upper bounds are built lazily, one value at a time, as the search
//! asks for them. The search is the classic P-minimal loop:
//!
//! 1. find any solution; measure its loss vector `v`;
//! 2. ask for one that dominates it (every loss at most `v_p`, one strictly
//!    below) until there is none: `v` is then Pareto-optimal;
//! 3. record it, and block the region it dominates (from now on some loss
//!    must be strictly below `v_p`); go to 1.
//!
//! When 1 finds no solution, every Pareto-optimal vector has been recorded.
//! Each point is found once (its region is blocked), so the loop ends; the
//! limit and the deadline may cut it short (the front is then incomplete).
//!
//! When the limit cuts the loop short, [`lex_min`] finds the two points the
//! output marks (the lowest total loss, ties broken by the lowest
//! unfairness; and the other way round) by lowering one criterion at a
//! time, and the front keeps them whatever the limit.
//!
//! The measure is the caller's: the loss actually incurred by the
//! solution (for example, the wishes whose formula is false), which is at
//! most what the literals say. Using it only tightens the next query.

use crate::logic::{Problem, Stop};
use rustsat::encodings::pb::{BoundUpper, BoundUpperIncremental, GeneralizedTotalizer};
use rustsat::instances::{BasicVarManager, Cnf, ManageVars};
use rustsat::types::{Lit, Var};

/// One loss objective: `Σ weight · lit` (a literal true means the loss is
/// incurred).
pub(crate) struct Objective {
    gte: GeneralizedTotalizer,
    sum: usize,
}

impl Objective {
    /// The objective over `terms`.
    pub(crate) fn new(terms: &[(Lit, usize)]) -> Objective {
        Objective {
            gte: terms.iter().copied().collect(),
            sum: terms.iter().map(|(_, w)| *w).sum(),
        }
    }
}

/// Literals that, assumed together, enforce `objective ≤ ub`.
fn at_most(p: &mut Problem, o: &mut Objective, ub: usize) -> Vec<Lit> {
    if ub >= o.sum {
        return Vec::new();
    }
    let mut cnf = Cnf::new();
    let mut vm = BasicVarManager::from_next_free(Var::new(p.n_vars()));
    // Out of memory is the only error; the bound is then not enforced
    // below, which `enforce_ub` reports, and the caller treats as "no
    // such bound" (the search stays sound: it only loses a constraint).
    let _ = o.gte.encode_ub_change(ub..=ub, &mut cnf, &mut vm);
    p.use_vars(vm.n_used());
    for cl in cnf {
        let lits: Vec<Lit> = cl.into_iter().collect();
        p.add_clause(&lits);
    }
    match o.gte.enforce_ub(ub) {
        Ok(l) => l,
        Err(_) => {
            // Cannot happen after `encode_ub_change` of exactly this
            // bound; a false literal makes the bound unreachable rather
            // than silently dropping it.
            let f = p.new_lit();
            p.add_clause(&[!f]);
            vec![f]
        }
    }
}

/// A literal that implies `some objective p < v_p` (a disjunction over the
/// objectives that can still go down); `None` when none can.
fn some_below(p: &mut Problem, objs: &mut [Objective], v: &[usize]) -> Option<Lit> {
    let mut any: Vec<Lit> = Vec::new();
    for (o, &vp) in objs.iter_mut().zip(v) {
        if vp == 0 {
            continue;
        }
        let bound = at_most(p, o, vp - 1);
        let a = p.new_lit();
        for b in bound {
            p.add_clause(&[!a, b]);
        }
        any.push(a);
    }
    if any.is_empty() {
        return None;
    }
    let act = p.new_lit();
    let mut cl = vec![!act];
    cl.extend(any);
    p.add_clause(&cl);
    Some(act)
}

/// Called on each Pareto-optimal point with the assumptions that pin it,
/// its loss vector and its record; returns the record to keep.
pub(crate) type Pin<'a, T> = dyn FnMut(&mut Problem, &[Lit], &[usize], T) -> Result<T, Stop> + 'a;

/// Reads the loss vector (and a record) of the problem's current solution.
pub(crate) type Measure<'a, T> = dyn FnMut(&mut Problem) -> (Vec<usize>, T) + 'a;

/// What a search found.
pub(crate) struct Front<T> {
    /// The Pareto-optimal points, in the order found: loss vector and the
    /// caller's record of the point.
    pub points: Vec<(Vec<usize>, T)>,
    /// Whether every Pareto-optimal loss vector is in `points`.
    pub complete: bool,
    /// Whether the points the output marks are in `points` (false only
    /// when the deadline stopped their search).
    pub exact: bool,
}

/// The assumptions that keep every solution at or below the loss vector
/// `v`.
fn pinned(p: &mut Problem, base: &[Lit], objs: &mut [Objective], v: &[usize]) -> Vec<Lit> {
    let mut out = base.to_vec();
    for (o, &vp) in objs.iter_mut().zip(v) {
        out.extend(at_most(p, o, vp));
    }
    out
}

/// The objective of all the terms together and the offsets of
/// [`unfairness`]: what [`lex_min`] needs to find the two marked optima.
pub(crate) struct Marked<'a> {
    pub total: &'a mut Objective,
    pub offsets: &'a [Option<usize>],
}

/// The Pareto front of `objs` under the assumptions `base`, at most
/// `limit` points. `measure` reads the loss vector (and a record) of the
/// problem's current solution; `pin` is called on each Pareto-optimal
/// point with the assumptions that keep every solution at that loss
/// vector (it may solve again, to pick a representative) and returns the
/// record to keep.
///
/// When the limit cuts the front short, the two points the output marks
/// are found by their own search ([`lex_min`] on `marked`, on the problem
/// without the blocked regions) and listed whatever the limit: each one
/// not yet found replaces the last point found that is neither, so the
/// list stays within `limit` (or holds just the two). A deadline that
/// passes ends the search with what it found (`complete` false; `exact`
/// false if the marked optima were not found).
pub(crate) fn front<T>(
    p: &mut Problem,
    base: &[Lit],
    objs: &mut [Objective],
    limit: usize,
    marked: Marked<'_>,
    measure: &mut Measure<'_, T>,
    pin: &mut Pin<'_, T>,
) -> Front<T> {
    let mut points: Vec<(Vec<usize>, T)> = Vec::new();
    // the blocked regions hold under this literal only, so that `lex_min`
    // can search the whole problem after them
    let blocks = p.new_lit();
    let mut within = base.to_vec();
    within.push(blocks);
    let mut exact = true;
    // Ok(true): every point found
    let mut run = || -> Result<bool, Stop> {
        let mut late: Vec<(Vec<usize>, T)> = Vec::new();
        let mut cut = false;
        let mut dropped = false;
        loop {
            let (mut v, mut rec) = match late.pop() {
                Some(x) => x,
                None => {
                    if !p.solve_lits(&within)? {
                        return Ok(!dropped);
                    }
                    if cut {
                        return Ok(false);
                    }
                    if points.len() >= limit {
                        cut = true;
                        exact = false;
                        let optima = [Order::TotalFirst, Order::FairFirst].map(|order| {
                            lex_min(p, base, objs, marked.total, marked.offsets, order, measure)
                        });
                        let mut keep: Vec<Vec<usize>> = Vec::new();
                        for o in optima {
                            let Some((v, rec)) = o? else { continue };
                            if !keep.contains(&v) {
                                keep.push(v.clone());
                                if !points.iter().any(|(w, _)| *w == v) {
                                    late.push((v, rec));
                                }
                            }
                        }
                        exact = true;
                        // make room: drop the last points that are not marked
                        let room = limit.max(keep.len());
                        while points.len() + late.len() > room {
                            match points.iter().rposition(|(w, _)| !keep.contains(w)) {
                                Some(i) => {
                                    points.remove(i);
                                    dropped = true;
                                }
                                None => break,
                            }
                        }
                        continue;
                    }
                    measure(p)
                }
            };
            // climb to a Pareto-optimal point (a marked optimum already is
            // one: the first step finds nothing better)
            while let Some(act) = some_below(p, objs, &v) {
                let mut assumps = pinned(p, &within, objs, &v);
                assumps.push(act);
                let sat = p.solve_lits(&assumps);
                // measured before the step's disjunction is retired (adding a
                // clause forgets the solver's model)
                let better = match sat {
                    Ok(true) => Some(measure(p)),
                    _ => None,
                };
                p.add_clause(&[!act]);
                if !sat? {
                    break;
                }
                if let Some(b) = better {
                    (v, rec) = b;
                }
            }
            let at = pinned(p, base, objs, &v);
            let rec = pin(p, &at, &v, rec)?;
            points.push((v.clone(), rec));
            // block the region this point dominates (and the point itself)
            match some_below(p, objs, &v) {
                Some(block) => p.add_clause(&[!blocks, block]),
                // the ideal point: nothing else is Pareto-optimal
                None if !dropped => return Ok(true),
                None => return Ok(false),
            }
        }
    };
    let complete = run() == Ok(true);
    Front {
        points,
        complete,
        exact,
    }
}

/// Which optimum [`lex_min`] looks for: the lowest total loss first (ties:
/// the lowest unfairness), or the lowest unfairness first (ties: the
/// lowest total).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    TotalFirst,
    FairFirst,
}

/// The unfairness of a loss vector: the highest `loss_p + offset_p` over
/// the objectives with an offset (0 when none has one).
pub(crate) fn unfairness(v: &[usize], offsets: &[Option<usize>]) -> usize {
    v.iter()
        .zip(offsets)
        .filter_map(|(x, o)| o.map(|o| x + o))
        .max()
        .unwrap_or(0)
}

/// Literals that enforce `unfairness <= t` (a false one when some offset
/// is above `t`: no loss vector can).
fn fair_at_most(
    p: &mut Problem,
    objs: &mut [Objective],
    offsets: &[Option<usize>],
    t: usize,
) -> Vec<Lit> {
    let mut out = Vec::new();
    for (o, off) in objs.iter_mut().zip(offsets) {
        let Some(off) = off else { continue };
        match t.checked_sub(*off) {
            Some(ub) => out.extend(at_most(p, o, ub)),
            None => {
                let f = p.new_lit();
                p.add_clause(&[!f]);
                return vec![f];
            }
        }
    }
    out
}

/// The exact lexicographic optimum of (total loss, unfairness) in `order`
/// under `base`: its loss vector and record, `None` when `base` has no
/// solution. `total` is the objective of all the terms of `objs`
/// together. Each criterion is lowered one solution at a time (a
/// solution strictly below the last one's value, until there is none),
/// then fixed at its optimum while the next one is lowered. The point
/// found is Pareto-optimal: a point dominating it would have a lower
/// total and no higher unfairness.
pub(crate) fn lex_min<T>(
    p: &mut Problem,
    base: &[Lit],
    objs: &mut [Objective],
    total: &mut Objective,
    offsets: &[Option<usize>],
    order: Order,
    measure: &mut Measure<'_, T>,
) -> Result<Option<(Vec<usize>, T)>, Stop> {
    if !p.solve_lits(base)? {
        return Ok(None);
    }
    let mut best = measure(p);
    let mut fixed = base.to_vec();
    let stages = match order {
        Order::TotalFirst => [Order::TotalFirst, Order::FairFirst],
        Order::FairFirst => [Order::FairFirst, Order::TotalFirst],
    };
    for stage in stages {
        // `value ≤ t` as literals
        let mut bound = |p: &mut Problem, t: usize| match stage {
            Order::TotalFirst => at_most(p, total, t),
            Order::FairFirst => fair_at_most(p, objs, offsets, t),
        };
        let value = |v: &[usize]| match stage {
            Order::TotalFirst => v.iter().sum::<usize>(),
            Order::FairFirst => unfairness(v, offsets),
        };
        while let Some(below) = value(&best.0).checked_sub(1) {
            let lits = bound(p, below);
            let mut assumps = fixed.clone();
            assumps.extend(lits);
            if !p.solve_lits(&assumps)? {
                break;
            }
            best = measure(p);
        }
        let at = bound(p, value(&best.0));
        fixed.extend(at);
    }
    Ok(Some(best))
}
