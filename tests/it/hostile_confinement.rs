//! Confinement, end to end through the binary: no include, path argument
//! or directory walk reads a file outside the root. Each test puts a unique
//! marker in a file outside the root and checks that it appears in none of
//! the five output formats (nor on standard error), and that the output
//! says why the file was refused. Complements the two cases in tests/cli.rs.

use crate::support::hostile::{Run, TempDir, check_all_formats, diagnostic_names};

/// Outside content: the marker as a party name, in a label, a quote, a
/// comment and a broken line (so any diagnostic quoting the file would
/// show it).
const MARKER: &str = "MARKER_OUTSIDE_7f3a9c";

fn secret() -> String {
    format!(
        "# {MARKER}\nparty {MARKER} \"{MARKER}\"\ntopic t\nparty {MARKER} {{\n  {MARKER}: requires t \"{MARKER}\"\n}}\n{MARKER} ( broken\n"
    )
}

/// A tree: `outside/secret.stance` and `root/`, the working directory.
fn tree() -> TempDir {
    let t = TempDir::new("confine");
    t.write("outside/secret.stance", secret());
    t.write("outside/dir/secret.stance", secret());
    t.write(
        "root/ok.stance",
        "party a\ntopic x\nparty a {\n  requires x\n}\n",
    );
    t
}

/// [`tree`] with two links in `root/` that lead out of it:
/// `file-link.stance` to `outside/secret.stance` and `dir-link` to
/// `outside/dir`. Returns the tree and the root.
#[cfg(unix)]
fn tree_with_links_out() -> (TempDir, std::path::PathBuf) {
    use std::os::unix::fs::symlink;
    let t = tree();
    let root = t.path().join("root");
    symlink(
        t.path().join("outside/secret.stance"),
        root.join("file-link.stance"),
    )
    .unwrap();
    symlink(t.path().join("outside/dir"), root.join("dir-link")).unwrap();
    (t, root)
}

fn main_including(path: &str) -> String {
    format!("include \"{path}\"\nparty a\ntopic x\nparty a {{\n  requires x\n}}\n")
}

