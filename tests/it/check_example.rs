//! The LANGUAGE.md §1 example, built by hand.

use crate::support::check::{Builder, line_of};
use stancecheck::check::{CheckOptions, check};
use stancecheck::diagnostic::{Kind, Role};
use stancecheck::model::ExpectKind;

fn example() -> (Builder, Vec<u32>) {
    let mut b = Builder::new();
    for p in ["ukraine", "us", "russia", "eu"] {
        b.party(p);
    }
    let z1 = b.no_without("ukraine", "ceasefire", "guarantees");
    b.label(z1, "z1");
    let rej_us = b.rejects("us", "guarantees@us");
    let duty = b.duty("us", "eu", "guarantees");
    let rus = b.rejects("russia", "peacekeepers");
    let asm = b.assume("guarantees@eu -> peacekeepers");
    let deal = b.scenario("deal", &["ceasefire"]);
    b.expect(ExpectKind::Infeasible(deal, None), "expect infeasible deal");
    let lines = [z1, rej_us, duty, rus, asm]
        .iter()
        .map(|s| line_of(b.m.statements[s.0 as usize].span))
        .collect();
    (b, lines)
}

#[test]
fn deal_is_infeasible_with_one_chain_of_five() {
    let (b, lines) = example();
    let out = check(&b.m, &CheckOptions::default());
    assert!(!out.truncated);
    let infeasible: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| matches!(d.kind, Kind::InfeasibleScenario | Kind::ExpectedInfeasible))
        .collect();
    assert_eq!(infeasible.len(), 1, "{:#?}", out.diagnostics);
    let d = infeasible[0];
    // The expectation records it.
    assert_eq!(d.kind, Kind::ExpectedInfeasible);
    assert_eq!(d.scenario.as_deref(), Some("deal"));
    assert_eq!(
        d.chain,
        [
            "ceasefire",
            "guarantees",
            "guarantees@eu",
            "peacekeepers",
            "⟂ russia"
        ]
    );
    // Five members, in chain order; the definition `guarantees@eu ->
    // guarantees` is not needed by this set, and `rejects guarantees@us` is
    // not part of it.
    let roles: Vec<Role> = d.members.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [
            Role::Scenario,
            Role::Party,
            Role::Party,
            Role::Assumption,
            Role::Party
        ]
    );
    let member_lines: Vec<u32> = d.members.iter().skip(1).map(|m| line_of(m.span)).collect();
    assert_eq!(member_lines, [lines[0], lines[2], lines[4], lines[3]]);
    assert_eq!(d.members[1].label.as_deref(), Some("z1"));
    assert_eq!(d.parties, ["russia", "ukraine", "us"]);
    // Concessions: withdrawing any one of the three red lines.
    assert_eq!(d.concessions.len(), 3);
    assert!(d.concessions.iter().all(|c| c.len() == 1));
    assert!(
        !out.diagnostics
            .iter()
            .any(|d| d.kind == Kind::FailedExpectation)
    );
}

#[test]
fn ceasefire_is_ruled_out() {
    let (b, lines) = example();
    let out = check(&b.m, &CheckOptions::default());
    let ruled: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::RuledOut)
        .collect();
    assert_eq!(ruled.len(), 1, "{:#?}", out.diagnostics);
    let d = ruled[0];
    assert_eq!(
        d.message,
        "`ceasefire` is ruled out: it can hold in no outcome acceptable to all parties"
    );
    assert_eq!(line_of(d.span), lines[0]);
    assert_eq!(d.members[0].role, Role::Condition);
    assert_eq!(
        d.chain,
        [
            "ceasefire",
            "guarantees",
            "guarantees@eu",
            "peacekeepers",
            "⟂ russia"
        ]
    );
    // Nothing else but the duty `eu` never accepts: no conflict, no
    // self-contradiction.
    let mut kinds: Vec<Kind> = out.diagnostics.iter().map(|d| d.kind).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            Kind::RuledOut,
            Kind::UnacceptedDuty,
            Kind::ExpectedInfeasible
        ]
    );
}

/// A ruled-out condition and an unattainable preference come with the
/// concessions that would make them possible (issue #14.5), and several
/// minimal sets about one subject are told apart in their messages
/// (issue #14.3).
#[test]
fn ruled_out_and_preference_have_concessions_and_numbered_sets() {
    let mut b = Builder::new();
    for p in ["ukraine", "russia", "us"] {
        b.party(p);
    }
    let z1 = b.no_without("ukraine", "ceasefire", "withdrawal");
    let r1 = b.rejects("russia", "withdrawal");
    let u1 = b.rejects("us", "withdrawal");
    let wish = b.prefers("ukraine", "withdrawal");
    let out = check(&b.m, &CheckOptions::default());
    assert!(!out.truncated);
    let span_of = |s: stancecheck::model::StmtId| b.m.statements[s.0 as usize].span;
    let concessions = |kind: Kind| -> Vec<Vec<Vec<u32>>> {
        out.diagnostics
            .iter()
            .filter(|d| d.kind == kind)
            .map(|d| {
                d.concessions
                    .iter()
                    .map(|c| c.iter().map(|r| line_of(r.span)).collect())
                    .collect()
            })
            .collect()
    };
    let line = |s| line_of(span_of(s));
    // `ceasefire` becomes possible when ukraine drops z1, or russia and the
    // us both drop their rejections; two minimal sets, one finding each.
    let both = vec![vec![line(z1)], vec![line(r1), line(u1)]];
    assert_eq!(concessions(Kind::RuledOut), vec![both.clone(), both]);
    // The wish becomes attainable when russia and the us both give way.
    let wish_c = vec![vec![line(r1), line(u1)]];
    assert_eq!(
        concessions(Kind::UnattainablePreference),
        vec![wish_c.clone(), wish_c]
    );
    let messages: Vec<&str> = out
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::UnattainablePreference)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 2);
    assert!(
        messages[0].ends_with("(minimal set 1 of 2)"),
        "{messages:?}"
    );
    assert!(
        messages[1].ends_with("(minimal set 2 of 2)"),
        "{messages:?}"
    );
    // Both are located at the preference, their subject.
    for d in out
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::UnattainablePreference)
    {
        assert_eq!(d.span, span_of(wish));
    }
}

/// Two or more minimal sets of one kind in one dispute: no single
/// concession resolves them all, and a note on each points to `stance
/// deals` (issue #17); one set alone gets no such note.
#[test]
fn several_minimal_sets_point_to_deals() {
    let note = "2 minimal sets in this dispute; `stance deals` shows the cheapest ways out";
    let mut b = Builder::new();
    for p in ["a", "b", "c"] {
        b.party(p);
    }
    b.requires("a", "x");
    b.rejects("b", "x");
    b.rejects("c", "x");
    let out = check(&b.m, &CheckOptions::default());
    let conflicts: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::Conflict)
        .collect();
    assert_eq!(conflicts.len(), 2);
    assert!(conflicts.iter().all(|d| d.notes.iter().any(|n| n == note)));
    let mut one = Builder::new();
    one.party("a");
    one.party("b");
    one.requires("a", "x");
    one.rejects("b", "x");
    let out = check(&one.m, &CheckOptions::default());
    assert!(
        out.diagnostics
            .iter()
            .all(|d| !d.notes.iter().any(|n| n.contains("stance deals")))
    );
}
