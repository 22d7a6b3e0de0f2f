//! Expectations (§6). Each `expect` line is decided literally, with its own
//! queries, within the components it touches (the components of the named
//! parties' statements, or of the scenario's or formula's topics):
//!
//! - `consistent P…`: H(P…) ∪ A holds; otherwise a failed expectation with
//!   one minimal set.
//! - `conflict P…`: some MUS of H ∪ A involves exactly these parties; the
//!   reported conflicts with exactly these parties become
//!   `expected-conflict` (info).
//! - `feasible S [for P…]` / `infeasible S [for P…]`: S is feasible when
//!   {S} ∪ H(P…) ∪ A holds (all parties without `for`). When it does not,
//!   either a minimal set contains S (S is what fails), or the red lines
//!   already conflict without S (the dispute is deadlocked: no outcome at
//!   all is acceptable, so S is infeasible too, and a failed `feasible`
//!   says so and shows the conflict, never that S is the problem). The
//!   reported infeasible-scenario sets of S whose parties are among P…
//!   become `expected-infeasible` (info). A failed `infeasible` shows an
//!   outcome where S holds with the red lines.
//! - `impossible F`: H ∪ A ∪ {F} cannot hold (a deadlocked dispute makes
//!   every F impossible). Ruled-out findings whose condition equals F become
//!   `expected-ruled-out` (info). A failed one shows an outcome where F
//!   holds with every red line.
//!
//! - `reversal P`: decided over the reversals between snapshots, not in a
//!   state ([`reversal_expectations`], called by `check_at`): some
//!   `reversal` of P is reported (with `as of D`: one between P's snapshot
//!   dated D and the one before); those become `expected-reversal` (info).
//!
//! Where the assumptions of a touched component fail, nothing can be
//! decided there: the expectation fails, pointing at those assumptions. No
//! expectation is skipped in silence.

use super::explain::Cond;
use super::{
    CompState, Ctx, describe_outcome,
    session::{Components, ItemKey, Session},
};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind, Label, Severity};
use crate::logic::{Outcome, Stop, atoms_of};
use crate::model::{ExpectKind, Expectation, Expr, Model, PartyId, ScenarioId, Strength};
use crate::source::Span;
use std::collections::BTreeSet;

/// Checks every expectation.
pub(crate) fn check_expectations(ctx: &mut Ctx<'_>, comps: &Components, states: &[CompState]) {
    let model = ctx.model;
    for e in &model.expectations {
        if let Err(Stop) = check_one(ctx, comps, states, e) {
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
                    .statement(*s)
                    .party
                    .is_some_and(|p| ps.contains(&p))
            })
        })
        .map(|(k, _)| k)
        .collect()
}

