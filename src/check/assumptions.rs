//! `assumptions-inconsistent`: minimal sets of the assumptions A alone
//! (with the `X@P -> X` axioms always on). When a component's assumptions
//! fail, every other satisfiability check would find everything
//! contradictory, so none runs on that component (a note says so).

use super::{Ctx, Facts, Known, SetSearch, report_sets, session::Session};
use crate::diagnostic::Kind;
use crate::logic::Stop;

/// Reports the minimal sets of A and records whether A holds.
pub(crate) fn report_inconsistent_assumptions(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let message = String::from("the assumptions cannot all hold");
    let search = SetSearch {
        kind: Kind::AssumptionsInconsistent,
        items: sess.background(),
        keep: &|_| true,
        error: Some((message.clone(), None)),
    };
    let holds = report_sets(ctx, sess, search, &mut |ctx, keys| {
        ctx.set_diag(Kind::AssumptionsInconsistent, keys, None, message.clone())
            .with_span_label("this assumption is part of the contradiction")
            .with_note(
                "the other consistency checks were skipped for the topics these assumptions \
                 mention: with them, every set of statements would be contradictory",
            )
            .with_help("fix or remove one of these assumptions")
    })?;
    facts.assumptions = if holds { Known::Holds } else { Known::Fails };
    Ok(())
}
