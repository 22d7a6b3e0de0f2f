//! The grammar (LANGUAGE.md §3–§6) as nom parsers over tokens, and the
//! recovering loops for files and blocks.
//!
//! Items, statements and formulas are nom parsers: they commit (`cut`)
//! after a keyword or operator, so the error says what was expected right
//! there. The file and block loops catch those failures, record them, skip
//! to the end of the line (or `;`, or the block's `}`), and go on.

use nom::Parser;
use nom::branch::alt;
use nom::combinator::opt;
use nom::multi::fold_many0;

use super::MAX_DEPTH;
use super::input::{
    PErr, R, Toks, bad_word_help, describe, ident, label, need, need_name, op_then, rest_of_line,
    string, tok, unknown_help,
};
use super::lexer::{K, Token};
use crate::ast::{
    DateLit, Expect, ExpectKind, Formula, FormulaKind, Ident, Item, Stance, Statement, Str,
};
use crate::diagnostic::{Diagnostic, Fix, Kind};

/// A formula with its outer extent (including any parentheses around it).
pub(crate) struct F {
    f: Formula,
    lo: u32,
    hi: u32,
}

// ---------------------------------------------------------------- formulas
//
// Formulas are parsed by an operator-precedence loop with explicit stacks
// (one frame per open parenthesis), not by recursion: nesting depth never
// grows the call stack, so 100 000 `(` cannot overflow it. Atoms are nom
// parsers; the loop itself is a nom parser (`formula`) used by the
// statement and item parsers like any other.
//
//   iff     := implies ( "<->" implies )?        not associative
//   implies := or ( "->" implies )?              right associative
//   or      := and ( ("or" | "|") and )*         n-ary
//   and     := unary ( ("and" | "&") unary )*    n-ary
//   unary   := ("not" | "!") unary | atom | "(" iff ")"
//   atom    := TOPIC ( "@" PARTY )?

/// The operands of an n-ary chain; the buffer is reused from chain to
/// chain, each node gets an exact-size copy.
#[derive(Default)]
pub(crate) struct Chain {
    one: Option<F>,
    many: Vec<Formula>,
    lo: u32,
    hi: u32,
}

impl Chain {
    fn push(&mut self, f: F) {
        if self.many.is_empty() {
            match self.one.take() {
                None => {
                    self.one = Some(f);
                    return;
                }
                Some(first) => {
                    self.lo = first.lo;
                    self.many.push(first.f);
                }
            }
        }
        self.hi = f.hi;
        self.many.push(f.f);
    }

    /// The chain as one formula: its only operand or an n-ary node.
    fn close(&mut self, i: Toks<'_>, node: fn(Box<[Formula]>) -> FormulaKind) -> Option<F> {
        if self.many.is_empty() {
            return self.one.take();
        }
        let (lo, hi) = (self.lo, self.hi);
        let f = Formula {
            // an exact-size node; the buffer is kept for the next chain
            kind: node(self.many.drain(..).collect()),
            span: i.span(lo, hi),
        };
        Some(F { f, lo, hi })
    }
}

/// One level of parentheses (the outermost has no `open`): the operands
/// and operators seen so far at each precedence level.
#[derive(Default)]
pub(crate) struct Frame {
    open: Option<Token>,
    /// `not`s waiting for their operand.
    nots: Vec<Token>,
    /// The current `and` chain.
    and: Chain,
    /// Finished `and` chains of the current `or` chain.
    or: Chain,
    /// Finished `or` chains, each before a `->`.
    imp: Vec<F>,
    /// The left side of a `<->`.
    iff: Option<F>,
}

fn binary(i: Toks<'_>, a: F, b: F, node: fn(Box<Formula>, Box<Formula>) -> FormulaKind) -> F {
    let (lo, hi) = (a.lo, b.hi);
    F {
        f: Formula {
            kind: node(Box::new(a.f), Box::new(b.f)),
            span: i.span(lo, hi),
        },
        lo,
        hi,
    }
}

impl Frame {
    /// Ends the current `and` chain.
    fn close_and(&mut self, i: Toks<'_>) {
        if let Some(f) = self.and.close(i, FormulaKind::And) {
            self.or.push(f);
        }
    }

    /// Ends the current `or` chain.
    fn close_or(&mut self, i: Toks<'_>) -> Option<F> {
        self.close_and(i);
        self.or.close(i, FormulaKind::Or)
    }

    /// Ends the current `->` chain (folded from the right); returns how
    /// many `->` it had.
    fn close_implies(&mut self, i: Toks<'_>) -> (Option<F>, u32) {
        let mut acc = self.close_or(i);
        let n = u32::try_from(self.imp.len()).unwrap_or(u32::MAX);
        while let Some(left) = self.imp.pop() {
            acc = acc.map(|right| binary(i, left, right, FormulaKind::Implies));
        }
        (acc, n)
    }

    /// Ends the frame's formula.
    fn finish(&mut self, i: Toks<'_>) -> (Option<F>, u32) {
        let (right, n) = self.close_implies(i);
        let f = match (self.iff.take(), right) {
            (Some(left), Some(right)) => Some(binary(i, left, right, FormulaKind::Iff)),
            (_, right) => right,
        };
        (f, n)
    }
}

fn too_deep(i: Toks<'_>, at: Token) -> nom::Err<PErr> {
    PErr::diag(
        i,
        Diagnostic::new(
            Kind::SyntaxError,
            i.tspan(at),
            "formula is nested too deeply",
        )
        .with_span_label(format!("more than {MAX_DEPTH} levels deep here"))
        .with_help(format!(
            "at most {MAX_DEPTH} levels of parentheses, `not` and `->` may nest; \
             split the formula into several statements"
        )),
    )
}

/// The error for `&&` or `||` (`op` and `t` the two halves, written
/// together), which people used to C write for `and` and `or`.
fn doubled_operator(i: Toks<'_>, op: Token, t: Token) -> Option<Diagnostic> {
    let word = match (op.kind, t.kind) {
        (K::Amp, K::Amp) => "and",
        (K::Pipe, K::Pipe) => "or",
        _ => return None,
    };
    if op.end != t.start {
        return None;
    }
    let both = i.text(op).repeat(2);
    Some(
        Diagnostic::new(
            Kind::SyntaxError,
            i.span(op.start, t.end),
            format!("`{both}` is not an operator"),
        )
        .with_span_label("not an operator")
        .with_help(format!("use `{word}` (or `{}`)", i.text(op))),
    )
}

