//! `stance timeline` output (LANGUAGE.md §11): human, JSON and a Mermaid
//! gantt chart.
//!
//! Human: one line per change, `DATE: what happens (parties) — file:line
//! with :line, …` (the primary location, then the lines of the other
//! members, so that two findings of one date never read the same), date
//! by date; the findings that hold before the first date come first
//! (`before DATE:`), a date where nothing changes says so. JSON: each
//! finding as §8 shows it ([`super::json::diagnostic`]) with `from` and
//! `until`.

use super::json::{JsonDiagnostic, diagnostic};
use super::{Location, TRUNCATED, escape};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::SourceMap;
use crate::timeline::{Held, Timeline};
use serde::Serialize;
use std::collections::HashMap;
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

/// What a line says of a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    /// It holds before every snapshot date.
    Holds,
    /// It starts to hold; `true`: another finding of its kind at its
    /// location held already (one more minimal set).
    Starts(bool),
    /// It stops holding; `true`: another of its kind at its location
    /// still holds.
    Ends(bool),
}

/// What happens to a finding.
fn phrase(d: &Diagnostic, change: Change) -> String {
    let parties = if d.parties.is_empty() {
        String::new()
    } else {
        format!(" ({})", d.parties.join(", "))
    };
    let m = &d.message;
    let text = match (d.kind, &d.scenario) {
        (_, Some(s)) if infeasible(d) => match change {
            Change::Holds => format!("the scenario `{s}` is infeasible"),
            Change::Starts(false) => format!("the scenario `{s}` becomes infeasible"),
            Change::Starts(true) => format!("the scenario `{s}` is infeasible for one more reason"),
            Change::Ends(true) => {
                format!("one reason the scenario `{s}` is infeasible is gone; others remain")
            }
            Change::Ends(false) => {
                format!("the scenario `{s}` is no longer infeasible for this reason")
            }
        },
        (Kind::Conflict | Kind::ExpectedConflict, _) => match change {
            Change::Holds => "the parties' red lines conflict".to_owned(),
            Change::Starts(_) => "the parties' red lines come into conflict".to_owned(),
            Change::Ends(_) => "this conflict of red lines ends".to_owned(),
        },
        (Kind::SelfContradiction, _) => match change {
            Change::Holds => "a party contradicts itself".to_owned(),
            Change::Starts(_) => "a party starts to contradict itself".to_owned(),
            Change::Ends(_) => "this self-contradiction ends".to_owned(),
        },
        (Kind::FailedExpectation, _) => match change {
            Change::Holds => format!("an expectation fails: {m}"),
            Change::Starts(_) => format!("an expectation starts to fail: {m}"),
            Change::Ends(_) => format!("an expectation holds again (it failed: {m})"),
        },
        (k, _) => match change {
            Change::Holds => format!("{}: {m}", k.name()),
            Change::Starts(_) => format!("{} appears: {m}", k.name()),
            Change::Ends(_) => format!("{} disappears: {m}", k.name()),
        },
    };
    format!("{text}{parties}")
}

/// Where a finding is, for its line: its primary location, then ` with `
/// and the places of its other members in source order, `:95` in the
/// primary's file, `other.stance:12` in another; a place already named
/// is not repeated. With `columns`, every place has its column
/// (`file:88:3 with :95:3`): for findings that line numbers alone do not
/// tell apart (statements separated by `;` on one line).
fn places(d: &Diagnostic, sources: &SourceMap, columns: bool) -> String {
    let at = |loc: &Location| {
        if columns {
            (loc.file.clone(), loc.line, loc.column)
        } else {
            (loc.file.clone(), loc.line, 0)
        }
    };
    let primary = Location::of(d.span, sources);
    let mut out = format!("{}:{}", escape(&primary.file), primary.line);
    if columns {
        let _ = write!(out, ":{}", primary.column);
    }
    let mut spans: Vec<_> = d.members.iter().map(|m| m.span).collect();
    spans.sort_by_key(|s| (s.file, s.start, s.end));
    let mut named = vec![at(&primary)];
    for span in spans {
        let loc = Location::of(span, sources);
        let place = at(&loc);
        if named.contains(&place) {
            continue;
        }
        out.push_str(if named.len() == 1 { " with " } else { ", " });
        if loc.file != primary.file {
            out.push_str(&escape(&loc.file));
        }
        let _ = write!(out, ":{}", loc.line);
        if columns {
            let _ = write!(out, ":{}", loc.column);
        }
        named.push(place);
    }
    out
}

/// One line: `LEAD: what happens — places`.
fn line(lead: &str, h: &Held, change: Change, sources: &SourceMap, columns: bool) -> String {
    let what = phrase(&h.diagnostic, change);
    format!(
        "{lead}: {} — {}\n",
        escape(&what),
        places(&h.diagnostic, sources, columns)
    )
}

