//! Names in the syntax trees: where parties, topics, scenarios and labels
//! are declared and used, the statement under the cursor, and what a
//! statement means. Works on the trees of a model's files, so it answers
//! across includes; knows nothing of the protocol.

use crate::ast::{self, ExpectKind, Formula, FormulaKind, Ident, Item, Stance, Statement};
use crate::source::{FileId, Span};

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SymbolKind {
    /// A party (`party P`, `X@P`, `duty P:`, `expect … P`).
    Party,
    /// A topic (`topic X`, any formula).
    Topic,
    /// A scenario (`scenario S`, `expect feasible S`).
    Scenario,
    /// A statement label (`z1:`).
    Label,
}

impl SymbolKind {
    /// `party`, `topic`, `scenario` or `label`.
    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Party => "party",
            SymbolKind::Topic => "topic",
            SymbolKind::Scenario => "scenario",
            SymbolKind::Label => "label",
        }
    }
}

/// One place a name is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// What it names.
    pub kind: SymbolKind,
    /// The name.
    pub name: String,
    /// Where it is written (the identifier only).
    pub span: Span,
    /// Whether this is a declaration (`party P`, `topic X`, `scenario S`,
    /// a label).
    pub decl: bool,
}

fn push(out: &mut Vec<Occurrence>, kind: SymbolKind, id: &Ident, decl: bool) {
    out.push(Occurrence {
        kind,
        name: id.name.as_str().to_owned(),
        span: id.span,
        decl,
    });
}

fn formula_names(f: &Formula, out: &mut Vec<Occurrence>) {
    // Iterative: formulas nest as deep as the parser allows.
    let mut stack = vec![f];
    while let Some(f) = stack.pop() {
        match &f.kind {
            FormulaKind::Atom { topic, party } => {
                push(out, SymbolKind::Topic, topic, false);
                if let Some(p) = party {
                    push(out, SymbolKind::Party, p, false);
                }
            }
            FormulaKind::Not(x) => stack.push(x),
            FormulaKind::And(xs) | FormulaKind::Or(xs) => stack.extend(xs.iter().rev()),
            FormulaKind::Implies(a, b) | FormulaKind::Iff(a, b) => {
                stack.push(b);
                stack.push(a);
            }
        }
    }
}

fn stance_formulas(s: &Stance) -> Vec<&Formula> {
    match s {
        Stance::Requires { formula, when }
        | Stance::Rejects { formula, when }
        | Stance::Prefers { formula, when }
        | Stance::Avoids { formula, when } => {
            let mut v = vec![formula];
            v.extend(when);
            v
        }
        Stance::Claims { formula } => vec![formula],
        Stance::NoWithout {
            antecedent,
            consequent,
        } => vec![antecedent, consequent],
        Stance::Duty { .. } => Vec::new(),
    }
}

/// Every name written in a file, in source order.
pub fn occurrences(file: &ast::File) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            Item::Include { .. } => {}
            Item::Party {
                name, statements, ..
            } => {
                push(&mut out, SymbolKind::Party, name, true);
                for s in statements {
                    if let Some(l) = &s.label {
                        push(&mut out, SymbolKind::Label, l, true);
                    }
                    if let Stance::Duty { bearer, topic } = &s.stance {
                        push(&mut out, SymbolKind::Party, bearer, false);
                        push(&mut out, SymbolKind::Topic, topic, false);
                    }
                    for f in stance_formulas(&s.stance) {
                        formula_names(f, &mut out);
                    }
                }
            }
            Item::Topic { name, .. } => push(&mut out, SymbolKind::Topic, name, true),
            Item::Assume { label, formula, .. } => {
                if let Some(l) = label {
                    push(&mut out, SymbolKind::Label, l, true);
                }
                formula_names(formula, &mut out);
            }
            Item::Scenario { name, formulas, .. } => {
                push(&mut out, SymbolKind::Scenario, name, true);
                for f in formulas {
                    formula_names(f, &mut out);
                }
            }
            Item::Expect(e) => match &e.kind {
                ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => {
                    for p in ps {
                        push(&mut out, SymbolKind::Party, p, false);
                    }
                }
                ExpectKind::Feasible { scenario, parties }
                | ExpectKind::Infeasible { scenario, parties } => {
                    push(&mut out, SymbolKind::Scenario, scenario, false);
                    for p in parties.iter().flatten() {
                        push(&mut out, SymbolKind::Party, p, false);
                    }
                }
                ExpectKind::Impossible(f) => formula_names(f, &mut out),
                ExpectKind::Reversal(p) => push(&mut out, SymbolKind::Party, p, false),
            },
        }
    }
    out
}

/// The name at a byte offset (the cursor may be just after its last
/// character, as editors place it after a double click).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    occurrences
        .iter()
        .find(|o| o.span.start <= offset && offset < o.span.end)
        .or_else(|| {
            occurrences
                .iter()
                .find(|o| o.span.start < offset && offset == o.span.end)
        })
}

/// The statement at a byte offset, with its party's name.
pub fn statement_at(file: &ast::File, offset: usize) -> Option<(&Ident, &Statement)> {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    file.items.iter().find_map(|item| match item {
        Item::Party {
            name, statements, ..
        } => statements
            .iter()
            .find(|s| s.span.start <= offset && offset < s.span.end)
            .map(|s| (name, s)),
        _ => None,
    })
}

