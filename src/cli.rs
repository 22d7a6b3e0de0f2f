//! Command-line interface: it only wires. It parses arguments into library
//! values (`levels::Levels`, `render::ColorChoice`, `workspace::Root`,
//! `graph::Highlight`), does the I/O the library never does (the disk file
//! system, directory walking, standard input, asking whether a stream is a
//! terminal), calls the library, and writes the output and the exit code.
//! The only place (with `render`) that knows about the terminal.

use clap::{Args, Parser, Subcommand, ValueEnum};
use stancecheck::check::CheckOptions;
use stancecheck::diagnostic::{Diagnostic, Kind, Severity};
use stancecheck::disk::DiskFs;
use stancecheck::levels::{self, Levels};
use stancecheck::load::{FsError, Loaded, Loader};
use stancecheck::model::Model;
use stancecheck::pipeline;
use stancecheck::render::{self, ColorChoice, Format, RenderOptions};
use stancecheck::source::{FileId, SourceMap};
use stancecheck::workspace::{self, Root};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Exit code: no error-level diagnostics.
const EXIT_OK: i32 = 0;
/// Exit code: error-level diagnostics (or denied warnings) were found.
const EXIT_FINDINGS: i32 = 1;
/// Exit code: the checker could not do its job.
const EXIT_TROUBLE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "stance",
    version,
    about = "Checks whether the stances of the parties to a dispute can all hold together",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check rule files for contradictions, conflicts and failed expectations
    Check(CheckArgs),
    /// Explain a diagnostic by name or code (e.g. `conflict`, `SC1003`)
    Explain(ExplainArgs),
    /// Draw the dispute: parties and topics as nodes, statements as edges
    Graph(GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output
    Man,
    /// Format rule files in place in the canonical layout
    Fmt(FmtArgs),
    /// Print the clauses of the red lines and assumptions (DIMACS or group CNF)
    Export(ExportArgs),
    /// Run the language server on standard input and output (see docs/editors.md)
    Lsp,
    /// Show the Pareto-optimal deals, or the cheapest concessions, per dispute
    Deals(DealsArgs),
    /// Date by date, the findings that appear and disappear (LANGUAGE.md §11)
    Timeline(timeline::TimelineArgs),
}

mod deals;
mod timeline;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DealsFormat {
    Human,
    Json,
}

#[derive(Args, Debug)]
struct DealsArgs {
    /// Files and directories (`*.stance` below a directory, sorted); `-`
    /// reads standard input. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Ask inside this scenario: it holds in every outcome
    #[arg(long, value_name = "S")]
    scenario: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DealsFormat::Human)]
    format: DealsFormat,
    /// At most this many deals (or concessions) per dispute (at least 1; the
    /// best-total and the fairest are always listed, exact, even past it)
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    max_deals: u32,
    /// Time budget for the whole run, in seconds (0: no limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_budget,
          allow_hyphen_values = true)]
    time_budget: f64,
    /// Root directory: includes may not leave it; output paths are relative
    /// to it. Default: the current directory.
    #[arg(long)]
    root: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

