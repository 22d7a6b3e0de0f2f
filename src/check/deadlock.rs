//! `deadlocked-dispute`: the gates of `ruled-out` and
//! `unattainable-preference` are closed in a component whose red lines and
//! assumptions cannot all hold (no outcome is acceptable to all parties, so
//! "possible in no acceptable outcome" would hold of everything). The
//! output says so once per component instead of staying silent
//! (LANGUAGE.md §6): at the first statement whose check was not decided,
//! with a note naming how many were skipped.

use super::{Ctx, Facts, session::Session};
use crate::diagnostic::{Diagnostic, Kind};
use crate::logic::Stop;
use crate::model::Strength;

/// Reports that the component of `sess` is deadlocked, when it has
/// conditions or preferences that were therefore not checked.
pub(crate) fn report_closed_gate(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    _facts: &mut Facts,
) -> Result<(), Stop> {
    let model = ctx.model;
    let mut conditions = 0usize;
    let mut preferences = 0usize;
    let mut first = None;
    for s in &sess.stmts {
        let st = model.statement(*s);
        let skipped = match st.kind.strength() {
            Strength::Hard if st.condition().is_some() => {
                conditions += 1;
                true
            }
            Strength::Soft => {
                preferences += 1;
                true
            }
            _ => false,
        };
        if skipped && first.is_none() {
            first = Some(st.span);
        }
    }
    let Some(span) = first else { return Ok(()) };
    let mut what = Vec::new();
    if conditions > 0 {
        what.push(plural(
            conditions,
            "condition of a red line",
            "conditions of red lines",
        ));
    }
    if preferences > 0 {
        what.push(plural(preferences, "preference", "preferences"));
    }
    let d = Diagnostic::new(
        Kind::DeadlockedDispute,
        span,
        "this dispute is deadlocked: its red lines cannot all hold, so no condition or \
         preference in it was checked",
    )
    .with_span_label("not checked")
    .with_note(format!(
        "not decided here: whether {} can hold in an outcome acceptable to all parties \
         (`ruled-out`, `unattainable-preference`); no outcome is, so the question has no answer",
        super::join_and(&what)
    ))
    .with_help(
        "resolve the conflicts or self-contradictions reported for these topics; \
         these checks run again once the red lines can all hold",
    );
    ctx.push(d);
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
