//! `stance timeline` (LANGUAGE.md §11): date by date, which findings of §6
//! appear and disappear.
//!
//! The periods of a model are the time before its first snapshot date and
//! each of its snapshot dates (a period lasts until the next date). Each
//! period's state ([`Model::state_at`], with the undated expectations) is
//! checked as `stance check --as-of` checks it; the findings of
//! consecutive periods are compared by [`Identity`]: the kind, what the
//! finding is about and its members, each a statement of a snapshot taken
//! by what it says (party, kind, formula as resolved), not by where it is
//! written, so that a red line restated in a later snapshot continues the
//! finding ([`Identities`]); never the message, which may change when,
//! say, the number of minimal sets changes. A finding that holds is shown
//! once, with the date range it holds in, as the first state it holds in
//! reports it. `reversal` and `softened-stance` are findings between
//! snapshots, not of a state, and a failed `expect … as of DATE` belongs to
//! its date, not to a period: neither is part of the timeline.

use crate::check::cache::CheckCache;
use crate::check::{self, CheckOptions};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind, Role};
use crate::load::Loaded;
use crate::model::{ExpectKind, Expr, Model, PartyId, StmtKind, TopicId};
use crate::pipeline;
use crate::source::Span;
use petgraph::unionfind::UnionFind;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

/// One part of a finding (a member, or what it is about), as it is matched
/// across dates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// What does not move between dates (an undated statement, an
    /// assumption, a scenario, an `X@P -> X` axiom, an expectation, a
    /// declaration): where it is written.
    At(Span),
    /// A statement of a dated snapshot, by what it says: a restatement in
    /// another snapshot with the same party, kind and formula (as resolved:
    /// layout, comments and parentheses aside, `when` included) is the same
    /// statement, whatever its label, quote or weight. `nth` tells apart
    /// equal statements of one snapshot (0 for the first in source order).
    Said {
        /// The party.
        party: String,
        /// `requires`, `rejects`, …
        kind: StmtKind,
        /// The formula, printed canonically ([`canonical`]).
        formula: String,
        /// Its rank among the equal statements of its snapshot.
        nth: u32,
    },
    /// The condition of a `ruled-out` finding, by its formula (conditions
    /// whose formulas are equal count as one, LANGUAGE.md §6).
    Condition(String),
}

/// What makes two findings of different states the same finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    /// The finding's kind.
    pub kind: Kind,
    /// What it is about when its members do not say it: its primary
    /// location (the scenario, preference, statement, duty or `expect`
    /// line). `None` where the primary location is the first member in
    /// source order (conflicts, self-contradictions, disputed claims,
    /// inconsistent assumptions) or the statement a `ruled-out` condition
    /// is first written in (its condition is a member).
    pub subject: Option<Key>,
    /// Its members, as a set.
    pub members: BTreeSet<Key>,
}

/// The [`Key`]s of a model's statements: computed once per model, then
/// [`Identities::of`] gives the identity of any finding of any of its
/// states (states keep the model's spans).
#[derive(Clone, Debug, Default)]
pub struct Identities {
    /// The statements of dated snapshots, by span.
    said: HashMap<Span, Key>,
    /// The conditions of conditional statements, by the condition's span.
    conditions: HashMap<Span, Key>,
}

impl Identities {
    /// The keys of `model`'s statements.
    pub fn new(model: &Model) -> Identities {
        let mut out = Identities::default();
        let mut seen: HashMap<(Option<u32>, Option<Date>, StmtKind, String), u32> = HashMap::new();
        for s in &model.statements {
            if let (Some(c), Some(span)) = (s.condition(), s.condition_span) {
                out.conditions
                    .insert(span, Key::Condition(canonical(model, c)));
            }
            if s.date.is_none() {
                continue;
            }
            let formula = canonical(model, &s.formula);
            let n = seen
                .entry((s.party.map(|p| p.0), s.date, s.kind, formula.clone()))
                .or_insert(0);
            let nth = *n;
            *n += 1;
            let key = Key::Said {
                party: model.party_name(s.party).unwrap_or_default().to_owned(),
                kind: s.kind,
                formula,
                nth,
            };
            out.said.insert(s.span, key);
        }
        out
    }

