//! Signing in as a GitHub App, through both front ends, against a server that verifies the
//! JWT with the App's public key and holds each installation token to its org and its
//! permission level: one narrow token per org, masked, revoked at the end whatever happened.

use crate::support;

use std::time::Duration;

use serde_json::json;
use support::faults::{FaultServer, Reply};
use support::{Action, Front, config};

const KEY: &str = include_str!("fixtures/app-key-pkcs1.pem");
const KEY_PKCS8: &str = include_str!("fixtures/app-key-pkcs8.pem");
const OTHER_KEY: &str = include_str!("fixtures/app-key-other.pem");
/// RSA of 1024 bits: too short for GitHub, and for ring.
const SHORT_KEY: &str = include_str!("fixtures/app-key-1024.pem");
const LIST: &str = "/orgs/acme/private-registries";

/// A run signed in as the App (no token input).
fn as_app(server: &FaultServer, front: Front, key: &str) -> Action {
    Action::new(server.url())
        .front(front)
        .unset("INPUT_TOKEN")
        .input("app_id", "Iv23liTEST")
        .input("app_private_key", key)
}

fn server() -> FaultServer {
    let server = FaultServer::start();
    server.app("Iv23liTEST", KEY, &[("acme", 11), ("beta", 22)]);
    server.add_org("beta");
    server.seed(config(
        "NPM_REGISTRY",
        "npm_registry",
        "https://npm.example.com/",
    ));
    server
}

#[test]
fn two_orgs_each_get_their_own_narrow_token_masked_and_revoked() {
    for front in Front::BOTH {
        let server = server();
        let out = as_app(&server, front, KEY)
            .input("org", "acme,beta")
            .input("operation", "set")
            .input("registry_type", "npm_registry")
            .input("url", "https://npm.example.com/")
            .input("visibility", "private")
            .input("secret", "s3cr3t-value")
            .run();
        out.assert_success();
        let minted = server.minted();
        assert_eq!(minted.len(), 2, "{front:?}\n{}", out.dump());
        for (m, org) in minted.iter().zip(["acme", "beta"]) {
            assert_eq!(m.org, org);
            assert_eq!(
                m.permissions,
                Some(json!({ "organization_private_registries": "write" })),
                "{front:?}"
            );
            assert!(m.revoked, "{front:?}: the token for {org} was not revoked");
            out.assert_masked(&m.token);
            out.assert_no_leak(&[&m.token]);
        }
        let lines = server.lines();
        let expected_start = [
            "GET /orgs/acme/installation",
            "POST /app/installations/11/access_tokens",
        ];
        assert_eq!(lines[..2], expected_start, "{front:?}: {lines:#?}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| *l == "DELETE /installation/token")
                .count(),
            2,
            "{lines:#?}"
        );
        let beta_sign_in = lines
            .iter()
            .position(|l| l == "GET /orgs/beta/installation");
        let acme_revoked = lines.iter().position(|l| l == "DELETE /installation/token");
        assert!(acme_revoked < beta_sign_in, "{lines:#?}");
        assert_eq!(server.configs_of("beta").len(), 1, "{front:?}");
    }
}

#[test]
fn reads_ask_for_read_and_a_pkcs8_key_signs_too() {
    for front in Front::BOTH {
        let server = server();
        let out = as_app(&server, front, KEY_PKCS8)
            .input("operation", "list")
            .run();
        out.assert_success();
        let minted = server.minted();
        assert_eq!(minted.len(), 1);
        assert_eq!(
            minted[0].permissions,
            Some(json!({ "organization_private_registries": "read" }))
        );
        assert!(minted[0].revoked);
        // A dry run writes nothing, so it asks for read too.
        let server = self::server();
        let out = as_app(&server, front, KEY)
            .input("operation", "sync")
            .input("dry_run", "true")
            .input(
                "registries",
                "- registry_type: npm_registry\n  url: https://npm.example.com/\n  visibility: selected\n  selected_repositories: web\n  secret_env: NPM_TOKEN\n",
            )
            .env("NPM_TOKEN", "s3cr3t-value")
            .run();
        let minted = server.minted();
        assert_eq!(
            minted.first().and_then(|m| m.permissions.clone()),
            Some(json!({ "organization_private_registries": "read", "metadata": "read" })),
            "{front:?}\n{}",
            out.dump()
        );
    }
}

