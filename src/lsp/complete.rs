//! Completion: keywords in context, declared topics where a formula goes,
//! parties after `@`, `duty` and in `expect` lines (`expect reversal` too),
//! scenarios after `expect feasible|infeasible`. Decided from the text before the cursor
//! (the tree of a half-written line says little).

use super::symbols::{Occurrence, SymbolKind};

/// What may come at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// A top-level item keyword.
    Item,
    /// A statement keyword (inside a party block), or a topic.
    Statement,
    /// A topic (a formula).
    Topic,
    /// A party.
    Party,
    /// A scenario.
    Scenario,
    /// Nothing to offer (a string, a comment, a label).
    Nothing,
}

/// Keywords that start a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &["party", "topic", "assume", "scenario", "expect", "include"];
/// Keywords that start a statement.
pub const STATEMENT_KEYWORDS: &[&str] = &[
    "requires", "rejects", "prefers", "avoids", "claims", "no", "duty",
];

/// Whether the cursor is inside a block, and whose: `party` or `scenario`.
fn open_block(before: &str) -> Option<&'static str> {
    let mut stack: Vec<&'static str> = Vec::new();
    for line in before.split('\n') {
        let mut in_string = false;
        let mut escaped = false;
        let code: String = line
            .chars()
            .take_while(|&c| {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_string = false;
                    }
                    true
                } else if c == '"' {
                    in_string = true;
                    true
                } else {
                    c != '#'
                }
            })
            .collect();
        let first = code.split_whitespace().next().unwrap_or("");
        let mut in_string = false;
        for c in code.chars() {
            match c {
                '"' => in_string = !in_string,
                '{' if !in_string => stack.push(if first == "scenario" {
                    "scenario"
                } else {
                    "party"
                }),
                '}' if !in_string => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack.last().copied()
}

/// The context at the end of `before` (the text up to the cursor).
pub fn context(before: &str) -> Context {
    let line = before.rsplit('\n').next().unwrap_or("");
    if line.contains('#') || line.matches('"').count() % 2 == 1 {
        return Context::Nothing;
    }
    // Drop the word being typed.
    let head = line.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    if head.ends_with('@') {
        return Context::Party;
    }
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let block = open_block(before);
    let Some(&last) = words.last() else {
        return match block {
            Some("party") => Context::Statement,
            Some(_) => Context::Topic,
            None => Context::Item,
        };
    };
    if last.ends_with(':') && words.len() == 1 && block == Some("party") {
        return Context::Statement; // after a label
    }
    let first = words.first().copied().unwrap_or("");
    if first == "expect" {
        return match words.get(1).copied() {
            None => Context::Nothing,
            Some("feasible" | "infeasible") if words.len() == 2 => Context::Scenario,
            Some("consistent" | "conflict") => Context::Party,
            Some("reversal") if words.len() == 2 => Context::Party,
            Some("impossible") => Context::Topic,
            Some(_) if words.contains(&"for") => Context::Party,
            Some(_) => Context::Nothing,
        };
    }
    match last {
        "duty" => Context::Party,
        "party" | "topic" | "scenario" | "include" => Context::Nothing,
        _ if head.trim_end().ends_with('{') && first == "scenario" => Context::Topic,
        _ if first == "scenario" && !head.contains('{') => Context::Nothing,
        _ if first == "party" => Context::Nothing,
        _ => Context::Topic,
    }
}

/// Declared names of a kind, each once, in order.
pub fn declared(occurrences: &[Occurrence], kind: SymbolKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in occurrences {
        if o.kind == kind && o.decl && !out.contains(&o.name) {
            out.push(o.name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        assert_eq!(context(""), Context::Item);
        assert_eq!(context("topic x\npa"), Context::Item);
        assert_eq!(context("party p {\n  "), Context::Statement);
        assert_eq!(context("party p {\n  z1: "), Context::Statement);
        assert_eq!(context("party p {\n  requires ce"), Context::Topic);
        assert_eq!(context("party p {\n  requires a and "), Context::Topic);
        assert_eq!(context("party p {\n  requires x@"), Context::Party);
        assert_eq!(context("party p {\n  duty "), Context::Party);
        assert_eq!(context("party p {\n}\n"), Context::Item);
        assert_eq!(context("expect feasible "), Context::Scenario);
        assert_eq!(context("expect feasible s for "), Context::Party);
        assert_eq!(context("expect conflict a, "), Context::Party);
        assert_eq!(context("expect reversal "), Context::Party);
        assert_eq!(context("expect reversal uk "), Context::Nothing);
        assert_eq!(context("scenario s { "), Context::Topic);
        assert_eq!(context("party "), Context::Nothing);
        assert_eq!(context("party p { requires x \"a { "), Context::Nothing);
        assert_eq!(context("# requires "), Context::Nothing);
    }
}
