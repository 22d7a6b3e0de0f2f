//! `unattainable-preference`: a `prefers`/`avoids` statement p such that
//! H ∪ A holds (per component) but H ∪ A ∪ {p} does not; the sets reported
//! are the MUSes of H ∪ A ∪ {p} that contain p. Outcomes already found
//! answer most preferences without a solver call.

use super::{
    Ctx,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::{Assignment, Stop};
use crate::model::Strength;

/// Reports the unattainable preferences of the session.
pub(crate) fn run(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    models: &mut Vec<Assignment>,
) -> Result<(), Stop> {
    let model = ctx.model;
    let prefs: Vec<_> = sess
        .stmts
        .iter()
        .copied()
        .filter(|s| {
            model
                .statements
                .get(s.0 as usize)
                .is_some_and(|s| s.kind.strength() == Strength::Soft)
        })
        .collect();
    if prefs.is_empty() {
        return Ok(());
    }
    let mut base = sess.hard();
    base.extend(sess.background());
    for p in prefs {
        let Some(st) = model.statements.get(p.0 as usize) else {
            continue;
        };
        if models.iter().any(|m| m.eval(&st.formula)) {
            continue;
        }
        let pi = sess.item(ItemKey::Stmt(p));
        let Some(sets) = super::sets_against(ctx, sess, &base, pi, models)? else {
            continue;
        };
        let who = model.party_name(st.party).unwrap_or("?");
        for set in sets {
            let mut keys = sess.keys_of(&set);
            keys.push(ItemKey::Stmt(p));
            let d = ctx
                .set_diag(
                    Kind::UnattainablePreference,
                    &keys,
                    None,
                    format!(
                        "`{}` of `{who}` can hold in no outcome acceptable to all parties",
                        model.text(st.text)
                    ),
                )
                .with_label(st.span, "this preference cannot be met")
                .with_note("the numbered statements rule it out");
            ctx.push(d, None, None);
        }
    }
    Ok(())
}
