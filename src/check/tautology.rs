//! `tautology`: a statement (of any kind, assumptions included) whose
//! formula holds in every outcome, counting the implicit `X@P -> X` axioms
//! as true by definition (`requires x@p -> x` says nothing). Cheap
//! evaluations under a few fixed outcomes rule out almost every statement
//! before the solver is asked whether `not F` with the axioms can hold.

use super::{
    Ctx, Facts,
    session::{ItemKey, Session, base_of},
};
use crate::diagnostic::Kind;
use crate::logic::{Stop, atoms_of, eval};
use crate::model::AtomId;

fn mix(a: u32, seed: u32) -> bool {
    let mut x = a.wrapping_mul(0x9E37_79B9) ^ seed.wrapping_mul(0x85EB_CA6B);
    x ^= x >> 15;
    x = x.wrapping_mul(0xC2B2_AE35);
    x ^= x >> 13;
    x & 1 == 1
}

/// Reports the tautologies of the component and records them.
pub(crate) fn report_tautologies(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    facts: &mut Facts,
) -> Result<(), Stop> {
    let found = &mut facts.tautologies;
    let model = ctx.model;
    let base = ctx.base;
    let stmts = sess.stmts.clone();
    for s in stmts {
        let st = model.statement(s);
        // Few atoms: decide by truth table over the outcomes that respect
        // the axioms, without the solver.
        let atoms = atoms_of(&st.formula);
        if atoms.len() <= 8 {
            let valid = (0u32..1 << atoms.len()).all(|row| {
                let plain = |x: AtomId| {
                    atoms
                        .iter()
                        .position(|a| *a == x)
                        .is_some_and(|i| row >> i & 1 == 1)
                };
                let respects = atoms.iter().all(|a| match base_of(base, *a) {
                    Some(b) if b != *a && atoms.contains(&b) => !plain(*a) || plain(b),
                    _ => true,
                });
                !respects || eval(&st.formula, &plain)
            });
            if !valid {
                continue;
            }
        } else {
            // Outcomes that respect the axioms: all false, all true, two mixes.
            let refuted = (0..4u32).any(|seed| {
                let value = |a: AtomId| -> bool {
                    let plain = |x: AtomId| match seed {
                        0 => false,
                        1 => true,
                        _ => mix(x.0, seed),
                    };
                    match base_of(base, a) {
                        Some(b) if b != a => plain(a) && plain(b),
                        _ => plain(a),
                    }
                };
                !eval(&st.formula, &value)
            });
            if refuted {
                continue;
            }
        }
        ctx.budget.check()?;
        let neg = sess.item(ItemKey::Neg(s));
        if sess.problem.is_sat(&[neg])? {
            continue;
        }
        found.insert(s);
        if ctx.room(Kind::Tautology) == 0 {
            ctx.cut();
            continue;
        }
        let mut d = ctx.set_diag(
            Kind::Tautology,
            &[ItemKey::Stmt(s)],
            None,
            format!("`{}` is always true and says nothing", model.text(st.text)),
        );
        d.span_label = String::from("this holds in every outcome");
        d.help
            .push(String::from("remove it, or write what was meant"));
        ctx.push(d);
    }
    Ok(())
}
