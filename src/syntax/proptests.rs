//! Property tests: the parser never panics, every span it produces lies in
//! the text on character boundaries, and generated formulas printed and
//! parsed back are `same()` as the original.

use proptest::prelude::*;

use super::parse;
use crate::ast::{self, ExpectKind, Formula, FormulaKind, Ident, Item, Stance};
use crate::source::{FileId, Span};

fn check_span(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    let r = span.range();
    prop_assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what} span {r:?} outside text of {} bytes",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what} span {r:?} not on char boundaries"
    );
    Ok(())
}

fn check_ident(text: &str, id: &Ident) -> Result<(), TestCaseError> {
    check_span(text, id.span, "identifier")?;
    prop_assert_eq!(&text[id.span.range()], id.name.as_str());
    Ok(())
}

fn check_formula(text: &str, f: &Formula) -> Result<(), TestCaseError> {
    check_span(text, f.span, "formula")?;
    match &f.kind {
        FormulaKind::Atom { topic, party } => {
            check_ident(text, topic)?;
            if let Some(p) = party {
                check_ident(text, p)?;
            }
        }
        FormulaKind::Not(a) => check_formula(text, a)?,
        FormulaKind::And(v) | FormulaKind::Or(v) => {
            prop_assert!(v.len() >= 2);
            for x in v {
                check_formula(text, x)?;
            }
        }
        FormulaKind::Implies(a, b) | FormulaKind::Iff(a, b) => {
            check_formula(text, a)?;
            check_formula(text, b)?;
        }
    }
    Ok(())
}

/// Every span in the tree and in the diagnostics is inside `text` on
/// character boundaries.
fn check_all(text: &str) -> Result<(), TestCaseError> {
    let (file, diags) = parse(FileId(3), text);
    for d in &diags {
        check_span(text, d.span, "diagnostic")?;
        prop_assert_eq!(d.span.file, FileId(3));
        prop_assert!(!d.message.is_empty());
        for l in &d.labels {
            check_span(text, l.span, "label")?;
        }
    }
    check_file(text, &file)
}

fn check_file(text: &str, file: &ast::File) -> Result<(), TestCaseError> {
    for item in &file.items {
        match item {
            Item::Include { path, span } => {
                check_span(text, path.span, "string")?;
                check_span(text, *span, "item")?;
            }
            Item::Party {
                name,
                label,
                as_of,
                statements,
                span,
            } => {
                check_ident(text, name)?;
                if let Some(d) = as_of {
                    check_span(text, d.span, "date")?;
                }
                check_span(text, *span, "item")?;
                if let Some(l) = label {
                    check_span(text, l.span, "string")?;
                }
                for s in statements {
                    check_span(text, s.span, "statement")?;
                    check_span(text, s.body_span, "statement body")?;
                    prop_assert!(s.span.start <= s.body_span.start);
                    prop_assert!(s.body_span.end <= s.span.end);
                    if let Some(q) = &s.quote {
                        check_span(text, q.span, "string")?;
                    }
                    match &s.stance {
                        Stance::Requires { formula, when }
                        | Stance::Rejects { formula, when }
                        | Stance::Prefers { formula, when }
                        | Stance::Avoids { formula, when } => {
                            check_formula(text, formula)?;
                            if let Some(c) = when {
                                check_formula(text, c)?;
                            }
                        }
                        Stance::Claims { formula } => check_formula(text, formula)?,
                        Stance::NoWithout {
                            antecedent,
                            consequent,
                        } => {
                            check_formula(text, antecedent)?;
                            check_formula(text, consequent)?;
                        }
                        Stance::Duty { bearer, topic } => {
                            check_ident(text, bearer)?;
                            check_ident(text, topic)?;
                        }
                    }
                }
            }
            Item::Topic { name, label, span } => {
                check_ident(text, name)?;
                check_span(text, *span, "item")?;
                if let Some(l) = label {
                    check_span(text, l.span, "string")?;
                }
            }
            Item::Assume {
                formula,
                quote,
                span,
                ..
            } => {
                check_formula(text, formula)?;
                check_span(text, *span, "item")?;
                if let Some(q) = quote {
                    check_span(text, q.span, "string")?;
                }
            }
            Item::Scenario {
                name,
                formulas,
                span,
                ..
            } => {
                check_ident(text, name)?;
                check_span(text, *span, "item")?;
                for f in formulas {
                    check_formula(text, f)?;
                }
            }
            Item::Expect(e) => {
                check_span(text, e.span, "expect")?;
                match &e.kind {
                    ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => {
                        for p in ps {
                            check_ident(text, p)?;
                        }
                    }
                    ExpectKind::Feasible { scenario, parties }
                    | ExpectKind::Infeasible { scenario, parties } => {
                        check_ident(text, scenario)?;
                        for p in parties.iter().flatten() {
                            check_ident(text, p)?;
                        }
                    }
                    ExpectKind::Impossible(f) => check_formula(text, f)?,
                    ExpectKind::Reversal(p) => check_ident(text, p)?,
                }
            }
        }
    }
    Ok(())
}

