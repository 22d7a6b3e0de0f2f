//! Renderers: one module per output format. Only this layer (and the
//! binary) knows about JSON, colour and terminals.
//!
//! Every renderer takes the diagnostics in the order given (the caller sorts
//! them) and returns the whole output as one string. Text that comes from
//! rule files (quotes, labels, paths, source lines) is untrusted: the human,
//! short, SARIF and GitHub outputs show control and bidirectional-override
//! characters escaped (`\u{1b}`); JSON keeps the text as it is, escaped by
//! the JSON encoder.

pub mod deals;
mod explain;
mod github;
mod human;
mod json;
mod sarif;
mod short;
pub mod timeline;

pub use explain::{explain, kind_list};

use crate::diagnostic::{Diagnostic, Kind, Member, Role, Severity, StatementRef};
use crate::source::{SourceMap, Span};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Output formats of `stance check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// ariadne reports for people.
    Human,
    /// One line per finding.
    Short,
    /// LANGUAGE.md §8.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub workflow commands.
    Github,
}

impl Format {
    /// All formats, in the order of their names in `--help`.
    pub const ALL: &'static [Format] = &[
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Sarif,
        Format::Github,
    ];

    /// The name used on the command line (`human`, `short`, …).
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }

    /// Looks a format up by its command-line name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// Rendering switches.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Emit ANSI colour (human format only).
    pub color: bool,
    /// Whether a limit cut the results short.
    pub truncated: bool,
}

/// When to colour output (`--color`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when `NO_COLOR` is unset or empty and the output is a
    /// terminal.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour an output stream, given the value of `NO_COLOR`
    /// (`None`: unset) and whether the stream is a terminal. A pure
    /// function: the caller asks the environment and the terminal.
    pub fn use_color(self, no_color: Option<&std::ffi::OsStr>, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => no_color.is_none_or(|v| v.is_empty()) && is_terminal,
        }
    }
}

/// Renders the diagnostics (already sorted) in `format`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    match format {
        Format::Human => human::render(diagnostics, sources, options),
        Format::Short => short::render(diagnostics, sources),
        Format::Json => json::render(diagnostics, sources, options),
        Format::Sarif => sarif::render(diagnostics, sources, options),
        Format::Github => github::render(diagnostics, sources, options),
    }
}

/// Counts of diagnostics by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// `2 errors, 3 warnings, 1 info`, or `no findings`. The error count
    /// comes first and is always named (`0 errors, 6 infos`), so the line
    /// answers "did it fail?" at a glance; zero warnings and infos are left
    /// out.
    pub fn sentence(self) -> String {
        if self == Counts::default() {
            return "no findings".to_owned();
        }
        let mut parts = vec![plural(self.errors, "error", "errors")];
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning", "warnings"));
        }
        if self.infos > 0 {
            parts.push(plural(self.infos, "info", "infos"));
        }
        parts.join(", ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The sentence shown when a limit cut the results short.
pub(crate) const TRUNCATED: &str =
    "results were truncated by a limit; raise it with `--max-conflicts` or `--time-budget`";

/// A span resolved to a path and 1-based line/character columns. The end is
/// exclusive: it is the position just after the last character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    /// Root-relative path, `""` when the file is not in the map.
    pub file: String,
    /// Whether the file exists in the map.
    pub known: bool,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    pub fn of(span: Span, sources: &SourceMap) -> Location {
        match sources.get(span.file) {
            Some(f) => {
                let start = f.line_col(span.start as usize);
                let end = f.line_col((span.end.max(span.start)) as usize);
                Location {
                    file: f.path.clone(),
                    known: true,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                }
            }
            None => Location {
                file: String::new(),
                known: false,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
        }
    }
}

/// Whether `c` must never be written raw from untrusted text: C0 controls,
/// DEL, C1 controls, bidirectional embeddings, overrides, isolates and marks,
/// and the Unicode line and paragraph separators.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn push_escaped_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Untrusted text made safe for one line of terminal or log output: every
/// unsafe character (see [`is_unsafe_char`]), line breaks included, is
/// written as an escape (`\n`, `\t`, `\u{1b}`).
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    escape_impl(s, false)
}

/// Like [`escape`], but keeps `\n` (for notes that span several lines).
pub(crate) fn escape_keep_newlines(s: &str) -> Cow<'_, str> {
    escape_impl(s, true)
}

fn escape_impl(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe_char(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            push_escaped_char(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Source text made safe to print, with every byte offset kept valid: each
/// unsafe character is replaced by one printable character of the same
/// UTF-8 length (`?`, `¿` or `�`), so spans and character columns stay
/// exactly where they were. Line feeds, tabs and the `\r` of `\r\n` stay.
pub(crate) fn sanitize_source(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut out: Option<String> = None;
    let mut pos = 0;
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !is_unsafe_char(c),
        };
        if !keep {
            let buf = out.get_or_insert_with(|| {
                let mut s = String::with_capacity(text.len());
                s.push_str(text.get(..pos).unwrap_or(""));
                s
            });
            buf.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{bf}',
                3 => '\u{fffd}',
                // no unsafe character is four bytes long
                _ => '?',
            });
        } else if let Some(buf) = out.as_mut() {
            buf.push(c);
        }
        pos += c.len_utf8();
    }
    match out {
        Some(s) => Cow::Owned(s),
        None => Cow::Borrowed(text),
    }
}

/// Who a member belongs to, as shown to people: the party, or `assumption`,
/// `scenario`, `by definition`, `condition`.
pub(crate) fn member_owner(m: &Member) -> &str {
    match (m.role, m.party.as_deref()) {
        (Role::Party, Some(p)) => p,
        (Role::Party, None) => "party",
        (Role::Assumption, _) => "assumption",
        (Role::Scenario, _) => "scenario",
        (Role::Definition, _) => "by definition",
        (Role::Condition, _) => "condition",
    }
}

/// The role as written in JSON and SARIF.
pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Party => "party",
        Role::Assumption => "assumption",
        Role::Scenario => "scenario",
        Role::Definition => "definition",
        Role::Condition => "condition",
    }
}

/// `ukraine (z1): no ceasefire without guarantees — “no ceasefire without
/// strong security guarantees”`, escaped. Quotes longer than `max_quote`
/// characters are shortened with `…`.
pub(crate) fn describe_member(m: &Member, max_quote: usize) -> String {
    let mut s = String::new();
    s.push_str(&escape(member_owner(m)));
    if let Some(label) = &m.label {
        let _ = write!(s, " ({})", escape(label));
    }
    s.push_str(": ");
    s.push_str(&escape(&m.text));
    if let Some(q) = &m.quote {
        let _ = write!(s, " — “{}”", escape(&shorten(q, max_quote)));
    }
    s
}

