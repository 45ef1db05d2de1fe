//! Reading a file the user names (a manifest, an overlay, a secrets file, a CA certificate):
//! only a regular file, opened without blocking, and never more than a bound. A FIFO,
//! `/dev/zero` or a directory is refused at once, so a step can always be signalled.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The most a manifest, overlay or secrets file may hold: 1 MiB, GitHub's own limit on what a
/// step may output.
pub const MAX_FILE: u64 = 1 << 20;

/// The text of the regular file at `path`, at most `max` bytes; the error names the path (as
/// the user gave it) and what was wrong, never the content.
pub fn read_regular(path: &Path, max: u64) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&shown.to_string(), &e))?;
    if !meta.is_file() {
        return Err(not_regular(&shown.to_string()));
    }
    let file = open_nonblocking(path).map_err(|e| io_reason(&shown.to_string(), &e))?;
    match file.metadata() {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(not_regular(&shown.to_string())),
        Err(e) => return Err(io_reason(&shown.to_string(), &e)),
    }
    read_bounded(file, max).map_err(|e| format!("{shown}: {e}"))
}

/// At most `max` bytes of UTF-8 text from `reader` (a file, standard input); an error past it.
pub fn read_bounded(reader: impl Read, max: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read ({})", e.kind()))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than {}; this tool reads at most that",
            size(max)
        ));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

/// Opened non-blocking, in case a FIFO was put there since the check: opening it then returns
/// at once (and the check after opening refuses it).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn not_regular(shown: &str) -> String {
    format!("{shown}: not a regular file (a FIFO, a device or a directory); give a file")
}

fn io_reason(shown: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown}: no such file"),
        std::io::ErrorKind::PermissionDenied => format!("{shown}: permission denied"),
        kind => format!("{shown}: cannot be read ({kind})"),
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("pr-files-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn only_a_regular_file_within_its_bound_is_read() {
        let d = dir();
        let ok = d.join("ok.yml");
        std::fs::write(&ok, "a: 1\n").unwrap();
        assert_eq!(read_regular(&ok, 10).unwrap(), "a: 1\n");
        assert_eq!(
            read_regular(&ok, 3).unwrap_err(),
            format!(
                "{}: larger than 0 KiB; this tool reads at most that",
                ok.display()
            )
        );
        let missing = d.join("nofile.yml");
        assert_eq!(
            read_regular(&missing, 10).unwrap_err(),
            format!("{}: no such file", missing.display())
        );
        for special in ["/dev/zero", "/dev/null"] {
            let e = read_regular(Path::new(special), MAX_FILE).unwrap_err();
            assert!(e.contains("not a regular file"), "{e}");
        }
        assert!(
            read_regular(&d, MAX_FILE)
                .unwrap_err()
                .contains("not a regular file")
        );
        std::fs::write(d.join("bin"), [0xff, 0xfe, 0]).unwrap();
        assert!(
            read_regular(&d.join("bin"), 10)
                .unwrap_err()
                .ends_with("not UTF-8 text")
        );
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_stream_is_cut_at_its_bound() {
        let e = read_bounded(std::io::repeat(b'a'), MAX_FILE).unwrap_err();
        assert_eq!(e, "larger than 1 MiB; this tool reads at most that");
    }
}