#[derive(Args, Debug)]
struct GraphArgs {
    /// The root rule file to draw (with its includes)
    path: PathBuf,
    /// Output format (for SVG: `stance graph FILE | dot -Tsvg > out.svg`)
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Draw the members of findings thicker: a finding name or code
    /// (`conflict`, `infeasible-scenario`, …) or `scenario:NAME` (repeatable;
    /// an unknown name is a usage error)
    #[arg(long, value_name = "FINDING")]
    highlight: Vec<String>,
    /// Draw the state at this date (YYYY-MM-DD): each party's undated
    /// statements and its latest snapshot on or before it (default: every
    /// statement, each dated one marked with its snapshot's date)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<stancecheck::date::Date>,
    /// Root directory (default: the current directory)
    #[arg(long)]
    root: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files and directories to check (`*.stance` below a directory, sorted);
    /// `-` reads standard input. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, default_value = "human", value_parser = format_names())]
    format: Format,
    /// When to use colour (also obeys NO_COLOR)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Root directory: includes may not leave it; output paths are relative
    /// to it. Default: the current directory.
    #[arg(long)]
    root: Option<PathBuf>,
    /// Name to show for standard input
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    /// Treat a diagnostic (name or code) as an error; `warnings` denies all
    /// warnings, `infos` all infos
    #[arg(short = 'D', long = "deny", value_name = "NAME")]
    deny: Vec<String>,
    /// Treat a diagnostic (name or code) as a warning; `infos`: all infos
    #[arg(short = 'W', long = "warn", value_name = "NAME")]
    warn: Vec<String>,
    /// Do not report a diagnostic (name or code), or a whole severity
    /// (`infos`, `warnings`); input errors cannot be allowed
    #[arg(short = 'A', long = "allow", value_name = "NAME")]
    allow: Vec<String>,
    /// Maximum number of minimal sets reported per finding kind (at least 1)
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    max_conflicts: u32,
    /// Time budget for the whole check, in seconds (0: no limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_budget,
          allow_hyphen_values = true)]
    time_budget: f64,
    /// Check the state at this date (YYYY-MM-DD): each party's undated
    /// statements and its latest snapshot on or before it
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<stancecheck::date::Date>,
    /// Apply the safe fixes in place, then report what is left
    #[arg(long)]
    fix: bool,
    /// With --fix: print a unified diff of the fixes and write nothing
    #[arg(long, requires = "fix")]
    diff: bool,
}

/// A `--as-of` value.
fn parse_date(s: &str) -> Result<stancecheck::date::Date, String> {
    stancecheck::date::Date::parse(s).map_err(|e| format!("`{s}` is not a date: {e}"))
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// Diagnostic name or code
    name: Option<String>,
    /// List every diagnostic with its code, default severity and summary
    #[arg(long)]
    list: bool,
}

/// `--format`: the names of the library's formats ([`Format::name`]).
fn format_names() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.iter().map(|f| f.name()))
        .try_map(|name| Format::from_name(&name).ok_or("no such format"))
}

/// A time budget: a finite number of seconds, not negative.
fn parse_budget(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "the time budget must be a number of seconds ≥ 0, not `{s}` (0: no limit)"
        )),
    }
}

/// Runs the tool; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Explain(args) => run_explain(args),
        Command::Graph(args) => run_graph(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "stance", &mut buf);
            emit(&String::from_utf8_lossy(&buf), EXIT_OK)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut buf) {
                Ok(()) => emit(&String::from_utf8_lossy(&buf), EXIT_OK),
                Err(e) => trouble(format!("cannot render the man page: {e}")),
            }
        }
        Command::Fmt(args) => run_fmt(args),
        Command::Export(args) => run_export(args),
        Command::Lsp => stancecheck::lsp::run_stdio(),
        Command::Deals(args) => deals::run(args),
        Command::Timeline(args) => timeline::run(args),
    }
}

fn trouble(message: impl std::fmt::Display) -> i32 {
    // Messages name paths found on disk: untrusted text.
    let message = message.to_string();
    let message = printable(&message, false);
    let _ = writeln!(std::io::stderr(), "stance: error: {message}");
    EXIT_TROUBLE
}

/// Untrusted text (file names, file contents) made safe to print: control
/// characters (all but `\n` and tab when `keep_newlines`), bidirectional controls
/// and Unicode line separators become visible escapes (`\u{1b}`), so they
/// cannot drive a terminal or start a GitHub workflow command on a line of
/// their own.
fn printable(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| render::is_unsafe_char(c) && !(keep_newlines && matches!(c, '\n' | '\t'));
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if !keep_newlines => out.push_str("\\n"),
            c if bad(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes to stdout; a closed pipe ends quietly.
fn emit(text: &str, code: i32) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => trouble(format!("cannot write output: {e}")),
    }
}

// ---- standard streams -----------------------------------------------

