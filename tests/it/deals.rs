//! `stance deals` (LANGUAGE.md §10) against exhaustive enumeration on small
//! random weighted models: the Pareto-optimal score vectors, the best
//! total, the fairest value, the Pareto-optimal concession costs and the
//! cheapest concession all equal what brute force finds.

use crate::support::check::{Below, Builder, PARTIES, TOPICS, atom, ev, literalish, random_start};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use stancecheck::deals::{Options, Standing, State, deals};
use stancecheck::model::*;
use std::collections::BTreeSet;

/// A random model of red lines, wishes and assumptions with random
/// weights (and a scenario `s0` now and then).
fn random_model(seed: u64) -> Model {
    let (mut r, np, nt, mut b) = random_start(seed);
    let n = 2 + r.below(9);
    for _ in 0..n {
        let p = PARTIES[r.below(np) as usize];
        let f = literalish(&mut r, nt, np);
        let id = match r.below(10) {
            0 | 1 => b.requires(p, &f),
            2 | 3 => b.rejects(p, &f),
            4 => {
                let c = literalish(&mut r, nt, np);
                b.requires_when(p, &f, &c)
            }
            5 => {
                let a = atom(&mut r, nt, np);
                b.no_without(p, &a, &f)
            }
            6 | 7 => b.prefers(p, &f),
            8 => {
                let c = literalish(&mut r, nt, np);
                b.prefers_when(p, &f, &c)
            }
            _ => b.avoids(p, &f),
        };
        if r.below(2) == 0 {
            b.weight(id, 1 + r.below(5) as u32);
        }
    }
    if r.below(3) == 0 {
        let f = literalish(&mut r, nt, np);
        b.assume(&f);
    }
    if r.below(4) == 0 {
        let f = literalish(&mut r, nt, np);
        b.scenario("s0", &[&f]);
    }
    let _ = TOPICS;
    b.m
}

/// The rows (assignments over the dispute's atoms, as bit masks indexed
/// by atom id) in which the axioms `X@P -> X` hold.
fn rows(m: &Model, atoms: &[AtomId]) -> Vec<u64> {
    let mut out = Vec::new();
    for mask in 0u64..(1 << atoms.len()) {
        let mut row = 0u64;
        for (i, a) in atoms.iter().enumerate() {
            if mask >> i & 1 == 1 {
                row |= 1 << a.0;
            }
        }
        let axioms = atoms.iter().all(|a| {
            let at = m.atom(*a);
            match (at.party, m.base_atom(*a)) {
                (Some(_), Some(b)) => row >> a.0 & 1 == 0 || row >> b.0 & 1 == 1,
                _ => true,
            }
        });
        if axioms {
            out.push(row);
        }
    }
    out
}

fn dominates_max(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a != b
}

fn pareto_max(points: &BTreeSet<Vec<u64>>) -> BTreeSet<Vec<u64>> {
    points
        .iter()
        .filter(|p| !points.iter().any(|q| dominates_max(q, p)))
        .cloned()
        .collect()
}