fn is_infix(k: K) -> bool {
    matches!(k, K::And | K::Amp | K::Or | K::Pipe | K::Arrow | K::DArrow)
}

/// A formula. Does not match (nom `Error`) when the first token cannot
/// start a formula; fails (`Failure`) on any error after that.
fn formula(i: Toks<'_>) -> R<'_, F> {
    // the common cases: a lone atom, and two atoms joined by one operator
    if i.kind() == K::Ident {
        let (r, a) = atom(i)?;
        let op = r.peek();
        if !is_infix(op.kind) {
            return Ok((r, a));
        }
        if r.peek2().kind == K::Ident
            && let Ok((after, b)) = atom(r.bump().0)
            && !is_infix(after.kind())
        {
            return Ok((after, two_atoms(after, a, op.kind, b)));
        }
        return precedence(i, Some((r, a)));
    }
    precedence(i, None)
}

/// `a OP b` for two atoms: the node the precedence loop builds for it (an
/// n-ary `and`/`or` of two operands, or a binary node), without the loop.
/// Anything else (a third operand, an error in `b`) goes through the loop.
fn two_atoms(i: Toks<'_>, a: F, op: K, b: F) -> F {
    let (lo, hi) = (a.lo, b.hi);
    let kind = match op {
        K::And | K::Amp => FormulaKind::And(Box::new([a.f, b.f])),
        K::Or | K::Pipe => FormulaKind::Or(Box::new([a.f, b.f])),
        K::Arrow => FormulaKind::Implies(Box::new(a.f), Box::new(b.f)),
        _ => FormulaKind::Iff(Box::new(a.f), Box::new(b.f)),
    };
    F {
        f: Formula {
            kind,
            span: i.span(lo, hi),
        },
        lo,
        hi,
    }
}

/// The precedence loop, from `i`; `first` is an atom already parsed.
fn precedence<'a>(i: Toks<'a>, first: Option<(Toks<'a>, F)>) -> R<'a, F> {
    // the stack of open parentheses is reused from formula to formula
    let mut frames = i.cx.frames.take();
    frames.clear();
    let r = precedence_in(i, first, &mut frames);
    *i.cx.frames.borrow_mut() = frames;
    r
}

fn precedence_in<'a>(
    i: Toks<'a>,
    first: Option<(Toks<'a>, F)>,
    frames: &mut Vec<Frame>,
) -> R<'a, F> {
    let mut root = Frame::default();
    // parentheses, pending `not`s and pending `->`s
    let mut depth: u32 = 0;
    let mut cur = i;
    // the token that demands the next operand (none before the first)
    let mut after: Option<Token> = None;
    let mut first = first;
    loop {
        // operand position
        let mut operand = if let Some((r, a)) = first.take() {
            cur = r;
            a
        } else {
            let t = cur.peek();
            match t.kind {
                K::Not | K::Bang | K::LParen => {
                    if depth >= MAX_DEPTH {
                        return Err(too_deep(cur, t));
                    }
                    depth += 1;
                    if t.kind == K::LParen {
                        frames.push(Frame {
                            open: Some(t),
                            ..Frame::default()
                        });
                    } else {
                        frames.last_mut().unwrap_or(&mut root).nots.push(t);
                    }
                    cur = cur.bump().0;
                    after = Some(t);
                    continue;
                }
                K::Ident => {
                    let (r, a) = atom(cur)?;
                    cur = r;
                    a
                }
                _ if after.is_none() => return Err(PErr::back(cur)),
                _ => {
                    if let Some(d) = after.and_then(|a| doubled_operator(cur, a, t)) {
                        return Err(PErr::diag(cur, d));
                    }
                    return Err(PErr::expected_name(cur, "a formula", after));
                }
            }
        };
        // operator position; closing parentheses deliver their formula to
        // the enclosing frame
        loop {
            let fr = frames.last_mut().unwrap_or(&mut root);
            while let Some(n) = fr.nots.pop() {
                depth = depth.saturating_sub(1);
                let (lo, hi) = (n.start, operand.hi);
                operand = F {
                    f: Formula {
                        kind: FormulaKind::Not(Box::new(operand.f)),
                        span: i.span(lo, hi),
                    },
                    lo,
                    hi,
                };
            }
            fr.and.push(operand);
            let t = cur.peek();
            match t.kind {
                K::And | K::Amp => {}
                K::Or | K::Pipe => fr.close_and(cur),
                K::Arrow => {
                    if depth >= MAX_DEPTH {
                        return Err(too_deep(cur, t));
                    }
                    depth += 1;
                    if let Some(f) = fr.close_or(cur) {
                        fr.imp.push(f);
                    }
                }
                K::DArrow => {
                    if fr.iff.is_some() {
                        return Err(PErr::diag(
                            cur,
                            Diagnostic::new(
                                Kind::SyntaxError,
                                cur.tspan(t),
                                "`<->` is not associative",
                            )
                            .with_span_label("a second `<->` in a row")
                            .with_help("add parentheses: `(a <-> b) <-> c` or `a <-> (b <-> c)`"),
                        ));
                    }
                    let (f, n) = fr.close_implies(cur);
                    depth = depth.saturating_sub(n);
                    fr.iff = f;
                }
                K::RParen if fr.open.is_some() => {
                    let (f, n) = fr.finish(cur);
                    let open = fr.open;
                    frames.pop();
                    depth = depth.saturating_sub(n + 1);
                    let (Some(f), Some(open)) = (f, open) else {
                        return Err(PErr::back(i));
                    };
                    // no node for parentheses: the inner formula, with the
                    // outer extent
                    operand = F {
                        f: f.f,
                        lo: open.start,
                        hi: t.end,
                    };
                    cur = cur.bump().0;
                    continue;
                }
                _ => {
                    if let Some(open) = fr.open {
                        return Err(PErr::unclosed(cur, "`)`", open));
                    }
                    return match fr.finish(cur).0 {
                        Some(f) => Ok((cur, f)),
                        None => Err(PErr::back(i)),
                    };
                }
            }
            // an infix operator: its operand must follow
            cur = cur.bump().0;
            after = Some(t);
            break;
        }
    }
}

/// A whole formula as an AST node.
fn formula_node(i: Toks<'_>) -> R<'_, Formula> {
    formula.map(|f| f.f).parse(i)
}

/// `atom := TOPIC | TOPIC "@" PARTY`
fn atom(i: Toks<'_>) -> R<'_, F> {
    let (r, topic) = ident(i)?;
    let (r, party) = opt_after(r, K::At, op_then(tok(K::At), "a party name", ident))?;
    let party = party.map(|(_, p)| p);
    let lo = topic.span.start;
    let hi = party.as_ref().map_or(topic.span.end, |p| p.span.end);
    let f = Formula {
        kind: FormulaKind::Atom {
            topic,
            party: party.map(Box::new),
        },
        span: i.span(lo, hi),
    };
    Ok((r, F { f, lo, hi }))
}

/// `opt(p)` for a `p` that starts with a `first` token: `p` is not run at
/// all when the next token is another one (most atoms have no `@`, most
/// statements no `when`). The same results as `opt(p)`: `None` when `p`
/// does not match, its failure when it fails.
fn opt_after<'a, O>(
    i: Toks<'a>,
    first: K,
    mut p: impl FnMut(Toks<'a>) -> R<'a, O>,
) -> R<'a, Option<O>> {
    if i.kind() != first {
        return Ok((i, None));
    }
    match p(i) {
        Ok((r, o)) => Ok((r, Some(o))),
        Err(nom::Err::Error(_)) => Ok((i, None)),
        Err(e) => Err(e),
    }
}

// -------------------------------------------------------------- statements

/// Succeeds (consuming nothing) at the end of a statement: a line break,
/// `;`, `}` or the end of the file.
fn end_of_statement<'a>(i: Toks<'a>, last: Option<K>) -> R<'a, ()> {
    match i.kind() {
        K::Newline | K::Semi | K::RBrace | K::Eof => Ok((i, ())),
        found => {
            let t = i.peek();
            let text = i.text(t);
            let (what, help): (&str, Option<String>) = match (last, found) {
                (Some(K::Claims | K::No | K::Duty), K::When) => (
                    "end of statement",
                    Some(
                        "only `requires`, `rejects`, `prefers` and `avoids` take a `when` condition"
                            .to_owned(),
                    ),
                ),
                (Some(K::Duty), K::At) => (
                    "end of statement",
                    Some(
                        "`duty Q: X` names its bearer already (it means `X -> X@Q`): \
                         write the topic alone"
                            .to_owned(),
                    ),
                ),
                (Some(K::Duty), k) if is_infix(k) => {
                    ("end of statement", Some(DUTY_HELP.to_owned()))
                }
                (Some(_), K::Ident | K::LParen | K::Not | K::Bang) => (
                    "an operator or end of statement",
                    Some(
                        "join formulas with `and`, `or`, `->` or `<->`; \
                         put each statement on its own line or separate statements with `;`"
                            .to_owned(),
                    ),
                ),
                (Some(_), K::Str | K::StrOpen) => (
                    "end of statement",
                    Some("a statement takes at most one quote".to_owned()),
                ),
                (_, K::Weight) => (
                    "end of statement",
                    Some("`weight N` goes after the formula and before the quote".to_owned()),
                ),
                (_, K::BadWord) => ("end of statement", Some(bad_word_help(text).to_owned())),
                (_, K::Unknown) => (
                    "end of statement",
                    unknown_help(t, text, rest_of_line(i.cx.text, t)),
                ),
                _ => ("end of statement", None),
            };
            let mut d = Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!("expected {what}, found {}", describe(t, text)),
            )
            .with_span_label(format!("expected {what}"));
            if let Some(h) = help {
                d = d.with_help(h);
            }
            Err(PErr::diag(i, d))
        }
    }
}

