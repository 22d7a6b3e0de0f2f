//! Per-component results kept between checks of similar models (the
//! language server after an edit, the states of a timeline).
//!
//! A component's findings depend only on what it contains, the options,
//! and — through the `max_sets` limits, which count sets per kind over the
//! whole model — on how many sets earlier components reported. So:
//!
//! - The **key** is a canonical description of everything about a
//!   component that its checks read: its statements in order (party and
//!   its name, kind, formula with atoms by name, condition, label, quote,
//!   weight, date, text, span length), its atoms in id order (names, their
//!   `X@P -> X` axiom), its parties in id order, the scenarios that touch
//!   it alone, `max_sets`, and the layout of its spans (order, files,
//!   which span lies in which statement) — but no absolute position, so an
//!   edit elsewhere, which shifts every later span, keeps the key.
//! - The findings are stored **position-independently**: every span as
//!   (anchor, offset in it), an anchor being one of the component's
//!   statements, scenarios or atom spans; ids as indices into the
//!   component's own lists. A finding with a span outside every anchor is
//!   not cached (its component is checked afresh every time).
//! - Every `room` the checks asked (how many more sets of a kind may be
//!   reported) is recorded with the range of answers under which the
//!   checks would have run exactly as they did; an entry is reused only
//!   when every answer now falls in its range.
//! - A result computed when the deadline had passed by its end is never
//!   stored (the time budget may have cut it short).
//!
//! The checks over the whole model (duties, scenarios over several
//! components, expectations, the notes of deals, the numbering of alike
//! findings, the order) always run afresh on the findings; so the output
//! is the plain [`super::check_at`]'s, byte for byte.
//!
//! One analysis is a *round* ([`CheckCache::start_round`] …
//! [`CheckCache::end_round`]): entries not used in the latest round are
//! dropped, so the cache holds one model's worth of components.

use super::session::Components;
use super::{CheckOptions, CheckOutput, CompState, Ctx, Finding, check_at_cached, check_component};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::hash::NameMap;
use crate::model::{AtomId, Expr, Model, PartyId, ScenarioId, StmtId};
use crate::source::{FileId, Span};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::time::Instant;

/// One answer of [`Ctx::room`] asked by a component's checks: the checks
/// run exactly as recorded whenever the room of `kind`, after `own_before`
/// sets of the component itself, is within `lo..=hi`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RoomNeed {
    pub kind: Kind,
    pub own_before: usize,
    pub lo: usize,
    pub hi: usize,
}

/// What the cache did, counted since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Components whose findings were reused.
    pub hits: u64,
    /// Components checked and stored.
    pub misses: u64,
    /// Components checked and not stored (a span outside the component,
    /// or the deadline passed).
    pub uncacheable: u64,
    /// Entries dropped because a round did not use them.
    pub evicted: u64,
}

/// The per-component results of earlier checks, by content.
#[derive(Debug, Default)]
pub struct CheckCache {
    /// By key (compared whole; foldhash, as the names of the input are).
    entries: NameMap<Vec<u8>, Entry>,
    round: u64,
    stats: CacheStats,
}

#[derive(Debug)]
struct Entry {
    /// The round that last used it.
    used: u64,
    rooms: Vec<RoomNeed>,
    /// Whether a limit cut the component's results short.
    cut: bool,
    findings: Vec<Stored>,
    state: CompState,
}

/// A finding with its spans as (anchor, offset) and its ids local.
#[derive(Debug)]
struct Stored {
    diag: Diagnostic,
    scenario: Option<usize>,
    condition: Option<Expr>,
    parties: Vec<usize>,
}

impl CheckCache {
    /// An empty cache.
    pub fn new() -> CheckCache {
        CheckCache::default()
    }

    /// What the cache did so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// The number of components held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Starts an analysis: the entries that the checks until
    /// [`CheckCache::end_round`] do not use are then dropped.
    pub fn start_round(&mut self) {
        self.round = self.round.wrapping_add(1);
    }

    /// Drops the entries the round did not use.
    pub fn end_round(&mut self) {
        let round = self.round;
        let before = self.entries.len();
        self.entries.retain(|_, e| e.used == round);
        self.stats.evicted += (before - self.entries.len()) as u64;
    }

