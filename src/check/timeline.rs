//! The findings between consecutive snapshots of a party (LANGUAGE.md
//! §11): `reversal` ([`super::reversal`]) and `softened-stance`
//! ([`super::softened`]). Each pair of consecutive snapshots of a party is
//! checked on its own: that party's two snapshots and the assumptions,
//! nothing else, split into independent components as
//! [`Components::new`] would split that sub-model.
//!
//! Performance (issue #18): the sub-model of a pair is never built. The
//! components of a pair that hold none of its statements (assumptions
//! only) are skipped by both checks, so only the components that hold a
//! statement of the pair are made, by a walk from the pair's statements
//! through the topics they share with the assumptions (an index topic →
//! assumptions built once per model). A pair costs what its components
//! hold, not what the model holds: before, every pair copied the model
//! and split all of it, quadratic in the number of snapshots.

use super::expect::ReversalFound;
use super::session::{Component, Components};
use super::{CheckOptions, Ctx, reversal, softened};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::logic::atoms_of;
use crate::model::{AtomId, Model, PartyId, StmtId, TopicId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// The findings between snapshots: the reversals (with their party and
/// dates, for `expect reversal`) and the other findings.
#[derive(Debug, Default)]
pub(crate) struct Between {
    pub reversals: Vec<ReversalFound>,
    pub others: Vec<Diagnostic>,
    pub truncated: bool,
}

/// The reversals and softened stances of every party between its
/// consecutive snapshots, up to the date `at` (`None`: all of them).
pub(crate) fn report(
    model: &Model,
    options: &CheckOptions,
    deadline: Option<Instant>,
    at: Option<Date>,
) -> Between {
    let mut out = Between::default();
    let mut truncated = false;
    let mut counts = BTreeMap::new();
    let index = Index::new(model);
    // `base` (the `X@P -> X` table) depends on the atoms only; `list`
    // is replaced by each pair's components
    let mut comps = Components::new(&model.restricted(|_| false));
    comps.deadline = deadline;
    for (p, dates) in model.party_dates().into_iter().enumerate() {
        let party = PartyId(p as u32);
        let dates: Vec<Date> = dates
            .into_iter()
            .filter(|d| at.is_none_or(|a| *d <= a))
            .collect();
        for pair in dates.windows(2) {
            let &[d1, d2] = pair else { continue };
            comps.list = index.components(party, (d1, d2));
            let mut ctx = Ctx::new(
                model,
                &comps.base,
                options,
                deadline,
                std::mem::take(&mut counts),
            );
            let stopped = match reversal::report_reversals(&mut ctx, &comps, party, (d1, d2)) {
                Ok(reversed) => {
                    softened::report_softened(&mut ctx, &comps, party, (d1, d2), &reversed).is_err()
                }
                Err(_) => true,
            };
            truncated |= ctx.truncated || stopped;
            counts = ctx.take_counts();
            for f in ctx.findings {
                if f.diag.kind == Kind::Reversal {
                    out.reversals.push(ReversalFound {
                        diag: f.diag,
                        party,
                        dates: (d1, d2),
                    });
                } else {
                    out.others.push(f.diag);
                }
            }
        }
    }
    out.truncated = truncated;
    out
}

/// What the walk from a pair's statements needs, built once per model.
struct Index {
    /// The topics of each statement (`X@P` is topic `X`), deduplicated.
    topics: Vec<Vec<TopicId>>,
    /// Topic → the assumptions that mention it, in source order.
    assumptions: HashMap<TopicId, Vec<StmtId>>,
    /// Topic → its `X@P` atoms.
    defs: HashMap<TopicId, Vec<AtomId>>,
    /// (party, date) → the statements of that snapshot, in source order.
    snapshots: HashMap<(PartyId, Date), Vec<StmtId>>,
}

impl Index {
    fn new(model: &Model) -> Index {
        let mut topics = Vec::with_capacity(model.statements.len());
        let mut assumptions: HashMap<TopicId, Vec<StmtId>> = HashMap::new();
        let mut snapshots: HashMap<(PartyId, Date), Vec<StmtId>> = HashMap::new();
        for (i, s) in model.statements.iter().enumerate() {
            let id = StmtId(i as u32);
            let mut ts: Vec<TopicId> = atoms_of(&s.formula)
                .into_iter()
                .map(|a| model.atom(a).topic)
                .collect();
            ts.sort_unstable();
            ts.dedup();
            match (s.party, s.date) {
                (None, _) => {
                    for t in &ts {
                        assumptions.entry(*t).or_default().push(id);
                    }
                }
                (Some(p), Some(d)) => snapshots.entry((p, d)).or_default().push(id),
                (Some(_), None) => {}
            }
            topics.push(ts);
        }
        let mut defs: HashMap<TopicId, Vec<AtomId>> = HashMap::new();
        for (i, a) in model.atoms.iter().enumerate() {
            if a.party.is_some() {
                defs.entry(a.topic).or_default().push(AtomId(i as u32));
            }
        }
        Index {
            topics,
            assumptions,
            defs,
            snapshots,
        }
    }

    /// The components of the sub-model of `party`'s snapshots `d1` and
    /// `d2` with every assumption that hold a statement of the two
    /// snapshots, each with its statements and `X@P` atoms as
    /// [`Components::new`] makes them on that sub-model; ordered by first
    /// statement.
    fn components(&self, party: PartyId, (d1, d2): (Date, Date)) -> Vec<Component> {
        let empty = Vec::new();
        let pair: Vec<StmtId> = [d1, d2]
            .iter()
            .flat_map(|d| self.snapshots.get(&(party, *d)).unwrap_or(&empty))
            .copied()
            .collect();
        // topic → the pair's statements that mention it
        let mut of_topic: HashMap<TopicId, Vec<StmtId>> = HashMap::new();
        for s in &pair {
            for t in self.topics_of(*s) {
                of_topic.entry(*t).or_default().push(*s);
            }
        }
        let mut seen_stmt: HashSet<StmtId> = HashSet::new();
        let mut seen_topic: HashSet<TopicId> = HashSet::new();
        let mut out: Vec<Component> = Vec::new();
        for start in &pair {
            if !seen_stmt.insert(*start) {
                continue;
            }
            let mut stmts = vec![*start];
            let mut topics: Vec<TopicId> = Vec::new();
            let mut queue: Vec<TopicId> = self.topics_of(*start).to_vec();
            while let Some(t) = queue.pop() {
                if !seen_topic.insert(t) {
                    continue;
                }
                topics.push(t);
                let near = of_topic.get(&t).into_iter().flatten();
                let near = near.chain(self.assumptions.get(&t).into_iter().flatten());
                for s in near {
                    if seen_stmt.insert(*s) {
                        stmts.push(*s);
                        queue.extend(
                            self.topics_of(*s)
                                .iter()
                                .filter(|t| !seen_topic.contains(*t)),
                        );
                    }
                }
            }
            stmts.sort_unstable();
            let mut defs: Vec<AtomId> = topics
                .iter()
                .flat_map(|t| self.defs.get(t).into_iter().flatten())
                .copied()
                .collect();
            defs.sort_unstable();
            out.push(Component { stmts, defs });
        }
        out.sort_by_key(|c| c.stmts.first().copied());
        out
    }

    fn topics_of(&self, s: StmtId) -> &[TopicId] {
        self.topics.get(s.0 as usize).map_or(&[], Vec::as_slice)
    }
}
