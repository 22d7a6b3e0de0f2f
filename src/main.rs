//! The `stance` command-line tool.

fn main() {
    std::process::exit(stancecheck_cli_placeholder());
}

fn stancecheck_cli_placeholder() -> i32 {
    0
}
