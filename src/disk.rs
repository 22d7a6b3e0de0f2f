//! The real file system under a root: the [`FileSystem`] of the `stance`
//! binary and of the language server.
//!
//! An edge module, like `render`: the core never calls it, it only reads
//! through the [`FileSystem`] trait.

use crate::load::{FileSystem, FsError};
use std::path::{Path, PathBuf};

/// The disk under a canonical root. Refuses any path whose real location
/// (after symbolic links) is outside the root, before reading it.
#[derive(Clone, Debug)]
pub struct DiskFs {
    /// The root directory, canonical (symbolic links resolved).
    pub root: PathBuf,
}

impl DiskFs {
    /// The root-relative path (`/` separators) of a real path below the
    /// root, or `None` when it is not below it.
    pub fn relative(&self, real: &Path) -> Option<String> {
        crate::workspace::root_relative(&self.root, real)
    }
}

impl FileSystem for DiskFs {
    fn canonical(&self, path: &str) -> Result<String, FsError> {
        let joined = self.root.join(path);
        let real = match std::fs::canonicalize(&joined) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling link or a missing file: refuse a link that
                // points outside even when its target does not exist.
                return Err(FsError::NotFound);
            }
            Err(e) => return Err(FsError::Other(e.to_string())),
        };
        let rel = self.relative(&real).ok_or(FsError::OutsideRoot)?;
        if real.is_dir() {
            return Err(FsError::IsDirectory);
        }
        Ok(rel)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        // `path` comes from `canonical`, so it is inside the root.
        std::fs::read(self.root.join(path)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FsError::NotFound,
            _ => FsError::Other(e.to_string()),
        })
    }
}
