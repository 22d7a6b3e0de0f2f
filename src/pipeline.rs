//! The whole check of one run: loaded files → resolved models → findings,
//! merged, deduplicated and sorted. No I/O: files come in through
//! [`crate::load::Loaded`].

use crate::check::cache::CheckCache;
use crate::check::{self, CheckOptions};
use crate::diagnostic::{Diagnostic, Kind};
use crate::load::{Loaded, Unit};
use crate::resolve;
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// The outcome of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// All diagnostics, sorted by file, position and code, deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a limit cut the results short.
    pub truncated: bool,
}

/// The units that are checked: roots that another unit of the run does not
/// include (an included file is checked only through its includer).
pub fn checked_units(loaded: &Loaded) -> Vec<&Unit> {
    loaded.checked_units()
}

/// Resolves the files of one unit into its model, with the diagnostics
/// of resolution.
pub fn resolve_unit(loaded: &Loaded, unit: &Unit) -> (crate::model::Model, Vec<Diagnostic>) {
    let files: Vec<_> = unit
        .files
        .iter()
        .filter_map(|&f| loaded.ast(f).map(|a| (f, a)))
        .collect();
    resolve::resolve(&loaded.sources, &files)
}

/// Every checked unit's model, or, when loading or resolution found input
/// errors, those errors (sorted, deduplicated) and no model: `stance
/// deals` and `stance timeline` answer nothing from a partial model.
pub fn error_free_models(loaded: &Loaded) -> Result<Vec<crate::model::Model>, Vec<Diagnostic>> {
    let is_error = |d: &Diagnostic| d.severity == crate::diagnostic::Severity::Error;
    let mut errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| is_error(d))
        .cloned()
        .collect();
    let mut models = Vec::new();
    for unit in checked_units(loaded) {
        let (model, diags) = resolve_unit(loaded, unit);
        errors.extend(diags.into_iter().filter(is_error));
        models.push(model);
    }
    if errors.is_empty() {
        return Ok(models);
    }
    errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.dedup();
    Err(errors)
}

/// Resolves and checks every unit of a run.
pub fn run(loaded: &Loaded, options: &CheckOptions) -> Report {
    check_all(resolve_all(loaded), options, &loaded.sources)
}

/// [`run`] with the per-component results of `cache` (one round of it:
/// afterwards it holds the components of this run's models only). The same
/// report as [`run`]; the language server keeps one cache per analysis
/// between edits.
pub fn run_cached(loaded: &Loaded, options: &CheckOptions, cache: &mut CheckCache) -> Report {
    cache.start_round();
    let report = check_all_with(
        resolve_all(loaded),
        options,
        None,
        &loaded.sources,
        Some(cache),
    );
    cache.end_round();
    report
}

/// [`run`], freeing the syntax trees once every model is resolved: the
/// check (the peak of a run) then holds only the models and the sources,
/// which renderers still need.
pub fn run_freeing_syntax(loaded: &mut Loaded, options: &CheckOptions) -> Report {
    run_freeing_syntax_at(loaded, options, None)
}

/// [`run_freeing_syntax`] on the state at date `at` (`stance check
/// --as-of DATE`, LANGUAGE.md §11); `None`: the latest state.
pub fn run_freeing_syntax_at(
    loaded: &mut Loaded,
    options: &CheckOptions,
    at: Option<crate::date::Date>,
) -> Report {
    let resolved = resolve_all(loaded);
    loaded.asts = Vec::new();
    check_all_at(resolved, options, at, &loaded.sources)
}

/// [`run`] on the state at date `at`; `None`: the latest state.
pub fn run_at(loaded: &Loaded, options: &CheckOptions, at: Option<crate::date::Date>) -> Report {
    check_all_at(resolve_all(loaded), options, at, &loaded.sources)
}

/// Every checked unit resolved, with the diagnostics so far.
struct Resolved {
    diagnostics: Vec<Diagnostic>,
    models: Vec<crate::model::Model>,
    /// Unused declarations with the number of units that found them unused.
    unused: BTreeMap<(Span, String), (usize, Diagnostic)>,
    /// How many checked units load each file.
    units_of_file: BTreeMap<FileId, usize>,
}

fn resolve_all(loaded: &Loaded) -> Resolved {
    let mut r = Resolved {
        diagnostics: loaded.diagnostics.clone(),
        models: Vec::new(),
        unused: BTreeMap::new(),
        units_of_file: BTreeMap::new(),
    };
    for unit in checked_units(loaded) {
        for &f in &unit.files {
            *r.units_of_file.entry(f).or_default() += 1;
        }
        let (model, diags) = resolve_unit(loaded, unit);
        // Lines dropped for syntax errors may have used a declaration: do
        // not call anything unused in a model with syntax errors.
        let broken = loaded
            .diagnostics
            .iter()
            .any(|d| d.kind == Kind::SyntaxError && unit.files.contains(&d.span.file));
        for d in diags {
            if d.kind == Kind::UnusedDeclaration {
                if !broken {
                    let entry = r
                        .unused
                        .entry((d.span, d.message.clone()))
                        .or_insert((0, d));
                    entry.0 += 1;
                }
            } else {
                r.diagnostics.push(d);
            }
        }
        r.models.push(model);
    }
    r
}

fn check_all(
    resolved: Resolved,
    options: &CheckOptions,
    sources: &crate::source::SourceMap,
) -> Report {
    check_all_at(resolved, options, None, sources)
}

fn check_all_at(
    resolved: Resolved,
    options: &CheckOptions,
    at: Option<crate::date::Date>,
    sources: &crate::source::SourceMap,
) -> Report {
    check_all_with(resolved, options, at, sources, None)
}

fn check_all_with(
    resolved: Resolved,
    options: &CheckOptions,
    at: Option<crate::date::Date>,
    sources: &crate::source::SourceMap,
    mut cache: Option<&mut CheckCache>,
) -> Report {
    let Resolved {
        mut diagnostics,
        models,
        unused,
        units_of_file,
    } = resolved;
    let mut truncated = false;
    for model in models {
        let out = match cache.as_deref_mut() {
            Some(cache) => check::cache::check_at(&model, options, at, cache),
            None => check::check_at(&model, options, at),
        };
        truncated |= out.truncated;
        diagnostics.extend(out.diagnostics);
    }
    // An unused declaration in a file shared by several units is reported
    // only when it is unused in every unit that loads the file.
    for ((span, _), (count, d)) in unused {
        if units_of_file.get(&span.file).copied().unwrap_or(0) <= count {
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    dedup_sorted(&mut diagnostics);
    crate::fix::attach_removals(&mut diagnostics, sources);
    Report {
        diagnostics,
        truncated,
    }
}

/// Removes repeated diagnostics (a file shared by several units yields the
/// same finding once per unit). Equal diagnostics have equal sort keys, so
/// comparing within runs of equal keys suffices.
fn dedup_sorted(diagnostics: &mut Vec<Diagnostic>) {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut group_start = 0;
    for d in diagnostics.drain(..) {
        if out
            .get(group_start)
            .is_some_and(|g| g.sort_key() != d.sort_key())
        {
            group_start = out.len();
        }
        if !out[group_start..].contains(&d) {
            out.push(d);
        }
    }
    *diagnostics = out;
}
