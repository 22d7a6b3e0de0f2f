//! End-to-end benchmarks on generated workloads (`cargo bench`).
//!
//! Each benchmark runs the whole pipeline — parse, resolve, check every
//! finding kind, render JSON — on text from `stancecheck::generate`, and
//! verifies the result before timing it. Figures: docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use stancecheck::check::CheckOptions;
use stancecheck::generate::{self, Dating};
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline::{self, Report};
use stancecheck::render::{self, Format, RenderOptions};

/// The allocator of the `stance` binary (src/main.rs), so the figures are
/// the binary's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `STANCE_WRITE_WORKLOADS=DIR cargo bench --bench check` writes the
    // workloads as rule files (for benches/peer.sh) instead of timing.
    if let Some(dir) = std::env::var_os("STANCE_WRITE_WORKLOADS") {
        write_workloads(std::path::Path::new(&dir));
        return;
    }
    // `STANCE_PARSE_ONCE=1`: parse and resolve the dense workload once, for
    // instruction counts under callgrind (benches/instructions.sh).
    if std::env::var_os("STANCE_PARSE_ONCE").is_some() {
        let w = generate::disputes(7_700, 1);
        assert_eq!(parse_only(&fs_with(&w.text)), w.statements);
        return;
    }
    // `STANCE_DEALS_ONCE=1`: the deals of the weighted workload once, for
    // instruction counts under callgrind (benches/instructions.sh deals).
    if std::env::var_os("STANCE_DEALS_ONCE").is_some() {
        let w = generate::weighted_disputes(7_700, 1, 100);
        let model = model_of(&fs_with(&w.text));
        verify_deals(&stancecheck::deals::deals(&model, &deals_options()), 7_700);
        return;
    }
    // `STANCE_DATED_ONCE=check|timeline:undated|shared|per-party`: one
    // run of the dated workload, for instruction counts under callgrind
    // (benches/instructions.sh dated).
    if let Some(what) = std::env::var_os("STANCE_DATED_ONCE") {
        let what = what.to_string_lossy().into_owned();
        let (command, dating) = what.split_once(':').unwrap();
        let w = generate::dated_disputes(7_700, 1, dating_of(dating));
        match command {
            "check" => verify_check(&w, &run(&w.text)),
            "timeline" => verify_timeline(&w, dating_of(dating), &timeline_run(&w.text)),
            other => panic!("unknown command {other}"),
        }
        return;
    }
    divan::main();
}

fn write_workloads(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let all = [
        ("disputes-1925", generate::disputes(1_925, 1)),
        ("disputes-3850", generate::disputes(3_850, 1)),
        ("disputes-7700", generate::disputes(7_700, 1)),
        ("disputes-15400", generate::disputes(15_400, 1)),
        ("disputes-77000", generate::disputes(77_000, 1)),
        ("scenarios-7700", generate::scenarios(7_700, 1)),
        ("weighted-7700", generate::weighted_disputes(7_700, 1, 100)),
        ("chain-200000", generate::chain(200_000)),
        (
            "dated-undated-7700",
            generate::dated_disputes(7_700, 1, Dating::Undated),
        ),
        (
            "dated-shared-7700",
            generate::dated_disputes(7_700, 1, Dating::Shared),
        ),
        (
            "dated-per-party-7700",
            generate::dated_disputes(7_700, 1, Dating::PerParty),
        ),
    ];
    for (name, w) in all {
        let path = dir.join(format!("{name}.stance"));
        std::fs::write(&path, &w.text).unwrap();
        println!(
            "{}: {} statements, {} planted conflicts",
            path.display(),
            w.statements,
            w.planted_conflicts
        );
    }
}

fn run(text: &str) -> (Report, String) {
    let fs = fs_with(text);
    let mut loader = Loader::new(&fs);
    let _ = loader.add_root("bench.stance");
    let loaded = loader.finish();
    // Every set is wanted: nothing may be truncated.
    let options = CheckOptions {
        time_budget: None,
        max_sets: usize::MAX,
    };
    let report = pipeline::run(&loaded, &options);
    let json = render::render(
        Format::Json,
        &report.diagnostics,
        &loaded.sources,
        &RenderOptions::default(),
    );
    (report, json)
}

/// Loads (reads, decodes, parses) and resolves the file `bench.stance` of
/// `fs`, as `stance check` does (`pipeline::resolve_unit`).
fn model_of(fs: &MemoryFs) -> stancecheck::model::Model {
    let mut loader = Loader::new(fs);
    let _ = loader.add_root("bench.stance");
    let loaded = loader.finish();
    let unit = pipeline::checked_units(&loaded)[0];
    pipeline::resolve_unit(&loaded, unit).0
}