/// Compares `deals` with brute force; `max_deals` small cuts the lists:
/// then every deal listed is still Pareto-optimal, the list is marked
/// truncated exactly when some Pareto-optimal vector is missing, and the
/// marked best and fairest are still the exact optima (with their
/// tie-breaks), found by their own optimisation.
fn compare(seed: u64, scenario: bool, max_deals: usize) -> Result<(), TestCaseError> {
    let m = random_model(seed);
    let sc = if scenario && !m.scenarios.is_empty() {
        Some(ScenarioId(0))
    } else {
        None
    };
    let opts = Options {
        scenario: sc,
        max_deals,
        deadline: None,
    };
    let rep = deals(&m, &opts);
    if max_deals >= 10_000 {
        prop_assert!(!rep.truncated);
    }
    prop_assert_eq!(rep.truncated, rep.disputes.iter().any(|d| d.truncated));
    // every red line and wish is in exactly one dispute (without a
    // scenario); a dispute is left out only when it has neither
    if sc.is_none() {
        for s in &m.statements {
            let n = rep
                .disputes
                .iter()
                .filter(|d| d.statements.contains(&s.id))
                .count();
            if s.party.is_some() && matches!(s.kind.strength(), Strength::Hard | Strength::Soft) {
                prop_assert_eq!(n, 1, "statement {:?}", s.text);
            }
        }
    }
    for d in &rep.disputes {
        let topics: BTreeSet<TopicId> = d.topics.iter().copied().collect();
        let atoms: Vec<AtomId> = (0..m.atoms.len() as u32)
            .map(AtomId)
            .filter(|a| topics.contains(&m.atom(*a).topic))
            .collect();
        let st = |k: Strength| -> Vec<&Statement> {
            d.statements
                .iter()
                .map(|s| m.statement(*s))
                .filter(|s| {
                    s.kind.strength() == k && (k == Strength::Background) == s.party.is_none()
                })
                .collect()
        };
        let mut bg: Vec<Expr> = st(Strength::Background)
            .iter()
            .map(|s| s.formula.clone())
            .collect();
        if let Some(sc) = sc {
            bg.extend(m.scenario(sc).formulas.iter().cloned());
        }
        let hard = st(Strength::Hard);
        let wishes = st(Strength::Soft);
        let pidx = |p: Option<PartyId>| d.parties.iter().position(|q| Some(*q) == p).unwrap();
        let all_rows = rows(&m, &atoms);
        let bg_rows: Vec<u64> = all_rows
            .iter()
            .copied()
            .filter(|r| bg.iter().all(|f| ev(f, *r)))
            .collect();
        if bg_rows.is_empty() {
            prop_assert_eq!(d.state, State::Background);
            continue;
        }
        let ok_rows: Vec<u64> = bg_rows
            .iter()
            .copied()
            .filter(|r| hard.iter().all(|s| ev(&s.formula, *r)))
            .collect();
        let np = d.parties.len();
        if !ok_rows.is_empty() {
            prop_assert_eq!(d.state, State::Consistent);
            let has_wish: Vec<bool> = (0..np)
                .map(|i| wishes.iter().any(|s| pidx(s.party) == i))
                .collect();
            let score = |r: u64| {
                let mut v = vec![0u64; np];
                for s in &wishes {
                    if ev(&s.formula, r) {
                        v[pidx(s.party)] += u64::from(s.weight);
                    }
                }
                v
            };
            let min_of = |v: &[u64]| {
                v.iter()
                    .zip(&has_wish)
                    .filter(|(_, h)| **h)
                    .map(|(x, _)| *x)
                    .min()
                    .unwrap_or(0)
            };
            let all: BTreeSet<Vec<u64>> = ok_rows.iter().map(|r| score(*r)).collect();
            let front = pareto_max(&all);
            let standings: Vec<&Standing> = d.deals.iter().map(|x| &x.standing).collect();
            within_limit(&standings, &all, &front, d, max_deals, seed, |v| {
                // a deal's cost: minus its total, minus its lowest score
                (-(v.iter().sum::<u64>() as i128), -(min_of(v) as i128))
            })?;
            for x in &d.deals {
                // the outcome shown realises the deal
                let row = x.holds.iter().fold(0u64, |r, a| r | 1 << a.0);
                prop_assert!(ok_rows.contains(&row), "deal outcome is acceptable");
                prop_assert_eq!(score(row), x.standing.vector.clone());
                for s in &x.met {
                    prop_assert!(ev(&m.statement(*s).formula, row));
                }
                for s in &x.missed {
                    prop_assert!(!ev(&m.statement(*s).formula, row));
                }
                prop_assert_eq!(x.met.len() + x.missed.len(), wishes.len());
            }
        } else {
            prop_assert_eq!(d.state, State::Conflicting);
            // the sets of red lines each acceptable row violates
            let violated: BTreeSet<u64> = bg_rows
                .iter()
                .map(|r| {
                    hard.iter()
                        .enumerate()
                        .filter(|(_, s)| !ev(&s.formula, *r))
                        .fold(0u64, |acc, (i, _)| acc | 1 << i)
                })
                .collect();
            let sat_without = |w: &[bool]| {
                let wm = w
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| **o)
                    .fold(0u64, |acc, (i, _)| acc | 1 << i);
                violated.iter().any(|v| v & !wm == 0)
            };
            let mut all: BTreeSet<Vec<u64>> = BTreeSet::new();
            for mask in 0u64..(1 << hard.len()) {
                let w: Vec<bool> = (0..hard.len()).map(|i| mask >> i & 1 == 1).collect();
                if sat_without(&w) {
                    let mut v = vec![0u64; np];
                    for (s, out) in hard.iter().zip(&w) {
                        if *out {
                            v[pidx(s.party)] += u64::from(s.weight);
                        }
                    }
                    all.insert(v);
                }
            }
            let neg: BTreeSet<Vec<u64>> = all
                .iter()
                .map(|v| v.iter().map(|x| 1000 - x).collect())
                .collect();
            let front: BTreeSet<Vec<u64>> = pareto_max(&neg)
                .iter()
                .map(|v| v.iter().map(|x| 1000 - x).collect())
                .collect();
            let standings: Vec<&Standing> = d.concessions.iter().map(|x| &x.standing).collect();
            within_limit(&standings, &all, &front, d, max_deals, seed, |v| {
                let highest = v.iter().copied().max().unwrap_or(0);
                (v.iter().sum::<u64>() as i128, highest as i128)
            })?;
            for x in &d.concessions {
                // a minimal correction set with exactly these costs
                let w: Vec<bool> = hard.iter().map(|s| x.withdraw.contains(&s.id)).collect();
                prop_assert!(sat_without(&w), "withdrawing makes it consistent");
                for i in 0..w.len() {
                    if w[i] {
                        let mut less = w.clone();
                        less[i] = false;
                        prop_assert!(!sat_without(&less), "minimal correction set");
                    }
                }
                let mut v = vec![0u64; np];
                for s in &x.withdraw {
                    let s = m.statement(*s);
                    v[pidx(s.party)] += u64::from(s.weight);
                }
                prop_assert_eq!(&v, &x.standing.vector);
            }
        }
    }
    Ok(())
}