    /// The key of what is written at `span`.
    fn key(&self, span: Span) -> Key {
        self.said.get(&span).cloned().unwrap_or(Key::At(span))
    }

    /// The identity of a finding of a state of the model.
    pub fn of(&self, d: &Diagnostic) -> Identity {
        let members: BTreeSet<Key> = d
            .members
            .iter()
            .map(|m| match m.role {
                Role::Condition => self
                    .conditions
                    .get(&m.span)
                    .cloned()
                    .unwrap_or(Key::At(m.span)),
                _ => self.key(m.span),
            })
            .collect();
        let about_members = match d.kind {
            Kind::Conflict
            | Kind::ExpectedConflict
            | Kind::SelfContradiction
            | Kind::DisputedClaim
            | Kind::AssumptionsInconsistent => !d.members.is_empty(),
            Kind::RuledOut | Kind::ExpectedRuledOut => {
                d.members.iter().any(|m| m.role == Role::Condition)
            }
            _ => false,
        };
        Identity {
            kind: d.kind,
            subject: (!about_members).then(|| self.key(d.span)),
            members,
        }
    }
}

/// A formula as one string: atoms by name, operators in prefix form with
/// every argument in parentheses, so that two formulas print alike exactly
/// when they are equal as resolved.
pub fn canonical(model: &Model, e: &Expr) -> String {
    fn go(model: &Model, e: &Expr, out: &mut String) {
        let list = |name: &str, xs: &[&Expr], out: &mut String| {
            out.push_str(name);
            out.push('(');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go(model, x, out);
            }
            out.push(')');
        };
        match e {
            Expr::Atom(a) => out.push_str(&model.atom_name(*a)),
            Expr::Not(x) => list("not", &[x], out),
            Expr::And(xs) => list("and", &xs.iter().collect::<Vec<_>>(), out),
            Expr::Or(xs) => list("or", &xs.iter().collect::<Vec<_>>(), out),
            Expr::Implies(a, b) => list("implies", &[a, b], out),
            Expr::Iff(a, b) => list("iff", &[a, b], out),
        }
    }
    let mut out = String::new();
    go(model, e, &mut out);
    out
}

/// Where a finding is written: its kind, primary location and the
/// locations of its members. The same finding of a file shared by several
/// models has the same location in each.
fn located(d: &Diagnostic) -> (Kind, Span, BTreeSet<Span>) {
    (d.kind, d.span, d.members.iter().map(|m| m.span).collect())
}

/// A finding with the dates it holds in.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    /// The finding as the first state it holds in reports it: its
    /// locations are those of the statements that hold on `from` (a later
    /// restatement of a member, at another location, continues it).
    pub diagnostic: Diagnostic,
    /// The date it first holds on; `None`: before any snapshot.
    pub from: Option<Date>,
    /// The date it no longer holds on; `None`: it holds in the latest
    /// state.
    pub until: Option<Date>,
}

impl Held {
    /// Whether it holds in the period starting at `at` (`None`: the period
    /// before every snapshot date).
    pub fn holds_at(&self, at: Option<Date>) -> bool {
        self.from <= at && self.until.is_none_or(|u| at.is_none_or(|a| a < u))
    }
}

/// The timeline of a model or a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// The dates on which some snapshot starts, in order.
    pub dates: Vec<Date>,
    /// Every finding of every period, once per uninterrupted range of
    /// dates it holds in; sorted by `from`, then as `stance check` sorts.
    pub findings: Vec<Held>,
    /// Whether a limit cut some state's check short.
    pub truncated: bool,
}

impl Timeline {
    /// The findings that hold in the period starting at `at` (`None`: the
    /// period before every snapshot date).
    pub fn at(&self, at: Option<Date>) -> impl Iterator<Item = &Held> {
        self.findings.iter().filter(move |h| h.holds_at(at))
    }