/// [`model_of`], reduced to the number of statements (the model is
/// dropped inside the timed part).
fn parse_only(fs: &MemoryFs) -> usize {
    model_of(fs).statements.len()
}

fn conflicts(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.kind.name() == "conflict")
        .count()
}

/// Parse + resolve throughput (bytes of rule text) on the dense generated
/// disputes: a statement every ~45 bytes, no comments, labels or quotes.
#[divan::bench(args = [7_700])]
fn parse_resolve(bencher: divan::Bencher, disputes: usize) {
    let w = generate::disputes(disputes, 1);
    bench_parse(bencher, &w.text, w.statements);
}

/// The two halves of `parse_resolve`: the parser alone (text → tree, the
/// tree dropped)…
#[divan::bench(args = [7_700])]
fn parse_alone(bencher: divan::Bencher, disputes: usize) {
    let w = generate::disputes(disputes, 1);
    let file = stancecheck::source::FileId(0);
    let (ast, errors) = stancecheck::syntax::parse(file, &w.text);
    assert!(errors.is_empty() && !ast.items.is_empty());
    bencher
        .counter(divan::counter::BytesCount::new(w.text.len()))
        .bench(|| stancecheck::syntax::parse(file, divan::black_box(&w.text)));
}

/// …and resolution alone (tree → model, the model dropped).
#[divan::bench(args = [7_700])]
fn resolve_alone(bencher: divan::Bencher, disputes: usize) {
    let w = generate::disputes(disputes, 1);
    let mut sources = stancecheck::source::SourceMap::new();
    let file = sources.add("bench.stance", w.text.clone());
    let (ast, _) = stancecheck::syntax::parse(file, &w.text);
    let files = [(file, &ast)];
    let (model, diags) = stancecheck::resolve::resolve(&sources, &files);
    assert!(diags.is_empty() && model.statements.len() == w.statements);
    bencher
        .counter(divan::counter::BytesCount::new(w.text.len()))
        .bench(|| stancecheck::resolve::resolve(&sources, divan::black_box(&files)));
}

/// The rule files of `rules/` that stand alone (no include).
const CORPUS: [&str; 4] = [
    include_str!("../rules/ukraine-minerals-2025.stance"),
    include_str!("../rules/iran-nuclear-deal-2018.stance"),
    include_str!("../rules/brexit-backstop-2019.stance"),
    include_str!("../rules/cop29-climate-finance-2024.stance"),
];

/// Parse + resolve throughput on rule text as the corpus is written
/// (comments, labels, quotes): `copies` renamed copies of each rule file
/// of `rules/` that stands alone, in one file (260 copies: 5.9 MB).
#[divan::bench(args = [260])]
fn parse_resolve_corpus(bencher: divan::Bencher, copies: usize) {
    let text = generate::replicate(&CORPUS, copies);
    let one: usize = CORPUS.iter().map(|f| parse_only(&fs_with(f))).sum();
    bench_parse(bencher, &text, one * copies);
}

fn fs_with(text: &str) -> MemoryFs {
    let mut fs = MemoryFs::new();
    fs.insert("bench.stance", text.as_bytes().to_vec());
    fs
}

/// Times [`parse_only`] on `text`, after checking its statement count.
fn bench_parse(bencher: divan::Bencher, text: &str, statements: usize) {
    // The in-memory file system stands for the disk: filling it is not
    // timed (reading the file from it is).
    let fs = fs_with(text);
    assert_eq!(parse_only(&fs), statements);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| parse_only(divan::black_box(&fs)));
}

/// Checks a workload once (every planted conflict found exactly once,
/// nothing truncated, JSON rendered), then times the whole run.
fn bench_verified(bencher: divan::Bencher, w: &generate::Workload) {
    let (report, json) = run(&w.text);
    assert_eq!(conflicts(&report), w.planted_conflicts);
    assert!(!report.truncated);
    assert!(json.contains("\"diagnostics\""));
    bencher.bench(|| run(divan::black_box(&w.text)));
}

/// ~100k statements over independent disputes, half with a planted conflict.
#[divan::bench(args = [1_925, 3_850, 7_700, 15_400], sample_count = 5)]
fn disputes_with_conflicts(bencher: divan::Bencher, disputes: usize) {
    bench_verified(bencher, &generate::disputes(disputes, 1));
}

