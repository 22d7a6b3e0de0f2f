//! The lexer: the text of one file → a flat token stream, in one pass.
//!
//! Whitespace and comments leave no token. Line breaks become [`K::Newline`]
//! tokens, except inside parentheses, where a line break continues the
//! statement. Runs of blank lines give a single `Newline`. The stream always
//! ends with one [`K::Eof`] token.
//!
//! The lexer reports only errors inside strings (unterminated string,
//! unknown escape). Everything else it cannot classify becomes a
//! [`K::BadWord`] or [`K::Unknown`] token, and the parser reports it in
//! context ("expected a formula after `requires`, found `$`").
//!
//! Recovery for a forgotten `)`: when a line break inside parentheses is
//! followed by a line that cannot continue a formula (it starts with a
//! statement or item keyword, with `}` or with a `label:`), the line break
//! ends the statement after all, so the parser reports the missing `)` on
//! its own line instead of swallowing the rest of the file.

use crate::ast::Name;
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::{FileId, Span};

/// Token kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum K {
    /// `[A-Za-z_][A-Za-z0-9_]*`, not a keyword.
    Ident,
    /// A terminated string literal.
    Str,
    /// A string literal that runs to the end of its line (already reported).
    StrOpen,
    /// A word that is not a valid identifier: starts with a digit or holds
    /// non-ASCII letters (`2x`, `café`).
    BadWord,
    /// Any other character that has no meaning (`$`, `-` alone, …).
    Unknown,
    /// Digits joined by `-` (`2025-02-26`, also `2025-2-3`): a date as
    /// written; the parser checks that it is one.
    Date,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Semi,
    At,
    /// `->`
    Arrow,
    /// `<->`
    DArrow,
    /// `&`
    Amp,
    /// `|`
    Pipe,
    /// `!`
    Bang,
    Newline,
    Eof,
    // keywords
    Party,
    Topic,
    Assume,
    Scenario,
    Expect,
    Include,
    Requires,
    Rejects,
    Prefers,
    Avoids,
    Claims,
    Duty,
    No,
    Without,
    When,
    Not,
    And,
    Or,
    Consistent,
    Conflict,
    Feasible,
    Infeasible,
    Impossible,
    For,
    As,
    Of,
    Weight,
}

impl K {
    /// Whether this kind is a reserved keyword.
    pub(crate) fn is_keyword(self) -> bool {
        self as u8 >= K::Party as u8
    }

    /// Keywords that start a top-level item.
    pub(crate) fn is_item_keyword(self) -> bool {
        matches!(
            self,
            K::Party | K::Topic | K::Assume | K::Scenario | K::Expect | K::Include
        )
    }

    /// Keywords that start a statement inside a party block.
    pub(crate) fn is_statement_keyword(self) -> bool {
        matches!(
            self,
            K::Requires | K::Rejects | K::Prefers | K::Avoids | K::Claims | K::No | K::Duty
        )
    }

    /// Keywords that may appear inside a formula or between its parts.
    fn is_formula_keyword(self) -> bool {
        matches!(self, K::Not | K::And | K::Or | K::Without | K::When)
    }
}

/// The reserved words of the language (LANGUAGE.md §2), in the order the
/// language brief lists them.
pub const KEYWORDS: &[&str] = &[
    "party",
    "topic",
    "assume",
    "scenario",
    "expect",
    "include",
    "requires",
    "rejects",
    "prefers",
    "avoids",
    "claims",
    "duty",
    "no",
    "without",
    "when",
    "not",
    "and",
    "or",
    "consistent",
    "conflict",
    "feasible",
    "infeasible",
    "impossible",
    "for",
    "as",
    "of",
    "weight",
];