/// `requires|rejects|prefers|avoids F [when C]`
fn conditional(i: Toks<'_>) -> R<'_, (Stance, u32)> {
    let (i, kw) = match i.kind() {
        K::Requires | K::Rejects | K::Prefers | K::Avoids => i.bump(),
        _ => return Err(PErr::back(i)),
    };
    let (i, f) = need_name("a formula", Some(kw), formula)(i)?;
    let (i, when) = opt_after(i, K::When, op_then(tok(K::When), "a condition", formula))?;
    let when = when.map(|(_, c)| c);
    let hi = when.as_ref().map_or(f.hi, |c| c.hi);
    let (formula, when) = (f.f, when.map(|c| c.f));
    let stance = match kw.kind {
        K::Requires => Stance::Requires { formula, when },
        K::Rejects => Stance::Rejects { formula, when },
        K::Prefers => Stance::Prefers { formula, when },
        _ => Stance::Avoids { formula, when },
    };
    Ok((i, (stance, hi)))
}

/// `claims F`
fn claims(i: Toks<'_>) -> R<'_, (Stance, u32)> {
    let (i, kw) = tok(K::Claims)(i)?;
    let (i, f) = need_name("a formula", Some(kw), formula)(i)?;
    Ok((i, (Stance::Claims { formula: f.f }, f.hi)))
}

/// `no A without B`
fn no_without(i: Toks<'_>) -> R<'_, (Stance, u32)> {
    let (i, kw) = tok(K::No)(i)?;
    let (i, a) = need_name("a formula", Some(kw), formula)(i)?;
    let (i, (_, b)) = need(
        "`without`",
        None,
        op_then(tok(K::Without), "a formula", formula),
    )(i)?;
    let hi = b.hi;
    Ok((
        i,
        (
            Stance::NoWithout {
                antecedent: a.f,
                consequent: b.f,
            },
            hi,
        ),
    ))
}

/// Help for a duty given a formula instead of one topic.
const DUTY_HELP: &str = "a duty takes one topic (`duty Q: X`, which means `X -> X@Q`); \
                         write one `duty` line per topic";

/// `duty Q: X`
fn duty(i: Toks<'_>) -> R<'_, (Stance, u32)> {
    let (i, kw) = tok(K::Duty)(i)?;
    let (i, bearer) = need_name("a party name", Some(kw), ident)(i)?;
    let (i, colon) = need("`:`", None, tok(K::Colon))(i)?;
    if matches!(i.kind(), K::LParen | K::Not | K::Bang) {
        // a formula where the topic goes
        let t = i.peek();
        return Err(PErr::diag(
            i,
            Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!(
                    "expected a topic name after `:`, found {}",
                    describe(t, i.text(t))
                ),
            )
            .with_span_label("expected a topic name")
            .with_help(DUTY_HELP),
        ));
    }
    let (i, topic) = need_name("a topic name", Some(colon), ident)(i)?;
    let hi = topic.span.end;
    Ok((i, (Stance::Duty { bearer, topic }, hi)))
}

const STATEMENT_KEYWORDS: &[&str] = &[
    "requires", "rejects", "prefers", "avoids", "claims", "no", "duty",
];

const ITEM_KEYWORDS: &[&str] = &["include", "party", "topic", "assume", "scenario", "expect"];

/// The closest of `candidates` to `word`, if close enough to be a likely
/// typo.
fn did_you_mean(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len() / 2 + 1)
        .min()
        .map(|(_, c)| c)
}

/// The error for a statement that does not start with a statement keyword.
fn bad_statement_start<'a>(i: Toks<'a>, after_label: Option<&Ident>) -> nom::Err<PErr> {
    let t = i.peek();
    let text = i.text(t);
    let help = "a statement starts with `requires`, `rejects`, `prefers`, `avoids`, \
                `claims`, `no` or `duty`";
    match t.kind {
        K::Ident if i.peek2().kind.is_statement_keyword() => {
            // `g1 rejects x`: a label without its colon
            let d = Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!("unknown statement keyword `{text}`"),
            )
            .with_span_label("not a statement keyword")
            .with_help(format!("did you mean `{text}:`? a label ends with a colon"))
            .with_fix(Fix::one(
                format!("write `{text}:`"),
                true,
                i.tspan(t),
                format!("{text}:"),
            ));
            PErr::diag(i, d)
        }
        K::Ident => {
            let mut d = Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!("unknown statement keyword `{text}`"),
            )
            .with_span_label("not a statement keyword");
            if let Some(s) = did_you_mean(text, STATEMENT_KEYWORDS) {
                d = d
                    .with_help(format!("did you mean `{s}`?"))
                    .with_fix(Fix::one(
                        format!("replace `{text}` with `{s}`"),
                        true,
                        i.tspan(t),
                        s,
                    ));
            }
            PErr::diag(i, d.with_help(help))
        }
        _ => {
            let message = match after_label {
                Some(l) => format!(
                    "expected a statement after `{}:`, found {}",
                    l.name,
                    describe(t, text)
                ),
                None => format!("expected a statement, found {}", describe(t, text)),
            };
            // at the end of a line, point at the label
            let span = match (t.kind, after_label, i.prev()) {
                (K::Newline | K::Eof | K::Semi | K::RBrace, Some(l), Some(colon)) => {
                    i.span(l.span.start, colon.end)
                }
                _ => i.tspan(t),
            };
            let mut d = Diagnostic::new(Kind::SyntaxError, span, message)
                .with_span_label("expected a statement");
            if t.kind == K::BadWord {
                d = d.with_help(bad_word_help(text));
            }
            PErr::diag(i, d.with_help(help))
        }
    }
}

