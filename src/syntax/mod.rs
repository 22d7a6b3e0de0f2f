//! The parser: text of one file → [`crate::ast::File`] plus every syntax error.
//!
//! Two stages, both linear in the size of the text:
//!
//! - `lexer` turns the text into a flat token stream, once. Line breaks
//!   are tokens (statements are line-oriented), except inside parentheses.
//!   It reports errors inside strings (unterminated string, unknown escape);
//!   anything else it cannot classify (`2x`, `café`, `$`) becomes a token
//!   that the parser reports in context.
//! - `parser` runs nom combinators over that token stream (the token slice
//!   implements nom's `Input` trait, the error type implements
//!   `ParseError`). Items, statements, `expect` forms and atoms are nom
//!   parsers that commit (`cut`) after their keyword or operator, so an
//!   error says what was expected at that point. Formulas are parsed by an
//!   operator-precedence loop with an explicit stack (a nom parser itself,
//!   using nom parsers for atoms): nesting never grows the call stack. The
//!   loops over a file's items and a block's statements catch each failure,
//!   record it and resume at the next line (or `;`, or the block's `}`):
//!   every syntax error of a file is reported, and everything around a
//!   broken line is still in the tree.
//!
//! Conventions of the tree built here:
//!
//! - `and`/`or` chains are n-ary: `a and b and c` is one `And` of three
//!   operands. A parenthesised operand stays a separate node:
//!   `(a and b) and c` is `And[And[a, b], c]`, as written.
//! - `->` is right associative: `a -> b -> c` is `a -> (b -> c)`.
//!   `a <-> b <-> c` is an error (`<->` is not associative).
//! - Parentheses leave no node; a formula's span is the formula without
//!   its outer parentheses, an operator node spans its operands including
//!   their parentheses (`(a or b) and c` spans all of it).
//! - `Item::Party::span` is the header: from `party` to the label (or the
//!   name), or to the opening `{` when there is a block.
//!   `Item::Scenario::span` is from `scenario` to its label (or name).
//!   `Include`, `Topic`, `Assume` and `Expect` span the whole item
//!   (`Assume`: keyword to quote).
//! - `Statement::span` runs from the label (or keyword) to the quote (or
//!   the end of the formula); `body_span` from the keyword to the end of the
//!   formula or `when` condition.
//! - Nesting is limited to [`MAX_DEPTH`] levels of parentheses, `not` and
//!   chained `->` together; deeper formulas are a "formula is nested too
//!   deeply" error. The limit protects the recursive consumers of the tree
//!   (resolution, clause generation, `Drop`); the parser itself would cope.
//! - Diagnostics are sorted by position. An error at the end of a line
//!   (`requires a and`) points at the last token of the line.
//!
//! Big files (from 1 MiB) are cut into pieces of about 64 KB at lines
//! that start with an item keyword, and the pieces are lexed and parsed on
//! one thread per available core, each thread taking consecutive pieces;
//! the items, put together, are those of a parse in one piece (see
//! `parse_pieces` for why). When a piece has an error, the file is parsed
//! again in one piece, so errors never depend on the cuts. Threads are
//! started only through `crate::parallel`, which also decides when a file
//! is big enough to be cut and into how many shares.
//!
//! Recovery, in short: a broken statement or item loses its line only. A
//! `party` header broken after its name still declares the party with the
//! valid statements of its block; a `scenario` whose formulas are written
//! without braces (`scenario s deal`) is one error and still declares the
//! scenario with them, so expectations that name it resolve; a `scenario`
//! with nothing or anything else after its header is an error and
//! declares nothing. Common habits from other languages get a help line
//! that says what to write: `&&`/`||`, a label without its colon, single
//! or typographic quotes, a duty given a formula. Inside a block, a line starting with an item
//! keyword (`party`, `topic`, …) ends the block with a "never closed" error
//! at its `{`. Inside parentheses, a line starting with a statement or item
//! keyword, `}` or `label:` ends the statement, so a forgotten `)` costs one
//! line and one error.
//!
//! Throughput (release build, `cargo test --release --lib
//! syntax::tests::throughput -- --ignored --nocapture`, on the 2-core
//! build machine): lexing about 600 MB/s; lexing and parsing about 65 MB/s
//! on a 33 MB file and 85 MB/s on 1 MB files (measured before the compact
//! tree; see docs/performance.md for the current parse + resolve figures).
//! Most of the time goes to building the tree and to the page faults its
//! memory causes. The tree is kept compact: names need no allocation up to
//! 14 bytes ([`ast::Name`]), rare parts are boxed, vectors are sized
//! before they are filled.

mod input;
mod lexer;
pub use lexer::KEYWORDS;
mod parser;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::cell::RefCell;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// The deepest formula nesting accepted (parentheses, `not` and `->`
/// count one level each).
pub const MAX_DEPTH: u32 = 256;

/// Parses one file. Never fails: returns the items it could parse and one
/// diagnostic per syntax error, sorted by position.
///
/// A big file (from 1 MiB, `crate::parallel::in_pieces`) is cut into
/// pieces at lines that start with an item keyword, and the pieces are
/// parsed on one thread per available core (see `parse_pieces`). The
/// result is the same as a parse in one piece, whatever the number of
/// threads.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if crate::parallel::in_pieces(text.len()) {
        let threads = crate::parallel::threads_for(text.len());
        let cuts = cut_points(text, text.len().div_ceil(PIECE_BYTES).max(threads));
        if let Some(items) = parse_pieces(file, text, &cuts, threads) {
            return (ast::File { items }, Vec::new());
        }
    }
    let (items, mut errors) = parse_piece(file, text, 0);
    errors.sort_by_key(|d| (d.span.start, d.span.end));
    (ast::File { items }, errors)
}

