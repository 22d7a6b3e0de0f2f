//! The `explain` documents: one markdown file per kind, in
//! `docs/diagnostics/<name>.md`, built into the binary.

use crate::diagnostic::Kind;

/// The markdown document that explains `kind`: what it means, why it
/// matters, an example and how to resolve it.
pub fn explain(kind: Kind) -> &'static str {
    match kind {
        Kind::SyntaxError => include_str!("../../docs/diagnostics/syntax-error.md"),
        Kind::InvalidUtf8 => include_str!("../../docs/diagnostics/invalid-utf8.md"),
        Kind::UnknownParty => include_str!("../../docs/diagnostics/unknown-party.md"),
        Kind::DuplicateLabel => include_str!("../../docs/diagnostics/duplicate-label.md"),
        Kind::ConflictingLabel => include_str!("../../docs/diagnostics/conflicting-label.md"),
        Kind::IncludeError => include_str!("../../docs/diagnostics/include-error.md"),
        Kind::UnknownScenario => include_str!("../../docs/diagnostics/unknown-scenario.md"),
        Kind::DuplicateScenario => include_str!("../../docs/diagnostics/duplicate-scenario.md"),
        Kind::ReadError => include_str!("../../docs/diagnostics/read-error.md"),
        Kind::AssumptionsInconsistent => {
            include_str!("../../docs/diagnostics/assumptions-inconsistent.md")
        }
        Kind::SelfContradiction => include_str!("../../docs/diagnostics/self-contradiction.md"),
        Kind::Conflict => include_str!("../../docs/diagnostics/conflict.md"),
        Kind::InfeasibleScenario => include_str!("../../docs/diagnostics/infeasible-scenario.md"),
        Kind::RuledOut => include_str!("../../docs/diagnostics/ruled-out.md"),
        Kind::DisputedClaim => include_str!("../../docs/diagnostics/disputed-claim.md"),
        Kind::UnattainablePreference => {
            include_str!("../../docs/diagnostics/unattainable-preference.md")
        }
        Kind::Redundant => include_str!("../../docs/diagnostics/redundant.md"),
        Kind::Tautology => include_str!("../../docs/diagnostics/tautology.md"),
        Kind::UnacceptedDuty => include_str!("../../docs/diagnostics/unaccepted-duty.md"),
        Kind::DeadlockedDispute => include_str!("../../docs/diagnostics/deadlocked-dispute.md"),
        Kind::Reversal => include_str!("../../docs/diagnostics/reversal.md"),
        Kind::SoftenedStance => include_str!("../../docs/diagnostics/softened-stance.md"),
        Kind::FailedExpectation => include_str!("../../docs/diagnostics/failed-expectation.md"),
        Kind::ExpectedConflict => include_str!("../../docs/diagnostics/expected-conflict.md"),
        Kind::ExpectedReversal => include_str!("../../docs/diagnostics/expected-reversal.md"),
        Kind::ExpectedInfeasible => include_str!("../../docs/diagnostics/expected-infeasible.md"),
        Kind::ExpectedRuledOut => include_str!("../../docs/diagnostics/expected-ruled-out.md"),
        Kind::UndeclaredTopic => include_str!("../../docs/diagnostics/undeclared-topic.md"),
        Kind::UnusedDeclaration => include_str!("../../docs/diagnostics/unused-declaration.md"),
        Kind::UndeclaredParty => include_str!("../../docs/diagnostics/undeclared-party.md"),
    }
}

/// The table of `stance explain --list`: one line per kind, in code
/// order, with its code, name, default severity and summary.
pub fn kind_list() -> String {
    let mut text = String::new();
    for k in Kind::ALL {
        text.push_str(&format!(
            "{}  {:<26} {:<8} {}\n",
            k.code(),
            k.name(),
            k.severity().as_str(),
            k.summary()
        ));
    }
    text
}

/// The body of the `## heading` section of the document of `kind`, trimmed.
pub(crate) fn section(kind: Kind, heading: &str) -> Option<&'static str> {
    let doc = explain(kind);
    let marker = format!("\n## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = doc.get(start..)?;
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest.get(..end).map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_document_titled_with_its_code() {
        for kind in Kind::ALL {
            let doc = explain(*kind);
            let title = doc.lines().next().unwrap_or("");
            assert!(title.starts_with("# "), "{}: no title", kind.name());
            assert!(
                title.contains(kind.code()),
                "{}: title lacks the code",
                kind.name()
            );
            assert!(
                title.contains(kind.name()),
                "{}: title lacks the name",
                kind.name()
            );
            for heading in [
                "What it means",
                "Why it matters",
                "Example",
                "How to resolve",
            ] {
                let body = section(*kind, heading).unwrap_or("");
                assert!(!body.is_empty(), "{}: empty section {heading}", kind.name());
            }
            let example = section(*kind, "Example").unwrap_or("");
            assert!(
                example.contains("```stance\n"),
                "{}: no stance example",
                kind.name()
            );
        }
    }

    #[test]
    fn the_list_has_a_line_per_kind() {
        let list = kind_list();
        assert_eq!(list.lines().count(), Kind::ALL.len());
        let first = list.lines().next().unwrap_or("");
        assert!(
            first.starts_with("SC0001  syntax-error               error    "),
            "{first}"
        );
    }
}