/// The largest weight (LANGUAGE.md §10).
pub(crate) const MAX_WEIGHT: u32 = 1_000_000;

/// What a weight means, for the help of every weight error.
const WEIGHT_HELP: &str = "a weight is a whole number from 1 to 1000000 on a red line or a wish \
                           (`prefers x weight 5`): what the wish is worth to its party, or what \
                           withdrawing the red line costs it";

/// A parsed `weight N` clause: its extent, and the value when it is valid.
struct WeightClause {
    lo: u32,
    hi: u32,
    value: Option<u32>,
}

/// `weight N`. A number out of range (`0`, `-3`, `2000000`) is reported
/// here and the statement is kept without its weight; anything else after
/// `weight` fails (the line is skipped).
fn weight_clause(i: Toks<'_>) -> R<'_, WeightClause> {
    let (i, kw) = tok(K::Weight)(i)?;
    let t = i.peek();
    // `-3`: a minus sign glued to a number
    let (neg, i, num) = match t.kind {
        K::Unknown
            if i.text(t) == "-" && i.peek2().kind == K::BadWord && i.peek2().start == t.end =>
        {
            let (i, _) = i.bump();
            let n = i.peek();
            (true, i, n)
        }
        _ => (false, i, t),
    };
    let digits = i.text(num);
    if num.kind != K::BadWord || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let found = describe(t, i.text(t));
        return Err(PErr::diag(
            i,
            Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!("expected a whole number after `weight`, found {found}"),
            )
            .with_span_label("expected a number")
            .with_help(WEIGHT_HELP),
        ));
    }
    let (r, _) = i.bump();
    let (lo, hi) = (kw.start, num.end);
    let span = i.span(t.start, num.end);
    // leading zeros are fine; anything with more than 7 significant digits is too big
    let trimmed = digits.trim_start_matches('0');
    let value = if trimmed.len() > 7 {
        None
    } else {
        trimmed.parse::<u32>().ok().or(Some(0))
    };
    let problem = match value {
        _ if neg => Some(("a weight cannot be negative", "negative")),
        Some(0) => Some(("a weight is at least 1", "zero")),
        Some(v) if v <= MAX_WEIGHT => None,
        _ => Some(("a weight is at most 1000000", "too large")),
    };
    let value = match problem {
        Some((message, label)) => {
            r.cx.errors.borrow_mut().push(
                Diagnostic::new(Kind::SyntaxError, span, message)
                    .with_span_label(label)
                    .with_help(WEIGHT_HELP),
            );
            None
        }
        None => value,
    };
    Ok((r, WeightClause { lo, hi, value }))
}

