//! Random small dated models (LANGUAGE.md §11), shared by the timeline
//! oracles.

use super::check::{Below, Builder, PARTIES, atom, formula, literalish};
use stancecheck::date::Date;
use stancecheck::model::{Model, PartyId, Statement, StmtId};
use stancecheck::source::Span;

pub use super::check::Rng;

/// A day of February 2025.
pub fn day(d: u8) -> Date {
    Date::new(2025, 2, d).unwrap()
}

/// Snapshot dates of random models (`None`: undated).
pub const DATES: [Option<u8>; 5] = [None, Some(10), Some(12), Some(20), Some(26)];

/// A random small model whose statements are undated or dated on one
/// of four days of February 2025.
pub fn random_model(seed: u64) -> Model {
    let mut r = Rng(seed | 1);
    let np = 1 + r.below(2);
    let nt = 2 + r.below(2);
    let mut b = Builder::new();
    for p in PARTIES.iter().take(np as usize) {
        b.party(p);
    }
    for _ in 0..1 + r.below(9) {
        let p = PARTIES[r.below(np) as usize];
        let d = if r.below(2) == 0 { 1 } else { 0 };
        let f = formula(&mut r, nt, np, d);
        match r.below(7) {
            0 | 1 => b.requires(p, &f),
            2 | 3 => b.rejects(p, &f),
            4 => {
                let a = atom(&mut r, nt, np);
                b.no_without(p, &a, &f)
            }
            5 => b.prefers(p, &f),
            _ => b.claims(p, &f),
        };
        let date = DATES[r.below(DATES.len() as u64) as usize].map(day);
        b.m.statements.last_mut().unwrap().date = date;
    }
    for _ in 0..r.below(2) {
        let f = formula(&mut r, nt, np, 1);
        b.assume(&f);
    }
    b.m
}

/// `m` with the snapshot of `party` dated `from` restated in a snapshot
/// dated `to`: each statement copied right after its original (half a
/// line further, so that the copies keep the originals' places in source
/// order among the other statements), then changed by `edit`.
pub fn restated(
    m: &Model,
    party: PartyId,
    from: Date,
    to: Date,
    edit: impl Fn(&mut Statement),
) -> Model {
    let shift = |s: Span| Span::new(s.file, s.start as usize + 500, s.end as usize + 500);
    let mut out = m.clone();
    out.statements.clear();
    for s in &m.statements {
        out.statements.push(s.clone());
        if s.party == Some(party) && s.date == Some(from) {
            let mut copy = s.clone();
            copy.date = Some(to);
            copy.span = shift(s.span);
            copy.condition_span = s.condition_span.map(shift);
            edit(&mut copy);
            out.statements.push(copy);
        }
    }
    for (i, s) in out.statements.iter_mut().enumerate() {
        s.id = StmtId(i as u32);
    }
    out
}

/// `f` (a formula of [`super::check::formula`]) with each topic `x`
/// renamed `x{g}`: the topics of group `g` alone.
fn in_group(f: &str, g: u64) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut after_at = false;
    let flush = |word: &mut String, out: &mut String, after_at: bool| {
        if !after_at && super::check::TOPICS.contains(&word.as_str()) {
            out.push_str(&format!("{word}{g}"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in f.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out, after_at);
            after_at = c == '@';
            out.push(c);
        }
    }
    flush(&mut word, &mut out, after_at);
    out
}

/// A random dated model of 1–4 groups of statements over disjoint topics
/// (independent parts), the parties shared by the groups (a party's
/// snapshot may have statements in several groups), with scenarios and
/// undated expectations that may span groups.
pub fn random_parts_model(seed: u64) -> Model {
    use stancecheck::model::ExpectKind;
    let mut r = Rng(seed | 1);
    for _ in 0..3 {
        r.next();
    }
    let np = 2 + r.below(2);
    let nt = 2 + r.below(2);
    let ng = 1 + r.below(4);
    let mut b = Builder::new();
    for p in PARTIES.iter().take(np as usize) {
        b.party(p);
    }
    for g in 0..ng {
        for _ in 0..1 + r.below(6) {
            let p = PARTIES[r.below(np) as usize];
            let d = if r.below(2) == 0 { 1 } else { 0 };
            let f = in_group(&formula(&mut r, nt, np, d), g);
            match r.below(7) {
                0 | 1 => b.requires(p, &f),
                2 | 3 => b.rejects(p, &f),
                4 => {
                    let a = in_group(&atom(&mut r, nt, np), g);
                    b.no_without(p, &a, &f)
                }
                5 => b.prefers(p, &f),
                _ => b.claims(p, &f),
            };
            let date = DATES[r.below(DATES.len() as u64) as usize].map(day);
            b.m.statements.last_mut().unwrap().date = date;
        }
        if r.below(3) == 0 {
            let f = in_group(&formula(&mut r, nt, np, 1), g);
            b.assume(&f);
        }
    }
    for i in 0..r.below(3) {
        let g = r.below(ng);
        let mut fs = vec![in_group(&atom(&mut r, nt, np), g)];
        if r.below(3) == 0 {
            // over two groups
            let h = r.below(ng);
            fs.push(in_group(&literalish(&mut r, nt, np), h));
        }
        let fs: Vec<&str> = fs.iter().map(String::as_str).collect();
        let s = b.scenario(&format!("s{i}"), &fs);
        match r.below(4) {
            0 => {
                b.expect(ExpectKind::Feasible(s, None), "expect feasible");
            }
            1 => {
                let p = b.pid(PARTIES[r.below(np) as usize]);
                b.expect(
                    ExpectKind::Infeasible(s, Some(vec![p])),
                    "expect infeasible",
                );
            }
            _ => {}
        }
    }
    match r.below(5) {
        0 => {
            let p = b.pid(PARTIES[r.below(np) as usize]);
            b.expect(ExpectKind::Consistent(vec![p]), "expect consistent");
        }
        1 => {
            let mut ps = vec![b.pid(PARTIES[0]), b.pid(PARTIES[1])];
            ps.sort_unstable();
            b.expect(ExpectKind::Conflict(ps), "expect conflict");
        }
        2 => {
            let g = r.below(ng);
            let f = in_group(&formula(&mut r, nt, np, 1), g);
            b.expect_impossible(&f);
        }
        _ => {}
    }
    b.m
}
