//! The parser through its public API (`syntax::parse`): precedence,
//! statements, items, lexical rules, each error kind with its span and
//! help, recovery. Its internals (pieces, the lexer) are tested next to
//! the code, in `src/syntax/tests.rs`.

use stancecheck::ast::{self, ExpectKind, Formula, FormulaKind, Item, Stance, Statement};
use stancecheck::diagnostic::{Diagnostic, Kind};
use stancecheck::source::{FileId, SourceFile};
use stancecheck::syntax::{MAX_DEPTH, parse};

/// Compact prefix notation of a formula.
fn sexp(f: &Formula) -> String {
    match &f.kind {
        FormulaKind::Atom { topic, party } => match party {
            Some(p) => format!("{}@{}", topic.name, p.name),
            None => topic.name.to_string(),
        },
        FormulaKind::Not(a) => format!("(not {})", sexp(a)),
        FormulaKind::And(v) => {
            format!("(and {})", v.iter().map(sexp).collect::<Vec<_>>().join(" "))
        }
        FormulaKind::Or(v) => format!("(or {})", v.iter().map(sexp).collect::<Vec<_>>().join(" ")),
        FormulaKind::Implies(a, b) => format!("(-> {} {})", sexp(a), sexp(b)),
        FormulaKind::Iff(a, b) => format!("(<-> {} {})", sexp(a), sexp(b)),
    }
}

fn p(text: &str) -> (ast::File, Vec<Diagnostic>) {
    parse(FileId(0), text)
}

/// Parses a file that must be valid.
fn ok(text: &str) -> ast::File {
    let (f, e) = p(text);
    assert!(e.is_empty(), "unexpected errors in {text:?}: {e:#?}");
    f
}

/// `(line, message)` of each error.
fn errs(text: &str) -> Vec<(usize, String)> {
    let (_, e) = p(text);
    let sf = SourceFile::new(FileId(0), "t", text);
    e.iter()
        .inspect(|d| assert_eq!(d.kind, Kind::SyntaxError))
        .map(|d| (sf.line_col(d.span.start as usize).line, d.message.clone()))
        .collect()
}

/// The single error of `text`: its message and the text under its span.
fn one_err(text: &str) -> (String, String) {
    let (_, e) = p(text);
    assert_eq!(e.len(), 1, "expected one error in {text:?}: {e:#?}");
    let d = &e[0];
    (d.message.clone(), text[d.span.range()].to_owned())
}

/// The formula of `assume TEXT`, in prefix notation.
fn f(text: &str) -> String {
    let file = ok(&format!("assume {text}"));
    match &file.items[..] {
        [Item::Assume { formula, .. }] => sexp(formula),
        other => panic!("{other:?}"),
    }
}

/// The statements of a file holding one party block.
fn stmts(text: &str) -> Vec<Statement> {
    let file = ok(text);
    match file.items.into_iter().next() {
        Some(Item::Party { statements, .. }) => statements,
        other => panic!("{other:?}"),
    }
}

fn stmt(body: &str) -> Statement {
    let mut v = stmts(&format!("party p {{\n  {body}\n}}\n"));
    assert_eq!(v.len(), 1);
    v.remove(0)
}

// ---------------------------------------------------------------- formulas

#[test]
fn precedence_of_operators() {
    assert_eq!(f("a or b and c"), "(or a (and b c))");
    assert_eq!(f("a and b or c"), "(or (and a b) c)");
    assert_eq!(f("a -> b or c"), "(-> a (or b c))");
    assert_eq!(f("a or b -> c"), "(-> (or a b) c)");
    assert_eq!(f("a <-> b -> c"), "(<-> a (-> b c))");
    assert_eq!(f("a -> b <-> c"), "(<-> (-> a b) c)");
    assert_eq!(f("not a and b"), "(and (not a) b)");
    assert_eq!(f("!a | b & !c"), "(or (not a) (and b (not c)))");
    assert_eq!(f("not not a"), "(not (not a))");
    assert_eq!(f("not (a or b)"), "(not (or a b))");
}

#[test]
fn implies_is_right_associative() {
    assert_eq!(f("a -> b -> c"), "(-> a (-> b c))");
    assert_eq!(f("(a -> b) -> c"), "(-> (-> a b) c)");
}