/// Runs `stance check ARGS` in `root` in every format; asserts the marker
/// appears nowhere and each output (or standard error) says `why`.
fn assert_refused(root: &std::path::Path, args: &[&str], why: &str) -> Vec<Run> {
    let runs = check_all_formats(root, args);
    for (run, format) in runs.iter().zip(crate::support::hostile::FORMATS) {
        assert!(
            !run.stdout.contains(MARKER) && !run.stderr.contains(MARKER),
            "--format {format} leaked the outside file:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        let said = format!("{}{}", run.stdout, run.stderr);
        // The GitHub and SARIF outputs escape or encode some characters;
        // compare on the words.
        let said = said.replace("%20", " ");
        assert!(
            said.contains(why),
            "--format {format} does not say `{why}`:\n{said}"
        );
        assert_ne!(
            run.code,
            Some(0),
            "--format {format}: a refused include is an error"
        );
    }
    runs
}

#[test]
fn include_climbing_out_with_dot_dot() {
    let t = tree();
    let root = t.path().join("root");
    t.write(
        "root/main.stance",
        main_including("../outside/secret.stance"),
    );
    t.write(
        "root/sub/deep.stance",
        main_including("../../outside/secret.stance"),
    );
    t.write(
        "root/sneaky.stance",
        main_including("sub/../../outside/secret.stance"),
    );
    t.write(
        "root/back.stance",
        main_including("..\\outside\\secret.stance"),
    );
    for file in [
        "main.stance",
        "sub/deep.stance",
        "sneaky.stance",
        "back.stance",
    ] {
        let runs = assert_refused(&root, &[file], "leaves the root");
        assert!(
            runs[2].stdout.contains("include-error"),
            "{}",
            runs[2].stdout
        );
    }
}

#[test]
fn include_with_an_absolute_path() {
    let t = tree();
    let root = t.path().join("root");
    let abs = t.path().join("outside/secret.stance");
    t.write("root/main.stance", main_including(abs.to_str().unwrap()));
    assert_refused(
        &root,
        &["main.stance"],
        "absolute include paths are not allowed",
    );
    // Even when the absolute path points inside the root.
    let inside = root.join("ok.stance");
    t.write(
        "root/inside.stance",
        main_including(inside.to_str().unwrap()),
    );
    assert_refused(
        &root,
        &["inside.stance"],
        "absolute include paths are not allowed",
    );
}

#[cfg(unix)]
#[test]
fn include_through_symlinks_leaving_the_root() {
    use std::os::unix::fs::symlink;
    let (t, root) = tree_with_links_out();
    // A link to a link that leaves.
    symlink(root.join("file-link.stance"), root.join("link-link.stance")).unwrap();
    // A relative link.
    symlink("../outside/secret.stance", root.join("rel-link.stance")).unwrap();
    for target in [
        "file-link.stance",
        "dir-link/secret.stance",
        "link-link.stance",
        "rel-link.stance",
    ] {
        t.write("root/main.stance", main_including(target));
        assert_refused(&root, &["main.stance"], "resolves outside the root");
    }
}

#[cfg(unix)]
#[test]
fn path_arguments_through_symlinks_leaving_the_root() {
    let (t, root) = tree_with_links_out();
    for arg in ["file-link.stance", "dir-link", "dir-link/secret.stance"] {
        let runs = assert_refused(&root, &[arg], "outside the root");
        for run in &runs {
            assert_eq!(run.code, Some(2), "{arg}: {}", run.stderr);
        }
    }
    // A path outside the working directory is the user's intent: without
    // `--root` the root becomes its directory. With `--root` it is refused.
    let runs = assert_refused(&root, &["--root", ".", "../outside"], "outside the root");
    for run in &runs {
        assert_eq!(run.code, Some(2), "{}", run.stderr);
    }
    // `--root` narrower than the path.
    let runs = assert_refused(
        t.path(),
        &["--root", "root", "outside/secret.stance"],
        "outside the root",
    );
    assert_eq!(runs[0].code, Some(2));
}

/// A walk of the root skips links that leave it: a link to an outside
/// directory is not descended into, a `*.stance` link to an outside file is
/// not read. The files inside the root are still checked.
#[cfg(unix)]
#[test]
fn walking_the_root_skips_links_that_leave_it() {
    use std::os::unix::fs::symlink;
    let (t, root) = tree_with_links_out();
    symlink(t.path().join("outside"), root.join("sub-link")).unwrap();
    t.write("root/broken.stance", "party b\n  ( nope\n");
    for args in [&["."][..], &[][..]] {
        let runs = check_all_formats(&root, args);
        for run in &runs {
            assert!(!run.stdout.contains(MARKER), "{}", run.stdout);
            assert!(!run.stderr.contains(MARKER), "{}", run.stderr);
            // The file inside the root was checked.
            assert!(run.stdout.contains("broken.stance"), "{}", run.stdout);
            assert_eq!(run.code, Some(1));
        }
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_errors_not_hangs() {
    use std::os::unix::fs::symlink;
    let t = tree();
    let root = t.path().join("root");
    symlink(root.join("loop-a.stance"), root.join("loop-b.stance")).unwrap();
    symlink(root.join("loop-b.stance"), root.join("loop-a.stance")).unwrap();
    symlink(root.join("nowhere.stance"), root.join("dangling.stance")).unwrap();
    for target in ["loop-a.stance", "dangling.stance"] {
        t.write("root/main.stance", main_including(target));
        let runs = check_all_formats(&root, &["main.stance"]);
        assert_eq!(runs[0].code, Some(1), "{}", runs[0].stdout);
        assert!(
            runs[0].stdout.contains("cannot include"),
            "{}",
            runs[0].stdout
        );
    }
    // Walking the root meets both links and still answers.
    let runs = check_all_formats(&root, &["."]);
    assert!(matches!(runs[0].code, Some(0..=2)));
}

#[test]
fn including_a_directory_or_nothing() {
    let t = tree();
    let root = t.path().join("root");
    t.write("root/d/x.stance", "party a\n");
    for (target, why) in [
        ("d", "it is a directory"),
        ("", "the include path is empty"),
        ("missing.stance", "no such file"),
        (".", "names no file"),
    ] {
        t.write("root/main.stance", main_including(target));
        let runs = check_all_formats(&root, &["main.stance"]);
        for run in &runs {
            assert_eq!(run.code, Some(1));
        }
        assert!(
            runs[0].stdout.contains(why),
            "{target:?}: {}",
            runs[0].stdout
        );
    }
}

#[test]
fn include_cycles_name_the_cycle() {
    let t = TempDir::new("confine");
    t.write("a.stance", "include \"sub/b.stance\"\nparty a\n");
    t.write("sub/b.stance", "include \"c.stance\"\ntopic b\n");
    t.write("sub/c.stance", "include \"../a.stance\"\ntopic c\n");
    t.write("self.stance", "include \"self.stance\"\nparty s\n");
    let runs = check_all_formats(t.path(), &["a.stance"]);
    let human = &runs[0].stdout;
    assert_eq!(runs[0].code, Some(1));
    assert!(
        human.contains("include cycle: `a.stance` → `sub/b.stance` → `sub/c.stance` → `a.stance`"),
        "{human}"
    );
    let runs = check_all_formats(t.path(), &["self.stance"]);
    assert!(
        runs[0]
            .stdout
            .contains("include cycle: `self.stance` → `self.stance`"),
        "{}",
        runs[0].stdout
    );
}

/// A diamond: `main` includes `left` and `right`, both include `common`;
/// `common` is loaded once, so its one broken line is one syntax error and
/// its party label is not a conflicting label.
#[test]
fn a_file_included_twice_is_loaded_once() {
    let t = TempDir::new("confine");
    t.write(
        "main.stance",
        "include \"left.stance\"\ninclude \"right.stance\"\ninclude \"./common.stance\"\nparty m\nparty m { requires shared }\n",
    );
    t.write("left.stance", "include \"common.stance\"\n");
    t.write("right.stance", "include \"sub/../common.stance\"\n");
    t.write(
        "common.stance",
        "party c \"Common\"\ntopic shared\nparty c { requires shared }\n( broken\n",
    );
    let runs = check_all_formats(t.path(), &["main.stance"]);
    let v: serde_json::Value = serde_json::from_str(&runs[2].stdout).unwrap();
    let names = diagnostic_names(&v);
    assert_eq!(
        names.iter().filter(|n| **n == "syntax-error").count(),
        1,
        "{names:?}"
    );
    assert!(!names.contains(&"conflicting-label"), "{names:?}");
    assert!(!names.contains(&"include-error"), "{names:?}");
}

#[test]
fn includes_nested_too_deeply_stop() {
    let t = TempDir::new("confine");
    let n = 200;
    for i in 0..n {
        t.write(
            &format!("f{i}.stance"),
            format!("include \"f{}.stance\"\ntopic t{i}\n", i + 1),
        );
    }
    t.write(&format!("f{n}.stance"), "party last\n");
    let runs = check_all_formats(t.path(), &["f0.stance"]);
    assert_eq!(runs[0].code, Some(1));
    assert!(
        runs[0].stdout.contains("nested more than 64 levels"),
        "{}",
        runs[0].stdout
    );
}
