//! Helpers for cross-component tests: finding the workspace's built binaries.

use std::path::PathBuf;

/// Path of a binary built from this workspace (`target/<profile>/<name>`), found next to the
/// running test executable. The workspace build (`scripts/test.sh`) builds every binary first.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(path.exists(), "{} is not built; run `cargo build --workspace --bins` first", path.display());
    path
}