/// `[label:] STANCE ["quote"]`, up to (not including) its terminator.
fn statement(i: Toks<'_>) -> R<'_, Statement> {
    let start = i.peek().start;
    let (i, lbl) = opt(label).parse(i)?;
    let kw = i.peek();
    // dispatch on the keyword (the parsers commit after it)
    let parsed = match kw.kind {
        K::Requires | K::Rejects | K::Prefers | K::Avoids => conditional(i),
        K::Claims => claims(i),
        K::No => no_without(i),
        K::Duty => duty(i),
        _ => return Err(bad_statement_start(i, lbl.as_ref())),
    };
    let (i, (stance, body_hi)) = match parsed {
        Err(nom::Err::Error(_)) => return Err(bad_statement_start(i, lbl.as_ref())),
        r => r?,
    };
    let (i, weight) = opt_after(i, K::Weight, weight_clause)?;
    let weight_hi = weight.as_ref().map_or(body_hi, |w| w.hi);
    let weight = weight.and_then(|w| {
        if let Stance::Claims { .. } = stance {
            i.cx.errors.borrow_mut().push(
                Diagnostic::new(
                    Kind::SyntaxError,
                    i.span(w.lo, w.hi),
                    "a claim takes no weight",
                )
                .with_span_label("not allowed on `claims`")
                .with_help(WEIGHT_HELP),
            );
            return None;
        }
        w.value.and_then(std::num::NonZeroU32::new)
    });
    let (i, quote) = opt(string).parse(i)?;
    let last = if quote.is_some() { None } else { Some(kw.kind) };
    let (i, ()) = end_of_statement(i, last)?;
    let hi = quote.as_ref().map_or(weight_hi, |q| q.span.end);
    Ok((
        i,
        Statement {
            label: lbl.map(Box::new),
            stance,
            quote: quote.map(Box::new),
            weight,
            span: i.span(start, hi),
            body_span: i.span(kw.start, body_hi),
        },
    ))
}

// ------------------------------------------------------------------ blocks

/// The error for a block that is never closed: at its `{`, pointing at
/// what came instead.
fn unclosed_block(i: Toks<'_>, open: Token) -> PErr {
    let t = i.peek();
    let mut d = Diagnostic::new(
        Kind::SyntaxError,
        i.tspan(open),
        format!(
            "expected `}}` to close this block, found {}",
            describe(t, i.text(t))
        ),
    )
    .with_span_label("this `{` is never closed");
    if t.kind != K::Eof {
        d = d.with_label(i.tspan(t), "the block ends before this item");
    }
    PErr {
        rem: i.toks.len(),
        why: super::input::Why::Diag(Box::new(d.with_help("add `}` after the block's last line"))),
    }
}

/// The statements of a party block, after its `{`, through its `}`.
/// Errors are recorded; valid statements are kept.
fn party_body<'a>(mut i: Toks<'a>, open: Token) -> (Toks<'a>, Vec<Statement>) {
    // room for one statement per non-empty line up to the block's end
    // (exact when each statement has its own line: statements are most of
    // a big tree, so no spare room)
    let mut lines = 0;
    let mut line_start = true;
    for t in i
        .toks
        .iter()
        .take_while(|t| !matches!(t.kind, K::RBrace | K::Eof) && !t.kind.is_item_keyword())
    {
        let sep = matches!(t.kind, K::Newline | K::Semi);
        if line_start && !sep {
            lines += 1;
        }
        line_start = sep;
    }
    let mut out = Vec::with_capacity(lines.min(256));
    loop {
        i = i.skip_separators();
        if let Some(end) = block_end(i, open) {
            return (end, out);
        }
        match statement(i) {
            Ok((r, s)) => {
                out.push(s);
                i = r;
            }
            Err(e) => {
                report_nom(i, e);
                i = i.skip_until(&[K::Newline, K::Semi, K::RBrace]);
            }
        }
    }
}

/// Where a block opened at `open` ends: after its `}`, or — reported as an
/// unclosed block — at the end of the file or at the next item keyword.
/// `None` when `i` is inside the block.
fn block_end<'a>(i: Toks<'a>, open: Token) -> Option<Toks<'a>> {
    match i.kind() {
        K::RBrace => Some(after_block(i.bump().0)),
        k if k == K::Eof || k.is_item_keyword() => {
            i.report(unclosed_block(i, open));
            Some(i)
        }
        _ => None,
    }
}

/// The formulas of a scenario block, after its `{`, through its `}`:
/// separated by commas or line breaks (a trailing comma is allowed).
fn scenario_body<'a>(mut i: Toks<'a>, open: Token) -> (Toks<'a>, Vec<Formula>) {
    let mut out = Vec::new();
    loop {
        i = i.skip_separators();
        if let Some(end) = block_end(i, open) {
            return (end, out);
        }
        let sep = |i: Toks<'a>| match i.kind() {
            K::Comma => Ok((i.bump().0, ())),
            K::Newline | K::Semi | K::RBrace | K::Eof => Ok((i, ())),
            _ => Err(PErr::expected(i, "`,`, end of line or `}`", None)),
        };
        let prev = i;
        match (need_name("a formula", None, formula_node), sep).parse(i) {
            Ok((r, (f, ()))) => {
                out.push(f);
                i = r;
            }
            Err(e) => {
                report_nom(i, e);
                i = i.skip_until(&[K::Comma, K::Newline, K::Semi, K::RBrace]);
                if i.kind() == K::Comma {
                    i = i.bump().0;
                }
            }
        }
        if i.toks.len() >= prev.toks.len() {
            // never loop without progress
            i = i.bump().0;
        }
    }
}

/// Records a nom error from a parser that was given the input `i`.
fn report_nom(i: Toks<'_>, e: nom::Err<PErr>) {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => i.report(e),
        nom::Err::Incomplete(_) => {}
    }
}

// ------------------------------------------------------------------- items

