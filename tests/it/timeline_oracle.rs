//! Stances over time (LANGUAGE.md §11) against brute force on random small
//! dated models: the state at a date is as defined, and the `reversal` and
//! `softened-stance` findings are exactly those a truth table gives (every
//! reversal set minimal, none missed).

use crate::support::check::ev;
use crate::support::timeline::{day, random_model};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use stancecheck::check::{CheckOptions, check, check_at};
use stancecheck::diagnostic::{Kind, Role};
use stancecheck::model::*;
use std::collections::BTreeSet;

/// The `X@P -> X` axioms of the model, as formulas.
fn axioms(m: &Model) -> Vec<Expr> {
    let mut out = Vec::new();
    for (i, a) in m.atoms.iter().enumerate() {
        if a.party.is_some()
            && let Some(base) = m
                .atoms
                .iter()
                .position(|x| x.topic == a.topic && x.party.is_none())
        {
            out.push(Expr::Implies(
                Box::new(Expr::Atom(AtomId(i as u32))),
                Box::new(Expr::Atom(AtomId(base as u32))),
            ));
        }
    }
    out
}

/// Whether the formulas hold together with the axioms in some row.
fn sat(m: &Model, fs: &[&Expr]) -> bool {
    let ax = axioms(m);
    (0..1u64 << m.atoms.len()).any(|row| ax.iter().chain(fs.iter().copied()).all(|f| ev(f, row)))
}

/// The topics a formula mentions (`X@P` counts as `X`).
fn topics(m: &Model, e: &Expr) -> BTreeSet<u32> {
    match e {
        Expr::Atom(a) => BTreeSet::from([m.atoms[a.0 as usize].topic.0]),
        Expr::Not(x) => topics(m, x),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().flat_map(|x| topics(m, x)).collect(),
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            let mut t = topics(m, a);
            t.extend(topics(m, b));
            t
        }
    }
}

fn hard_or_claim(s: &Statement) -> bool {
    matches!(s.kind.strength(), Strength::Hard | Strength::Belief)
}

/// Expected (reversal sets by member span starts, softened red lines by
/// span start), from the definitions.
fn expected(m: &Model) -> (BTreeSet<Vec<u32>>, BTreeSet<u32>) {
    let mut reversals = BTreeSet::new();
    let mut softened = BTreeSet::new();
    for (p, dates) in m.party_dates().into_iter().enumerate() {
        let p = PartyId(p as u32);
        for w in dates.windows(2) {
            let (d1, d2) = (w[0], w[1]);
            let u: Vec<&Statement> = m
                .statements
                .iter()
                .filter(|s| {
                    s.kind == StmtKind::Assume
                        || (s.party == Some(p)
                            && hard_or_claim(s)
                            && (s.date == Some(d1) || s.date == Some(d2)))
                })
                .collect();
            assert!(u.len() <= 14);
            let mut in_rev: BTreeSet<u32> = BTreeSet::new();
            for mask in 1u32..1 << u.len() {
                let pick = |mk: u32| -> Vec<&Expr> {
                    (0..u.len())
                        .filter(|i| mk >> i & 1 == 1)
                        .map(|i| &u[i].formula)
                        .collect()
                };
                let members: Vec<&Statement> = (0..u.len())
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| u[i])
                    .collect();
                let both = members.iter().any(|s| s.date == Some(d1))
                    && members.iter().any(|s| s.date == Some(d2));
                if !both || sat(m, &pick(mask)) {
                    continue;
                }
                let minimal = (0..u.len())
                    .filter(|i| mask >> i & 1 == 1)
                    .all(|i| sat(m, &pick(mask & !(1 << i))));
                if minimal {
                    for s in &members {
                        if s.date == Some(d1) {
                            in_rev.insert(s.span.start);
                        }
                    }
                    reversals.insert(members.iter().map(|s| s.span.start).collect());
                }
            }
            // the pair's model: p's two snapshots (every kind) and A
            let pair: Vec<&Statement> = m
                .statements
                .iter()
                .filter(|s| {
                    s.kind == StmtKind::Assume
                        || (s.party == Some(p) && (s.date == Some(d1) || s.date == Some(d2)))
                })
                .collect();
            for r in m.statements.iter().filter(|s| {
                s.party == Some(p) && s.date == Some(d1) && s.kind.strength() == Strength::Hard
            }) {
                // decided within r's independent dispute (LANGUAGE.md §6):
                // the topics joined to r's through the pair's statements
                let mut reach = topics(m, &r.formula);
                loop {
                    let before = reach.len();
                    for s in &pair {
                        let t = topics(m, &s.formula);
                        if !t.is_disjoint(&reach) {
                            reach.extend(t);
                        }
                    }
                    if reach.len() == before {
                        break;
                    }
                }
                let next: Vec<&Expr> = pair
                    .iter()
                    .filter(|s| {
                        (s.kind == StmtKind::Assume
                            || (s.date == Some(d2) && s.kind.strength() == Strength::Hard))
                            && !topics(m, &s.formula).is_disjoint(&reach)
                    })
                    .map(|s| &s.formula)
                    .collect();
                let not_r = Expr::Not(Box::new(r.formula.clone()));
                let mut q = next.clone();
                q.push(&not_r);
                if !in_rev.contains(&r.span.start) && sat(m, &q) {
                    softened.insert(r.span.start);
                }
            }
        }
    }
    (reversals, softened)
}

