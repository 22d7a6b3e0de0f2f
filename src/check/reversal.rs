//! `reversal` (LANGUAGE.md §11): for each party P and each two consecutive
//! snapshots d1 < d2 of P (consecutive among P's own snapshot dates), the
//! minimal sets of H(P@d1) ∪ C(P@d1) ∪ H(P@d2) ∪ C(P@d2) ∪ A (the `X@P -> X`
//! axioms always on) that hold a statement of each snapshot: the party now
//! says the opposite of what it said. A set inside one snapshot is that
//! snapshot's self-contradiction, not a reversal.

use super::session::{Components, ItemKey, Session};
use super::{Ctx, Finding};
use crate::date::Date;
use crate::diagnostic::Kind;
use crate::logic::Stop;
use crate::model::{Model, PartyId, StmtId, Strength};
use std::collections::BTreeSet;

/// The date of the snapshot a key's statement belongs to.
fn date_of(model: &Model, key: &ItemKey) -> Option<Date> {
    match key {
        ItemKey::Stmt(s) => model.statement(*s).date,
        _ => None,
    }
}

/// Reports the reversals of `party` between its snapshots `d1` < `d2` in
/// `ctx.model` (a model restricted to those two snapshots and A); returns
/// the statements of `d1` that some reported set holds.
pub(crate) fn report_reversals(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    party: PartyId,
    (d1, d2): (Date, Date),
) -> Result<BTreeSet<StmtId>, Stop> {
    let kind = Kind::Reversal;
    let model = ctx.model;
    let name = model.party(party).name.to_string();
    let mut in_sets = BTreeSet::new();
    for k in 0..comps.list.len() {
        let mut sess = Session::new(model, comps, &[k]);
        let mut items = sess.stmt_items(|s| {
            s.party == Some(party) && matches!(s.kind.strength(), Strength::Hard | Strength::Belief)
        });
        if items.is_empty() {
            continue;
        }
        items.extend(sess.background());
        if sess.problem.is_sat(&items)? {
            continue;
        }
        let keep = |keys: &[ItemKey]| {
            let dates: BTreeSet<Date> = keys.iter().filter_map(|k| date_of(model, k)).collect();
            dates.contains(&d1) && dates.contains(&d2)
        };
        let room = ctx.room(kind);
        let (sets, complete) = sess.muses(&items, &[], &ctx.budget, room, false, &keep)?;
        if !complete {
            ctx.cut();
        }
        for set in sets {
            let keys = sess.keys_of(&set);
            let message = format!(
                "`{name}` reversed its stance: what it said on {d2} contradicts what it said on {d1}"
            );
            let mut d = ctx.set_diag(kind, &keys, None, message).with_help(format!(
                "if `{name}` changed its position, this is a record of it; otherwise \
                     check the dates of the two snapshots"
            ));
            for key in &keys {
                if let ItemKey::Stmt(s) = key {
                    let st = model.statement(*s);
                    if let Some(date) = st.date {
                        if date == d1 {
                            in_sets.insert(*s);
                        }
                        d = d.with_label(st.span, format!("said on {date}"));
                    }
                }
            }
            let mut f = Finding::new(d);
            f.parties = ctx.parties_of(&keys);
            ctx.push_finding(f);
        }
    }
    Ok(in_sets)
}
