//! Diagnostics as plain data.
//!
//! A [`Diagnostic`] carries a code, a name, a severity, a message, labelled
//! spans, notes and help. Source text is attached only when rendering
//! (`render`). Finding kinds that are about a minimal set of statements also
//! carry the structured members, chain and concessions of LANGUAGE.md §8.

use crate::source::Span;
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed; exit code 1.
    Error,
    /// Should be looked at; exit code 1 only with `--deny warnings`.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A secondary span with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// The role of a member of a minimal set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A statement of a party.
    Party,
    /// An `assume` statement.
    Assumption,
    /// A scenario (or one formula of it).
    Scenario,
    /// The implicit `X@P -> X` axiom.
    Definition,
    /// The condition or formula an expectation or `ruled-out` is about.
    Condition,
}

/// One member of a minimal set, as shown to users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Where it is written (for a definition: the `X@P` atom).
    pub span: Span,
    /// What kind of member.
    pub role: Role,
    /// The owning party, if any.
    pub party: Option<String>,
    /// `requires|rejects|no-without|duty|prefers|avoids|claims|assume|scenario|definition`.
    pub kind: &'static str,
    /// The statement label, if any.
    pub label: Option<String>,
    /// The statement text without label and quote (for a definition,
    /// `X@P -> X`).
    pub text: String,
    /// The quote, if any.
    pub quote: Option<String>,
}

/// A reference to a statement, for concessions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// Where it is written.
    pub span: Span,
    /// The owning party.
    pub party: Option<String>,
    /// The label, if any.
    pub label: Option<String>,
    /// The statement text without label and quote.
    pub text: String,
}

/// One replacement of a byte range of a file's text (an insertion when the
/// span is empty, a deletion when the replacement is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What to replace: byte offsets into the file's decoded text.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// A machine-applicable fix of a diagnostic (LANGUAGE.md §8 `fixes`): edits
/// applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, e.g. "replace `tarifs` with `tariffs`".
    pub message: String,
    /// Whether it can only do what its message says (applied by
    /// `stance check --fix`); an unsafe fix may change the model's meaning
    /// or drop what the author wrote, and is only offered.
    pub safe: bool,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of one edit.
    pub fn one(
        message: impl Into<String>,
        safe: bool,
        span: Span,
        replacement: impl Into<String>,
    ) -> Fix {
        Fix {
            message: message.into(),
            safe,
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }
}

/// A diagnostic: plain data, rendered by `render`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `SC2001` (see [`Kind::code`]).
    pub kind: Kind,
    /// Effective severity (defaults to [`Kind::severity`]; levels may change it).
    pub severity: Severity,
    /// One-line message: lowercase, no final period, user input in backticks.
    pub message: String,
    /// Primary location.
    pub span: Span,
    /// What to say at the primary location (may be empty).
    pub span_label: String,
    /// Secondary spans.
    pub labels: Vec<Label>,
    /// Free-form notes (`note:` lines).
    pub notes: Vec<String>,
    /// Suggestions (`help:` lines).
    pub help: Vec<String>,
    /// Parties involved, sorted, deduplicated.
    pub parties: Vec<String>,
    /// The scenario involved, if any.
    pub scenario: Option<String>,
    /// Members of the minimal set, in explanation order.
    pub members: Vec<Member>,
    /// The chain of reasoning (topic names, the last one may be
    /// `⟂ party`), empty when not a chain.
    pub chain: Vec<String>,
    /// Concessions: minimal sets of party statements whose withdrawal
    /// resolves the finding, smallest first.
    pub concessions: Vec<Vec<StatementRef>>,
    /// Machine-applicable fixes, the safe ones first.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic of `kind` at `span` with its default severity.
    pub fn new(kind: Kind, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            kind,
            severity: kind.severity(),
            message: message.into(),
            span,
            span_label: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
            parties: Vec::new(),
            scenario: None,
            members: Vec::new(),
            chain: Vec::new(),
            concessions: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Calls `f` on every span of the diagnostic (primary, labels, members,
    /// concessions, fix edits); whether every call returned `true`. Every
    /// field is named, so a new field with a span cannot be forgotten.
    pub fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span) -> bool) -> bool {
        let Diagnostic {
            kind: _,
            severity: _,
            message: _,
            span,
            span_label: _,
            labels,
            notes: _,
            help: _,
            parties: _,
            scenario: _,
            members,
            chain: _,
            concessions,
            fixes,
        } = self;
        let mut ok = f(span);
        for l in labels {
            ok &= f(&mut l.span);
        }
        for m in members {
            ok &= f(&mut m.span);
        }
        for r in concessions.iter_mut().flatten() {
            ok &= f(&mut r.span);
        }
        for e in fixes.iter_mut().flat_map(|x| x.edits.iter_mut()) {
            ok &= f(&mut e.span);
        }
        ok
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    /// Sets the label at the primary span.
    pub fn with_span_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.span_label = label.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    /// The `invalid-utf8` error for a file whose bytes are not UTF-8
    /// ([`decode`](crate::source::decode) failed at byte `offset`): one
    /// diagnostic for every command that reads rule files.
    pub fn invalid_utf8(file: crate::source::FileId, offset: usize) -> Diagnostic {
        Diagnostic::new(
            Kind::InvalidUtf8,
            Span::new(file, 0, 0),
            format!("the file is not valid UTF-8: invalid byte at offset {offset}"),
        )
        .with_help("save the file as UTF-8")
    }

    /// Sort key for deterministic output: file, position, code, message.
    pub fn sort_key(&self) -> (u32, u32, u32, &'static str, &str) {
        (
            self.span.file.0,
            self.span.start,
            self.span.end,
            self.kind.code(),
            &self.message,
        )
    }
}

