//! Test scaffolding shared by the CLI suites and `tests/hostile_support`:
//! a temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory, named after `tag`, the process and a counter
    /// (its real path: symbolic links resolved, so that the confinement
    /// tests can compare it with where links lead).
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stance-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(std::fs::canonicalize(dir).unwrap())
    }

    /// Writes a file (creating its directories).
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &TempDir {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap()
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the `stance` binary with `args` in `dir`, with `stdin` as standard
/// input (none: empty), `NO_COLOR` and `GITHUB_ACTIONS` removed from the
/// environment and then `env` set. The one way the suites run the binary.
pub fn run_stance(
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> std::process::Output {
    use std::process::{Command, Stdio};
    // `option_env!`: the fuzz crate shares this file and has no binary.
    let Some(bin) = option_env!("CARGO_BIN_EXE_stance") else {
        panic!("the `stance` binary is built by `cargo test` only");
    };
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        // The binary may exit without reading its input (a usage error):
        // a broken pipe here is its answer, not a failure of the test.
        let _ = child.stdin.take().unwrap().write_all(input);
    }
    child.wait_with_output().unwrap()
}
