//! `stance deals` output (LANGUAGE.md §10): human and JSON.

use super::{Location, escape};
use crate::deals::{Dispute, Report, Standing, State};
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
    /// The scenario asked in (`--scenario`), or null.
    scenario: Option<String>,
    parties: Vec<String>,
    topics: Vec<String>,
    consistent: bool,
    deals: Vec<JDeal>,
    concessions: Vec<JConcession>,
    /// Whether `--max-deals` or the time budget cut this dispute's list.
    truncated: bool,
    /// Whether the marked deals (concessions) are exact optima (also when
    /// the list is cut: they are found by their own optimisation).
    marks_exact: bool,
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
        .flat_map(|(r, m)| r.disputes.iter().map(move |d| (r, d, m)))
        .map(|(r, d, m)| JDispute {
            scenario: r.scenario.map(|s| m.scenario(s).name.clone()),
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
                    scores: per_party(m, &d.parties, &x.standing.vector),
                    total: x.standing.total,
                    best_total: x.standing.best,
                    fairest: x.standing.fairest,
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
                    costs: per_party(m, &d.parties, &x.standing.vector),
                    total: x.standing.total,
                    cheapest: x.standing.best,
                    fairest: x.standing.fairest,
                })
                .collect(),
            truncated: d.truncated,
            marks_exact: d.marks_exact,
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

/// A dispute's deals or concessions: `head` with what a cut list says of
/// itself, then per entry `  deal 2 — best total, fairest`, its vector
/// line and its `lines`.
fn list(
    out: &mut String,
    m: &Model,
    d: &Dispute,
    head: &str,
    (noun, best_word, vector_word): (&str, &str, &str),
    entries: Vec<(&Standing, Vec<String>)>,
) {
    let _ = writeln!(out, "  {head}{}", cut_note(d, noun, best_word));
    for (i, (x, lines)) in entries.into_iter().enumerate() {
        let mut marks = Vec::new();
        if x.best {
            marks.push(best_word);
        }
        if x.fairest {
            marks.push("fairest");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" — {}", marks.join(", "))
        };
        let _ = writeln!(out, "\n  {noun} {}{marks}", i + 1);
        let _ = writeln!(
            out,
            "    {vector_word}: {} (total {})",
            vector(m, &d.parties, &x.vector),
            x.total
        );
        for l in lines {
            let _ = writeln!(out, "    {l}");
        }
    }
}

/// What a cut list says of itself (after its count), or nothing; `noun`
/// is `deal` or `concession`.
fn cut_note(d: &Dispute, noun: &str, best_word: &str) -> String {
    match (d.truncated, d.marks_exact) {
        (false, _) => String::new(),
        (true, true) => format!(
            " — list cut short (`--max-deals` or the time budget); the {noun}s marked \
             {best_word} and fairest are exact optima, found by their own search"
        ),
        (true, false) => {
            format!(" — list cut short by the time budget; the marks are among the {noun}s shown")
        }
    }
}

/// The report for a terminal (no colour: it is a table of numbers and
/// source lines).
pub fn human(reports: &[(Report, Model)], sources: &SourceMap) -> String {
    let mut out = String::new();
    let all: Vec<_> = reports
        .iter()
        .flat_map(|(r, m)| r.disputes.iter().map(move |d| (r, d, m)))
        .collect();
    let n = all.len();
    if n == 0 {
        out.push_str("no dispute with wishes or conflicting red lines: nothing to negotiate\n");
    }
    for (k, (r, d, m)) in all.into_iter().enumerate() {
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
        if let Some(sc) = r.scenario.map(|s| m.scenario(s)) {
            let _ = write!(out, "  in the scenario `{}`", escape(&sc.name));
            if let Some(l) = &sc.label {
                let _ = write!(out, " ({})", escape(l));
            }
            let _ = writeln!(out, ": {} holds in every outcome", escape(&sc.text));
        }
        let line = |s: &StmtId| statement_line(m, sources, *s);
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
                let entries = d.deals.iter().map(|x| {
                    let holds: Vec<String> = x
                        .holds
                        .iter()
                        .map(|a| escape(&m.atom_name(*a)).into_owned())
                        .collect();
                    let mut lines = vec![format!(
                        "holds:  {}",
                        if holds.is_empty() {
                            "nothing".to_owned()
                        } else {
                            holds.join(", ")
                        }
                    )];
                    lines.extend(x.met.iter().map(|s| format!("met     {}", line(s))));
                    lines.extend(x.missed.iter().map(|s| format!("missed  {}", line(s))));
                    (&x.standing, lines)
                });
                let head = format!(
                    "the red lines hold together: {} (Pareto-optimal over the parties' wish scores)",
                    plural(d.deals.len(), "deal", "deals"),
                );
                let words = ("deal", "best total", "scores");
                list(&mut out, m, d, &head, words, entries.collect());
            }
            State::Conflicting => {
                let entries = d.concessions.iter().map(|x| {
                    let lines = x.withdraw.iter().map(|s| format!("withdraw  {}", line(s)));
                    (&x.standing, lines.collect())
                });
                let head = format!(
                    "the red lines conflict: {} to make them hold together (Pareto-optimal over the parties' costs)",
                    plural(d.concessions.len(), "way", "ways"),
                );
                let words = ("concession", "cheapest", "costs");
                list(&mut out, m, d, &head, words, entries.collect());
            }
        }
        out.push('\n');
    }
    let cut: Vec<&Dispute> = reports
        .iter()
        .flat_map(|(r, _)| &r.disputes)
        .filter(|d| d.truncated)
        .collect();
    if !cut.is_empty() {
        let exact = if cut.iter().all(|d| d.marks_exact) {
            "the marked best-total, cheapest and fairest entries are exact optima, \
             listed whatever the limit"
        } else {
            "where the time budget ran out, the marks are among the entries shown"
        };
        let _ = writeln!(
            out,
            "note: the output is truncated (`--max-deals` or the time budget); {exact}"
        );
    }
    out
}
