//! The token input that nom parses, the parser's error type, and the
//! primitive token parsers.
//!
//! [`Toks`] is a slice of the file's token stream plus a shared context
//! ([`Cx`]: text, file id, the whole token stream, collected errors, the
//! formula parser's scratch stack); formula nesting depth is counted by
//! the formula parser, not carried here. It implements nom's [`Input`] trait, so the ordinary combinators (`alt`,
//! `opt`, `cut`, `fold_many0`, `separated_list1`, …) run over tokens.
//!
//! [`PErr`] is cheap when it only means "this alternative did not match"
//! (`alt` and `opt` create many of those); an error that will be shown to
//! the user carries what was expected, or a ready diagnostic.

use std::cell::RefCell;
use std::iter::{Copied, Enumerate};
use std::slice::Iter;

use nom::combinator::cut;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input, Needed, Parser};

use super::lexer::{K, Token};
use crate::ast::{Ident, Name, Str};
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::{FileId, Span};

/// What every parser of a file shares.
pub(crate) struct Cx<'a> {
    /// The file's text.
    pub text: &'a str,
    /// Its id, for spans.
    pub file: FileId,
    /// The whole token stream (to find the token before an error).
    pub all: &'a [Token],
    /// Errors reported so far (lexer and recovered parser errors).
    pub errors: RefCell<Vec<Diagnostic>>,
    /// Scratch stack of the formula parser, reused between formulas.
    pub frames: RefCell<Vec<super::parser::Frame>>,
}

/// Parser input: the remaining tokens.
#[derive(Clone, Copy)]
pub(crate) struct Toks<'a> {
    /// Remaining tokens; the last one is always `Eof` and never consumed.
    pub toks: &'a [Token],
    /// Shared context.
    pub cx: &'a Cx<'a>,
}

/// Result of a parser over tokens.
pub(crate) type R<'a, O> = IResult<Toks<'a>, O, PErr>;

impl<'a> Toks<'a> {
    /// The next token (`Eof` at the end).
    pub fn peek(&self) -> Token {
        self.toks.first().copied().unwrap_or_else(|| self.eof())
    }

    /// The token after the next one.
    pub fn peek2(&self) -> Token {
        self.toks.get(1).copied().unwrap_or_else(|| self.eof())
    }

    fn eof(&self) -> Token {
        let end = u32::try_from(self.cx.text.len()).unwrap_or(u32::MAX);
        Token {
            kind: K::Eof,
            start: end,
            end,
        }
    }

    /// The token before the next one, if any.
    pub fn prev(&self) -> Option<Token> {
        let idx = self.cx.all.len().checked_sub(self.toks.len())?;
        self.cx.all.get(idx.checked_sub(1)?).copied()
    }

    /// The kind of the next token.
    pub fn kind(&self) -> K {
        self.toks.first().map_or(K::Eof, |t| t.kind)
    }

    /// Consumes the next token (never the final `Eof`).
    pub fn bump(self) -> (Toks<'a>, Token) {
        let t = self.peek();
        if t.kind == K::Eof {
            return (self, t);
        }
        (self.take_from(1), t)
    }

    /// The text of a token.
    pub fn text(&self, t: Token) -> &'a str {
        self.cx
            .text
            .get(t.start as usize..t.end as usize)
            .unwrap_or_default()
    }

    /// A span in this file.
    pub fn span(&self, start: u32, end: u32) -> Span {
        Span::new(self.cx.file, start as usize, end as usize)
    }

    /// The span of a token.
    pub fn tspan(&self, t: Token) -> Span {
        self.span(t.start, t.end)
    }

    /// An identifier node from an `Ident` token.
    pub fn ident(&self, t: Token) -> Ident {
        Ident {
            name: Name::from(self.text(t)),
            span: self.tspan(t),
        }
    }

    /// A string node from a string token.
    pub fn string(&self, t: Token) -> Str {
        Str {
            value: super::lexer::unescape(self.text(t)),
            span: self.tspan(t),
        }
    }

    /// Records an error that has been recovered from.
    pub fn report(&self, e: PErr) {
        let d = e.into_diagnostic(self.cx);
        self.cx.errors.borrow_mut().push(d);
    }

    /// Skips tokens until one of `stop` (not consumed) or `Eof`.
    pub fn skip_until(self, stop: &[K]) -> Toks<'a> {
        let n = self
            .toks
            .iter()
            .position(|t| t.kind == K::Eof || stop.contains(&t.kind))
            .unwrap_or(self.toks.len());
        self.take_from(n)
    }

    /// Skips `Newline` and `;` tokens.
    pub fn skip_separators(self) -> Toks<'a> {
        let n = self
            .toks
            .iter()
            .position(|t| !matches!(t.kind, K::Newline | K::Semi))
            .unwrap_or(self.toks.len());
        self.take_from(n)
    }
}

