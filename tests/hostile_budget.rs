//! Bounded time: models built to make the checker's searches explode end
//! within the time budget (`--time-budget 1` → well under 5 s wall, debug
//! build), say `"truncated": true`, and exit with a code that agrees with
//! what was found. Limits and defaults: docs/limits.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile_support;

use hostile_support::{Run, TempDir, assert_terminal_safe, diagnostic_names, stance};
use std::fmt::Write as _;
use std::time::Duration;

/// Wall-clock limit for a run with `--time-budget 1`: the budget plus
/// rendering, process start-up and a loaded 2-core machine.
const WALL: Duration = Duration::from_secs(5);

/// `2^n` minimal conflicts: parties `p{i}` and `q{i}` both require `x{i}`,
/// party `r` rejects all of them together; a scenario wanting every `x{i}`
/// is infeasible in `2^n` minimal ways too, and its expectation fails.
fn exponential_conflicts(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "topic x{i}");
    }
    for i in 0..n {
        let _ = writeln!(s, "party p{i} {{ requires x{i} }}");
        let _ = writeln!(s, "party q{i} {{ requires x{i} }}");
    }
    let all: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    let _ = writeln!(s, "party r {{ rejects {} }}", all.join(" and "));
    let _ = writeln!(s, "scenario all {{ {} }}", all.join(", "));
    let _ = writeln!(s, "expect feasible all");
    s
}

/// Overlapping rejections: party `a{i}` requires `t{i} or t{i+1}`, party
/// `b{i}` rejects `t{i} and t{i+1}`, every third topic is required by a
/// party `c{i}`, and each party also rejects one topic that another
/// requires; thousands of minimal sets share members.
fn overlapping_rejections(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "topic t{i}");
    }
    for i in 0..n {
        let j = (i + 1) % n;
        let k = (i * 7 + 3) % n;
        let _ = writeln!(
            s,
            "party a{i} {{ requires t{i} or t{j}; rejects t{k} when t{i} }}"
        );
        let _ = writeln!(
            s,
            "party b{i} {{ rejects t{i} and t{j}; requires t{k} when t{j} }}"
        );
        if i % 3 == 0 {
            let _ = writeln!(s, "party c{i} {{ requires t{i}; prefers t{j} }}");
        }
    }
    let _ = writeln!(s, "scenario many {{ t0, t1, t2, t3 }}");
    let _ = writeln!(s, "expect feasible many");
    s
}

/// The pigeonhole principle as assumptions: `n + 1` pigeons, `n` holes,
/// every pigeon in a hole, no two in one. Unsatisfiable, and exponentially
/// hard for resolution-based SAT solvers.
fn pigeonhole(n: usize) -> String {
    let mut s = String::new();
    for i in 0..=n {
        for j in 0..n {
            let _ = writeln!(s, "topic p{i}_{j}");
        }
    }
    for i in 0..=n {
        let holes: Vec<String> = (0..n).map(|j| format!("p{i}_{j}")).collect();
        let _ = writeln!(s, "assume {}", holes.join(" or "));
    }
    for j in 0..n {
        for i in 0..=n {
            for k in i + 1..=n {
                let _ = writeln!(s, "assume not (p{i}_{j} and p{k}_{j})");
            }
        }
    }
    s
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

/// Exit 1 exactly when an error was reported, 0 otherwise; never 2 for a
/// run that was merely cut short.
fn assert_exit_agrees(run: &Run, v: &serde_json::Value) {
    let errors = v["summary"]["errors"].as_u64().unwrap();
    let expected = if errors > 0 { 1 } else { 0 };
    assert_eq!(run.code, Some(expected), "{}", run.stderr);
}

fn check_budgeted(text: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let t = TempDir::new("budget");
    t.write("hard.stance", text);
    let mut args = vec![
        "check",
        "hard.stance",
        "--format",
        "json",
        "--time-budget",
        "1",
    ];
    args.extend_from_slice(extra);
    let run = stance(t.path(), &args);
    assert!(run.took < WALL, "took {:?}", run.took);
    let v = json(&run);
    assert_exit_agrees(&run, &v);
    // The human output says so too.
    let mut args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "json" { "human" } else { a })
        .collect();
    args.extend_from_slice(&["--color", "never"]);
    let human = stance(t.path(), &args);
    assert!(human.took < WALL, "human took {:?}", human.took);
    assert_terminal_safe("human", &human.stdout);
    if v["summary"]["truncated"] == true {
        assert!(human.stdout.contains("truncated"), "{}", human.stdout);
    }
    (run, v)
}