#[test]
fn a_failed_write_still_revokes_and_an_org_without_the_app_is_named() {
    for front in Front::BOTH {
        let server = server();
        server.script("POST", LIST, [Reply::status(422, "Validation Failed")]);
        let out = as_app(&server, front, KEY)
            .input("org", "ghost,acme")
            .input("operation", "create")
            .input("registry_type", "maven_repository")
            .input("url", "https://maven.example.com/")
            .input("visibility", "all")
            .input("secret", "s3cr3t-value")
            .run();
        out.assert_failure();
        out.assert_mentions(&[
            "the GitHub App Iv23liTEST is not installed on the org `ghost`",
            "Validation Failed",
        ]);
        let minted = server.minted();
        assert_eq!(minted.len(), 1, "{front:?}\n{}", out.dump());
        assert_eq!(minted[0].org, "acme");
        assert!(
            minted[0].revoked,
            "{front:?}: not revoked after a failed write"
        );
    }
}

#[test]
fn a_bad_key_or_two_ways_to_sign_in_are_refused_before_any_request() {
    let not_rsa = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBxS0mS3cr3tK3yL1n3\n-----END EC PRIVATE KEY-----\n";
    let truncated: String = KEY.lines().take(5).collect::<Vec<_>>().join("\n");
    for front in Front::BOTH {
        for (key, words) in [
            ("not a key at all", "is not a PEM private key"),
            (not_rsa, "is not an RSA private key"),
            (truncated.as_str(), "does not decode"),
            (SHORT_KEY, "is not a usable RSA key"),
        ] {
            let server = server();
            let out = as_app(&server, front, key).input("operation", "list").run();
            out.assert_failure();
            assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
            let input = if front == Front::Cli {
                "`--app-private-key`"
            } else {
                "input `app_private_key`"
            };
            out.assert_mentions(&[input, words, "(the key is not shown)"]);
            assert!(server.requests().is_empty());
            let body_line = key.lines().nth(1).unwrap_or(key);
            assert!(
                !out.stderr.contains(body_line)
                    && !out
                        .stdout
                        .lines()
                        .any(|l| !l.starts_with("::add-mask::") && l.contains(body_line)),
                "{front:?}: the key was quoted\n{}",
                out.dump()
            );
        }
    }
    let server = server();
    // Action::new gives the token input; the App's inputs come beside it.
    let out = Action::new(server.url())
        .input("app_id", "Iv23liTEST")
        .input("app_private_key", KEY)
        .input("operation", "list")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&["give one way to sign in"]);
    assert!(server.requests().is_empty());
}

#[test]
fn a_jwt_signed_with_another_key_is_refused_by_the_server() {
    let server = server();
    let out = as_app(&server, Front::Action, OTHER_KEY)
        .input("operation", "list")
        .run();
    out.assert_failure();
    out.assert_mentions(&["the JWT's signature does not verify with the App's public key"]);
    assert!(server.minted().is_empty());
}

#[test]
fn a_signal_revokes_the_token_before_the_report() {
    let server = server();
    server.script("POST", LIST, [Reply::Hang(Duration::from_secs(30))]);
    let out = as_app(&server, Front::Action, KEY)
        .input("operation", "create")
        .input("registry_type", "maven_repository")
        .input("url", "https://maven.example.com/")
        .input("visibility", "all")
        .input("secret", "s3cr3t-value")
        .input("request_timeout", "60")
        .signal_after(Duration::from_millis(1500), "TERM")
        .timeout(Duration::from_secs(20))
        .run();
    assert_eq!(out.status.code(), Some(143), "{}", out.dump());
    let minted = server.minted();
    assert_eq!(minted.len(), 1);
    assert!(minted[0].revoked, "not revoked on SIGTERM\n{}", out.dump());
}

/// `discover` asks for what reading the repositories needs, read-only, and nothing else.
#[test]
fn discover_asks_for_contents_metadata_and_registries_read() {
    let server = server();
    server.repository(support::graphql::RepoFixture {
        name: "web".into(),
        dependabot: Some("version: 2\nregistries:\n  npm:\n    type: npm-registry\n    url: https://npm.example.com\n    token: ${{secrets.NPM}}\n".into()),
        ..Default::default()
    });
    let out = as_app(&server, Front::Action, KEY)
        .input("operation", "discover")
        .run();
    out.assert_success();
    let minted = server.minted();
    assert_eq!(
        minted[0].permissions,
        Some(
            json!({ "organization_private_registries": "read", "metadata": "read", "contents": "read" })
        ),
        "{}",
        out.dump()
    );
    assert!(minted[0].revoked);
    assert_eq!(out.json("discovered")[0]["repositories"], json!(["web"]));
}
