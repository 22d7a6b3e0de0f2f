//! Levels: what `-A/--allow`, `-W/--warn` and `-D/--deny` make of the
//! diagnostics of a run (docs/decisions.md, "Diagnostics and levels").
//!
//! A flag names a diagnostic kind (by name or code) or a severity as a
//! group (`infos`/`info`, `warnings`/`warning`). Per-kind levels apply
//! first, then the `infos` group, then the `warnings` group to whatever is
//! a warning by then (as rustc does for `-D warnings`). Input errors
//! (`SC0xxx`, [`Kind::is_input_error`]) and errors as a group cannot be
//! allowed or downgraded. An unknown name is refused with the closest known
//! name ([`crate::suggest::closest`]). Plain values, no I/O: the binary
//! parses its flags into [`Levels`], a language server can do the same.

use crate::diagnostic::{Diagnostic, Kind, Severity};

/// What one flag asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `-A`: do not report.
    Allow,
    /// `-W`: report as a warning.
    Warn,
    /// `-D`: report as an error.
    Deny,
}

/// The levels asked for by a run's flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    /// Per-kind levels in the order given; the last one for a kind wins.
    by_kind: Vec<(Kind, Level)>,
    /// What `-A/-W/-D info(s)` asked for: applied after the per-kind levels.
    infos: Option<Level>,
    /// What `-A/-W/-D warning(s)` asked for: applied last, to every
    /// diagnostic that is then a warning (so `-D warnings` also catches
    /// what `-W NAME` or `-W infos` made a warning).
    warnings: Option<Level>,
}

/// A severity named as a group (`info`, `infos`, `warning`, `warnings`,
/// `error`, `errors`).
fn severity_group(name: &str) -> Option<Severity> {
    match name {
        "info" | "infos" => Some(Severity::Info),
        "warning" | "warnings" => Some(Severity::Warning),
        "error" | "errors" => Some(Severity::Error),
        _ => None,
    }
}

/// The message for a diagnostic name or code that is not known, with the
/// closest known name when there is one (`stance explain`; the groups
/// `infos` and `warnings` are not offered).
pub fn unknown_diagnostic(name: &str) -> String {
    unknown(name, false)
}

/// [`unknown_diagnostic`], offering the groups too when `groups`.
fn unknown(name: &str, groups: bool) -> String {
    let mut known: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    if groups {
        known.extend(["infos", "warnings"]);
    }
    match crate::suggest::closest(name, known) {
        Some(s) => format!(
            "unknown diagnostic `{name}`: did you mean `{s}`? (see `stance explain --list`)"
        ),
        None => format!("unknown diagnostic `{name}` (see `stance explain --list`)"),
    }
}

impl Levels {
    /// The levels of the flags `-A NAME…`, `-W NAME…`, `-D NAME…`, taken
    /// in that order (allow, then warn, then deny, each as given: for one
    /// kind the later wins). An unknown name, an input error allowed or
    /// downgraded, or errors allowed or downgraded as a group is refused
    /// with a message for the user.
    pub fn from_flags<S: AsRef<str>>(
        allow: &[S],
        warn: &[S],
        deny: &[S],
    ) -> Result<Levels, String> {
        let flags = (allow.iter().map(|n| (n, Level::Allow)))
            .chain(warn.iter().map(|n| (n, Level::Warn)))
            .chain(deny.iter().map(|n| (n, Level::Deny)));
        let mut levels = Levels::default();
        for (name, level) in flags {
            levels.add(name.as_ref(), level)?;
        }
        Ok(levels)
    }

    /// Adds one flag: `level` for the kind or group `name`.
    pub fn add(&mut self, name: &str, level: Level) -> Result<(), String> {
        match severity_group(name) {
            Some(Severity::Info) => {
                self.infos = Some(level);
                return Ok(());
            }
            Some(Severity::Warning) => {
                self.warnings = Some(level);
                return Ok(());
            }
            Some(Severity::Error) if level == Level::Deny => return Ok(()),
            Some(Severity::Error) => {
                return Err(format!(
                    "`{name}` cannot be allowed or downgraded as a group: name the findings one by one"
                ));
            }
            None => {}
        }
        let Some(kind) = Kind::from_name_or_code(name) else {
            return Err(unknown(name, true));
        };
        if kind.is_input_error() && level != Level::Deny {
            return Err(format!(
                "`{}` is an input error and cannot be allowed or downgraded",
                kind.name()
            ));
        }
        self.by_kind.push((kind, level));
        Ok(())
    }