/// The lines of one lead (`before DATE` or a date), in order. Two
/// findings that would read the same by line numbers (their members on the
/// same lines) are written with columns.
fn lines(out: &mut String, lead: &str, changes: &[(&Held, Change)], sources: &SourceMap) {
    let plain: Vec<String> = changes
        .iter()
        .map(|(h, c)| line(lead, h, *c, sources, false))
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for l in &plain {
        *count.entry(l).or_default() += 1;
    }
    for ((h, c), l) in changes.iter().zip(&plain) {
        if count.get(l.as_str()).is_some_and(|n| *n > 1) {
            out.push_str(&line(lead, h, *c, sources, true));
        } else {
            out.push_str(l);
        }
    }
}

/// Whether a finding other than `h` of its kind at its location holds in
/// the period starting at `at`.
fn another(t: &Timeline, h: &Held, at: Option<Date>) -> bool {
    t.at(at).any(|o| {
        !std::ptr::eq(o, h)
            && o.diagnostic.kind == h.diagnostic.kind
            && o.diagnostic.span == h.diagnostic.span
    })
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
    let before: Vec<_> = t
        .findings
        .iter()
        .filter(|h| h.from.is_none())
        .map(|h| (h, Change::Holds))
        .collect();
    lines(&mut out, &format!("before {first}"), &before, sources);
    let mut previous = None;
    for d in &t.dates {
        let lead = d.to_string();
        let ends = t.findings.iter().filter(|h| h.until == Some(*d));
        let ends = ends.map(|h| (h, Change::Ends(another(t, h, Some(*d)))));
        let starts = t.findings.iter().filter(|h| h.from == Some(*d));
        let starts = starts.map(|h| (h, Change::Starts(another(t, h, previous))));
        let changes: Vec<_> = ends.chain(starts).collect();
        lines(&mut out, &lead, &changes, sources);
        previous = Some(*d);
        if changes.is_empty() {
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

/// Text made safe for one line of a Mermaid gantt chart (a task name or
/// a section name): Mermaid splits a task at its first `:` and reads
/// `#` and `;` as its own syntax, so `:`, `;`, `#`, `%`, quotes and angle
/// brackets are written as Mermaid's entity codes (`#58;` …), which it
/// shows as the character itself; a line break or any other control,
/// bidirectional or line-separator character becomes a space.
fn gantt_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            ':' | ';' | '#' | '%' | '"' | '<' | '>' | '&' | '\\' | '`' | '{' | '}' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c if super::is_unsafe_char(c) || c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The timeline as a Mermaid gantt chart (renders inside GitHub
/// markdown): one bar per finding over the dates it holds in, one section
/// per finding kind (in the order of their names). Every bar's name says
/// its dates in words: a finding that holds before the first date
/// (`from …`) starts at the left edge, one that still holds (`… on`) runs
/// to the right edge; the edges lie a tenth of the range (at least a day)
/// beyond the first and the last date, only so such bars can be seen.
/// A model without dates gives a chart with no bars that says so.
pub fn mermaid(t: &Timeline, sources: &SourceMap) -> String {
    let mut out = String::from("gantt\n");
    out.push_str("  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m-%d\n");
    let (Some(first), Some(last)) = (t.dates.first(), t.dates.last()) else {
        let _ = writeln!(
            out,
            "  title no dated snapshots, every finding of stance check holds at every date"
        );
        return out;
    };
    let span = last.days().saturating_sub(first.days());
    let pad = (span / 10).max(1);
    // the edges; at the ends of the calendar, the first or last date
    let left = first_minus(*first, pad).unwrap_or(*first);
    let right = last.plus_days(pad).unwrap_or(*last);
    let _ = writeln!(
        out,
        "  title stance timeline, {} to {}{}",
        first,
        last,
        if t.truncated {
            " (truncated, a limit cut some state's check short)"
        } else {
            ""
        }
    );
    let mut sections: std::collections::BTreeMap<&str, Vec<(usize, &Held)>> =
        std::collections::BTreeMap::new();
    for (i, h) in t.findings.iter().enumerate() {
        sections
            .entry(h.diagnostic.kind.name())
            .or_default()
            .push((i + 1, h));
    }
    for (kind, bars) in sections {
        let _ = writeln!(out, "  section {}", gantt_text(kind));
        for (id, h) in bars {
            let loc = Location::of(h.diagnostic.span, sources);
            let range = match (h.from, h.until) {
                (None, None) => "at every date".to_owned(),
                (None, Some(u)) => format!("until {u}"),
                (Some(f), None) => format!("from {f} on"),
                (Some(f), Some(u)) => format!("from {f} until {u}"),
            };
            let name = format!(
                "{} [{range}] — {}:{}",
                phrase(&h.diagnostic, Change::Holds),
                loc.file,
                loc.line
            );
            let _ = writeln!(
                out,
                "  {} :f{id}, {}, {}",
                gantt_text(&name),
                h.from.unwrap_or(left),
                h.until.unwrap_or(right)
            );
        }
    }
    out
}

/// The date `n` days before `d`, when there is one.
fn first_minus(d: Date, n: u32) -> Option<Date> {
    let target = d.days().checked_sub(n)?;
    Date::new(1, 1, 1).ok()?.plus_days(target)
}
