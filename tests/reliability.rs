//! Fault injection: the real binary against `support::faults::FaultServer` (502s, rate limits,
//! resets, hangs, lost create answers, malformed bodies) and an HTTPS server signed by a
//! throw-away CA (`ca_certificate`). Every wait here is 1–2 s; every test ends in seconds.

use crate::support;

use std::time::{Duration, Instant, UNIX_EPOCH};

use serde_json::{Value, json};
use support::faults::{FaultServer, Reply, unix_now};
use support::tls::{TestCa, TlsServer};
use support::{Action, config};

const LIST: &str = "/orgs/acme/private-registries";
const KEY: &str = "/orgs/acme/private-registries/public-key";

fn list(server: &FaultServer) -> Action {
    Action::new(server.url()).input("operation", "list")
}

fn create(server: &FaultServer) -> Action {
    Action::new(server.url())
        .input("operation", "create")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com/")
        .input("visibility", "private")
        .input("secret", "s3cr3t-value")
}

fn notices(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect()
}

fn count(lines: &[String], line: &str) -> usize {
    lines.iter().filter(|l| *l == line).count()
}

#[test]
fn bad_gateway_twice_then_success() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    server.script("GET", LIST, [Reply::html(502), Reply::html(502)]);
    let out = list(&server).run();
    out.assert_success();
    assert_eq!(out.output("total_count"), "1");
    assert_eq!(server.lines(), vec![format!("GET {LIST}"); 3]);
    let n = notices(&out.stdout);
    assert_eq!(n.len(), 2, "{}", out.dump());
    assert!(
        n[0].contains("502 Bad Gateway") && n[0].contains("attempt 2 of 4"),
        "{n:?}"
    );
    assert!(n[1].contains("attempt 3 of 4"), "{n:?}");
}

#[test]
fn secondary_rate_limit_waits_retry_after() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::status(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        )
        .header("retry-after", "1")],
    );
    let out = list(&server).run();
    out.assert_success();
    let r = server.requests();
    assert_eq!(r.len(), 2);
    let gap = r[1].at - r[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "waited {gap:?}");
    out.assert_mentions(&["secondary rate limit", "waiting 1.0 s", "attempt 2 of 4"]);
}

#[test]
fn primary_rate_limit_waits_for_the_reset() {
    let server = FaultServer::start();
    let reset = (unix_now() + 2).to_string();
    server.script(
        "GET",
        LIST,
        [Reply::status(403, "API rate limit exceeded for user ID 1.")
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset)],
    );
    let out = list(&server).run();
    out.assert_success();
    let r = server.requests();
    assert_eq!(r.len(), 2);
    // The second attempt waited for the reset second, and not much longer.
    let reset_at = UNIX_EPOCH + Duration::from_secs(reset.parse().expect("reset"));
    let early = reset_at.duration_since(r[1].wall).unwrap_or_default();
    assert!(
        early < Duration::from_millis(50),
        "retried {early:?} before the reset"
    );
    let late = r[1].wall.duration_since(reset_at).unwrap_or_default();
    assert!(
        late < Duration::from_millis(1500),
        "retried {late:?} after the reset"
    );
    out.assert_mentions(&["primary rate limit"]);
}

#[test]
fn too_many_requests_is_retried() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::status(429, "Too Many Requests").header("retry-after", "1")],
    );
    let out = list(&server).run();
    out.assert_success();
    assert_eq!(server.lines().len(), 2);
    out.assert_mentions(&["secondary rate limit", "waiting 1.0 s"]);
}

#[test]
fn secondary_limit_without_headers_fails_fast_when_max_wait_is_lower_than_the_60_s_floor() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::status(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        )],
    );
    let started = Instant::now();
    let out = list(&server).input("max_wait", "5").run();
    let took = started.elapsed();
    out.assert_failure();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(server.lines().len(), 1, "nothing more is sent");
    out.assert_mentions(&[
        "secondary rate limit asks to wait 60 s",
        "longer than max_wait (5.0 s)",
        "Raise the input `max_wait`",
    ]);
    assert!(
        !out.stdout.contains("admin:org"),
        "a rate limit is not a permission problem\n{}",
        out.dump()
    );
    assert_eq!(out.output("result"), "failed");
}

