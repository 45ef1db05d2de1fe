//! The command line as a person and a script use it: generated help, completions and man page;
//! the secret from standard input; confirmations; `gh`'s token and the `admin:org` advice;
//! the org from `GH_REPO`; and one JSON document on a pipe. Driven as the real binary against
//! the GitHub stand-in.

use crate::support;

use std::path::PathBuf;

use serde_json::Value;
use support::faults::{FaultServer, Reply};
use support::{Action, COMMANDS, Outcome, TOKEN, config};

const NPM_URL: &str = "https://npm.example.com/";

/// The binary with `args`, as at a terminal with a pipe for stdout: no `INPUT_*`, the token
/// in `GH_TOKEN`.
fn cli(server: &FaultServer, args: &[&str]) -> Action {
    let mut action = Action::new(server.url())
        .no_output_file()
        .without_declared_inputs()
        .unset("INPUT_TOKEN")
        .unset("INPUT_ORG")
        .unset("INPUT_API_URL")
        .env("GH_TOKEN", TOKEN);
    let local = matches!(
        args.first().copied(),
        None | Some("completions" | "man" | "help" | "--help" | "-h" | "--version")
    );
    for (i, a) in args.iter().enumerate() {
        action = action.arg(a);
        // The GitHub flags belong to each command, after its name.
        if i == 0 && !local {
            action = action.arg("--api-url").arg(server.url());
        }
    }
    action
}

fn exit(out: &Outcome, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", out.dump());
}

#[test]
fn help_of_every_command_has_an_example_and_completions_and_man_are_generated() {
    let server = FaultServer::start();
    for command in COMMANDS {
        let out = cli(&server, &[command, "--help"]).run();
        exit(&out, 0);
        assert!(out.stdout.contains("Example"), "{command}\n{}", out.dump());
    }
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = cli(&server, &["completions", shell]).run();
        exit(&out, 0);
        for word in ["private-registries", "public-key", "secret-stdin"] {
            assert!(out.stdout.contains(word), "{shell}: {word}\n{}", out.dump());
        }
    }
    let out = cli(&server, &["man"]).run();
    exit(&out, 0);
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH private-registries"),
        "{}",
        out.dump()
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_secret_comes_from_standard_input_and_is_never_echoed() {
    let server = FaultServer::start();
    let out = cli(
        &server,
        &[
            "set",
            "--org",
            "acme",
            "--registry-type",
            "npm_registry",
            "--url",
            NPM_URL,
            "--visibility",
            "all",
            "--secret-stdin",
            "--json",
        ],
    )
    .stdin("npm-t0ken-from-stdin\n")
    .run();
    exit(&out, 0);
    out.assert_no_leak(&[TOKEN, "npm-t0ken-from-stdin"]);
    let post = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a POST");
    let body: Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(
        server
            .keys
            .unseal(body["encrypted_value"].as_str().unwrap()),
        "npm-t0ken-from-stdin",
        "one trailing line break is not part of the secret"
    );
    let printed = out.terminal_json();
    assert_eq!(printed["result"], "created");

    // A secret pasted where a variable's name belongs is not quoted back.
    let out = cli(
        &server,
        &[
            "update",
            "X",
            "--org",
            "acme",
            "--secret-env",
            "ghp_pasted secret",
        ],
    )
    .run();
    exit(&out, 2);
    out.assert_no_leak(&["ghp_pasted"]);
    assert!(
        out.stderr
            .contains("error: `--secret-env`: is not an environment variable name"),
        "{}",
        out.dump()
    );
}

