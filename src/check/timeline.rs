//! The findings between consecutive snapshots of a party (LANGUAGE.md
//! §11): `reversal` ([`super::reversal`]) and `softened-stance`
//! ([`super::softened`]). Each pair of consecutive snapshots of a party is
//! checked on its own model: that party's two snapshots and the
//! assumptions, nothing else.

use super::expect::ReversalFound;
use super::session::Components;
use super::{CheckOptions, Ctx, reversal, softened};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::model::{Model, PartyId};
use std::collections::BTreeMap;
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
    for (p, dates) in model.party_dates().into_iter().enumerate() {
        let party = PartyId(p as u32);
        let dates: Vec<Date> = dates
            .into_iter()
            .filter(|d| at.is_none_or(|a| *d <= a))
            .collect();
        for pair in dates.windows(2) {
            let &[d1, d2] = pair else { continue };
            let sub = model.restricted(|s| {
                s.party.is_none()
                    || (s.party == Some(party) && (s.date == Some(d1) || s.date == Some(d2)))
            });
            let mut comps = Components::new(&sub);
            comps.deadline = deadline;
            let mut ctx = Ctx::new(
                &sub,
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