/// Reads all of standard input; reports trouble and returns the exit code
/// on failure.
fn read_stdin() -> Result<Vec<u8>, i32> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| trouble(format!("cannot read standard input: {e}")))?;
    Ok(bytes)
}

/// Whether to colour a stream: `--color`, `NO_COLOR` and whether the
/// stream is a terminal, decided by [`ColorChoice::use_color`].
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    choice.use_color(std::env::var_os("NO_COLOR").as_deref(), is_terminal)
}

/// Shows error diagnostics on standard error in the human format, coloured
/// as `--color auto` would colour them there.
fn show_errors(errors: &[Diagnostic], sources: &SourceMap) {
    let color = use_color(ColorChoice::Auto, std::io::stderr().is_terminal());
    let options = RenderOptions {
        color,
        truncated: false,
    };
    let text = render::render(Format::Human, errors, sources, &options);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Collects `*.stance` files below `dir`, sorted, without following
/// symbolic links to directories. Iterative.
fn walk(dir: &Path, ignored: &[PathBuf], out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        if ignored.iter().any(|i| d.starts_with(i)) {
            continue;
        }
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("cannot read `{}`: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", d.display()))?;
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                if !workspace::skip_dir(&name) {
                    stack.push(path);
                }
            } else if (ft.is_file() || ft.is_symlink())
                && path.extension().is_some_and(|e| e == "stance")
                && !ignored.iter().any(|i| path.starts_with(i))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}

/// A path given on the command line: a file stands for itself, a directory
/// for the `*.stance` files below it.
fn expand(path: PathBuf, ignored: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    if path.is_dir() {
        walk(&path, ignored, &mut files)?;
    } else {
        files.push(path);
    }
    Ok(files)
}

/// Paths listed in `ROOT/.stanceignore` (one root-relative path a line,
/// `#` comments), skipped when walking directories.
fn read_ignore(root: &Path) -> Vec<PathBuf> {
    match std::fs::read_to_string(root.join(".stanceignore")) {
        Ok(text) => workspace::ignored_paths(root, &text),
        Err(_) => Vec::new(),
    }
}

/// Where one run reads: the working directory, the root (canonical), and
/// how root-relative paths are shown. The one place that opens the root
/// for `check`, `graph` and `export` ([`Root::choose`] decides it).
struct Workspace {
    cwd: PathBuf,
    root: PathBuf,
    /// See [`Root::shown_prefix`].
    shown_prefix: String,
}

impl Workspace {
    /// Opens the root [`Root::choose`] decides. Reports trouble and
    /// returns the exit code on failure.
    fn open(root: Option<&Path>, named: &[PathBuf]) -> Result<Workspace, i32> {
        let cwd = std::env::current_dir()
            .map_err(|e| trouble(format!("cannot read the current directory: {e}")))?;
        let chosen = Root::choose(&cwd, root, named, Path::is_dir);
        let shown = &chosen.shown;
        let root = match std::fs::canonicalize(&chosen.path) {
            Ok(r) if r.is_dir() => r,
            Ok(_) => return Err(trouble(format!("root `{shown}` is not a directory"))),
            Err(e) if chosen.explicit => {
                return Err(trouble(format!("cannot open root `{shown}`: {e}")));
            }
            Err(e) => return Err(trouble(format!("cannot open `{shown}`: {e}"))),
        };
        Ok(Workspace {
            cwd,
            root,
            shown_prefix: chosen.shown_prefix,
        })
    }

    /// The root-relative path of a path named on the command line, which
    /// must lie inside the root (after symbolic links).
    fn locate_relative(&self, path: &Path) -> Result<String, String> {
        let real = self.locate(path)?;
        workspace::root_relative(&self.root, &real)
            .ok_or_else(|| format!("`{}` is outside the root", path.display()))
    }

