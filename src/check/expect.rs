//! Expectations (§6). Each `expect` line is checked with its own queries:
//!
//! - `consistent P…`: H(P…) ∪ A holds; otherwise a failed expectation with
//!   one minimal set.
//! - `conflict P…`: some MUS of H ∪ A involves exactly these parties; the
//!   reported conflicts with exactly these parties become
//!   `expected-conflict` (info).
//! - `feasible S [for P…]` / `infeasible S [for P…]`: S is infeasible when a
//!   MUS of {S} ∪ H(P…) ∪ A contains S (all parties without `for`). The
//!   reported infeasible-scenario sets of S whose parties are among P… become
//!   `expected-infeasible` (info). A failed `feasible` shows a minimal set;
//!   a failed `infeasible` shows an outcome where S holds with the red lines.
//! - `impossible F`: a MUS of H ∪ A ∪ {F} contains F. Ruled-out findings whose
//!   condition equals F become `expected-ruled-out` (info). A failed one
//!   shows an outcome where F holds with every red line.
//!
//! Expectations about components whose assumptions fail are not checked
//! (the assumptions error stands for them).

use super::explain::Cond;
use super::{
    CompState, Ctx, describe_outcome,
    session::{Components, ItemKey, Session},
};
use crate::diagnostic::{Diagnostic, Kind, Severity};
use crate::logic::{Outcome, Stop, atoms_of};
use crate::model::{ExpectKind, Expectation, Expr, PartyId, ScenarioId, Strength};

/// Checks every expectation.
pub(crate) fn run(ctx: &mut Ctx<'_>, comps: &Components, states: &[CompState]) {
    let model = ctx.model;
    for e in &model.expectations {
        if let Err(Stop) = one(ctx, comps, states, e) {
            ctx.cut();
        }
    }
}

fn comps_of_parties(ctx: &Ctx<'_>, comps: &Components, ps: &[PartyId]) -> Vec<usize> {
    comps
        .list
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.stmts.iter().any(|s| {
                ctx.model
                    .statements
                    .get(s.0 as usize)
                    .is_some_and(|s| s.party.is_some_and(|p| ps.contains(&p)))
            })
        })
        .map(|(k, _)| k)
        .collect()
}

fn all_ok(states: &[CompState], which: &[usize]) -> bool {
    which.iter().all(|k| states.get(*k).is_none_or(|s| s.a_ok))
}

fn hard_of(sess: &mut Session<'_>, ps: Option<&[PartyId]>) -> Vec<usize> {
    sess.stmt_items(|s| {
        s.kind.strength() == Strength::Hard
            && match ps {
                None => true,
                Some(ps) => s.party.is_some_and(|p| ps.contains(&p)),
            }
    })
}

fn failed(
    ctx: &Ctx<'_>,
    e: &Expectation,
    keys: &[ItemKey],
    cond: Option<&Cond<'_>>,
    why: String,
) -> Diagnostic {
    let mut d = if keys.is_empty() {
        Diagnostic::new(Kind::FailedExpectation, e.span, String::new())
    } else {
        ctx.set_diag(Kind::FailedExpectation, keys, cond, String::new())
    };
    d.message = format!("`{}` does not hold: {why}", e.text);
    d.span = e.span;
    d.span_label = String::from("this expectation fails");
    d
}

fn names(ctx: &Ctx<'_>, ps: &[PartyId]) -> String {
    ctx.party_list(&ps.iter().copied().collect())
}

