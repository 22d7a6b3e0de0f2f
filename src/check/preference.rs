//! `unattainable-preference`: a `prefers`/`avoids` statement p such that
//! H ∪ A holds (per component) but H ∪ A ∪ {p} does not; the sets reported
//! are the MUSes of H ∪ A ∪ {p} that contain p, located at p, with the
//! concessions that would make p attainable (see [`concessions`]).
//! Outcomes already found answer most preferences without a solver call.

use super::{
    Ctx, Facts, concessions,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::Strength;

/// Reports the unattainable preferences of the session.
pub(crate) fn report_unattainable_preferences(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let models = &mut facts.outcomes;
    let model = ctx.model;
    let prefs: Vec<_> = sess
        .stmts
        .iter()
        .copied()
        .filter(|s| model.statement(*s).kind.strength() == Strength::Soft)
        .collect();
    if prefs.is_empty() {
        return Ok(());
    }
    let hard = sess.hard();
    let background = sess.background();
    let mut base = hard.clone();
    base.extend_from_slice(&background);
    for p in prefs {
        let st = model.statement(p);
        if models.iter().any(|m| m.eval(&st.formula)) {
            continue;
        }
        let pi = sess.item(ItemKey::Stmt(p));
        let Some((sets, complete)) = super::sets_against(ctx, sess, &base, pi, models)? else {
            continue;
        };
        let found = concessions::find(ctx, sess, pi, &hard, &background, &sets, complete)?;
        // A wish always belongs to a party.
        let who = model.party_name(st.party).unwrap_or_default();
        for set in sets {
            let mut keys = sess.keys_of(&set);
            keys.push(ItemKey::Stmt(p));
            let mut d = ctx
                .set_diag(
                    Kind::UnattainablePreference,
                    &keys,
                    None,
                    format!(
                        "`{}` of `{who}` can hold in no outcome acceptable to all parties",
                        model.text(st.text)
                    ),
                )
                .with_span_label("this preference cannot be met")
                .with_note("the numbered statements rule it out");
            // The subject is the preference (LANGUAGE.md §6).
            d.span = st.span;
            d.concessions = found.refs.clone();
            if found.hopeless {
                d.notes.push(String::from(
                    "the preference contradicts the assumptions: no concession by the parties makes it attainable",
                ));
            }
            ctx.push(d);
        }
    }
    Ok(())
}
