//! `stance deals` (LANGUAGE.md §10): load as `check` does, resolve each
//! model, and show its deals or concessions. Input errors are shown as
//! `check` shows them (exit 1): a partial model would give wrong deals.

use super::{
    DealsArgs, DealsFormat, EXIT_FINDINGS, EXIT_OK, emit, printable, show_errors, trouble,
};
use stancecheck::deals::{Options, deals};
use stancecheck::model::ScenarioId;
use stancecheck::pipeline;
use stancecheck::render;
use std::io::Write;
use std::time::{Duration, Instant};

pub(super) fn run(args: DealsArgs) -> i32 {
    let (ws, mut loaded, stdin, _) =
        match super::load_roots(&args.paths, args.root.as_deref(), "<stdin>") {
            Ok(x) => x,
            Err(code) => return code,
        };
    ws.show_paths(&mut loaded.sources, &stdin);
    let models = match pipeline::error_free_models(&loaded) {
        Ok(models) => models,
        Err(errors) => {
            show_errors(&errors, &loaded.sources);
            let _ = writeln!(
                std::io::stderr().lock(),
                "stance: error: the rule files have errors; no deals computed (a partial model would mislead)"
            );
            return EXIT_FINDINGS;
        }
    };
    let scenario_of = |m: &stancecheck::model::Model, name: &str| {
        m.scenarios
            .iter()
            .position(|s| s.name == name)
            .map(|i| ScenarioId(i as u32))
    };
    if let Some(name) = &args.scenario
        && !models.iter().any(|m| scenario_of(m, name).is_some())
    {
        let names: Vec<&str> = models
            .iter()
            .flat_map(|m| m.scenarios.iter().map(|s| s.name.as_str()))
            .collect();
        let hint = stancecheck::suggest::closest(name, names)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return trouble(format!(
            "--scenario: no scenario `{}` in the rule files{hint}",
            printable(name, false)
        ));
    }
    let deadline = (args.time_budget > 0.0)
        .then(|| Instant::now().checked_add(Duration::from_secs_f64(args.time_budget)))
        .flatten();
    let mut reports = Vec::new();
    for m in models {
        let scenario = match &args.scenario {
            Some(name) => match scenario_of(&m, name) {
                Some(s) => Some(s),
                // another model of the run has it
                None => continue,
            },
            None => None,
        };
        let opts = Options {
            scenario,
            max_deals: args.max_deals as usize,
            deadline,
        };
        reports.push((deals(&m, &opts), m));
    }
    let text = match args.format {
        DealsFormat::Human => render::deals::human(&reports, &loaded.sources),
        DealsFormat::Json => render::deals::json(&reports, &loaded.sources),
    };
    emit(&text, EXIT_OK)
}