    /// The real location of a path named on the command line, which must
    /// lie inside the root (after symbolic links).
    fn locate(&self, path: &Path) -> Result<PathBuf, String> {
        let real = std::fs::canonicalize(self.cwd.join(path))
            .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
        if workspace::root_relative(&self.root, &real).is_none() {
            return Err(format!(
                "`{}` is outside the root `{}` (see --root)",
                path.display(),
                self.root.display()
            ));
        }
        Ok(real)
    }

    /// Shows the files read from disk (every file but `stdin`) as the user
    /// named them: see [`Workspace::shown_prefix`].
    fn show_paths(&self, sources: &mut SourceMap, stdin: &[FileId]) {
        if self.shown_prefix.is_empty() {
            return;
        }
        let renamed: Vec<(FileId, String)> = sources
            .files()
            .iter()
            .filter(|f| !stdin.contains(&f.id))
            .map(|f| (f.id, format!("{}{}", self.shown_prefix, f.path)))
            .collect();
        for (id, path) in renamed {
            sources.set_path(id, path);
        }
    }
}

/// Opens the workspace of `paths` (none: the current directory) and adds
/// every rule file they name as a root: a directory stands for the
/// `*.stance` files below it, `-` for standard input (shown as
/// `stdin_name`). The one loading loop of `check`, `deals` and `timeline`:
/// the workspace, the loaded files, the ids of those read from standard
/// input and the root-relative paths of the roots from disk; or the exit
/// code after trouble was reported.
fn load_roots(
    paths: &[PathBuf],
    root: Option<&Path>,
    stdin_name: &str,
) -> Result<(Workspace, Loaded, Vec<FileId>, Vec<String>), i32> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let ws = Workspace::open(root, &paths)?;
    let fs = DiskFs {
        root: ws.root.clone(),
    };
    let mut loader = Loader::new(&fs);
    let ignored = read_ignore(&ws.root);
    let mut stdin = Vec::new();
    let mut roots = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let bytes = read_stdin()?;
            stdin.push(loader.add_text(stdin_name, &bytes));
            continue;
        }
        let real = ws.locate(path).map_err(trouble)?;
        let is_dir = real.is_dir();
        let files = expand(real, &ignored).map_err(trouble)?;
        if is_dir && files.is_empty() {
            // Not an error (exit 0, as ruff does): an empty directory is a
            // valid rule set. But a run that checks nothing must not look
            // like a clean one.
            let _ = writeln!(
                std::io::stderr(),
                "stance: warning: no `*.stance` files found in `{}`: nothing checked there",
                printable(&path.display().to_string(), false)
            );
        }
        for file in files {
            let Some(rel) = fs.relative(&file) else {
                continue;
            };
            roots.push(rel.clone());
            if let Err(e) = loader.add_root(&rel) {
                let shown = format!("{}{rel}", ws.shown_prefix);
                match e {
                    // Named paths were opened above, so these are links
                    // found while walking: skipped, and said so.
                    FsError::OutsideRoot | FsError::NotFound => {
                        let _ = writeln!(
                            std::io::stderr(),
                            "stance: warning: skipping `{}`: {e}",
                            printable(&shown, false)
                        );
                    }
                    e => return Err(trouble(format!("cannot read `{shown}`: {e}"))),
                }
            }
        }
    }
    Ok((ws, loader.finish(), stdin, roots))
}

// ---- check ----------------------------------------------------------