    /// The checks of component `k` of the model of `ctx`: reused when an
    /// entry fits, else run (and stored when they may be).
    pub(crate) fn component(
        &mut self,
        ctx: &mut Ctx<'_>,
        comps: &Components,
        k: usize,
        scenarios: Vec<ScenarioId>,
    ) -> CompState {
        let Some(comp) = comps.list.get(k) else {
            return check_component(ctx, comps, k, scenarios);
        };
        let model = ctx.model;
        let local = Local::new(model, comps, &comp.stmts, &comp.defs, &scenarios);
        let key = local.key(model, &comp.stmts, &comp.defs, ctx.options);
        if let Some(e) = self.entries.get_mut(&key)
            && fits(e, ctx)
            && let Some(findings) = e
                .findings
                .iter()
                .map(|s| local.restore(s))
                .collect::<Option<Vec<Finding>>>()
        {
            e.used = self.round;
            self.stats.hits += 1;
            for f in findings {
                ctx.push_finding(f);
            }
            if e.cut {
                ctx.cut();
            }
            return e.state;
        }
        let first = ctx.findings.len();
        let truncated_before = std::mem::take(&mut ctx.truncated);
        let state = check_component(ctx, comps, k, scenarios);
        let cut = ctx.truncated;
        ctx.truncated |= truncated_before;
        let in_time = ctx.budget.deadline().is_none_or(|d| Instant::now() < d);
        let stored: Option<Vec<Stored>> = if in_time {
            ctx.findings
                .get(first..)
                .unwrap_or_default()
                .iter()
                .map(|f| local.store(f))
                .collect()
        } else {
            None
        };
        match stored {
            Some(findings) => {
                self.stats.misses += 1;
                self.entries.insert(
                    key,
                    Entry {
                        used: self.round,
                        rooms: ctx.rooms.clone(),
                        cut,
                        findings,
                        state,
                    },
                );
            }
            None => self.stats.uncacheable += 1,
        }
        state
    }
}

/// Whether every room the entry's checks asked would be answered within
/// its range now.
fn fits(e: &Entry, ctx: &Ctx<'_>) -> bool {
    e.rooms.iter().all(|r| {
        let before = ctx.counts.get(&r.kind).copied().unwrap_or(0);
        let room = ctx
            .options
            .max_sets
            .saturating_sub(before.saturating_add(r.own_before));
        r.lo <= room && room <= r.hi
    })
}

/// The component's own lists: what local indices and anchors refer to.
struct Local {
    /// Its atoms (of statements, scenarios, axioms and their plain
    /// topics), sorted.
    atoms: Vec<AtomId>,
    /// The parties of its statements, sorted.
    parties: Vec<PartyId>,
    scenarios: Vec<ScenarioId>,
    /// Statement spans, then scenario spans, then atom spans.
    anchors: Vec<Span>,
    /// Indices of the statement anchors, sorted by position.
    stmt_order: Vec<usize>,
    /// Indices of the other anchors, sorted by position.
    other_order: Vec<usize>,
    n_stmts: usize,
}

fn position(s: &Span) -> (FileId, u32, u32) {
    (s.file, s.start, s.end)
}

