//! Where a run reads, decided on paths as values: the root when `--root` is
//! not given, whether a real path lies inside the root, how paths are shown
//! to the user, and which directories and files a walk skips
//! (docs/decisions.md, "Inputs and files").
//!
//! No I/O: the caller gives the working directory, asks the file system
//! (`std::fs::canonicalize`, `is_dir`) and hands the answers in. The binary
//! and a language server share these rules.

use std::path::{Component, Path, PathBuf};

/// A path made absolute against `cwd` and normalised lexically: `.`
/// dropped, `..` takes off the component before it (never above `/`).
/// Symbolic links are not looked at.
pub fn lexical(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The deepest directory that contains both absolute paths.
pub fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// The names of a path's normal components.
fn names(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// An absolute, lexically normal path as shown to the user, with `/`
/// separators: relative to the working directory when it is below it
/// (`rules/a.stance`), with `..` when it shares more than the file system
/// root with it (`../x.stance`), absolute otherwise (`/tmp/x.stance`).
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    let common = common_ancestor(path, cwd);
    let shared = names(&common).len();
    if shared == 0 && !path.starts_with(cwd) {
        return format!("/{}", names(path).join("/"));
    }
    let up = names(cwd).len().saturating_sub(shared);
    let mut parts = vec!["..".to_owned(); up];
    parts.extend(names(path).into_iter().skip(shared));
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// The root-relative path (with `/` separators) of a real path (symbolic
/// links resolved), or `None` when it is not inside the (canonical) root:
/// the one test of root confinement on real paths, for the files the
/// loader reads and for the paths named on the command line.
pub fn root_relative(root: &Path, real: &Path) -> Option<String> {
    let rel = real.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// The root of a run as decided from the command line, before the file
/// system is asked whether it exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// The root: `--root` joined to the working directory, or the deepest
    /// directory holding every named path (absolute, lexically normal).
    pub path: PathBuf,
    /// How to name the root in messages: `--root` as given, otherwise as
    /// [`shown_path`] shows it.
    pub shown: String,
    /// Whether `--root` gave it.
    pub explicit: bool,
    /// Put before a root-relative path to show it: empty when the root is
    /// the working directory or was given with `--root` (paths are then
    /// relative to the root, LANGUAGE.md §8); otherwise the way from the
    /// working directory to the root (`../`, `/tmp/rules/`), so that a file
    /// outside the working directory is shown as the user can open it.
    pub shown_prefix: String,
}

impl Root {
    /// The root is `root` (`--root`) when given. Otherwise it is the
    /// working directory when every named path lies below it (by its name,
    /// before symbolic links); else the deepest directory holding every
    /// named path, counting a path below the working directory as the
    /// working directory, a named directory (`is_dir`) as itself and a
    /// named file as its directory. `-` (standard input) names no place.
    pub fn choose(
        cwd: &Path,
        root: Option<&Path>,
        named: &[PathBuf],
        is_dir: impl Fn(&Path) -> bool,
    ) -> Root {
        let (path, explicit) = match root {
            Some(r) => (cwd.join(r), true),
            None => {
                let mut bases = named.iter().filter(|p| p.as_os_str() != "-").map(|p| {
                    let abs = lexical(cwd, p);
                    if abs.starts_with(cwd) {
                        cwd.to_path_buf()
                    } else if is_dir(&abs) {
                        abs
                    } else {
                        abs.parent().map_or_else(|| abs.clone(), Path::to_path_buf)
                    }
                });
                let first = bases.next().unwrap_or_else(|| cwd.to_path_buf());
                (bases.fold(first, |a, b| common_ancestor(&a, &b)), false)
            }
        };
        let shown = root.map_or_else(|| shown_path(&path, cwd), |r| r.display().to_string());
        let shown_prefix = if explicit || path == cwd {
            String::new()
        } else if shown.ends_with('/') {
            shown.clone()
        } else {
            format!("{shown}/")
        };
        Root {
            path,
            shown,
            explicit,
            shown_prefix,
        }
    }
}

/// Whether a walk skips a directory of this name: hidden ones and
/// `target`.
pub fn skip_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

/// The paths listed in the text of `ROOT/.stanceignore` (one root-relative
/// path a line, `#` comments, a trailing `/` allowed), joined to `root`.
pub fn ignored_paths(root: &Path, text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| root.join(l.trim_end_matches('/')))
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn lexical_normalises_without_links() {
        assert_eq!(lexical(&p("/w"), &p("a/./b/../c")), p("/w/a/c"));
        assert_eq!(lexical(&p("/w"), &p("../../../x")), p("/x"));
        assert_eq!(lexical(&p("/w"), &p("/abs/y")), p("/abs/y"));
    }

    #[test]
    fn paths_are_shown_from_the_working_directory() {
        let cwd = p("/home/u/proj");
        assert_eq!(
            shown_path(&p("/home/u/proj/rules/a.stance"), &cwd),
            "rules/a.stance"
        );
        assert_eq!(
            shown_path(&p("/home/u/other/x.stance"), &cwd),
            "../other/x.stance"
        );
        assert_eq!(shown_path(&p("/tmp/x.stance"), &cwd), "/tmp/x.stance");
        assert_eq!(shown_path(&cwd, &cwd), ".");
        assert_eq!(shown_path(&p("/home/u"), &cwd), "..");
    }

    #[test]
    fn confinement_is_by_real_path_components() {
        let root = p("/r/rules");
        assert_eq!(
            root_relative(&root, &p("/r/rules/a/b.stance")),
            Some("a/b.stance".into())
        );
        assert_eq!(root_relative(&root, &root), Some(String::new()));
        assert_eq!(root_relative(&root, &p("/r/rules-old/a.stance")), None);
        assert_eq!(root_relative(&root, &p("/r/x.stance")), None);
    }

    #[test]
    fn the_root_is_the_working_directory_for_paths_below_it() {
        let cwd = p("/w");
        let never_dir = |_: &Path| false;
        let r = Root::choose(
            &cwd,
            None,
            &[p("a.stance"), p("-"), p("sub/b.stance")],
            never_dir,
        );
        assert_eq!(r.path, cwd);
        assert_eq!(r.shown_prefix, "");
        assert!(!r.explicit);
        let r = Root::choose(&cwd, None, &[], never_dir);
        assert_eq!(r.path, cwd);
    }

    #[test]
    fn the_root_holds_every_named_path() {
        let cwd = p("/w/proj");
        let dirs = |d: &Path| d == Path::new("/w/other/dir");
        let r = Root::choose(&cwd, None, &[p("../other/x.stance")], dirs);
        assert_eq!(r.path, p("/w/other"));
        assert_eq!(r.shown, "../other");
        assert_eq!(r.shown_prefix, "../other/");
        let r = Root::choose(&cwd, None, &[p("../other/dir")], dirs);
        assert_eq!(r.path, p("/w/other/dir"));
        let r = Root::choose(&cwd, None, &[p("a.stance"), p("/tmp/b.stance")], dirs);
        assert_eq!(r.path, p("/"));
        assert_eq!(r.shown_prefix, "/");
    }

    #[test]
    fn an_explicit_root_is_shown_as_given() {
        let r = Root::choose(&p("/w"), Some(&p("../rules")), &[p("/x/a.stance")], |_| {
            false
        });
        assert_eq!(r.path, p("/w/../rules"));
        assert_eq!(r.shown, "../rules");
        assert!(r.explicit);
        assert_eq!(r.shown_prefix, "");
    }

    #[test]
    fn walks_skip_hidden_and_target_and_ignored_paths() {
        assert!(skip_dir(".git") && skip_dir("target"));
        assert!(!skip_dir("rules"));
        let text = "# generated\n\nold/\n  drafts/a.stance  \n";
        assert_eq!(
            ignored_paths(&p("/r"), text),
            [p("/r/old"), p("/r/drafts/a.stance")]
        );
    }
}
