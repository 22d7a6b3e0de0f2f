//! `stance timeline` (LANGUAGE.md §11): load as `check` does, and show,
//! date by date, the findings that appear and disappear
//! ([`stancecheck::timeline`]). Input errors are shown as `check` shows
//! them (exit 1): a partial model would give a wrong timeline.

use super::{EXIT_FINDINGS, EXIT_OK, emit, parse_budget, show_errors};
use clap::{Args, ValueEnum};
use stancecheck::check::CheckOptions;
use stancecheck::render;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum TimelineFormat {
    Human,
    Json,
    /// A Mermaid gantt chart: one bar per finding over the dates it holds
    Mermaid,
}

#[derive(Args, Debug)]
pub(super) struct TimelineArgs {
    /// Files and directories (`*.stance` below a directory, sorted); `-`
    /// reads standard input. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TimelineFormat::Human)]
    format: TimelineFormat,
    /// Maximum number of minimal sets reported per finding kind, in each
    /// state (at least 1)
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    max_conflicts: u32,
    /// Time budget for the whole run, in seconds (0: no limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_budget,
          allow_hyphen_values = true)]
    time_budget: f64,
    /// Root directory: includes may not leave it; output paths are relative
    /// to it. Default: the current directory.
    #[arg(long)]
    root: Option<PathBuf>,
}

// CheckOptions may gain fields; start from its defaults.
#[allow(clippy::field_reassign_with_default)]
pub(super) fn run(args: TimelineArgs) -> i32 {
    let (ws, mut loaded, stdin, _) =
        match super::load_roots(&args.paths, args.root.as_deref(), "<stdin>") {
            Ok(x) => x,
            Err(code) => return code,
        };
    ws.show_paths(&mut loaded.sources, &stdin);
    let mut options = CheckOptions::default();
    options.max_sets = args.max_conflicts as usize;
    options.time_budget =
        (args.time_budget > 0.0).then(|| Duration::from_secs_f64(args.time_budget));
    let timeline = match stancecheck::timeline::run(&loaded, &options) {
        Ok(t) => t,
        Err(errors) => {
            show_errors(&errors, &loaded.sources);
            let _ = writeln!(
                std::io::stderr(),
                "stance: error: the rule files have errors; no timeline computed (a partial model would mislead)"
            );
            return EXIT_FINDINGS;
        }
    };
    let text = match args.format {
        TimelineFormat::Human => render::timeline::human(&timeline, &loaded.sources),
        TimelineFormat::Json => render::timeline::json(&timeline, &loaded.sources),
        TimelineFormat::Mermaid => render::timeline::mermaid(&timeline, &loaded.sources),
    };
    emit(&text, EXIT_OK)
}