/// The `listed` deals or concessions of a dispute against brute force
/// (`all` the vectors of every outcome, `front` the Pareto-optimal ones,
/// `key` a vector's (total, unfairness) cost, lower is better): all
/// Pareto-optimal, one per vector, at most the limit (or the two optima
/// found first, when it is 1), all of the front unless the dispute says it is truncated,
/// and the marks exactly on the lexicographic optima of LANGUAGE.md §10
/// (best: lowest total cost, then unfairness; fairest: the other way).
fn within_limit(
    listed: &[&Standing],
    all: &BTreeSet<Vec<u64>>,
    front: &BTreeSet<Vec<u64>>,
    d: &stancecheck::deals::Dispute,
    max_deals: usize,
    seed: u64,
    key: impl Fn(&[u64]) -> (i128, i128),
) -> Result<(), TestCaseError> {
    let got: BTreeSet<Vec<u64>> = listed.iter().map(|x| x.vector.clone()).collect();
    prop_assert_eq!(got.len(), listed.len(), "one entry per vector");
    prop_assert!(
        got.is_subset(front),
        "seed {}: {:?} not in {:?}",
        seed,
        got,
        front
    );
    prop_assert_eq!(d.truncated, &got != front, "seed {}", seed);
    prop_assert!(
        listed.len() <= max_deals + 2,
        "seed {}: {} listed",
        seed,
        listed.len()
    );
    prop_assert!(
        d.marks_exact,
        "seed {}: no deadline, the marks are exact",
        seed
    );
    let best = all.iter().map(|v| key(v)).min().unwrap();
    let fair = all
        .iter()
        .map(|v| key(v))
        .map(|(t, u)| (u, t))
        .min()
        .unwrap();
    prop_assert!(listed.iter().any(|x| x.best), "seed {}", seed);
    prop_assert!(listed.iter().any(|x| x.fairest), "seed {}", seed);
    for x in listed {
        prop_assert_eq!(x.total, x.vector.iter().sum::<u64>());
        let (t, u) = key(&x.vector);
        prop_assert_eq!(x.best, (t, u) == best, "seed {}: best marked exactly", seed);
        prop_assert_eq!(
            x.fairest,
            (u, t) == fair,
            "seed {}: fairest marked exactly",
            seed
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 400, rng_seed: RngSeed::Fixed(0xdea1), failure_persistence: None, ..Config::default() })]
    #[test]
    fn deals_match_brute_force(seed in any::<u64>()) {
        compare(seed, false, 10_000)?;
    }

    #[test]
    fn deals_in_a_scenario_match_brute_force(seed in any::<u64>()) {
        compare(seed, true, 10_000)?;
    }

    /// `--max-deals 1` to `3`: lists cut short, optima still exact.
    #[test]
    fn cut_lists_keep_exact_optima(seed in any::<u64>(), max_deals in 1usize..=3, scenario in any::<bool>()) {
        compare(seed, scenario, max_deals)?;
    }
}

