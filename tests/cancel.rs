//! Cancellation and pacing, through the real binary against `FaultServer`: a SIGTERM or SIGINT
//! in the middle of a sync starts no new write, lets the one in flight finish (or, past the
//! grace period, reports it as unknown), writes the outputs and the summary saying what was
//! and was not applied, and exits 128 + the signal; a long run spaces its writes within
//! GitHub's content limits, and a plan past the hourly limit is refused before any write.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::faults::{FaultServer, Reply};
use support::{Action, Front, Outcome};

const LIST: &str = "/orgs/acme/private-registries";

/// A manifest of `n` npm registries, each a create on an empty org.
fn manifest(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "- registry_type: npm_registry\n  url: https://npm{i}.example.com\n  visibility: private\n  secret_env: NPM_TOKEN\n"
            )
        })
        .collect()
}

fn sync(server: &FaultServer, n: usize) -> Action {
    Action::new(server.url())
        .input("operation", "sync")
        .input("registries", &manifest(n))
        .env("NPM_TOKEN", "s3cr3t-value")
}

fn posts(server: &FaultServer) -> Vec<Duration> {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.at)
        .collect()
}

/// No write waited for the pacing: each went well within a second of the one before (a local
/// server answers a debug build's create in about 60 ms).
fn unpaced(at: &[Duration]) -> bool {
    at.windows(2)
        .all(|pair| pair[1] - pair[0] < Duration::from_millis(500))
}

fn outcomes(out: &Outcome) -> Vec<String> {
    let changes = out.json("changes");
    changes
        .as_array()
        .expect("changes is an array")
        .iter()
        .map(|c| c["outcome"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn count(outcomes: &[String], which: &str) -> usize {
    outcomes.iter().filter(|o| *o == which).count()
}

#[test]
fn sigterm_in_the_middle_of_a_sync_finishes_the_write_in_flight_and_sends_no_other() {
    for front in [Front::Action, Front::Cli] {
        sigterm_mid_sync(front);
    }
}

fn sigterm_mid_sync(front: Front) {
    let server = FaultServer::start();
    server.script(
        "POST",
        LIST,
        vec![Reply::Slow(Duration::from_millis(300)); 12],
    );
    let out = sync(&server, 12)
        .front(front)
        .signal_after(Duration::from_millis(1_000), "TERM")
        .run();
    assert_eq!(out.status.code(), Some(143), "{}", out.dump());
    assert_eq!(out.output("result"), "cancelled");
    let outcomes = outcomes(&out);
    let applied = count(&outcomes, "applied");
    let not_sent = count(&outcomes, "not_sent");
    // Everything reported applied is on the server, nothing else was sent, and the rest is
    // reported not sent.
    assert!(applied >= 1 && not_sent >= 1, "{outcomes:?}");
    assert_eq!(applied + not_sent, 12, "{outcomes:?}");
    assert_eq!(server.configs().len(), applied);
    assert_eq!(posts(&server).len(), applied);
    out.assert_mentions(&[&format!(
        "cancelled (SIGTERM): {} applied, {not_sent} not sent",
        if applied == 1 {
            "1 write".to_string()
        } else {
            format!("{applied} writes")
        }
    )]);
    if front == Front::Action {
        assert!(
            out.summary
                .contains("not sent: the run was cancelled (SIGTERM) before its turn"),
            "{}",
            out.summary
        );
    }
}

#[test]
fn sigint_while_a_write_hangs_reports_it_unknown_after_the_grace_period() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::Hang(Duration::from_secs(30))]);
    let started = Instant::now();
    let out = sync(&server, 3)
        .input("request_timeout", "60")
        .signal_after(Duration::from_millis(800), "INT")
        .run();
    // Bounded: the grace period (5 s), not the request timeout (60 s).
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{}",
        out.dump()
    );
    assert_eq!(out.status.code(), Some(130), "{}", out.dump());
    assert_eq!(out.output("result"), "cancelled");
    let outcomes = outcomes(&out);
    assert_eq!(
        outcomes,
        ["unknown", "not_sent", "not_sent"],
        "{}",
        out.dump()
    );
    assert_eq!(posts(&server).len(), 1);
    out.assert_mentions(&["cancelled (SIGINT) while a request was out"]);
    let changes = out.json("changes");
    let unknown = changes[0]["error"].as_str().unwrap_or_default();
    assert!(
        unknown.contains("run `private-registries list`"),
        "{unknown}"
    );
}

#[test]
fn a_signal_before_any_write_stops_at_once_and_says_nothing_was_written() {
    let server = FaultServer::start();
    server.script("GET", LIST, [Reply::Hang(Duration::from_secs(30))]);
    let started = Instant::now();
    let out = sync(&server, 2)
        .input("request_timeout", "60")
        .signal_after(Duration::from_millis(500), "TERM")
        .run();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{}",
        out.dump()
    );
    assert_eq!(out.status.code(), Some(143), "{}", out.dump());
    assert_eq!(out.output("result"), "failed");
    out.assert_mentions(&["cancelled (SIGTERM) before anything was written"]);
    assert!(posts(&server).is_empty());
}

#[test]
fn a_short_run_is_not_slowed_and_a_longer_one_spaces_its_writes() {
    let server = FaultServer::start();
    let out = sync(&server, 23).run();
    out.assert_success();
    let at = posts(&server);
    assert_eq!(at.len(), 23);
    // The first twenty go at once: none waits for the pacing's second.
    assert!(unpaced(&at[..20]), "{at:?}");
    // Every later one a second after the one before: sent a second apart, they are seen here
    // a little less apart when the one before was slow to arrive (a busy machine delays a
    // receipt by milliseconds), never the half second an unpaced write is.
    for pair in at[19..].windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(950), "{at:?}");
    }
    out.assert_mentions(&["20 of 23 writes done; about 3.0 s left"]);
}

#[test]
fn twenty_writes_are_not_paced() {
    let server = FaultServer::start();
    let out = sync(&server, 20).run();
    out.assert_success();
    let at = posts(&server);
    assert_eq!(at.len(), 20);
    assert!(unpaced(&at), "{at:?}");
    assert!(!out.stdout.contains("writes done"), "{}", out.dump());
}

#[test]
fn a_plan_past_the_hourly_limit_is_refused_before_any_write() {
    let server = FaultServer::start();
    let out = sync(&server, 501).run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&[
        "the plan needs 501 writes, and GitHub allows 500 content-creating requests an hour",
        "split the manifest",
    ]);
    let writes = server.writes();
    assert!(writes.is_empty(), "{writes:?}");
    // The plan is still shown.
    let changes: Value = out.json("changes");
    assert_eq!(changes.as_array().map(Vec::len), Some(501));
}
