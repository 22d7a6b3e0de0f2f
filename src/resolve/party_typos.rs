//! `undeclared-party`: a party block whose name is very likely a typo of
//! a declared party (`party frnace {` beside `party france "France"`).
//!
//! A party block declares its party (LANGUAGE.md §3), so a misspelt block
//! name silently makes a new party, and the statements meant for the real
//! one are checked apart from it. The warning is precise so that it is
//! worth trusting:
//!
//! - the party is *block-only*: every `party` item for it has statements
//!   and no label. A declaration (`party P`, `party P "label"`, an empty
//!   `party P {}`, which `stance fmt` writes as `party P`) or a label on a
//!   block shows that the name is meant;
//! - it is named nowhere else: not in an `X@P` atom, a `duty P:`, or an
//!   `expect` line (a name written twice alike is meant too);
//! - a *declared* party (one that has a declaration or a labelled block)
//!   has a close name: both names at least [`MIN_LEN`] characters long
//!   (shorter names are abbreviations, where one letter makes another
//!   party: `us`, `uk`), at most one edit apart (an inserted, deleted or
//!   replaced character, or two neighbours swapped), two when the shorter
//!   name has at least [`TWO_EDITS_FROM`] characters.
//!
//! The finding is a function of the model's items alone, decided once
//! after resolution (in one piece or after the pieces are put together),
//! so both ways of resolving give it alike.

use crate::ast::{self, FormulaKind, Item, Stance};
use crate::diagnostic::{Diagnostic, Kind};
use crate::hash::{NameMap, name_map};
use crate::source::Span;

/// Names shorter than this are never taken for typos.
const MIN_LEN: usize = 3;

/// From this length of the shorter name on, two edits are close.
const TWO_EDITS_FROM: usize = 6;

/// Names longer than this are not compared (no typo check is worth a
/// quadratic comparison of long names).
const MAX_LEN: usize = 64;

/// How much comparing names may cost in all (products of their lengths):
/// a model with thousands of block-only parties beside thousands of
/// declared ones is not a typo away, and stops being searched there.
const BUDGET: usize = 50_000_000;

/// What the items say about one party name.
struct Seen<'t> {
    name: &'t ast::Name,
    /// The name at its first declaration (or labelled block).
    declared: Option<Span>,
    /// The name at its first block.
    block: Option<Span>,
}

/// The `undeclared-party` warnings of a model (its items in order).
pub(super) fn undeclared_parties(parts: &[&[Item]]) -> Vec<Diagnostic> {
    let mut index: NameMap<&ast::Name, usize> = name_map(0);
    let mut seen: Vec<Seen> = Vec::new();
    for item in parts.iter().flat_map(|p| p.iter()) {
        let Item::Party {
            name,
            label,
            statements,
            ..
        } = item
        else {
            continue;
        };
        let k = *index.entry(&name.name).or_insert_with(|| {
            seen.push(Seen {
                name: &name.name,
                declared: None,
                block: None,
            });
            seen.len() - 1
        });
        let Some(s) = seen.get_mut(k) else { continue };
        if statements.is_empty() || label.is_some() {
            s.declared.get_or_insert(name.span);
        } else {
            s.block.get_or_insert(name.span);
        }
    }
    let declared: Vec<(&ast::Name, Span)> = seen
        .iter()
        .filter_map(|s| Some((s.name, s.declared?)))
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    // each block-only party with its closest declared one
    let mut budget = BUDGET;
    let mut typos: Vec<(&ast::Name, Span, &ast::Name, Span)> = Vec::new();
    for s in &seen {
        let (None, Some(block)) = (s.declared, s.block) else {
            continue;
        };
        match closest(s.name, &declared, &mut budget) {
            Some(Some((q, at))) => typos.push((s.name, block, q, at)),
            Some(None) => {}
            None => break,
        }
    }
    if typos.is_empty() {
        return Vec::new();
    }
    let mut named: NameMap<&str, bool> = name_map(typos.len());
    for (p, ..) in &typos {
        named.insert(p.as_str(), false);
    }
    mark_named(parts, &mut named);
    typos
        .into_iter()
        .filter(|(p, ..)| named.get(p.as_str()) == Some(&false))
        .map(|(p, block, q, at)| {
            Diagnostic::new(
                Kind::UndeclaredParty,
                block,
                format!("party `{p}` has a block but is declared nowhere"),
            )
            .with_span_label("a new party, made by this block alone")
            .with_label(at, format!("`{q}` is declared here"))
            .with_help(format!("did you mean `{q}`?"))
            .with_fix(crate::diagnostic::Fix::one(
                format!("replace `{p}` with `{q}`"),
                true,
                block,
                q.as_str(),
            ))
            .with_help(format!(
                "if `{p}` is a party of its own, declare it: `party {p} \"…\"`"
            ))
        })
        .collect()
}