    /// The timelines of the models of a run as one: dates merged,
    /// findings sorted, the same finding of a file shared by several
    /// models once.
    pub fn merge(parts: impl IntoIterator<Item = Timeline>) -> Timeline {
        let mut out = Timeline::default();
        for p in parts {
            out.dates.extend(p.dates);
            out.findings.extend(p.findings);
            out.truncated |= p.truncated;
        }
        out.dates.sort_unstable();
        out.dates.dedup();
        sort(&mut out.findings);
        out.findings.dedup_by(|a, b| {
            a.from == b.from
                && a.until == b.until
                && located(&a.diagnostic) == located(&b.diagnostic)
        });
        out
    }
}

/// The order of [`Timeline::findings`].
fn sort(findings: &mut [Held]) {
    findings.sort_by(|a, b| {
        let key = |h: &Held| {
            (
                h.from,
                h.diagnostic.span.file.0,
                h.diagnostic.span.start,
                h.diagnostic.span.end,
                h.diagnostic.kind.code(),
                located(&h.diagnostic).2,
                h.until.is_none(),
                h.until,
            )
        };
        key(a).cmp(&key(b))
    });
}

/// The state of a period: `None` is the time before every snapshot (the
/// undated statements only). Only the undated expectations are kept.
fn state(model: &Model, at: Option<Date>) -> Model {
    let mut s = match at {
        None => model.restricted(|s| s.date.is_none()),
        Some(d) => model.state_at(Some(d)),
    };
    s.expectations.retain(|e| e.as_of.is_none());
    s
}

/// The timeline of one model. A model without snapshot dates has one
/// period: its findings hold from and until `None`. The time budget of
/// `options` is for the whole timeline.
///
/// A dated model is split once into independent parts ([`parts`]), and
/// each part's timeline is computed on its own sub-model over its own
/// dates only; their findings merged are the whole-state timeline's
/// ([`timeline_cached`]) whenever no limit can have bound (see
/// [`per_part`]); otherwise the whole-state timeline is computed.
pub fn timeline(model: &Model, options: &CheckOptions) -> Timeline {
    timeline_traced(model, options).0
}

/// [`timeline`], and whether the per-part timeline was the answer (not
/// the whole-state fallback).
pub fn timeline_traced(model: &Model, options: &CheckOptions) -> (Timeline, bool) {
    let start = Instant::now();
    if model.is_dated()
        && let Some(t) = per_part(model, options)
    {
        return (t, true);
    }
    let mut o = options.clone();
    o.time_budget = options
        .time_budget
        .map(|b| b.saturating_sub(start.elapsed()));
    (
        timeline_cached(model, &o, Some(&mut CheckCache::new())),
        false,
    )
}

/// One independent part of a dated model: indices into its statements,
/// scenarios and (undated) expectations, and its topics.
#[derive(Debug, Default)]
struct Part {
    topics: Vec<TopicId>,
    stmts: Vec<usize>,
    scenarios: Vec<usize>,
    expectations: Vec<usize>,
}

