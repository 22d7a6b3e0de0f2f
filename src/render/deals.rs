//! `stance deals` output (LANGUAGE.md §10): human and JSON.

use super::{Location, escape};
use crate::deals::{Report, State};
use crate::model::{Model, PartyId, StmtId};
use crate::source::SourceMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A statement as JSON: `{file, line, party, label}` (LANGUAGE.md §8).
#[derive(Serialize)]
struct Ref {
    file: String,
    line: usize,
    party: Option<String>,
    label: Option<String>,
}

#[derive(Serialize)]
struct JDeal {
    holds: Vec<String>,
    scores: BTreeMap<String, u64>,
    total: u64,
    best_total: bool,
    fairest: bool,
    met: Vec<Ref>,
    missed: Vec<Ref>,
}

#[derive(Serialize)]
struct JConcession {
    withdraw: Vec<Ref>,
    costs: BTreeMap<String, u64>,
    total: u64,
    cheapest: bool,
    fairest: bool,
}

#[derive(Serialize)]
struct JDispute {
    parties: Vec<String>,
    topics: Vec<String>,
    consistent: bool,
    deals: Vec<JDeal>,
    concessions: Vec<JConcession>,
}

#[derive(Serialize)]
struct JReport {
    version: u32,
    disputes: Vec<JDispute>,
    truncated: bool,
}

fn reference(m: &Model, sources: &SourceMap, s: StmtId) -> Ref {
    let st = m.statement(s);
    let loc = Location::of(st.span, sources);
    Ref {
        file: loc.file,
        line: loc.line,
        party: m.party_name(st.party).map(str::to_owned),
        label: st.label.clone(),
    }
}

fn per_party(m: &Model, parties: &[PartyId], v: &[u64]) -> BTreeMap<String, u64> {
    parties
        .iter()
        .zip(v)
        .map(|(p, x)| (m.party(*p).name.to_string(), *x))
        .collect()
}

/// The reports of the models of a run as one JSON object (LANGUAGE.md
/// §10), with a final newline.
pub fn json(reports: &[(Report, Model)], sources: &SourceMap) -> String {
    let disputes = reports
        .iter()
        .flat_map(|(r, m)| r.disputes.iter().map(move |d| (d, m)))
        .map(|(d, m)| JDispute {
            parties: d
                .parties
                .iter()
                .map(|p| m.party(*p).name.to_string())
                .collect(),
            topics: d
                .topics
                .iter()
                .map(|t| m.topic(*t).name.to_string())
                .collect(),
            consistent: d.state == State::Consistent,
            deals: d
                .deals
                .iter()
                .map(|x| JDeal {
                    holds: x.holds.iter().map(|a| m.atom_name(*a)).collect(),
                    scores: per_party(m, &d.parties, &x.scores),
                    total: x.total,
                    best_total: x.best_total,
                    fairest: x.fairest,
                    met: x.met.iter().map(|s| reference(m, sources, *s)).collect(),
                    missed: x.missed.iter().map(|s| reference(m, sources, *s)).collect(),
                })
                .collect(),
            concessions: d
                .concessions
                .iter()
                .map(|x| JConcession {
                    withdraw: x
                        .withdraw
                        .iter()
                        .map(|s| reference(m, sources, *s))
                        .collect(),
                    costs: per_party(m, &d.parties, &x.costs),
                    total: x.total,
                    cheapest: x.cheapest,
                    fairest: x.fairest,
                })
                .collect(),
        })
        .collect();
    let j = JReport {
        version: 1,
        disputes,
        truncated: reports.iter().any(|(r, _)| r.truncated),
    };
    let mut out = serde_json::to_string_pretty(&j).unwrap_or_default();
    out.push('\n');
    out
}

/// One statement on one line: `file:line  party (label)  text  "quote"  [weight N]`.
fn statement_line(m: &Model, sources: &SourceMap, s: StmtId) -> String {
    let st = m.statement(s);
    let loc = Location::of(st.span, sources);
    let mut line = format!("{}:{}  ", escape(&loc.file), loc.line);
    if let Some(p) = m.party_name(st.party) {
        line.push_str(&escape(p));
    }
    if let Some(l) = &st.label {
        let _ = write!(line, " ({})", escape(l));
    }
    let _ = write!(line, ": {}", escape(m.text(st.text)));
    if st.weight != 1 {
        let _ = write!(line, " [weight {}]", st.weight);
    }
    if let Some(q) = &st.quote {
        let _ = write!(line, "  \"{}\"", escape(q));
    }
    line
}