/// The date of the snapshot whose statement is at a byte offset (`None`:
/// no statement there, or an undated block).
pub fn snapshot_date_at(file: &ast::File, offset: usize) -> Option<crate::date::Date> {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    file.items.iter().find_map(|item| match item {
        Item::Party {
            as_of: Some(d),
            statements,
            ..
        } if statements
            .iter()
            .any(|s| s.span.start <= offset && offset < s.span.end) =>
        {
            Some(d.date)
        }
        _ => None,
    })
}

/// What a statement means, as one formula (LANGUAGE.md §5): `requires F
/// when C` is `C → F`, `no A without B` is `A → B`, `duty Q: X` is
/// `X → X@Q`. Printed with the formatter's parentheses, arrows as `→`/`↔`.
pub fn meaning(stance: &Stance) -> String {
    fn implies(a: &Formula, b: Formula) -> Formula {
        Formula {
            span: a.span.to(b.span),
            kind: FormulaKind::Implies(Box::new(a.clone()), Box::new(b)),
        }
    }
    fn not(f: &Formula) -> Formula {
        Formula {
            span: f.span,
            kind: FormulaKind::Not(Box::new(f.clone())),
        }
    }
    let f = match stance {
        Stance::Requires { formula, when } | Stance::Prefers { formula, when } => match when {
            Some(c) => implies(c, formula.clone()),
            None => formula.clone(),
        },
        Stance::Rejects { formula, when } | Stance::Avoids { formula, when } => match when {
            Some(c) => implies(c, not(formula)),
            None => not(formula),
        },
        Stance::Claims { formula } => formula.clone(),
        Stance::NoWithout {
            antecedent,
            consequent,
        } => implies(antecedent, consequent.clone()),
        Stance::Duty { bearer, topic } => {
            let x = Formula {
                span: topic.span,
                kind: FormulaKind::Atom {
                    topic: topic.clone(),
                    party: None,
                },
            };
            let xq = Formula {
                span: topic.span,
                kind: FormulaKind::Atom {
                    topic: topic.clone(),
                    party: Some(Box::new(bearer.clone())),
                },
            };
            implies(&x, xq)
        }
    };
    crate::format::formula(&f)
        .replace(" <-> ", " ↔ ")
        .replace(" -> ", " → ")
}

/// `red line`, `wish` or `claim`: how strongly a statement binds.
pub fn strength(stance: &Stance) -> &'static str {
    match stance {
        Stance::Requires { .. }
        | Stance::Rejects { .. }
        | Stance::NoWithout { .. }
        | Stance::Duty { .. } => "red line",
        Stance::Prefers { .. } | Stance::Avoids { .. } => "wish",
        Stance::Claims { .. } => "claim (binds only its party)",
    }
}

/// The labels given to a declared name in a file (`party P "label"`).
pub fn declared_label(
    file: &ast::File,
    kind: SymbolKind,
    name: &str,
) -> Vec<(Span, Option<String>)> {
    let mut out = Vec::new();
    for item in &file.items {
        let (n, label) = match (kind, item) {
            (SymbolKind::Party, Item::Party { name, label, .. })
            | (SymbolKind::Topic, Item::Topic { name, label, .. })
            | (SymbolKind::Scenario, Item::Scenario { name, label, .. }) => (name, label),
            _ => continue,
        };
        if n.name.as_str() == name {
            out.push((n.span, label.as_ref().map(|l| l.value.as_str().to_owned())));
        }
    }
    out
}

/// The occurrences of every file of a model, with their files.
pub fn model_occurrences(files: &[(FileId, &ast::File)]) -> Vec<(FileId, Occurrence)> {
    files
        .iter()
        .flat_map(|&(id, f)| occurrences(f).into_iter().map(move |o| (id, o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ast::File {
        crate::syntax::parse(FileId(0), text).0
    }

    #[test]
    fn meanings() {
        let f = parse(
            "party u {\n  z1: no ceasefire without guarantees\n  rejects a when b or c\n  duty eu: g\n  requires (a -> b) when c -> d\n}\n",
        );
        let Some(Item::Party { statements, .. }) = f.items.first() else {
            panic!("no party");
        };
        let m: Vec<String> = statements.iter().map(|s| meaning(&s.stance)).collect();
        assert_eq!(
            m,
            [
                "ceasefire → guarantees",
                "b or c → not a",
                "g → g@eu",
                "(c → d) → a → b"
            ]
        );
    }

    #[test]
    fn names_and_declarations() {
        let f = parse(
            "party p \"P\"\ntopic x\nparty p { l1: requires x@p }\nscenario s { x }\nexpect feasible s for p\n",
        );
        let occ = occurrences(&f);
        let names: Vec<(SymbolKind, &str, bool)> = occ
            .iter()
            .map(|o| (o.kind, o.name.as_str(), o.decl))
            .collect();
        assert_eq!(
            names,
            [
                (SymbolKind::Party, "p", true),
                (SymbolKind::Topic, "x", true),
                (SymbolKind::Party, "p", true),
                (SymbolKind::Label, "l1", true),
                (SymbolKind::Topic, "x", false),
                (SymbolKind::Party, "p", false),
                (SymbolKind::Scenario, "s", true),
                (SymbolKind::Topic, "x", false),
                (SymbolKind::Scenario, "s", false),
                (SymbolKind::Party, "p", false),
            ]
        );
        assert_eq!(
            declared_label(&f, SymbolKind::Party, "p")
                .into_iter()
                .map(|(_, l)| l)
                .collect::<Vec<_>>(),
            [Some("P".to_owned()), None]
        );
    }
}
