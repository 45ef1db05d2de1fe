//! Hostile input and hostile answers: nothing a user types can send the admin token outside
//! the private-registries paths, nothing GitHub (or a proxy) returns can forge an output, a
//! workflow command or summary markup, and no run — failing ones included — shows the token
//! or the secret anywhere but the `::add-mask::` lines.

use crate::support;

use std::time::Duration;

use serde_json::{Value, json};
use support::faults::{FaultServer, Reply};
use support::{Action, Outcome, TOKEN, config, with};

const LIST: &str = "/orgs/acme/private-registries";

/// Paths the admin token may be sent to.
fn assert_only_allowed_paths(server: &FaultServer, context: &str) {
    for r in server.requests() {
        let p = r.path();
        assert!(
            p == LIST || p.starts_with(&format!("{LIST}/")) || p.starts_with("/repos/acme/"),
            "{context}: request left the private-registries paths: {} {}",
            r.method,
            r.target
        );
        let rest = p
            .strip_prefix(LIST)
            .or_else(|| p.strip_prefix("/repos/acme"))
            .unwrap_or(p);
        assert!(
            !rest.contains("..") && !rest.contains('%') && rest.matches('/').count() <= 1,
            "{context}: suspicious path {}",
            r.target
        );
    }
}

/// Every stdout/stderr line the runner could read as a command is one of ours, well formed.
#[track_caller]
fn assert_no_forged_commands(out: &Outcome) {
    const OURS: [&str; 6] = [
        "::add-mask::",
        "::error title=private-registries::",
        "::warning title=private-registries::",
        "::notice title=private-registries::",
        // The plan or result in the log: a title of ours, then lines behind `| `.
        "::group::",
        "::endgroup::",
    ];
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for line in text.split(['\n', '\r']) {
            // The runner trims leading white space before looking for a command.
            let t = line.trim_start();
            if t.starts_with("##[") {
                panic!("{stream}: old-style command line {line:?}\n{}", out.dump());
            }
            if t.starts_with("::") {
                assert!(
                    OURS.iter().any(|p| line.starts_with(p)),
                    "{stream}: forged workflow command {line:?}\n{}",
                    out.dump()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Path injection

const HOSTILE_NAMES: &[&str] = &[
    "../orgs/evil",
    "..",
    "NPM/../../../user",
    "%2e%2e",
    "%2E%2E%2Fuser",
    "NPM%2F..",
    "NPM?per_page=1",
    "NPM#x",
    "NPM X",
    "NPM\nX",
    "NPM\tX",
    "ＮＰＭ",      // fullwidth
    "NРM",         // Cyrillic Р
    "NPM\u{200b}", // zero-width space
    "NPM\u{202e}", // right-to-left override
    "NPM\\..\\x",
    "NPM;x",
    "NPM&page=2",
];

const HOSTILE_ORGS: &[&str] = &[
    "../evil",
    "acme/../evil",
    "acme/repos",
    "%2e%2e",
    "acme%2Fevil",
    "acme?x=1",
    "acme#frag",
    "ac me",
    // A line break separates orgs: each must be an org (the second is not).
    "acme\n../evil",
    "аcme", // Cyrillic а
    "ａｃｍｅ",
    "acme\u{200b}",
    "-acme",
    "acme--evil",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 40 characters
];

const HOSTILE_REPOS: &[&str] = &[
    "../../orgs/evil/private-registries",
    "..",
    ".",
    "repo/../x",
    "%2e%2e",
    "repo%2Fx",
    "repo?x",
    "repo#x",
    "re po",
    "rеpo", // Cyrillic е
    "repo\u{200b}",
    "repo\\x",
];

#[test]
fn hostile_names_never_reach_another_endpoint() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    let mut runs = 0;
    for name in HOSTILE_NAMES {
        for operation in ["get", "delete", "update", "set"] {
            let mut action = Action::new(server.url())
                .input("operation", operation)
                .input("name", name);
            if matches!(operation, "update" | "set") {
                action = action.input("url", "https://npm.example.com/x");
            }
            let out = action.run();
            out.assert_failure();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{operation} {name:?} is an input error\n{}",
                out.dump()
            );
            assert_no_forged_commands(&out);
            runs += 1;
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
    assert_eq!(runs, HOSTILE_NAMES.len() * 4);
    // Surrounding white space (a YAML block scalar's newline) is trimmed, not sent.
    let out = Action::new(server.url())
        .input("operation", "get")
        .input("name", " NPM\r\n")
        .run();
    out.assert_success();
    assert_eq!(server.lines(), vec![format!("GET {LIST}/NPM")]);
}

#[test]
fn hostile_orgs_never_reach_another_endpoint() {
    let server = FaultServer::start();
    for org in HOSTILE_ORGS {
        for operation in ["list", "public-key"] {
            let out = Action::new(server.url())
                .input("operation", operation)
                .input("org", org)
                .run();
            out.assert_failure();
            assert_eq!(out.status.code(), Some(2), "{org:?}\n{}", out.dump());
            out.assert_mentions(&["input `org`"]);
            assert_no_forged_commands(&out);
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
}

#[test]
fn hostile_repository_names_never_reach_another_endpoint() {
    let server = FaultServer::start();
    server.repo("good", 42);
    for repo in HOSTILE_REPOS {
        let out = Action::new(server.url())
            .input("operation", "create")
            .input("registry_type", "npm_registry")
            .input("url", "https://npm.example.com")
            .input("visibility", "selected")
            .input("selected_repositories", &format!("good,{repo}"))
            .input("secret", "x")
            .run();
        out.assert_failure();
        assert_eq!(out.status.code(), Some(2), "{repo:?}\n{}", out.dump());
        out.assert_mentions(&["input `selected_repositories`"]);
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
    // A good name goes only to /repos/acme/good.
    let out = Action::new(server.url())
        .input("operation", "create")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com")
        .input("visibility", "selected")
        .input("selected_repositories", "good")
        .input("secret", "x")
        .run();
    out.assert_success();
    assert_only_allowed_paths(&server, "good repo");
    assert!(server.lines().contains(&"GET /repos/acme/good".to_string()));
}

#[test]
fn a_hostile_name_from_github_is_never_put_in_a_path() {
    let server = FaultServer::start();
    server.seed(config(
        "../../../../user/keys",
        "npm_registry",
        "https://npm.example.com",
    ));
    let out = Action::new(server.url())
        .input("operation", "set")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com")
        .input("secret", "rotated")
        .run();
    out.assert_failure();
    out.assert_mentions(&["cannot be used in a path"]);
    assert_only_allowed_paths(&server, "hostile listed name");
    assert_eq!(server.lines(), vec![format!("GET {LIST}")]);
}

// ---------------------------------------------------------------------------------------------
// Output injection

const EVIL_NAME: &str =
    "X\n::set-output name=result::deleted\n::error::pwned\nEOF\nresult<<EOF\nhacked\nEOF\n";
const EVIL_URL: &str =
    "https://evil.example.com/|<script>alert(1)</script>\r\n::add-mask::x\n##[error]old";
const EVIL_USER: &str =
    "u\r\n  ::warning::w\n| a | b |\n<img src=x onerror=alert(1)>\nghadelimiter_0";

fn hostile_configs() -> Vec<Value> {
    vec![
        with(
            config(EVIL_NAME, "npm_registry", EVIL_URL),
            json!({ "username": EVIL_USER }),
        ),
        with(
            config("NPM", "npm_registry", "https://npm.example.com"),
            json!({ "username": "::set-env name=PATH::/tmp" }),
        ),
    ]
}

fn assert_summary_is_inert(out: &Outcome) {
    for bad in ["<script", "<img", "\n::", "\n|  a | b |"] {
        assert!(
            !out.summary.contains(bad),
            "summary holds {bad:?}\n{}",
            out.dump()
        );
    }
    // Every table row keeps its column count: escaped pipes do not split cells.
    let rows: Vec<&str> = out.summary.lines().filter(|l| l.starts_with('|')).collect();
    let columns = |l: &str| l.matches('|').count() - l.matches("\\|").count();
    if let Some(first) = rows.first() {
        for row in &rows {
            assert_eq!(columns(row), columns(first), "row {row:?}\n{}", out.dump());
        }
    }
}

#[test]
fn hostile_list_answers_cannot_forge_outputs_commands_or_markup() {
    let server = FaultServer::start();
    for c in hostile_configs() {
        server.seed(c);
    }
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    let keys: Vec<&String> = out.outputs.keys().collect();
    assert_eq!(
        keys,
        ["registries", "result", "total_count"],
        "{}",
        out.dump()
    );
    assert_eq!(out.output("result"), "listed");
    assert_eq!(out.json("registries"), Value::Array(server.configs()));
    assert_no_forged_commands(&out);
    assert_summary_is_inert(&out);

    // Terminal mode: one JSON object on stdout, values intact, no command lines.
    let out = Action::new(server.url())
        .input("operation", "list")
        .no_output_file()
        .run();
    out.assert_success();
    assert_eq!(
        out.terminal_json()["registries"],
        Value::Array(server.configs())
    );
    assert_no_forged_commands(&out);
}

#[test]
fn hostile_get_answer_cannot_forge_outputs() {
    let server = FaultServer::start();
    let evil = with(
        config("NPM", "npm_registry", EVIL_URL),
        json!({ "username": EVIL_USER }),
    );
    // GitHub answers the name asked for with a configuration named otherwise.
    server.script(
        "GET",
        &format!("{LIST}/NPM"),
        [Reply::json(200, &with(evil, json!({ "name": EVIL_NAME })))],
    );
    let out = Action::new(server.url())
        .input("operation", "get")
        .input("name", "NPM")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "fetched");
    assert_eq!(out.output("name"), "NPM");
    assert_eq!(out.json("registry")["name"], EVIL_NAME);
    assert_eq!(out.outputs.len(), 3, "{}", out.dump());
    assert_no_forged_commands(&out);
    assert_summary_is_inert(&out);
}

#[test]
fn hostile_error_messages_cannot_forge_commands() {
    let message = "Validation Failed\n::set-output name=result::created\r\n::error::fake\n##[warning]x\n%0A::add-mask::y";
    let server = FaultServer::start();
    server.script(
        "POST",
        LIST,
        [Reply::json(
            422,
            &json!({
                "message": message,
                "errors": [{ "resource": "PrivateRegistry", "field": "url\n::notice::x", "code": "invalid", "message": "\n::error::y" }],
                "documentation_url": "https://docs.github.com/\n::warning::z"
            }),
        )],
    );
    let out = Action::new(server.url())
        .input("operation", "create")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com")
        .input("visibility", "private")
        .input("secret", "x")
        .run();
    out.assert_failure();
    assert_eq!(out.output("result"), "failed");
    assert_no_forged_commands(&out);
    assert_summary_is_inert(&out);
    // The message is still there, its line breaks shown as escapes (text from a server never
    // breaks a log line).
    out.assert_mentions(&[
        "Validation Failed\\u{000A}::set-output name=result::created\\u{000D}\\u{000A}",
    ]);
    // A hostile rate-limit or 5xx answer on the way does not inject through notices either.
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [
            Reply::status(503, message).header("retry-after", "1"),
            Reply::status(403, &format!("secondary rate limit\n{message}"))
                .header("retry-after", "1"),
        ],
    );
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    assert_no_forged_commands(&out);
}

// ---------------------------------------------------------------------------------------------
// Secrets

const SECRET: &str = "Sup3r-S3cret-Value_0987654321";

/// One run of the leak test: a name, the server's script and the action.
type Case = (&'static str, fn(&FaultServer) -> Action);

fn base(server: &FaultServer, op: &str) -> Action {
    Action::new(server.url()).input("operation", op)
}

fn with_secret(server: &FaultServer, op: &str) -> Action {
    base(server, op)
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com")
        .input("visibility", "private")
        .input("secret", SECRET)
}

/// `sync` updating NPM (secret from `secret_env`) and creating a docker registry; `extra` is
/// appended to the manifest.
fn sync(server: &FaultServer, extra: &str) -> Action {
    let manifest = format!(
        "- registry_type: npm_registry\n  url: https://npm.example.com\n  secret_env: SYNC_SECRET\n- registry_type: docker_registry\n  url: https://registry.example.com\n  visibility: private\n  secret_env: SYNC_SECRET\n{extra}"
    );
    base(server, "sync")
        .input("registries", &manifest)
        .env("SYNC_SECRET", SECRET)
}

fn leak_cases() -> Vec<Case> {
    vec![
        ("list ok", |s| base(s, "list")),
        ("list 401", |s| {
            s.script("GET", LIST, [Reply::status(401, "Bad credentials")]);
            base(s, "list")
        }),
        ("list 500 persistent", |s| {
            s.script("GET", LIST, vec![Reply::status(500, "boom"); 4]);
            base(s, "list")
        }),
        ("list hangs", |s| {
            s.script("GET", LIST, vec![Reply::Hang(Duration::from_secs(5)); 4]);
            base(s, "list").input("request_timeout", "1")
        }),
        ("list secondary limit over max_wait", |s| {
            s.script("GET", LIST, [Reply::status(429, "slow down")]);
            base(s, "list").input("max_wait", "1")
        }),
        ("get ok", |s| base(s, "get").input("name", "NPM")),
        ("get 404", |s| base(s, "get").input("name", "NOPE")),
        ("get 403", |s| {
            s.script(
                "GET",
                &format!("{LIST}/NPM"),
                [Reply::status(403, "Must have admin rights to Repository.")],
            );
            base(s, "get").input("name", "NPM")
        }),
        ("public-key ok", |s| base(s, "public-key")),
        ("public-key bad key", |s| {
            s.script(
                "GET",
                &format!("{LIST}/public-key"),
                [Reply::json(200, &json!({ "key_id": "1", "key": "AAAA" }))],
            );
            base(s, "public-key")
        }),
        ("create ok", |s| with_secret(s, "create")),
        ("create 422", |s| {
            s.script(
                "POST",
                LIST,
                [Reply::json(
                    422,
                    &json!({ "message": "Validation Failed", "errors": [{ "field": "encrypted_value", "code": "invalid" }] }),
                )],
            );
            with_secret(s, "create")
        }),
        ("create 500 persistent", |s| {
            s.script("POST", LIST, vec![Reply::status(500, "boom"); 4]);
            with_secret(s, "create")
        }),
        ("create lost answer", |s| {
            s.script("POST", LIST, [Reply::ApplyThen(502)]);
            with_secret(s, "create")
        }),
        ("create hangs", |s| {
            s.script("POST", LIST, [Reply::Hang(Duration::from_secs(5))]);
            with_secret(s, "create").input("request_timeout", "1")
        }),
        ("update ok", |s| {
            base(s, "update")
                .input("name", "NPM")
                .input("secret", SECRET)
        }),
        ("update 404", |s| {
            base(s, "update")
                .input("name", "NOPE")
                .input("secret", SECRET)
        }),
        ("update 422", |s| {
            s.script(
                "PATCH",
                &format!("{LIST}/NPM"),
                [Reply::status(422, "Validation Failed")],
            );
            base(s, "update")
                .input("name", "NPM")
                .input("secret", SECRET)
        }),
        ("set update", |s| with_secret(s, "set")),
        ("set create", |s| {
            with_secret(s, "set").input("url", "https://other.example.com")
        }),
        ("set 403", |s| {
            s.script(
                "GET",
                LIST,
                [Reply::status(403, "Resource not accessible by integration")],
            );
            with_secret(s, "set")
        }),
        ("set multi-line secret", |s| {
            with_secret(s, "set")
                .input("auth_type", "username_password")
                .input("username", "bot")
                .input("url", "https://third.example.com")
                .input("secret", &format!("{SECRET}\nsecond-line-{SECRET}"))
        }),
        ("delete ok", |s| base(s, "delete").input("name", "NPM")),
        ("delete 500 persistent", |s| {
            s.script(
                "DELETE",
                &format!("{LIST}/NPM"),
                vec![Reply::status(500, "boom"); 4],
            );
            base(s, "delete").input("name", "NPM")
        }),
        ("sync ok", |s| sync(s, "")),
        ("sync lost create answer", |s| {
            s.script("POST", LIST, [Reply::ApplyThen(502)]);
            sync(s, "")
        }),
        ("sync PATCH 500 persistent", |s| {
            s.script(
                "PATCH",
                &format!("{LIST}/NPM"),
                vec![Reply::status(500, "boom"); 4],
            );
            sync(s, "")
        }),
        ("sync 401", |s| {
            s.script("GET", LIST, [Reply::status(401, "Bad credentials")]);
            sync(s, "")
        }),
        ("sync bad manifest", |s| {
            sync(
                s,
                "- registry_type: npm\n  secret: inline-secret-is-refused\n",
            )
        }),
        ("bad input: unknown type", |s| {
            with_secret(s, "create").input("registry_type", "npm")
        }),
        ("bad input: secret for list", |s| {
            base(s, "list").input("secret", SECRET)
        }),
        ("bad input: secret for oidc", |s| {
            with_secret(s, "create")
                .input("auth_type", "oidc_azure")
                .input("tenant_id", "t")
                .input("client_id", "c")
        }),
        ("bad input: token with a space", |s| {
            base(s, "list").input("token", &format!("{TOKEN} {SECRET}"))
        }),
    ]
}

#[test]
fn no_run_leaks_the_token_or_the_secret() {
    let cases = leak_cases();
    let results: Vec<(&str, Outcome, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(label, make)| {
                scope.spawn(move || {
                    let server = FaultServer::start();
                    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
                    let out = make(&server).run();
                    // Whatever reached the server besides the Authorization header and the
                    // sealed value: request lines and bodies must not hold the plain secret.
                    let sent: Vec<String> = server
                        .requests()
                        .iter()
                        .map(|r| format!("{} {}", r.target, r.body))
                        .collect();
                    (*label, out, sent)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("case thread"))
            .collect()
    });
    let mut failures = 0;
    let mut successes = 0;
    for (label, out, sent) in &results {
        assert!(
            out.status.code().is_some() && out.status.code() != Some(101),
            "{label}: crashed\n{}",
            out.dump()
        );
        assert!(!out.stderr.contains("panicked"), "{label}\n{}", out.dump());
        out.assert_no_leak(&[TOKEN, SECRET, "inline-secret-is-refused"]);
        assert_no_forged_commands(out);
        for s in sent {
            assert!(!s.contains(SECRET), "{label}: sent the plain secret: {s}");
        }
        if out.status.success() {
            successes += 1;
        } else {
            failures += 1;
        }
    }
    eprintln!("leak test: {successes} runs succeeded, {failures} failed, none leaked");
    // The table really covers both sides.
    assert!(
        successes >= 8 && failures >= 15,
        "{successes} ok, {failures} failed"
    );
}

#[test]
fn writes_never_follow_a_redirect() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com/"));
    let elsewhere = format!("{}/orgs/other/private-registries/NPM", server.url());
    server.script(
        "PATCH",
        &format!("{LIST}/NPM"),
        [Reply::status(307, "Temporary Redirect").header("location", &elsewhere)],
    );
    server.script(
        "DELETE",
        &format!("{LIST}/NPM"),
        [Reply::status(308, "Permanent Redirect").header("location", &elsewhere)],
    );
    let out = Action::new(server.url())
        .input("operation", "update")
        .input("name", "NPM")
        .input("replaces_base", "true")
        .run();
    out.assert_failure();
    out.assert_mentions(&["PATCH /orgs/acme/private-registries/NPM answered 307"]);
    let out = Action::new(server.url())
        .input("operation", "delete")
        .input("name", "NPM")
        .run();
    out.assert_failure();
    out.assert_mentions(&["DELETE /orgs/acme/private-registries/NPM answered 308"]);
    let lines = server.lines();
    assert!(
        lines.iter().all(|l| !l.contains("/orgs/other/")),
        "a write followed a redirect: {lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("PATCH")).count(),
        1,
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("DELETE")).count(),
        1,
        "{lines:?}"
    );
}

#[test]
fn a_get_follows_a_redirect_only_on_the_api_origin() {
    // Same origin: followed, with the token.
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    server.script(
        "GET",
        "/orgs/acme/private-registries",
        [Reply::status(301, "Moved").header(
            "location",
            "/orgs/acme/private-registries?per_page=100&page=1&moved=1",
        )],
    );
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    assert_eq!(out.output("total_count"), "1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{:?}", server.lines());
    assert!(requests[1].target.contains("moved=1"));
    assert!(requests[1].headers.contains_key("authorization"));

    // Another origin (another port on the same host): refused, and nothing reaches it.
    let elsewhere = FaultServer::start();
    let server = FaultServer::start();
    let target = format!("{}/orgs/acme/private-registries", elsewhere.url());
    server.script(
        "GET",
        "/orgs/acme/private-registries",
        [Reply::status(302, "Found").header("location", &target)],
    );
    let out = Action::new(server.url()).input("operation", "list").run();
    assert_eq!(out.status.code(), Some(1), "{}", out.dump());
    out.assert_mentions(&["answered 302, a redirect to", "leaves the API's origin"]);
    assert!(
        elsewhere.requests().is_empty(),
        "the other origin was asked"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "not retried: {:?}",
        server.lines()
    );
}

#[test]
fn a_misspelt_input_is_refused_instead_of_vanishing() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    // `dry-run: true` in `with:` arrives as INPUT_DRY-RUN: without the check, a real write.
    let out = Action::new(server.url())
        .input("operation", "delete")
        .input("name", "NPM")
        .env("INPUT_DRY-RUN", "true")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&[
        "input `dry-run`: not an input of this action (INPUT_DRY-RUN); did you mean `dry_run`?",
        "nothing was sent to GitHub",
    ]);
    assert!(server.requests().is_empty(), "{:?}", server.lines());
    assert_eq!(server.configs().len(), 1, "nothing was deleted");
}

// ---------------------------------------------------------------------------------------------
// Control characters in what GitHub answers

/// Characters that must never reach a log, an output or the summary raw: ESC (colours, an
/// OSC 8 hyperlink), BEL, DEL, C1 (NEL), line and paragraph separators, bidi overrides and
/// zero-width characters.
const RAW: &[char] = &[
    '\x1b', '\x07', '\x7f', '\u{85}', '\u{9b}', '\u{2028}', '\u{2029}', '\u{202E}', '\u{200B}',
    '\u{2066}', '\u{FEFF}',
];

#[track_caller]
fn assert_no_raw_controls(out: &Outcome, context: &str) {
    let mut places = vec![
        ("stdout", out.stdout.as_str()),
        ("stderr", out.stderr.as_str()),
    ];
    places.push(("summary", out.summary.as_str()));
    if let Some(file) = out.output_file.as_deref() {
        places.push(("GITHUB_OUTPUT", file));
    }
    for (place, text) in places {
        let found: Vec<String> = text
            .chars()
            .filter(|c| RAW.contains(c))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(
            found.is_empty(),
            "{context}: {place} holds {found:?}\n{}",
            out.dump()
        );
    }
}

#[test]
fn control_characters_in_an_error_message_never_reach_the_log() {
    let message = "Validation \x1b[31mFailed\x1b[0m \x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 \u{7f}a\u{2028}b\u{85}c\u{9b}2J \u{202E}dlrow\u{2066}";
    for front in support::Front::BOTH {
        let server = FaultServer::start();
        server.script("GET", LIST, [Reply::status(422, message)]);
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "list")
            .run();
        out.assert_failure();
        assert_no_raw_controls(&out, &format!("{front:?}"));
        // What the server said is still shown, visibly escaped.
        out.assert_mentions(&["Validation \\u{001B}[31mFailed", "\\u{202E}dlrow"]);
    }
}

#[test]
fn bidi_and_zero_width_characters_in_returned_names_are_escaped_everywhere() {
    for front in support::Front::BOTH {
        let server = FaultServer::start();
        let spoof = "NPM_\u{202E}NEKOT\u{200B}\u{2028}\x1b[2J\u{85}";
        server.seed(config(
            spoof,
            "npm_registry",
            "https://npm.example.com/\u{2029}",
        ));
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "list")
            .run();
        out.assert_success();
        assert_no_raw_controls(&out, &format!("{front:?}"));
        // The JSON output keeps the value itself: whoever parses it gets the name GitHub sent.
        let registries = out.json("registries");
        assert_eq!(registries[0]["name"], spoof, "{front:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// A credential pasted where a name belongs

const PASTED: &str = "ghp_R3alT0kenR3alT0kenR3alT0kenR3alT0ken";

#[test]
fn a_token_pasted_where_a_name_belongs_is_refused_unseen_and_masked() {
    let npm = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
    let manifest = format!(
        "- registry_type: npm_registry\n  url: https://npm.example.com/{PASTED}/\n  username: {npm}\n  visibility: private\n  secret_env: NPM_TOKEN\n"
    );
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "a manifest's secret_env",
            vec![
                ("operation", "sync".into()),
                (
                    "registries",
                    format!(
                        "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: private\n  secret_env: {PASTED}\n"
                    ),
                ),
            ],
            vec![PASTED],
        ),
        (
            "a manifest's url and username",
            vec![("operation", "sync".into()), ("registries", manifest)],
            vec![PASTED, npm],
        ),
        (
            "org and name",
            vec![("operation", "get".into()), ("name", PASTED.into())],
            vec![PASTED],
        ),
    ];
    for (case, inputs, secrets) in cases {
        for front in support::Front::BOTH {
            let server = FaultServer::start();
            let mut action = Action::new(server.url())
                .front(front)
                .env("NPM_TOKEN", "s3cr3t-value");
            for (k, v) in &inputs {
                action = action.input(k, v);
            }
            let out = action.run();
            out.assert_failure();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{case} ({front:?})\n{}",
                out.dump()
            );
            assert!(
                server.requests().is_empty(),
                "{case} ({front:?}): a request was sent"
            );
            out.assert_mentions(&["looks like a credential (a token or a key) and is not shown"]);
            out.assert_no_leak(&secrets);
            for secret in &secrets {
                out.assert_masked(secret);
            }
        }
    }
}

/// A public key of small order (all zeros here) would let anyone open the sealed secret:
/// refused before anything is sealed or written, as libsodium refuses it.
#[test]
fn a_low_order_public_key_is_refused_before_any_write() {
    for front in support::Front::BOTH {
        let server = FaultServer::start();
        server.script(
            "GET",
            &format!("{LIST}/public-key"),
            [Reply::json(
                200,
                &json!({ "key_id": "1", "key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }),
            )],
        );
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "create")
            .input("registry_type", "npm_registry")
            .input("url", "https://npm.example.com")
            .input("visibility", "all")
            .input("secret", "s3cr3t-value")
            .run();
        out.assert_failure();
        out.assert_mentions(&["is a low-order point"]);
        assert!(
            server.writes().is_empty(),
            "{front:?}: {:?}",
            server.writes()
        );
    }
}

/// Credentials where they would travel unsealed, and look-alikes: a URL with `user:password@`
/// is refused unquoted; a token with a character that is not ASCII is refused up front (not
/// tried four times as "not HTTP"); `${{ secrets.npm_token }}` finds `NPM_TOKEN`.
#[test]
fn credentials_in_urls_and_odd_tokens_are_refused_up_front() {
    for front in support::Front::BOTH {
        let server = FaultServer::start();
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "create")
            .input("registry_type", "npm_registry")
            .input("url", "https://deploy:hunter2pass@npm.example.com/")
            .input("visibility", "all")
            .input("secret", "s3cr3t-value")
            .run();
        out.assert_failure();
        assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
        out.assert_mentions(&["holds a user name or password before the host"]);
        out.assert_no_leak(&["hunter2pass"]);
        assert!(server.requests().is_empty());

        let out = Action::new(server.url())
            .front(front)
            .input("token", "ghp_tökenwithumlaut0000000000000000000")
            .input("operation", "list")
            .run();
        out.assert_failure();
        assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
        out.assert_mentions(&["contains a character that is not ASCII (the token is not shown)"]);
        out.assert_no_leak(&["tökenwithumlaut"]);
        assert!(server.requests().is_empty());
    }
    let server = FaultServer::start();
    let manifest = "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: all\n  secret: ${{ secrets.npm_token }}\n";
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", manifest)
        .input("secrets", r#"{"NPM_TOKEN": "s3cr3t-value"}"#)
        .run();
    out.assert_success();
    let posts: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "{}", out.dump());
}

/// In a workflow the plan or result is in the log too, folded in a group; a name from the
/// server cannot start a workflow command there (every data line is behind `| `).
#[test]
fn the_log_shows_the_result_in_a_group_and_no_cell_starts_a_command() {
    let server = FaultServer::start();
    server.seed(config(
        "::error::forged",
        "npm_registry",
        "https://npm.example.com/",
    ));
    server.seed(config("NPM_OK", "npm_registry", "https://ok.example.com/"));
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    assert_no_forged_commands(&out);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let open = lines
        .iter()
        .position(|l| l.starts_with("::group::Private registries of acme"))
        .unwrap_or_else(|| panic!("no group\n{}", out.dump()));
    let close = lines.iter().position(|l| *l == "::endgroup::").unwrap_or(0);
    assert!(open < close, "{}", out.dump());
    let inside = &lines[open + 1..close];
    assert!(inside.iter().all(|l| l.starts_with("| ")), "{inside:?}");
    assert!(inside.iter().any(|l| l.contains("NPM_OK")), "{inside:?}");
    assert!(
        lines[close + 1..].contains(&"result: listed"),
        "{}",
        out.dump()
    );
}