#[test]
fn deletes_need_a_confirmation_and_nothing_is_written_without_one() {
    let server = FaultServer::start();
    server.seed(config("NPM_SECRET", "npm_registry", NPM_URL));
    server.seed(config(
        "OLD_SECRET",
        "npm_registry",
        "https://old.example.com",
    ));
    // No terminal to ask at, no --yes: refused before any request.
    let out = cli(&server, &["delete", "NPM_SECRET", "--org", "acme"]).run();
    exit(&out, 2);
    assert!(out.stderr.contains("pass --yes"), "{}", out.dump());
    assert!(server.requests().is_empty(), "{:?}", server.lines());
    // A prune plans, then stops before any write.
    let dir = std::env::temp_dir().join(format!("pr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest: PathBuf = dir.join("registries.yml");
    std::fs::write(&manifest, "- name: NPM_SECRET\n  visibility: all\n").unwrap();
    let path = manifest.to_string_lossy().to_string();
    let out = cli(
        &server,
        &[
            "sync",
            "--org",
            "acme",
            "--registries",
            &path,
            "--prune",
            "--json",
        ],
    )
    .run();
    exit(&out, 1);
    assert!(
        out.stderr.contains("no terminal to confirm at; pass --yes"),
        "{}",
        out.dump()
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.dump());
    assert_eq!(server.lines(), ["GET /orgs/acme/private-registries"]);
    assert_eq!(out.terminal_json()["result"], "failed");
    // With --yes it goes ahead.
    let out = cli(
        &server,
        &[
            "sync",
            "--org",
            "acme",
            "--registries",
            &path,
            "--prune",
            "--yes",
        ],
    )
    .run();
    exit(&out, 0);
    assert!(
        server
            .lines()
            .contains(&"DELETE /orgs/acme/private-registries/OLD_SECRET".to_string())
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_gh_login_without_admin_org_is_told_how_to_refresh() {
    let server = FaultServer::start();
    server.script(
        "GET",
        "/orgs/acme/private-registries",
        [Reply::status(403, "Must have admin rights to Repository.")
            .header("x-oauth-scopes", "gist, read:org, repo")
            .header("x-accepted-oauth-scopes", "admin:org")],
    );
    let bin = std::env::temp_dir().join(format!("pr-gh-{}", std::process::id()));
    std::fs::create_dir_all(&bin).unwrap();
    let gh = bin.join("gh");
    std::fs::write(&gh, "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"auth token --hostname github.com\" ] && echo gho_FromGhLogin123\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = cli(&server, &["list"])
        .unset("GH_TOKEN")
        .env("PATH", &path)
        .env("GH_REPO", "acme/web")
        .run();
    exit(&out, 1);
    out.assert_no_leak(&["gho_FromGhLogin123"]);
    assert!(
        out.stderr
            .contains("gh auth refresh -h github.com -s admin:org"),
        "{}",
        out.dump()
    );
    let request = &server.requests()[0];
    assert_eq!(
        request.path(),
        "/orgs/acme/private-registries",
        "org from GH_REPO"
    );
    assert_eq!(
        request.headers.get("authorization").map(String::as_str),
        Some("Bearer gho_FromGhLogin123")
    );
    let _ = std::fs::remove_dir_all(bin);
}

/// As `gh` prints: off a terminal the table's rows, tab-separated, with no header; `--json` the
/// document, `--json FIELDS` the records cut to them, `--jq` filters; a bad field or expression
/// is refused before any request, naming what there is.
#[test]
fn a_pipe_gets_tab_separated_rows_and_json_is_asked_for_as_gh_has_it() {
    let server = FaultServer::start();
    server.seed(config("NPM_SECRET", "npm_registry", NPM_URL));
    server.seed(config(
        "MAVEN_SECRET",
        "maven_repository",
        "https://maven.example.com/",
    ));
    let out = cli(&server, &["list", "--org", "acme"]).run();
    exit(&out, 0);
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", out.dump());
    assert_eq!(rows[0][..3], ["NPM_SECRET", "npm_registry", NPM_URL]);
    assert_eq!(rows[1][0], "MAVEN_SECRET");
    assert!(!out.stdout.contains("NAME"), "no header off a terminal");

    let out = cli(&server, &["list", "--org", "acme", "--json"]).run();
    exit(&out, 0);
    assert_eq!(out.terminal_json()["registries"][0]["name"], "NPM_SECRET");

    let out = cli(
        &server,
        &["list", "--org", "acme", "--json", "name,url,org"],
    )
    .run();
    exit(&out, 0);
    let printed: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(
        printed,
        serde_json::json!([
            {"name": "NPM_SECRET", "url": NPM_URL, "org": "acme"},
            {"name": "MAVEN_SECRET", "url": "https://maven.example.com/", "org": "acme"}
        ])
    );
    let out = cli(
        &server,
        &[
            "list", "--org", "acme", "--json", "name", "--jq", ".[].name",
        ],
    )
    .run();
    exit(&out, 0);
    assert_eq!(out.stdout, "NPM_SECRET\nMAVEN_SECRET\n");
    // No value, no line (as jq prints).
    let out = cli(
        &server,
        &[
            "list",
            "--org",
            "acme",
            "--jq",
            ".registries[] | select(false)",
        ],
    )
    .run();
    exit(&out, 0);
    assert_eq!(out.stdout, "");
    let out = cli(
        &server,
        &[
            "get",
            "NPM_SECRET",
            "--org",
            "acme",
            "--jq",
            ".registry.visibility",
        ],
    )
    .run();
    exit(&out, 0);
    assert_eq!(out.stdout, "private\n");
    // A string prints as `jq -r` prints it: its line breaks are lines.
    let out = cli(&server, &["export", "--org", "acme", "--jq", ".manifest"]).run();
    exit(&out, 0);
    assert!(
        out.stdout.lines().any(|l| l == "- name: NPM_SECRET"),
        "{}",
        out.dump()
    );

    let before = server.requests().len();
    let out = cli(
        &server,
        &[
            "list",
            "--org",
            "acme",
            "--json",
            "name,secret",
            "--jq",
            ".[",
            "--page",
            "x",
        ],
    )
    .run();
    exit(&out, 2);
    out.assert_mentions(&[
        "`--json`: unknown JSON field \"secret\"; this command's fields are: name, registry_type",
        "`--jq`: expected",
        "`--page`",
        "3 invalid inputs; nothing was sent to GitHub",
    ]);
    assert_eq!(server.requests().len(), before, "{:?}", server.lines());

    let out = cli(&server, &["get", "MISSING", "--org", "acme", "--json"]).run();
    exit(&out, 1);
    assert!(
        out.stderr
            .starts_with("error: GET /orgs/acme/private-registries/MISSING answered 404"),
        "{}",
        out.dump()
    );
    assert_eq!(out.terminal_json()["result"], "failed");
}

/// A flag exists only on the commands it means something to, and help lists a command's own
/// flags before the GitHub ones.
#[test]
fn flags_are_accepted_only_where_they_mean_something() {
    let server = FaultServer::start();
    for args in [
        &["list", "--org", "acme", "--dry-run"][..],
        &["list", "--org", "acme", "--yes"],
        &["get", "X", "--org", "acme", "--prune"],
        &["diff", "--org", "acme", "--registries", "-", "--dry-run"],
        &["export", "--org", "acme", "--yes"],
        &["completions", "bash", "--org", "acme"],
        &["completions", "bash", "--dry-run"],
        &["man", "--json"],
    ] {
        let out = cli(&server, args).run();
        exit(&out, 2);
        assert!(
            out.stderr.contains("error: unexpected argument"),
            "{args:?}: {}",
            out.dump()
        );
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
    // A misspelt flag gets a tip, the short ones too.
    let out = cli(&server, &["list", "--ogr", "acme"]).run();
    exit(&out, 2);
    assert!(
        out.stderr
            .contains("tip: a similar argument exists: '--org'"),
        "{}",
        out.dump()
    );
    let out = cli(&server, &["sync", "--help"]).run();
    exit(&out, 0);
    let at = |s: &str| {
        out.stdout
            .find(s)
            .unwrap_or_else(|| panic!("no {s} in\n{}", out.stdout))
    };
    assert!(at("--registries") < at("GitHub:"), "{}", out.stdout);
    assert!(at("--prune") < at("--org <ORG>"), "{}", out.stdout);
    assert!(at("--dry-run") < at("--hostname"), "{}", out.stdout);
}

/// The bash completion script, sourced in a real bash: after a subcommand it completes that
/// subcommand's flags (clap_complete spells its states two ways for a hyphenated binary name;
/// the script is mended).
#[test]
fn bash_completes_the_flags_of_a_subcommand() {
    let script = std::process::Command::new(env!("CARGO_BIN_EXE_private-registries"))
        .args(["completions", "bash"])
        .output()
        .expect("run completions");
    assert!(script.status.success());
    let dir = std::env::temp_dir().join(format!("pr-completion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("private-registries.bash");
    std::fs::write(&path, &script.stdout).expect("write the script");
    let probe = format!(
        r#"source {}
complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _private__registries private-registries "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"; echo "${{COMPREPLY[*]}}"; }}
complete_words private-registries sync --
complete_words private-registries export --
complete_words private-registries s
complete_words private-registries set --visibility ""
complete_words private-registries list --"#,
        path.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("run bash");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        lines[0].split(' ').any(|w| w == "--registries") && lines[0].contains("--prune"),
        "sync --: {}",
        lines[0]
    );
    assert!(
        lines[1].split(' ').any(|w| w == "--format"),
        "export --: {}",
        lines[1]
    );
    assert!(
        lines[2].split(' ').any(|w| w == "sync") && lines[2].contains("set"),
        "s: {}",
        lines[2]
    );
    assert_eq!(lines[3], "all private selected", "set --visibility");
    let list: Vec<&str> = lines[4].split(' ').collect();
    assert!(
        list.contains(&"--per-page") && list.contains(&"--org"),
        "list --: {list:?}"
    );
    for elsewhere in ["--dry-run", "--yes", "--prune"] {
        assert!(
            !list.contains(&elsewhere),
            "list --: {elsewhere} in {list:?}"
        );
    }
}

/// `export > file` gives the manifest itself (`--json` gives the JSON document); `-o` of a
/// dependabot.yml writes its overlay beside it, so `diff` of the file just exported, with that
/// overlay, finds the org in sync.
#[test]
fn export_off_a_terminal_is_the_file_and_its_round_trip_holds() {
    let server = FaultServer::start();
    server.seed(config(
        "NPM_REGISTRY",
        "npm_registry",
        "https://npm.example.com/",
    ));
    let out = cli(&server, &["export", "--org", "acme"]).run();
    exit(&out, 0);
    assert!(
        out.stdout.starts_with("# The private registries of acme"),
        "{}",
        out.dump()
    );
    assert!(serde_norway::from_str::<serde_norway::Value>(&out.stdout).is_ok());
    let out = cli(&server, &["export", "--org", "acme", "--json"]).run();
    exit(&out, 0);
    assert!(serde_json::from_str::<Value>(&out.stdout).is_ok_and(|v| v["manifest"].is_string()));

    let dir = std::env::temp_dir().join(format!("pr-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let dep = dir.join("dep.yml");
    let dep_s = dep.display().to_string();
    let out = cli(
        &server,
        &[
            "export",
            "--org",
            "acme",
            "--format",
            "dependabot",
            "-o",
            &dep_s,
        ],
    )
    .run();
    exit(&out, 0);
    let overlay = dir.join("dep.overlay.yml");
    assert!(overlay.exists(), "{}", out.dump());
    out.assert_mentions(&["wrote the overlay to", "pass it as --overlay"]);
    let overlay_s = overlay.display().to_string();
    let out = cli(
        &server,
        &[
            "diff",
            "--org",
            "acme",
            "--registries",
            &dep_s,
            "--overlay",
            &overlay_s,
        ],
    )
    .run();
    let _ = std::fs::remove_dir_all(&dir);
    exit(&out, 0);
    assert!(server.writes().is_empty());
}

/// `man --dir` writes a page for every command, and every page the top-level one points at is
/// among them.
#[test]
fn man_writes_a_page_per_command_and_every_reference_resolves() {
    let dir = std::env::temp_dir().join(format!("pr-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let done = std::process::Command::new(env!("CARGO_BIN_EXE_private-registries"))
        .args(["man", "--dir"])
        .arg(&dir)
        .status()
        .expect("run man");
    assert!(done.success());
    let top = std::fs::read_to_string(dir.join("private-registries.1")).expect("top page");
    let referenced: Vec<String> = top
        .split("private\\-registries\\-")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once("(1)")
                .map(|(name, _)| name.replace("\\-", "-"))
        })
        .collect();
    assert!(referenced.len() >= 12, "{referenced:?}");
    for name in &referenced {
        let page = dir.join(format!("private-registries-{name}.1"));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("no page {}", page.display()));
        assert!(text.contains(".TH"), "{name}: not a man page");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What `command` prints to a real pseudo-terminal (`script(1)`), signed in with the test
/// token, without colour.
fn on_a_terminal(command: &str) -> String {
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("GH_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .output()
        .expect("run script(1)");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

/// At a terminal a table fits its width, as `gh`'s do: the widest cells are cut with `...`
/// and the name is kept whole (run under a real pseudo-terminal of 100 columns).
#[test]
fn a_table_fits_the_terminal_and_cuts_its_widest_cells() {
    let server = FaultServer::start();
    let long = "https://npm.example.com/a/registry/path/that/is/far/too/long/for/the/terminal/";
    server.seed(config("NPM_SECRET", "npm_registry", long));
    let command = format!(
        "stty cols 100 rows 40; {} list --org acme --api-url {}",
        env!("CARGO_BIN_EXE_private-registries"),
        server.url()
    );
    let screen = on_a_terminal(&command);
    let row = screen
        .lines()
        .find(|l| l.starts_with("NPM_SECRET"))
        .unwrap_or_else(|| panic!("no row:\n{screen}"));
    assert!(row.contains("..."), "the long URL is cut: {row}");
    assert!(!screen.contains(long), "{screen}");
    for line in screen.lines() {
        assert!(
            line.chars().count() <= 100,
            "wider than the terminal: {line:?}"
        );
    }
}

/// At a terminal, `list` of several orgs is one table with an ORG column holding every org's
/// configurations, each org's result below it (run under a real pseudo-terminal, `script(1)`).
#[test]
fn several_orgs_at_a_terminal_are_one_table_with_an_org_column() {
    let server = FaultServer::start();
    server.seed(config(
        "NPM_ACME",
        "npm_registry",
        "https://npm.acme.example.com/",
    ));
    server.add_org("beta");
    let command = format!(
        "{} list --org acme --org beta --org ghost --api-url {}",
        env!("CARGO_BIN_EXE_private-registries"),
        server.url()
    );
    let screen = on_a_terminal(&command);
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("ORG "))
        .unwrap_or_else(|| panic!("no ORG column:\n{screen}"));
    assert!(
        lines[header].contains("NAME") && lines[header].contains("TYPE"),
        "{screen}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("acme ") && l.contains("NPM_ACME")),
        "{screen}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("beta: listed")),
        "{screen}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("ghost: failed")),
        "{screen}"
    );
}

/// Runs `args` under a real pseudo-terminal (`script(1)`), typing `keys` once the prompt is
/// up; the screen and the exit status.
fn at_a_terminal(
    server: &FaultServer,
    args: &str,
    keys: &[u8],
) -> (String, Option<i32>, std::time::Duration) {
    use std::io::Write as _;
    let command = format!(
        "{} {args} --api-url {}",
        env!("CARGO_BIN_EXE_private-registries"),
        server.url()
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("GH_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run script(1)");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let typed = std::time::Instant::now();
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(keys).expect("type");
    drop(stdin);
    // Bounded: a run that does not end is killed, and the test fails on its status.
    let pid = child.id();
    let guard = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(20));
        let _ = std::process::Command::new("pkill")
            .args(["-KILL", "-P", &pid.to_string()])
            .status();
    });
    let out = child.wait_with_output().expect("wait");
    drop(guard);
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    (screen, out.status.code(), typed.elapsed())
}

/// A prune shows the plan, then asks, naming the org and the count; `n` is a decline (exit 1,
/// said as such, nothing written); Ctrl-C at the prompt ends the run at once with 130.
#[test]
fn a_prune_shows_the_plan_then_asks_and_a_decline_or_ctrl_c_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("pr-prompt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let manifest = dir.join("m.yml");
    std::fs::write(&manifest, "- name: NPM_KEEP\n  visibility: all\n").expect("manifest");
    let args = format!(
        "sync --org acme --prune --registries {}",
        manifest.display()
    );
    for (keys, code) in [(&b"n\n"[..], 1), (&b"\x03"[..], 130)] {
        let server = FaultServer::start();
        server.seed(config(
            "NPM_KEEP",
            "npm_registry",
            "https://keep.example.com/",
        ));
        server.seed(config(
            "NPM_GONE",
            "npm_registry",
            "https://gone.example.com/",
        ));
        let (screen, status, after) = at_a_terminal(&server, &args, keys);
        assert_eq!(status, Some(code), "{screen}");
        let plan = screen
            .find("the sync of org acme would:")
            .unwrap_or_else(|| panic!("no plan:\n{screen}"));
        let question = screen
            .find("delete 1 configuration of org acme? [y/N]")
            .unwrap_or_else(|| panic!("no question:\n{screen}"));
        assert!(
            plan < question && screen[plan..question].contains("delete NPM_GONE (prune)"),
            "{screen}"
        );
        if code == 1 {
            assert!(
                screen.contains("declined at the prompt; nothing was written"),
                "{screen}"
            );
        } else {
            assert!(
                after < std::time::Duration::from_secs(3),
                "Ctrl-C took {after:?}\n{screen}"
            );
        }
        assert!(server.writes().is_empty(), "{:?}", server.writes());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// At a terminal, advice names the command line's flags and the shell, never the Action's
/// inputs or a step's `env:`.
#[test]
fn errors_at_a_terminal_speak_the_command_lines_language() {
    let server = FaultServer::start();
    let dir = std::env::temp_dir().join(format!("pr-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let manifest = dir.join("m.yml");
    std::fs::write(
        &manifest,
        "- registry_type: npm_registry\n  url: https://a.example.com\n  visibility: all\n  secret: ${{ secrets.MISSING_ONE }}\n- registry_type: npm_registry\n  url: https://b.example.com\n  visibility: all\n  secret_env: UNSET_VAR\n",
    )
    .expect("manifest");
    let m = manifest.display().to_string();
    let overlay = cli(
        &server,
        &["sync", "--org", "acme", "--registries", &m, "--overlay", &m],
    )
    .run();
    exit(&overlay, 2);
    overlay.assert_mentions(&["`--overlay`: only for a dependabot.yml"]);
    let out = cli(&server, &["sync", "--org", "acme", "--registries", &m]).run();
    exit(&out, 2);
    out.assert_mentions(&[
        "secret MISSING_ONE is not set: pass --secrets-file FILE",
        "export UNSET_VAR=",
    ]);
    // What only planning finds (a `set` that would create) is worded for the terminal too.
    let set = cli(
        &server,
        &[
            "set",
            "--org",
            "acme",
            "--registry-type",
            "npm_registry",
            "--url",
            "https://new.example.com/",
        ],
    )
    .run();
    exit(&set, 2);
    set.assert_mentions(&[
        "`--visibility`: required to create a configuration",
        "`--secret-stdin` / `--secret-env`: required to create",
    ]);
    let all = format!(
        "{}{}{}{}",
        out.stdout, out.stderr, overlay.stderr, set.stderr
    );
    for action_words in ["step's env", "toJSON", "input `", "operation list"] {
        assert!(
            !all.contains(action_words),
            "{action_words:?} at a terminal:\n{all}"
        );
    }
    let out = cli(&server, &["get", "--org", "acme", "NPM_MISSING"]).run();
    exit(&out, 1);
    out.assert_mentions(&["names are as `list` reports them"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every help example can be pasted: a line that goes on ends with `\`, and no example line is
/// broken by the help's wrapping.
#[test]
fn every_help_example_can_be_pasted_as_it_is() {
    for command in COMMANDS {
        let example = support::help_example(command);
        assert!(!example.is_empty(), "{command}: no example");
        for pair in example.windows(2) {
            let goes_on = pair[1].starts_with("    ");
            assert_eq!(
                goes_on,
                pair[0].trim_end().ends_with('\\'),
                "{command}: {:?} then {:?}: a continued line must end with \\ and only those",
                pair[0],
                pair[1]
            );
        }
        assert!(
            !example.last().is_some_and(|l| l.trim_end().ends_with('\\')),
            "{command}"
        );
    }
}