#[test]
fn and_or_chains_are_flat_but_parentheses_are_kept() {
    assert_eq!(f("a and b and c & d"), "(and a b c d)");
    assert_eq!(f("a or b | c"), "(or a b c)");
    assert_eq!(f("(a and b) and c"), "(and (and a b) c)");
    assert_eq!(f("((a))"), "a");
}

#[test]
fn atoms_with_party() {
    assert_eq!(
        f("guarantees@eu -> peacekeepers"),
        "(-> guarantees@eu peacekeepers)"
    );
    assert_eq!(f("x @ p"), "x@p");
}

#[test]
fn iff_is_not_associative() {
    let (m, at) = one_err("assume a <-> b <-> c\n");
    assert_eq!(m, "`<->` is not associative");
    assert_eq!(at, "<->");
    assert_eq!(f("(a <-> b) <-> c"), "(<-> (<-> a b) c)");
}

#[test]
fn formula_spans() {
    let text = "assume (a or b) and not c@p\n";
    let file = ok(text);
    let Item::Assume { formula, span, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(&text[span.range()], "assume (a or b) and not c@p");
    assert_eq!(&text[formula.span.range()], "(a or b) and not c@p");
    let FormulaKind::And(v) = &formula.kind else {
        panic!()
    };
    // a parenthesised formula spans its inside
    assert_eq!(&text[v[0].span.range()], "a or b");
    assert_eq!(&text[v[1].span.range()], "not c@p");
    let FormulaKind::Not(inner) = &v[1].kind else {
        panic!()
    };
    let FormulaKind::Atom { topic, party } = &inner.kind else {
        panic!()
    };
    assert_eq!(&text[topic.span.range()], "c");
    assert_eq!(&text[party.as_ref().unwrap().span.range()], "p");
}

#[test]
fn same_ignores_parentheses_and_spans() {
    let a = ok("assume ceasefire\n");
    let b = ok("assume   ((ceasefire))\n");
    let (Item::Assume { formula: fa, .. }, Item::Assume { formula: fb, .. }) =
        (&a.items[0], &b.items[0])
    else {
        panic!()
    };
    assert!(fa.same(fb));
    assert_ne!(fa.span, fb.span);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = MAX_DEPTH as usize;
    // exactly at the limit is fine
    let text = format!("assume {}a{}\n", "(".repeat(n), ")".repeat(n));
    ok(&text);
    let text = format!("assume {}a\n", "not ".repeat(n));
    ok(&text);
    // one more is an error at the innermost opening
    let text = format!("assume {}a{}\n", "(".repeat(n + 1), ")".repeat(n + 1));
    let (_, e) = p(&text);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "formula is nested too deeply");
    assert_eq!(e[0].span.start as usize, 7 + n);
    // long `->` chains count too (the tree would be as deep)
    let chain = vec!["a"; n + 2].join(" -> ");
    let (_, e) = p(&format!("assume {chain}\n"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "formula is nested too deeply");
    // long `and` chains are flat and fine
    ok(&format!("assume {}\n", vec!["a"; 100_000].join(" and ")));
}

#[test]
fn hundred_thousand_parentheses() {
    let text = format!("assume {}a\ntopic t\n", "(".repeat(100_000));
    let (file, e) = p(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].message, "formula is nested too deeply");
    // the lexer's recovery for `(` stops at the next item line
    assert!(matches!(file.items[..], [Item::Topic { .. }]));
    let text = format!("assume {}", "(not ".repeat(100_000));
    let (_, e) = p(&text);
    assert_eq!(e.len(), 1);
    // many blank lines inside parentheses are skipped in linear time
    let text = format!("assume (a{}\n# c\n)\n", "\n  ".repeat(200_000));
    ok(&text);
    let text = format!("assume {}", "(\n".repeat(100_000));
    let (_, e) = p(&text);
    assert_eq!(e.len(), 1);
}

// -------------------------------------------------------------- statements

#[test]
fn when_binds_loosest() {
    let s = stmt("requires a or b when c and d");
    let Stance::Requires {
        formula,
        when: Some(c),
    } = &s.stance
    else {
        panic!("{s:?}")
    };
    assert_eq!(sexp(formula), "(or a b)");
    assert_eq!(sexp(c), "(and c d)");
    let s = stmt("avoids a -> b when c -> d");
    let Stance::Avoids {
        formula,
        when: Some(c),
    } = &s.stance
    else {
        panic!()
    };
    assert_eq!(sexp(formula), "(-> a b)");
    assert_eq!(sexp(c), "(-> c d)");
}

