//! Both front ends through the same scenario table: each scenario runs once as the Action
//! (`INPUT_*` in a workflow step) and once as the command line (`private-registries <command>
//! --json`), each against a fresh GitHub stand-in, and must give the same result, outputs,
//! requests (counted, in order) and exit status. Every body sent is validated against
//! GitHub's OpenAPI description, and every secret unseals to what was given.

use crate::support;

use serde_json::{Value, json};
use support::faults::FaultServer;
use support::{Action, Front, Outcome, TOKEN, config, openapi, with};

const NPM_URL: &str = "https://npm.example.com/";
const MAVEN_URL: &str = "https://maven.example.com/";
const SECRET: &str = "s3cr3t: with spaces # and \"quotes\"";

/// One scenario: inputs (as the Action spells them), what the org holds, what must happen.
struct Scenario {
    name: &'static str,
    inputs: &'static [(&'static str, &'static str)],
    exit: i32,
    result: Option<&'static str>,
    /// `METHOD /path` of every request, in order.
    requests: &'static [&'static str],
}

const BASE: &str = "/orgs/acme/private-registries";

fn seed(server: &FaultServer) {
    server.seed(config("NPM_SECRET", "npm_registry", NPM_URL));
    server.seed(with(
        config("MAVEN_SECRET", "maven_repository", MAVEN_URL),
        json!({"auth_type": "username_password", "username": "bot", "visibility": "all"}),
    ));
    server.repo("web", 42);
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "list",
        inputs: &[("operation", "list")],
        exit: 0,
        result: Some("listed"),
        requests: &["GET /orgs/acme/private-registries"],
    },
    Scenario {
        name: "get",
        inputs: &[("operation", "get"), ("name", "NPM_SECRET")],
        exit: 0,
        result: Some("fetched"),
        requests: &["GET /orgs/acme/private-registries/NPM_SECRET"],
    },
    Scenario {
        name: "public-key",
        inputs: &[("operation", "public-key")],
        exit: 0,
        result: Some("fetched"),
        requests: &["GET /orgs/acme/private-registries/public-key"],
    },
    Scenario {
        name: "create with a sealed secret",
        inputs: &[
            ("operation", "create"),
            ("registry_type", "cargo_registry"),
            ("url", "https://cargo.example.com/index"),
            ("visibility", "selected"),
            ("selected_repositories", "web"),
            ("secret", SECRET),
        ],
        exit: 0,
        result: Some("created"),
        requests: &[
            "GET /repos/acme/web",
            // The names that exist before the POST: a lost answer is looked for outside them.
            "GET /orgs/acme/private-registries",
            "GET /orgs/acme/private-registries/public-key",
            "POST /orgs/acme/private-registries",
        ],
    },
    Scenario {
        name: "update reads back",
        inputs: &[
            ("operation", "update"),
            ("name", "NPM_SECRET"),
            ("visibility", "all"),
        ],
        exit: 0,
        result: Some("updated"),
        requests: &[
            "PATCH /orgs/acme/private-registries/NPM_SECRET",
            "GET /orgs/acme/private-registries/NPM_SECRET",
        ],
    },
    Scenario {
        name: "set rotates by type and url",
        inputs: &[
            ("operation", "set"),
            ("registry_type", "npm_registry"),
            ("url", "https://NPM.example.com"),
            ("secret", SECRET),
        ],
        exit: 0,
        result: Some("updated"),
        requests: &[
            "GET /orgs/acme/private-registries",
            "GET /orgs/acme/private-registries/public-key",
            "PATCH /orgs/acme/private-registries/NPM_SECRET",
            // No read-back: what was listed, with what was sent, is the state afterwards.
        ],
    },
    Scenario {
        name: "set unchanged writes nothing",
        inputs: &[
            ("operation", "set"),
            ("name", "MAVEN_SECRET"),
            ("visibility", "all"),
            ("username", "bot"),
        ],
        exit: 0,
        result: Some("unchanged"),
        requests: &["GET /orgs/acme/private-registries"],
    },
    Scenario {
        name: "set dry run reads only",
        inputs: &[
            ("operation", "set"),
            ("name", "MAVEN_SECRET"),
            ("visibility", "private"),
            ("secret", SECRET),
            ("dry_run", "true"),
        ],
        exit: 0,
        result: Some("planned"),
        requests: &["GET /orgs/acme/private-registries"],
    },
    Scenario {
        name: "delete",
        inputs: &[("operation", "delete"), ("name", "NPM_SECRET")],
        exit: 0,
        result: Some("deleted"),
        requests: &["DELETE /orgs/acme/private-registries/NPM_SECRET"],
    },
    Scenario {
        name: "sync with prune",
        inputs: &[
            ("operation", "sync"),
            (
                "registries",
                "- name: NPM_SECRET\n  visibility: all\n- type: helm-registry\n  url: https://helm.example.com\n  visibility: private\n  secret_env: HELM_TOKEN\n",
            ),
            ("prune", "true"),
        ],
        exit: 0,
        result: Some("changed"),
        requests: &[
            "GET /orgs/acme/private-registries",
            "PATCH /orgs/acme/private-registries/NPM_SECRET",
            "GET /orgs/acme/private-registries/public-key",
            "POST /orgs/acme/private-registries",
            "DELETE /orgs/acme/private-registries/MAVEN_SECRET",
            // After its creates, a sync lists once more for a concurrent run's duplicates.
            "GET /orgs/acme/private-registries",
        ],
    },
    Scenario {
        name: "sync dry run",
        inputs: &[
            ("operation", "sync"),
            ("registries", "- name: NPM_SECRET\n  visibility: all\n"),
            ("prune", "true"),
            ("dry_run", "true"),
        ],
        exit: 0,
        result: Some("planned"),
        requests: &["GET /orgs/acme/private-registries"],
    },
    Scenario {
        name: "invalid input sends nothing",
        inputs: &[
            ("operation", "create"),
            ("registry_type", "npm"),
            ("url", "not a url"),
            ("visibility", "public"),
        ],
        exit: 2,
        result: None,
        requests: &[],
    },
    Scenario {
        name: "a bad org sends nothing",
        inputs: &[("operation", "list"), ("org", "a/b")],
        exit: 2,
        result: None,
        requests: &[],
    },
    Scenario {
        name: "GitHub's refusal fails with exit 1",
        inputs: &[("operation", "get"), ("name", "MISSING")],
        exit: 1,
        result: Some("failed"),
        requests: &["GET /orgs/acme/private-registries/MISSING"],
    },
];