impl<'a> Input for Toks<'a> {
    type Item = Token;
    type Iter = Copied<Iter<'a, Token>>;
    type IterIndices = Enumerate<Self::Iter>;

    fn input_len(&self) -> usize {
        self.toks.len()
    }

    fn take(&self, index: usize) -> Self {
        Toks {
            toks: self.toks.get(..index).unwrap_or(self.toks),
            ..*self
        }
    }

    fn take_from(&self, index: usize) -> Self {
        Toks {
            toks: self.toks.get(index..).unwrap_or_default(),
            ..*self
        }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.toks.iter().position(|t| predicate(*t))
    }

    fn iter_elements(&self) -> Self::Iter {
        self.toks.iter().copied()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.toks.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.toks.len()))
        }
    }
}

/// What went wrong.
#[derive(Debug)]
pub(crate) enum Why {
    /// An alternative did not match (not shown to users as such).
    Backtrack,
    /// Something specific was expected at this position.
    Expected {
        /// What, e.g. "a formula".
        what: &'static str,
        /// The token it should have followed (for "after `requires`").
        after: Option<Token>,
        /// Whether an identifier would have fitted (adds help when a
        /// keyword or an invalid identifier was found).
        name: bool,
        /// An opening bracket that is still unclosed.
        open: Option<Token>,
    },
    /// A ready diagnostic.
    Diag(Box<Diagnostic>),
}

/// The parser's error: a position (tokens remaining) and what went wrong.
#[derive(Debug)]
pub(crate) struct PErr {
    /// Number of tokens remaining at the error, to find its token.
    pub rem: usize,
    /// What went wrong.
    pub why: Why,
}

impl<'a> ParseError<Toks<'a>> for PErr {
    fn from_error_kind(input: Toks<'a>, _kind: ErrorKind) -> Self {
        PErr {
            rem: input.toks.len(),
            why: Why::Backtrack,
        }
    }

    fn append(_input: Toks<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // keep the more informative error, else the one that got further
        match (&self.why, &other.why) {
            (Why::Backtrack, Why::Backtrack) => {
                if self.rem <= other.rem {
                    self
                } else {
                    other
                }
            }
            (Why::Backtrack, _) => other,
            _ => self,
        }
    }
}

impl PErr {
    /// "did not match" at `i`.
    pub fn back(i: Toks<'_>) -> nom::Err<PErr> {
        nom::Err::Error(PErr {
            rem: i.toks.len(),
            why: Why::Backtrack,
        })
    }

    /// A failure: `what` was expected at `i`.
    pub fn expected(i: Toks<'_>, what: &'static str, after: Option<Token>) -> nom::Err<PErr> {
        nom::Err::Failure(PErr {
            rem: i.toks.len(),
            why: Why::Expected {
                what,
                after,
                name: false,
                open: None,
            },
        })
    }

    /// A failure: a name (or formula) was expected at `i`.
    pub fn expected_name(i: Toks<'_>, what: &'static str, after: Option<Token>) -> nom::Err<PErr> {
        nom::Err::Failure(PErr {
            rem: i.toks.len(),
            why: Why::Expected {
                what,
                after,
                name: true,
                open: None,
            },
        })
    }

    /// A failure: a closing bracket for `open` was expected at `i`.
    pub fn unclosed(i: Toks<'_>, what: &'static str, open: Token) -> nom::Err<PErr> {
        nom::Err::Failure(PErr {
            rem: i.toks.len(),
            why: Why::Expected {
                what,
                after: None,
                name: false,
                open: Some(open),
            },
        })
    }

    /// A failure with a ready diagnostic.
    pub fn diag(i: Toks<'_>, d: Diagnostic) -> nom::Err<PErr> {
        nom::Err::Failure(PErr {
            rem: i.toks.len(),
            why: Why::Diag(Box::new(d)),
        })
    }

