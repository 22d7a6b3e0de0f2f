//! `unaccepted-duty`: `duty Q: X` (stated by a party other than Q) while Q
//! has no statement that mentions `X@Q` positively in what it asks for: the
//! consequent of its `requires` / `prefers` (the part after any `when`),
//! the `B` of its `no A without B`, its `claims`, or its own `duty Q: X`.
//! `rejects`/`avoids` never count, nor do conditions, nor assumptions.

use super::{Ctx, session::ItemKey};
use crate::diagnostic::Kind;
use crate::logic::{atoms_of, occurs_positively};
use crate::model::{AtomId, Expr, PartyId, StmtKind};
use std::collections::HashSet;

/// Reports the unaccepted duties.
pub(crate) fn report_unaccepted_duties(ctx: &mut Ctx<'_>) {
    let model = ctx.model;
    let mut accepted_set: HashSet<(PartyId, AtomId)> = HashSet::new();
    for o in &model.statements {
        let Some(q) = o.party else { continue };
        if !matches!(
            o.kind,
            StmtKind::Requires
                | StmtKind::Prefers
                | StmtKind::Claims
                | StmtKind::NoWithout
                | StmtKind::Duty
        ) {
            continue;
        }
        let asked = match (o.condition(), &o.formula) {
            (Some(_), Expr::Implies(_, f)) => f.as_ref(),
            _ => &o.formula,
        };
        for a in atoms_of(asked) {
            let mine = model.atom(a).party == Some(q);
            if mine && occurs_positively(asked, a) {
                accepted_set.insert((q, a));
            }
        }
    }
    for st in &model.statements {
        if st.kind != StmtKind::Duty {
            continue;
        }
        let Expr::Implies(_, b) = &st.formula else {
            continue;
        };
        let Expr::Atom(xq) = b.as_ref() else { continue };
        let Some(q) = model.atom(*xq).party else {
            continue;
        };
        if st.party == Some(q) {
            continue;
        }
        let accepted = accepted_set.contains(&(q, *xq));
        if accepted {
            continue;
        }
        if ctx.room(Kind::UnacceptedDuty) == 0 {
            ctx.cut();
            return;
        }
        let qn = &model.party(q).name;
        let atom = model.atom_name(*xq);
        let d = ctx
            .set_diag(
                Kind::UnacceptedDuty,
                &[ItemKey::Stmt(st.id)],
                None,
                format!("`{qn}` never accepts the duty `{atom}`"),
            )
            .with_span_label(format!("assigns `{atom}` to `{qn}`"))
            .with_help(format!(
                "if `{qn}` accepts it, say so in its block: `requires {atom}` or `prefers {atom}`"
            ));
        ctx.push(d);
    }
}