/// The OpenAPI path template of a request path.
fn template(path: &str) -> &'static str {
    match path {
        BASE => "/orgs/{org}/private-registries",
        p if p.starts_with("/repos/") => "/repos/{owner}/{repo}",
        p if p.ends_with("/public-key") => "/orgs/{org}/private-registries/public-key",
        _ => "/orgs/{org}/private-registries/{secret_name}",
    }
}

fn run(scenario: &Scenario, front: Front) -> (FaultServer, Outcome) {
    let server = FaultServer::start();
    seed(&server);
    let action = scenario
        .inputs
        .iter()
        .fold(Action::new(server.url()), |a, (k, v)| a.input(k, v))
        .env("HELM_TOKEN", "helm-token-value")
        .front(front);
    let out = action.run();
    (server, out)
}

fn check(scenario: &Scenario, front: Front) -> Value {
    let (server, out) = run(scenario, front);
    let what = format!("{} ({front:?})", scenario.name);
    assert_eq!(
        out.status.code(),
        Some(scenario.exit),
        "{what}\n{}",
        out.dump()
    );
    let lines = server.lines();
    assert_eq!(lines, scenario.requests, "{what}: requests\n{}", out.dump());
    out.assert_no_leak(&[TOKEN, SECRET, "helm-token-value"]);
    for request in server.requests() {
        assert_eq!(
            request.headers.get("authorization").map(String::as_str),
            Some(format!("Bearer {TOKEN}").as_str()),
            "{what}"
        );
        if request.body.is_empty() {
            continue;
        }
        let body: Value = serde_json::from_str(&request.body).expect("JSON body");
        openapi::assert_request_body(&request.method, template(request.path()), &body);
        if let Some(sealed) = body["encrypted_value"].as_str() {
            let plain = server.keys.unseal(sealed);
            assert!(
                plain == SECRET || plain == "helm-token-value",
                "{what}: unsealed {plain:?}"
            );
        }
    }
    if front == Front::Cli {
        out.assert_no_workflow_commands();
        if scenario.exit != 2 {
            out.terminal_json();
        }
    }
    match scenario.result {
        Some(result) => assert_eq!(out.output("result"), result, "{what}\n{}", out.dump()),
        None => assert!(
            out.outputs.is_empty(),
            "{what}: no outputs on invalid input\n{}",
            out.dump()
        ),
    }
    let mut outputs: Value = out
        .outputs
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::from_str(v).unwrap_or(Value::String(v.clone())),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    // Timestamps and key ids differ between the two servers.
    scrub(&mut outputs);
    outputs
}

fn scrub(value: &mut Value) {
    match value {
        Value::Object(o) => {
            for key in ["key", "key_id", "created_at", "updated_at"] {
                o.remove(key);
            }
            o.values_mut().for_each(scrub);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

#[test]
fn both_front_ends_pass_the_same_scenarios() {
    for scenario in SCENARIOS {
        let action = check(scenario, Front::Action);
        let cli = check(scenario, Front::Cli);
        assert_eq!(
            action, cli,
            "{}: the two front ends' outputs differ",
            scenario.name
        );
    }
}