#[test]
fn primary_limit_an_hour_away_fails_at_once() {
    let server = FaultServer::start();
    let reset = (unix_now() + 3600).to_string();
    server.script(
        "GET",
        LIST,
        [Reply::status(403, "API rate limit exceeded")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset)],
    );
    let started = Instant::now();
    let out = list(&server).run();
    out.assert_failure();
    assert!(started.elapsed() < Duration::from_secs(3));
    out.assert_mentions(&["primary rate limit", "longer than max_wait (300 s)"]);
    assert_eq!(server.lines().len(), 1);
}

#[test]
fn a_permission_403_is_not_retried() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::status(403, "Resource not accessible by integration")
            .header("x-ratelimit-remaining", "4999")
            .header("x-ratelimit-reset", &(unix_now() + 3000).to_string())],
    );
    let out = list(&server).run();
    out.assert_failure();
    out.assert_mentions(&[
        "403 Forbidden",
        "Resource not accessible by integration",
        "admin:org",
    ]);
    assert_eq!(server.lines().len(), 1);
    assert!(notices(&out.stdout).is_empty(), "{}", out.dump());
}

#[test]
fn a_connection_reset_is_retried() {
    let server = FaultServer::start();
    server.script("GET", LIST, [Reply::Reset]);
    let out = list(&server).run();
    out.assert_success();
    assert_eq!(server.lines().len(), 2);
    let n = notices(&out.stdout);
    assert_eq!(n.len(), 1, "{}", out.dump());
    assert!(n[0].contains("attempt 2 of 4"), "{n:?}");
}

#[test]
fn a_hang_past_request_timeout_is_cut_and_retried() {
    let server = FaultServer::start();
    server.script("GET", LIST, [Reply::Hang(Duration::from_secs(5))]);
    let started = Instant::now();
    let out = list(&server).input("request_timeout", "1").run();
    let took = started.elapsed();
    out.assert_success();
    assert_eq!(server.lines().len(), 2);
    out.assert_mentions(&["timed out after 1.0 s (request_timeout)"]);
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn a_server_that_always_hangs_fails_in_bounded_time() {
    let server = FaultServer::start();
    server.script("GET", LIST, vec![Reply::Hang(Duration::from_secs(10)); 4]);
    let started = Instant::now();
    let out = list(&server).input("request_timeout", "1").run();
    let took = started.elapsed();
    out.assert_failure();
    out.assert_mentions(&[
        "gave up after 4 attempts",
        "timed out after 1.0 s (request_timeout)",
    ]);
    assert_eq!(server.lines().len(), 4);
    // 4 × 1 s plus at most 0.5 + 1 + 2 s of backoff, plus start-up.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    eprintln!("persistent hang: gave up after {took:?}");
}

#[test]
fn persistent_500_gives_up_after_four_attempts() {
    let server = FaultServer::start();
    server.script("GET", LIST, vec![Reply::status(500, "Server Error"); 10]);
    let started = Instant::now();
    let out = list(&server).run();
    let took = started.elapsed();
    out.assert_failure();
    assert_eq!(server.lines().len(), 4);
    out.assert_mentions(&["gave up after 4 attempts", "500 Internal Server Error"]);
    assert!(took < Duration::from_secs(6), "took {took:?}");
    eprintln!("persistent 500: gave up after {took:?}");
}

#[test]
fn html_error_pages_still_say_the_status() {
    let server = FaultServer::start();
    server.script("GET", &format!("{LIST}/NPM"), [Reply::html(404)]);
    let out = Action::new(server.url())
        .input("operation", "get")
        .input("name", "NPM")
        .run();
    out.assert_failure();
    out.assert_mentions(&["404 Not Found", "an HTML page"]);
    assert_eq!(server.lines().len(), 1, "a 404 is not retried");
    // And a persistent HTML 502: retried, then the same clear message.
    let server = FaultServer::start();
    server.script("GET", LIST, vec![Reply::html(502); 4]);
    let out = list(&server).run();
    out.assert_failure();
    out.assert_mentions(&["502 Bad Gateway: (an HTML page", "gave up after 4 attempts"]);
}

#[test]
fn create_applied_but_answered_502_is_not_duplicated() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::ApplyThen(502)]);
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(out.output("result"), "created");
    assert_eq!(out.output("name"), "NPM_REGISTRY");
    assert_eq!(server.configs().len(), 1, "exactly one configuration");
    assert_eq!(
        server.lines(),
        vec![
            format!("GET {LIST}"),
            format!("GET {KEY}"),
            format!("POST {LIST}"),
            format!("GET {LIST}")
        ]
    );
    out.assert_mentions(&["listing shows GitHub created `NPM_REGISTRY`"]);
    // The secret went over sealed.
    let post = &server.requests()[2];
    let body: Value = serde_json::from_str(&post.body).expect("POST body");
    let sealed = body["encrypted_value"].as_str().expect("encrypted_value");
    assert_eq!(server.keys.unseal(sealed), "s3cr3t-value");
}

