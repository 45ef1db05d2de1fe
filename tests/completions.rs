//! The zsh and fish completion scripts, loaded in the real shells: after a subcommand they
//! offer its flags (not another command's), and a flag with a fixed set of values offers those
//! values, not file names. CI installs both shells (`.ci/run`); elsewhere a missing shell is
//! said and the test passes only outside CI.

use std::path::{Path, PathBuf};
use std::process::Command;

fn script(shell: &str, dir: &Path, file: &str) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_private-registries"))
        .args(["completions", shell])
        .output()
        .expect("run completions");
    assert!(out.status.success(), "completions {shell}");
    std::fs::create_dir_all(dir).expect("dir");
    let path = dir.join(file);
    std::fs::write(&path, &out.stdout).expect("write the script");
    path
}

/// Whether `shell` is installed; in CI it must be.
fn have(shell: &str) -> bool {
    let found = Command::new(shell)
        .args(["-c", "exit 0"])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{shell} is not installed, and CI installs it (.ci/run)"
        );
        eprintln!("{shell} is not installed here: its completion test did not run");
    }
    found
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("pr-{name}-{}", std::process::id()))
}

/// Text as a terminal shows it, without its escape sequences.
fn plain(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() || c == '~' {
                        break;
                    }
                }
            }
            continue;
        }
        if !c.is_control() || c == '\n' {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out
}

/// What zsh lists when Tab is pressed after `line`, in an interactive zsh on a
/// pseudo-terminal (zsh's own zpty) with the script in `fpath` and `compinit` run.
fn zsh_completes(dir: &Path, line: &str) -> String {
    let driver = format!(
        r#"zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z 'PS1="> "; fpath=({dir} $fpath); autoload -Uz compinit; compinit -u -D; zstyle ":completion:*" list-prompt ""'
sleep 1
zpty -w -n z $'{line}\t'
sleep 2
out=
while zpty -r -t z chunk; do out+=$chunk; done
print -r -- "$out"
zpty -d z"#,
        dir = dir.display()
    );
    let out = Command::new("zsh")
        .args(["-f", "-c", &driver])
        .output()
        .expect("run zsh");
    let shown = String::from_utf8_lossy(&out.stdout);
    // What zsh printed after the line itself was echoed.
    let after = shown.split_once(line.trim_end()).map_or("", |(_, a)| a);
    plain(after)
}

#[test]
fn zsh_completes_a_subcommands_flags_and_a_flags_values() {
    if !have("zsh") {
        return;
    }
    let dir = temp("zsh");
    script("zsh", &dir, "_private-registries");
    let values = zsh_completes(&dir, "private-registries set --visibility ");
    let flags = zsh_completes(&dir, "private-registries sync --");
    let _ = std::fs::remove_dir_all(&dir);
    for value in ["all", "private", "selected"] {
        assert!(
            values.split_whitespace().any(|w| w == value),
            "set --visibility: {value} in {values:?}"
        );
    }
    assert!(
        !values.contains("Cargo.toml"),
        "no file names for --visibility: {values:?}"
    );
    for flag in ["--registries", "--prune", "--secrets-file", "--org"] {
        assert!(flags.contains(flag), "sync --: {flag} in {flags:?}");
    }
    assert!(
        !flags.contains("--per-page"),
        "list's flag offered for sync: {flags:?}"
    );
}

/// What fish offers for `line` (`complete -C`), one candidate a line.
fn fish_completes(path: &Path, line: &str) -> Vec<String> {
    let code = format!("source {}; complete -C '{line}'", path.display());
    let out = Command::new("fish")
        .args(["--no-config", "-c", &code])
        .output()
        .expect("run fish");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn fish_completes_a_subcommands_flags_and_a_flags_values() {
    if !have("fish") {
        return;
    }
    let dir = temp("fish");
    let path = script("fish", &dir, "private-registries.fish");
    let values = fish_completes(&path, "private-registries set --visibility ");
    let types = fish_completes(&path, "private-registries create --registry-type npm");
    let flags = fish_completes(&path, "private-registries sync --");
    let commands = fish_completes(&path, "private-registries s");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(values, ["all", "private", "selected"]);
    assert_eq!(types, ["npm_registry"]);
    for flag in ["--registries", "--prune", "--yes", "--org"] {
        assert!(
            flags.iter().any(|f| f == flag),
            "sync --: {flag} in {flags:?}"
        );
    }
    assert!(!flags.iter().any(|f| f == "--per-page"), "{flags:?}");
    for command in ["set", "sync"] {
        assert!(commands.iter().any(|c| c == command), "{commands:?}");
    }
}
