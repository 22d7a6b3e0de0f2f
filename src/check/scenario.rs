//! `infeasible-scenario`: for each scenario S (one member, role
//! `scenario`), the MUSes of {S} ∪ H ∪ A that contain S, over the
//! components S touches (a scenario over a component whose assumptions fail
//! is skipped). An inconsistency among the red lines alone is a conflict,
//! not the scenario's fault, and is not repeated here.
//!
//! Concessions: the minimal sets of red lines whose withdrawal makes S ∪ the
//! remaining red lines ∪ A hold (minimal correction sets, the complements of
//! the maximal satisfiable subsets with S and A always on), smallest first,
//! then in source order. When S contradicts the assumptions alone, no
//! concession exists and a note says so.

use super::{
    CompState, Ctx, Facts, Finding, Known, concessions,
    session::{Components, ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::{Expr, ScenarioId};

/// The components each scenario touches.
pub(crate) fn touched(model: &crate::model::Model, comps: &Components) -> Vec<Vec<usize>> {
    model
        .scenarios
        .iter()
        .map(|sc| comps.touched(model, &Expr::And(sc.formulas.clone())))
        .collect()
}

/// Checks the scenarios that touch exactly this component, on its session
/// (a stop on one scenario does not skip the others).
pub(crate) fn report_infeasible_scenarios(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let h_ok = facts.red_lines == Known::Holds;
    for id in &facts.scenarios {
        if let Err(Stop) = report_scenario(ctx, sess, *id, h_ok) {
            ctx.cut();
        }
    }
    Ok(())
}

/// Checks the scenarios that touch no component or several.
pub(crate) fn report_multi_component_scenarios(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    states: &[CompState],
    touched: &[Vec<usize>],
) {
    let model = ctx.model;
    for (i, t) in touched.iter().enumerate() {
        if t.len() == 1 {
            continue;
        }
        if t.iter().any(|k| states.get(*k).is_some_and(|s| !s.a_ok)) {
            continue;
        }
        let h_ok = t.iter().all(|k| states.get(*k).is_some_and(|s| s.h_ok));
        let mut sess = Session::new(model, comps, t);
        if let Err(Stop) = report_scenario(ctx, &mut sess, ScenarioId(i as u32), h_ok) {
            ctx.cut();
        }
    }
}

/// Reports the minimal sets that make scenario `id` infeasible, with the
/// concessions that would make it feasible.
fn report_scenario(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    id: ScenarioId,
    h_ok: bool,
) -> Result<(), Stop> {
    let model = ctx.model;
    let sc = model.scenario(id);
    let s_item = sess.item(ItemKey::Scenario(id));
    let hard = sess.hard();
    let background = sess.background();
    let mut cands = hard.clone();
    cands.extend_from_slice(&background);
    let mut q = cands.clone();
    q.push(s_item);
    if sess.problem.is_sat(&q)? {
        return Ok(());
    }
    let (sets, complete) = sess.muses(
        &cands,
        &[s_item],
        &ctx.budget,
        ctx.options.max_sets,
        h_ok,
        &|_| true,
    )?;
    if !complete {
        ctx.cut();
    }
    if sets.is_empty() {
        return Ok(());
    }
    let found = concessions::find(
        ctx,
        sess,
        s_item,
        &hard,
        &background,
        &sets,
        complete && h_ok,
    )?;
    for set in sets {
        let mut keys = sess.keys_of(&set);
        keys.push(ItemKey::Scenario(id));
        let mut d = ctx.set_diag(
            Kind::InfeasibleScenario,
            &keys,
            None,
            format!(
                "scenario `{}` is infeasible under the parties' red lines",
                sc.name
            ),
        );
        d.span = sc.span;
        d.span_label = String::from("this scenario cannot happen");
        d.scenario = Some(sc.name.clone());
        d.concessions = found.refs.clone();
        if found.hopeless {
            d.notes.push(String::from(
                "the scenario contradicts the assumptions: no concession by the parties makes it feasible",
            ));
        }
        let mut f = Finding::new(d);
        f.scenario = Some(id);
        f.parties = ctx.parties_of(&keys);
        ctx.push_finding(f);
    }
    Ok(())
}