    /// Turns the error into a user-facing diagnostic.
    pub fn into_diagnostic(self, cx: &Cx<'_>) -> Diagnostic {
        let idx = cx.all.len().saturating_sub(self.rem);
        let eof = || {
            let end = u32::try_from(cx.text.len()).unwrap_or(u32::MAX);
            Token {
                kind: K::Eof,
                start: end,
                end,
            }
        };
        let found = cx.all.get(idx).copied().unwrap_or_else(eof);
        let prev = idx.checked_sub(1).and_then(|p| cx.all.get(p)).copied();
        let text = |t: Token| {
            cx.text
                .get(t.start as usize..t.end as usize)
                .unwrap_or_default()
        };
        let span = |t: Token| Span::new(cx.file, t.start as usize, t.end as usize);
        match self.why {
            Why::Diag(d) => *d,
            Why::Backtrack => Diagnostic::new(
                Kind::SyntaxError,
                span(found),
                format!("unexpected {}", describe(found, text(found))),
            ),
            Why::Expected {
                what,
                after,
                name,
                open,
            } => {
                let found_text = text(found);
                let message = if name && found.kind == K::BadWord {
                    format!("expected an identifier, found `{found_text}`")
                } else {
                    match after {
                        Some(a) => format!(
                            "expected {what} after `{}`, found {}",
                            text(a),
                            describe(found, found_text)
                        ),
                        None => format!("expected {what}, found {}", describe(found, found_text)),
                    }
                };
                // at the end of a line, point at what came last
                let at_end = matches!(found.kind, K::Newline | K::Eof);
                let mut d = match prev {
                    Some(p) if at_end => Diagnostic::new(Kind::SyntaxError, span(p), message)
                        .with_span_label(format!("expected {what} after this")),
                    _ => Diagnostic::new(Kind::SyntaxError, span(found), message)
                        .with_span_label(format!("expected {what}")),
                };
                if let Some(o) = open {
                    d = d.with_label(span(o), format!("`{}` opened here", text(o)));
                }
                if let Some(h) = unknown_help(found, found_text, rest_of_line(cx.text, found)) {
                    d = d.with_help(h);
                }
                if name && found.kind == K::BadWord {
                    d = d.with_help(bad_word_help(found_text));
                } else if name
                    && found.kind.is_keyword()
                    && !(is_operator_keyword(found.kind)
                        && matches!(what, "a formula" | "a condition"))
                {
                    d = d.with_help(format!(
                        "`{found_text}` is a reserved keyword and cannot be used as a name"
                    ));
                }
                d
            }
        }
    }
}

/// Help when an unknown character looks like a misspelt operator.
pub(crate) fn operator_help(t: Token, text: &str) -> Option<&'static str> {
    (t.kind == K::Unknown && text.starts_with(['-', '<', '=', '>', '~', '^']))
        .then_some("the operators are `not`, `and`, `or`, `->` and `<->` (or `!`, `&`, `|`)")
}

/// Help for a token the lexer could not classify (`K::Unknown`): a
/// misspelt operator, or a string in the wrong quotes. `rest`: the text
/// after the token on its line.
pub(crate) fn unknown_help(t: Token, text: &str, rest: &str) -> Option<String> {
    if t.kind != K::Unknown {
        return None;
    }
    operator_help(t, text)
        .map(str::to_owned)
        .or_else(|| quote_help(text, rest))
}

/// The text after token `t` up to the end of its line.
pub(crate) fn rest_of_line(text: &str, t: Token) -> &str {
    let rest = text.get(t.end as usize..).unwrap_or_default();
    rest.split('\n').next().unwrap_or_default()
}

/// Help for a string opened with `open`, a quote that is not `"`: the
/// string as it should be written, when it closes on its line and is
/// short and plain enough to show.
fn quote_help(open: &str, rest: &str) -> Option<String> {
    let close = match open {
        "'" => '\'',
        "\u{2018}" | "\u{2019}" => '\u{2019}',
        "\u{201c}" | "\u{201d}" => '\u{201d}',
        _ => return None,
    };
    let inner = rest
        .find(close)
        .and_then(|end| rest.get(..end))
        .filter(|s| {
            s.chars().count() <= 60
                && !s.contains(['"', '\\', '`'])
                && !s.chars().any(char::is_control)
        });
    Some(match inner {
        Some(s) => format!("strings use double quotes: `\"{s}\"`"),
        None => "strings use double quotes: `\"…\"`".to_owned(),
    })
}

fn is_operator_keyword(k: K) -> bool {
    matches!(k, K::Not | K::And | K::Or | K::When | K::Without)
}