#[test]
fn exponentially_many_conflicts_stop_at_the_time_budget() {
    // 2^24 minimal sets: no machine enumerates them in a second.
    let (_, v) = check_budgeted(
        &exponential_conflicts(24),
        &["--max-conflicts", "100000000"],
    );
    assert_eq!(v["summary"]["truncated"], true);
    let names = diagnostic_names(&v);
    // What was found before the budget ran out is reported.
    assert!(names.contains(&"conflict"), "{names:?}");
}

#[test]
fn the_default_set_limit_truncates_and_the_expectation_still_fails() {
    let (run, v) = check_budgeted(&exponential_conflicts(16), &[]);
    assert_eq!(v["summary"]["truncated"], true);
    let names = diagnostic_names(&v);
    let conflicts = names.iter().filter(|n| **n == "conflict").count();
    assert_eq!(conflicts, 100, "--max-conflicts defaults to 100");
    assert!(names.contains(&"failed-expectation"), "{}", run.stdout);
    assert_eq!(run.code, Some(1));
}

#[test]
fn overlapping_rejections_stop_at_the_time_budget() {
    let (_, v) = check_budgeted(
        &overlapping_rejections(60),
        &["--max-conflicts", "100000000"],
    );
    assert_eq!(v["summary"]["truncated"], true);
}

#[test]
fn max_conflicts_one_reports_one_set_per_kind() {
    let (_, v) = check_budgeted(&exponential_conflicts(10), &["--max-conflicts", "1"]);
    assert_eq!(v["summary"]["truncated"], true);
    let conflicts = diagnostic_names(&v)
        .iter()
        .filter(|n| **n == "conflict")
        .count();
    assert_eq!(conflicts, 1);
}

/// A small pigeonhole: many quick solver calls. Either the check finishes
/// (and reports the inconsistent assumptions) or it is cut short, within
/// the budget either way.
#[test]
fn a_small_pigeonhole_ends_within_the_budget() {
    let (_, v) = check_budgeted(&pigeonhole(6), &[]);
    let inconsistent = diagnostic_names(&v).contains(&"assumptions-inconsistent");
    assert!(
        inconsistent || v["summary"]["truncated"] == true,
        "neither a finding nor truncated: {v}"
    );
}

/// A contradiction proved within the budget is never lost: when the budget
/// runs out while its minimal set is being found, it is still reported (an
/// error without members, exit 1); given time, with its minimal set.
#[test]
fn a_proved_contradiction_survives_the_budget() {
    // Debug builds are slow: 7 pigeons prove quickly, minimising takes long.
    let (run, v) = check_budgeted(&pigeonhole(7), &[]);
    let found: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "assumptions-inconsistent")
        .collect();
    assert!(!found.is_empty(), "the contradiction vanished: {v}");
    assert_eq!(run.code, Some(1));
    for d in found {
        let members = d["statements"].as_array().unwrap().len();
        assert!(
            members > 0 || v["summary"]["truncated"] == true,
            "a set-less report must come with truncated: {v}"
        );
    }
}

/// A pigeonhole hard enough that one solver call takes minutes: the budget
/// must stop the call itself (batsat's `stop` callback checks the deadline
/// at every conflict, src/logic/sat.rs).
#[test]
fn a_hard_pigeonhole_ends_within_the_budget() {
    let (_, v) = check_budgeted(&pigeonhole(10), &[]);
    assert_eq!(v["summary"]["truncated"], true);
}

#[test]
fn no_budget_means_no_time_limit_but_the_set_limit_holds() {
    // `--time-budget 0` turns the time limit off; the set limit still ends
    // the enumeration.
    let t = TempDir::new("budget");
    t.write("hard.stance", exponential_conflicts(20));
    let run = stance(
        t.path(),
        &[
            "check",
            "hard.stance",
            "--format",
            "json",
            "--time-budget",
            "0",
            "--max-conflicts",
            "5",
        ],
    );
    assert!(run.took < WALL, "took {:?}", run.took);
    let v = json(&run);
    assert_eq!(v["summary"]["truncated"], true);
    assert_exit_agrees(&run, &v);
}

#[test]
fn bad_limits_are_usage_errors() {
    let t = TempDir::new("budget");
    t.write("a.stance", "party a\n");
    for args in [
        &["--time-budget", "soon"][..],
        &["--max-conflicts", "-1"],
        &["--max-conflicts", "many"],
    ] {
        let mut all = vec!["check", "a.stance"];
        all.extend_from_slice(args);
        let run = stance(t.path(), &all);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stdout);
    }
}
