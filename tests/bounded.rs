//! Bounded by design: whatever a broken or hostile server sends (a body or headers past the
//! caps, a page repeated, a `total_count` past the bound, pages that never end), the real
//! binary stops with an error that says what it saw, after a bounded number of requests, and
//! writes nothing.

use crate::support;

use serde_json::{Value, json};
use support::faults::{FaultServer, Reply};
use support::{Action, config};

const LIST: &str = "/orgs/acme/private-registries";

fn page(total: u64, configs: Vec<Value>) -> Reply {
    Reply::json(
        200,
        &json!({ "total_count": total, "configurations": configs }),
    )
}

/// Configurations `from..from + n`, each with its own name.
fn fresh(from: usize, n: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| {
            config(
                &format!("NPM_{i}"),
                "npm_registry",
                &format!("https://npm{i}.example.com"),
            )
        })
        .collect()
}

/// One scenario: what the server answers to `GET LIST`, the words the error must hold, and the
/// most listing requests the run may make.
struct Case {
    name: &'static str,
    replies: Vec<Reply>,
    words: &'static [&'static str],
    max_requests: usize,
}

fn cases() -> Vec<Case> {
    let huge = "x".repeat((8 << 20) + 1);
    let endless: Vec<Reply> = (0..150)
        .map(|p| page(1_000_000, fresh(p * 100, 100)))
        .collect();
    let lying: Vec<Reply> = (0..150)
        .map(|p| page(10_000, fresh(p * 100, 100)))
        .collect();
    vec![
        Case {
            name: "a body over 8 MiB",
            replies: vec![Reply::raw(200, &huge)],
            words: &["is larger than 8 MiB; refused"],
            max_requests: 1,
        },
        Case {
            name: "headers over 16 KiB",
            replies: vec![page(0, vec![]).header("x-padding", &"p".repeat(20 * 1024))],
            words: &["the response headers are larger than 16 KiB; refused"],
            max_requests: 1,
        },
        Case {
            name: "a page repeated",
            replies: vec![page(300, fresh(0, 100)), page(300, fresh(0, 100))],
            words: &["page 2 repeats `NPM_0`, already listed"],
            max_requests: 2,
        },
        Case {
            name: "a huge total_count",
            replies: endless,
            words: &["page 1 reports 1000000 configurations; this tool reads at most 10000"],
            max_requests: 1,
        },
        Case {
            name: "pages past the bound",
            replies: lying,
            words: &[],
            max_requests: 100,
        },
        Case {
            name: "more than was asked for",
            replies: vec![page(150, fresh(0, 150))],
            words: &["page 1 holds 150 configurations, more than the 100 asked for"],
            max_requests: 1,
        },
        Case {
            name: "a field past 4 KiB",
            replies: vec![page(
                1,
                vec![config(
                    "NPM",
                    "npm_registry",
                    &format!("https://npm.example.com/{}", "p".repeat(4096)),
                )],
            )],
            words: &["answered a configuration whose `url` is longer than 4096 bytes; refused"],
            max_requests: 1,
        },
        Case {
            name: "a configuration without a name",
            replies: vec![page(1, vec![json!({ "registry_type": "npm_registry" })])],
            words: &["page 1 holds a configuration without a name"],
            max_requests: 1,
        },
    ]
}

#[test]
fn a_hostile_listing_is_refused_after_bounded_requests() {
    for case in cases() {
        let server = FaultServer::start();
        server.script("GET", LIST, case.replies);
        let out = Action::new(server.url()).input("operation", "list").run();
        let requests = server.lines().len();
        assert!(
            requests <= case.max_requests,
            "{}: {requests} requests, at most {} allowed",
            case.name,
            case.max_requests
        );
        if case.words.is_empty() {
            // 100 pages of 100 is the bound itself: read whole, then stopped.
            out.assert_success();
            assert_eq!(out.output("total_count"), "10000", "{}", case.name);
            assert_eq!(requests, 100, "{}", case.name);
            continue;
        }
        out.assert_failure();
        assert_eq!(out.status.code(), Some(1), "{}\n{}", case.name, out.dump());
        out.assert_mentions(case.words);
    }
}

#[test]
fn a_repeated_page_stops_a_sync_before_any_write() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [page(200, fresh(0, 100)), page(200, fresh(50, 100))],
    );
    let manifest = "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: private\n  secret_env: NPM_TOKEN\n";
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", manifest)
        .env("NPM_TOKEN", "s3cr3t-value")
        .run();
    out.assert_failure();
    out.assert_mentions(&["page 2 repeats `NPM_50`"]);
    let writes = server.writes();
    assert!(writes.is_empty(), "{writes:?}");
}