// CheckOptions may gain fields; start from its defaults.
#[allow(clippy::field_reassign_with_default)]
fn run_check(args: CheckArgs) -> i32 {
    let levels = match Levels::from_flags(&args.allow, &args.warn, &args.deny) {
        Ok(l) => l,
        Err(e) => return trouble(e),
    };
    if args.fix && args.paths.iter().any(|p| p.as_os_str() == "-") {
        return trouble("`--fix` cannot rewrite standard input; give the files");
    }
    let name = args.stdin_filename.as_deref().unwrap_or("<stdin>");
    let (ws, mut loaded, stdin, roots) = match load_roots(&args.paths, args.root.as_deref(), name) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut options = CheckOptions::default();
    options.max_sets = args.max_conflicts as usize;
    options.time_budget = if args.time_budget > 0.0 {
        Some(Duration::from_secs_f64(args.time_budget))
    } else {
        None
    };
    let report = if args.fix {
        drop(loaded);
        let fs = DiskFs {
            root: ws.root.clone(),
        };
        let run = stancecheck::fix::fix_run(&fs, &roots, &options, args.as_of);
        if args.diff {
            let mut out = String::new();
            for (path, old, new) in &run.changed {
                let shown = format!("{}{path}", ws.shown_prefix);
                let name = printable(&shown, false);
                let diff = similar::TextDiff::from_lines(old.as_str(), new.as_str())
                    .unified_diff()
                    .header(&name, &name)
                    .to_string();
                out.push_str(&printable(&diff, true));
            }
            let code = if run.changed.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            };
            return emit(&out, code);
        }
        for (path, _, new) in &run.changed {
            if let Err(e) = std::fs::write(fs.root.join(path), new) {
                return trouble(format!("cannot write `{}{path}`: {e}", ws.shown_prefix));
            }
        }
        if run.fixes > 0 {
            let _ = writeln!(
                std::io::stderr(),
                "stance: applied {} fix{} in {} file{}",
                run.fixes,
                if run.fixes == 1 { "" } else { "es" },
                run.changed.len(),
                if run.changed.len() == 1 { "" } else { "s" },
            );
        }
        loaded = run.loaded;
        run.report
    } else {
        pipeline::run_freeing_syntax_at(&mut loaded, &options, args.as_of)
    };
    ws.show_paths(&mut loaded.sources, &stdin);
    let diagnostics = levels.apply(report.diagnostics);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let choice = match args.color {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    };
    let color = use_color(choice, std::io::stdout().is_terminal());
    let text = render::render(
        args.format,
        &diagnostics,
        &loaded.sources,
        &RenderOptions {
            color,
            truncated: report.truncated,
        },
    );
    emit(&text, if failed { EXIT_FINDINGS } else { EXIT_OK })
}

// ---- explain --------------------------------------------------------

fn run_explain(args: ExplainArgs) -> i32 {
    if args.list || args.name.is_none() {
        return emit(&render::kind_list(), EXIT_OK);
    }
    let name = args.name.unwrap_or_default();
    match Kind::from_name_or_code(&name) {
        Some(kind) => {
            let doc = render::explain(kind);
            let doc = if doc.ends_with('\n') {
                doc.to_owned()
            } else {
                format!("{doc}\n")
            };
            emit(&doc, EXIT_OK)
        }
        None => trouble(levels::unknown_diagnostic(&name)),
    }
}

// ---- one model (graph, export) --------------------------------------

/// Loads one root file with its includes (`None` or `-`: standard input)
/// under `root` (default: the working directory) and resolves it. Returns
/// the loaded files, the model and its error diagnostics (input errors:
/// the model is then partial), or an exit code after reporting the
/// trouble.
fn load_model(
    path: Option<&Path>,
    root: Option<&Path>,
    nothing: &str,
) -> Result<(Loaded, Model, Vec<Diagnostic>), i32> {
    let named: Vec<PathBuf> = path.map(Path::to_path_buf).into_iter().collect();
    let ws = Workspace::open(root, &named)?;
    let fs = DiskFs {
        root: ws.root.clone(),
    };
    let mut loader = Loader::new(&fs);
    let mut stdin = Vec::new();
    match path {
        Some(path) if path.as_os_str() != "-" => {
            let rel = ws.locate_relative(path).map_err(trouble)?;
            loader
                .add_root(&rel)
                .map_err(|e| trouble(format!("cannot read `{}{rel}`: {e}", ws.shown_prefix)))?;
        }
        _ => {
            if std::io::stdin().is_terminal() {
                let _ = writeln!(
                    std::io::stderr(),
                    "stance: reading rules from standard input (end with Ctrl-D; give a FILE to read it instead)"
                );
            }
            let bytes = read_stdin()?;
            stdin.push(loader.add_text("<stdin>", &bytes));
        }
    }
    let mut loaded = loader.finish();
    ws.show_paths(&mut loaded.sources, &stdin);
    let Some(unit) = loaded.units.first() else {
        return Err(trouble(nothing));
    };
    let (model, diags) = pipeline::resolve_unit(&loaded, unit);
    let errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .cloned()
        .chain(diags)
        .filter(|d| d.severity == Severity::Error)
        .collect();
    Ok((loaded, model, errors))
}