/// Help for an invalid identifier.
pub(crate) fn bad_word_help(word: &str) -> &'static str {
    if word.starts_with(|c: char| c.is_ascii_digit()) {
        "identifiers start with an ASCII letter or `_`"
    } else {
        "identifiers may only contain ASCII letters, digits and `_`; \
         put other text in a label string"
    }
}

/// How a found token is named in messages.
pub(crate) fn describe(t: Token, text: &str) -> String {
    match t.kind {
        K::Newline => "end of line".to_owned(),
        K::Eof => "end of file".to_owned(),
        K::Str | K::StrOpen => "a string".to_owned(),
        // escaped for display, but quotes as they are (`'`, not `\'`)
        K::Unknown => {
            let shown: String = text
                .chars()
                .map(|c| match c {
                    '\'' | '"' => c.to_string(),
                    c => c.escape_debug().to_string(),
                })
                .collect();
            format!("`{shown}`")
        }
        k if k.is_keyword() => format!("keyword `{text}`"),
        _ => format!("`{text}`"),
    }
}

/// Matches one token of kind `k`.
pub(crate) fn tok<'a>(k: K) -> impl FnMut(Toks<'a>) -> R<'a, Token> {
    move |i: Toks<'a>| {
        if i.kind() == k {
            Ok(i.bump())
        } else {
            Err(PErr::back(i))
        }
    }
}

/// Matches one token of either kind.
pub(crate) fn tok2<'a>(a: K, b: K) -> impl FnMut(Toks<'a>) -> R<'a, Token> {
    move |i: Toks<'a>| {
        let k = i.kind();
        if k == a || k == b {
            Ok(i.bump())
        } else {
            Err(PErr::back(i))
        }
    }
}

/// An identifier.
pub(crate) fn ident(i: Toks<'_>) -> R<'_, Ident> {
    let (r, t) = tok(K::Ident)(i)?;
    Ok((r, i.ident(t)))
}

/// A string literal (terminated or not: an unterminated one is already
/// reported by the lexer).
pub(crate) fn string(i: Toks<'_>) -> R<'_, Str> {
    let (r, t) = tok2(K::Str, K::StrOpen)(i)?;
    Ok((r, i.string(t)))
}

/// `label:` (an identifier followed by a colon).
pub(crate) fn label(i: Toks<'_>) -> R<'_, Ident> {
    if i.kind() == K::Ident && i.peek2().kind == K::Colon {
        let (r, t) = i.bump();
        let (r, _) = r.bump();
        Ok((r, i.ident(t)))
    } else {
        Err(PErr::back(i))
    }
}

/// Runs `p` under nom's `cut`: if it does not match, the parse fails
/// (no other alternative is tried) with "expected `what` after `after`".
pub(crate) fn need<'a, O>(
    what: &'static str,
    after: Option<Token>,
    p: impl nom::Parser<Toks<'a>, Output = O, Error = PErr>,
) -> impl FnMut(Toks<'a>) -> R<'a, O> {
    let mut p = cut(p);
    move |i: Toks<'a>| match p.parse(i) {
        // `cut` turned "did not match" into a failure: say what was expected
        Err(nom::Err::Failure(PErr {
            why: Why::Backtrack,
            ..
        })) => Err(PErr::expected(i, what, after)),
        r => r,
    }
}

/// Like [`need`], for a name or formula (adds help when a keyword or an
/// invalid identifier is found instead).
pub(crate) fn need_name<'a, O>(
    what: &'static str,
    after: Option<Token>,
    p: impl nom::Parser<Toks<'a>, Output = O, Error = PErr>,
) -> impl FnMut(Toks<'a>) -> R<'a, O> {
    let mut p = cut(p);
    move |i: Toks<'a>| match p.parse(i) {
        // `cut` turned "did not match" into a failure: say what was expected
        Err(nom::Err::Failure(PErr {
            why: Why::Backtrack,
            ..
        })) => Err(PErr::expected_name(i, what, after)),
        r => r,
    }
}

/// An operator token followed by an operand that must be there: returns
/// both. After the operator the parse is committed (`cut`).
pub(crate) fn op_then<'a, O>(
    mut op: impl nom::Parser<Toks<'a>, Output = Token, Error = PErr>,
    what: &'static str,
    mut operand: impl FnMut(Toks<'a>) -> R<'a, O>,
) -> impl FnMut(Toks<'a>) -> R<'a, (Token, O)> {
    move |i: Toks<'a>| {
        let (i, t) = op.parse(i)?;
        let (i, o) = need_name(what, Some(t), &mut operand)(i)?;
        Ok((i, (t, o)))
    }
}