/// The keyword spelled `s`, if any.
pub(crate) fn keyword(s: &str) -> Option<K> {
    Some(match s {
        "party" => K::Party,
        "topic" => K::Topic,
        "assume" => K::Assume,
        "scenario" => K::Scenario,
        "expect" => K::Expect,
        "include" => K::Include,
        "requires" => K::Requires,
        "rejects" => K::Rejects,
        "prefers" => K::Prefers,
        "avoids" => K::Avoids,
        "claims" => K::Claims,
        "duty" => K::Duty,
        "no" => K::No,
        "without" => K::Without,
        "when" => K::When,
        "not" => K::Not,
        "and" => K::And,
        "or" => K::Or,
        "consistent" => K::Consistent,
        "conflict" => K::Conflict,
        "feasible" => K::Feasible,
        "infeasible" => K::Infeasible,
        "impossible" => K::Impossible,
        "for" => K::For,
        "as" => K::As,
        "of" => K::Of,
        "weight" => K::Weight,
        _ => return None,
    })
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// What it is.
    pub kind: K,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// The result of lexing a file.
pub(crate) struct Lexed {
    /// The tokens, ending with exactly one `Eof`.
    pub tokens: Vec<Token>,
    /// Errors found inside strings.
    pub errors: Vec<Diagnostic>,
}

fn off(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Lexer<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    tokens: Vec<Token>,
    errors: Vec<Diagnostic>,
}

/// Lexes a whole file.
#[cfg(test)]
pub(crate) fn lex(file: FileId, text: &str) -> Lexed {
    lex_from(file, text, 0)
}

/// Lexes `text` from byte `start` (a line start) to its end, as if the
/// file began there; offsets are `text`'s.
pub(crate) fn lex_from(file: FileId, text: &str, start: usize) -> Lexed {
    let mut lx = Lexer {
        file,
        text,
        bytes: text.as_bytes(),
        pos: start,
        depth: 0,
        // a token every ~5 bytes is typical for rule text
        tokens: Vec::with_capacity(text.len().saturating_sub(start) / 5 + 2),
        errors: Vec::new(),
    };
    lx.run();
    let end = off(text.len());
    lx.tokens.push(Token {
        kind: K::Eof,
        start: end,
        end,
    });
    Lexed {
        tokens: lx.tokens,
        errors: lx.errors,
    }
}

impl Lexer<'_> {
    fn push(&mut self, kind: K, start: usize, end: usize) {
        self.tokens.push(Token {
            kind,
            start: off(start),
            end: off(end),
        });
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Length in bytes of the character at `at` (1 for ASCII or when out of
    /// range).
    fn char_len(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
    }

    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    if self.depth > 0 {
                        // skip blank and comment lines at once (no
                        // rescanning them for every line break)
                        let (next, stop) = self.next_line();
                        self.pos = next;
                        if stop {
                            self.depth = 0;
                        }
                    }
                    if self.depth == 0
                        && self
                            .tokens
                            .last()
                            .is_some_and(|t| !matches!(t.kind, K::Newline | K::Semi))
                    {
                        self.push(K::Newline, start, start + 1);
                    }
                }
                b'#' => self.skip_comment(),
                b'"' => self.string(),
                b'(' => self.punct(K::LParen, 1),
                b')' => self.punct(K::RParen, 1),
                b'{' => self.punct(K::LBrace, 1),
                b'}' => self.punct(K::RBrace, 1),
                b',' => self.punct(K::Comma, 1),
                b':' => self.punct(K::Colon, 1),
                b';' => self.punct(K::Semi, 1),
                b'@' => self.punct(K::At, 1),
                b'&' => self.punct(K::Amp, 1),
                b'|' => self.punct(K::Pipe, 1),
                b'!' => self.punct(K::Bang, 1),
                b'-' if self.bytes.get(start + 1) == Some(&b'>') => self.punct(K::Arrow, 2),
                b'<' if self.bytes.get(start + 1..start + 3) == Some(b"->") => {
                    self.punct(K::DArrow, 3)
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(false),
                b'0'..=b'9' => self.word(true),
                0x80.. => {
                    let c = self.text.get(start..).and_then(|s| s.chars().next());
                    if c.is_some_and(char::is_alphanumeric) {
                        self.word(true);
                    } else {
                        let len = self.char_len(start);
                        self.pos += len;
                        self.push(K::Unknown, start, start + len);
                    }
                }
                _ => {
                    self.pos += 1;
                    self.push(K::Unknown, start, start + 1);
                }
            }
        }
    }

    fn punct(&mut self, kind: K, len: usize) {
        let start = self.pos;
        self.pos += len;
        match kind {
            K::LParen => self.depth = self.depth.saturating_add(1),
            K::RParen => self.depth = self.depth.saturating_sub(1),
            // parentheses never contain braces or `;`: resynchronise
            K::LBrace | K::RBrace | K::Semi => self.depth = 0,
            _ => {}
        }
        self.push(kind, start, start + len);
    }

    fn skip_comment(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }

    /// A word: an identifier, a keyword, or a bad word (`2x`, `café`).
    /// `bad` is set when the word is known to be bad from its first
    /// character.
    fn word(&mut self, mut bad: bool) {
        let start = self.pos;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            self.pos += rest
                .iter()
                .position(|&b| !is_word_byte(b))
                .unwrap_or(rest.len());
            // non-ASCII letters glued to the word make it one bad word
            match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
                Some(c) if !c.is_ascii() && c.is_alphanumeric() => {
                    bad = true;
                    self.pos += c.len_utf8();
                }
                _ => break,
            }
        }
        let digits = |w: &[u8]| !w.is_empty() && w.iter().all(u8::is_ascii_digit);
        let all_digits = digits(self.bytes.get(start..self.pos).unwrap_or_default());
        if all_digits && self.date_tail() {
            self.push(K::Date, start, self.pos);
            return;
        }
        let kind = if bad {
            K::BadWord
        } else {
            let w = self.text.get(start..self.pos).unwrap_or_default();
            keyword(w).unwrap_or(K::Ident)
        };
        self.push(kind, start, self.pos);
    }

    /// After a run of digits: `-` and digits, any number of times, not
    /// glued to a letter (`2025-02-26`); moves past them and says whether
    /// there were any.
    fn date_tail(&mut self) -> bool {
        let mut end = self.pos;
        loop {
            let rest = self.bytes.get(end..).unwrap_or_default();
            let n = rest
                .iter()
                .skip(1)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if rest.first() != Some(&b'-') || n == 0 {
                break;
            }
            end += 1 + n;
        }
        let glued = self
            .text
            .get(end..)
            .and_then(|s| s.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if end == self.pos || glued {
            return false;
        }
        self.pos = end;
        true
    }

    /// A string literal. Reports unknown escapes and a missing closing
    /// quote; always produces a token.
    fn string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos) {
                None | Some(b'\n') => {
                    // do not include a `\r` of a `\r\n` line ending
                    let mut end = self.pos;
                    if end > start + 1 && self.bytes.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                    self.errors.push(
                        Diagnostic::new(
                            Kind::SyntaxError,
                            self.span(start, end),
                            "unterminated string",
                        )
                        .with_span_label("this string has no closing `\"`")
                        .with_help("a string ends on the line where it starts: add a `\"`"),
                    );
                    self.push(K::StrOpen, start, end);
                    return;
                }
                Some(b'"') => {
                    self.pos += 1;
                    self.push(K::Str, start, self.pos);
                    return;
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    match self.bytes.get(esc + 1) {
                        Some(b'"' | b'\\' | b'n' | b't') => self.pos += 2,
                        // a backslash at the end of the line: the string
                        // is unterminated, reported above
                        None | Some(b'\n') => self.pos += 1,
                        Some(b'\r') if self.bytes.get(esc + 2) == Some(&b'\n') => self.pos += 1,
                        Some(_) => {
                            let len = 1 + self.char_len(esc + 1);
                            self.pos += len;
                            let c = self
                                .text
                                .get(esc + 1..)
                                .and_then(|s| s.chars().next())
                                .unwrap_or('?');
                            self.errors.push(
                                Diagnostic::new(
                                    Kind::SyntaxError,
                                    self.span(esc, esc + len),
                                    format!("unknown escape `\\{}` in string", c.escape_debug()),
                                )
                                .with_span_label("unknown escape")
                                .with_help(
                                    "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; \
                                     write `\\\\` for a backslash",
                                ),
                            );
                        }
                    }
                }
                Some(_) => {
                    // skip to the next interesting byte
                    let rest = self.bytes.get(self.pos..).unwrap_or_default();
                    self.pos += rest
                        .iter()
                        .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
                        .unwrap_or(rest.len());
                }
            }
        }
    }

    /// Called after a line break inside parentheses: the position of the
    /// next significant character (after blank and comment lines), and
    /// whether it starts something no formula can contain (an item or
    /// statement keyword, `}`, or `label:`).
    fn next_line(&self) -> (usize, bool) {
        let b = self.bytes;
        let mut i = self.pos;
        // skip blank lines and comment lines
        loop {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => {
                    let rest = b.get(i..).unwrap_or_default();
                    i += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                }
                _ => break,
            }
        }
        let stop = match b.get(i) {
            Some(b'}') => true,
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let rest = b.get(i..).unwrap_or_default();
                let len = rest
                    .iter()
                    .position(|&c| !is_word_byte(c))
                    .unwrap_or(rest.len());
                let word = self.text.get(i..i + len).unwrap_or_default();
                match keyword(word) {
                    Some(k) => !k.is_formula_keyword(),
                    None => {
                        let mut j = i + len;
                        while matches!(b.get(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        b.get(j) == Some(&b':')
                    }
                }
            }
            _ => false,
        };
        (i, stop)
    }
}

