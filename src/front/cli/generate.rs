//! What the definitions generate: shell completion scripts and man pages.

use super::*;
use std::io::Write;

use clap::CommandFactory;

/// clap_complete's bash script for a hyphenated binary name spells its states two ways: the
/// loop reaches `private__registries__subcmd__sync`, the case arms read
/// `private__subcmd__registries__subcmd__sync`, so nothing completes after a subcommand
/// (clap-rs/clap#6421, open). The arms are spelt as the loop spells them.
pub(super) fn bash_fixed(script: &str) -> String {
    script.replace("private__subcmd__registries", "private__registries")
}

pub(super) fn completions(shell: Shell) -> u8 {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout();
    let name = "private-registries";
    match shell {
        Shell::Bash => {
            let mut script = Vec::new();
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, name, &mut script);
            let _ = out.write_all(bash_fixed(&String::from_utf8_lossy(&script)).as_bytes());
        }
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, name, &mut out),
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, name, &mut out)
        }
        Shell::Powershell => {
            clap_complete::generate(clap_complete::Shell::PowerShell, &mut cmd, name, &mut out)
        }
    }
    0
}

/// The top-level page on stdout, or every command's page written into `dir` (the pages the
/// top-level one points at: `private-registries-sync(1)`, …).
pub(super) fn man(dir: Option<&std::path::Path>) -> u8 {
    let written = match dir {
        None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            let at = dir
                .map(|d| format!(" into {}", d.display()))
                .unwrap_or_default();
            eprintln!("error: writing the man pages{at} failed ({})", e.kind());
            1
        }
    }
}