fn contains(outer: &Span, inner: &Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

impl Local {
    fn new(
        model: &Model,
        comps: &Components,
        stmts: &[StmtId],
        defs: &[AtomId],
        scenarios: &[ScenarioId],
    ) -> Local {
        let mut atoms: Vec<AtomId> = Vec::new();
        let mut parties: Vec<PartyId> = Vec::new();
        for s in stmts {
            let st = model.statement(*s);
            collect_atoms(&st.formula, &mut atoms);
            parties.extend(st.party);
        }
        for sc in scenarios {
            for f in &model.scenario(*sc).formulas {
                collect_atoms(f, &mut atoms);
            }
        }
        for d in defs {
            atoms.push(*d);
            atoms.extend(comps.base.get(d.0 as usize).copied().flatten());
        }
        // The axioms of the component's `X@P` atoms are facts of its
        // solver: their atoms (and their plain topics) count too.
        let mut more = Vec::new();
        for a in &atoms {
            if let Some(Some(b)) = comps.base.get(a.0 as usize) {
                more.push(*b);
            }
        }
        atoms.extend(more);
        atoms.sort_unstable();
        atoms.dedup();
        parties.sort_unstable();
        parties.dedup();
        let mut anchors: Vec<Span> = stmts.iter().map(|s| model.statement(*s).span).collect();
        anchors.extend(scenarios.iter().map(|sc| model.scenario(*sc).span));
        anchors.extend(atoms.iter().map(|a| {
            model
                .atom_spans
                .get(a.0 as usize)
                .copied()
                .unwrap_or_default()
        }));
        let n_stmts = stmts.len();
        let mut stmt_order: Vec<usize> = (0..n_stmts).collect();
        stmt_order.sort_by_key(|i| anchors.get(*i).map(position));
        let mut other_order: Vec<usize> = (n_stmts..anchors.len()).collect();
        other_order.sort_by_key(|i| anchors.get(*i).map(position));
        Local {
            atoms,
            parties,
            scenarios: scenarios.to_vec(),
            anchors,
            stmt_order,
            other_order,
            n_stmts,
        }
    }

    fn atom(&self, a: AtomId) -> Option<usize> {
        self.atoms.binary_search(&a).ok()
    }

    fn party(&self, p: PartyId) -> Option<usize> {
        self.parties.binary_search(&p).ok()
    }

    /// The statement anchor that holds `span`.
    fn stmt_anchor(&self, span: &Span) -> Option<usize> {
        let key = position(span);
        let after = self.stmt_order.partition_point(|i| {
            self.anchors
                .get(*i)
                .is_some_and(|a| (a.file, a.start) <= (key.0, key.1))
        });
        let i = *self.stmt_order.get(after.checked_sub(1)?)?;
        contains(self.anchors.get(i)?, span).then_some(i)
    }

    /// The anchor of `span`: the statement that holds it, else the first
    /// other anchor (by position) that holds it.
    fn anchor(&self, span: &Span) -> Option<usize> {
        if let Some(i) = self.stmt_anchor(span) {
            return Some(i);
        }
        let key = position(span);
        let upto = self.other_order.partition_point(|i| {
            self.anchors
                .get(*i)
                .is_some_and(|a| (a.file, a.start) <= (key.0, key.1))
        });
        self.other_order
            .get(..upto)?
            .iter()
            .rev()
            .copied()
            .find(|i| self.anchors.get(*i).is_some_and(|a| contains(a, span)))
    }

    /// `span` as (anchor index in `file`, offsets from the anchor's start).
    fn encode(&self, span: &mut Span) -> bool {
        let Some(i) = self.anchor(span) else {
            return false;
        };
        let Some(a) = self.anchors.get(i) else {
            return false;
        };
        *span = Span {
            file: FileId(i as u32),
            start: span.start - a.start,
            end: span.end - a.start,
        };
        true
    }

    fn decode(&self, span: &mut Span) -> bool {
        let Some(a) = self.anchors.get(span.file.0 as usize) else {
            return false;
        };
        *span = Span {
            file: a.file,
            start: a.start.saturating_add(span.start),
            end: a.start.saturating_add(span.end),
        };
        true
    }

    fn store(&self, f: &Finding) -> Option<Stored> {
        let mut diag = f.diag.clone();
        if !diag.spans_mut(&mut |s| self.encode(s)) {
            return None;
        }
        let scenario = match f.scenario {
            Some(sc) => Some(self.scenarios.iter().position(|x| *x == sc)?),
            None => None,
        };
        let condition = match &f.condition {
            Some(c) => Some(map_atoms(c, &mut |a| {
                self.atom(a).map(|i| AtomId(i as u32))
            })?),
            None => None,
        };
        let parties = f
            .parties
            .iter()
            .map(|p| self.party(*p))
            .collect::<Option<Vec<usize>>>()?;
        Some(Stored {
            diag,
            scenario,
            condition,
            parties,
        })
    }

    fn restore(&self, s: &Stored) -> Option<Finding> {
        let mut diag = s.diag.clone();
        if !diag.spans_mut(&mut |x| self.decode(x)) {
            return None;
        }
        let scenario = match s.scenario {
            Some(i) => Some(*self.scenarios.get(i)?),
            None => None,
        };
        let condition = match &s.condition {
            Some(c) => Some(map_atoms(c, &mut |a| {
                self.atoms.get(a.0 as usize).copied()
            })?),
            None => None,
        };
        let parties: BTreeSet<PartyId> = s
            .parties
            .iter()
            .map(|i| self.parties.get(*i).copied())
            .collect::<Option<BTreeSet<PartyId>>>()?;
        Some(Finding {
            diag,
            scenario,
            condition,
            parties,
            component: None,
        })
    }

    /// The key: everything about the component its checks read, with no
    /// absolute position (see the module documentation).
    fn key(
        &self,
        model: &Model,
        stmts: &[StmtId],
        defs: &[AtomId],
        options: &CheckOptions,
    ) -> Vec<u8> {
        let mut w = KeyWriter(Vec::with_capacity(64 * (stmts.len() + 4)));
        "stance-component-1".hash(&mut w);
        options.max_sets.hash(&mut w);
        let local_atom = |a: AtomId| self.atom(a).map_or(u32::MAX, |i| i as u32);
        self.atoms.len().hash(&mut w);
        for a in &self.atoms {
            let atom = model.atom(*a);
            let topic = model.topic(atom.topic);
            topic.name.as_str().hash(&mut w);
            topic.label.as_ref().map(|l| l.as_str()).hash(&mut w);
            atom.party
                .map(|p| model.party(p).name.as_str())
                .hash(&mut w);
        }
        self.parties.len().hash(&mut w);
        for p in &self.parties {
            let party = model.party(*p);
            party.name.as_str().hash(&mut w);
            party.label.as_ref().map(|l| l.as_str()).hash(&mut w);
        }
        stmts.len().hash(&mut w);
        for s in stmts {
            let st = model.statement(*s);
            st.party.map(|p| self.party(p)).hash(&mut w);
            st.kind.hash(&mut w);
            write_expr(&mut w, &st.formula, &local_atom);
            st.condition_span
                .map(|c| {
                    (
                        c.file == st.span.file,
                        c.start.wrapping_sub(st.span.start),
                        c.end.wrapping_sub(st.span.start),
                    )
                })
                .hash(&mut w);
            st.condition_text.map(|t| model.text(t)).hash(&mut w);
            st.label.hash(&mut w);
            st.quote.hash(&mut w);
            st.weight.hash(&mut w);
            st.date.hash(&mut w);
            st.span.end.wrapping_sub(st.span.start).hash(&mut w);
            model.text(st.text).hash(&mut w);
        }
        defs.iter()
            .map(|d| local_atom(*d))
            .collect::<Vec<u32>>()
            .hash(&mut w);
        self.scenarios.len().hash(&mut w);
        for sc in &self.scenarios {
            let s = model.scenario(*sc);
            s.name.hash(&mut w);
            s.label.hash(&mut w);
            s.formulas.len().hash(&mut w);
            for f in &s.formulas {
                write_expr(&mut w, f, &local_atom);
            }
            s.span.end.wrapping_sub(s.span.start).hash(&mut w);
            s.text.hash(&mut w);
        }
        // The layout: each anchor's file (by rank), length, and where a
        // non-statement anchor lies in a statement; then the order of all.
        let mut files: Vec<FileId> = self.anchors.iter().map(|a| a.file).collect();
        files.sort_unstable();
        files.dedup();
        for (i, a) in self.anchors.iter().enumerate() {
            files.binary_search(&a.file).ok().hash(&mut w);
            a.end.wrapping_sub(a.start).hash(&mut w);
            if i >= self.n_stmts {
                self.stmt_anchor(a)
                    .and_then(|s| self.anchors.get(s).map(|x| (s, a.start - x.start)))
                    .hash(&mut w);
            }
        }
        let mut order: Vec<usize> = (0..self.anchors.len()).collect();
        order.sort_by_key(|i| self.anchors.get(*i).map(position));
        order.hash(&mut w);
        w.0
    }
}

/// Appends everything hashed to a byte string: the key is compared whole,
/// so two components never share an entry by a hash collision.
struct KeyWriter(Vec<u8>);

impl Hasher for KeyWriter {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

fn write_expr(w: &mut KeyWriter, e: &Expr, atom: &dyn Fn(AtomId) -> u32) {
    match e {
        Expr::Atom(a) => {
            0u8.hash(w);
            atom(*a).hash(w);
        }
        Expr::Not(x) => {
            1u8.hash(w);
            write_expr(w, x, atom);
        }
        Expr::And(xs) | Expr::Or(xs) => {
            (if matches!(e, Expr::And(_)) { 2u8 } else { 3u8 }).hash(w);
            xs.len().hash(w);
            for x in xs {
                write_expr(w, x, atom);
            }
        }
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            (if matches!(e, Expr::Implies(..)) {
                4u8
            } else {
                5u8
            })
            .hash(w);
            write_expr(w, a, atom);
            write_expr(w, b, atom);
        }
    }
}

fn collect_atoms(e: &Expr, out: &mut Vec<AtomId>) {
    match e {
        Expr::Atom(a) => out.push(*a),
        Expr::Not(x) => collect_atoms(x, out),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| collect_atoms(x, out)),
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            collect_atoms(a, out);
            collect_atoms(b, out);
        }
    }
}

