//! The `stance` command-line tool. All logic lives in [`cli`].

mod cli;

/// mimalloc instead of the system allocator: the checker allocates and
/// frees many small blocks (see docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An internal impossibility (a panic: a bug, never a state of the input)
/// is reported as an internal error with exit code 2, never as a result.
fn main() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "stance: internal error: {info}\n\
             this is a bug in stancecheck, not a finding about the rule files; \
             please report it with the input that caused it"
        );
    }));
    let code = std::panic::catch_unwind(cli::main).unwrap_or(2);
    std::process::exit(code);
}
