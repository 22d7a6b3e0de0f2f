//! Source files and spans.
//!
//! A [`Span`] is a small, copyable byte range inside one [`SourceFile`]. All
//! spans in the pipeline are byte offsets into the file's decoded text (after
//! a leading BOM has been removed). Conversion to 1-based lines and
//! character columns happens only here, for renderers.

use serde::Serialize;

/// Index of a file inside a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct FileId(pub u32);

/// A byte range `start..end` inside one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// The smallest span covering both (same file assumed; `self`'s file wins).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Byte range as `usize`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One decoded rule file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Its id in the map.
    pub id: FileId,
    /// Path relative to the root, with `/` separators (`-` or the
    /// `--stdin-filename` for standard input).
    pub path: String,
    /// The decoded text (BOM removed).
    pub text: String,
    /// Byte offsets of the line starts, computed when first needed (a big
    /// file that has no finding never needs them).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A line/column position: both 1-based, the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl SourceFile {
    /// A new file; `text` must already be decoded (see [`decode`]).
    pub fn new(id: FileId, path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            id,
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// 1-based line and character column of a byte offset (clamped to the
    /// text, and to a character boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The text of a span ("" when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// All files of one run, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files in order of addition.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Changes the path a file is shown under (after a run, for display:
    /// `stance` shows files of a root outside the working directory
    /// relative to the working directory). Unknown ids are ignored.
    pub fn set_path(&mut self, id: FileId, path: impl Into<String>) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.path = path.into();
        }
    }

    /// The id of a file by its root-relative path.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().find(|f| f.path == path).map(|f| f.id)
    }
}

/// Decodes the bytes of a rule file: UTF-8, with a leading BOM removed.
///
/// On invalid UTF-8, returns the byte offset of the first invalid byte
/// (counted in the original bytes, BOM included).
pub fn decode(bytes: &[u8]) -> Result<String, usize> {
    let (body, skip) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(e.valid_up_to() + skip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new(FileId(0), "a", "ab\nÄx y\r\nz");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'x' after the two-byte Ä is the second character
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_text(2), "Äx y");
        assert_eq!(f.line_col(1000).line, 3);
    }

    #[test]
    fn decode_strips_bom_and_reports_offset() {
        assert_eq!(decode(b"\xEF\xBB\xBFparty a").as_deref(), Ok("party a"));
        assert_eq!(decode(b"ab\xFFc"), Err(2));
        assert_eq!(decode(b"\xEF\xBB\xBFab\xFF"), Err(5));
    }
}