fn map_atoms(e: &Expr, f: &mut dyn FnMut(AtomId) -> Option<AtomId>) -> Option<Expr> {
    Some(match e {
        Expr::Atom(a) => Expr::Atom(f(*a)?),
        Expr::Not(x) => Expr::Not(Box::new(map_atoms(x, f)?)),
        Expr::And(xs) => Expr::And(
            xs.iter()
                .map(|x| map_atoms(x, f))
                .collect::<Option<Vec<_>>>()?,
        ),
        Expr::Or(xs) => Expr::Or(
            xs.iter()
                .map(|x| map_atoms(x, f))
                .collect::<Option<Vec<_>>>()?,
        ),
        Expr::Implies(a, b) => {
            Expr::Implies(Box::new(map_atoms(a, f)?), Box::new(map_atoms(b, f)?))
        }
        Expr::Iff(a, b) => Expr::Iff(Box::new(map_atoms(a, f)?), Box::new(map_atoms(b, f)?)),
    })
}

/// [`super::check_at`] with the results of `cache`: the same output. Does
/// not start or end a round (a caller checking several models or dates in
/// one analysis brackets them with [`CheckCache::start_round`] and
/// [`CheckCache::end_round`]).
pub fn check_at(
    model: &Model,
    options: &CheckOptions,
    at: Option<Date>,
    cache: &mut CheckCache,
) -> CheckOutput {
    check_at_cached(model, options, at, Some(cache))
}