/// What an item header is followed by: the end of the line, or (for
/// items with a block) `{`.
fn header_end(i: Toks<'_>, block: bool) -> R<'_, Option<Token>> {
    match i.kind() {
        K::LBrace if block => {
            let (r, t) = i.bump();
            Ok((r, Some(t)))
        }
        K::Newline | K::Semi | K::Eof => Ok((i, None)),
        _ if block => Err(PErr::expected(i, "`{` or end of line", None)),
        K::LBrace => {
            let t = i.peek();
            Err(PErr::diag(
                i,
                Diagnostic::new(
                    Kind::SyntaxError,
                    i.tspan(t),
                    "expected end of line, found `{`",
                )
                .with_span_label("this item takes no block")
                .with_help("only `party` and `scenario` have a block"),
            ))
        }
        _ => Err(PErr::expected(i, "end of line", None)),
    }
}

fn include(i: Toks<'_>) -> R<'_, Item> {
    let (i, kw) = tok(K::Include)(i)?;
    let (i, path) = need("a path string", Some(kw), string)(i)?;
    let (i, _) = header_end(i, false)?;
    let span = i.span(kw.start, path.span.end);
    Ok((i, Item::Include { path, span }))
}

fn topic(i: Toks<'_>) -> R<'_, Item> {
    let (i, kw) = tok(K::Topic)(i)?;
    let (i, (name, label)) = (need_name("a topic name", Some(kw), ident), opt(string)).parse(i)?;
    let (i, _) = header_end(i, false)?;
    let hi = label.as_ref().map_or(name.span.end, |l| l.span.end);
    let span = i.span(kw.start, hi);
    Ok((i, Item::Topic { name, label, span }))
}

fn assume(i: Toks<'_>) -> R<'_, Item> {
    let (i, kw) = tok(K::Assume)(i)?;
    let (i, (lbl, f, quote)) = (
        opt(label),
        need_name("a formula", Some(kw), formula),
        opt(string),
    )
        .parse(i)?;
    if i.kind() == K::Weight {
        // `assume x weight 3`: reported, and the assumption kept
        let (r, w) = weight_clause(i)?;
        r.cx.errors.borrow_mut().push(
            Diagnostic::new(
                Kind::SyntaxError,
                i.span(w.lo, w.hi),
                "an assumption takes no weight",
            )
            .with_span_label("not allowed on `assume`")
            .with_help(WEIGHT_HELP)
            .with_help("assumptions always hold; give the weight to a party's statement"),
        );
        let (r, quote2) = opt(string).parse(r)?;
        return assume_end(r, kw, lbl, f, quote.or(quote2));
    }
    assume_end(i, kw, lbl, f, quote)
}

/// The rest of an `assume` item after its formula, weight and quote.
fn assume_end<'a>(
    i: Toks<'a>,
    kw: Token,
    lbl: Option<Ident>,
    f: F,
    quote: Option<Str>,
) -> R<'a, Item> {
    let (i, ()) = end_of_statement(i, quote.is_none().then_some(K::Assume))?;
    if i.kind() == K::RBrace {
        return Err(PErr::expected(i, "end of line", None));
    }
    let hi = quote.as_ref().map_or(f.hi, |q| q.span.end);
    Ok((
        i,
        Item::Assume {
            label: lbl,
            formula: Box::new(f.f),
            quote,
            span: i.span(kw.start, hi),
        },
    ))
}

/// `ID ["label"]` after `party` or `scenario`.
fn name_and_label<'a>(
    what: &'static str,
    kw: Token,
) -> impl FnMut(Toks<'a>) -> R<'a, (Ident, Option<Str>)> {
    move |i| (need_name(what, Some(kw), ident), opt(string)).parse(i)
}

/// A comma-separated list of party names after `after`.
fn parties<'a>(after: Token) -> impl FnMut(Toks<'a>) -> R<'a, Vec<Ident>> {
    move |i| {
        let (i, first) = need_name("a party name", Some(after), ident)(i)?;
        let (i, rest) = fold_many0(
            op_then(tok(K::Comma), "a party name", ident),
            Vec::new,
            |mut v, (_, p)| {
                v.push(p);
                v
            },
        )
        .parse(i)?;
        let mut v = Vec::with_capacity(rest.len() + 1);
        v.push(first);
        v.extend(rest);
        Ok((i, v))
    }
}

fn expect(i: Toks<'_>) -> R<'_, Item> {
    let (i, kw) = tok(K::Expect)(i)?;
    let (i, form) = need(
        "`consistent`, `conflict`, `feasible`, `infeasible`, `impossible` or `reversal`",
        Some(kw),
        alt((
            tok(K::Consistent),
            tok(K::Conflict),
            tok(K::Feasible),
            tok(K::Infeasible),
            tok(K::Impossible),
            reversal_word,
        )),
    )(i)?;
    let (i, (kind, hi)) = match form.kind {
        K::Ident => {
            let (r, party) = need_name("a party name", Some(form), ident)(i)?;
            let hi = party.span.end;
            (r, (ExpectKind::Reversal(party), hi))
        }
        K::Consistent | K::Conflict => {
            let (r, ps) = parties(form)(i)?;
            let hi = ps.last().map_or(form.end, |p| p.span.end);
            if form.kind == K::Conflict && ps.len() < 2 {
                let span = i.span(form.start, hi);
                return Err(PErr::diag(
                    r,
                    Diagnostic::new(
                        Kind::SyntaxError,
                        span,
                        "`expect conflict` needs at least two parties",
                    )
                    .with_span_label("only one party named")
                    .with_help(
                        "a conflict is between parties: `expect conflict a, b`; \
                         use `expect consistent a` to check one party",
                    ),
                ));
            }
            let kind = if form.kind == K::Conflict {
                ExpectKind::Conflict(ps)
            } else {
                ExpectKind::Consistent(ps)
            };
            (r, (kind, hi))
        }
        K::Feasible | K::Infeasible => {
            let (r, (scenario, for_)) = (
                need_name("a scenario name", Some(form), ident),
                opt(|i| {
                    let (i, t) = tok(K::For)(i)?;
                    parties(t)(i)
                }),
            )
                .parse(i)?;
            let hi = for_
                .as_ref()
                .and_then(|ps| ps.last())
                .map_or(scenario.span.end, |p| p.span.end);
            let kind = if form.kind == K::Feasible {
                ExpectKind::Feasible {
                    scenario,
                    parties: for_,
                }
            } else {
                ExpectKind::Infeasible {
                    scenario,
                    parties: for_,
                }
            };
            (r, (kind, hi))
        }
        _ => {
            let (r, f) = need_name("a formula", Some(form), formula)(i)?;
            (r, (ExpectKind::Impossible(f.f), f.hi))
        }
    };
    if i.kind() == K::Ident && matches!(form.kind, K::Consistent | K::Conflict) {
        return Err(PErr::diag(i, missing_comma(i)));
    }
    if i.kind() == K::Ident
        && i.prev().is_some_and(|p| p.kind == K::Ident)
        && let ExpectKind::Feasible {
            parties: Some(_), ..
        }
        | ExpectKind::Infeasible {
            parties: Some(_), ..
        } = kind
    {
        return Err(PErr::diag(i, missing_comma(i)));
    }
    let (i, at) = as_of(i)?;
    let hi = at.as_ref().map_or(hi, |d| d.span.end);
    let (i, _) = header_end(i, false)?;
    Ok((
        i,
        Item::Expect(Expect {
            kind,
            as_of: at,
            span: i.span(kw.start, hi),
        }),
    ))
}

/// `reversal` after `expect`: a contextual word, not a keyword (a topic
/// may still be called `reversal`).
fn reversal_word(i: Toks<'_>) -> R<'_, Token> {
    let t = i.peek();
    if t.kind == K::Ident && i.text(t) == "reversal" {
        Ok(i.bump())
    } else {
        Err(PErr::back(i))
    }
}

/// A party name right after another one.
fn missing_comma(i: Toks<'_>) -> Diagnostic {
    let t = i.peek();
    Diagnostic::new(
        Kind::SyntaxError,
        i.tspan(t),
        format!("expected `,` or end of line, found `{}`", i.text(t)),
    )
    .with_span_label("expected `,`")
    .with_help("separate party names with `,`")
}

/// Which block an item has, for recovery.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Statements,
    Formulas,
}

/// After an error in an item starting at `i`: skips the rest of its line;
/// a block opened on that line is parsed (its errors are reported) and
/// dropped.
fn recover<'a>(i: Toks<'a>, block: BlockKind) -> Toks<'a> {
    let i = i.skip_until(&[K::Newline, K::Semi, K::LBrace, K::RBrace]);
    match i.kind() {
        K::LBrace => {
            let (r, open) = i.bump();
            skip_block(r, open, block)
        }
        // a stray `}` on a broken line belongs to the broken line
        K::RBrace => i.bump().0,
        _ => i,
    }
}