/// The parts of a model over all its dates: a union–find over the topics
/// of every statement of every snapshot and undated block, of every
/// scenario and of every undated expectation formula (an `X@P` atom is
/// its topic `X`). An expectation joins its scenario, and every statement
/// of each party it names (`expect consistent P Q` joins all of P's and
/// Q's parts); one about every party (`expect feasible S` without `for`)
/// joins the scenario's. Statements of one party and kind that say the
/// same formula join (their timeline identity is one, [`Key::Said`], even
/// when the formula has no atom). So every component of every state lies
/// in one part, and so does every finding's subject and members.
fn parts(model: &Model) -> Vec<Part> {
    let nt = model.topics.len();
    let ns = model.statements.len();
    let nsc = model.scenarios.len();
    let np = model.parties.len();
    let ne = model.expectations.len();
    let (s0, sc0, p0, e0) = (nt, nt + ns, nt + ns + nsc, nt + ns + nsc + np);
    let mut uf: UnionFind<usize> = UnionFind::new(e0 + ne);
    let topics_of = |e: &Expr| -> Vec<usize> {
        crate::logic::atoms_of(e)
            .into_iter()
            .map(|a| model.atom(a).topic.0 as usize)
            .collect()
    };
    let mut said: crate::hash::NameMap<(Option<u32>, StmtKind, String), usize> =
        crate::hash::name_map(model.statements.len());
    for (i, s) in model.statements.iter().enumerate() {
        for t in topics_of(&s.formula) {
            uf.union(s0 + i, t);
        }
        let key = (s.party.map(|p| p.0), s.kind, canonical(model, &s.formula));
        let first = *said.entry(key).or_insert(i);
        uf.union(s0 + i, s0 + first);
    }
    for (i, sc) in model.scenarios.iter().enumerate() {
        for f in &sc.formulas {
            for t in topics_of(f) {
                uf.union(sc0 + i, t);
            }
        }
    }
    let mut named = vec![false; np];
    let kept: Vec<usize> = (0..ne)
        .filter(|i| model.expectations[*i].as_of.is_none())
        .collect();
    for i in &kept {
        let e = &model.expectations[*i];
        let mut parties: Vec<PartyId> = Vec::new();
        match &e.kind {
            ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => parties.extend(ps),
            ExpectKind::Feasible(sc, ps) | ExpectKind::Infeasible(sc, ps) => {
                uf.union(e0 + i, sc0 + sc.0 as usize);
                parties.extend(ps.iter().flatten());
            }
            ExpectKind::Impossible(f) => {
                for t in topics_of(f) {
                    uf.union(e0 + i, t);
                }
            }
            ExpectKind::Reversal(p) => parties.push(*p),
        }
        for p in parties {
            uf.union(e0 + i, p0 + p.0 as usize);
            if let Some(n) = named.get_mut(p.0 as usize) {
                *n = true;
            }
        }
    }
    for (i, s) in model.statements.iter().enumerate() {
        if let Some(p) = s.party
            && named.get(p.0 as usize).copied().unwrap_or(false)
        {
            uf.union(s0 + i, p0 + p.0 as usize);
        }
    }
    let mut of_root: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out: Vec<Part> = Vec::new();
    let mut part = |node: usize, uf: &mut UnionFind<usize>, out: &mut Vec<Part>| {
        let root = uf.find(node);
        *of_root.entry(root).or_insert_with(|| {
            out.push(Part::default());
            out.len() - 1
        })
    };
    for i in 0..ns {
        let k = part(s0 + i, &mut uf, &mut out);
        out[k].stmts.push(i);
    }
    for i in 0..nsc {
        let k = part(sc0 + i, &mut uf, &mut out);
        out[k].scenarios.push(i);
    }
    for i in kept {
        let k = part(e0 + i, &mut uf, &mut out);
        out[k].expectations.push(i);
    }
    for t in 0..nt {
        if let Some(k) = of_root.get(&uf.find(t)) {
            out[*k].topics.push(TopicId(t as u32));
        }
    }
    out
}