/// The declared party closest to `name`, if one is close (fewest edits,
/// then first declared); `None` when the budget ran out.
fn closest<'t>(
    name: &str,
    declared: &[(&'t ast::Name, Span)],
    budget: &mut usize,
) -> Option<Option<(&'t ast::Name, Span)>> {
    if !(MIN_LEN..=MAX_LEN).contains(&name.len()) {
        return Some(None);
    }
    let mut best: Option<(usize, &ast::Name, Span)> = None;
    for &(q, at) in declared {
        let shorter = name.len().min(q.len());
        let max = if shorter >= TWO_EDITS_FROM { 2 } else { 1 };
        if shorter < MIN_LEN || q.len() > MAX_LEN || name.len().abs_diff(q.len()) > max {
            continue;
        }
        *budget = budget.checked_sub(name.len() * q.len())?;
        let d = strsim::osa_distance(name, q);
        if d <= max && best.is_none_or(|(b, ..)| d < b) {
            best = Some((d, q, at));
        }
    }
    Some(best.map(|(_, q, at)| (q, at)))
}

/// Marks (`true`) the names of `named` that a formula (`X@P`), a duty or
/// an expectation of `parts` names.
fn mark_named(parts: &[&[Item]], named: &mut NameMap<&str, bool>) {
    let mut mark = |p: &ast::Ident| {
        if let Some(n) = named.get_mut(p.name.as_str()) {
            *n = true;
        }
    };
    // formulas to look through, without recursion
    let mut stack: Vec<&ast::Formula> = Vec::new();
    for item in parts.iter().flat_map(|p| p.iter()) {
        match item {
            Item::Party { statements, .. } => {
                for st in statements {
                    match &st.stance {
                        Stance::Requires { formula, when }
                        | Stance::Rejects { formula, when }
                        | Stance::Prefers { formula, when }
                        | Stance::Avoids { formula, when } => {
                            stack.push(formula);
                            stack.extend(when);
                        }
                        Stance::Claims { formula } => stack.push(formula),
                        Stance::NoWithout {
                            antecedent,
                            consequent,
                        } => {
                            stack.push(antecedent);
                            stack.push(consequent);
                        }
                        Stance::Duty { bearer, .. } => mark(bearer),
                    }
                }
            }
            Item::Assume { formula, .. } => stack.push(formula),
            Item::Scenario { formulas, .. } => stack.extend(formulas),
            Item::Expect(e) => match &e.kind {
                ast::ExpectKind::Consistent(ps) | ast::ExpectKind::Conflict(ps) => {
                    ps.iter().for_each(&mut mark);
                }
                ast::ExpectKind::Feasible { parties, .. }
                | ast::ExpectKind::Infeasible { parties, .. } => {
                    parties.iter().flatten().for_each(&mut mark);
                }
                ast::ExpectKind::Impossible(f) => stack.push(f),
                ast::ExpectKind::Reversal(p) => mark(p),
            },
            Item::Include { .. } | Item::Topic { .. } => {}
        }
        while let Some(f) = stack.pop() {
            match &f.kind {
                FormulaKind::Atom { party, .. } => {
                    if let Some(p) = party {
                        mark(p);
                    }
                }
                FormulaKind::Not(a) => stack.push(a),
                FormulaKind::And(xs) | FormulaKind::Or(xs) => stack.extend(xs.iter()),
                FormulaKind::Implies(a, b) | FormulaKind::Iff(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// `(block-only name, suggested name)` of each warning on `text`.
    fn typos(text: &str) -> Vec<(String, String)> {
        let (tree, errors) = crate::syntax::parse(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        undeclared_parties(&[tree.items.as_slice()])
            .into_iter()
            .map(|d| {
                let name = text[d.span.range()].to_owned();
                let help = d.help.first().cloned().unwrap_or_default();
                (name, help)
            })
            .collect()
    }

    fn pair(p: &str, q: &str) -> Vec<(String, String)> {
        vec![(p.to_owned(), format!("did you mean `{q}`?"))]
    }

    #[test]
    fn a_block_with_a_typo_beside_a_declared_party() {
        let decl = "party france \"France\"\ntopic x\n";
        let with = |tail: &str| typos(&format!("{decl}{tail}"));
        assert_eq!(
            with("party frnace {\n  requires x\n}\n"),
            pair("frnace", "france")
        );
        // several blocks: one warning, at the first
        assert_eq!(
            with("party frnace {\n  requires x\n}\nparty frnace {\n  rejects x\n}\n"),
            pair("frnace", "france")
        );
        // two edits for long names
        let long = "party ukraine \"Ukraine\"\ntopic x\nparty ukrian {\n  requires x\n}\n";
        assert_eq!(typos(long), pair("ukrian", "ukraine"));
        // the closest declared party; on a tie the first declared
        let two = "party franc\nparty france\ntopic x\nparty frances {\n  requires x\n}\n";
        assert_eq!(typos(two), pair("frances", "france"));
        let tie = "party fraance\nparty franc\ntopic x\nparty france {\n  requires x\n}\n";
        assert_eq!(typos(tie), pair("france", "fraance"));
    }

    #[test]
    fn meant_names_are_not_typos() {
        let decl = "party france \"France\"\ntopic x\n";
        let with = |tail: &str| typos(&format!("{decl}{tail}"));
        // declared by a line, before or after, or by a labelled block
        assert!(with("party frnace\nparty frnace {\n  requires x\n}\n").is_empty());
        assert!(with("party frnace {\n  requires x\n}\nparty frnace \"F\"\n").is_empty());
        assert!(with("party frnace \"F\" {\n  requires x\n}\n").is_empty());
        assert!(with("party frnace {}\nparty frnace {\n  requires x\n}\n").is_empty());
        // named elsewhere
        assert!(with("party frnace {\n  requires x@frnace\n}\n").is_empty());
        assert!(
            with("party frnace {\n  requires x\n}\nparty france {\n  duty frnace: x\n}\n")
                .is_empty()
        );
        assert!(with("party frnace {\n  requires x\n}\nexpect consistent frnace\n").is_empty());
        assert!(
            with("party frnace {\n  requires x\n}\nscenario s { x }\nexpect feasible s for france, frnace\n")
                .is_empty()
        );
        assert!(with("party frnace {\n  requires x\n}\nassume not x@frnace\n").is_empty());
        assert!(with("party frnace {\n  requires x\n}\nexpect impossible x@frnace\n").is_empty());
        // not close: too far, too short, or only blocks on both sides
        assert!(with("party germany {\n  requires x\n}\n").is_empty());
        assert!(typos("party uk \"UK\"\ntopic x\nparty us {\n  requires x\n}\n").is_empty());
        assert!(typos("party fra \"F\"\ntopic x\nparty frx {\n  requires x\n}\n").len() == 1);
        assert!(typos("party fran \"F\"\ntopic x\nparty fnar {\n  requires x\n}\n").is_empty());
        assert!(
            typos("topic x\nparty france {\n  requires x\n}\nparty frnace {\n  requires x\n}\n")
                .is_empty()
        );
    }
}