    /// The diagnostics with their levels applied: allowed ones dropped,
    /// the others with their new severity, in the order given.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|d| self.apply_one(d))
            .collect()
    }

    /// One diagnostic with its level applied; `None`: allowed.
    pub fn apply_one(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        /// One level applied to a diagnostic; `false`: drop it.
        fn set(d: &mut Diagnostic, level: Option<Level>) -> bool {
            match level {
                Some(Level::Allow) => return false,
                Some(Level::Warn) => d.severity = Severity::Warning,
                Some(Level::Deny) => d.severity = Severity::Error,
                None => {}
            }
            true
        }
        let level = self
            .by_kind
            .iter()
            .rev()
            .find(|(k, _)| *k == d.kind)
            .map(|(_, l)| *l);
        if !set(&mut d, level) {
            return None;
        }
        if d.severity == Severity::Info && !set(&mut d, self.infos) {
            return None;
        }
        if d.severity == Severity::Warning && !set(&mut d, self.warnings) {
            return None;
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn levels(allow: &[&str], warn: &[&str], deny: &[&str]) -> Levels {
        Levels::from_flags(allow, warn, deny).unwrap()
    }

    /// The severity each kind ends with (`None`: allowed).
    fn outcome(levels: &Levels, kind: Kind) -> Option<Severity> {
        let d = Diagnostic::new(kind, Span::new(FileId(0), 0, 0), "m");
        levels.apply_one(d).map(|d| d.severity)
    }

    #[test]
    fn no_flags_change_nothing() {
        let l = levels(&[], &[], &[]);
        for &k in Kind::ALL {
            assert_eq!(outcome(&l, k), Some(k.severity()), "{}", k.name());
        }
    }

    #[test]
    fn kinds_by_name_or_code() {
        let l = levels(&["conflict"], &["SC1008"], &["tautology"]);
        assert_eq!(outcome(&l, Kind::Conflict), None);
        assert_eq!(outcome(&l, Kind::Redundant), Some(Severity::Warning));
        assert_eq!(outcome(&l, Kind::Tautology), Some(Severity::Error));
        assert_eq!(outcome(&l, Kind::RuledOut), Some(Severity::Warning));
    }

    #[test]
    fn deny_wins_over_allow_for_one_kind() {
        let l = levels(&["conflict"], &[], &["conflict"]);
        assert_eq!(outcome(&l, Kind::Conflict), Some(Severity::Error));
    }

    #[test]
    fn groups_apply_after_kinds_and_warnings_last() {
        // `-A infos` drops infos, but a kind made a warning stays.
        let l = levels(&["infos"], &["unaccepted-duty"], &[]);
        assert_eq!(outcome(&l, Kind::Redundant), None);
        assert_eq!(outcome(&l, Kind::UnacceptedDuty), Some(Severity::Warning));
        // `-W infos -D warnings`: infos become warnings, then errors.
        let l = levels(&[], &["info"], &["warnings"]);
        assert_eq!(outcome(&l, Kind::Redundant), Some(Severity::Error));
        assert_eq!(outcome(&l, Kind::Conflict), Some(Severity::Error));
        // `-A warnings` keeps errors and infos.
        let l = levels(&["warning"], &[], &[]);
        assert_eq!(outcome(&l, Kind::Conflict), None);
        assert_eq!(outcome(&l, Kind::Redundant), Some(Severity::Info));
        assert_eq!(outcome(&l, Kind::SyntaxError), Some(Severity::Error));
    }

    #[test]
    fn errors_as_a_group_are_only_denied() {
        let l = levels(&[], &[], &["errors"]);
        assert_eq!(l, Levels::default());
        for (allow, warn) in [(&["errors"][..], &[][..]), (&[], &["error"])] {
            let e = Levels::from_flags(allow, warn, &[]).unwrap_err();
            assert!(
                e.contains("cannot be allowed or downgraded as a group"),
                "{e}"
            );
        }
    }

    #[test]
    fn input_errors_cannot_be_allowed_or_downgraded() {
        for name in ["syntax-error", "SC0002"] {
            let e = Levels::from_flags(&[name], &[], &[]).unwrap_err();
            assert!(e.contains("is an input error"), "{e}");
            let e = Levels::from_flags(&[], &[name], &[]).unwrap_err();
            assert!(e.contains("is an input error"), "{e}");
        }
        let l = levels(&[], &[], &["syntax-error"]);
        assert_eq!(outcome(&l, Kind::SyntaxError), Some(Severity::Error));
    }

    #[test]
    fn unknown_names_get_a_did_you_mean() {
        let e = Levels::from_flags(&["conflcit"], &[], &[]).unwrap_err();
        assert_eq!(
            e,
            "unknown diagnostic `conflcit`: did you mean `conflict`? (see `stance explain --list`)"
        );
        let e = Levels::from_flags(&["warnigns"], &[], &[]).unwrap_err();
        assert!(e.contains("did you mean `warnings`?"), "{e}");
        // `stance explain` does not offer the groups.
        assert!(!unknown_diagnostic("warnigns").contains("`warnings`"));
        assert_eq!(
            unknown_diagnostic("zebra"),
            "unknown diagnostic `zebra` (see `stance explain --list`)"
        );
    }

    #[test]
    fn apply_keeps_order_and_drops_allowed() {
        let l = levels(&["redundant"], &[], &[]);
        let at = |start| Span::new(FileId(0), start, start);
        let ds = vec![
            Diagnostic::new(Kind::Conflict, at(3), "a"),
            Diagnostic::new(Kind::Redundant, at(1), "b"),
            Diagnostic::new(Kind::Tautology, at(2), "c"),
        ];
        let kept: Vec<String> = l.apply(ds).into_iter().map(|d| d.message).collect();
        assert_eq!(kept, ["a", "c"]);
    }
}