#[test]
fn create_not_applied_is_sent_again_after_checking() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::html(502)]);
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(server.configs().len(), 1);
    assert_eq!(
        server.lines(),
        vec![
            format!("GET {LIST}"),
            format!("GET {KEY}"),
            format!("POST {LIST}"),
            format!("GET {LIST}"),
            format!("POST {LIST}"),
        ]
    );
}

/// A create that times out may still land: it is looked for at once and again once it could
/// have landed (another request_timeout); found nowhere, its outcome is unknown (exit 1), and
/// it is never sent a second time.
#[test]
fn create_that_times_out_is_never_sent_again_and_stays_unknown() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::Hang(Duration::from_secs(5))]);
    let out = create(&server).input("request_timeout", "1").run();
    out.assert_failure();
    assert_eq!(out.output("result"), "failed", "{}", out.dump());
    let lines = server.lines();
    assert_eq!(count(&lines, &format!("POST {LIST}")), 1, "{lines:?}");
    assert_eq!(
        lines[3..],
        [format!("GET {LIST}"), format!("GET {LIST}")],
        "{lines:?}"
    );
    out.assert_mentions(&[
        "whether it was applied is unknown",
        "a create that timed out may yet be applied, so it was not sent again",
    ]);
    let changes = out.json("changes");
    assert_eq!(changes[0]["outcome"], "unknown", "{changes}");
}

/// A create that commits after request_timeout (GitHub slow, the answer lost): the second
/// look finds it and adopts it; one POST, one configuration.
#[test]
fn create_that_commits_after_the_timeout_is_found_not_sent_again() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::Slow(Duration::from_millis(1500))]);
    let out = create(&server).input("request_timeout", "1").run();
    out.assert_success();
    assert_eq!(server.configs().len(), 1, "{}", out.dump());
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    out.assert_mentions(&[
        "looking again in 1.0 s before deciding",
        "using it instead of creating it again",
    ]);
}

#[test]
fn create_with_a_reset_connection_checks_before_sending_again() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::Reset]);
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(server.configs().len(), 1);
    assert_eq!(server.lines()[3], format!("GET {LIST}"));
}

#[test]
fn set_rotation_with_a_lost_create_answer_creates_once() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::ApplyThen(504)]);
    let out = Action::new(server.url())
        .input("operation", "set")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com")
        .input("visibility", "private")
        .input("secret", "s3cr3t-value")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "created");
    assert_eq!(server.configs().len(), 1);
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    // Run it again: the configuration is found and rotated in place, not created again.
    let out = Action::new(server.url())
        .input("operation", "set")
        .input("registry_type", "npm_registry")
        .input("url", "https://NPM.example.com/")
        .input("secret", "rotated")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "updated");
    assert_eq!(server.configs().len(), 1);
}