/// A long listing is kept as its JSON, not twice: every configuration is in the `registries`
/// output, the summary and the table show the first 1,000 and say how many more there are.
#[test]
fn a_long_listing_outputs_every_configuration_and_shows_the_first_thousand() {
    let server = FaultServer::start();
    let pages: Vec<Reply> = (0..15).map(|p| page(1_500, fresh(p * 100, 100))).collect();
    server.script("GET", LIST, pages);
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    let registries = out.json("registries");
    let all = registries.as_array().expect("an array");
    assert_eq!(all.len(), 1_500);
    assert_eq!(all[1_499]["name"], "NPM_1499");
    assert!(
        out.summary
            .contains("500 more not shown here; every configuration is in the `registries` output"),
        "{}",
        &out.summary[out.summary.len().saturating_sub(300)..]
    );
    assert!(out.summary.contains("| NPM\\_999 |") && !out.summary.contains("| NPM\\_1000 |"));
}

/// A listing that disagrees with itself: a `total_count` below or above what the pages hold,
/// or `Link: rel="next"` pointing back at page 1. Each is an error (exit 1) saying what was
/// seen, for `list` and for `sync`, and `sync` writes nothing.
#[test]
fn a_listing_that_disagrees_with_itself_is_refused_and_nothing_is_written() {
    let loop_back = |r: Reply| {
        r.header(
            "link",
            "<http://x/orgs/acme/private-registries?per_page=100&page=1>; rel=\"next\"",
        )
    };
    let cases: Vec<(&str, Vec<Reply>, &str)> = vec![
        (
            "a total_count below the pages",
            vec![page(1, fresh(0, 100)), page(1, fresh(100, 50))],
            "has more configurations than reported",
        ),
        (
            "a total_count above the pages",
            vec![page(500, fresh(0, 1))],
            "ends the listing short of the count reported",
        ),
        (
            "a next link back to page 1",
            (0..3).map(|_| loop_back(page(500, fresh(0, 1)))).collect(),
            "links to page 1 as the next one, not to page 2",
        ),
        (
            "a total_count that changes between pages",
            vec![page(150, fresh(0, 100)), page(120, fresh(100, 20))],
            "reports 120 configurations where page 1 reported 150",
        ),
    ];
    let manifest = "- registry_type: npm_registry\n  url: https://npm120.example.com\n  visibility: private\n  secret_env: NPM_TOKEN\n- registry_type: npm_registry\n  url: https://new.example.com\n  visibility: private\n  secret_env: NPM_TOKEN\n";
    for (name, replies, words) in cases {
        for operation in ["list", "sync"] {
            let server = FaultServer::start();
            server.script("GET", LIST, replies.clone());
            let mut action = Action::new(server.url()).input("operation", operation);
            if operation == "sync" {
                action = action
                    .input("registries", manifest)
                    .env("NPM_TOKEN", "s3cr3t-value");
            }
            let out = action.run();
            out.assert_failure();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} ({operation})\n{}",
                out.dump()
            );
            out.assert_mentions(&[words, "nothing was planned or written"]);
            let writes = server.writes();
            assert!(writes.is_empty(), "{name} ({operation}): {writes:?}");
        }
    }
}

/// A directory of its own with a FIFO in it, removed when dropped.
struct FifoDir(std::path::PathBuf);

impl FifoDir {
    fn new(tag: &str) -> FifoDir {
        let dir = std::env::temp_dir().join(format!("pr-fifo-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the directory");
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("registries.yml"))
            .status()
            .expect("run mkfifo");
        assert!(made.success());
        FifoDir(dir)
    }

    fn fifo(&self) -> String {
        self.0.join("registries.yml").display().to_string()
    }
}

impl Drop for FifoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A FIFO or a device where a manifest or a certificate belongs is refused at once (exit 2,
/// no request), instead of blocking in open() or reading without end.
#[test]
fn a_fifo_or_a_device_is_refused_at_once_before_any_request() {
    let dir = FifoDir::new("refused");
    let cases: Vec<(support::Front, &str, String)> = vec![
        (
            support::Front::Action,
            "registries_file",
            "registries.yml".into(),
        ),
        (support::Front::Cli, "registries_file", dir.fifo()),
        (support::Front::Cli, "registries_file", "/dev/zero".into()),
        (support::Front::Action, "ca_certificate", "/dev/zero".into()),
    ];
    for (front, key, value) in cases {
        let server = FaultServer::start();
        let mut action = Action::new(server.url())
            .front(front)
            .timeout(std::time::Duration::from_secs(20))
            .input(
                "operation",
                if key == "ca_certificate" {
                    "list"
                } else {
                    "sync"
                },
            )
            .input(key, &value);
        if front == support::Front::Action {
            action = action.env("GITHUB_WORKSPACE", &dir.0.display().to_string());
        }
        let out = action.run();
        out.assert_failure();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{key}={value} ({front:?})\n{}",
            out.dump()
        );
        out.assert_mentions(&["not a regular file (a FIFO, a device or a directory)"]);
        assert!(server.requests().is_empty(), "{key}={value} ({front:?})");
    }
}