/// `name n, name n`.
fn vector(m: &Model, parties: &[PartyId], v: &[u64]) -> String {
    parties
        .iter()
        .zip(v)
        .map(|(p, x)| format!("{} {x}", escape(&m.party(*p).name)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report for a terminal (no colour: it is a table of numbers and
/// source lines).
pub fn human(reports: &[(Report, Model)], sources: &SourceMap) -> String {
    let mut out = String::new();
    let all: Vec<_> = reports
        .iter()
        .flat_map(|(r, m)| r.disputes.iter().map(move |d| (d, m)))
        .collect();
    let n = all.len();
    if n == 0 {
        out.push_str("no dispute with wishes or conflicting red lines: nothing to negotiate\n");
    }
    for (k, (d, m)) in all.into_iter().enumerate() {
        let names = |v: Vec<String>| v.join(", ");
        let _ = writeln!(
            out,
            "dispute {} of {n}: {}",
            k + 1,
            names(
                d.parties
                    .iter()
                    .map(|p| escape(&m.party(*p).name).into_owned())
                    .collect()
            ),
        );
        let _ = writeln!(
            out,
            "  topics: {}",
            names(
                d.topics
                    .iter()
                    .map(|t| escape(&m.topic(*t).name).into_owned())
                    .collect()
            )
        );
        let cut = if d.truncated { " (list cut short)" } else { "" };
        match d.state {
            State::Unknown => {
                out.push_str("  the time budget ran out before this dispute was decided\n");
            }
            State::Background => {
                out.push_str(
                    "  the assumptions (with the scenario) cannot hold together: no deal, and no \
                     concession of the parties helps; `stance check` shows why\n",
                );
            }
            State::Consistent => {
                let _ = writeln!(
                    out,
                    "  the red lines hold together: {} (Pareto-optimal over the parties' wish scores){cut}",
                    plural(d.deals.len(), "deal", "deals")
                );
                for (i, x) in d.deals.iter().enumerate() {
                    let mut marks = Vec::new();
                    if x.best_total {
                        marks.push("best total");
                    }
                    if x.fairest {
                        marks.push("fairest");
                    }
                    let marks = if marks.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", marks.join(", "))
                    };
                    let _ = writeln!(out, "\n  deal {}{marks}", i + 1);
                    let _ = writeln!(
                        out,
                        "    scores: {} (total {})",
                        vector(m, &d.parties, &x.scores),
                        x.total
                    );
                    let holds: Vec<String> = x
                        .holds
                        .iter()
                        .map(|a| escape(&m.atom_name(*a)).into_owned())
                        .collect();
                    let _ = writeln!(
                        out,
                        "    holds:  {}",
                        if holds.is_empty() {
                            "nothing".to_owned()
                        } else {
                            holds.join(", ")
                        }
                    );
                    for s in &x.met {
                        let _ = writeln!(out, "    met     {}", statement_line(m, sources, *s));
                    }
                    for s in &x.missed {
                        let _ = writeln!(out, "    missed  {}", statement_line(m, sources, *s));
                    }
                }
            }
            State::Conflicting => {
                let _ = writeln!(
                    out,
                    "  the red lines conflict: {} to make them hold together (Pareto-optimal over the parties' costs){cut}",
                    plural(d.concessions.len(), "way", "ways")
                );
                for (i, x) in d.concessions.iter().enumerate() {
                    let mut marks = Vec::new();
                    if x.cheapest {
                        marks.push("cheapest");
                    }
                    if x.fairest {
                        marks.push("fairest");
                    }
                    let marks = if marks.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", marks.join(", "))
                    };
                    let _ = writeln!(out, "\n  concession {}{marks}", i + 1);
                    let _ = writeln!(
                        out,
                        "    costs: {} (total {})",
                        vector(m, &d.parties, &x.costs),
                        x.total
                    );
                    for s in &x.withdraw {
                        let _ = writeln!(out, "    withdraw  {}", statement_line(m, sources, *s));
                    }
                }
            }
        }
        out.push('\n');
    }
    if reports.iter().any(|(r, _)| r.truncated) {
        out.push_str(
            "note: the output is truncated (`--max-deals` or the time budget); \
             marks are among the deals shown\n",
        );
    }
    out
}