/// The components an expectation is decided in.
fn touched_by(ctx: &Ctx<'_>, comps: &Components, e: &Expectation) -> Vec<usize> {
    let model = ctx.model;
    match &e.kind {
        ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => comps_of_parties(ctx, comps, ps),
        ExpectKind::Feasible(sc, _) | ExpectKind::Infeasible(sc, _) => {
            comps.touched(model, &Expr::And(model.scenario(*sc).formulas.clone()))
        }
        ExpectKind::Impossible(f) => comps.touched(model, f),
        // decided with the reversals, in `check_at`: it touches no state
        ExpectKind::Reversal(_) => Vec::new(),
    }
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
    ctx: &mut Ctx<'_>,
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

/// The expectation touches components whose assumptions fail: it fails,
/// with a label at each assumption of those components that a reported
/// `assumptions-inconsistent` set names (every assumption there when none
/// was reported, e.g. after a cut).
fn undecidable(ctx: &mut Ctx<'_>, comps: &Components, bad: &[usize], e: &Expectation) {
    let model = ctx.model;
    let named: BTreeSet<Span> = ctx
        .findings
        .iter()
        .filter(|f| f.diag.kind == Kind::AssumptionsInconsistent)
        .flat_map(|f| f.diag.members.iter().map(|m| m.span))
        .collect();
    let assumptions: Vec<Span> = bad
        .iter()
        .filter_map(|k| comps.list.get(*k))
        .flat_map(|c| c.stmts.iter())
        .map(|s| model.statement(*s))
        .filter(|s| s.kind.strength() == Strength::Background)
        .map(|s| s.span)
        .collect();
    let shown: Vec<Span> = if assumptions.iter().any(|s| named.contains(s)) {
        assumptions
            .into_iter()
            .filter(|s| named.contains(s))
            .collect()
    } else {
        assumptions
    };
    let mut d = failed(
        ctx,
        e,
        &[],
        None,
        String::from("it cannot be decided, because the assumptions it depends on cannot all hold"),
    );
    d.labels.extend(shown.into_iter().map(|span| Label {
        span,
        message: String::from("this assumption is part of the contradiction"),
    }));
    d.notes.push(String::from(
        "with contradictory assumptions every outcome is excluded, so no expectation about \
         these topics means anything: fix the assumptions first",
    ));
    ctx.push(d);
}

fn check_one(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    states: &[CompState],
    e: &Expectation,
) -> Result<(), Stop> {
    let model = ctx.model;
    let which = touched_by(ctx, comps, e);
    let bad: Vec<usize> = which
        .iter()
        .copied()
        .filter(|k| states.get(*k).is_some_and(|s| !s.a_ok))
        .collect();
    if !bad.is_empty() {
        undecidable(ctx, comps, &bad, e);
        return Ok(());
    }
    match &e.kind {
        // between snapshots, not of a state: see `reversal_expectations`
        ExpectKind::Reversal(_) => {}
        ExpectKind::Consistent(ps) => {
            for k in which {
                let mut sess = Session::new(model, comps, &[k]);
                let mut items = hard_of(&mut sess, Some(ps));
                items.extend(sess.background());
                if let Outcome::Unsat(core) = sess.problem.solve(&items)? {
                    let set = sess.shrink(&core, &[], &ctx.budget)?;
                    let keys = sess.keys_of(&set);
                    let why = format!("the red lines of {} cannot all hold", names(ctx, ps));
                    let d = failed(ctx, e, &keys, None, why);
                    ctx.push(d);
                    return Ok(());
                }
            }
        }
        ExpectKind::Conflict(ps) => {
            let want: BTreeSet<PartyId> = ps.iter().copied().collect();
            let mut found = false;
            for f in &mut ctx.findings {
                if f.diag.kind == Kind::Conflict && f.parties == want {
                    mark(&mut f.diag, Kind::ExpectedConflict, e);
                    found = true;
                }
            }
            if !found {
                for k in which {
                    let mut sess = Session::new(model, comps, &[k]);
                    let mut items = hard_of(&mut sess, Some(ps));
                    items.extend(sess.background());
                    let keep = |keys: &[ItemKey]| {
                        let got: BTreeSet<PartyId> = keys
                            .iter()
                            .filter_map(|k| match k {
                                ItemKey::Stmt(s) => model.statement(*s).party,
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
                let why = format!("there is no conflict between exactly {}", names(ctx, ps));
                let d = failed(ctx, e, &[], None, why);
                ctx.push(d);
            }
        }
        ExpectKind::Feasible(sc, ps) | ExpectKind::Infeasible(sc, ps) => {
            let want_infeasible = matches!(e.kind, ExpectKind::Infeasible(..));
            let scenario = model.scenario(*sc);
            let mut sess = Session::new(model, comps, &which);
            let s_item = sess.item(ItemKey::Scenario(*sc));
            let mut items = hard_of(&mut sess, ps.as_deref());
            items.extend(sess.background());
            let for_text = match ps {
                Some(ps) => format!(" for {}", names(ctx, ps)),
                None => String::new(),
            };
            let mut q = items.clone();
            q.push(s_item);
            if sess.problem.is_sat(&q)? {
                // Feasible: an outcome was found.
                if want_infeasible {
                    let a = sess.problem.assignment();
                    let atoms = touched_atoms(&sess);
                    let why = format!("scenario `{}` is feasible{for_text}", scenario.name);
                    let mut d = failed(ctx, e, &[], None, why);
                    d.notes.push(format!(
                        "for example, in {}, every red line{for_text} holds",
                        describe_outcome(model, &a, &atoms)
                    ));
                    ctx.push(d);
                }
                return Ok(());
            }
            if want_infeasible {
                convert_infeasible(ctx, *sc, ps.as_deref(), e);
                return Ok(());
            }
            // `expect feasible` fails: say why, literally.
            let d = match deadlock(ctx, &mut sess, &items)? {
                Some(conflict) => {
                    let parties = ctx.parties_of(&conflict);
                    let why = format!(
                        "scenario `{}` is infeasible{for_text}: {}",
                        scenario.name,
                        deadlock_text(ctx, &parties, ps.is_some())
                    );
                    let mut d = failed(ctx, e, &conflict, None, why);
                    d.notes.push(String::from(
                        "the dispute is deadlocked: no outcome keeps every red line, whatever \
                         the scenario; the numbered statements are one minimal set that cannot \
                         all hold",
                    ));
                    d
                }
                None => {
                    let (sets, _) =
                        sess.muses(&items, &[s_item], &ctx.budget, 1, true, &|_| true)?;
                    let mut keys = sess.keys_of(sets.first().map_or(&[][..], |v| v.as_slice()));
                    keys.push(ItemKey::Scenario(*sc));
                    let why = format!("scenario `{}` is infeasible{for_text}", scenario.name);
                    failed(ctx, e, &keys, None, why)
                }
            };
            ctx.push(d);
        }
        ExpectKind::Impossible(f) => {
            let mut sess = Session::new(model, comps, &which);
            let fi = sess.formula_item(f);
            let mut items = hard_of(&mut sess, None);
            items.extend(sess.background());
            let mut q = items.clone();
            q.push(fi);
            if !sess.problem.is_sat(&q)? {
                for fd in &mut ctx.findings {
                    if fd.diag.kind == Kind::RuledOut && fd.condition.as_ref() == Some(f) {
                        mark(&mut fd.diag, Kind::ExpectedRuledOut, e);
                    }
                }
                return Ok(());
            }
            let a = sess.problem.assignment();
            let text = e
                .text
                .trim_start_matches("expect")
                .trim_start()
                .trim_start_matches("impossible")
                .trim()
                .to_owned();
            let mut d = failed(ctx, e, &[], None, format!("`{text}` can hold"));
            let mut atoms = touched_atoms(&sess);
            atoms.extend(atoms_of(f));
            d.notes.push(format!(
                "for example, in {}, it holds together with every red line",
                describe_outcome(model, &a, &atoms)
            ));
            ctx.push(d);
        }
    }
    Ok(())
}

/// When `items` (red lines and assumptions) cannot hold even without the
/// scenario, one minimal set of them: the conflict that deadlocks the
/// dispute.
fn deadlock(
    ctx: &Ctx<'_>,
    sess: &mut Session<'_>,
    items: &[usize],
) -> Result<Option<Vec<ItemKey>>, Stop> {
    match sess.problem.solve(items)? {
        Outcome::Sat => Ok(None),
        Outcome::Unsat(core) => {
            let set = sess.shrink(&core, &[], &ctx.budget)?;
            Ok(Some(sess.keys_of(&set)))
        }
    }
}

/// Why no outcome is acceptable: "the red lines of `p` contradict each
/// other" or "the red lines of `p` and `q` conflict".
fn deadlock_text(ctx: &Ctx<'_>, parties: &BTreeSet<PartyId>, named: bool) -> String {
    let whom = if named {
        "the parties named"
    } else {
        "all parties"
    };
    match parties.len() {
        0 => format!("the assumptions exclude every outcome acceptable to {whom}"),
        1 => format!(
            "the red lines of {} contradict each other, so no outcome is acceptable to {whom}",
            ctx.party_list(parties)
        ),
        _ => format!(
            "the red lines of {} conflict, so no outcome is acceptable to {whom}",
            ctx.party_list(parties)
        ),
    }
}

fn touched_atoms(sess: &Session<'_>) -> Vec<crate::model::AtomId> {
    let mut atoms: Vec<_> = sess
        .stmts
        .iter()
        .flat_map(|s| atoms_of(&sess.model.statement(*s).formula))
        .collect();
    atoms.sort_unstable();
    atoms.dedup();
    atoms
}

fn convert_infeasible(ctx: &mut Ctx<'_>, sc: ScenarioId, ps: Option<&[PartyId]>, e: &Expectation) {
    for f in &mut ctx.findings {
        if f.diag.kind != Kind::InfeasibleScenario || f.scenario != Some(sc) {
            continue;
        }
        let covered = match ps {
            None => true,
            Some(ps) => f.parties.iter().all(|p| ps.contains(p)),
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

/// A `reversal` finding with what `expect reversal` needs to match it.
#[derive(Clone, Debug)]
pub(crate) struct ReversalFound {
    pub diag: Diagnostic,
    /// The party that reversed.
    pub party: PartyId,
    /// The earlier and the later snapshot date.
    pub dates: (Date, Date),
}

/// Decides each `expect reversal P [as of D]` of `model`. `shown`: the
/// reversals of the run's output (between the snapshots up to its date);
/// `all`: every reversal of the model (`None` when `shown` already holds
/// them all). A reversal an expectation covers becomes `expected-reversal`;
/// a failed expectation is returned.
pub(crate) fn reversal_expectations(
    model: &Model,
    shown: &mut [ReversalFound],
    all: Option<&[ReversalFound]>,
    at: Option<Date>,
    truncated: bool,
) -> Vec<Diagnostic> {
    let party_dates = model.party_dates();
    let mut failures = Vec::new();
    for e in &model.expectations {
        let ExpectKind::Reversal(p) = e.kind else {
            continue;
        };
        let covers = |r: &ReversalFound| r.party == p && e.as_of.is_none_or(|d| r.dates.1 == d);
        let mut held = false;
        for r in shown.iter_mut().filter(|r| covers(r)) {
            mark(&mut r.diag, Kind::ExpectedReversal, e);
            held = true;
        }
        // a dated one after the run's date: its reversal is not shown
        if !held
            && e.as_of.is_some()
            && let Some(all) = all
        {
            held = all.iter().any(covers);
        }
        if held {
            continue;
        }
        let name = model.party(p).name.to_string();
        let dates: Vec<Date> = party_dates.get(p.0 as usize).cloned().unwrap_or_default();
        let list = |ds: &[Date]| {
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let why = match e.as_of {
            Some(d) => match dates.iter().position(|x| *x == d) {
                None if dates.is_empty() => format!("`{name}` has no dated snapshot"),
                None => format!(
                    "`{name}` has no snapshot dated {d} (its snapshots: {})",
                    list(&dates)
                ),
                Some(0) => format!(
                    "{d} is the first snapshot of `{name}`: there is none before it to reverse"
                ),
                Some(k) => format!(
                    "what `{name}` said on {d} does not contradict what it said on {}",
                    dates.get(k - 1).map_or_else(String::new, |x| x.to_string())
                ),
            },
            None => {
                let compared: Vec<Date> = dates
                    .iter()
                    .copied()
                    .filter(|d| at.is_none_or(|a| *d <= a))
                    .collect();
                if compared.len() < 2 {
                    let upto = at.map_or_else(String::new, |a| format!(" up to {a}"));
                    format!(
                        "`{name}` has {} snapshot{}{upto}: a reversal needs two",
                        compared.len(),
                        if compared.len() == 1 { "" } else { "s" }
                    )
                } else {
                    format!(
                        "no two consecutive snapshots of `{name}` contradict each other ({})",
                        list(&compared)
                    )
                }
            }
        };
        let mut d = Diagnostic::new(
            Kind::FailedExpectation,
            e.span,
            format!("`{}` does not hold: {why}", e.text),
        );
        d.span_label = String::from("this expectation fails");
        if truncated {
            d = d.with_note(
                "a limit cut the search for reversals short; raise `--time-budget` or \
                 `--max-conflicts` to decide this expectation for sure",
            );
        }
        failures.push(d);
    }
    failures
}
