//! Bounded by design: whatever a broken or hostile server sends (a body or headers past the
//! caps, a page repeated, a `total_count` past the bound, pages that never end), the real
//! binary stops with an error that says what it saw, after a bounded number of requests, and
//! writes nothing.

mod support;

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