#[test]
fn max_deals_truncates() {
    // three parties with opposed wishes: a front of several deals
    let mut b = Builder::new();
    for t in ["a", "b", "c"] {
        b.prefers("p0", t);
        b.avoids("p1", t);
    }
    b.prefers("p2", "a and b");
    let m = b.m;
    let full = deals(
        &m,
        &Options {
            max_deals: 100,
            ..Options::default()
        },
    );
    assert!(!full.truncated);
    let n = full.disputes.iter().map(|d| d.deals.len()).sum::<usize>();
    assert!(n >= 2, "{full:?}");
    let cut = deals(
        &m,
        &Options {
            max_deals: 1,
            ..Options::default()
        },
    );
    assert!(cut.truncated);
    // the limit, or the two optima found first when they are more
    assert!(cut.disputes.iter().all(|d| d.deals.len() <= 2), "{cut:?}");
    // the marked deals of the cut list are those of the full list
    let marked = |r: &stancecheck::deals::Report| -> Vec<(Vec<u64>, bool, bool)> {
        r.disputes
            .iter()
            .flat_map(|d| &d.deals)
            .filter(|x| x.standing.best || x.standing.fairest)
            .map(|x| {
                (
                    x.standing.vector.clone(),
                    x.standing.best,
                    x.standing.fairest,
                )
            })
            .collect()
    };
    // (a tie of several optima may be cut to one of them)
    let all_marked = marked(&full);
    assert!(
        marked(&cut).iter().all(|x| all_marked.contains(x)),
        "{cut:?}"
    );
    for d in &cut.disputes {
        assert!(d.deals.iter().any(|x| x.standing.best), "{d:?}");
        assert!(d.deals.iter().any(|x| x.standing.fairest), "{d:?}");
    }
    assert!(cut.disputes.iter().all(|d| d.marks_exact));
}

/// The optimum cost of a DIMACS WCNF text (`p wcnf V C TOP`), by brute
/// force over the soft units kept (each soft clause of the export is a
/// unit): the lowest total weight of the soft units left out such that the
/// hard clauses and the kept units hold together; `None` when the hard
/// clauses alone cannot.
fn wcnf_optimum(text: &str) -> Option<u64> {
    let mut vars = 0usize;
    let mut top = 0u64;
    let mut hard: Vec<Vec<i32>> = Vec::new();
    let mut soft: Vec<(u64, i32)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('c') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.first() == Some(&"p") {
            assert_eq!(f[1], "wcnf");
            vars = f[2].parse().unwrap();
            top = f[4].parse().unwrap();
            continue;
        }
        let w: u64 = f[0].parse().unwrap();
        let lits: Vec<i32> = f[1..].iter().map(|x| x.parse().unwrap()).collect();
        assert_eq!(lits.last(), Some(&0), "{line}");
        let lits = lits[..lits.len() - 1].to_vec();
        if w == top {
            hard.push(lits);
        } else {
            assert!(w < top);
            assert_eq!(lits.len(), 1, "soft clauses are units: {line}");
            soft.push((w, lits[0]));
        }
    }
    assert_eq!(top, soft.iter().map(|s| s.0).sum::<u64>() + 1);
    let mut best = None;
    for mask in 0u64..(1 << soft.len()) {
        let cost: u64 = (0..soft.len())
            .filter(|i| mask >> i & 1 == 0)
            .map(|i| soft[i].0)
            .sum();
        if best.is_some_and(|b| cost >= b) {
            continue;
        }
        let mut clauses = hard.clone();
        for (i, s) in soft.iter().enumerate() {
            if mask >> i & 1 == 1 {
                clauses.push(vec![s.1]);
            }
        }
        if crate::export_cnf::dpll(&clauses, &mut vec![0i8; vars + 1]) {
            best = Some(cost);
        }
    }
    best
}

proptest! {
    #![proptest_config(Config {
        cases: 300,
        rng_seed: RngSeed::Fixed(0x5743_4e46),
        failure_persistence: None,
        ..Config::default()
    })]

    /// `stance export --format wcnf`: the optimum of the weighted MaxSAT
    /// instance is the sum of the disputes' cheapest concession totals, and
    /// its hard part fails when some dispute's assumptions do.
    #[test]
    fn wcnf_optimum_is_the_cheapest_concession_total(seed in any::<u64>()) {
        let m = random_model(seed);
        let text = stancecheck::logic::export::wcnf(&m, &stancecheck::source::SourceMap::new());
        let r = deals(&m, &Options { max_deals: usize::MAX, ..Options::default() });
        prop_assert!(!r.truncated);
        let background = r.disputes.iter().any(|d| d.state == State::Background);
        let cheapest: u64 = r
            .disputes
            .iter()
            .filter(|d| d.state == State::Conflicting)
            .map(|d| d.concessions.iter().map(|c| c.standing.total).min().unwrap_or(0))
            .sum();
        let opt = wcnf_optimum(&text);
        if background {
            prop_assert_eq!(opt, None, "{}", text);
        } else if let Some(opt) = opt {
            prop_assert_eq!(opt, cheapest, "{}", text);
        }
        // else: assumptions that fail by themselves in a component with
        // no red line and no wish, which `deals` leaves out
    }
}
