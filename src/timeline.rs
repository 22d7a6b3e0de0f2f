//! `stance timeline` (LANGUAGE.md §11): date by date, which findings of §6
//! appear and disappear.
//!
//! The periods of a model are the time before its first snapshot date and
//! each of its snapshot dates (a period lasts until the next date). Each
//! period's state ([`Model::state_at`], with the undated expectations) is
//! checked as `stance check --as-of` checks it; the findings of
//! consecutive periods are compared by [`Identity`] (kind, primary
//! location, member locations; never the message, which may change when,
//! say, the number of minimal sets changes). A finding that holds is shown
//! once, with the date range it holds in. `reversal` and
//! `softened-stance` are findings between snapshots, not of a state, and
//! a failed `expect … as of DATE` belongs to its date, not to a period:
//! neither is part of the timeline.

use crate::check::cache::CheckCache;
use crate::check::{self, CheckOptions};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind, Severity};
use crate::load::Loaded;
use crate::model::Model;
use crate::pipeline;
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// What makes two findings of different states the same finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    /// The finding's kind.
    pub kind: Kind,
    /// Its primary location.
    pub span: Span,
    /// The locations of its members, as a set.
    pub members: BTreeSet<Span>,
}

impl Identity {
    /// The identity of a diagnostic.
    pub fn of(d: &Diagnostic) -> Identity {
        Identity {
            kind: d.kind,
            span: d.span,
            members: d.members.iter().map(|m| m.span).collect(),
        }
    }
}

/// A finding with the dates it holds in.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    /// The finding as the first state it holds in reports it.
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
                && Identity::of(&a.diagnostic) == Identity::of(&b.diagnostic)
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
                Identity::of(&h.diagnostic).members,
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
    let mut open: BTreeMap<Identity, (Diagnostic, Option<Date>)> = BTreeMap::new();
    let periods = std::iter::once(None).chain(dates.into_iter().map(Some));
    for at in periods {
        let checked = if model.is_dated() {
            check::check_state_cached(&state(model, at), options, deadline, cache.as_deref_mut())
        } else {
            // as `stance check` checks it: every expectation
            check::check_state_cached(model, options, deadline, cache.as_deref_mut())
        };
        out.truncated |= checked.truncated;
        let mut now: BTreeMap<Identity, Diagnostic> = BTreeMap::new();
        for d in checked.diagnostics {
            now.entry(Identity::of(&d)).or_insert(d);
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
    let mut errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    let mut models = Vec::new();
    for unit in pipeline::checked_units(loaded) {
        let (model, diags) = pipeline::resolve_unit(loaded, unit);
        errors.extend(diags.into_iter().filter(|d| d.severity == Severity::Error));
        models.push(model);
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        errors.dedup();
        return Err(errors);
    }
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
