//! `self-contradiction`: for each party P, the MUSes of H(P) ∪ C(P) ∪ A
//! (its red lines, its claims, and the assumptions and axioms). A holds
//! (checked before), so every such set contains a statement of P.

use super::{Ctx, session::Session};
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::{PartyId, Strength};

/// Reports the self-contradictions of every party in the session.
pub(crate) fn run(ctx: &mut Ctx<'_>, sess: &mut Session<'_>) -> Result<(), Stop> {
    let kind = Kind::SelfContradiction;
    let mut parties: Vec<PartyId> = sess
        .stmts
        .iter()
        .filter_map(|s| ctx.model.statements.get(s.0 as usize))
        .filter_map(|s| s.party)
        .collect();
    parties.sort_unstable();
    parties.dedup();
    let background = sess.background();
    for p in parties {
        let mut items = sess.stmt_items(|s| {
            s.party == Some(p) && matches!(s.kind.strength(), Strength::Hard | Strength::Belief)
        });
        items.extend_from_slice(&background);
        if sess.problem.is_sat(&items)? {
            continue;
        }
        let name = ctx.model.party_name(Some(p)).unwrap_or("?").to_owned();
        let (sets, complete) =
            match sess.muses(&items, &[], &ctx.budget, ctx.room(kind), false, &|_| true) {
                Ok(r) => r,
                Err(Stop) => {
                    let message = format!("the statements of `{name}` cannot all hold");
                    return Err(super::proved_but_cut(
                        ctx,
                        sess,
                        &items,
                        kind,
                        message,
                        Some(p),
                    ));
                }
            };
        if !complete {
            ctx.cut();
        }
        for set in sets {
            let keys = sess.keys_of(&set);
            let d = ctx
                .set_diag(
                    kind,
                    &keys,
                    None,
                    format!("the statements of `{name}` cannot all hold"),
                )
                .with_span_label("part of the contradiction")
                .with_help(format!(
                    "`{name}` must withdraw or weaken one of these statements"
                ));
            ctx.push(d, None, None);
        }
    }
    Ok(())
}