#[test]
fn sync_with_a_lost_create_answer_creates_once() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::ApplyThen(502)]);
    let manifest = "- registry_type: docker_registry\n  url: https://registry.example.com\n  visibility: private\n  secret_env: DOCKER_TOKEN\n";
    let run = || {
        Action::new(server.url())
            .input("operation", "sync")
            .input("registries", manifest)
            .env("DOCKER_TOKEN", "s3cr3t-value")
            .run()
    };
    let out = run();
    out.assert_success();
    assert_eq!(server.configs().len(), 1);
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    // The next scheduled run finds it: nothing is created again.
    run().assert_success();
    assert_eq!(server.configs().len(), 1);
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
}

#[test]
fn create_that_keeps_failing_is_never_duplicated_and_says_so() {
    let server = FaultServer::start();
    server.script("POST", LIST, vec![Reply::html(500); 4]);
    let started = Instant::now();
    let out = create(&server).run();
    out.assert_failure();
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(server.configs().len(), 0);
    let lines = server.lines();
    assert_eq!(count(&lines, &format!("POST {LIST}")), 4);
    // One listing before the first POST; every POST after it is preceded by a check, and the
    // last one is checked too.
    assert_eq!(count(&lines, &format!("GET {LIST}")), 5, "{lines:?}");
    out.assert_mentions(&[
        "gave up after 4 attempts",
        "listing shows it was not applied",
        "nothing was created",
    ]);
}

#[test]
fn create_outcome_unknown_and_listing_broken_does_not_post_again() {
    let server = FaultServer::start();
    server.script("POST", LIST, [Reply::ApplyThen(502)]);
    let mut listings = vec![Reply::Store];
    listings.extend(vec![Reply::status(401, "Bad credentials"); 4]);
    server.script("GET", LIST, listings);
    let out = create(&server).run();
    out.assert_failure();
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    out.assert_mentions(&[
        "listing to check failed",
        "was not sent again",
        "the create may have been applied",
        "run `private-registries list --org acme`",
    ]);
}

#[test]
fn created_201_with_an_unreadable_body_is_found_not_repeated() {
    // GitHub created it, but the 201's body was cut.
    let server = FaultServer::start();
    server.script(
        "POST",
        LIST,
        [Reply::ApplyThenRaw(201, "{\"name\": \"NPM_REG".into())],
    );
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(out.output("name"), "NPM_REGISTRY");
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
}

/// A lost create's answer is looked for among the names that were not there before; what
/// someone else holds, however alike and however recent, is never taken for ours.
#[test]
fn a_lost_create_never_adopts_a_configuration_that_existed_before() {
    let server = FaultServer::start();
    // Alike in every field, and "created" a moment ago by GitHub's clock.
    server.seed(support::with(
        config("MINE_ALREADY", "npm_registry", "https://npm.example.com/"),
        json!({ "visibility": "private", "created_at": support::faults::rfc3339_now() }),
    ));
    server.script("POST", LIST, [Reply::html(502)]);
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(out.output("result"), "created");
    assert_ne!(out.output("name"), "MINE_ALREADY");
    assert_eq!(server.configs().len(), 2);
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 2);
}

/// Whatever the timestamps say: GitHub's clock is never compared with ours.
#[test]
fn a_lost_create_is_found_by_name_and_fields_not_by_clock() {
    let server = FaultServer::start();
    let made = json!({
        "name": "NPM_REGISTRY_7", "registry_type": "npm_registry",
        "url": "https://npm.example.com", "visibility": "private", "auth_type": "token",
        "created_at": "1999-01-01T00:00:00Z", "updated_at": "1999-01-01T00:00:00Z"
    });
    let page = |configs: Vec<Value>| {
        let n = configs.len();
        Reply::json(200, &json!({ "total_count": n, "configurations": configs }))
    };
    // Someone else's configuration, new too, but visible to all: not what was sent.
    let other = support::with(
        made.clone(),
        json!({ "name": "NPM_X", "visibility": "all" }),
    );
    server.script("POST", LIST, [Reply::html(504)]);
    server.script(
        "GET",
        LIST,
        [page(vec![]), page(vec![other.clone(), made.clone()])],
    );
    let out = create(&server).run();
    out.assert_success();
    assert_eq!(out.output("name"), "NPM_REGISTRY_7");
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    out.assert_mentions(&["listing shows GitHub created `NPM_REGISTRY_7`"]);
}