fn one(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    states: &[CompState],
    e: &Expectation,
) -> Result<(), Stop> {
    let model = ctx.model;
    match &e.kind {
        ExpectKind::Consistent(ps) => {
            let which = comps_of_parties(ctx, comps, ps);
            if !all_ok(states, &which) {
                return Ok(());
            }
            for k in which {
                let mut sess = Session::new(model, comps, &[k]);
                let mut items = hard_of(&mut sess, Some(ps));
                items.extend(sess.background());
                if let Outcome::Unsat(core) = sess.problem.solve(&items)? {
                    let set = sess.shrink(&core, &[], &ctx.budget)?;
                    let keys = sess.keys_of(&set);
                    let d = failed(
                        ctx,
                        e,
                        &keys,
                        None,
                        format!("the red lines of {} cannot all hold", names(ctx, ps)),
                    );
                    ctx.push(d, None, None);
                    return Ok(());
                }
            }
        }
        ExpectKind::Conflict(ps) => {
            let want: std::collections::BTreeSet<PartyId> = ps.iter().copied().collect();
            let mut names_want: Vec<String> = ps
                .iter()
                .filter_map(|p| model.party_name(Some(*p)).map(str::to_owned))
                .collect();
            names_want.sort();
            let mut found = false;
            for f in &mut ctx.findings {
                if f.diag.kind == Kind::Conflict && f.diag.parties == names_want {
                    mark(&mut f.diag, Kind::ExpectedConflict, e);
                    found = true;
                }
            }
            if !found {
                let which = comps_of_parties(ctx, comps, ps);
                if !all_ok(states, &which) {
                    return Ok(());
                }
                for k in which {
                    let mut sess = Session::new(model, comps, &[k]);
                    let mut items = hard_of(&mut sess, Some(ps));
                    items.extend(sess.background());
                    let keep = |keys: &[ItemKey]| {
                        let got: std::collections::BTreeSet<PartyId> = keys
                            .iter()
                            .filter_map(|k| match k {
                                ItemKey::Stmt(s) => {
                                    model.statements.get(s.0 as usize).and_then(|s| s.party)
                                }
                                _ => None,
                            })
                            .collect();
                        got == want
                    };
                    let (sets, _) = sess.muses(&items, &[], &ctx.budget, 1, false, &keep)?;
                    if !sets.is_empty() {
                        found = true;
                        break;
                    }
                }
            }
            if !found {
                let d = failed(
                    ctx,
                    e,
                    &[],
                    None,
                    format!("there is no conflict between exactly {}", names(ctx, ps)),
                );
                ctx.push(d, None, None);
            }
        }
        ExpectKind::Feasible(sc, ps) | ExpectKind::Infeasible(sc, ps) => {
            let want_infeasible = matches!(e.kind, ExpectKind::Infeasible(..));
            let Some(scenario) = model.scenarios.get(sc.0 as usize) else {
                return Ok(());
            };
            let formula = Expr::And(scenario.formulas.clone());
            let which = comps.touched(model, &formula);
            if !all_ok(states, &which) {
                return Ok(());
            }
            let mut sess = Session::new(model, comps, &which);
            let s_item = sess.item(ItemKey::Scenario(*sc));
            let mut items = hard_of(&mut sess, ps.as_deref());
            items.extend(sess.background());
            let (sets, _) = sess.muses(&items, &[s_item], &ctx.budget, 1, false, &|_| true)?;
            let infeasible = !sets.is_empty();
            let for_text = match ps {
                Some(ps) => format!(" for {}", names(ctx, ps)),
                None => String::new(),
            };
            if infeasible && want_infeasible {
                convert_infeasible(ctx, *sc, ps.as_deref(), e);
            } else if infeasible {
                let mut keys = sess.keys_of(sets.first().map_or(&[][..], |v| v.as_slice()));
                keys.push(ItemKey::Scenario(*sc));
                let d = failed(
                    ctx,
                    e,
                    &keys,
                    None,
                    format!("scenario `{}` is infeasible{for_text}", scenario.name),
                );
                ctx.push(d, None, None);
            } else if want_infeasible {
                let mut q = items.clone();
                q.push(s_item);
                let mut d = failed(
                    ctx,
                    e,
                    &[],
                    None,
                    format!("scenario `{}` is feasible{for_text}", scenario.name),
                );
                if sess.problem.is_sat(&q)? {
                    let a = sess.problem.assignment();
                    let atoms = touched_atoms(&sess);
                    d.notes.push(format!(
                        "for example, in {}, every red line{for_text} holds",
                        describe_outcome(model, &a, &atoms)
                    ));
                }
                ctx.push(d, None, None);
            }
        }
        ExpectKind::Impossible(f) => {
            let which = comps.touched(model, f);
            if !all_ok(states, &which) {
                return Ok(());
            }
            let mut sess = Session::new(model, comps, &which);
            let fi = sess.formula_item(f);
            let mut items = hard_of(&mut sess, None);
            items.extend(sess.background());
            let (sets, _) = sess.muses(&items, &[fi], &ctx.budget, 1, false, &|_| true)?;
            if !sets.is_empty() {
                let mut hit = false;
                for fd in &mut ctx.findings {
                    if fd.diag.kind == Kind::RuledOut && fd.condition.as_ref() == Some(f) {
                        mark(&mut fd.diag, Kind::ExpectedRuledOut, e);
                        hit = true;
                    }
                }
                let _ = hit;
            } else {
                let text = e
                    .text
                    .trim_start_matches("expect")
                    .trim_start()
                    .trim_start_matches("impossible")
                    .trim()
                    .to_owned();
                let mut d = failed(ctx, e, &[], None, format!("`{text}` can hold"));
                let mut q = items.clone();
                q.push(fi);
                if sess.problem.is_sat(&q)? {
                    let a = sess.problem.assignment();
                    let mut atoms = touched_atoms(&sess);
                    atoms.extend(atoms_of(f));
                    d.notes.push(format!(
                        "for example, in {}, it holds together with every red line",
                        describe_outcome(model, &a, &atoms)
                    ));
                }
                ctx.push(d, None, None);
            }
        }
    }
    Ok(())
}

fn touched_atoms(sess: &Session<'_>) -> Vec<crate::model::AtomId> {
    let mut atoms: Vec<_> = sess
        .stmts
        .iter()
        .filter_map(|s| sess.model.statements.get(s.0 as usize))
        .flat_map(|s| atoms_of(&s.formula))
        .collect();
    atoms.sort_unstable();
    atoms.dedup();
    atoms
}

fn convert_infeasible(ctx: &mut Ctx<'_>, sc: ScenarioId, ps: Option<&[PartyId]>, e: &Expectation) {
    let model = ctx.model;
    let allowed: Option<Vec<String>> = ps.map(|ps| {
        ps.iter()
            .filter_map(|p| model.party_name(Some(*p)).map(str::to_owned))
            .collect()
    });
    for f in &mut ctx.findings {
        if f.diag.kind != Kind::InfeasibleScenario || f.scenario != Some(sc) {
            continue;
        }
        let covered = match &allowed {
            None => true,
            Some(names) => f.diag.parties.iter().all(|p| names.contains(p)),
        };
        if covered {
            mark(&mut f.diag, Kind::ExpectedInfeasible, e);
        }
    }
}

fn mark(d: &mut Diagnostic, kind: Kind, e: &Expectation) {
    d.kind = kind;
    d.severity = Severity::Info;
    d.labels.push(crate::diagnostic::Label {
        span: e.span,
        message: String::from("expected here"),
    });
}