#[test]
fn every_statement_kind() {
    let text = "party p {\n\
        requires a\n\
        rejects b when c\n\
        prefers d\n\
        avoids e when f\n\
        claims g -> h\n\
        no i without j@q\n\
        duty q: k\n\
        }\n";
    let v = stmts(text);
    let kinds: Vec<String> = v
        .iter()
        .map(|s| match &s.stance {
            Stance::Requires { formula, when } => {
                format!("req {} {:?}", sexp(formula), when.as_ref().map(sexp))
            }
            Stance::Rejects { formula, when } => {
                format!("rej {} {:?}", sexp(formula), when.as_ref().map(sexp))
            }
            Stance::Prefers { formula, when } => {
                format!("pref {} {:?}", sexp(formula), when.as_ref().map(sexp))
            }
            Stance::Avoids { formula, when } => {
                format!("avoid {} {:?}", sexp(formula), when.as_ref().map(sexp))
            }
            Stance::Claims { formula } => format!("claims {}", sexp(formula)),
            Stance::NoWithout {
                antecedent,
                consequent,
            } => format!("no {} {}", sexp(antecedent), sexp(consequent)),
            Stance::Duty { bearer, topic } => format!("duty {} {}", bearer.name, topic.name),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "req a None",
            "rej b Some(\"c\")",
            "pref d None",
            "avoid e Some(\"f\")",
            "claims (-> g h)",
            "no i j@q",
            "duty q k",
        ]
    );
}

#[test]
fn statement_spans_label_and_quote() {
    let text = "party p {\n  z1: no a without b   \"the \\\"words\\\"\"  # c\n}\n";
    let v = stmts(text);
    let s = &v[0];
    assert_eq!(s.label.as_ref().unwrap().name, "z1");
    assert_eq!(
        &text[s.span.range()],
        "z1: no a without b   \"the \\\"words\\\"\""
    );
    assert_eq!(&text[s.body_span.range()], "no a without b");
    let q = s.quote.as_ref().unwrap();
    assert_eq!(q.value, "the \"words\"");
    assert_eq!(&text[q.span.range()], "\"the \\\"words\\\"\"");

    let s = stmt("requires a when b  \"q\"");
    assert_eq!(
        &text_of(&s, "requires a when b  \"q\""),
        "requires a when b"
    );
    let s = stmt("duty eu: guarantees");
    assert_eq!(s.span, s.body_span);
}

fn text_of(s: &Statement, body: &str) -> String {
    let full = format!("party p {{\n  {body}\n}}\n");
    full[s.body_span.range()].to_owned()
}

