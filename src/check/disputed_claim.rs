//! `disputed-claim`: the MUSes of all claims and A that involve the claims
//! of two or more parties (one party's own contradictory claims are a
//! self-contradiction).

use super::{
    Ctx,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::Strength;

/// Reports the disputed claims.
pub(crate) fn run(ctx: &mut Ctx<'_>, sess: &mut Session<'_>) -> Result<(), Stop> {
    let kind = Kind::DisputedClaim;
    let mut items = sess.stmt_items(|s| s.kind.strength() == Strength::Belief);
    if items.is_empty() {
        return Ok(());
    }
    items.extend(sess.background());
    if sess.problem.is_sat(&items)? {
        return Ok(());
    }
    let model = ctx.model;
    let keep = |keys: &[ItemKey]| super::involves_several_parties(model, keys);
    let (sets, complete) = sess.muses(&items, &[], &ctx.budget, ctx.room(kind), false, &keep)?;
    if !complete {
        ctx.cut();
    }
    for set in sets {
        let keys = sess.keys_of(&set);
        let parties = ctx.parties_of(&keys);
        let d = ctx
            .set_diag(
                kind,
                &keys,
                None,
                format!("the claims of {} contradict each other", ctx.party_list(&parties)),
            )
            .with_span_label("part of the disagreement")
            .with_note("claims bind only the party that makes them: this is a disagreement about facts, not a conflict of red lines");
        ctx.push(d, None, None);
    }
    Ok(())
}
