//! Minimal unsatisfiable subsets (MUSes) and maximal satisfiable subsets
//! (MSSes, whose complements are the minimal correction sets).
//!
//! - [`shrink`]: deletion-based MUS extraction with core refinement: try to
//!   drop each member in turn; when the rest is still unsatisfiable, keep
//!   only the solver's core of it.
//! - [`enumerate`]: MARCO. A *map* solver holds one variable per candidate
//!   item, meaning "left out"; its default phase (false) makes seeds as large
//!   as the unexplored region allows. An unsatisfiable seed is shrunk to a
//!   MUS and blocked upwards; a satisfiable one is grown to an MSS and
//!   blocked downwards. The enumeration is complete when the map runs out.
//!
//! *Required* items are switched on in every query and never dropped: the
//! MUSes found are minimal subsets `T` of the candidates such that
//! `T ∪ required` cannot hold.

use super::sat::Sat;
use super::{Assignment, Budget, Outcome, Problem, Stop};
use rustsat::types::Lit;

/// What [`enumerate`] found.
#[derive(Clone, Copy, Debug)]
pub enum Found<'a> {
    /// A minimal subset of the candidates that cannot hold with the required
    /// items (sorted item indices).
    Mus(&'a [usize]),
    /// A maximal subset of the candidates that can hold with the required
    /// items (sorted item indices).
    Mss(&'a [usize]),
}

/// Whether to go on enumerating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Find more.
    Continue,
    /// Enough.
    Done,
}

/// What the caller knows about its items, to save solver calls.
pub trait Hints {
    /// Whether an item holds under an assignment (lets [`enumerate`] grow
    /// satisfiable seeds without asking the solver); `None`: do not know.
    fn holds(&self, item: usize, a: &Assignment) -> Option<bool> {
        let _ = (item, a);
        None
    }

    /// Whether `set` is known to be minimally unsatisfiable already (e.g. a
    /// simple chain of implications), so that [`shrink`] can skip its
    /// deletion tests. Must never say yes wrongly.
    fn known_minimal(&self, set: &[usize]) -> bool {
        let _ = set;
        false
    }

    /// Whether the candidates are known to hold together (without the
    /// required items), so every subset of them does too.
    fn candidates_sat(&self) -> bool {
        false
    }
}

/// No hints.
#[derive(Clone, Copy, Debug)]
pub struct NoHints;

impl Hints for NoHints {}

/// Hints, as passed around.
pub type Holds<'a> = &'a dyn Hints;

fn with(set: &[usize], required: &[usize]) -> Vec<usize> {
    let mut v = Vec::with_capacity(set.len() + required.len());
    v.extend_from_slice(set);
    v.extend_from_slice(required);
    v
}

/// Shrinks `set` (with `required`, unsatisfiable) to a MUS over `set`'s
/// items. The result is sorted.
pub fn shrink(
    p: &mut Problem,
    set: &[usize],
    required: &[usize],
    hints: Holds<'_>,
    budget: &Budget,
) -> Result<Vec<usize>, Stop> {
    let mut set: Vec<usize> = set.to_vec();
    set.sort_unstable();
    set.dedup();
    if !set.is_empty() && hints.known_minimal(&with(&set, required)) {
        return Ok(set);
    }
    let mut checked = set.len();
    let mut i = 0;
    while i < set.len() {
        budget.check()?;
        if set.len() * 10 <= checked * 9 {
            checked = set.len();
            if hints.known_minimal(&with(&set, required)) {
                return Ok(set);
            }
        }
        let mut trial: Vec<usize> = Vec::with_capacity(set.len() + required.len());
        trial.extend(
            set.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, x)| *x),
        );
        trial.extend_from_slice(required);
        match p.solve(&trial)? {
            Outcome::Unsat(core) => {
                // Members already known necessary are always in the core.
                let drop = set[i];
                set.retain(|x| *x != drop && core.binary_search(x).is_ok());
            }
            Outcome::Sat => i += 1,
        }
    }
    Ok(set)
}