/// The per-part timeline of a dated model, or `None` when it may differ
/// from the whole-state timeline ([`timeline_cached`]).
///
/// Each part is checked as its own sub-model ([`Model::sub_model`]: its
/// statements, scenarios, undated expectations, topics and their atoms,
/// ids renumbered in order, spans as they are) in the periods of its own
/// dates: before every date, and each date on which the whole state's
/// statements in it change (a party's snapshot with a statement in the
/// part starts, or the next snapshot of that party starts); its state at
/// a date keeps the statements of the snapshot each party is at on that
/// date in the whole model. Between two of its dates the whole state's
/// statements in the part do not change, so neither do its findings.
///
/// Why the result is the whole-state timeline's, when accepted. Every
/// component of a whole state lies in one part (its statements share
/// topics, hence a part), and every check of a component, of a scenario,
/// an expectation or a duty reads only what lies in its part (a scenario
/// or expectation joins the parts of what it touches or names), in an
/// order the renumbering keeps; the notes of deals count per component
/// or scenario, "minimal set k of n" numbers findings of one subject,
/// the identities of findings are taken from the whole model
/// ([`Identities`], by span). What alone could differ is the `max_sets`
/// limits that count over the whole state (per kind): a search of a
/// component asks the room left (`max_sets` minus the sets of the kind
/// reported so far) and behaves the same for every room larger than
/// what it finds. Let `m_p` be the most findings (of all kinds: a bound
/// for every counter, since every finding counts once, for one kind)
/// part `p` had in any of its states, and suppose `Σ m_p < max_sets` and
/// no part's check was cut (by a limit or the time budget). In the whole
/// state at any date, by induction over the searches in order: every
/// earlier search found what it found in its part, so when a search
/// asks, at most `Σ m_p − f` sets were reported before it, where `f` is
/// what it and the later searches of its part find; its room is
/// `> f`, so it is not cut and finds what it found in its part (whose
/// room was larger still, and not cut). The limits per scenario,
/// condition or preference count within one part: the same in both.
/// Hence every whole state's findings are the union of its parts'
/// findings, sorted alike, and the timelines agree. When the criterion
/// fails, `None`: the caller computes the whole-state timeline.
fn per_part(model: &Model, options: &CheckOptions) -> Option<Timeline> {
    let deadline = options.time_budget.map(|d| Instant::now() + d);
    let ids = Identities::new(model);
    let party_dates = model.party_dates();
    let by_topic = model.atoms_by_topic();
    let mut out = Timeline {
        dates: model.snapshot_dates(),
        ..Timeline::default()
    };
    let mut sum_most: usize = 0;
    for part in parts(model) {
        let (sub, back) = model.sub_model(
            &by_topic,
            &part.topics,
            &part.stmts,
            &part.scenarios,
            &part.expectations,
        );
        // the dates on which the part's state changes: for each party, the
        // dates of its snapshots with a statement in the part, and the
        // party's next snapshot date after each (its statements in the
        // part then go). A party's chosen snapshot changes only on its
        // own dates; on any other of them its chosen snapshot was and
        // stays one without a statement in the part.
        let mut dates: Vec<Date> = Vec::new();
        for s in &sub.statements {
            if let (Some(d), Some(q)) = (s.date, s.party) {
                dates.push(d);
                let ds = back
                    .get(q.0 as usize)
                    .and_then(|p| party_dates.get(p.0 as usize));
                if let Some(next) = ds.and_then(|ds| ds.iter().find(|x| **x > d)) {
                    dates.push(*next);
                }
            }
        }
        dates.sort_unstable();
        dates.dedup();
        // the per-component cache pays off over many dates; a part with
        // few (a dispute whose statements come and go once) rarely meets
        // one of its components twice. The output is the same either way.
        let mut cache = (dates.len() > 8).then(CheckCache::new);
        let mut most = 0;
        let mut truncated = false;
        // a state met before (the same statements: often the undated ones
        // alone, before and after the part's snapshots) is not checked
        // again: a check is a function of its state
        let mut seen: HashMap<Vec<usize>, check::CheckOutput> = HashMap::new();
        let held = periods(&ids, &dates, |at| {
            let kept: Vec<usize> = sub
                .statements
                .iter()
                .enumerate()
                .filter(|(_, s)| match (at, s.date, s.party) {
                    (_, None, _) => true,
                    (None, Some(_), _) => false,
                    (Some(d), Some(sd), Some(q)) => {
                        back.get(q.0 as usize)
                            .and_then(|p| party_dates.get(p.0 as usize))
                            .and_then(|ds| ds.iter().rev().find(|x| **x <= d))
                            == Some(&sd)
                    }
                    (Some(_), Some(_), None) => false,
                })
                .map(|(i, _)| i)
                .collect();
            if let Some(done) = seen.get(&kept) {
                return done.clone();
            }
            let state = sub.restricted(|s| kept.binary_search(&(s.id.0 as usize)).is_ok());
            let checked = check::check_state_cached(&state, options, deadline, cache.as_mut());
            most = most.max(checked.diagnostics.len());
            truncated |= checked.truncated;
            seen.insert(kept, checked.clone());
            checked
        });
        if truncated {
            return None;
        }
        sum_most = sum_most.saturating_add(most);
        if sum_most >= options.max_sets {
            return None;
        }
        out.findings.extend(held);
    }
    sort(&mut out.findings);
    Some(out)
}

