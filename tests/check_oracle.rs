//! Every finding kind against a brute-force truth-table oracle on random
//! small models: the lists of minimal sets must be identical.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod check_support;

use check_support::{Below, Builder, PARTIES, TOPICS, atom, ev, formula};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use stancecheck::check::{CheckOptions, check};
use stancecheck::diagnostic::{Kind, Role};
use stancecheck::model::*;
use std::collections::{BTreeMap, BTreeSet};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

impl Below for Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn literalish(r: &mut Rng, nt: u64, np: u64) -> String {
    let d = if r.below(2) == 0 { 0 } else { 1 };
    formula(r, nt, np, d)
}

fn random_model(seed: u64) -> Model {
    let mut r = Rng(seed | 1);
    for _ in 0..4 {
        r.next();
    }
    let np = 2 + r.below(2);
    let nt = 2 + r.below(3);
    let mut b = Builder::new();
    for p in PARTIES.iter().take(np as usize) {
        b.party(p);
    }
    let n = 1 + r.below(8);
    for _ in 0..n {
        let p = PARTIES[r.below(np) as usize];
        let f = literalish(&mut r, nt, np);
        match r.below(12) {
            0 | 1 => {
                b.requires(p, &f);
            }
            2 | 3 => {
                b.rejects(p, &f);
            }
            4 => {
                let c = literalish(&mut r, nt, np);
                b.requires_when(p, &f, &c);
            }
            5 => {
                let c = literalish(&mut r, nt, np);
                b.rejects_when(p, &f, &c);
            }
            6 => {
                let a = atom(&mut r, nt, np);
                b.no_without(p, &a, &f);
            }
            7 => {
                let q = PARTIES[r.below(np) as usize];
                let t = TOPICS[r.below(nt) as usize];
                b.duty(p, q, t);
            }
            8 => {
                b.prefers(p, &f);
            }
            9 => {
                let c = literalish(&mut r, nt, np);
                b.prefers_when(p, &f, &c);
            }
            10 => {
                b.avoids(p, &f);
            }
            _ => {
                b.claims(p, &f);
            }
        }
    }
    for _ in 0..r.below(3) {
        let f = literalish(&mut r, nt, np);
        b.assume(&f);
    }
    for i in 0..r.below(3) {
        let k = 1 + r.below(2);
        let fs: Vec<String> = (0..k).map(|_| literalish(&mut r, nt, np)).collect();
        let refs: Vec<&str> = fs.iter().map(String::as_str).collect();
        b.scenario(&format!("s{i}"), &refs);
    }
    b.m
}

// ---------- the oracle ----------

type Bits = Vec<u64>;

struct Oracle<'m> {
    m: &'m Model,
    rows: u64,
}

/// An item of the oracle: its member id and its truth table.
#[derive(Clone)]
struct It {
    id: (Role, u32),
    bits: Bits,
    party: Option<PartyId>,
}

impl<'m> Oracle<'m> {
    fn table(&self, e: &Expr) -> Bits {
        let mut b = vec![0u64; (self.rows as usize).div_ceil(64)];
        for row in 0..self.rows {
            if ev(e, row) {
                b[(row / 64) as usize] |= 1 << (row % 64);
            }
        }
        b
    }
    fn stmt(&self, s: &Statement) -> It {
        It {
            id: (Role::Party, s.span.start),
            bits: self.table(&s.formula),
            party: s.party,
        }
    }
    fn def(&self, a: usize) -> Option<It> {
        let at = self.m.atoms[a];
        at.party?;
        let base = self
            .m
            .atoms
            .iter()
            .position(|x| x.topic == at.topic && x.party.is_none())?;
        let e = Expr::Implies(
            Box::new(Expr::Atom(AtomId(a as u32))),
            Box::new(Expr::Atom(AtomId(base as u32))),
        );
        Some(It {
            id: (Role::Definition, self.m.atom_spans[a].start),
            bits: self.table(&e),
            party: None,
        })
    }
    fn sat(items: &[&It]) -> bool {
        let n = match items.first() {
            Some(i) => i.bits.len(),
            None => return true,
        };
        (0..n).any(|w| items.iter().fold(u64::MAX, |acc, i| acc & i.bits[w]) != 0)
    }
    /// All MUSes (as sorted id lists) of `u`, that contain `must` if given.
    fn muses(u: &[It], must: Option<usize>) -> Vec<Vec<(Role, u32)>> {
        let n = u.len();
        assert!(n <= 20);
        let mut out = Vec::new();
        for mask in 1u32..(1 << n) {
            if let Some(m) = must {
                if mask >> m & 1 == 0 {
                    continue;
                }
            }
            let pick = |mk: u32| -> Vec<&It> {
                (0..n).filter(|i| mk >> i & 1 == 1).map(|i| &u[i]).collect()
            };
            if Self::sat(&pick(mask)) {
                continue;
            }
            let minimal = (0..n)
                .filter(|i| mask >> i & 1 == 1)
                .all(|i| Self::sat(&pick(mask & !(1 << i))));
            if minimal {
                let mut ids: Vec<_> = pick(mask).iter().map(|i| i.id).collect();
                ids.sort();
                out.push(ids);
            }
        }
        out
    }
}

