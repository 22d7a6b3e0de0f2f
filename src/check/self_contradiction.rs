//! `self-contradiction`: for each party P, the MUSes of H(P) ∪ C(P) ∪ A
//! (its red lines, its claims, and the assumptions; the `X@P -> X` axioms
//! always on). A holds (checked before), so every such set contains a
//! statement of P.

use super::{Ctx, Facts, SetSearch, report_sets, session::Session};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::{PartyId, Strength};

/// Reports the self-contradictions of every party in the component.
pub(crate) fn report_self_contradictions(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    _facts: &mut Facts,
) -> Result<(), Stop> {
    let kind = Kind::SelfContradiction;
    let mut parties: Vec<PartyId> = sess
        .stmts
        .iter()
        .filter_map(|s| ctx.model.statement(*s).party)
        .collect();
    parties.sort_unstable();
    parties.dedup();
    let background = sess.background();
    for p in parties {
        let mut items = sess.stmt_items(|s| {
            s.party == Some(p) && matches!(s.kind.strength(), Strength::Hard | Strength::Belief)
        });
        items.extend_from_slice(&background);
        let name = ctx.model.party(p).name.to_string();
        let message = format!("the statements of `{name}` cannot all hold");
        let search = SetSearch {
            kind,
            items,
            keep: &|_| true,
            error: Some((message.clone(), Some(p))),
        };
        report_sets(ctx, sess, search, &mut |ctx, keys| {
            ctx.set_diag(kind, keys, None, message.clone())
                .with_span_label("part of the contradiction")
                .with_help(format!(
                    "`{name}` must withdraw or weaken one of these statements"
                ))
        })?;
    }
    Ok(())
}