const VALID: &str = include_str!("../../tests/ui/syntax/valid.stance");

/// Pieces that mutations insert: syntax that tends to break things.
const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "\"",
    "\\",
    " and ",
    "->",
    "<->",
    "#",
    "\n",
    "\r\n",
    ";",
    ",",
    ":",
    "@",
    "é",
    "2x",
    "party ",
    "requires ",
    "not ",
    "when ",
    "}\n",
    "((((",
    "\"\\q",
    "\u{a0}",
    "\t",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, muts: &[Mutation]) -> String {
    let mut s = text.to_owned();
    for m in muts {
        let n = s.len().max(1);
        match *m {
            Mutation::Delete(at, len) => {
                let a = floor_boundary(&s, at % n);
                let b = floor_boundary(&s, a + len % 16);
                s.replace_range(a..b, "");
            }
            Mutation::Insert(at, which) => {
                let a = floor_boundary(&s, at % n);
                s.insert_str(a, SNIPPETS[which % SNIPPETS.len()]);
            }
            Mutation::Duplicate(at, len) => {
                let a = floor_boundary(&s, at % n);
                let b = floor_boundary(&s, a + len % 40);
                let piece = s[a..b].to_owned();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Delete(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
    ]
}

/// Words of the language for token soups: the keywords, then these.
const EXTRA_WORDS: &[&str] = &[
    "a", "b", "p", "q", "(", ")", "{", "}", ",", ":", ";", "@", "->", "<->", "&", "|", "!",
    "\"s\"", "\"open", "\n", "#c\n", "2x", "$",
];

fn all_words() -> Vec<&'static str> {
    super::KEYWORDS.iter().chain(EXTRA_WORDS).copied().collect()
}

// ----------------------------------------------------------- round trip

/// A generated formula with printing choices.
#[derive(Debug, Clone)]
enum G {
    Atom(usize, Option<usize>),
    /// `true`: `not `, `false`: `!`.
    Not(bool, Box<G>),
    /// `true`: `and`, `false`: `&`.
    And(bool, Vec<G>),
    /// `true`: `or`, `false`: `|`.
    Or(bool, Vec<G>),
    Implies(Box<G>, Box<G>),
    Iff(Box<G>, Box<G>),
    /// Redundant parentheses (`true`: with line breaks inside).
    Paren(bool, Box<G>),
}

const TOPICS: &[&str] = &["ceasefire", "guarantees", "x", "_y2", "peace_deal"];
const PARTIES: &[&str] = &["us", "eu", "P_1"];

fn gen_formula() -> impl Strategy<Value = G> {
    let leaf =
        (0..TOPICS.len(), proptest::option::of(0..PARTIES.len())).prop_map(|(t, p)| G::Atom(t, p));
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            (any::<bool>(), inner.clone()).prop_map(|(b, g)| G::Not(b, Box::new(g))),
            (any::<bool>(), prop::collection::vec(inner.clone(), 2..4))
                .prop_map(|(b, v)| G::And(b, v)),
            (any::<bool>(), prop::collection::vec(inner.clone(), 2..4))
                .prop_map(|(b, v)| G::Or(b, v)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| G::Implies(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| G::Iff(Box::new(a), Box::new(b))),
            (any::<bool>(), inner).prop_map(|(b, g)| G::Paren(b, Box::new(g))),
        ]
    })
}

fn prec(g: &G) -> u8 {
    match g {
        G::Iff(..) => 1,
        G::Implies(..) => 2,
        G::Or(..) => 3,
        G::And(..) => 4,
        G::Not(..) => 5,
        G::Atom(..) | G::Paren(..) => 6,
    }
}

/// Prints `g`, in parentheses when its precedence is below `min`.
fn print_in(g: &G, min: u8, out: &mut String) {
    if prec(g) < min {
        out.push('(');
        print(g, out);
        out.push(')');
    } else {
        print(g, out);
    }
}

fn print(g: &G, out: &mut String) {
    match g {
        G::Atom(t, p) => {
            out.push_str(TOPICS[*t]);
            if let Some(p) = p {
                out.push('@');
                out.push_str(PARTIES[*p]);
            }
        }
        G::Not(word, a) => {
            out.push_str(if *word { "not " } else { "!" });
            print_in(a, 5, out);
        }
        G::And(word, v) | G::Or(word, v) => {
            let (op, min) = match (g, word) {
                (G::And(..), true) => (" and ", 5),
                (G::And(..), false) => (" & ", 5),
                (_, true) => (" or ", 4),
                (_, false) => (" | ", 4),
            };
            for (k, x) in v.iter().enumerate() {
                if k > 0 {
                    out.push_str(op);
                }
                print_in(x, min, out);
            }
        }
        G::Implies(a, b) => {
            print_in(a, 3, out);
            out.push_str(" -> ");
            print_in(b, 2, out);
        }
        G::Iff(a, b) => {
            print_in(a, 2, out);
            out.push_str(" <-> ");
            print_in(b, 2, out);
        }
        G::Paren(lines, a) => {
            out.push_str(if *lines { "(\n   # inside\n  " } else { "(" });
            print(a, out);
            out.push_str(if *lines { "\n)" } else { ")" });
        }
    }
}