#[test]
fn one_line_blocks_and_semicolons() {
    let file = ok("party us { rejects a; requires b }\nscenario deal { ceasefire, peace }\n");
    let Item::Party { statements, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(statements.len(), 2);
    let Item::Scenario { formulas, .. } = &file.items[1] else {
        panic!()
    };
    assert_eq!(formulas.len(), 2);
    let file = ok("topic a; topic b ;; topic c\nparty p {requires a;}\n");
    assert_eq!(file.items.len(), 4);
    ok("party p {}\nparty q {\n}\nscenario s {}\n");
}

#[test]
fn scenario_formulas_by_commas_and_lines() {
    let file = ok("scenario s \"label\" {\n  a and b,\n  c\n  d, e,\n}\n");
    let Item::Scenario {
        name,
        label,
        formulas,
        ..
    } = &file.items[0]
    else {
        panic!()
    };
    assert_eq!(name.name, "s");
    assert_eq!(label.as_ref().unwrap().value, "label");
    let shown: Vec<_> = formulas.iter().map(sexp).collect();
    assert_eq!(shown, ["(and a b)", "c", "d", "e"]);
}

#[test]
fn continuation_inside_parentheses() {
    let v = stmts(
        "party p {\n  requires (a and\n     b)   # comment\n  rejects (c\n\n  # blank\n  or d)\n}\n",
    );
    assert_eq!(v.len(), 2);
    assert_eq!(
        sexp(match &v[0].stance {
            Stance::Requires { formula, .. } => formula,
            _ => panic!(),
        }),
        "(and a b)"
    );
    // without parentheses a line break ends the statement
    assert_eq!(
        errs("party p {\n  requires a and\n  b\n}\n"),
        [
            (
                2,
                "expected a formula after `and`, found end of line".into()
            ),
            (3, "unknown statement keyword `b`".into())
        ]
    );
}

#[test]
fn crlf_comments_and_blank_lines() {
    let text = "# header\r\n\r\nparty p \"P\" {  # c\r\n  requires a \"q\"\r\n}\r\n# end";
    let file = ok(text);
    let Item::Party {
        statements, label, ..
    } = &file.items[0]
    else {
        panic!()
    };
    assert_eq!(label.as_ref().unwrap().value, "P");
    assert_eq!(statements[0].quote.as_ref().unwrap().value, "q");
    assert_eq!(&text[statements[0].span.range()], "requires a \"q\"");
}

#[test]
fn escapes_in_strings() {
    let file = ok("topic t \"a\\tb\\nc\\\\d\\\"e — ünïcödé\"\n");
    let Item::Topic { label, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(label.as_ref().unwrap().value, "a\tb\nc\\d\"e — ünïcödé");
    // `#` inside a string is not a comment
    let file = ok("topic t \"a # b\" # c\n");
    let Item::Topic { label, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(label.as_ref().unwrap().value, "a # b");
    let (m, at) = one_err("topic t \"a\\qb\"\n");
    assert_eq!(m, "unknown escape `\\q` in string");
    assert_eq!(at, "\\q");
    let (m, at) = one_err("topic t \"x\\é\"\n");
    assert_eq!(m, "unknown escape `\\é` in string");
    assert_eq!(at, "\\é");
}

// ------------------------------------------------------------------- items

#[test]
fn every_item_kind() {
    let text = "include \"other.stance\"\n\
        party p\n\
        party q \"Q\" {\n  requires a@p\n}\n\
        topic a\n\
        topic b \"B\"\n\
        assume a -> b\n\
        assume lbl: b \"source\"\n\
        scenario s { a }\n\
        expect consistent p\n\
        expect consistent p, q\n\
        expect conflict p, q\n\
        expect feasible s\n\
        expect feasible s for p, q\n\
        expect infeasible s\n\
        expect infeasible s for q\n\
        expect impossible a and not b\n";
    let file = ok(text);
    assert_eq!(file.items.len(), 16);
    let spans: Vec<&str> = file
        .items
        .iter()
        .map(|it| match it {
            Item::Include { span, .. }
            | Item::Party { span, .. }
            | Item::Topic { span, .. }
            | Item::Assume { span, .. }
            | Item::Scenario { span, .. } => &text[span.range()],
            Item::Expect(e) => &text[e.span.range()],
        })
        .collect();
    assert_eq!(
        spans,
        [
            "include \"other.stance\"",
            "party p",
            "party q \"Q\" {",
            "topic a",
            "topic b \"B\"",
            "assume a -> b",
            "assume lbl: b \"source\"",
            "scenario s",
            "expect consistent p",
            "expect consistent p, q",
            "expect conflict p, q",
            "expect feasible s",
            "expect feasible s for p, q",
            "expect infeasible s",
            "expect infeasible s for q",
            "expect impossible a and not b",
        ]
    );
    let Item::Include { path, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(path.value, "other.stance");
    let Item::Assume { label, quote, .. } = &file.items[6] else {
        panic!()
    };
    assert_eq!(label.as_ref().unwrap().name, "lbl");
    assert_eq!(quote.as_ref().unwrap().value, "source");
    let Item::Expect(e) = &file.items[12] else {
        panic!()
    };
    let ExpectKind::Feasible {
        scenario,
        parties: Some(ps),
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(scenario.name, "s");
    assert_eq!(
        ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["p", "q"]
    );
    let Item::Expect(e) = &file.items[13] else {
        panic!()
    };
    assert!(matches!(
        e.kind,
        ExpectKind::Infeasible { parties: None, .. }
    ));
    let Item::Expect(e) = &file.items[15] else {
        panic!()
    };
    let ExpectKind::Impossible(fm) = &e.kind else {
        panic!()
    };
    assert_eq!(sexp(fm), "(and a (not b))");
}

#[test]
fn language_example_parses() {
    let text = include_str!("../../tests/ui/syntax/valid.stance");
    let file = ok(text);
    assert!(file.items.len() > 10);
}

// ------------------------------------------------------------------ errors

#[test]
fn error_messages_and_spans() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "party p {\n  requires a and\n}\n",
            "expected a formula after `and`, found end of line",
            "and",
        ),
        (
            "party p {\n  rejects\n}\n",
            "expected a formula after `rejects`, found end of line",
            "rejects",
        ),
        (
            "party p {\n  demands x\n}\n",
            "unknown statement keyword `demands`",
            "demands",
        ),
        (
            "party p {\n  requires a \"open\n}\n",
            "unterminated string",
            "\"open",
        ),
        (
            "party p {\n  requires 2x\n}\n",
            "expected an identifier, found `2x`",
            "2x",
        ),
        (
            "party p {\n  requires a -> -> b\n}\n",
            "expected a formula after `->`, found `->`",
            "->",
        ),
        (
            "topic café\n",
            "expected an identifier, found `café`",
            "café",
        ),
        (
            "topic and\n",
            "expected a topic name after `topic`, found keyword `and`",
            "and",
        ),
        (
            "party p {\n  requires party\n}\n",
            "expected a formula after `requires`, found keyword `party`",
            "party",
        ),
        (
            "party p {\n  requires (a or b\n  rejects c\n}\n",
            "expected `)`, found end of line",
            "b",
        ),
        (
            "party p {\n  requires a b\n}\n",
            "expected an operator or end of statement, found `b`",
            "b",
        ),
        (
            "party p {\n  claims a when b\n}\n",
            "expected end of statement, found keyword `when`",
            "when",
        ),
        (
            "party p {\n  no a\n}\n",
            "expected `without`, found end of line",
            "a",
        ),
        ("party p {\n  duty q x\n}\n", "expected `:`, found `x`", "x"),
        (
            "party p {\n  duty q: x@q\n}\n",
            "expected end of statement, found `@`",
            "@",
        ),
        (
            "party p {\n  requires a $ b\n}\n",
            "expected end of statement, found `$`",
            "$",
        ),
        (
            "party p {\n  requires a => b\n}\n",
            "expected end of statement, found `=`",
            "=",
        ),
        (
            "expect conflict a\n",
            "`expect conflict` needs at least two parties",
            "conflict a",
        ),
        (
            "expect maybe s\n",
            "expected `consistent`, `conflict`, `feasible`, `infeasible`, `impossible` or `reversal` after `expect`, found `maybe`",
            "maybe",
        ),
        (
            "expect feasible s for\n",
            "expected a party name after `for`, found end of line",
            "for",
        ),
        (
            "scenario s\n",
            "expected `{` after the scenario header, found end of line",
            "scenario s",
        ),
        (
            "scenario s { a b }\n",
            "expected `,`, end of line or `}`, found `b`",
            "b",
        ),
        (
            "scenario s { a,, b }\n",
            "expected a formula, found `,`",
            ",",
        ),
        (
            "include other\n",
            "expected a path string after `include`, found `other`",
            "other",
        ),
        ("topic a b\n", "expected end of line, found `b`", "b"),
        ("topic a {}\n", "expected end of line, found `{`", "{"),
        (
            "party p \"P\" x {\n}\n",
            "expected `{` or end of line, found `x`",
            "x",
        ),
        (
            "requires a\n",
            "expected an item, found keyword `requires`",
            "requires",
        ),
        ("porty p\n", "expected an item, found `porty`", "porty"),
        ("}\n", "expected an item, found `}`", "}"),
        (
            "party p {\n  requires a\n",
            "expected `}` to close this block, found end of file",
            "{",
        ),
        (
            "assume\n",
            "expected a formula after `assume`, found end of line",
            "assume",
        ),
        (
            "assume a -> ()\n",
            "expected a formula after `(`, found `)`",
            ")",
        ),
        (
            "assume x@\n",
            "expected a party name after `@`, found end of line",
            "@",
        ),
        (
            "assume not\n",
            "expected a formula after `not`, found end of line",
            "not",
        ),
        (
            "assume a\u{a0}b\n",
            "expected end of statement, found `\\u{a0}`",
            "\u{a0}",
        ),
    ];
    for (text, message, at) in cases {
        let (m, a) = one_err(text);
        assert_eq!((&m[..], &a[..]), (*message, *at), "in {text:?}");
    }
}

#[test]
fn helpful_hints() {
    let (_, e) = p("party p {\n  require a\n}\n");
    assert_eq!(e[0].help[0], "did you mean `requires`?");
    let (_, e) = p("Party p\n");
    assert_eq!(e[0].help[0], "did you mean `party`?");
    let (_, e) = p("topic for\n");
    assert_eq!(
        e[0].help,
        ["`for` is a reserved keyword and cannot be used as a name"]
    );
    let (_, e) = p("topic 9lives\n");
    assert_eq!(e[0].help, ["identifiers start with an ASCII letter or `_`"]);
    let (_, e) = p("party p\n{\n  requires a\n}\n");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].help, ["move `{` to the end of the line above"]);
}