// ---- graph ----------------------------------------------------------

/// `stance graph`: a file with input errors is not drawn (its model would
/// be partial): its error diagnostics go to stderr as `stance check` shows
/// them, stdout stays empty, and the exit code is 1. A `--highlight` that
/// names no finding kind or no scenario of the file is a usage error (2).
fn run_graph(args: GraphArgs) -> i32 {
    if args.path.as_os_str() != "-" && args.path.is_dir() {
        return trouble(format!(
            "`{}` is a directory; `stance graph` draws one rule file (with its includes)",
            args.path.display()
        ));
    }
    let (loaded, model, errors) =
        match load_model(Some(&args.path), args.root.as_deref(), "nothing to draw") {
            Ok(x) => x,
            Err(code) => return code,
        };
    if !errors.is_empty() {
        show_errors(&errors, &loaded.sources);
        let _ = writeln!(
            std::io::stderr(),
            "stance: error: `{}` has errors; nothing drawn (a partial model would mislead)",
            printable(&args.path.display().to_string(), false)
        );
        return EXIT_FINDINGS;
    }
    // the state at a date is a model like any other: drawn, highlighted
    // and checked as it is
    let model = match args.as_of {
        Some(d) => model.state_at(Some(d)),
        None => model,
    };
    let mut wanted = Vec::new();
    for h in &args.highlight {
        match stancecheck::graph::parse_highlight(&model, h) {
            Ok(w) => wanted.push(w),
            Err(e) => return trouble(format!("--highlight: {e}")),
        }
    }
    let highlight = stancecheck::graph::highlighted(&model, &wanted);
    let g = stancecheck::graph::build(&model, &highlight);
    let text = match args.format {
        GraphFormat::Dot => stancecheck::graph::to_dot(&model, &g),
        GraphFormat::Mermaid => stancecheck::graph::to_mermaid(&model, &g),
        GraphFormat::Json => match serde_json::to_string_pretty(&g) {
            Ok(s) => s + "\n",
            Err(e) => return trouble(e),
        },
    };
    emit(&text, EXIT_OK)
}

// ---- fmt ------------------------------------------------------------

#[derive(Args, Debug)]
struct FmtArgs {
    /// Files and directories to format (`*.stance` below a directory,
    /// sorted); `-` formats standard input to standard output. Default: the
    /// current directory.
    paths: Vec<PathBuf>,
    /// Rewrite nothing: print a unified diff for each file that is not
    /// formatted, and exit with 1 if there is one
    #[arg(long)]
    check: bool,
}

