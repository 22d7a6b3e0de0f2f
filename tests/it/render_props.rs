//! Property tests: every format renders any text with any spans without
//! panicking, and the safety guarantees hold for arbitrary input.

use proptest::prelude::*;
use stancecheck::diagnostic::{Diagnostic, Kind, Member, Role};
use stancecheck::render::{Format, RenderOptions, render};
use stancecheck::source::{FileId, SourceMap, Span};

/// Text with the characters that trouble renderers: controls, line breaks of
/// every kind, multi-byte and wide characters, bidi overrides.
fn nasty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("party x {\n".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\r".to_owned()),
            Just("\t".to_owned()),
            Just("\u{1b}[31m".to_owned()),
            Just("\u{7}".to_owned()),
            Just("\u{85}\u{b}\u{c}".to_owned()),
            Just("\u{2028}\u{2029}".to_owned()),
            Just("\u{202e}\u{2066}".to_owned()),
            Just("ä€😀".to_owned()),
            Just("中文".to_owned()),
            Just("%,:".to_owned()),
            Just("::error file=x::y".to_owned()),
            any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn diagnostic(file: u32, a: u32, b: u32, text: String, members: Vec<(u32, u32)>) -> Diagnostic {
    let mut d = Diagnostic::new(
        Kind::Conflict,
        Span {
            file: FileId(file),
            start: a,
            end: b,
        },
        text.clone(),
    )
    .with_span_label(text.clone())
    .with_note(text.clone())
    .with_help(text.clone());
    d.members = members
        .into_iter()
        .map(|(s, e)| Member {
            span: Span {
                file: FileId(s % 3),
                start: s,
                end: e,
            },
            role: Role::Party,
            party: Some(text.clone()),
            kind: "requires",
            label: Some(text.clone()),
            text: text.clone(),
            quote: Some(text.clone()),
            weight: Some(1 + e % 7),
        })
        .collect();
    d.chain = vec![text.clone(), format!("⟂ {text}")];
    d
}

fn unsafe_char(c: char) -> bool {
    (c < ' ' && c != '\n')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_format_is_total_and_safe(
        a in nasty_text(),
        b in nasty_text(),
        msg in nasty_text(),
        file in 0u32..3,
        start in 0u32..80,
        len in 0u32..40,
        members in prop::collection::vec((0u32..80, 0u32..80), 0..4),
    ) {
        let mut map = SourceMap::new();
        map.add(format!("{a}.stance"), a.clone());
        map.add("b.stance", b);
        // FileId(2) is not in the map
        let members = members.into_iter().map(|(s, e)| (s, s.max(e))).collect();
        let diagnostics = vec![diagnostic(file, start, start + len, msg, members)];
        let options = RenderOptions { color: false, truncated: true };

        let human = render(Format::Human, &diagnostics, &map, &options);
        prop_assert!(!human.chars().any(unsafe_char), "{human}");
        let short = render(Format::Short, &diagnostics, &map, &options);
        prop_assert!(!short.chars().any(unsafe_char));
        prop_assert_eq!(short.lines().count(), 1);
        let github = render(Format::Github, &diagnostics, &map, &options);
        prop_assert!(!github.chars().any(unsafe_char));
        prop_assert_eq!(github.lines().count(), 2, "{}", github);
        for line in github.lines() {
            prop_assert!(line.starts_with("::warning "));
        }
        serde_json::from_str::<serde_json::Value>(&render(Format::Json, &diagnostics, &map, &options)).unwrap();
        serde_json::from_str::<serde_json::Value>(&render(Format::Sarif, &diagnostics, &map, &options)).unwrap();
        let colored = render(Format::Human, &diagnostics, &map, &RenderOptions { color: true, truncated: false });
        prop_assert!(!colored.contains(char::from(7)), "bell in colored output");
    }
}
