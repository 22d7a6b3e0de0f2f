//! `redundant`: a red line s of party P that follows from P's other red
//! lines and A: H(P) ∖ {s} ∪ A ∪ {not s} cannot hold. Parties whose own red
//! lines and A do not hold together (per component) are skipped, and so are
//! tautologies (reported as such). The set shown is s with one minimal set
//! of statements it follows from (a MUS of H(P) ∖ {s} ∪ A ∪ {not s} that
//! contains `not s`). Two equivalent red lines are each redundant given the
//! other; both are reported.
//!
//! Work: most red lines are shown not to follow without a solver call. From
//! one outcome M where all of P's red lines and A hold, flipping a single
//! atom x of s gives an outcome where s fails; when every other red line
//! and assumption that mentions x still holds there, that outcome is a
//! witness (the formulas without x keep their value). On implication chains
//! this answers every red line in time linear in the chain. The rest take
//! one solver call each on the component's solver, under a work bound.

use super::{
    Ctx, Facts,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::hash::{IdMap, id_map};
use crate::logic::{Assignment, Outcome, Stop, atoms_of};
use crate::model::{AtomId, Expr, PartyId, StmtId, Strength};
use std::borrow::Cow;

/// Atoms mentioned by more items than this are not flipped (the test costs
/// the size of every item that mentions the atom).
const MAX_OCCURRENCES: usize = 64;

/// Reports the redundant red lines of the session.
pub(crate) fn report_redundant_red_lines(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let tautologies = &facts.tautologies;
    let model = ctx.model;
    let kind = Kind::Redundant;
    let mut parties: Vec<PartyId> = sess
        .stmts
        .iter()
        .map(|s| model.statement(*s))
        .filter(|s| s.kind.strength() == Strength::Hard)
        .filter_map(|s| s.party)
        .collect();
    parties.sort_unstable();
    parties.dedup();
    let background = sess.background();
    let axioms = sess.axioms();
    // Work bound: each call costs about the component's size; allow
    // `WORK` item-visits per component, then stop (and say so).
    const WORK: usize = 4_000_000;
    let mut calls_left = (WORK / sess.stmts.len().max(1)).max(1);
    for p in parties {
        let hard: Vec<StmtId> = sess
            .stmts
            .iter()
            .copied()
            .filter(|s| {
                let s = model.statement(*s);
                s.party == Some(p) && s.kind.strength() == Strength::Hard
            })
            .collect();
        let items: Vec<usize> = hard.iter().map(|s| sess.item(ItemKey::Stmt(*s))).collect();
        let mut all = items.clone();
        all.extend_from_slice(&background);
        if !sess.problem.is_sat(&all)? {
            continue;
        }
        let mut outcome = sess.problem.assignment();
        // The formulas a flip must keep true: the items of `all`, then the
        // `X@P -> X` axioms (facts of the solver, so true in `outcome`).
        let mut keep: Vec<Cow<'_, Expr>> = all
            .iter()
            .filter_map(|i| sess.exprs.get(*i).cloned())
            .collect();
        keep.extend(axioms.iter().map(Cow::Borrowed));
        // Atom → the formulas of `keep` that mention it.
        let mut occ: IdMap<AtomId, Vec<usize>> = id_map();
        for (k, e) in keep.iter().enumerate() {
            for a in atoms_of(e) {
                occ.entry(a).or_default().push(k);
            }
        }
        for (j, s) in hard.iter().enumerate() {
            if tautologies.contains(s) {
                continue;
            }
            if flip_witness(&keep, j, &occ, &mut outcome) {
                continue;
            }
            ctx.budget.check()?;
            if calls_left == 0 {
                ctx.cut();
                return Ok(());
            }
            calls_left -= 1;
            let neg = sess.item(ItemKey::Neg(*s));
            let mut rest: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != j)
                .map(|(_, x)| *x)
                .collect();
            rest.extend_from_slice(&background);
            let mut q = rest.clone();
            q.push(neg);
            let core = match sess.problem.solve(&q)? {
                Outcome::Sat => continue,
                Outcome::Unsat(core) => core,
            };
            if ctx.room(kind) == 0 {
                ctx.cut();
                return Ok(());
            }
            let start: Vec<usize> = core.into_iter().filter(|c| *c != neg).collect();
            let set = sess.shrink(&start, &[neg], &ctx.budget)?;
            let mut keys = sess.keys_of(&set);
            keys.push(ItemKey::Neg(*s));
            let name = super::explain::stmt_name(model, *s);
            let who = &model.party(p).name;
            let mut d = ctx.set_diag(
                kind,
                &keys,
                None,
                format!("`{name}` follows from other red lines of `{who}`"),
            );
            // The subject is the redundant red line (LANGUAGE.md §6).
            d.span = model.statement(*s).span;
            d.span_label = String::from("this red line adds nothing");
            d.notes.push(String::from(
                "it holds in every outcome where the other statements shown hold",
            ));
            ctx.push(d);
        }
    }
    Ok(())
}

/// Whether flipping one atom of formula `keep[s]` in `outcome` (where every
/// formula of `keep` holds) falsifies it while every other formula
/// mentioning that atom still holds. `outcome` is restored before
/// returning.
fn flip_witness(
    keep: &[Cow<'_, Expr>],
    s: usize,
    occ: &IdMap<AtomId, Vec<usize>>,
    outcome: &mut Assignment,
) -> bool {
    let Some(e) = keep.get(s) else {
        return false;
    };
    for x in atoms_of(e) {
        let Some(users) = occ.get(&x) else {
            continue;
        };
        if users.len() > MAX_OCCURRENCES {
            continue;
        }
        let old = outcome.get(x);
        outcome.set(x, !old);
        let found = !outcome.eval(e)
            && users
                .iter()
                .filter(|i| **i != s)
                .all(|i| keep.get(*i).is_some_and(|f| outcome.eval(f)));
        outcome.set(x, old);
        if found {
            return true;
        }
    }
    false
}