/// The findings of the periods before every date and at each of `dates`,
/// each checked by `check`, as [`Held`]s (unsorted).
fn periods(
    ids: &Identities,
    dates: &[Date],
    mut check: impl FnMut(Option<Date>) -> check::CheckOutput,
) -> Vec<Held> {
    let mut found: Vec<Held> = Vec::new();
    let mut open: BTreeMap<Identity, (Diagnostic, Option<Date>)> = BTreeMap::new();
    let all = std::iter::once(None).chain(dates.iter().copied().map(Some));
    for at in all {
        let checked = check(at);
        let mut now: BTreeMap<Identity, Diagnostic> = BTreeMap::new();
        for d in checked.diagnostics {
            now.entry(ids.of(&d)).or_insert(d);
        }
        let gone: Vec<Identity> = open
            .keys()
            .filter(|k| !now.contains_key(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some((diagnostic, from)) = open.remove(&k) {
                found.push(Held {
                    diagnostic,
                    from,
                    until: at,
                });
            }
        }
        for (k, d) in now {
            open.entry(k).or_insert((d, at));
        }
    }
    found.extend(open.into_values().map(|(diagnostic, from)| Held {
        diagnostic,
        from,
        until: None,
    }));
    found
}

/// The whole-state timeline: every period's whole state checked, with
/// the cache `cache` (filled as it goes; its [`CheckCache::stats`] tell
/// what was reused), or with none (every period checked from scratch):
/// the same timeline either way. The periods share one per-component
/// result cache ([`CheckCache`]): between two consecutive dates only the
/// parties whose snapshot starts change, so only the components their
/// statements touch are checked again.
pub fn timeline_cached(
    model: &Model,
    options: &CheckOptions,
    mut cache: Option<&mut CheckCache>,
) -> Timeline {
    let deadline = options.time_budget.map(|d| Instant::now() + d);
    let dates = model.snapshot_dates();
    let ids = Identities::new(model);
    let mut truncated = false;
    let mut findings = periods(&ids, &dates, |at| {
        let checked = if model.is_dated() {
            check::check_state_cached(&state(model, at), options, deadline, cache.as_deref_mut())
        } else {
            // as `stance check` checks it: every expectation, `expect
            // reversal` included (it fails: there are no snapshots)
            let mut o = options.clone();
            o.time_budget = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match cache.as_deref_mut() {
                Some(c) => check::cache::check_at(model, &o, None, c),
                None => check::check_at(model, &o, None),
            }
        };
        truncated |= checked.truncated;
        checked
    });
    sort(&mut findings);
    Timeline {
        dates,
        findings,
        truncated,
    }
}

/// The timeline of a run: every checked unit resolved
/// ([`pipeline::resolve_unit`]) and its timelines merged. Input errors
/// (syntax, resolution) give no timeline: `Err` holds them, sorted (a
/// partial model would show findings of stances nobody took).
pub fn run(loaded: &Loaded, options: &CheckOptions) -> Result<Timeline, Vec<Diagnostic>> {
    let models = pipeline::error_free_models(loaded)?;
    // one budget for the run
    let start = Instant::now();
    let parts = models.iter().map(|m| {
        let mut o = options.clone();
        o.time_budget = options
            .time_budget
            .map(|b| b.saturating_sub(start.elapsed()));
        timeline(m, &o)
    });
    Ok(Timeline::merge(parts.collect::<Vec<_>>()))
}