/// ~100k statements, no conflicts, a scenario per dispute, ~46k conditionals.
#[divan::bench(args = [7_700], sample_count = 5)]
fn scenarios_and_conditions(bencher: divan::Bencher, disputes: usize) {
    bench_verified(bencher, &generate::scenarios(disputes, 1));
}

/// One party with a 200,000-step implication chain.
#[divan::bench(args = [200_000], sample_count = 3)]
fn long_chain(bencher: divan::Bencher, steps: usize) {
    bench_verified(bencher, &generate::chain(steps));
}

/// 1M statements.
#[divan::bench(args = [77_000], sample_count = 1, sample_size = 1, ignore)]
fn million(bencher: divan::Bencher, disputes: usize) {
    bench_verified(bencher, &generate::disputes(disputes, 1));
}

/// Export of the group CNF of ~100k statements (clauses of H and A).
#[divan::bench(args = [7_700], sample_count = 5)]
fn export_gcnf(bencher: divan::Bencher, disputes: usize) {
    let w = generate::disputes(disputes, 1);
    let model = model_of(&fs_with(&w.text));
    let cnf = stancecheck::logic::export::cnf(&model);
    // 9 of the 13 statements of a dispute are red lines or assumptions.
    assert_eq!(cnf.groups.len(), 9 * disputes);
    bencher.bench(|| stancecheck::logic::export::cnf(divan::black_box(&model)));
}

/// All of `deals`: nothing cut short (no limit on the list, no deadline).
fn deals_options() -> stancecheck::deals::Options {
    stancecheck::deals::Options {
        max_deals: usize::MAX,
        ..stancecheck::deals::Options::default()
    }
}

/// Every dispute of the weighted workload shown, half with deals, half
/// with concessions, none truncated, a best deal or a cheapest concession
/// marked in each.
fn verify_deals(report: &stancecheck::deals::Report, disputes: usize) {
    use stancecheck::deals::State;
    assert_eq!(report.disputes.len(), disputes);
    assert!(!report.truncated);
    let conflicting = report
        .disputes
        .iter()
        .filter(|d| d.state == State::Conflicting)
        .count();
    assert_eq!(conflicting, disputes / 2);
    for d in &report.disputes {
        match d.state {
            State::Consistent => assert!(d.deals.iter().any(|x| x.standing.best)),
            State::Conflicting => assert!(d.concessions.iter().any(|x| x.standing.best)),
            s => panic!("unexpected state {s:?}"),
        }
    }
}

/// `stance deals` on ~100k statements with random weights (1 to 100) on
/// every wish and red line: every dispute's Pareto-optimal deals or
/// concessions, best total and cheapest marked (`deals::deals` on the
/// resolved model; parsing is `parse_resolve`).
#[divan::bench(args = [7_700], sample_count = 5)]
fn deals_weighted(bencher: divan::Bencher, disputes: usize) {
    let w = generate::weighted_disputes(disputes, 1, 100);
    let model = model_of(&fs_with(&w.text));
    let opts = deals_options();
    verify_deals(&stancecheck::deals::deals(&model, &opts), disputes);
    bencher.bench(|| stancecheck::deals::deals(divan::black_box(&model), &opts));
}

fn dating_of(name: &str) -> Dating {
    match name {
        "undated" => Dating::Undated,
        "shared" => Dating::Shared,
        "per-party" => Dating::PerParty,
        other => panic!("unknown dating {other}"),
    }
}

/// The findings of `stance check` on a dated workload as its generator
/// says: the planted conflicts of the state checked, exactly once,
/// nothing truncated, no reversal; a softened stance only when dated.
fn verify_check(w: &generate::Workload, (report, json): &(Report, String)) {
    assert_eq!(conflicts(report), w.planted_conflicts);
    assert!(!report.truncated);
    assert!(json.contains("\"diagnostics\""));
    let count = |name: &str| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.kind.name() == name)
            .count()
    };
    assert_eq!(count("reversal"), 0);
    assert_eq!(count("softened-stance") > 0, w.text.contains(" as of "));
}

/// `stance timeline --format json` on `text`, as the command runs it (no
/// limit on the sets, no time budget).
fn timeline_run(text: &str) -> (stancecheck::timeline::Timeline, String) {
    let fs = fs_with(text);
    let mut loader = Loader::new(&fs);
    let _ = loader.add_root("bench.stance");
    let loaded = loader.finish();
    let options = CheckOptions {
        time_budget: None,
        max_sets: usize::MAX,
    };
    let t = stancecheck::timeline::run(&loaded, &options).unwrap();
    let json = render::timeline::json(&t, &loaded.sources);
    (t, json)
}

