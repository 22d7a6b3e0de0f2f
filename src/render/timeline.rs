//! `stance timeline` output (LANGUAGE.md §11): human and JSON.
//!
//! Human: one line per change, `DATE: what happens (parties) — file:line`,
//! date by date; the findings that hold before the first date come first
//! (`before DATE:`), a date where nothing changes says so. JSON: each
//! finding as §8 shows it ([`super::json::diagnostic`]) with `from` and
//! `until`.

use super::json::{JsonDiagnostic, diagnostic};
use super::{Location, TRUNCATED, escape};
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::SourceMap;
use crate::timeline::{Held, Timeline};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Serialize)]
struct JFinding<'a> {
    #[serde(flatten)]
    diagnostic: JsonDiagnostic<'a>,
    from: Option<String>,
    until: Option<String>,
}

#[derive(Serialize)]
struct JTimeline<'a> {
    version: u32,
    dates: Vec<String>,
    findings: Vec<JFinding<'a>>,
    truncated: bool,
}

/// The timeline as one JSON object, with a final newline.
pub fn json(t: &Timeline, sources: &SourceMap) -> String {
    let out = JTimeline {
        version: 1,
        dates: t.dates.iter().map(ToString::to_string).collect(),
        findings: t
            .findings
            .iter()
            .map(|h| JFinding {
                diagnostic: diagnostic(&h.diagnostic, sources),
                from: h.from.map(|d| d.to_string()),
                until: h.until.map(|d| d.to_string()),
            })
            .collect(),
        truncated: t.truncated,
    };
    // Serializing these plain structs cannot fail.
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

/// Whether the finding is about a scenario becoming infeasible.
fn infeasible(d: &Diagnostic) -> bool {
    matches!(d.kind, Kind::InfeasibleScenario | Kind::ExpectedInfeasible)
}

/// What happens when a finding starts (`true`) or stops holding.
fn phrase(d: &Diagnostic, starts: bool) -> String {
    let parties = if d.parties.is_empty() {
        String::new()
    } else {
        format!(" ({})", d.parties.join(", "))
    };
    let text = match (d.kind, &d.scenario) {
        (_, Some(s)) if infeasible(d) => {
            if starts {
                format!("the scenario `{s}` becomes infeasible")
            } else {
                format!("the scenario `{s}` is no longer infeasible for this reason")
            }
        }
        (Kind::Conflict | Kind::ExpectedConflict, _) => {
            if starts {
                "the parties' red lines come into conflict".to_owned()
            } else {
                "this conflict of red lines ends".to_owned()
            }
        }
        (Kind::SelfContradiction, _) => {
            if starts {
                "a party starts to contradict itself".to_owned()
            } else {
                "this self-contradiction ends".to_owned()
            }
        }
        (Kind::FailedExpectation, _) => {
            if starts {
                format!("an expectation starts to fail: {}", d.message)
            } else {
                format!("an expectation holds again (it failed: {})", d.message)
            }
        }
        _ => {
            if starts {
                format!("{} appears: {}", d.kind.name(), d.message)
            } else {
                format!("{} disappears: {}", d.kind.name(), d.message)
            }
        }
    };
    format!("{text}{parties}")
}

/// One line: `LEAD: what happens — file:line`.
fn line(out: &mut String, lead: &str, h: &Held, starts: bool, sources: &SourceMap) {
    let loc = Location::of(h.diagnostic.span, sources);
    let what = phrase(&h.diagnostic, starts);
    let _ = writeln!(
        out,
        "{lead}: {} — {}:{}",
        escape(&what),
        escape(&loc.file),
        loc.line
    );
}

/// The timeline as text: what holds before the first date, then, date by
/// date, what appears and what disappears.
pub fn human(t: &Timeline, sources: &SourceMap) -> String {
    let mut out = String::new();
    let Some(first) = t.dates.first() else {
        let n = t.findings.len();
        let _ = writeln!(
            out,
            "no dated snapshots: the {} of `stance check` {} at every date",
            super::plural(n, "finding", "findings"),
            if n == 1 { "holds" } else { "hold" }
        );
        if t.truncated {
            let _ = writeln!(out, "note: {TRUNCATED}");
        }
        return out;
    };
    let before = format!("before {first}");
    for h in t.findings.iter().filter(|h| h.from.is_none()) {
        line(&mut out, &before, h, true, sources);
    }
    for d in &t.dates {
        let lead = d.to_string();
        let mut changed = false;
        for h in t.findings.iter().filter(|h| h.until == Some(*d)) {
            line(&mut out, &lead, h, false, sources);
            changed = true;
        }
        for h in t.findings.iter().filter(|h| h.from == Some(*d)) {
            line(&mut out, &lead, h, true, sources);
            changed = true;
        }
        if !changed {
            let _ = writeln!(out, "{lead}: no finding appears or disappears");
        }
    }
    let latest = t.findings.iter().filter(|h| h.until.is_none()).count();
    let last = t.dates.last().unwrap_or(first);
    let _ = writeln!(
        out,
        "{} {} from {last} on (`stance check` shows {})",
        super::plural(latest, "finding", "findings"),
        if latest == 1 { "holds" } else { "hold" },
        if latest == 1 { "it" } else { "them" }
    );
    if t.truncated {
        let _ = writeln!(out, "note: {TRUNCATED}");
    }
    out
}
