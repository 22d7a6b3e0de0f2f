//! `stance export`: the exported clauses are satisfiable exactly when the
//! red lines and assumptions hold together (truth table over the model's
//! atoms), and exactly when the checker finds no conflict,
//! self-contradiction or inconsistent assumptions; the group CNF text
//! agrees with the DIMACS text.

use crate::support::check::{Builder, PARTIES, TOPICS, atom, ev, formula};
use stancecheck::check::{CheckOptions, check};
use stancecheck::diagnostic::Kind;
use stancecheck::generate::Rng;
use stancecheck::logic::export;
use stancecheck::model::*;
use stancecheck::source::SourceMap;

fn random_model(seed: u64) -> Model {
    let mut r = Rng::new(seed);
    let np = 2 + r.below(2);
    let nt = 2 + r.below(3);
    let mut b = Builder::new();
    for p in PARTIES.iter().take(np) {
        b.party(p);
    }
    for _ in 0..1 + r.below(7) {
        let p = PARTIES[r.below(np)];
        let depth = 1 + r.below(2) as u32;
        let f = formula(&mut r, nt as u64, np as u64, depth);
        match r.below(9) {
            0 | 1 => {
                b.requires(p, &f);
            }
            2 | 3 => {
                b.rejects(p, &f);
            }
            4 => {
                let c = formula(&mut r, nt as u64, np as u64, 1);
                b.requires_when(p, &f, &c);
            }
            5 => {
                let a = atom(&mut r, nt as u64, np as u64);
                b.no_without(p, &a, &f);
            }
            6 => {
                b.duty(p, PARTIES[r.below(np)], TOPICS[r.below(nt)]);
            }
            7 => {
                b.prefers(p, &f);
            }
            _ => {
                // Claims are left out: a party's claims take part in its
                // self-contradictions but not in H and A.
                b.avoids(p, &f);
            }
        }
    }
    for _ in 0..r.below(3) {
        let f = formula(&mut r, nt as u64, np as u64, 1);
        b.assume(&f);
    }
    b.m
}

/// Whether H ∪ A (with the `X@P -> X` axioms) holds in some outcome.
fn truth_table(m: &Model) -> bool {
    let n = m.atoms.len() as u32;
    (0..1u64 << n).any(|row| {
        let axioms = m.atoms.iter().enumerate().all(|(i, a)| {
            if a.party.is_none() {
                return true;
            }
            match m.base_atom(AtomId(i as u32)) {
                Some(b) => row >> i & 1 == 0 || row >> b.0 & 1 == 1,
                None => true,
            }
        });
        axioms
            && m.statements.iter().all(|s| {
                !matches!(s.kind.strength(), Strength::Hard | Strength::Background)
                    || ev(&s.formula, row)
            })
    })
}

/// A small DPLL over DIMACS clauses.
pub(crate) fn dpll(clauses: &[Vec<i32>], assign: &mut [i8]) -> bool {
    loop {
        let mut unit = None;
        for c in clauses {
            let mut open = None;
            let mut n_open = 0;
            let mut sat = false;
            for &l in c {
                let v = assign[l.unsigned_abs() as usize];
                if v == 0 {
                    n_open += 1;
                    open = Some(l);
                } else if (v > 0) == (l > 0) {
                    sat = true;
                    break;
                }
            }
            if sat {
                continue;
            }
            match n_open {
                0 => return false,
                1 => {
                    unit = open;
                    break;
                }
                _ => {}
            }
        }
        match unit {
            Some(l) => assign[l.unsigned_abs() as usize] = if l > 0 { 1 } else { -1 },
            None => break,
        }
    }
    let Some(v) = (1..assign.len()).find(|v| assign[*v] == 0) else {
        return true;
    };
    for val in [1, -1] {
        let mut next = assign.to_vec();
        next[v] = val;
        if dpll(clauses, &mut next) {
            return true;
        }
    }
    false
}

fn clauses_of(text: &str, gcnf: bool) -> (Vec<(usize, Vec<i32>)>, Vec<usize>) {
    let mut header = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('c') {
            continue;
        }
        if let Some(h) = line.strip_prefix("p ") {
            header = h
                .split_whitespace()
                .skip(1)
                .map(|x| x.parse().unwrap())
                .collect();
            continue;
        }
        let mut rest = line;
        let mut group = 0;
        if gcnf {
            let (g, r) = line.strip_prefix('{').unwrap().split_once("} ").unwrap();
            group = g.parse().unwrap();
            rest = r;
        }
        let mut lits: Vec<i32> = rest
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(lits.pop(), Some(0));
        out.push((group, lits));
    }
    (out, header)
}

#[test]
fn exported_clauses_are_satisfiable_exactly_when_the_checker_says_so() {
    let sources = SourceMap::new();
    let mut unsat = 0;
    for seed in 0..400 {
        let m = random_model(seed);
        let cnf = export::cnf(&m);
        let mut all: Vec<Vec<i32>> = cnf.background.clone();
        for g in &cnf.groups {
            all.extend(g.clauses.iter().cloned());
        }
        let mut assign = vec![0i8; cnf.vars as usize + 1];
        let sat = dpll(&all, &mut assign);
        assert_eq!(sat, truth_table(&m), "seed {seed}: {:#?}", m.statements);
        let out = check(&m, &CheckOptions::default());
        let found = out.diagnostics.iter().any(|d| {
            matches!(
                d.kind,
                Kind::Conflict | Kind::SelfContradiction | Kind::AssumptionsInconsistent
            )
        });
        assert_eq!(found, !sat, "seed {seed}");
        unsat += usize::from(!sat);

        // The texts: same clauses, right counts, groups in range.
        let (d, dh) = clauses_of(&export::dimacs(&m, &sources), false);
        let (g, gh) = clauses_of(&export::gcnf(&m, &sources), true);
        assert_eq!(dh, vec![cnf.vars as usize, all.len()]);
        assert_eq!(gh, vec![cnf.vars as usize, all.len(), cnf.groups.len()]);
        let dl: Vec<Vec<i32>> = d.into_iter().map(|(_, c)| c).collect();
        let gl: Vec<Vec<i32>> = g.iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(dl, gl);
        assert_eq!(dl, all);
        assert!(g.iter().all(|(k, _)| *k <= cnf.groups.len()));
        let hard_or_a = m
            .statements
            .iter()
            .filter(|s| matches!(s.kind.strength(), Strength::Hard | Strength::Background))
            .count();
        assert_eq!(cnf.groups.len(), hard_or_a);
    }
    // Both answers occur often enough for the comparison to mean something.
    assert!(unsat > 40 && unsat < 360, "{unsat} unsatisfiable of 400");
}
