//! `assumptions-inconsistent`: minimal sets of A (assumptions and the
//! implicit `X@P -> X` axioms) alone. When a component's assumptions fail,
//! every other satisfiability check would find everything contradictory, so
//! none runs on that component (a note says so).

use super::{Ctx, session::Session};
use crate::diagnostic::Kind;
use crate::logic::Stop;

/// Reports the MUSes of A; returns whether A holds.
pub(crate) fn run(ctx: &mut Ctx<'_>, sess: &mut Session<'_>) -> Result<bool, Stop> {
    let a = sess.background();
    if sess.problem.is_sat(&a)? {
        return Ok(true);
    }
    let kind = Kind::AssumptionsInconsistent;
    let (sets, complete) = match sess.muses(&a, &[], &ctx.budget, ctx.room(kind), false, &|_| true)
    {
        Ok(r) => r,
        Err(Stop) => {
            let message = String::from("the assumptions cannot all hold");
            return Err(super::proved_but_cut(ctx, sess, &a, kind, message, None));
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
                String::from("the assumptions cannot all hold"),
            )
            .with_span_label("this assumption is part of the contradiction")
            .with_note(
                "the other consistency checks were skipped for the topics these assumptions \
                 mention: with them, every set of statements would be contradictory",
            )
            .with_help("fix or remove one of these assumptions");
        ctx.push(d, None, None);
    }
    Ok(false)
}
