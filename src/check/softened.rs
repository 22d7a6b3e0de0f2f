//! `softened-stance` (LANGUAGE.md §11): a red line r of party P's snapshot
//! d1 that P's next snapshot d2 no longer implies with A: H(P@d2) ∪ A ∪
//! {not r} can hold (dropped, or weakened to a wish). A red line already in
//! a `reversal` between d1 and d2 is not reported again.

use super::session::{Components, ItemKey, Session};
use super::{Ctx, Finding};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::logic::Stop;
use crate::model::{PartyId, StmtId, Strength};
use std::collections::BTreeSet;

/// Reports the red lines of `party`'s snapshot `d1` that its snapshot `d2`
/// no longer implies, except those in `reversed`.
pub(crate) fn report_softened(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    party: PartyId,
    (d1, d2): (Date, Date),
    reversed: &BTreeSet<StmtId>,
) -> Result<(), Stop> {
    let kind = Kind::SoftenedStance;
    let model = ctx.model;
    let name = model.party(party).name.to_string();
    for k in 0..comps.list.len() {
        let mut sess = Session::new(model, comps, &[k]);
        let old: Vec<StmtId> = sess
            .stmts
            .iter()
            .copied()
            .filter(|s| {
                let st = model.statement(*s);
                st.party == Some(party)
                    && st.date == Some(d1)
                    && st.kind.strength() == Strength::Hard
                    && !reversed.contains(s)
            })
            .collect();
        if old.is_empty() {
            continue;
        }
        let mut base = sess.stmt_items(|s| {
            s.party == Some(party) && s.date == Some(d2) && s.kind.strength() == Strength::Hard
        });
        base.extend(sess.background());
        for r in old {
            ctx.budget.check()?;
            let mut q = base.clone();
            q.push(sess.item(ItemKey::Neg(r)));
            if !sess.problem.is_sat(&q)? {
                continue;
            }
            if ctx.room(kind) == 0 {
                ctx.cut();
                return Ok(());
            }
            let st = model.statement(r);
            let text = model.text(st.text);
            let message = format!(
                "`{name}` softened its stance: `{text}`, a red line on {d1}, no longer follows \
                 from what it said on {d2}"
            );
            let mut d = Diagnostic::new(kind, st.span, message)
                .with_span_label(format!("said on {d1}"))
                .with_note(format!(
                    "the red lines of `{name}` on {d2} (with the assumptions) hold in an \
                     outcome where this one fails: it was dropped or weakened to a wish"
                ));
            d.parties = vec![name.clone()];
            let mut f = Finding::new(d);
            f.parties = BTreeSet::from([party]);
            ctx.push_finding(f);
        }
    }
    Ok(())
}