/// 100,000 levels of flow mappings in 500 KB (about 4 minutes of parsing before) are refused
/// by the depth scan; a manifest past 1 MiB is refused by its size.
#[test]
fn a_deeply_nested_or_huge_manifest_is_refused_before_it_is_parsed() {
    let deep = format!("registries:\n  npm: {}\n", "{a: ".repeat(100_000));
    let huge = format!(
        "# {}\n- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: all\n  secret: x\n",
        "x".repeat(1 << 20)
    );
    for (text, words) in [
        (deep, "nested more than 64 levels deep at line 2"),
        (huge, "larger than 1 MiB; this tool reads at most that"),
    ] {
        for front in support::Front::BOTH {
            let server = FaultServer::start();
            let out = Action::new(server.url())
                .front(front)
                .timeout(std::time::Duration::from_secs(20))
                .file("registries.yml", &text)
                .input("operation", "sync")
                .input("registries_file", "registries.yml")
                .run();
            out.assert_failure();
            assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
            out.assert_mentions(&[words]);
            assert!(server.requests().is_empty(), "{front:?}");
        }
    }
}

/// A manifest read from standard input that never ends: SIGTERM ends the run at once (exit
/// 143), with nothing sent.
#[test]
fn a_signal_ends_a_run_whose_manifest_never_ends() {
    let server = FaultServer::start();
    let started = std::time::Instant::now();
    let mut action = Action::new(server.url())
        .no_output_file()
        .env("GH_TOKEN", support::TOKEN)
        .timeout(std::time::Duration::from_secs(10));
    for arg in [
        "sync",
        "--org",
        "acme",
        "--api-url",
        server.url(),
        "--registries",
        "-",
    ] {
        action = action.arg(arg);
    }
    let out = action
        .stdin_never_ending("- registry_type: npm_registry\n")
        .signal_after(std::time::Duration::from_millis(300), "TERM")
        .run();
    assert_eq!(out.status.code(), Some(143), "{}", out.dump());
    out.assert_mentions(&["cancelled (SIGTERM) before anything was written"]);
    assert!(server.requests().is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// A value past what GitHub takes is refused by its size, never quoted or sent.
#[test]
fn a_value_past_its_bound_is_refused_by_its_size() {
    let long_url = format!("https://npm.example.com/{}", "p".repeat(3000));
    for front in support::Front::BOTH {
        let server = FaultServer::start();
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "create")
            .input("registry_type", "npm_registry")
            .input("url", &long_url)
            .input("username", &"u".repeat(300))
            .input("visibility", "all")
            .input("secret", "s3cr3t-value")
            .run();
        out.assert_failure();
        assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
        out.assert_mentions(&[
            "3024 bytes long; at most 2048 allowed",
            "300 bytes long; at most 256 allowed",
        ]);
        assert!(!out.stderr.contains(&"p".repeat(100)) && !out.stdout.contains(&"p".repeat(100)));
        assert!(server.requests().is_empty(), "{front:?}");
    }
}

/// Outputs that would pass GitHub's 1 MiB a job are cut with a warning: the listing keeps the
/// configurations that fit (still JSON), `result` and `total_count` are whole.
#[test]
fn outputs_past_one_mebibyte_are_cut_with_a_warning() {
    let server = FaultServer::start();
    let long = |p: usize| -> Vec<Value> {
        fresh(p * 100, 100)
            .into_iter()
            .map(|mut c| {
                c["url"] = json!(format!(
                    "{}/{}",
                    c["url"].as_str().unwrap_or(""),
                    "x".repeat(1500)
                ));
                c
            })
            .collect()
    };
    let pages: Vec<Reply> = (0..10).map(|p| page(1_000, long(p))).collect();
    server.script("GET", LIST, pages);
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    let file = out.output_file.as_deref().unwrap_or_default();
    assert!(
        file.len() <= (1 << 20) + 4096,
        "GITHUB_OUTPUT holds {} bytes",
        file.len()
    );
    assert_eq!(out.output("result"), "listed");
    assert_eq!(out.output("total_count"), "1000");
    let kept = out.json("registries").as_array().map_or(0, Vec::len);
    assert!(kept > 500 && kept < 1000, "{kept} configurations kept");
    out.assert_mentions(&[&format!(
        "output `registries` holds the first {kept} of 1000 items: GitHub allows a job at most 1 MiB of outputs"
    )]);
}