fn ident(name: &str) -> Ident {
    Ident {
        name: name.into(),
        span: Span::default(),
    }
}

fn node(kind: FormulaKind) -> Formula {
    Formula {
        kind,
        span: Span::default(),
    }
}

/// The formula `g` stands for (parentheses leave no node).
fn expected(g: &G) -> Formula {
    match g {
        G::Atom(t, p) => node(FormulaKind::Atom {
            topic: ident(TOPICS[*t]),
            party: p.map(|p| Box::new(ident(PARTIES[p]))),
        }),
        G::Not(_, a) => node(FormulaKind::Not(Box::new(expected(a)))),
        G::And(_, v) => node(FormulaKind::And(v.iter().map(expected).collect())),
        G::Or(_, v) => node(FormulaKind::Or(v.iter().map(expected).collect())),
        G::Implies(a, b) => node(FormulaKind::Implies(
            Box::new(expected(a)),
            Box::new(expected(b)),
        )),
        G::Iff(a, b) => node(FormulaKind::Iff(
            Box::new(expected(a)),
            Box::new(expected(b)),
        )),
        G::Paren(_, a) => expected(a),
    }
}

/// Parses `assume TEXT` and returns its formula.
fn parse_formula(text: &str) -> Result<Formula, TestCaseError> {
    let src = format!("assume {text}\n");
    let (file, diags) = parse(FileId(0), &src);
    prop_assert!(diags.is_empty(), "errors for {src:?}: {diags:#?}");
    match file.items.into_iter().next() {
        Some(Item::Assume { formula, .. }) => Ok(*formula),
        other => Err(TestCaseError::fail(format!("{other:?}"))),
    }
}

/// Every subformula's span, parsed on its own, gives the same subformula.
fn check_subspans(src: &str, f: &Formula) -> Result<(), TestCaseError> {
    let piece = &src[f.span.range()];
    let again = parse_formula(piece)?;
    prop_assert!(again.same(f), "span text {piece:?} parses differently");
    match &f.kind {
        FormulaKind::Atom { .. } => {}
        FormulaKind::Not(a) => check_subspans(src, a)?,
        FormulaKind::And(v) | FormulaKind::Or(v) => {
            for x in v {
                check_subspans(src, x)?;
            }
        }
        FormulaKind::Implies(a, b) | FormulaKind::Iff(a, b) => {
            check_subspans(src, a)?;
            check_subspans(src, b)?;
        }
    }
    Ok(())
}

proptest! {

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        check_all(&text)?;
    }

    #[test]
    fn token_soup_never_panics(words in prop::collection::vec(0..all_words().len(), 0..60),
                               spaces in prop::collection::vec(0..3usize, 60)) {
        let all = all_words();
        let mut text = String::new();
        for (k, w) in words.iter().enumerate() {
            text.push_str(all[*w]);
            text.push_str(["", " ", "\n"][spaces[k % spaces.len()]]);
        }
        check_all(&text)?;
    }

    #[test]
    fn mutated_valid_files_never_panic(muts in prop::collection::vec(mutation(), 1..6)) {
        let text = mutate(VALID, &muts);
        check_all(&text)?;
    }

    /// Parsed in pieces cut at item lines, a text gives the items of a
    /// parse in one piece when that parse has no error, and nothing (a
    /// parse in one piece follows) when it has one.
    #[test]
    fn pieces_parse_as_the_whole(muts in prop::collection::vec(mutation(), 0..4),
                                 words in prop::collection::vec(0..all_words().len(), 0..40),
                                 mask in any::<u64>()) {
        let all = all_words();
        let mut text = mutate(VALID, &muts);
        for w in &words {
            text.push_str(all[*w]);
            text.push(if w % 3 == 0 { '\n' } else { ' ' });
        }
        let lines = super::tests::item_lines(&text);
        let cuts: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(k, _)| mask >> (k % 64) & 1 == 1)
            .map(|(_, &c)| c)
            .collect();
        prop_assume!(!cuts.is_empty());
        let (whole, errors) = parse(FileId(3), &text);
        let pieces = super::pieces_of(FileId(3), &text, &cuts);
        prop_assert!(pieces == errors.is_empty().then_some(whole.items), "{:?}", text);
    }

    #[test]
    fn printed_formulas_parse_back(g in gen_formula()) {
        let mut text = String::new();
        print(&g, &mut text);
        let parsed = parse_formula(&text)?;
        prop_assert!(parsed.same(&expected(&g)), "{text:?} parsed as {parsed:#?}");
        let src = format!("assume {text}\n");
        check_subspans(&src, &parsed)?;
    }
}