/// After a block's `}`: the line must end; otherwise reports and skips the
/// rest of the line.
fn after_block(i: Toks<'_>) -> Toks<'_> {
    match i.kind() {
        K::Newline | K::Semi | K::Eof => i,
        _ => {
            i.report(PErr {
                rem: i.toks.len(),
                why: super::input::Why::Expected {
                    what: "end of line after `}`",
                    after: None,
                    name: false,
                    open: None,
                },
            });
            recover(i, BlockKind::Statements)
        }
    }
}

fn skip_block<'a>(i: Toks<'a>, open: Token, block: BlockKind) -> Toks<'a> {
    match block {
        BlockKind::Statements => party_body(i, open).0,
        BlockKind::Formulas => scenario_body(i, open).0,
    }
}

/// `party ID ["label"] [{ statements }]`. A broken header keeps the party
/// when its name parsed; the block is parsed either way.
fn party<'a>(i: Toks<'a>, out: &mut Vec<Item>) -> Toks<'a> {
    let start = i;
    let (i, kw) = i.bump();
    let (i, (name, label)) = match name_and_label("a party name", kw)(i) {
        Ok(x) => x,
        Err(e) => {
            report_nom(start, e);
            return recover(i, BlockKind::Statements);
        }
    };
    let hi = label.as_ref().map_or(name.span.end, |l| l.span.end);
    // `as of DATE`: a broken one is reported, and the block is parsed for
    // its errors but dropped (its statements belong to no known date).
    let (i, as_of, broken_date) = match as_of(i) {
        Ok((r, d)) => (r, d, false),
        Err(e) => {
            report_nom(i, e);
            (
                i.skip_until(&[K::Newline, K::Semi, K::LBrace, K::RBrace]),
                None,
                true,
            )
        }
    };
    let hi = as_of.as_ref().map_or(hi, |d| d.span.end);
    let (i, open) = match header_end(i, true) {
        Ok(x) => x,
        Err(e) => {
            report_nom(i, e);
            let r = i.skip_until(&[K::Newline, K::Semi, K::LBrace, K::RBrace]);
            match r.kind() {
                K::LBrace => {
                    let (r, t) = r.bump();
                    (r, Some(t))
                }
                _ => (r, None),
            }
        }
    };
    let (i, statements, span) = match open {
        Some(open) => {
            let (r, s) = party_body(i, open);
            (r, s, i.span(kw.start, open.end))
        }
        None => (i, Vec::new(), i.span(kw.start, hi)),
    };
    if broken_date {
        return i;
    }
    out.push(Item::Party {
        name,
        label,
        as_of,
        statements,
        span,
    });
    i
}

/// `as of DATE` after a party's name and label, if there.
fn as_of(i: Toks<'_>) -> R<'_, Option<Box<DateLit>>> {
    let Ok((i, kw)) = tok(K::As)(i) else {
        return Ok((i, None));
    };
    let (i, of) = need("`of`", Some(kw), tok(K::Of))(i)?;
    let (r, t) = need("a date (YYYY-MM-DD)", Some(of), tok(K::Date))(i)?;
    let text = i.text(t);
    match crate::date::Date::parse(text) {
        Ok(date) => Ok((
            r,
            Some(Box::new(DateLit {
                date,
                span: i.tspan(t),
            })),
        )),
        Err(why) => {
            let shape = why == crate::date::DateError::Shape;
            let d = Diagnostic::new(
                Kind::SyntaxError,
                i.tspan(t),
                format!("`{text}` is not a date"),
            )
            .with_span_label(if shape {
                "expected YYYY-MM-DD".to_owned()
            } else {
                why.to_string()
            })
            .with_help(if shape {
                "write the date as four, two and two digits: `2025-02-26`"
            } else {
                "write a real calendar date"
            });
            Err(PErr::diag(i, d))
        }
    }
}

/// `scenario ID ["label"] { FORMULA, … }`. Formulas without braces on
/// the header line are an error but still make the scenario
/// (`formulas_without_braces`); with nothing or anything else there is no
/// scenario (an error); with a broken header the block is still parsed.
fn scenario<'a>(i: Toks<'a>, out: &mut Vec<Item>) -> Toks<'a> {
    let start = i;
    let (i, kw) = i.bump();
    let (i, (name, label)) = match name_and_label("a scenario name", kw)(i) {
        Ok(x) => x,
        Err(e) => {
            report_nom(start, e);
            return recover(i, BlockKind::Formulas);
        }
    };
    let hi = label.as_ref().map_or(name.span.end, |l| l.span.end);
    if let Some((r, formulas)) = formulas_without_braces(i) {
        out.push(Item::Scenario {
            name,
            label,
            formulas,
            span: i.span(kw.start, hi),
        });
        return r;
    }
    if i.kind() != K::LBrace {
        let t = i.peek();
        let mut d = Diagnostic::new(
            Kind::SyntaxError,
            if matches!(t.kind, K::Newline | K::Eof) {
                i.span(kw.start, hi)
            } else {
                i.tspan(t)
            },
            format!(
                "expected `{{` after the scenario header, found {}",
                describe(t, i.text(t))
            ),
        )
        .with_span_label("expected `{`");
        if matches!(t.kind, K::Newline | K::Eof) {
            d = d.with_help(format!(
                "a scenario lists its formulas in a block on the same line: \
                 `scenario {} {{ … }}`",
                name.name
            ));
        }
        i.report(PErr {
            rem: i.toks.len(),
            why: super::input::Why::Diag(Box::new(d)),
        });
        return recover(i, BlockKind::Formulas);
    }
    let (i, open) = i.bump();
    let (i, formulas) = scenario_body(i, open);
    out.push(Item::Scenario {
        name,
        label,
        formulas,
        span: i.span(kw.start, hi),
    });
    i
}

