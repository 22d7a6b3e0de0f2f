//! The `stance` command-line tool. All logic lives in [`cli`].

mod cli;

/// mimalloc instead of the system allocator: the checker allocates and
/// frees many small blocks (see docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
