//! Byte offsets ↔ LSP positions, in the encoding negotiated with the client.
//!
//! Spans are byte offsets into a file's decoded text (ARCHITECTURE.md); an
//! LSP position is a 0-based line and a character offset counted in UTF-8
//! bytes or UTF-16 code units (LSP 3.17 `positionEncoding`). This module is
//! the only place that converts between them.

use lsp_types::Position;

/// How the client counts characters in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 bytes (negotiated when the client offers `utf-8`).
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

/// Line starts of one text, for converting positions.
#[derive(Clone, Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// The index of `text` (lines end at `\n`; a `\r` before it belongs to
    /// the line's end, not its characters).
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text and to a
    /// character boundary).
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = self.text.get(start..offset).unwrap_or("");
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a position. A line past the end gives the end of
    /// the text; a character past the end of its line gives the line's end
    /// (before `\r\n`); a position inside a character (a UTF-8 byte inside
    /// it, or between the two units of a surrogate pair) gives the start of
    /// that character.
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let width = match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > want {
                return start + i;
            }
            units += width;
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_is_the_same_in_both_encodings() {
        let idx = LineIndex::new("party a\ntopic b\n");
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(idx.position(8, enc), pos(1, 0));
            assert_eq!(idx.position(14, enc), pos(1, 6));
            assert_eq!(idx.offset(pos(1, 6), enc), 14);
        }
    }

    #[test]
    fn quotes_and_accents_before_a_span() {
        // “ and ” are 3 UTF-8 bytes and 1 UTF-16 unit; é is 2 bytes, 1 unit.
        let text = "topic é “quoted” x\n";
        let x = text.find(" x").map(|i| i + 1).unwrap_or(0);
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(x, Encoding::Utf16), pos(0, 17));
        assert_eq!(idx.position(x, Encoding::Utf8), pos(0, x as u32));
        assert_eq!(idx.offset(pos(0, 17), Encoding::Utf16), x);
        assert_eq!(idx.offset(pos(0, x as u32), Encoding::Utf8), x);
    }

    #[test]
    fn astral_characters_take_two_utf16_units() {
        let text = "assume a \"🕊️ peace\" # 😀\nparty b";
        let idx = LineIndex::new(text);
        let b = text.len() - 1;
        assert_eq!(idx.position(b, Encoding::Utf16), pos(1, 6));
        let smile = text.find('😀').unwrap_or(0);
        let after = smile + '😀'.len_utf8();
        let p = idx.position(after, Encoding::Utf16);
        assert_eq!(p.character as usize, text[..after].encode_utf16().count());
        // Between the two surrogates: the start of the character.
        let inside = pos(0, p.character - 1);
        assert_eq!(idx.offset(inside, Encoding::Utf16), smile);
        assert_eq!(idx.offset(p, Encoding::Utf16), after);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\r\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(idx.offset(pos(9, 0), Encoding::Utf16), text.len());
        assert_eq!(idx.position(999, Encoding::Utf8), pos(1, 2));
        // inside a multi-byte character: back to its start
        let idx = LineIndex::new("é");
        assert_eq!(idx.position(1, Encoding::Utf8), pos(0, 0));
        assert_eq!(idx.offset(pos(0, 1), Encoding::Utf8), 0);
    }

    #[test]
    fn round_trip_on_every_boundary() {
        let text = "“a” é 😀\r\nparty ü {\n  z1: requires x \"🕊\"\n}";
        let idx = LineIndex::new(text);
        for (i, _) in text.char_indices() {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let p = idx.position(i, enc);
                let back = idx.offset(p, enc);
                // `\n` of `\r\n` maps to the line end before `\r`.
                if text[i..].starts_with('\n') && text[..i].ends_with('\r') {
                    assert_eq!(back, i - 1);
                } else {
                    assert_eq!(back, i, "offset {i} {enc:?}");
                }
            }
        }
    }
}