#[test]
fn a_lost_create_with_two_new_lookalikes_stops_and_says_what_to_check() {
    let server = FaultServer::start();
    let alike = |name: &str| {
        json!({ "name": name, "registry_type": "npm_registry",
            "url": "https://npm.example.com/", "visibility": "private" })
    };
    server.script("POST", LIST, [Reply::html(502)]);
    server.script(
        "GET",
        LIST,
        [
            Reply::Store,
            Reply::json(
                200,
                &json!({ "total_count": 2, "configurations": [alike("NPM_A"), alike("NPM_B")] }),
            ),
        ],
    );
    let out = create(&server).run();
    out.assert_failure();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(count(&server.lines(), &format!("POST {LIST}")), 1);
    out.assert_mentions(&[
        "2 new configurations match what was sent (NPM_A, NPM_B)",
        "the create may have been applied",
        "run `private-registries list --org acme`",
    ]);
}

#[test]
fn update_and_delete_are_retried_and_a_lost_delete_answer_is_success() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    let one = format!("{LIST}/NPM");
    server.script("PATCH", &one, [Reply::html(503)]);
    let out = Action::new(server.url())
        .input("operation", "update")
        .input("name", "NPM")
        .input("url", "https://npm2.example.com")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "updated");
    assert_eq!(count(&server.lines(), &format!("PATCH {one}")), 2);

    server.script("DELETE", &one, [Reply::ApplyThen(502)]);
    let out = Action::new(server.url())
        .input("operation", "delete")
        .input("name", "NPM")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "deleted");
    assert!(server.configs().is_empty());
    out.assert_mentions(&["an earlier attempt whose answer was lost deleted it"]);
}

#[test]
fn malformed_success_bodies_give_clear_errors() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::raw(200, "{\"total_count\": 1, \"configurations\": [{\"na"),
            "is not the JSON the API describes (EOF",
        ),
        (
            Reply::json(200, &json!({ "total_count": "many", "configurations": {} })),
            "is not the JSON the API describes (invalid type",
        ),
        (Reply::raw(200, ""), "is not the JSON the API describes"),
        (
            Reply::raw(200, &"x".repeat(9 * 1024 * 1024)),
            "larger than 8 MiB; refused",
        ),
    ];
    for (reply, words) in cases {
        let server = FaultServer::start();
        server.script("GET", LIST, [reply]);
        let out = list(&server).run();
        out.assert_failure();
        out.assert_mentions(&[words]);
        assert_eq!(server.lines().len(), 1, "not retried: {words}");
    }
}