/// [`super::check`] with the results of `cache`, as one round: the same
/// output; afterwards the cache holds this model's components only.
pub fn check(model: &Model, options: &CheckOptions, cache: &mut CheckCache) -> CheckOutput {
    cache.start_round();
    let out = check_at(model, options, None, cache);
    cache.end_round();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn model(text: &str) -> Model {
        let mut sources = SourceMap::new();
        let file = sources.add("t.stance", text);
        let (ast, errors) = crate::syntax::parse(file, text);
        assert!(errors.is_empty(), "{errors:?}");
        crate::resolve::resolve(&sources, &[(file, &ast)]).0
    }

    /// The key of every component of the model of `text`, in order.
    fn keys(text: &str) -> Vec<Vec<u8>> {
        let m = model(text);
        let comps = Components::new(&m);
        let options = CheckOptions::default();
        comps
            .list
            .iter()
            .map(|c| {
                let local = Local::new(&m, &comps, &c.stmts, &c.defs, &[]);
                local.key(&m, &c.stmts, &c.defs, &options)
            })
            .collect()
    }

    const BASE: &str = "party p\nparty q\ntopic x\ntopic y\ntopic z\ntopic w\n\
        party p {\n  requires x -> y \"quoted\"\n  l1: rejects y@q\n}\n\
        party q {\n  requires z\n  prefers not z when w\n}\n";

    #[test]
    fn a_shift_of_positions_keeps_every_key() {
        let base = keys(BASE);
        assert_eq!(base.len(), 2);
        for shifted in [
            format!("# a comment\n\n{BASE}"),
            BASE.replace("party q\n", "party q \"a label no check reads\"\n"),
            BASE.replace("requires x -> y", "requires    x   ->   y"),
        ] {
            // the same components, every span moved
            let k = keys(&shifted);
            assert_eq!(k.len(), 2);
            if shifted.contains("   ->") {
                // the statement's own layout changed: its component's key
                // changes, the other does not
                assert_ne!(k[0], base[0]);
                assert_eq!(k[1], base[1]);
            } else if shifted.contains("a label") {
                assert_eq!(k[0], base[0]);
                assert_ne!(k[1], base[1], "the party label is in the key");
            } else {
                assert_eq!(k, base);
            }
        }
    }

    #[test]
    fn any_content_change_changes_the_key() {
        let base = keys(BASE);
        for (from, to, comp) in [
            ("requires x -> y", "requires y -> x", 0),
            ("requires x -> y", "rejects x -> y", 0),
            ("\"quoted\"", "\"quotes\"", 0),
            ("l1: rejects", "l2: rejects", 0),
            ("rejects y@q", "rejects y@p", 0),
            ("requires z", "prefers z", 1),
            ("prefers not z when w", "prefers z when w", 1),
            ("party q {\n  requires z", "party p {\n  requires z", 1),
        ] {
            let text = BASE.replacen(from, to, 1);
            assert_ne!(text, BASE);
            let k = keys(&text);
            assert!(
                !k.contains(&base[comp]),
                "{from} → {to}: the key did not change"
            );
            assert!(
                k.contains(&base[1 - comp]),
                "{from} → {to}: the other component's key changed"
            );
        }
        // a renamed topic, same length
        let k = keys(&BASE.replace('z', "v"));
        assert_eq!(k[0], base[0]);
        assert_ne!(k[1], base[1]);
        // max_sets is part of the key
        let m = model(BASE);
        let comps = Components::new(&m);
        let c = &comps.list[0];
        let local = Local::new(&m, &comps, &c.stmts, &c.defs, &[]);
        let one = CheckOptions {
            max_sets: 1,
            ..CheckOptions::default()
        };
        assert_ne!(
            local.key(&m, &c.stmts, &c.defs, &one),
            local.key(&m, &c.stmts, &c.defs, &CheckOptions::default())
        );
    }

    /// A result computed after the deadline is never stored: with no
    /// time at all, nothing is cached; with time, everything is, and the
    /// next check reuses it.
    #[test]
    fn results_cut_by_the_budget_are_not_stored() {
        let m = model(&BASE.replace("requires z", "requires z\n  rejects z"));
        let mut cache = CheckCache::new();
        let none = CheckOptions {
            time_budget: Some(std::time::Duration::ZERO),
            ..CheckOptions::default()
        };
        let cut = check(&m, &none, &mut cache);
        assert!(cut.truncated);
        assert_eq!(cache.len(), 0);
        assert_eq!(cache.stats().misses, 0);
        assert_eq!(cache.stats().uncacheable, 2);
        let plenty = CheckOptions {
            time_budget: None,
            ..CheckOptions::default()
        };
        let first = check(&m, &plenty, &mut cache);
        assert_eq!(cache.len(), 2);
        let again = check(&m, &plenty, &mut cache);
        assert_eq!(cache.stats().hits, 2);
        assert_eq!(first.diagnostics, again.diagnostics);
        assert_eq!(
            first.diagnostics,
            super::super::check(&m, &plenty).diagnostics
        );
        assert!(!first.diagnostics.is_empty());
    }

    /// Entries a round does not use are dropped.
    #[test]
    fn a_round_drops_what_it_did_not_use() {
        let mut cache = CheckCache::new();
        let options = CheckOptions::default();
        check(&model(BASE), &options, &mut cache);
        assert_eq!(cache.len(), 2);
        let other = BASE.replace("requires z", "rejects z");
        check(&model(&other), &options, &mut cache);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.stats().evicted, 1);
    }

    #[test]
    fn spans_round_trip_through_anchors() {
        let m = model(BASE);
        let comps = Components::new(&m);
        let c = &comps.list[0];
        let local = Local::new(&m, &comps, &c.stmts, &c.defs, &[]);
        for s in &c.stmts {
            let span = m.statement(*s).span;
            let mut x = span;
            assert!(local.encode(&mut x));
            assert_ne!(x, span);
            assert!(local.decode(&mut x));
            assert_eq!(x, span);
        }
        // a span outside the component is refused
        let other = m.statement(comps.list[1].stmts[0]).span;
        let mut x = other;
        assert!(!local.encode(&mut x));
    }
}