/// A compact description for a label drawn under the member's own source
/// line (which already shows its text and quote): `ukraine (z1)`,
/// `assumption`, `by definition: guarantees@eu -> guarantees`,
/// `scenario (deal): ceasefire`, `condition: ceasefire`.
pub(crate) fn describe_member_compact(m: &Member) -> String {
    let mut s = String::new();
    s.push_str(&escape(member_owner(m)));
    if let Some(label) = &m.label {
        let _ = write!(s, " ({})", escape(label));
    }
    if matches!(m.role, Role::Definition | Role::Condition | Role::Scenario) {
        s.push_str(": ");
        s.push_str(&escape(&m.text));
    }
    s
}

/// The text shortened to at most `max` characters (with `…`).
pub(crate) fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        Cow::Owned(out)
    }
}

/// The chain as one line: `ceasefire → guarantees → peacekeepers ⟂ russia`.
pub(crate) fn chain_line(chain: &[String]) -> String {
    let mut s = String::new();
    for (i, step) in chain.iter().enumerate() {
        if i > 0 && !step.starts_with('⟂') {
            s.push_str(" → ");
        } else if i > 0 {
            s.push(' ');
        }
        s.push_str(&escape(step));
    }
    s
}

/// One statement of a concession: `` `z1` (ukraine) `` or, without a label,
/// `` `rejects peacekeepers` (russia) ``, escaped.
pub(crate) fn describe_ref(r: &StatementRef) -> String {
    let name = r.label.as_deref().unwrap_or(&r.text);
    match &r.party {
        Some(p) => format!("`{}` ({})", escape(name), escape(p)),
        None => format!("`{}`", escape(name)),
    }
}

