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

use super::explain::stmt_ref;
use super::{
    CompState, Ctx,
    session::{Components, ItemKey, Session},
};
use crate::diagnostic::{Kind, StatementRef};
use crate::logic::Stop;
use crate::model::{Expr, ScenarioId, StmtId};

/// The components each scenario touches.
pub(crate) fn touched(model: &crate::model::Model, comps: &Components) -> Vec<Vec<usize>> {
    model
        .scenarios
        .iter()
        .map(|sc| comps.touched(model, &Expr::And(sc.formulas.clone())))
        .collect()
}

/// Checks the scenarios that touch exactly component `k`, on its session.
pub(crate) fn run_in(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    k: usize,
    touched: &[Vec<usize>],
    h_ok: bool,
) {
    for (i, t) in touched.iter().enumerate() {
        if t.as_slice() == [k] {
            if let Err(Stop) = one(ctx, sess, ScenarioId(i as u32), h_ok) {
                ctx.cut();
            }
        }
    }
}

/// Checks the scenarios that touch no component or several.
pub(crate) fn run_rest(
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
        if let Err(Stop) = one(ctx, &mut sess, ScenarioId(i as u32), h_ok) {
            ctx.cut();
        }
    }
}

fn one(ctx: &mut Ctx<'_>, sess: &mut Session<'_>, id: ScenarioId, h_ok: bool) -> Result<(), Stop> {
    let model = ctx.model;
    let Some(sc) = model.scenarios.get(id.0 as usize) else {
        return Ok(());
    };
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
    // Concessions. When every MUS containing S is known and the red lines
    // hold without S, the corrections are exactly the minimal hitting sets
    // of the MUSes' red lines; otherwise enumerate the MSSes.
    let hard_set: std::collections::BTreeSet<usize> = hard.iter().copied().collect();
    let family: Vec<Vec<usize>> = sets
        .iter()
        .map(|t| t.iter().copied().filter(|x| hard_set.contains(x)).collect())
        .collect();
    let (mut concessions, hopeless, exact) = match (complete && h_ok)
        .then(|| hitting_sets(&family, HITTING_CAP))
        .flatten()
    {
        Some(hs) => {
            let hopeless = family.iter().any(Vec::is_empty);
            (to_stmts(sess, &hs), hopeless, true)
        }
        None => {
            let mut required = background.clone();
            required.push(s_item);
            let cap = ctx.options.max_sets.saturating_mul(10).max(100);
            let (msses, mss_complete) = sess.msses(&hard, &required, &ctx.budget, cap)?;
            let hopeless = msses.is_none();
            let mcses: Vec<Vec<usize>> = msses
                .unwrap_or_default()
                .iter()
                .map(|mss| {
                    hard.iter()
                        .copied()
                        .filter(|h| mss.binary_search(h).is_err())
                        .collect()
                })
                .filter(|m: &Vec<usize>| !m.is_empty())
                .collect();
            (to_stmts(sess, &mcses), hopeless, mss_complete)
        }
    };
    let mss_complete = exact;
    concessions.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    concessions.dedup();
    if !mss_complete || concessions.len() > ctx.options.max_sets {
        ctx.cut();
    }
    concessions.truncate(ctx.options.max_sets);
    let refs: Vec<Vec<StatementRef>> = concessions
        .iter()
        .map(|c| c.iter().filter_map(|s| stmt_ref(model, *s)).collect())
        .collect();
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
        d.concessions = refs.clone();
        if hopeless {
            d.notes.push(String::from(
                "the scenario contradicts the assumptions: no concession by the parties makes it feasible",
            ));
        }
        ctx.push(d, Some(id), None);
    }
    Ok(())
}

const HITTING_CAP: usize = 10_000;

fn to_stmts(sess: &Session<'_>, sets: &[Vec<usize>]) -> Vec<Vec<StmtId>> {
    sets.iter()
        .map(|m| {
            m.iter()
                .filter_map(|h| match sess.key(*h) {
                    Some(ItemKey::Stmt(s)) => Some(*s),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The minimal hitting sets of `family` (Berge's algorithm), or `None`
/// when there would be more than `cap` of them along the way. An empty
/// member makes the result empty (nothing hits it).
fn hitting_sets(family: &[Vec<usize>], cap: usize) -> Option<Vec<Vec<usize>>> {
    if family.iter().any(Vec::is_empty) {
        return Some(Vec::new());
    }
    let mut current: Vec<Vec<usize>> = vec![Vec::new()];
    for set in family {
        let mut next: Vec<Vec<usize>> = Vec::new();
        for h in &current {
            if h.iter().any(|x| set.contains(x)) {
                next.push(h.clone());
                continue;
            }
            for x in set {
                let mut g = h.clone();
                if let Err(at) = g.binary_search(x) {
                    g.insert(at, *x);
                }
                next.push(g);
            }
        }
        next.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        next.dedup();
        let mut minimal: Vec<Vec<usize>> = Vec::new();
        for g in next {
            if !minimal
                .iter()
                .any(|m| m.iter().all(|x| g.binary_search(x).is_ok()))
            {
                minimal.push(g);
            }
            if minimal.len() > cap {
                return None;
            }
        }
        current = minimal;
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::hitting_sets;

    #[test]
    fn minimal_hitting_sets() {
        let f = vec![vec![1, 2], vec![2, 3], vec![4]];
        assert_eq!(hitting_sets(&f, 100), Some(vec![vec![2, 4], vec![1, 3, 4]]));
        assert_eq!(hitting_sets(&[vec![1], vec![]], 100), Some(vec![]));
        assert_eq!(hitting_sets(&[], 100), Some(vec![vec![]]));
    }
}