/// Enumerates MUSes and MSSes of `candidates` with `required` always on.
///
/// A reported MUS is a minimal subset `T` of the candidates such that
/// `T ∪ required` cannot hold while `T` alone can (so `T ∪ required` is a
/// MUS that contains every required item). The empty `T` means the required
/// items cannot hold even alone.
/// Returns `Ok(true)` when the enumeration is complete (every MUS and every
/// MSS was reported), `Ok(false)` when `on_found` said [`Flow::Done`].
pub fn enumerate(
    p: &mut Problem,
    candidates: &[usize],
    required: &[usize],
    holds: Holds<'_>,
    budget: &Budget,
    on_found: &mut dyn FnMut(Found<'_>) -> Flow,
) -> Result<bool, Stop> {
    budget.check()?;
    let mut cands: Vec<usize> = candidates.to_vec();
    cands.sort_unstable();
    cands.dedup();
    // The common case first: everything holds together.
    match p.solve(&with(&cands, required))? {
        Outcome::Sat => {
            let _ = on_found(Found::Mss(&cands));
            Ok(true)
        }
        Outcome::Unsat(core) => {
            let start: Vec<usize> = core
                .into_iter()
                .filter(|c| cands.binary_search(c).is_ok())
                .collect();
            let first = shrink(p, &start, required, holds, budget)?;
            if first.is_empty() {
                // The required items alone cannot hold: every subset is a
                // correction-free failure; there is no MSS and the only MUS
                // is the empty set.
                let _ = on_found(Found::Mus(&first));
                return Ok(true);
            }
            let mut map = MapSolver::new(cands.len());
            map.solver.set_deadline(budget.deadline());
            map.block_up(&first, &cands);
            if needs_required(p, &first, required, holds)?
                && on_found(Found::Mus(&first)) == Flow::Done
            {
                return Ok(false);
            }
            marco_loop(p, &cands, required, holds, budget, on_found, &mut map)
        }
    }
}

/// With required items, a shrunk set `T` is a MUS of `T ∪ required` that
/// contains them all only when `T` holds on its own.
fn needs_required(
    p: &mut Problem,
    mus: &[usize],
    required: &[usize],
    hints: Holds<'_>,
) -> Result<bool, Stop> {
    if required.is_empty() || hints.candidates_sat() {
        return Ok(true);
    }
    p.is_sat(mus)
}

fn marco_loop(
    p: &mut Problem,
    cands: &[usize],
    required: &[usize],
    holds: Holds<'_>,
    budget: &Budget,
    on_found: &mut dyn FnMut(Found<'_>) -> Flow,
    map: &mut MapSolver,
) -> Result<bool, Stop> {
    loop {
        budget.check()?;
        let Some(seed) = map.seed(cands)? else {
            return Ok(true);
        };
        match p.solve(&with(&seed, required))? {
            Outcome::Unsat(core) => {
                let start: Vec<usize> = core
                    .into_iter()
                    .filter(|c| seed.binary_search(c).is_ok())
                    .collect();
                let mus = shrink(p, &start, required, holds, budget)?;
                map.block_up(&mus, cands);
                if needs_required(p, &mus, required, holds)?
                    && on_found(Found::Mus(&mus)) == Flow::Done
                {
                    return Ok(false);
                }
            }
            Outcome::Sat => {
                let mss = grow(p, seed, cands, required, holds, budget)?;
                map.block_down(&mss, cands);
                if on_found(Found::Mss(&mss)) == Flow::Done {
                    return Ok(false);
                }
            }
        }
    }
}

/// Grows a satisfiable `seed` (the solver's last answer was sat for it) to
/// an MSS.
fn grow(
    p: &mut Problem,
    seed: Vec<usize>,
    cands: &[usize],
    required: &[usize],
    holds: Holds<'_>,
    budget: &Budget,
) -> Result<Vec<usize>, Stop> {
    let mut mss = seed;
    let mut model = p.assignment();
    for c in cands {
        if mss.binary_search(c).is_ok() {
            continue;
        }
        budget.check()?;
        let ok = if holds.holds(*c, &model) == Some(true) {
            true
        } else {
            let mut trial = with(&mss, required);
            trial.push(*c);
            if p.is_sat(&trial)? {
                model = p.assignment();
                true
            } else {
                false
            }
        };
        if ok && let Err(at) = mss.binary_search(c) {
            mss.insert(at, *c);
        }
    }
    Ok(mss)
}

/// The MARCO map: variable `j` true means candidate `j` is left out.
struct MapSolver {
    solver: Sat,
}

impl MapSolver {
    fn new(n: usize) -> MapSolver {
        let mut solver = Sat::default();
        solver.reserve(n as u32);
        MapSolver { solver }
    }

    fn lit(j: usize) -> Lit {
        Lit::new(j as u32, false)
    }

    fn add(&mut self, lits: Vec<Lit>) {
        let _ = self.solver.add_clause(&lits);
    }

    /// No future seed contains all of `mus`.
    fn block_up(&mut self, mus: &[usize], cands: &[usize]) {
        let lits = mus
            .iter()
            .filter_map(|m| cands.binary_search(m).ok())
            .map(Self::lit)
            .collect();
        self.add(lits);
    }

    /// Every future seed contains something outside `mss`.
    fn block_down(&mut self, mss: &[usize], cands: &[usize]) {
        let lits = (0..cands.len())
            .filter(|j| mss.binary_search(&cands[*j]).is_err())
            .map(|j| !Self::lit(j))
            .collect();
        self.add(lits);
    }

    fn seed(&mut self, cands: &[usize]) -> Result<Option<Vec<usize>>, Stop> {
        match self.solver.solve(&[]) {
            Some(true) => {
                let mut seed = Vec::new();
                for (j, c) in cands.iter().enumerate() {
                    let out = self.solver.value(Self::lit(j));
                    if !out {
                        seed.push(*c);
                    }
                }
                Ok(Some(seed))
            }
            Some(false) => Ok(None),
            None => Err(Stop),
        }
    }
}

/// Up to `limit` MUSes (each sorted) that `keep` accepts; see
/// [`enumerate`] for what a MUS is with required items. Returns the sets and
/// whether the list is complete.
pub fn muses(
    p: &mut Problem,
    candidates: &[usize],
    required: &[usize],
    holds: Holds<'_>,
    budget: &Budget,
    limit: usize,
    keep: &mut dyn FnMut(&[usize]) -> bool,
) -> Result<(Vec<Vec<usize>>, bool), Stop> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut over = false;
    let complete = enumerate(p, candidates, required, holds, budget, &mut |f| match f {
        Found::Mss(_) => Flow::Continue,
        Found::Mus(m) => {
            if keep(m) {
                if out.len() >= limit {
                    over = true;
                    return Flow::Done;
                }
                out.push(m.to_vec());
            }
            Flow::Continue
        }
    });
    // Sets found before the budget ran out are still minimal: keep them.
    match complete {
        Ok(c) => Ok((out, c && !over)),
        Err(Stop) if !out.is_empty() => Ok((out, false)),
        Err(e) => Err(e),
    }
}
