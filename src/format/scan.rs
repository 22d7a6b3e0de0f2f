//! A small scanner for the formatter: where the code tokens, the comments
//! and the blank lines of a file are.
//!
//! Comments are not in the syntax tree, so the formatter finds them here.
//! The rules follow the lexer (`src/syntax/lexer.rs`): `#` starts a comment
//! that runs to the end of the line, except inside a string; a string runs
//! from `"` to the next unescaped `"` on the same line. The file has
//! already parsed without errors, so the scanner needs no error handling,
//! but it never panics on any text.

/// What a code token is, as far as the formatter cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tk {
    LParen,
    RParen,
    LBrace,
    RBrace,
    /// Anything else: a word, a string, an operator, `,`, `;`, `:`, `@`.
    Other,
}

/// A code token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: Tk,
    pub start: usize,
    pub end: usize,
}

/// A comment: from its `#` to the end of its line, trailing whitespace
/// (and a `\r`) removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// The comment's text, `#` included, trailing whitespace removed.
    pub text: String,
    /// Whether only whitespace precedes it on its line.
    pub own_line: bool,
    /// The end of the last code token before it (0 when there is none).
    pub code_before: usize,
}

/// The result of scanning a file.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Code tokens in order.
    pub toks: Vec<Tok>,
    /// Comments in order.
    pub comments: Vec<Comment>,
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
    /// Whether each line holds only whitespace.
    blank: Vec<bool>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// Scans a whole file.
pub(crate) fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut s = Scan {
        line_starts: vec![0],
        ..Scan::default()
    };
    let mut line_has_code = false;
    let mut line_blank = true;
    let mut last_code_end = 0;
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        let start = pos;
        match b {
            b'\n' => {
                pos += 1;
                s.blank.push(line_blank);
                s.line_starts.push(pos);
                line_has_code = false;
                line_blank = true;
                continue;
            }
            b if is_space(b) => {
                pos += 1;
                continue;
            }
            b'#' => {
                let rest = bytes.get(pos..).unwrap_or_default();
                let len = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                pos += len;
                let raw = text.get(start..pos).unwrap_or_default();
                s.comments.push(Comment {
                    start,
                    text: raw.trim_end().to_owned(),
                    own_line: !line_has_code,
                    code_before: last_code_end,
                });
                line_blank = false;
                continue;
            }
            b'"' => {
                pos += 1;
                loop {
                    match bytes.get(pos) {
                        None | Some(b'\n') => break,
                        Some(b'"') => {
                            pos += 1;
                            break;
                        }
                        Some(b'\\') => {
                            pos += if bytes.get(pos + 1).is_some_and(|&c| c != b'\n') {
                                2
                            } else {
                                1
                            }
                        }
                        Some(_) => pos += 1,
                    }
                }
            }
            b'(' | b')' | b'{' | b'}' => pos += 1,
            b'-' if bytes.get(pos + 1) == Some(&b'>') => pos += 2,
            b'<' if bytes.get(pos + 1..pos + 3) == Some(b"->") => pos += 3,
            b if is_word_byte(b) => {
                let rest = bytes.get(pos..).unwrap_or_default();
                pos += rest
                    .iter()
                    .position(|&c| !is_word_byte(c))
                    .unwrap_or(rest.len());
            }
            _ => pos += 1,
        }
        let kind = match b {
            b'(' => Tk::LParen,
            b')' => Tk::RParen,
            b'{' => Tk::LBrace,
            b'}' => Tk::RBrace,
            _ => Tk::Other,
        };
        s.toks.push(Tok {
            kind,
            start,
            end: pos,
        });
        line_has_code = true;
        line_blank = false;
        last_code_end = pos;
    }
    s.blank.push(line_blank);
    s
}

impl Scan {
    /// The 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Whether a blank line comes right before the line of `offset`, and
    /// only whitespace comes before `offset` on its own line (so that the
    /// blank line separates the thing at `offset` from what precedes it).
    pub(crate) fn blank_before(&self, text: &str, offset: usize) -> bool {
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let starts_line = text
            .as_bytes()
            .get(start..offset)
            .is_some_and(|pre| pre.iter().all(|&b| is_space(b)));
        starts_line && line > 0 && self.blank.get(line - 1).copied().unwrap_or(false)
    }

    /// The index of the token starting at `offset`.
    fn index_at(&self, offset: usize) -> Option<usize> {
        self.toks.binary_search_by_key(&offset, |t| t.start).ok()
    }

    /// The first token of kind `kind` starting at or after `offset`.
    pub(crate) fn next(&self, kind: Tk, offset: usize) -> Option<Tok> {
        let from = self.toks.partition_point(|t| t.start < offset);
        self.toks
            .get(from..)?
            .iter()
            .find(|t| t.kind == kind)
            .copied()
    }

    /// The extent of a formula spanning `start..end` with the parentheses
    /// written around it (a formula's span excludes its outer parentheses).
    pub(crate) fn with_parens(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(mut i) = self.index_at(start) else {
            return (start, end);
        };
        let from = self.toks.partition_point(|t| t.end < end);
        let Some(mut j) = self
            .toks
            .get(from..)
            .and_then(|r| r.iter().position(|t| t.end == end))
            .map(|k| k + from)
        else {
            return (start, end);
        };
        while i > 0
            && self.toks.get(i - 1).is_some_and(|t| t.kind == Tk::LParen)
            && self.toks.get(j + 1).is_some_and(|t| t.kind == Tk::RParen)
        {
            i -= 1;
            j += 1;
        }
        match (self.toks.get(i), self.toks.get(j)) {
            (Some(a), Some(b)) => (a.start, b.end),
            _ => (start, end),
        }
    }

    /// Whether any comment starts inside `start..end`.
    pub(crate) fn comment_inside(&self, start: usize, end: usize) -> bool {
        let from = self.comments.partition_point(|c| c.start < start);
        self.comments.get(from).is_some_and(|c| c.start < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_strings_and_lines() {
        let text = "a \"x # y\\\" z\" # c1  \r\n\n  # c2\n(b)";
        let s = scan(text);
        let texts: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["# c1", "# c2"]);
        assert!(!s.comments[0].own_line);
        assert!(s.comments[1].own_line);
        assert_eq!(s.comments[0].code_before, 13);
        assert!(s.blank_before(text, s.comments[1].start));
        assert!(!s.blank_before(text, s.comments[0].start));
        let kinds: Vec<Tk> = s.toks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![Tk::Other, Tk::Other, Tk::LParen, Tk::Other, Tk::RParen]
        );
    }

    #[test]
    fn parentheses_around_a_formula() {
        let text = "{ ((a) and (b)), c }";
        let s = scan(text);
        // `(a) and (b)` is 3..14
        assert_eq!(s.with_parens(3, 14), (2, 15));
        assert_eq!(s.with_parens(17, 18), (17, 18));
    }
}
