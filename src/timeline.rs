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
use crate::model::{Expr, Model, StmtKind};
use crate::pipeline;
use crate::source::Span;
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
/// `options` is for the whole timeline. The periods share one
/// per-component result cache ([`CheckCache`]): between two consecutive
/// dates only the parties whose snapshot starts change, so only the
/// components their statements touch are checked again.
pub fn timeline(model: &Model, options: &CheckOptions) -> Timeline {
    timeline_cached(model, options, Some(&mut CheckCache::new()))
}

/// [`timeline`] with the cache `cache` (filled as it goes; its
/// [`CheckCache::stats`] tell what was reused), or with none (every
/// period checked from scratch): the same timeline either way.
pub fn timeline_cached(
    model: &Model,
    options: &CheckOptions,
    mut cache: Option<&mut CheckCache>,
) -> Timeline {
    let deadline = options.time_budget.map(|d| Instant::now() + d);
    let dates = model.snapshot_dates();
    let mut out = Timeline {
        dates: dates.clone(),
        ..Timeline::default()
    };
    let ids = Identities::new(model);
    let mut open: BTreeMap<Identity, (Diagnostic, Option<Date>)> = BTreeMap::new();
    let periods = std::iter::once(None).chain(dates.into_iter().map(Some));
    for at in periods {
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
        out.truncated |= checked.truncated;
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
                out.findings.push(Held {
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
    out.findings
        .extend(open.into_values().map(|(diagnostic, from)| Held {
            diagnostic,
            from,
            until: None,
        }));
    sort(&mut out.findings);
    out
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
