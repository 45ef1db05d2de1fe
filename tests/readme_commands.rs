//! README's command-line blocks, pasted as they are into a real bash: "At a terminal" (the
//! `gh` login, `list`, a `set` reading the secret from a pipe), installing completions and the
//! man pages, and every `private-registries …` line of "The command line". Run against the
//! GitHub stand-in; `cargo install` is the binary just built, put first on `PATH`, and `gh` a
//! stand-in that answers `gh auth token` and records what it was asked.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::faults::FaultServer;
use support::{TOKEN, config};

const README: &str = include_str!("../README.md");

/// The ```sh blocks between `from` and the next `## ` heading after it.
fn sh_blocks(from: &str) -> Vec<String> {
    let start = README
        .find(from)
        .unwrap_or_else(|| panic!("README has no {from:?}"));
    let rest = &README[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    let mut blocks = Vec::new();
    let mut section = &rest[..end];
    while let Some(open) = section.find("```sh\n") {
        let body = &section[open + 6..];
        let close = body.find("```").expect("a closed block");
        blocks.push(body[..close].to_string());
        section = &body[close + 3..];
    }
    blocks
}

/// A home, a `bin` holding the binary and a `gh` stand-in, and its log.
struct Walk {
    dir: PathBuf,
    server: FaultServer,
    /// Where the commands run: the project for "At a terminal" (`cargo install --path .`),
    /// else a directory of their own (they write files).
    cwd: PathBuf,
}

impl Walk {
    fn new(name: &str) -> Walk {
        let dir = std::env::temp_dir().join(format!("pr-readme-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        std::fs::create_dir_all(dir.join("home")).expect("home");
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_private-registries"),
            bin.join("private-registries"),
        )
        .expect("link the binary");
        let gh = format!(
            "#!/bin/sh\necho \"gh $*\" >> {log}\nif [ \"$1 $2\" = \"auth token\" ]; then echo {TOKEN}; fi\n",
            log = dir.join("gh.log").display()
        );
        let path = bin.join("gh");
        std::fs::write(&path, gh).expect("write gh");
        std::os::unix::fs::PermissionsExt::set_mode(
            &mut std::fs::metadata(&path).expect("gh").permissions(),
            0o755,
        );
        let mut perms = std::fs::metadata(&path).expect("gh").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).expect("chmod gh");
        Walk {
            cwd: dir.join("home"),
            dir,
            server: FaultServer::start(),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    /// `block` in bash (`set -e`: the first failing line fails it), as a user's shell would
    /// run it from the README, in a project checkout (`cargo install --path .` works there).
    fn run(&self, block: &str) -> (bool, String, String) {
        let script = format!(
            "set -euo pipefail\ncargo() {{ echo \"cargo $*\" >> {log}; }}\n{block}",
            log = self.dir.join("gh.log").display()
        );
        let path = format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &script])
            .current_dir(&self.cwd)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.home())
            .env("GITHUB_API_URL", self.server.url())
            .env("NPM_TOKEN", "npm-readme-t0ken")
            .env("GH_REPO", "acme/app")
            .output()
            .expect("run bash");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn gh_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("gh.log")).unwrap_or_default()
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A repository configuring a registry of its own, for `discover` to find.
fn a_repository_with_its_own_registry(server: &FaultServer) {
    server.repository(support::graphql::RepoFixture {
        name: "app".into(),
        private: true,
        archived: false,
        fork: false,
        dependabot: Some("version: 2\nregistries:\n  maven:\n    type: maven-repository\n    url: https://maven.example.com/\n    username: bot\n    password: ${{ secrets.MAVEN_PASSWORD }}\n".into()),
        binary: false,
        truncated: false,
    });
}

fn exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

#[test]
fn at_a_terminal_works_as_written() {
    let walk = Walk::new("terminal");
    walk.server.seed(config(
        "NPM_SECRET",
        "npm_registry",
        "https://npm.example.com/",
    ));
    let blocks = sh_blocks("**At a terminal**");
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    let mut walk = walk;
    walk.cwd = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (ok, stdout, stderr) = walk.run(&blocks[0]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("NPM_SECRET"), "the listing: {stdout}");
    let log = walk.gh_log();
    assert!(log.contains("cargo install --locked --path ."), "{log}");
    assert!(
        log.contains("gh auth refresh -h github.com -s admin:org"),
        "{log}"
    );
    assert!(
        log.contains("gh auth token"),
        "the token came from gh: {log}"
    );
    let post = walk
        .server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("the set created the configuration");
    let body: serde_json::Value = serde_json::from_str(&post.body).expect("JSON");
    assert_eq!(body["url"], "https://npm.pkg.github.com/");
    assert_eq!(body["visibility"], "private");
    assert_eq!(
        walk.server
            .keys
            .unseal(body["encrypted_value"].as_str().expect("sealed")),
        "npm-readme-t0ken"
    );
    assert!(!stdout.contains("npm-readme-t0ken") && !stderr.contains("npm-readme-t0ken"));
}

#[test]
fn installing_completions_and_man_pages_works_as_written() {
    let walk = Walk::new("install");
    let blocks = sh_blocks("### Shell completion and man pages");
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    let (ok, stdout, stderr) = walk.run(&blocks[0]);
    assert!(ok, "{stdout}\n{stderr}");
    let home = walk.home();
    for file in [
        ".local/share/bash-completion/completions/private-registries",
        ".zfunc/_private-registries",
        ".config/fish/completions/private-registries.fish",
    ] {
        assert!(exists(&home.join(file)), "{file} was not written");
    }
    let zshrc = std::fs::read_to_string(home.join(".zshrc")).unwrap_or_default();
    assert!(zshrc.contains("compinit"), "{zshrc}");
    // The man line of that section, pasted.
    let man = README
        .lines()
        .find_map(|l| l.strip_prefix("Man pages: `")?.split('`').next())
        .expect("the man line");
    let (ok, stdout, stderr) = walk.run(man);
    assert!(ok, "{man}: {stdout}\n{stderr}");
    for page in [
        "private-registries.1",
        "private-registries-sync.1",
        "private-registries-list.1",
    ] {
        assert!(
            exists(&home.join(".local/share/man/man1").join(page)),
            "{page}"
        );
    }
}

/// Every inline `private-registries …` command in README that reads from GitHub runs as
/// written against the stand-in (`ORG` as acme; the org of the others is GH_REPO's owner), in
/// the order a user would: discover, its sync's dry run, export, list, the man pages.
#[test]
fn the_readmes_inline_commands_run() {
    let walk = Walk::new("inline");
    walk.server.seed(config(
        "NPM_SECRET",
        "npm_registry",
        "https://npm.example.com/",
    ));
    a_repository_with_its_own_registry(&walk.server);
    let commands: Vec<String> = README
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("private-registries "))
        .filter(|s| {
            [
                "discover --org",
                "sync --org",
                "export >",
                "list --org",
                "man --dir",
            ]
            .iter()
            .any(|c| s.starts_with(&format!("private-registries {c}")))
        })
        .map(|s| s.replace("--org ORG", "--org acme"))
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    let order = |c: &String| {
        ["discover", "sync", "export", "list", "man"]
            .iter()
            .position(|w| c.starts_with(&format!("private-registries {w}")))
    };
    let mut commands = commands;
    commands.sort_by_key(order);
    for command in &commands {
        let command = command.replace("/usr/local/share/man/man1", "$HOME/man1");
        let (ok, stdout, stderr) = walk.run(&command);
        assert!(ok, "{command}: {stdout}\n{stderr}");
        if command.contains("--jq") {
            assert_eq!(stdout, "NPM_SECRET\n", "{command}");
        }
    }
    let exported = std::fs::read_to_string(walk.home().join("registries.yml")).expect("export");
    assert!(exported.contains("https://npm.example.com/"), "{exported}");
    // Nothing was written: GraphQL's POST is discover's read.
    let writes: Vec<String> = walk
        .server
        .writes()
        .into_iter()
        .filter(|w| w != "POST /graphql")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
}

