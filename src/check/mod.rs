//! The checker: every finding kind of LANGUAGE.md §6, one module per kind.

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use std::time::Duration;

/// Limits and switches of one check run.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Maximum number of minimal sets to report per finding kind (and per
    /// scenario / condition).
    pub max_sets: usize,
    /// Time budget for the whole check; `None`: unlimited.
    pub time_budget: Option<Duration>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_sets: 100,
            time_budget: Some(Duration::from_secs(10)),
        }
    }
}

/// The result of a check.
#[derive(Clone, Debug, Default)]
pub struct CheckOutput {
    /// Findings, in deterministic order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a limit cut the results short.
    pub truncated: bool,
}

/// Runs every check on a resolved model.
pub fn check(model: &Model, options: &CheckOptions) -> CheckOutput {
    let _ = (model, options);
    CheckOutput::default()
}
