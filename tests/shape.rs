//! The code's shape, as ARCHITECTURE.md states it: every file of `src/` opens with a `//!` line
//! saying what it owns, and none passes 400 lines (a directory of files, one idea each, instead).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_source_file_says_what_it_owns_and_stays_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    assert!(files.len() > 50, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let shown = path
            .strip_prefix(&src)
            .unwrap_or(&path)
            .display()
            .to_string();
        assert!(text.starts_with("//! "), "{shown}: no `//!` line first");
        let lines = text.lines().count();
        assert!(lines <= 400, "{shown}: {lines} lines");
    }
}