/// Every command's `--help` example, pasted into bash as it is, against the stand-in: the
/// org holds what the examples name, the working directory the files they read, and `aws` is
/// a stand-in that prints a token. Three paths outside the test's home are moved into it
/// (`/etc/bash_completion.d/`, `/usr/local/share/man/man1`), and the system's `mandb` and `man`
/// viewer are left out: they are not this tool.
#[test]
fn every_help_example_runs_as_written() {
    let walk = Walk::new("help");
    // `set`'s example rotates the token of a configuration that exists.
    for (name, url) in [
        ("NPM_REGISTRY_SECRET", "https://npm.example.com/"),
        ("OLD_NPM_SECRET", "https://old.example.com/"),
        (
            "CODEARTIFACT_NPM",
            "https://acme-1234.d.codeartifact.eu-west-1.amazonaws.com/npm/main/",
        ),
    ] {
        walk.server.seed(config(name, "npm_registry", url));
    }
    a_repository_with_its_own_registry(&walk.server);
    let home = walk.home();
    std::fs::create_dir_all(home.join(".github")).expect(".github");
    let manifest = "- name: NPM_REGISTRY_SECRET\n  registry_type: npm_registry\n  url: https://npm.example.com/\n  visibility: private\n  secret: ${{ secrets.NPM_TOKEN }}\n";
    std::fs::write(home.join("registries.yml"), manifest).expect("registries.yml");
    let dependabot = "version: 2\nregistries:\n  npm:\n    type: npm-registry\n    url: https://npm.example.com/\n    token: ${{ secrets.NPM_TOKEN }}\n";
    std::fs::write(home.join(".github/dependabot.yml"), dependabot).expect("dependabot.yml");
    std::fs::write(home.join(".env"), "NPM_TOKEN=npm-t0ken-from-env\n").expect(".env");
    let aws = walk.dir.join("bin/aws");
    std::fs::write(&aws, "#!/bin/sh\necho aws-codeartifact-t0ken\n").expect("aws");
    let mut perms = std::fs::metadata(&aws).expect("aws").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&aws, perms).expect("chmod aws");
    let mut ran = 0;
    for command in support::COMMANDS {
        let example: String = support::help_example(command)
            .iter()
            .filter(|l| !l.trim_start().starts_with("man "))
            .map(|l| format!("{}\n", l.trim_start()))
            .collect();
        let example = example
            .replace("/etc/bash_completion.d/", "$HOME/")
            .replace("/usr/local/share/man/man1", "$HOME/man1")
            .replace(" && mandb -q", "");
        assert!(!example.trim().is_empty(), "{command}: no example");
        let (ok, stdout, stderr) = walk.run(&example);
        let drift = command == "diff" && stderr.contains("drift:");
        assert!(ok || drift, "{command}: {example}\n{stdout}\n{stderr}");
        ran += 1;
    }
    assert_eq!(ran, 13);
    // discover's dependabot.yml came with its overlay beside it, as export's does.
    let overlay = std::fs::read_to_string(home.join("registries.overlay.yml")).expect("overlay");
    assert!(
        overlay.contains("Who may use each proposed registry"),
        "{overlay}"
    );
    assert!(
        walk.home().join("private-registries").exists(),
        "completions wrote no file"
    );
    assert!(walk.home().join("man1/private-registries-sync.1").exists());
    let writes = walk.server.writes();
    for expected in [
        "POST /orgs/acme/private-registries",
        "PATCH /orgs/acme/private-registries/NPM_REGISTRY_SECRET",
        "PATCH /orgs/acme/private-registries/CODEARTIFACT_NPM",
        "DELETE /orgs/acme/private-registries/OLD_NPM_SECRET",
    ] {
        assert!(
            writes.iter().any(|w| w == expected),
            "{expected} in {writes:?}"
        );
    }
}
