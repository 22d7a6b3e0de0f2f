//! `conflict`: the MUSes of all red lines H and A that involve two or more
//! parties. A set with one party is that party's self-contradiction and is
//! reported there. Concessions: any one party member of the set withdrawn
//! alone resolves it; they are listed grouped by party (party name order),
//! each a one-statement concession.

use super::explain::stmt_ref;
use super::{
    Ctx,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::{Assignment, Stop};

/// Reports the conflicts; returns an outcome where H ∪ A holds, if any.
pub(crate) fn run(ctx: &mut Ctx<'_>, sess: &mut Session<'_>) -> Result<Option<Assignment>, Stop> {
    let kind = Kind::Conflict;
    let mut items = sess.hard();
    items.extend(sess.background());
    if sess.problem.is_sat(&items)? {
        return Ok(Some(sess.problem.assignment()));
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
        let verb = if parties.len() == 2 { "both" } else { "all" };
        let mut d = ctx.set_diag(
            kind,
            &keys,
            None,
            format!("{} cannot {verb} have their way", ctx.party_list(&parties)),
        );
        d.span_label = String::from("part of the conflict");
        let mut party_members: Vec<(String, crate::source::Span, crate::model::StmtId)> = keys
            .iter()
            .filter_map(|k| match k {
                ItemKey::Stmt(s) => {
                    let st = model.statements.get(s.0 as usize)?;
                    let p = model.party_name(st.party)?;
                    Some((p.to_owned(), st.span, *s))
                }
                _ => None,
            })
            .collect();
        party_members.sort();
        // Each party member alone resolves this set; renderers show the
        // concessions (no separate help text, it would repeat them).
        for (_, _, s) in &party_members {
            if let Some(r) = stmt_ref(model, *s) {
                d.concessions.push(vec![r]);
            }
        }
        ctx.push(d, None, None);
    }
    Ok(None)
}
