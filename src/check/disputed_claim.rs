//! `disputed-claim`: the MUSes of all claims and A that involve the claims
//! of two or more parties (one party's own contradictory claims are a
//! self-contradiction).

use super::{Ctx, Facts, SetSearch, report_sets, session::Session};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::Strength;

/// Reports the disputed claims of the component.
pub(crate) fn report_disputed_claims(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    _facts: &mut Facts,
) -> Result<(), Stop> {
    let kind = Kind::DisputedClaim;
    let mut items = sess.stmt_items(|s| s.kind.strength() == Strength::Belief);
    if items.is_empty() {
        return Ok(());
    }
    items.extend(sess.background());
    let model = ctx.model;
    let search = SetSearch {
        kind,
        items,
        keep: &|keys| super::involves_several_parties(model, keys),
        error: None,
    };
    report_sets(ctx, sess, search, &mut |ctx, keys| {
        let parties = ctx.parties_of(keys);
        let message = format!(
            "the claims of {} contradict each other",
            ctx.party_list(&parties)
        );
        ctx.set_diag(kind, keys, None, message)
            .with_span_label("part of the disagreement")
            .with_note(
                "claims bind only the party that makes them: this is a disagreement about \
                 facts, not a conflict of red lines",
            )
    })?;
    Ok(())
}