#[test]
fn ca_certificate_is_trusted_in_addition_to_the_builtin_roots() {
    let ca = TestCa::new();
    let keys = support::Keys::generate();
    let key = keys.json();
    let server = TlsServer::start(&ca, key.clone());

    // Without the CA: refused, not retried, and the message points at ca_certificate.
    let out = Action::new(&server.url)
        .input("operation", "public-key")
        .run();
    out.assert_failure();
    out.assert_mentions(&["TLS failed", "ca_certificate"]);
    assert_eq!(server.answered.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(
        server.handshakes.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "not retried"
    );

    // PEM text.
    let out = Action::new(&server.url)
        .input("operation", "public-key")
        .input("ca_certificate", &ca.ca_pem)
        .run();
    out.assert_success();
    assert_eq!(out.output("key_id"), keys.key_id);

    // A path relative to the workspace.
    let dir = std::env::temp_dir().join(format!("pr-ca-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("certs")).expect("dir");
    std::fs::write(dir.join("certs/ca.pem"), &ca.ca_pem).expect("write ca");
    let out = Action::new(&server.url)
        .input("operation", "public-key")
        .input("ca_certificate", "certs/ca.pem")
        .env("GITHUB_WORKSPACE", dir.to_str().expect("utf-8"))
        .run();
    let _ = std::fs::remove_dir_all(&dir);
    out.assert_success();
    assert_eq!(server.answered.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn bad_ca_certificates_are_input_errors_before_any_request() {
    let ca = TestCa::new();
    let server = FaultServer::start();
    let mangled = ca.ca_pem.replacen("MII", "MIX", 1);
    let cases: Vec<(String, &str)> = vec![
        (
            "not a certificate".into(),
            "neither PEM text nor a readable file",
        ),
        (mangled, "input `ca_certificate`"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
            "not a usable CA certificate",
        ),
        (
            format!("{}{}", ca.ca_pem, ca.ca_key_pem),
            "contains a private key",
        ),
    ];
    for (pem, words) in cases {
        let out = list(&server).input("ca_certificate", &pem).run();
        out.assert_failure();
        assert_eq!(out.status.code(), Some(2), "{}", out.dump());
        out.assert_mentions(&[words, "nothing was sent to GitHub"]);
    }
    assert!(server.lines().is_empty());
    // The key never shows, even when refused.
    let out = list(&server)
        .input("ca_certificate", &format!("{}{}", ca.ca_pem, ca.ca_key_pem))
        .run();
    let key_line = ca.ca_key_pem.lines().nth(1).expect("key body");
    assert!(!out.stdout.contains(key_line) && !out.stderr.contains(key_line));
}

#[test]
fn requests_carry_githubs_headers_on_every_attempt() {
    let server = FaultServer::start();
    server.script("GET", LIST, [Reply::html(502)]);
    list(&server).run().assert_success();
    for r in server.requests() {
        assert_eq!(
            r.headers.get("authorization").map(String::as_str),
            Some(format!("Bearer {}", support::TOKEN).as_str())
        );
        assert_eq!(
            r.headers.get("x-github-api-version").map(String::as_str),
            Some("2026-03-10")
        );
        assert_eq!(
            r.headers.get("accept").map(String::as_str),
            Some("application/vnd.github+json")
        );
    }
}

/// GitHub's current REST API version goes to every request; a server that does not know it
/// (GHES before it answers 400, naming the header) gets 2022-11-28 from then on, once said.
#[test]
fn a_server_that_does_not_know_the_api_version_gets_the_older_one_for_the_rest_of_the_run() {
    let server = FaultServer::start();
    server.seed(config("NPM", "npm_registry", "https://npm.example.com"));
    let unsupported = Reply::json(
        400,
        &json!({
            "message": "The version you specified in the \"X-GitHub-API-Version\" request header, \"2026-03-10\", is not a supported version. The following versions are currently supported: \"2022-11-28\" (most recent).",
            "documentation_url": "https://docs.github.com/rest"
        }),
    );
    server.script("GET", LIST, [unsupported]);
    let out = Action::new(server.url())
        .input("operation", "set")
        .input("name", "NPM")
        .input("secret", "rotated")
        .run();
    out.assert_success();
    let versions: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.headers
                .get("x-github-api-version")
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(versions[0], "2026-03-10");
    assert!(versions.len() >= 3, "{versions:?}");
    assert!(
        versions[1..].iter().all(|v| v == "2022-11-28"),
        "{versions:?}"
    );
    let n = notices(&out.stdout);
    assert_eq!(
        n.iter()
            .filter(|l| l.contains("does not know REST API version 2026-03-10"))
            .count(),
        1,
        "{}",
        out.dump()
    );
}

/// Small holes: an answer gzip-encoded without being asked is malformed at once (not retried
/// as a connection error); a reset past 64 bits is not reported as a 60 s wait.
#[test]
fn an_unasked_encoding_fails_at_once_and_a_far_reset_is_said_as_it_is() {
    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::raw(200, "\u{1f}\u{8b}\u{8}garbage").header("content-encoding", "gzip")],
    );
    let out = list(&server).run();
    out.assert_failure();
    out.assert_mentions(&["is `gzip`-encoded, which was not asked for; refused as malformed"]);
    assert_eq!(server.lines().len(), 1, "{}", out.dump());

    let server = FaultServer::start();
    server.script(
        "GET",
        LIST,
        [Reply::status(403, "API rate limit exceeded")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "100000000000000000000")],
    );
    let out = list(&server).run();
    out.assert_failure();
    out.assert_mentions(&["asks to wait more than a year, longer than max_wait"]);
    assert!(
        !out.stdout.contains("60 s") && !out.stderr.contains("60 s"),
        "{}",
        out.dump()
    );
    assert_eq!(server.lines().len(), 1);
}

/// Two syncs of one manifest at once both create the registry. The sync lists once more after
/// its creates, finds the other run's twin (same type and URL, a name it did not list before),
/// exits 1 and says which one to delete; it deletes nothing itself.
#[test]
fn a_concurrent_runs_duplicate_is_found_after_the_creates_and_named() {
    let server = FaultServer::start();
    let url = "https://npm.example.com/";
    let twin = |name: &str, at: &str| {
        let mut c = support::config(name, "npm_registry", url);
        c["created_at"] = serde_json::json!(at);
        c
    };
    let both = serde_json::json!({
        "total_count": 2,
        "configurations": [twin("NPM_REGISTRY", "2026-01-01T00:00:01Z"), twin("NPM_REGISTRY_9", "2026-01-01T00:00:02Z")],
    });
    server.script("GET", LIST, [Reply::Store, Reply::json(200, &both)]);
    let manifest = format!(
        "- registry_type: npm_registry\n  url: {url}\n  visibility: all\n  secret_env: NPM_TOKEN\n"
    );
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", &manifest)
        .env("NPM_TOKEN", "s3cr3t-value")
        .run();
    out.assert_failure();
    assert_eq!(out.status.code(), Some(1), "{}", out.dump());
    out.assert_mentions(&[
        "`NPM_REGISTRY` (created by this run) and `NPM_REGISTRY_9` (created by another run at the same time)",
        "private-registries delete --org acme NPM_REGISTRY_9",
        "concurrency:",
    ]);
    let writes = server.writes();
    assert_eq!(writes, [format!("POST {LIST}")], "{writes:?}");
}

/// A 201 that names a configuration listed before the create cannot be the new one: the
/// outcome is unknown (exit 1), nothing is adopted, pruned or sent again.
#[test]
fn a_created_answer_naming_a_known_configuration_is_not_believed() {
    let server = FaultServer::start();
    server.seed(config(
        "NPM_OLD",
        "npm_registry",
        "https://old.example.com/",
    ));
    server.script(
        "POST",
        LIST,
        [Reply::json(
            201,
            &config("NPM_OLD", "npm_registry", "https://npm.example.com/"),
        )],
    );
    let manifest = "- name: NPM_OLD\n  registry_type: npm_registry\n  url: https://old.example.com/\n  visibility: private\n- registry_type: npm_registry\n  url: https://npm.example.com/\n  visibility: all\n  secret_env: NPM_TOKEN\n";
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", manifest)
        .input("prune", "true")
        .env("NPM_TOKEN", "s3cr3t-value")
        .run();
    out.assert_failure();
    out.assert_mentions(&["naming `NPM_OLD`, which existed before this create"]);
    let changes = out.json("changes");
    let outcomes: Vec<&str> = changes
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["outcome"].as_str()).collect())
        .unwrap_or_default();
    assert!(outcomes.contains(&"unknown"), "{changes}");
    assert_eq!(server.writes(), [format!("POST {LIST}")]);
}
