//! `ruled-out`: the condition C of a conditional red line (`requires F when
//! C`, `rejects F when C`, `no C without B`) that can hold in no outcome
//! acceptable to all parties: H ∪ A holds (checked per component), but not
//! with C. Conditions whose formulas are equal count as one; the finding is
//! located at the first such statement and the condition is a member with
//! role `condition` at that statement's condition. Reported sets are the
//! MUSes of H ∪ A ∪ {C} that contain C, with the concessions that would
//! make C possible (see [`concessions`]).
//!
//! Most conditions are answered from outcomes already found: an outcome
//! where H ∪ A holds and C is true proves C possible without a solver call.

use super::explain::Cond;
use super::{
    Ctx, Facts, Finding, concessions,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::hash::{IdMap, id_map};
use crate::logic::Stop;
use crate::model::{Expr, StmtId, Strength};

/// Reports the ruled-out conditions of the session.
pub(crate) fn report_ruled_out_conditions(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let models = &mut facts.outcomes;
    let model = ctx.model;
    let mut conds: Vec<(&Expr, StmtId)> = Vec::new();
    let mut seen: IdMap<&Expr, ()> = id_map();
    for s in &sess.stmts {
        let st = model.statement(*s);
        if st.kind.strength() != Strength::Hard {
            continue;
        }
        if let Some(c) = st.condition()
            && seen.insert(c, ()).is_none()
        {
            conds.push((c, *s));
        }
    }
    if conds.is_empty() {
        return Ok(());
    }
    let hard = sess.hard();
    let background = sess.background();
    let mut base = hard.clone();
    base.extend_from_slice(&background);
    for (c, s) in conds {
        if models.iter().any(|m| m.eval(c)) {
            continue;
        }
        let ci = sess.formula_item(c);
        let Some((sets, complete)) = super::sets_against(ctx, sess, &base, ci, models)? else {
            continue;
        };
        let found = concessions::find(ctx, sess, ci, &hard, &background, &sets, complete)?;
        let st = model.statement(s);
        let text = st
            .condition_text
            .map_or_else(String::new, |t| model.text(t).to_owned());
        let cond = Cond {
            expr: c,
            span: st.condition_span.unwrap_or(st.span),
            text: text.clone(),
        };
        for set in sets {
            let mut keys = sess.keys_of(&set);
            keys.push(ItemKey::Formula(0));
            let mut d = ctx
                .set_diag(
                    Kind::RuledOut,
                    &keys,
                    Some(&cond),
                    format!(
                        "`{text}` is ruled out: it can hold in no outcome acceptable to all parties"
                    ),
                )
                .with_span_label("this condition can never hold")
                .with_help(
                    "the statements conditioned on it never apply: check whether that is intended",
                );
            d.span = st.span;
            d.concessions = found.refs.clone();
            if found.hopeless {
                d.notes.push(String::from(
                    "the condition contradicts the assumptions: no concession by the parties makes it possible",
                ));
            }
            let mut f = Finding::new(d);
            f.condition = Some(c.clone());
            f.parties = ctx.parties_of(&keys);
            ctx.push_finding(f);
        }
    }
    Ok(())
}