macro_rules! kinds {
    ($( $variant:ident = $name:literal, $code:literal, $sev:ident, $summary:literal; )*) => {
        /// Every diagnostic the tool can emit.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Kind {
            /// All kinds, in code order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kebab-case name (`conflict`, `syntax-error`, …).
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            /// The stable code (`SC0001`, …).
            pub fn code(self) -> &'static str {
                match self { $(Kind::$variant => $code,)* }
            }

            /// The default severity.
            pub fn severity(self) -> Severity {
                match self { $(Kind::$variant => Severity::$sev,)* }
            }

            /// A one-line summary.
            pub fn summary(self) -> &'static str {
                match self { $(Kind::$variant => $summary,)* }
            }
        }
    };
}

kinds! {
    // Input errors (SC0xxx)
    SyntaxError = "syntax-error", "SC0001", Error, "the text is not valid stance syntax";
    InvalidUtf8 = "invalid-utf8", "SC0002", Error, "the file is not valid UTF-8";
    UnknownParty = "unknown-party", "SC0003", Error, "a party is used but never declared";
    DuplicateLabel = "duplicate-label", "SC0004", Error, "two statements carry the same label";
    ConflictingLabel = "conflicting-label", "SC0005", Error, "a party, topic or scenario is declared with two different labels";
    IncludeError = "include-error", "SC0006", Error, "an include cannot be read: missing, outside the root, or a cycle";
    UnknownScenario = "unknown-scenario", "SC0007", Error, "an expectation names a scenario that is not declared";
    DuplicateScenario = "duplicate-scenario", "SC0008", Error, "two scenarios have the same name";
    ReadError = "read-error", "SC0009", Error, "a file could not be read";
    // Consistency findings (SC1xxx)
    AssumptionsInconsistent = "assumptions-inconsistent", "SC1001", Error, "the assumptions alone cannot all hold";
    SelfContradiction = "self-contradiction", "SC1002", Error, "a party's own statements cannot all hold";
    Conflict = "conflict", "SC1003", Warning, "the red lines of two or more parties cannot all hold";
    InfeasibleScenario = "infeasible-scenario", "SC1004", Warning, "a scenario is impossible under the parties' red lines";
    RuledOut = "ruled-out", "SC1005", Warning, "the condition of a conditional red line can never hold";
    DisputedClaim = "disputed-claim", "SC1006", Info, "the claims of two or more parties contradict each other";
    UnattainablePreference = "unattainable-preference", "SC1007", Info, "a preference can hold in no outcome acceptable to all parties";
    Redundant = "redundant", "SC1008", Info, "a red line follows from the same party's other red lines";
    Tautology = "tautology", "SC1009", Warning, "a statement is always true and says nothing";
    UnacceptedDuty = "unaccepted-duty", "SC1010", Info, "a duty is assigned to a party that never accepts it";
    DeadlockedDispute = "deadlocked-dispute", "SC1011", Info, "a dispute's red lines cannot all hold, so its conditions and preferences were not checked";
    Reversal = "reversal", "SC1012", Warning, "a party's two consecutive snapshots contradict each other";
    SoftenedStance = "softened-stance", "SC1013", Info, "a red line of a snapshot that the party's next snapshot no longer implies";
    // Expectations (SC2xxx)
    FailedExpectation = "failed-expectation", "SC2001", Error, "an `expect` line does not hold";
    ExpectedConflict = "expected-conflict", "SC2002", Info, "a conflict that an `expect conflict` line records";
    ExpectedInfeasible = "expected-infeasible", "SC2003", Info, "an infeasible scenario that an `expect infeasible` line records";
    ExpectedRuledOut = "expected-ruled-out", "SC2004", Info, "a ruled-out condition that an `expect impossible` line records";
    ExpectedReversal = "expected-reversal", "SC2005", Info, "a reversal that an `expect reversal` line records";
    // Declarations (SC3xxx)
    UndeclaredTopic = "undeclared-topic", "SC3001", Warning, "a topic is used but never declared";
    UnusedDeclaration = "unused-declaration", "SC3002", Warning, "a party or topic is declared but never used";
    UndeclaredParty = "undeclared-party", "SC3003", Warning, "a party block's name is declared nowhere and is close to a declared party's";
}