/// The timeline of a dated workload: nothing truncated; undated, one
/// period with every planted conflict; shared dates, 10 dates and every
/// planted conflict of every snapshot once (dispute `10g + j` holds while
/// its parties are at snapshot `j`); per-party dates, many dates, each
/// planted conflict at most once (its parties' snapshots may not overlap
/// in time).
fn verify_timeline(
    w: &generate::Workload,
    dating: Dating,
    (t, json): &(stancecheck::timeline::Timeline, String),
) {
    assert!(!t.truncated);
    assert!(json.contains("\"findings\""));
    let held = t
        .findings
        .iter()
        .filter(|h| h.diagnostic.kind.name() == "conflict")
        .count();
    let all_planted = w.text.matches("\"planted\"").count();
    match dating {
        Dating::Undated => {
            assert!(t.dates.is_empty());
            assert_eq!(held, all_planted);
        }
        Dating::Shared => {
            assert_eq!(t.dates.len(), generate::SNAPSHOTS);
            assert_eq!(held, all_planted);
        }
        Dating::PerParty => {
            assert!(t.dates.len() > 1_000);
            assert!(held <= all_planted && held > 0);
        }
    }
    let latest = t.findings.iter().filter(|h| h.until.is_none());
    assert_eq!(
        latest
            .filter(|h| h.diagnostic.kind.name() == "conflict")
            .count(),
        w.planted_conflicts
    );
}

/// `stance check` on ~100k statements (7,700 disputes) whose parties
/// have 10 snapshots each (`generate::dated_disputes`): undated (the
/// baseline: the same statements, no dates), shared dates (10 in all),
/// per-party dates (thousands). Issue #18: dated within 3× of undated.
#[divan::bench(args = ["undated", "shared", "per-party"], sample_count = 5)]
fn dated_check(bencher: divan::Bencher, dating: &str) {
    let w = generate::dated_disputes(7_700, 1, dating_of(dating));
    verify_check(&w, &run(&w.text));
    bencher.bench(|| run(divan::black_box(&w.text)));
}

/// `stance timeline` on the same workloads (JSON rendered).
#[divan::bench(args = ["undated", "shared"], sample_count = 3)]
fn dated_timeline(bencher: divan::Bencher, dating: &str) {
    bench_timeline(bencher, dating_of(dating));
}

/// `stance timeline` with per-party dates (thousands of periods): minutes
/// at this size (docs/performance.md), so not in the default run
/// (`cargo bench --bench check -- --ignored dated_timeline_per_party`).
#[divan::bench(sample_count = 1, sample_size = 1, ignore)]
fn dated_timeline_per_party(bencher: divan::Bencher) {
    bench_timeline(bencher, Dating::PerParty);
}

fn bench_timeline(bencher: divan::Bencher, d: Dating) {
    let w = generate::dated_disputes(7_700, 1, d);
    verify_timeline(&w, d, &timeline_run(&w.text));
    bencher.bench(|| timeline_run(divan::black_box(&w.text)));
}

/// What `textDocument/rename` does on ~100k statements in one file: load
/// (read and parse), then `lsp::rename::plan` (every name of every file,
/// the models the name reaches, the clash check) for a topic of the first
/// dispute. Parsing alone is `parse_alone`.
#[divan::bench(args = [7_700], sample_count = 10)]
fn rename_load_and_plan(bencher: divan::Bencher, disputes: usize) {
    use stancecheck::lsp::rename;
    let w = generate::disputes(disputes, 1);
    let fs = fs_with(&w.text);
    let load = |fs: &MemoryFs| {
        let mut loader = Loader::new(fs);
        loader.add_root("bench.stance").unwrap();
        loader.finish()
    };
    let loaded = load(&fs);
    let file = stancecheck::source::FileId(0);
    let tree = loaded.ast(file).unwrap();
    let first = stancecheck::lsp::symbols::occurrences(tree)
        .into_iter()
        .find(|o| o.kind == stancecheck::lsp::symbols::SymbolKind::Topic)
        .unwrap();
    let at = first.span.start as usize;
    let plan = rename::plan(&loaded, file, at, "renamed_topic").unwrap();
    assert!(!plan.spans.is_empty());
    bencher.bench(|| {
        let loaded = load(divan::black_box(&fs));
        rename::plan(&loaded, file, at, "renamed_topic").map(|p| p.spans.len())
    });
}