/// `withdraw `z1` (ukraine) and `x` (us)`.
pub(crate) fn concession_line(set: &[StatementRef]) -> String {
    let parts: Vec<String> = set.iter().map(describe_ref).collect();
    format!("withdraw {}", parts.join(" and "))
}

/// The notes and help lines of a diagnostic, in display order, escaped:
/// the chain first, then the notes, then concessions, then help.
pub(crate) fn notes_and_help(d: &Diagnostic) -> (Vec<String>, Vec<String>) {
    let mut notes = Vec::new();
    if !d.chain.is_empty() {
        notes.push(format!("chain: {}", chain_line(&d.chain)));
    }
    notes.extend(d.notes.iter().map(|n| escape_keep_newlines(n).into_owned()));
    let mut help = Vec::new();
    let lead = match (&d.scenario, d.kind) {
        (Some(sc), _) => format!("`{}` becomes feasible if the parties", escape(sc)),
        (None, Kind::RuledOut | Kind::ExpectedRuledOut) => {
            match d.members.iter().find(|m| m.role == Role::Condition) {
                Some(c) => format!("`{}` becomes possible if the parties", escape(&c.text)),
                None => String::from("the condition becomes possible if the parties"),
            }
        }
        (None, Kind::UnattainablePreference) => {
            String::from("the preference becomes attainable if the parties")
        }
        (None, _) => String::from("to resolve it,"),
    };
    match d.concessions.as_slice() {
        [] => {}
        [one] => help.push(format!("{lead} {}", concession_line(one))),
        many => help.push(format!(
            "{lead} make any one of these concessions: {}",
            many.iter()
                .map(|c| concession_line(c)
                    .trim_start_matches("withdraw ")
                    .to_owned())
                .collect::<Vec<_>>()
                .join("; or ")
        )),
    }
    help.extend(d.help.iter().map(|h| escape_keep_newlines(h).into_owned()));
    (notes, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_obeys_the_flag_no_color_and_the_terminal() {
        use std::ffi::OsStr;
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        for (no_color, tty) in [(None, true), (set, true), (empty, false), (set, false)] {
            assert!(ColorChoice::Always.use_color(no_color, tty));
            assert!(!ColorChoice::Never.use_color(no_color, tty));
        }
        assert!(ColorChoice::Auto.use_color(None, true));
        assert!(ColorChoice::Auto.use_color(empty, true));
        assert!(!ColorChoice::Auto.use_color(set, true));
        assert!(!ColorChoice::Auto.use_color(None, false));
    }

    #[test]
    fn escape_makes_controls_visible() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\u{1b}[31mb\x07"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(escape("x\ny\tz"), "x\\ny\\tz");
        assert_eq!(escape("\u{202e}evil\u{2066}"), "\\u{202e}evil\\u{2066}");
        assert_eq!(escape("\u{85}\u{7f}"), "\\u{85}\\u{7f}");
        assert_eq!(escape_keep_newlines("a\nb\u{1b}"), "a\nb\\u{1b}");
        assert_eq!(escape("Äß “quoted” ⟂"), "Äß “quoted” ⟂");
    }

    #[test]
    fn sanitize_keeps_byte_offsets_and_columns() {
        let text = "a\u{1b}b\r\nc\rd\u{85}e\u{202e}f\tg\n";
        let clean = sanitize_source(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean.chars().count(), text.chars().count());
        assert_eq!(clean, "a?b\r\nc?d\u{bf}e\u{fffd}f\tg\n");
        for (i, _) in text.char_indices() {
            assert!(clean.is_char_boundary(i));
        }
        assert!(matches!(sanitize_source("fine\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn counts_sentence() {
        let c = Counts {
            errors: 2,
            warnings: 1,
            infos: 3,
        };
        assert_eq!(c.sentence(), "2 errors, 1 warning, 3 infos");
        let infos = Counts {
            errors: 0,
            warnings: 0,
            infos: 1,
        };
        assert_eq!(infos.sentence(), "0 errors, 1 info");
        assert_eq!(Counts::default().sentence(), "no findings");
    }

    #[test]
    fn chain_joins_with_arrows() {
        let chain: Vec<String> = ["ceasefire", "guarantees", "peacekeepers", "⟂ russia"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            chain_line(&chain),
            "ceasefire → guarantees → peacekeepers ⟂ russia"
        );
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(*f));
        }
        assert_eq!(Format::from_name("xml"), None);
    }
}
