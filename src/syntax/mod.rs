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
//! Recovery, in short: a broken statement or item loses its line only. A
//! `party` header broken after its name still declares the party with the
//! valid statements of its block; a `scenario` without a block is an error
//! and declares nothing. Inside a block, a line starting with an item
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
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let lexed = lexer::lex(file, text);
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
    let mut errors = cx.errors.into_inner();
    errors.sort_by_key(|d| (d.span.start, d.span.end));
    (ast::File { items }, errors)
}