/// The size of the pieces of a big file (about): each thread parses
/// several, one after the other, so that a piece's tokens stay in the
/// cache while it is parsed.
const PIECE_BYTES: usize = 64 << 10;

/// Lexes and parses `text` from byte `start`, a line start, to its end.
fn parse_piece(file: FileId, text: &str, start: usize) -> (Vec<ast::Item>, Vec<Diagnostic>) {
    let lexed = lexer::lex_from(file, text, start);
    let cx = input::Cx {
        text,
        file,
        all: &lexed.tokens,
        errors: RefCell::new(lexed.errors),
        frames: RefCell::new(Vec::new()),
    };
    let items = parser::file(input::Toks {
        toks: &lexed.tokens,
        cx: &cx,
    });
    (items, cx.errors.into_inner())
}

/// Whether the line starting at byte `at` starts with an item keyword (as
/// the lexer reads one) followed by a space or a tab.
fn item_line(text: &str, at: usize) -> bool {
    let rest = text.as_bytes().get(at..).unwrap_or_default();
    // keywords are short: look no further than this for the space
    let Some(end) = rest
        .iter()
        .take(16)
        .position(|&b| matches!(b, b' ' | b'\t'))
    else {
        return false;
    };
    std::str::from_utf8(rest.get(..end).unwrap_or_default())
        .ok()
        .and_then(lexer::keyword)
        .is_some_and(lexer::K::is_item_keyword)
}

/// Up to `pieces - 1` increasing cut points that share `text` out about
/// equally: each the start of a line that starts with an item keyword.
fn cut_points(text: &str, pieces: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut cuts: Vec<usize> = Vec::new();
    for k in 1..pieces {
        let mut at = (text.len() / pieces * k).max(cuts.last().map_or(0, |c| c + 1));
        let cut = loop {
            let Some(nl) = b.get(at..).and_then(|r| r.iter().position(|&c| c == b'\n')) else {
                break None;
            };
            at += nl + 1;
            if item_line(text, at) {
                break Some(at);
            }
        };
        match cut {
            Some(c) => cuts.push(c),
            None => break,
        }
    }
    cuts
}

/// Parses the pieces of `text` between the cut points (increasing starts
/// of item lines) on `threads` threads, each taking consecutive pieces in
/// order. `None` when there are no cuts or when a piece has an error: the
/// caller then parses the whole text in one piece, so errors are always
/// reported as a parse in one piece reports them.
///
/// Why the pieces' items, put together, are the items of the whole text
/// when no piece has an error: a cut starts a line that starts with an
/// item keyword. In a parse in one piece, such a line ends any open block
/// (with a "never closed" error) and any statement, parenthesised or not
/// (inside parentheses with an error), and strings and comments end at
/// line ends. A piece that ends inside a block or a statement has the
/// same error at its end. So without errors, every cut falls between two
/// items of the whole text, where neither the lexer nor the parser holds
/// any state, and a piece parsed from its cut is parsed as the whole text
/// is from there. `tests::pieces_parse_as_the_whole` and a property test
/// check it.
pub(crate) fn parse_pieces(
    file: FileId,
    text: &str,
    cuts: &[usize],
    threads: usize,
) -> Option<Vec<ast::Item>> {
    if cuts.is_empty() {
        return None;
    }
    // (start, end) of each piece
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(text.len()));
    let ranges: Vec<(usize, usize)> = starts.zip(ends).collect();
    // thread k takes the pieces `k * n / threads ..`
    let threads = threads.clamp(1, ranges.len());
    let share = |k: usize| -> Option<Vec<Vec<ast::Item>>> {
        let mine = ranges.get(k * ranges.len() / threads..(k + 1) * ranges.len() / threads)?;
        let mut items = Vec::with_capacity(mine.len());
        for &(from, to) in mine {
            let (piece, errors) = parse_piece(file, text.get(..to)?, from);
            if !errors.is_empty() {
                return None;
            }
            items.push(piece);
        }
        Some(items)
    };
    // a share with an error, or whose thread panicked (parsed again in
    // the whole text, where the panic shows), gives `None`
    let shares: Vec<Vec<Vec<ast::Item>>> = crate::parallel::in_order(threads, share)
        .into_iter()
        .map(Option::flatten)
        .collect::<Option<_>>()?;
    let count = shares.iter().flatten().map(Vec::len).sum();
    let mut items = Vec::with_capacity(count);
    for mut piece in shares.into_iter().flatten() {
        items.append(&mut piece);
    }
    Some(items)
}

/// [`parse_pieces`], checking that one to three threads give the same
/// items.
#[cfg(test)]
pub(crate) fn pieces_of(file: FileId, text: &str, cuts: &[usize]) -> Option<Vec<ast::Item>> {
    let out: Vec<_> = (1..=3)
        .map(|threads| parse_pieces(file, text, cuts, threads))
        .collect();
    assert!(out.windows(2).all(|w| w[0] == w[1]));
    out.into_iter().next().flatten()
}