/// `scenario s deal`, `scenario s a, b` (or `… a, b }`): formulas
/// where the block should be, up to the end of the line. Reports one
/// error, with the block to write, and returns the formulas, so that the
/// scenario is declared as meant and the expectations that name it
/// resolve. `None` (nothing reported) when the rest of the line is not a
/// list of formulas.
fn formulas_without_braces(i: Toks<'_>) -> Option<(Toks<'_>, Vec<Formula>)> {
    if !matches!(i.kind(), K::Ident | K::LParen | K::Not | K::Bang) {
        return None;
    }
    let first = i.peek();
    let mut formulas = Vec::new();
    let mut r = i;
    let mut hi;
    loop {
        let (rest, f) = formula(r).ok()?;
        hi = f.hi;
        formulas.push(f.f);
        r = rest;
        match r.kind() {
            K::Comma => r = r.bump().0,
            K::Newline | K::Semi | K::Eof | K::RBrace => break,
            _ => return None,
        }
        if matches!(r.kind(), K::Newline | K::Semi | K::Eof | K::RBrace) {
            // a trailing comma
            break;
        }
    }
    let written = i.cx.text.get(first.start as usize..hi as usize)?;
    let block = if written.len() <= 60 && !written.contains(['\n', '\r', '#', '`']) {
        format!("{{ {written} }}")
    } else {
        "{ … }".to_owned()
    };
    let d = Diagnostic::new(
        Kind::SyntaxError,
        i.tspan(first),
        format!(
            "expected `{{` after the scenario header, found {}",
            describe(first, i.text(first))
        ),
    )
    .with_span_label("expected `{`")
    .with_help(format!("a scenario's formulas go in braces: `{block}`"));
    i.report(PErr {
        rem: i.toks.len(),
        why: super::input::Why::Diag(Box::new(d)),
    });
    if r.kind() == K::RBrace {
        r = after_block(r.bump().0);
    }
    Some((r, formulas))
}

/// The error for a top-level line that does not start an item.
fn bad_item_start(i: Toks<'_>) -> PErr {
    let t = i.peek();
    let text = i.text(t);
    let mut d = Diagnostic::new(
        Kind::SyntaxError,
        i.tspan(t),
        format!("expected an item, found {}", describe(t, text)),
    )
    .with_span_label("expected an item");
    if t.kind.is_statement_keyword() || (t.kind == K::Ident && i.peek2().kind == K::Colon) {
        d = d
            .with_span_label("statements belong in a party block")
            .with_help("write it inside `party NAME { … }`");
    } else if t.kind == K::LBrace {
        d = d
            .with_span_label("a block must start on its header's line")
            .with_help("move `{` to the end of the line above");
    } else if t.kind == K::RBrace {
        d = d.with_span_label("no block is open here");
    } else {
        if t.kind == K::Ident {
            if let Some(s) = did_you_mean(text, ITEM_KEYWORDS) {
                d = d
                    .with_help(format!("did you mean `{s}`?"))
                    .with_fix(Fix::one(
                        format!("replace `{text}` with `{s}`"),
                        true,
                        i.tspan(t),
                        s,
                    ));
            }
        } else if t.kind == K::BadWord {
            d = d.with_help(bad_word_help(text));
        }
        d = d.with_help(
            "an item starts with `include`, `party`, `topic`, `assume`, `scenario` or `expect`",
        );
    }
    PErr {
        rem: i.toks.len(),
        why: super::input::Why::Diag(Box::new(d)),
    }
}

/// The whole file: items in order, recovering at line ends.
pub(crate) fn file(mut i: Toks<'_>) -> Vec<Item> {
    // room for one item per item keyword: exact for a valid file, and the
    // item vector of a big file is never regrown (nor half empty)
    let keywords = i.toks.iter().filter(|t| t.kind.is_item_keyword()).count();
    let mut items = Vec::with_capacity(keywords);
    loop {
        i = i.skip_separators();
        let simple: fn(Toks<'_>) -> R<'_, Item> = match i.kind() {
            K::Eof => return items,
            K::Party => {
                i = party(i, &mut items);
                continue;
            }
            K::Scenario => {
                i = scenario(i, &mut items);
                continue;
            }
            K::Include => include,
            K::Topic => topic,
            K::Assume => assume,
            K::Expect => expect,
            K::LBrace => {
                // a block on its own line: report once, parse and drop it
                i.report(bad_item_start(i));
                let (r, open) = i.bump();
                i = skip_block(r, open, BlockKind::Statements);
                continue;
            }
            K::RBrace => {
                i.report(bad_item_start(i));
                i = i.bump().0;
                continue;
            }
            _ => {
                i.report(bad_item_start(i));
                i = recover(i, BlockKind::Statements);
                continue;
            }
        };
        match simple(i) {
            Ok((r, item)) => {
                items.push(item);
                i = r;
            }
            Err(e) => {
                report_nom(i, e);
                i = recover(i, BlockKind::Statements);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use std::cell::RefCell;

    /// `formula` (with its shortcut for two atoms) and the precedence loop
    /// alone give the same node, spans and rest on `text`.
    fn same_as_the_loop(text: &str) {
        let lexed = crate::syntax::lexer::lex(FileId(0), text);
        let cx = super::super::input::Cx {
            text,
            file: FileId(0),
            all: &lexed.tokens,
            errors: RefCell::new(Vec::new()),
            frames: RefCell::new(Vec::new()),
        };
        let i = Toks {
            toks: &lexed.tokens,
            cx: &cx,
        };
        fn rest(r: R<'_, F>) -> Option<(usize, Formula, u32, u32)> {
            r.ok().map(|(r, f)| (r.toks.len(), f.f, f.lo, f.hi))
        }
        let (fast, slow) = (rest(formula(i)), rest(precedence(i, None)));
        assert_eq!(fast, slow, "{text:?}");
    }

    #[test]
    fn two_atoms_parse_as_the_loop_parses_them() {
        let ops = ["and", "&", "or", "|", "->", "<->"];
        let atoms = ["a", "b@p", "long_topic_name_x"];
        for op in ops {
            for a in atoms {
                for b in atoms {
                    for tail in [
                        "", "\n", " )", " when c", " \"q\"", ";", " and c", " -> c", " <-> c",
                        " or c",
                    ] {
                        same_as_the_loop(&format!("{a} {op} {b}{tail}"));
                    }
                    for broken in [" @", "@", " @ \n"] {
                        same_as_the_loop(&format!("{a} {op} {b}{broken}"));
                    }
                }
            }
        }
    }
}
