//! The `stance` command-line tool. All logic lives in [`cli`].

mod cli;

fn main() {
    std::process::exit(cli::main());
}