fn run_fmt(args: FmtArgs) -> i32 {
    use stancecheck::source::decode;
    let cwd = match std::env::current_dir() {
        Ok(c) => c,
        Err(e) => return trouble(format!("cannot read the current directory: {e}")),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // Everything is read before anything is written: an unreadable path
    // stops the run with no file changed.
    let ignored = read_ignore(&cwd);
    let mut inputs: Vec<(Option<PathBuf>, String, Vec<u8>)> = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let bytes = match read_stdin() {
                Ok(b) => b,
                Err(code) => return code,
            };
            inputs.push((None, "<stdin>".to_owned(), bytes));
            continue;
        }
        let abs = cwd.join(path);
        if let Err(e) = std::fs::metadata(&abs) {
            return trouble(format!("cannot open `{}`: {e}", path.display()));
        }
        // A symbolic link found while walking a directory is formatted only
        // when it leads to a file inside that directory: `fmt` writes, and
        // must not rewrite a file elsewhere that a link happens to name
        // (`check` skips such links the same way). A file named on the
        // command line is formatted where it leads.
        let walked = std::fs::canonicalize(&abs).ok().filter(|_| abs.is_dir());
        let files = match expand(abs, &ignored) {
            Ok(f) => f,
            Err(e) => return trouble(e),
        };
        for file in files {
            if let Some(dir) = &walked
                && std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_symlink())
                && !std::fs::canonicalize(&file).is_ok_and(|real| real.starts_with(dir))
            {
                continue;
            }
            let shown = workspace::shown_path(&workspace::lexical(&cwd, &file), &cwd);
            match std::fs::read(&file) {
                Ok(bytes) => inputs.push((Some(file), shown, bytes)),
                Err(e) => return trouble(format!("cannot read `{shown}`: {e}")),
            }
        }
    }
    let mut sources = SourceMap::new();
    let mut errors = Vec::new();
    let mut failed = false;
    let mut out = String::new();
    for (file, shown, bytes) in inputs {
        let formatted = match decode(&bytes) {
            Ok(text) => {
                let id = sources.add(shown.clone(), text.clone());
                stancecheck::format::format_source(id, &text)
            }
            Err(offset) => {
                let id = sources.add(shown.clone(), String::new());
                Err(vec![Diagnostic::invalid_utf8(id, offset)])
            }
        };
        let formatted = match formatted {
            Ok(f) => f,
            Err(e) => {
                // left untouched; standard input is passed through
                errors.extend(e);
                failed = true;
                if file.is_none() && !args.check {
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
                continue;
            }
        };
        let changed = formatted.as_bytes() != bytes.as_slice();
        if args.check {
            if changed {
                failed = true;
                let old = String::from_utf8_lossy(&bytes);
                let name = printable(&shown, false);
                let diff = similar::TextDiff::from_lines(old.as_ref(), formatted.as_str())
                    .unified_diff()
                    .header(&name, &name)
                    .to_string();
                // The diff shows the file's own text: untrusted.
                out.push_str(&printable(&diff, true));
            }
            continue;
        }
        match file {
            None => out.push_str(&formatted),
            Some(path) if changed => {
                if let Err(e) = std::fs::write(&path, formatted) {
                    return trouble(format!("cannot write `{shown}`: {e}"));
                }
            }
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        show_errors(&errors, &sources);
    }
    emit(&out, if failed { EXIT_FINDINGS } else { EXIT_OK })
}

// ---- export ---------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Dimacs,
    Gcnf,
    Wcnf,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// The root rule file (with its includes); `-` or nothing reads
    /// standard input
    path: Option<PathBuf>,
    /// `dimacs`: all clauses; `gcnf`: group CNF, one group per statement
    /// (group 0: auxiliary definitions and `X@P -> X` axioms); `wcnf`:
    /// weighted MaxSAT, each red line soft with its weight (its optimum is
    /// the cheapest concession total)
    #[arg(long, value_enum, default_value_t = ExportFormat::Dimacs)]
    format: ExportFormat,
    /// Root directory (default: the current directory)
    #[arg(long)]
    root: Option<PathBuf>,
}

fn run_export(args: ExportArgs) -> i32 {
    let (loaded, model, errors) = match load_model(
        args.path.as_deref(),
        args.root.as_deref(),
        "nothing to export",
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !errors.is_empty() {
        let text = render::render(
            Format::Short,
            &errors,
            &loaded.sources,
            &RenderOptions::default(),
        );
        let _ = std::io::stderr().write_all(text.as_bytes());
        return trouble("the rules have errors; nothing exported");
    }
    let text = match args.format {
        ExportFormat::Dimacs => stancecheck::logic::export::dimacs(&model, &loaded.sources),
        ExportFormat::Gcnf => stancecheck::logic::export::gcnf(&model, &loaded.sources),
        ExportFormat::Wcnf => stancecheck::logic::export::wcnf(&model, &loaded.sources),
    };
    emit(&text, EXIT_OK)
}