/// The value of a string token: quotes removed, escapes resolved. Unknown
/// escapes (already reported) are kept as written.
pub(crate) fn unescape(lit: &str) -> Name {
    let inner = lit.strip_prefix('"').unwrap_or(lit);
    let inner = match inner.strip_suffix('"') {
        // `"abc\"` unterminated: the final quote is escaped, keep it
        Some(s) if !ends_with_odd_backslashes(s) => s,
        _ => inner,
    };
    if !inner.contains('\\') {
        return Name::from(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Name::from(out)
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<K> {
        lex(FileId(0), text).tokens.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn keyword_list_matches_the_lexer() {
        for k in KEYWORDS {
            assert!(keyword(k).is_some_and(K::is_keyword), "`{k}`");
        }
        let mut distinct: Vec<K> = KEYWORDS.iter().filter_map(|k| keyword(k)).collect();
        distinct.sort_by_key(|k| format!("{k:?}"));
        distinct.dedup();
        assert_eq!(distinct.len(), KEYWORDS.len());
    }

    #[test]
    fn words_keywords_and_bad_words() {
        use K::*;
        assert_eq!(
            kinds("party us_2 2x café _a"),
            vec![Party, Ident, BadWord, BadWord, Ident, Eof]
        );
        assert_eq!(kinds("Party"), vec![Ident, Eof]);
    }

    #[test]
    fn dates() {
        use K::*;
        assert_eq!(
            kinds("party p as of 2025-02-26 { 2025-2-3 2025 2025-02x 1->x"),
            vec![
                Party, Ident, As, Of, Date, LBrace, Date, BadWord, BadWord, Unknown, BadWord,
                BadWord, Arrow, Ident, Eof
            ]
        );
    }

    #[test]
    fn operators() {
        use K::*;
        assert_eq!(
            kinds("a -> b <-> c & d | !e @ - <"),
            vec![
                Ident, Arrow, Ident, DArrow, Ident, Amp, Ident, Pipe, Bang, Ident, At, Unknown,
                Unknown, Eof
            ]
        );
    }

    #[test]
    fn newlines_collapse_and_vanish_inside_parentheses() {
        use K::*;
        assert_eq!(
            kinds("\n\na\n\n# c\n\nb (c\n d)\n"),
            vec![
                Ident, Newline, Ident, LParen, Ident, Ident, RParen, Newline, Eof
            ]
        );
    }

    #[test]
    fn unclosed_parenthesis_stops_at_a_statement_line() {
        use K::*;
        assert_eq!(
            kinds("requires (a\n  rejects b\n"),
            vec![
                Requires, LParen, Ident, Newline, Rejects, Ident, Newline, Eof
            ]
        );
        assert_eq!(
            kinds("requires (a\n z: b\n"),
            vec![
                Requires, LParen, Ident, Newline, Ident, Colon, Ident, Newline, Eof
            ]
        );
        assert_eq!(
            kinds("requires (a\n and b)\n"),
            vec![Requires, LParen, Ident, And, Ident, RParen, Newline, Eof]
        );
    }

    #[test]
    fn strings_and_their_errors() {
        let l = lex(FileId(0), "\"a\\\"b\" \"x\\q\" \"open\r\n");
        let k: Vec<K> = l.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(k, vec![K::Str, K::Str, K::StrOpen, K::Newline, K::Eof]);
        assert_eq!(l.errors.len(), 2);
        assert_eq!(l.errors[0].message, "unknown escape `\\q` in string");
        assert_eq!(l.errors[1].message, "unterminated string");
        // the unterminated string stops before `\r\n`
        assert_eq!(l.errors[1].span.range(), 13..18);
    }

    #[test]
    fn unescape_values() {
        assert_eq!(unescape(r#""a\"b\\c\nd\te""#), "a\"b\\c\nd\te");
        assert_eq!(unescape(r#""x\q""#), "x\\q");
        assert_eq!(unescape(r#""open"#), "open");
        assert_eq!(unescape(r#""open\""#), "open\"");
        assert_eq!(unescape(r#""ü""#), "ü");
    }
}