fn options() -> CheckOptions {
    CheckOptions {
        max_sets: 10_000,
        time_budget: None,
    }
}

fn compare(seed: u64) -> Result<(), TestCaseError> {
    let m = random_model(seed);
    let out = check(&m, &options());
    prop_assert!(!out.truncated);
    let mut reversals = BTreeSet::new();
    let mut softened = BTreeSet::new();
    for d in &out.diagnostics {
        match d.kind {
            Kind::Reversal => {
                let set: Vec<u32> = d
                    .members
                    .iter()
                    .filter(|x| x.role != Role::Definition)
                    .map(|x| x.span.start)
                    .collect();
                let mut sorted = set.clone();
                sorted.sort_unstable();
                prop_assert!(reversals.insert(sorted), "reported twice: {:?}", d.message);
            }
            Kind::SoftenedStance => {
                prop_assert!(softened.insert(d.span.start));
            }
            _ => {}
        }
    }
    let (want_rev, want_soft) = expected(&m);
    prop_assert_eq!(reversals, want_rev, "reversals, seed {}", seed);
    prop_assert_eq!(softened, want_soft, "softened, seed {}", seed);
    // the §6 findings are those of the latest state
    let latest = check(&m.state_at(None), &options());
    let six: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| !matches!(d.kind, Kind::Reversal | Kind::SoftenedStance))
        .cloned()
        .collect();
    prop_assert_eq!(six, latest.diagnostics);
    Ok(())
}

/// The state at a date, from the definition: undated statements, and each
/// party's latest snapshot dated on or before it.
fn state_ok(seed: u64) -> Result<(), TestCaseError> {
    let m = random_model(seed);
    for at in [
        None,
        Some(9),
        Some(10),
        Some(11),
        Some(12),
        Some(25),
        Some(26),
        Some(28),
    ] {
        let at = at.map(day);
        let st = m.state_at(at);
        let want: Vec<u32> = m
            .statements
            .iter()
            .filter(|s| match (s.date, s.party) {
                (None, _) => true,
                (Some(d), Some(p)) => {
                    let best = m
                        .statements
                        .iter()
                        .filter(|x| x.party == Some(p))
                        .filter_map(|x| x.date)
                        .filter(|x| at.is_none_or(|a| *x <= a))
                        .max();
                    best == Some(d)
                }
                _ => false,
            })
            .map(|s| s.span.start)
            .collect();
        let got: Vec<u32> = st.statements.iter().map(|s| s.span.start).collect();
        prop_assert_eq!(got, want);
        for (i, s) in st.statements.iter().enumerate() {
            prop_assert_eq!(s.id, StmtId(i as u32));
        }
        // --as-of: the §6 findings at that date
        if let Some(a) = at {
            let out = check_at(&m, &options(), Some(a));
            let six: Vec<_> = out
                .diagnostics
                .into_iter()
                .filter(|d| !matches!(d.kind, Kind::Reversal | Kind::SoftenedStance))
                .collect();
            prop_assert_eq!(six, check(&st, &options()).diagnostics);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 200, rng_seed: RngSeed::Fixed(0x71e), failure_persistence: None, ..Config::default() })]
    #[test]
    fn timeline_findings_match_brute_force(seed in any::<u64>()) {
        compare(seed)?;
    }

    #[test]
    fn state_at_a_date_is_as_defined(seed in any::<u64>()) {
        state_ok(seed)?;
    }
}

#[test]
fn undated_models_are_checked_as_before() {
    let m = random_model(7);
    let mut undated = m.clone();
    for s in &mut undated.statements {
        s.date = None;
    }
    assert!(!undated.is_dated());
    assert_eq!(undated.state_at(None), undated);
    assert_eq!(undated.state_at(Some(day(1))), undated);
}
