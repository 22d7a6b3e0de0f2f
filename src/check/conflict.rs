//! `conflict`: the MUSes of all red lines H and A that involve two or more
//! parties. A set with one party is that party's self-contradiction and is
//! reported there. Concessions: any one party member of the set withdrawn
//! alone resolves it; they are listed grouped by party (party name order),
//! each a one-statement concession. Records whether H ∪ A holds, and an
//! outcome where it does.

use super::explain::stmt_ref;
use super::{
    Ctx, Facts, Known, SetSearch, report_sets,
    session::{ItemKey, Session},
};
use crate::diagnostic::Kind;
use crate::logic::Stop;

/// Reports the conflicts of the component.
pub(crate) fn report_conflicts(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let kind = Kind::Conflict;
    let mut items = sess.hard();
    items.extend(sess.background());
    let model = ctx.model;
    let search = SetSearch {
        kind,
        items,
        keep: &|keys| super::involves_several_parties(model, keys),
        error: None,
    };
    let holds = report_sets(ctx, sess, search, &mut |ctx, keys| {
        let parties = ctx.parties_of(keys);
        let verb = if parties.len() == 2 { "both" } else { "all" };
        let message = format!("{} cannot {verb} have their way", ctx.party_list(&parties));
        let mut d = ctx.set_diag(kind, keys, None, message);
        d.span_label = String::from("part of the conflict");
        let mut party_members: Vec<(String, crate::source::Span, crate::model::StmtId)> = keys
            .iter()
            .filter_map(|k| match k {
                ItemKey::Stmt(s) => {
                    let st = model.statement(*s);
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
            d.concessions.push(vec![stmt_ref(model, *s)]);
        }
        d
    })?;
    if holds {
        // The solver's last answer is the outcome where H ∪ A holds.
        facts.outcomes.push(sess.problem.assignment());
        facts.red_lines = Known::Holds;
    } else {
        facts.red_lines = Known::Fails;
    }
    Ok(())
}