/// The families of diagnostic kinds, one per thousand of the code
/// (`SC0xxx`, `SC1xxx`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// `SC0xxx`: the input cannot be read as a model (syntax, names,
    /// includes, encoding). Never allowed or downgraded.
    Input,
    /// `SC1xxx`: the stances cannot all hold together, or say nothing.
    Consistency,
    /// `SC2xxx`: `expect` lines.
    Expectation,
    /// `SC3xxx`: declarations (undeclared or unused names).
    Declaration,
}

impl Kind {
    /// The family of the kind, read from its code.
    pub fn category(self) -> Category {
        match self.code().as_bytes().get(2) {
            Some(b'0') => Category::Input,
            Some(b'1') => Category::Consistency,
            Some(b'2') => Category::Expectation,
            _ => Category::Declaration,
        }
    }

    /// Whether the kind is an input error (`SC0xxx`): the model is partial,
    /// and the diagnostic cannot be allowed or downgraded.
    pub fn is_input_error(self) -> bool {
        self.category() == Category::Input
    }

    /// Looks a kind up by name or code (case-insensitive for codes).
    pub fn from_name_or_code(s: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s || k.code().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_codes_are_unique() {
        let names: HashSet<_> = Kind::ALL.iter().map(|k| k.name()).collect();
        let codes: HashSet<_> = Kind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names.len(), Kind::ALL.len());
        assert_eq!(codes.len(), Kind::ALL.len());
        assert_eq!(Kind::from_name_or_code("sc1003"), Some(Kind::Conflict));
        assert_eq!(Kind::from_name_or_code("ruled-out"), Some(Kind::RuledOut));
    }

    #[test]
    fn categories_follow_the_codes() {
        for k in Kind::ALL {
            let expected = match &k.code()[..3] {
                "SC0" => Category::Input,
                "SC1" => Category::Consistency,
                "SC2" => Category::Expectation,
                "SC3" => Category::Declaration,
                other => unreachable!("code family {other}"),
            };
            assert_eq!(k.category(), expected, "{}", k.name());
            assert_eq!(k.is_input_error(), expected == Category::Input);
            // Every input error is an error by default.
            if k.is_input_error() {
                assert_eq!(k.severity(), Severity::Error, "{}", k.name());
            }
        }
        assert!(Kind::InvalidUtf8.is_input_error());
        assert!(!Kind::Conflict.is_input_error());
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let d = Diagnostic::invalid_utf8(crate::source::FileId(3), 7);
        assert_eq!(d.kind, Kind::InvalidUtf8);
        assert_eq!(d.span, Span::new(crate::source::FileId(3), 0, 0));
        assert_eq!(
            d.message,
            "the file is not valid UTF-8: invalid byte at offset 7"
        );
        assert_eq!(d.help, ["save the file as UTF-8"]);
    }
}