fn role_of(s: &Statement) -> Role {
    if s.party.is_some() {
        Role::Party
    } else {
        Role::Assumption
    }
}

fn components(m: &Model) -> Vec<usize> {
    // Component label per statement: topics connected through statements.
    let topics_of = |s: &Statement| -> BTreeSet<u32> {
        let mut out = BTreeSet::new();
        let mut st = vec![&s.formula];
        while let Some(e) = st.pop() {
            match e {
                Expr::Atom(a) => {
                    out.insert(m.atoms[a.0 as usize].topic.0);
                }
                Expr::Not(x) => st.push(x),
                Expr::And(xs) | Expr::Or(xs) => st.extend(xs),
                Expr::Implies(a, b) | Expr::Iff(a, b) => {
                    st.push(a);
                    st.push(b);
                }
            }
        }
        out
    };
    let ts: Vec<BTreeSet<u32>> = m.statements.iter().map(topics_of).collect();
    let mut label: Vec<usize> = (0..ts.len()).collect();
    loop {
        let mut changed = false;
        for i in 0..ts.len() {
            for j in 0..ts.len() {
                if label[j] < label[i] && !ts[i].is_disjoint(&ts[j]) {
                    label[i] = label[j];
                    changed = true;
                }
            }
        }
        // Propagate transitively.
        for i in 0..ts.len() {
            let l = label[label[i]];
            if l != label[i] {
                label[i] = l;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    label
}

type Sets = BTreeMap<&'static str, Vec<Vec<(Role, u32)>>>;

fn expected(m: &Model) -> Sets {
    let rows = 1u64 << m.atoms.len();
    let o = Oracle { m, rows };
    let comp = components(m);
    let topic_comp = |t: u32| -> Option<usize> {
        m.statements
            .iter()
            .enumerate()
            .find(|(_, s)| {
                let mut hit = false;
                let mut st = vec![&s.formula];
                while let Some(e) = st.pop() {
                    match e {
                        Expr::Atom(a) => hit |= m.atoms[a.0 as usize].topic.0 == t,
                        Expr::Not(x) => st.push(x),
                        Expr::And(xs) | Expr::Or(xs) => st.extend(xs),
                        Expr::Implies(a, b) | Expr::Iff(a, b) => {
                            st.push(a);
                            st.push(b);
                        }
                    }
                }
                hit
            })
            .map(|(i, _)| comp[i])
    };
    let mut out: Sets = BTreeMap::new();
    let mut push = |k: &'static str, v: Vec<(Role, u32)>| out.entry(k).or_default().push(v);
    // Definition items by component.
    let def_comp = |a: usize| topic_comp(m.atoms[a].topic.0);
    let all_defs: Vec<(usize, It)> = (0..m.atoms.len())
        .filter_map(|a| o.def(a).map(|d| (a, d)))
        .collect();
    let labels: BTreeSet<usize> = comp.iter().copied().collect();
    let mut a_bad: BTreeSet<usize> = BTreeSet::new();
    // Tautologies (over rows satisfying every definition).
    let defs_bits: Vec<&It> = all_defs.iter().map(|(_, d)| d).collect();
    let mut tauts = BTreeSet::new();
    for s in &m.statements {
        let neg = It {
            id: (Role::Party, 0),
            bits: o.table(&Expr::Not(Box::new(s.formula.clone()))),
            party: None,
        };
        let mut v = defs_bits.clone();
        v.push(&neg);
        if !Oracle::sat(&v) {
            tauts.insert(s.id);
            push("tautology", vec![(role_of(s), s.span.start)]);
        }
    }
    for k in labels {
        let stmts: Vec<&Statement> = m
            .statements
            .iter()
            .enumerate()
            .filter(|(i, _)| comp[*i] == k)
            .map(|(_, s)| s)
            .collect();
        let item = |s: &Statement| {
            let mut i = o.stmt(s);
            i.id.0 = role_of(s);
            i
        };
        let mut a: Vec<It> = stmts
            .iter()
            .filter(|s| s.kind == StmtKind::Assume)
            .map(|s| item(s))
            .collect();
        a.extend(
            all_defs
                .iter()
                .filter(|(x, _)| def_comp(*x) == Some(k))
                .map(|(_, d)| d.clone()),
        );
        let ar: Vec<&It> = a.iter().collect();
        if !Oracle::sat(&ar) {
            a_bad.insert(k);
            for s in Oracle::muses(&a, None) {
                push("assumptions-inconsistent", s);
            }
            continue;
        }
        fn hard(s: &&&Statement) -> bool {
            s.kind.strength() == Strength::Hard
        }
        let parties: BTreeSet<PartyId> = stmts.iter().filter_map(|s| s.party).collect();
        for p in &parties {
            let mut u: Vec<It> = stmts
                .iter()
                .filter(|s| {
                    s.party == Some(*p)
                        && matches!(s.kind.strength(), Strength::Hard | Strength::Belief)
                })
                .map(|s| item(s))
                .collect();
            u.extend(a.iter().cloned());
            for s in Oracle::muses(&u, None) {
                push("self-contradiction", s);
            }
        }
        let party_count = |ids: &[(Role, u32)], u: &[It]| -> usize {
            ids.iter()
                .filter_map(|id| u.iter().find(|i| i.id == *id).and_then(|i| i.party))
                .collect::<BTreeSet<_>>()
                .len()
        };
        let mut h: Vec<It> = stmts.iter().filter(hard).map(|s| item(s)).collect();
        h.extend(a.iter().cloned());
        for s in Oracle::muses(&h, None) {
            if party_count(&s, &h) >= 2 {
                push("conflict", s);
            }
        }
        let mut c: Vec<It> = stmts
            .iter()
            .filter(|s| s.kind == StmtKind::Claims)
            .map(|s| item(s))
            .collect();
        if !c.is_empty() {
            c.extend(a.iter().cloned());
            for s in Oracle::muses(&c, None) {
                if party_count(&s, &c) >= 2 {
                    push("disputed-claim", s);
                }
            }
        }
        let hr: Vec<&It> = h.iter().collect();
        if Oracle::sat(&hr) {
            let mut seen: Vec<&Expr> = Vec::new();
            for s in stmts.iter().filter(hard) {
                let Some(cnd) = s.condition() else { continue };
                if seen.contains(&cnd) {
                    continue;
                }
                seen.push(cnd);
                let mut u = h.clone();
                u.push(It {
                    id: (Role::Condition, s.condition_span.unwrap().start),
                    bits: o.table(cnd),
                    party: None,
                });
                let at = u.len() - 1;
                for set in Oracle::muses(&u, Some(at)) {
                    push("ruled-out", set);
                }
            }
            for s in stmts.iter().filter(|s| s.kind.strength() == Strength::Soft) {
                let mut u = h.clone();
                u.push(item(s));
                let at = u.len() - 1;
                for set in Oracle::muses(&u, Some(at)) {
                    push("unattainable-preference", set);
                }
            }
        }
        // Redundant: only which statements (sets are checked separately).
        for p in &parties {
            let mine: Vec<&&Statement> = stmts
                .iter()
                .filter(|s| s.party == Some(*p) && hard(s))
                .collect();
            let mut u: Vec<It> = mine.iter().map(|s| item(s)).collect();
            u.extend(a.iter().cloned());
            if !Oracle::sat(&u.iter().collect::<Vec<_>>()) {
                continue;
            }
            for s in &mine {
                if tauts.contains(&s.id) {
                    continue;
                }
                let mut v: Vec<&It> = Vec::new();
                let rest: Vec<It> = mine
                    .iter()
                    .filter(|x| x.id != s.id)
                    .map(|x| item(x))
                    .collect();
                v.extend(rest.iter());
                v.extend(a.iter());
                let neg = It {
                    id: (Role::Party, s.span.start),
                    bits: o.table(&Expr::Not(Box::new(s.formula.clone()))),
                    party: None,
                };
                v.push(&neg);
                if !Oracle::sat(&v) {
                    push("redundant", vec![(Role::Party, s.span.start)]);
                }
            }
        }
    }
    // Scenarios.
    for sc in &m.scenarios {
        let mut touched = BTreeSet::new();
        let mut own_topics = BTreeSet::new();
        for f in &sc.formulas {
            let mut st = vec![f];
            while let Some(e) = st.pop() {
                match e {
                    Expr::Atom(a) => {
                        own_topics.insert(m.atoms[a.0 as usize].topic.0);
                        if let Some(k) = topic_comp(m.atoms[a.0 as usize].topic.0) {
                            touched.insert(k);
                        }
                    }
                    Expr::Not(x) => st.push(x),
                    Expr::And(xs) | Expr::Or(xs) => st.extend(xs),
                    Expr::Implies(a, b) | Expr::Iff(a, b) => {
                        st.push(a);
                        st.push(b);
                    }
                }
            }
        }
        if touched.iter().any(|k| a_bad.contains(k)) {
            continue;
        }
        let mut u: Vec<It> = m
            .statements
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                touched.contains(&comp[*i])
                    && matches!(s.kind.strength(), Strength::Hard | Strength::Background)
            })
            .map(|(_, s)| {
                let mut i = o.stmt(s);
                i.id.0 = role_of(s);
                i
            })
            .collect();
        u.extend(
            all_defs
                .iter()
                .filter(|(x, _)| match def_comp(*x) {
                    Some(k) => touched.contains(&k),
                    None => own_topics.contains(&m.atoms[*x].topic.0),
                })
                .map(|(_, d)| d.clone()),
        );
        u.push(It {
            id: (Role::Scenario, sc.span.start),
            bits: o.table(&Expr::And(sc.formulas.clone())),
            party: None,
        });
        let at = u.len() - 1;
        let sets = Oracle::muses(&u, Some(at));
        if !sets.is_empty() {
            // Concessions: minimal W ⊆ party statements with the rest sat.
            let party_idx: Vec<usize> = (0..u.len()).filter(|i| u[*i].party.is_some()).collect();
            let n = party_idx.len();
            let mut mcs: Vec<Vec<u32>> = Vec::new();
            let ok = |w: u32| -> bool {
                let v: Vec<&It> = (0..u.len())
                    .filter(|i| match party_idx.iter().position(|p| p == i) {
                        Some(j) => w >> j & 1 == 0,
                        None => true,
                    })
                    .map(|i| &u[i])
                    .collect();
                Oracle::sat(&v)
            };
            for w in 1u32..(1 << n) {
                if ok(w)
                    && (0..n)
                        .filter(|j| w >> j & 1 == 1)
                        .all(|j| !ok(w & !(1 << j)))
                {
                    mcs.push(
                        (0..n)
                            .filter(|j| w >> j & 1 == 1)
                            .map(|j| u[party_idx[j]].id.1)
                            .collect(),
                    );
                }
            }
            mcs.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
            let enc: Vec<(Role, u32)> = mcs
                .iter()
                .flat_map(|c| {
                    c.iter()
                        .map(|x| (Role::Party, *x))
                        .chain([(Role::Condition, u32::MAX)])
                })
                .collect();
            push("concessions", enc);
        }
        for s in sets {
            push("infeasible-scenario", s);
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn actual(m: &Model) -> (Sets, bool) {
    let out = check(
        m,
        &CheckOptions {
            max_sets: 10_000,
            time_budget: None,
        },
    );
    let mut got: Sets = BTreeMap::new();
    for d in &out.diagnostics {
        let name = d.kind.name();
        if d.kind == Kind::UnacceptedDuty {
            continue;
        }
        let mut ids: Vec<(Role, u32)> = d.members.iter().map(|x| (x.role, x.span.start)).collect();
        ids.sort();
        if d.kind == Kind::Redundant {
            // The redundant statement carries the label; the set must be a
            // valid explanation (checked in `redundant_sets_are_minimal`).
            let s = d.labels.first().map(|l| l.span.start).unwrap();
            got.entry(name).or_default().push(vec![(Role::Party, s)]);
            continue;
        }
        if d.kind == Kind::Tautology {
            got.entry(name).or_default().push(ids);
            continue;
        }
        if d.kind == Kind::InfeasibleScenario {
            let enc: Vec<(Role, u32)> = d
                .concessions
                .iter()
                .flat_map(|c| {
                    let mut xs: Vec<u32> = c.iter().map(|r| r.span.start).collect();
                    xs.sort();
                    xs.into_iter()
                        .map(|x| (Role::Party, x))
                        .chain([(Role::Condition, u32::MAX)])
                        .collect::<Vec<_>>()
                })
                .collect();
            let e = got.entry("concessions").or_default();
            if !e.contains(&enc) {
                e.push(enc);
            }
        }
        got.entry(name).or_default().push(ids);
    }
    for v in got.values_mut() {
        v.sort();
    }
    (got, out.truncated)
}

/// Each redundant finding's members: the statement s and a set T such that
/// T ∪ {not s} is a minimal unsatisfiable set.
fn check_redundant_sets(m: &Model) -> Result<(), TestCaseError> {
    let o = Oracle {
        m,
        rows: 1u64 << m.atoms.len(),
    };
    let out = check(
        m,
        &CheckOptions {
            max_sets: 10_000,
            time_budget: None,
        },
    );
    for d in out.diagnostics.iter().filter(|d| d.kind == Kind::Redundant) {
        let s_start = d.labels[0].span.start;
        let s = m
            .statements
            .iter()
            .find(|x| x.span.start == s_start)
            .unwrap();
        let mut u: Vec<It> = vec![It {
            id: (Role::Party, 0),
            bits: o.table(&Expr::Not(Box::new(s.formula.clone()))),
            party: None,
        }];
        for mem in &d.members {
            if mem.span.start == s_start && mem.role != Role::Definition {
                continue;
            }
            if mem.role == Role::Definition {
                let a = m.atom_spans.iter().position(|x| *x == mem.span).unwrap();
                u.push(o.def(a).unwrap());
            } else {
                let x = m
                    .statements
                    .iter()
                    .find(|x| x.span.start == mem.span.start)
                    .unwrap();
                prop_assert!(x.party == s.party || x.party.is_none());
                u.push(o.stmt(x));
            }
        }
        let all: Vec<&It> = u.iter().collect();
        prop_assert!(!Oracle::sat(&all));
        for i in 0..u.len() {
            let v: Vec<&It> = u
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, x)| x)
                .collect();
            prop_assert!(Oracle::sat(&v), "not minimal: {:?}", d.members);
        }
    }
    Ok(())
}

fn compare(seed: u64) -> Result<(), TestCaseError> {
    let m = random_model(seed);
    check_redundant_sets(&m)?;
    let want = expected(&m);
    let (got, truncated) = actual(&m);
    prop_assert!(!truncated);
    // Concessions: one entry per infeasible scenario; duplicates across
    // scenarios with the same list collapse in `actual`, so compare sets.
    let mut want = want;
    if let Some(c) = want.get_mut("concessions") {
        c.dedup();
    }
    prop_assert_eq!(
        &got,
        &want,
        "seed {} model {:#?}",
        seed,
        m.statements
            .iter()
            .map(|s| (&s.text, s.party))
            .collect::<Vec<_>>()
    );
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 300, rng_seed: RngSeed::Fixed(0x5eed), failure_persistence: None, ..Config::default() })]
    #[test]
    fn findings_match_brute_force(seed in any::<u64>()) {
        compare(seed)?;
    }
}

#[test]
#[ignore = "long run"]
fn findings_match_brute_force_long() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut stats: BTreeMap<&'static str, usize> = BTreeMap::new();
    for i in 0..5000 {
        let seed = r.next();
        if i < 1000 {
            for (k, v) in expected(&random_model(seed)) {
                *stats.entry(k).or_default() += v.len();
            }
        }
        if let Err(e) = compare(seed) {
            panic!("{e}");
        }
    }
    eprintln!("sets found in the first 1000 models: {stats:?}");
    // Every kind occurs.
    assert!(stats.len() >= 10, "{stats:?}");
}
