//! The text of statements and formulas as messages show it: comments
//! removed, whitespace runs (line breaks of continued statements
//! included) collapsed to one space. A plain text (the common case) is
//! recognised eight bytes at a time and copied as it is.

/// Source text for messages: comments removed and whitespace runs (line
/// breaks of continued statements included) collapsed to one space. The
/// texts handled here (statement bodies, formulas) hold no strings.
pub(super) fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    clean_into(raw, &mut out);
    out
}

/// [`clean_text`], appended to `out`; whether `raw` was copied unchanged.
pub(super) fn clean_into(raw: &str, out: &mut String) -> bool {
    // Fast path: nothing to drop or collapse.
    let plain = is_plain(raw.as_bytes());
    if plain {
        out.push_str(raw);
    } else {
        clean_slowly(raw, out);
    }
    plain
}

/// [`clean_into`] without its fast path.
fn clean_slowly(raw: &str, out: &mut String) {
    let mut first = true;
    for line in raw.lines() {
        let code = line.split('#').next().unwrap_or("");
        for word in code.split_whitespace() {
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(word);
        }
    }
}

/// Whether [`clean_into`] would copy `b` unchanged: not empty, no comment,
/// no whitespace but single spaces inside, nothing outside ASCII. Eight
/// bytes at a time (statement texts are cleaned by the hundred thousand),
/// then byte by byte.
fn is_plain(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // whether the previous byte was a space; true at the start, so that a
    // leading space fails like a double one
    let mut space = true;
    let mut words = b.chunks_exact(8);
    for chunk in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_le_bytes(bytes);
        // Non-ASCII bytes; then, among ASCII bytes (exact as to whether
        // there is one): a control character (below 0x20, which holds all
        // whitespace but the space) or a `#`.
        let ascii_bad = |w: u64| {
            let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let x = w ^ (ONES * u64::from(b'#'));
            let hash = x.wrapping_sub(ONES) & !x & HIGH;
            control | hash != 0
        };
        if w & HIGH != 0 || ascii_bad(w) {
            return false;
        }
        // the spaces, one high bit each, exactly (no borrow between bytes)
        let y = w ^ (ONES * u64::from(b' '));
        let spaces = !(((y & LOW7).wrapping_add(LOW7)) | y | LOW7);
        // two spaces in a row: inside the word, or across its start
        if spaces & (spaces >> 8) != 0 || (space && spaces & 0x80 != 0) {
            return false;
        }
        space = spaces >> 63 != 0;
    }
    for &c in words.remainder() {
        if c == b' ' {
            if space {
                return false;
            }
            space = true;
        } else if c < b' ' || c == b'#' || c >= 0x80 {
            // ASCII control characters hold all the whitespace other than
            // the space, and 0x7f is no word character
            return false;
        } else {
            space = false;
        }
    }
    !space
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text_drops_comments_and_line_breaks() {
        assert_eq!(
            clean_text("no a without (b  # why\n   or c)"),
            "no a without (b or c)"
        );
        assert_eq!(clean_text("requires x"), "requires x");
        for (raw, want) in [
            ("a  b", "a b"),
            (" a", "a"),
            ("a ", "a"),
            ("a\tb", "a b"),
            ("a\u{a0}b", "a b"),
            ("a # c", "a"),
            ("a\r\n b", "a b"),
            ("a\u{b}b", "a b"),
            ("", ""),
        ] {
            assert_eq!(clean_text(raw), want, "{raw:?}");
        }
    }

    /// The fast path of `clean_into` gives what the slow one gives, on
    /// every string of up to five characters from an alphabet of the
    /// cases (space, tab, line breaks, comment, control, non-ASCII, a
    /// Unicode space, DEL), and on the shorter ones at every position of
    /// texts long enough for the eight-byte steps.
    #[test]
    fn plain_texts_clean_to_themselves() {
        let alphabet = [
            'a', ' ', '\t', '\n', '\r', '#', '\u{1}', '\u{b}', 'é', '\u{a0}', '\u{7f}',
        ];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = words
                .iter()
                .filter(|w| w.chars().count() == words.last().map_or(0, |l| l.chars().count()))
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(longer);
        }
        assert!(words.len() > 100_000);
        let check = |w: &str| {
            let mut slow = String::new();
            clean_slowly(w, &mut slow);
            assert_eq!(clean_text(w), slow, "{w:?}");
        };
        for w in &words {
            check(w);
        }
        // the eight-byte steps: every short word at every offset of a
        // longer text, at its start, at its end and inside
        for w in words.iter().filter(|w| w.chars().count() <= 3) {
            for at in 0..=17 {
                let (head, tail) = "abcdefgh ijklmnop".split_at(at);
                check(&format!("{head}{w}{tail}"));
                check(&format!("{w}{}", "q".repeat(at)));
                check(&format!("{}{w}", "q r".repeat(at)));
            }
        }
    }
}