#[test]
fn missing_brace_before_next_item() {
    let text = "party p {\n  requires a\ntopic t\nparty q {\n  rejects b\n}\n";
    let (file, e) = p(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(&text[e[0].span.range()], "{");
    assert_eq!(e[0].span.start, 8);
    assert_eq!(
        e[0].labels[0].span.start as usize,
        text.find("topic").unwrap()
    );
    assert_eq!(file.items.len(), 3);
    let Item::Party { statements, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(statements.len(), 1);
}

#[test]
fn recovery_keeps_valid_statements_in_a_broken_block() {
    let text =
        "party p {\n  requires a\n  requires\n  rejects b; bogus c; claims d\n  avoids e }\n";
    let (file, e) = p(text);
    assert_eq!(
        e.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        [
            "expected a formula after `requires`, found end of line",
            "unknown statement keyword `bogus`"
        ]
    );
    let Item::Party { statements, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(statements.len(), 4);
}

#[test]
fn broken_party_header_keeps_block() {
    let (file, e) = p("party p \"P\" extra {\n  requires a\n}\ntopic t\n");
    assert_eq!(e.len(), 1);
    let Item::Party { statements, .. } = &file.items[0] else {
        panic!()
    };
    assert_eq!(statements.len(), 1);
    assert_eq!(file.items.len(), 2);
    // a header without a name drops the party but still reads the block
    let (file, e) = p("party {\n  requires\n}\ntopic t\n");
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(matches!(file.items[..], [Item::Topic { .. }]));
}

/// The acceptance test: six broken lines among valid ones give exactly
/// six errors, one on each, and every valid statement is kept.
#[test]
fn six_broken_lines_six_errors() {
    let text = "\
topic a
topic b
party us {
  ok1: requires a and b
  requires a and
  rejects b
  rejects
  prefers a when b
  demands a
  avoids b \"fine\"
  claims a \"never closed
  no a without b
  requires 2x
  duty us: a
  requires a -> -> b
  ok2: claims a -> b
}
assume a -> b
";
    let (file, e) = p(text);
    let sf = SourceFile::new(FileId(0), "t", text);
    let lines: Vec<usize> = e
        .iter()
        .map(|d| sf.line_col(d.span.start as usize).line)
        .collect();
    assert_eq!(lines, [5, 7, 9, 11, 13, 15], "{e:#?}");
    let Item::Party { statements, .. } = &file.items[2] else {
        panic!()
    };
    let bodies: Vec<&str> = statements
        .iter()
        .map(|s| &text[s.body_span.range()])
        .collect();
    assert_eq!(
        bodies,
        [
            "requires a and b",
            "rejects b",
            "prefers a when b",
            "avoids b",
            "claims a",
            "no a without b",
            "duty us: a",
            "claims a -> b",
        ]
    );
    assert_eq!(file.items.len(), 4);
}

/// Rough throughput of `parse` on realistic rule text. Run with
/// `cargo test --release --lib syntax::tests::throughput -- --ignored --nocapture`.
/// The single error of `text`: its message, the text under its span and
/// its help lines.
fn one_err_help(text: &str) -> (String, String, Vec<String>) {
    let (_, e) = p(text);
    assert_eq!(e.len(), 1, "expected one error in {text:?}: {e:#?}");
    let d = &e[0];
    (
        d.message.clone(),
        text[d.span.range()].to_owned(),
        d.help.clone(),
    )
}

/// Habits from other languages (issue #14): each is one error that says
/// what to write instead.
#[test]
fn hints_for_habits_from_other_languages() {
    let block = |body: &str| format!("party p {{\n  {body}\n}}\n");
    // `&&` and `||`; `&` and `|` are operators (LANGUAGE.md §4)
    assert_eq!(
        one_err_help(&block("requires a && b")),
        (
            "`&&` is not an operator".to_owned(),
            "&&".to_owned(),
            vec!["use `and` (or `&`)".to_owned()]
        )
    );
    assert_eq!(
        one_err_help(&block("rejects (a || b) when c")),
        (
            "`||` is not an operator".to_owned(),
            "||".to_owned(),
            vec!["use `or` (or `|`)".to_owned()]
        )
    );
    ok(&block("requires a & b | !c"));
    // `& &` apart is an operator without its operand, as before
    let (m, at, help) = one_err_help(&block("requires a & & b"));
    assert_eq!(
        (&m[..], &at[..]),
        ("expected a formula after `&`, found `&`", "&")
    );
    assert!(help.is_empty(), "{help:?}");

    // a label without its colon
    assert_eq!(
        one_err_help(&block("g1 rejects x")),
        (
            "unknown statement keyword `g1`".to_owned(),
            "g1".to_owned(),
            vec!["did you mean `g1:`? a label ends with a colon".to_owned()]
        )
    );
    // …but a misspelt keyword is still one
    let (_, _, help) = one_err_help(&block("rejets x"));
    assert_eq!(help[0], "did you mean `rejects`?");

    // single quotes, shown as written (not `\'`)
    assert_eq!(
        one_err_help(&block("requires 'no deal'")),
        (
            "expected a formula after `requires`, found `'`".to_owned(),
            "'".to_owned(),
            vec!["strings use double quotes: `\"no deal\"`".to_owned()]
        )
    );
    let (m, _, help) = one_err_help(&block("requires a 'we said so'"));
    assert_eq!(m, "expected end of statement, found `'`");
    assert_eq!(help, ["strings use double quotes: `\"we said so\"`"]);
    let (m, _, help) = one_err_help("party q 'Q'\n");
    assert_eq!(m, "expected `{` or end of line, found `'`");
    assert_eq!(help, ["strings use double quotes: `\"Q\"`"]);
    let (_, _, help) = one_err_help(&block("requires a \u{201c}typographic\u{201d}"));
    assert_eq!(help, ["strings use double quotes: `\"typographic\"`"]);
    // no closing quote on the line: no text to show
    let (_, _, help) = one_err_help(&block("requires a 'unclosed"));
    assert_eq!(help, ["strings use double quotes: `\"…\"`"]);

    // a duty takes one topic
    let duty_help = "a duty takes one topic (`duty Q: X`, which means `X -> X@Q`); \
                     write one `duty` line per topic";
    assert_eq!(
        one_err_help(&block("duty q: a and b")),
        (
            "expected end of statement, found keyword `and`".to_owned(),
            "and".to_owned(),
            vec![duty_help.to_owned()]
        )
    );
    let (m, at, help) = one_err_help(&block("duty q: (a or b)"));
    assert_eq!(
        (&m[..], &at[..]),
        ("expected a topic name after `:`, found `(`", "(")
    );
    assert_eq!(help, [duty_help]);
    let (_, at, help) = one_err_help(&block("duty q: a@q"));
    assert_eq!(at, "@");
    assert_eq!(
        help,
        ["`duty Q: X` names its bearer already (it means `X -> X@Q`): write the topic alone"]
    );
}

/// A scenario whose formulas are not in braces: one error, with the
/// block to write, and the scenario is still declared with them.
#[test]
fn scenario_without_braces_is_one_error_and_still_declared() {
    for (text, block, formulas) in [
        ("scenario s \"x\" deal\n", "{ deal }", 1),
        ("scenario s deal, not war\n", "{ deal, not war }", 2),
        ("scenario s deal, (a or b) }\n", "{ deal, (a or b) }", 2),
        ("scenario s deal,\n", "{ deal }", 1),
    ] {
        let (file, e) = p(&format!("{text}expect feasible s\n"));
        assert_eq!(e.len(), 1, "{text:?}: {e:#?}");
        assert_eq!(
            e[0].message,
            "expected `{` after the scenario header, found `deal`"
        );
        assert_eq!(
            e[0].help,
            [format!("a scenario's formulas go in braces: `{block}`")]
        );
        match &file.items[..] {
            [
                Item::Scenario {
                    name, formulas: f, ..
                },
                Item::Expect(_),
            ] => {
                assert_eq!((name.name.as_str(), f.len()), ("s", formulas), "{text:?}");
            }
            other => panic!("{text:?}: {other:#?}"),
        }
    }
    // a long list is not copied into the help
    let long = (0..20).map(|k| format!("topic_{k}")).collect::<Vec<_>>();
    let (_, e) = p(&format!("scenario s {}\n", long.join(", ")));
    assert_eq!(e[0].help, ["a scenario's formulas go in braces: `{ … }`"]);
    // anything but formulas: no scenario, as before
    let (file, e) = p("scenario s deal $\n");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(file.items.is_empty());
}
