//! `redundant`: a red line s of party P that follows from P's other red
//! lines and A: H(P) ∖ {s} ∪ A ∪ {not s} cannot hold. Parties whose own red
//! lines and A do not hold together (per component) are skipped, and so are
//! tautologies (reported as such). The set shown is s with one minimal set
//! of statements it follows from (a MUS of H(P) ∖ {s} ∪ A ∪ {not s} that
//! contains `not s`). Two equivalent red lines are each redundant given the
//! other; both are reported. Work: one solver call per red line, on its
//! component's solver.

use super::{
    Ctx,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::{Outcome, Stop};
use crate::model::{PartyId, StmtId, Strength};
use std::collections::BTreeSet;

/// Reports the redundant red lines of the session.
pub(crate) fn run(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    tautologies: &BTreeSet<StmtId>,
) -> Result<(), Stop> {
    let model = ctx.model;
    let kind = Kind::Redundant;
    let mut parties: Vec<PartyId> = sess
        .stmts
        .iter()
        .filter_map(|s| model.statements.get(s.0 as usize))
        .filter(|s| s.kind.strength() == Strength::Hard)
        .filter_map(|s| s.party)
        .collect();
    parties.sort_unstable();
    parties.dedup();
    let background = sess.background();
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
                model
                    .statements
                    .get(s.0 as usize)
                    .is_some_and(|s| s.party == Some(p) && s.kind.strength() == Strength::Hard)
            })
            .collect();
        let items: Vec<usize> = hard.iter().map(|s| sess.item(ItemKey::Stmt(*s))).collect();
        let mut all = items.clone();
        all.extend_from_slice(&background);
        if !sess.problem.is_sat(&all)? {
            continue;
        }
        for (j, s) in hard.iter().enumerate() {
            if tautologies.contains(s) {
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
            let who = model.party_name(Some(p)).unwrap_or("?");
            let mut d = ctx.set_diag(
                kind,
                &keys,
                None,
                format!("`{name}` follows from other red lines of `{who}`"),
            );
            if let Some(st) = model.statements.get(s.0 as usize) {
                d.labels.push(crate::diagnostic::Label {
                    span: st.span,
                    message: String::from("this red line adds nothing"),
                });
            }
            d.notes.push(String::from(
                "it holds in every outcome where the other statements shown hold",
            ));
            ctx.push(d, None, None);
        }
    }
    Ok(())
}
