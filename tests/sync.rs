//! `operation: sync` end to end: the real binary against GitHub-like mocks, manifests from
//! `tests/fixtures/sync/`. Every mock states how often it must be hit (`expect`), and a
//! catch-all answers (and fails) any request no mock expects, so the request counts are exact.

use crate::support;

use std::sync::{Arc, Mutex};

use mockito::{Matcher, Server};
use serde_json::{Value, json};
use support::gh;
use support::{Action, Keys, ORG, TIMESTAMP, TOKEN, config, with};

const REGISTRIES: &str = "/orgs/acme/private-registries";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/sync/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sync(server: &Server, manifest: &str) -> Action {
    Action::new(&server.url())
        .input("operation", "sync")
        .input("registries", manifest)
}

/// A shared, ordered log of the writes the mocks received.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, s: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }
    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// POST answering 201 with the configuration GitHub would create (named `name`), logging it.
fn logged_create(server: &mut Server, name: &str, log: &Log) -> (mockito::Mock, gh::Captured) {
    let (name, log) = (name.to_string(), log.clone());
    gh::body_mock(
        server,
        "POST",
        REGISTRIES,
        "/orgs/{org}/private-registries",
        201,
        move |body| {
            log.push(format!("POST {}", body["url"].as_str().unwrap_or("")));
            let mut created = json!({
                "name": name, "auth_type": "token", "replaces_base": false,
                "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
            });
            for (k, v) in body.as_object().into_iter().flatten() {
                if !matches!(k.as_str(), "encrypted_value" | "key_id") {
                    created[k] = v.clone();
                }
            }
            created.to_string().into_bytes()
        },
    )
}

/// PATCH `name` answering 204, logging it.
fn logged_update(server: &mut Server, name: &str, log: &Log) -> (mockito::Mock, gh::Captured) {
    let log = log.clone();
    let label = format!("PATCH {name}");
    gh::body_mock(
        server,
        "PATCH",
        &format!("{REGISTRIES}/{name}"),
        "/orgs/{org}/private-registries/{secret_name}",
        204,
        move |_| {
            log.push(label.clone());
            Vec::new()
        },
    )
}

/// DELETE `name` answering 204, logging it.
fn logged_delete(server: &mut Server, name: &str, log: &Log) -> mockito::Mock {
    let log = log.clone();
    let label = format!("DELETE {name}");
    gh::github_headers(
        server.mock("DELETE", format!("{REGISTRIES}/{name}").as_str()),
        TOKEN,
    )
    .with_status(204)
    .with_body_from_request(move |_| {
        log.push(label.clone());
        Vec::new()
    })
    .create()
}

/// The org for the mixed-state fixture: one unchanged, one to update, one only prune touches.
fn mixed_org() -> Vec<Value> {
    vec![
        config(
            "NPM_REGISTRY_SECRET",
            "npm_registry",
            "https://npm.example.com",
        ),
        config(
            "MAVEN_REPOSITORY_SECRET",
            "maven_repository",
            "https://maven.example.com/releases",
        ),
        config(
            "OLD_DOCKER_SECRET",
            "docker_registry",
            "https://old.example.com",
        ),
    ]
}

fn actions(changes: &Value) -> Vec<(String, String)> {
    changes
        .as_array()
        .expect("changes is an array")
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap_or("").to_string(),
                c["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn names(registries: &Value) -> Vec<String> {
    registries
        .as_array()
        .expect("registries is an array")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("(unnamed)").to_string())
        .collect()
}

// Requests: 1 list page + 1 key (one write carries a secret) + 1 repository look-up
// + 1 POST + 1 PATCH + 1 DELETE.
#[test]
fn mixed_state_plans_and_applies_in_order() {
    let mut server = Server::new();
    let keys = Keys::generate();
    let log = Log::default();
    let list = gh::list(&mut server, ORG, &mixed_org(), 100);
    // After its creates, a sync lists once more (for a concurrent run's duplicates).
    let relist = gh::list(&mut server, ORG, &mixed_org(), 100);
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    let repo = gh::repo(&mut server, ORG, "web", 42).expect(1);
    let (create, created) = logged_create(&mut server, "DOCKER_REGISTRY_SECRET", &log);
    let create = create.expect(1);
    let (update, updated) = logged_update(&mut server, "MAVEN_REPOSITORY_SECRET", &log);
    let update = update.expect(1);
    let delete = logged_delete(&mut server, "OLD_DOCKER_SECRET", &log).expect(1);
    let none = gh::unexpected(&mut server);

    let out = sync(&server, &fixture("mixed.yml"))
        .input("prune", "true")
        .env("DOCKER_TOKEN", "dckr_pat_Secret123")
        .run();
    out.assert_success()
        .assert_masked("dckr_pat_Secret123")
        .assert_no_leak(&["dckr_pat_Secret123"]);

    list.assert();
    relist.assert();
    key.assert();
    repo.assert();
    create.assert();
    update.assert();
    delete.assert();
    none.assert();
    assert_eq!(
        log.entries(),
        [
            "PATCH MAVEN_REPOSITORY_SECRET",
            "POST https://registry.example.com",
            "DELETE OLD_DOCKER_SECRET"
        ],
        "writes in manifest order, the prune delete last"
    );

    let body = created.single();
    assert_eq!(
        keys.unseal(body["encrypted_value"].as_str().unwrap()),
        "dckr_pat_Secret123"
    );
    assert_eq!(body["key_id"], json!(keys.key_id));
    assert_eq!(body["selected_repository_ids"], json!([42]));
    assert_eq!(body["visibility"], "selected");
    assert_eq!(updated.single(), json!({"visibility": "all"}));

    assert_eq!(out.output("result"), "changed");
    let changes = out.json("changes");
    assert_eq!(
        actions(&changes),
        [
            ("unchanged".into(), "none".into()),
            ("update".into(), "applied".into()),
            ("create".into(), "applied".into()),
            ("delete".into(), "applied".into()),
        ]
    );
    assert_eq!(changes[1]["fields"], json!(["visibility"]));
    assert_eq!(
        changes[2]["fields"],
        json!([
            "registry_type",
            "selected_repository_ids",
            "url",
            "visibility",
            "secret"
        ])
    );
    assert_eq!(changes[2]["name"], "DOCKER_REGISTRY_SECRET");
    assert_eq!(changes[2]["entry"], 2);
    let registries = out.json("registries");
    assert_eq!(
        names(&registries),
        [
            "NPM_REGISTRY_SECRET",
            "MAVEN_REPOSITORY_SECRET",
            "DOCKER_REGISTRY_SECRET"
        ]
    );
    assert_eq!(registries[1]["visibility"], "all");
    assert!(!out.output("registries").contains("encrypted_value"));
    assert!(
        out.summary
            .contains("1 created, 1 updated, 1 unchanged, 1 deleted, 0 failed"),
        "{}",
        out.dump()
    );
    assert!(
        out.summary
            .contains("| prune | delete | OLD\\_DOCKER\\_SECRET |"),
        "{}",
        out.dump()
    );
}

// Requests: 1 list page + 1 repository look-up (planning needs the ids); no key, no write.
#[test]
fn dry_run_reports_the_plan_and_writes_nothing() {
    let mut server = Server::new();
    let keys = Keys::generate();
    let list = gh::list(&mut server, ORG, &mixed_org(), 100);
    let repo = gh::repo(&mut server, ORG, "web", 42).expect(1);
    let key = gh::public_key(&mut server, ORG, &keys).expect(0);
    let (create, _c) = gh::create(&mut server, ORG, "X");
    let create = create.expect(0);
    let (update, _u) = gh::update(&mut server, ORG, "MAVEN_REPOSITORY_SECRET");
    let update = update.expect(0);
    let delete = gh::delete(&mut server, ORG, "OLD_DOCKER_SECRET").expect(0);
    let none = gh::unexpected(&mut server);

    let out = sync(&server, &fixture("mixed.yml"))
        .input("prune", "true")
        .input("dry_run", "true")
        .env("DOCKER_TOKEN", "dckr_pat_Secret123")
        .run();
    out.assert_success().assert_no_leak(&["dckr_pat_Secret123"]);
    for m in [&key, &create, &update, &delete, &repo] {
        m.assert();
    }
    list.assert();
    none.assert();

    assert_eq!(out.output("result"), "planned");
    let changes = out.json("changes");
    assert_eq!(
        actions(&changes),
        [
            ("unchanged".into(), "none".into()),
            ("update".into(), "planned".into()),
            ("create".into(), "planned".into()),
            ("delete".into(), "planned".into()),
        ]
    );
    let registries = out.json("registries");
    assert_eq!(
        names(&registries),
        [
            "NPM_REGISTRY_SECRET",
            "MAVEN_REPOSITORY_SECRET",
            "(unnamed)"
        ],
        "as planned: OLD deleted, the new one without a name yet"
    );
    assert_eq!(registries[1]["visibility"], "all");
    assert_eq!(registries[2]["selected_repository_ids"], json!([42]));
    assert!(
        out.summary.contains("dry run: nothing was written"),
        "{}",
        out.dump()
    );
    assert!(
        out.summary
            .contains("1 to create, 1 to update, 1 unchanged, 1 to delete, 0 failed"),
        "{}",
        out.dump()
    );
}

// Requests: ⌈150/100⌉ = 2 list pages, nothing else.
#[test]
fn second_run_without_secrets_only_lists() {
    let mut server = Server::new();
    let mut org: Vec<Value> = (0..149)
        .map(|i| {
            config(
                &format!("REG_{i:03}"),
                "npm_registry",
                &format!("https://npm{i}.example.com"),
            )
        })
        .collect();
    org.push(with(
        config(
            "PYTHON_INDEX_SECRET",
            "python_index",
            "https://PyPI.example.com/simple",
        ),
        json!({"visibility": "all", "replaces_base": true}),
    ));
    let pages = gh::list(&mut server, ORG, &org, 100);
    assert_eq!(pages.len(), 2);
    let none = gh::unexpected(&mut server);

    let out = sync(&server, &fixture("idempotent.yml")).run();
    out.assert_success();
    pages.assert();
    none.assert();
    assert_eq!(out.output("result"), "unchanged");
    assert_eq!(
        actions(&out.json("changes")),
        [
            ("unchanged".into(), "none".into()),
            ("unchanged".into(), "none".into())
        ]
    );
    assert_eq!(out.json("registries").as_array().map(Vec::len), Some(150));
    assert!(
        out.summary
            .contains("148 configurations not in the manifest were left alone"),
        "{}",
        out.dump()
    );
}

/// (what, manifest, extra environment, words the errors must contain)
type BadCase = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

/// Each bad manifest fails with exit 2, the expected words, and not one request.
#[test]
fn every_validation_failure_sends_nothing() {
    let cases: &[BadCase] = &[
        (
            "unknown key with a suggestion",
            "- registry_type: npm_registry\n  url: https://n.example.com\n  visiblity: all\n",
            &[],
            &[
                "registries[0] (https://n.example.com): `visiblity`: unknown key; did you mean `visibility`?",
            ],
        ),
        (
            "bad enum",
            "- type: npm\n  url: https://n.example.com\n  visibility: public\n",
            &[],
            &[
                "`type`: unknown registry type \"npm\"",
                "`visibility`: unknown visibility \"public\"",
            ],
        ),
        (
            "same name twice",
            "- name: NPM\n  visibility: all\n- name: npm\n  visibility: private\n",
            &[],
            &["registries[1] (npm): `name`: npm is also the name of registries[0] (NPM)"],
        ),
        (
            "same type and url twice",
            "[{\"type\": \"npm-registry\", \"url\": \"https://n.example.com\"}, {\"registry_type\": \"npm_registry\", \"url\": \"https://N.example.com/\"}]",
            &[],
            &[
                "registries[1] (https://N.example.com/): `url`: same registry_type and url as registries[0]",
            ],
        ),
        (
            "secret_env unset",
            "- registry_type: npm_registry\n  url: https://n.example.com\n  secret_env: NOT_SET\n",
            &[],
            &["`secret_env`: the environment variable NOT_SET is unset or empty"],
        ),
        (
            "secret_env empty",
            "- registry_type: npm_registry\n  url: https://n.example.com\n  secret_env: EMPTY_ONE\n",
            &[("EMPTY_ONE", "")],
            &["`secret_env`: the environment variable EMPTY_ONE is unset or empty"],
        ),
        (
            "secret and secret_env",
            "- registry_type: npm_registry\n  url: https://n.example.com\n  secret: Lit3ralSecret\n  secret_env: SET_ONE\n",
            &[("SET_ONE", "EnvSecretValue")],
            &["`secret` and `secret_env`: give one of them"],
        ),
        (
            "neither name nor match key",
            "- visibility: all\n  secret: Lit3ralSecret\n",
            &[],
            &["registries[0]: `registry_type` and `url`: required without `name`"],
        ),
        (
            "YAML broken by an unquoted secret",
            "- registry_type: npm_registry\n  url: https://n.example.com\n  secret: Lit3ral: {Secret|*\n",
            &[],
            &[
                "input `registries`: not valid YAML or JSON at line 3, column",
                "the text is not shown",
            ],
        ),
        (
            "dependabot password key",
            "- type: npm-registry\n  url: https://n.example.com\n  password: Lit3ralSecret\n",
            &[],
            &["`password`: unknown key; dependabot.yml's `password` holds the secret"],
        ),
        (
            "OIDC with a secret",
            "- type: docker-registry\n  url: https://r.example.com\n  auth-type: oidc-azure\n  tenant-id: t\n  client-id: c\n  secret_env: SET_ONE\n  visibility: all\n",
            &[("SET_ONE", "EnvSecretValue")],
            &["`secret_env`: not allowed with auth_type oidc_azure"],
        ),
        ("empty list", "[]", &[], &["the list is empty"]),
    ];
    for (what, manifest, env, words) in cases {
        let mut server = Server::new();
        let none = gh::unexpected(&mut server);
        let mut action = sync(&server, manifest).input("prune", "true");
        for (k, v) in *env {
            action = action.env(k, v);
        }
        let out = action.run();
        out.assert_failure().assert_mentions(words);
        assert_eq!(out.status.code(), Some(2), "{what}\n{}", out.dump());
        out.assert_no_leak(&["Lit3ral", "Secret|*", "EnvSecretValue"]);
        none.assert();
    }
}

#[test]
fn all_problems_are_reported_together() {
    let mut server = Server::new();
    let none = gh::unexpected(&mut server);
    let out = sync(
        &server,
        "- type: npm\n  url: nope\n- name: X\n  visibility: al\n  colour: red\n",
    )
    .run();
    out.assert_failure();
    none.assert();
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(
        errors.len(),
        5,
        "4 problems + the closing count\n{}",
        out.dump()
    );
    out.assert_mentions(&[
        "registries[0] (nope): `type`",
        "registries[0] (nope): `url`",
        "registries[1] (X): `visibility`",
        "registries[1] (X): `colour`: unknown key",
        "4 invalid inputs; nothing was sent to GitHub",
    ]);
}

// Requests: 1 list + 1 key (two secrets, one key) + 2 POST (one refused) + 1 PATCH; the prune
// DELETE is never sent.
#[test]
fn a_failing_entry_does_not_stop_the_others_but_skips_prune() {
    let mut server = Server::new();
    let keys = Keys::generate();
    let org = vec![
        config(
            "MAVEN_REPOSITORY_SECRET",
            "maven_repository",
            "https://maven.example.com",
        ),
        config("STALE_SECRET", "npm_registry", "https://stale.example.com"),
    ];
    let list = gh::list(&mut server, ORG, &org, 100);
    let _relist = gh::list(&mut server, ORG, &org, 100);
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    // Registered before the generic POST so that it wins for the cargo registry's body.
    let refused = gh::github_headers(server.mock("POST", REGISTRIES), TOKEN)
        .match_body(Matcher::PartialJson(json!({"url": "https://cargo.example.com/index"})))
        .with_status(422)
        .with_header("content-type", "application/json")
        .with_body(
            json!({"message": "Validation Failed", "errors": [{"resource": "PrivateRegistry", "field": "url", "code": "invalid"}], "documentation_url": "https://docs.github.com/rest", "status": "422"})
                .to_string(),
        )
        .expect(1)
        .create();
    let (create, created) = gh::create(&mut server, ORG, "HELM_REGISTRY_SECRET");
    let create = create.expect(1);
    let (update, updated) = gh::update(&mut server, ORG, "MAVEN_REPOSITORY_SECRET");
    let update = update.expect(1);
    let delete = gh::delete(&mut server, ORG, "STALE_SECRET").expect(0);
    let none = gh::unexpected(&mut server);

    let out = sync(&server, &fixture("partial.yml"))
        .input("prune", "true")
        .env("CARGO_TOKEN", "cargo-Secret-1")
        .run();
    out.assert_failure()
        .assert_no_leak(&["cargo-Secret-1", "helm-literal-s3cret"])
        .assert_masked("cargo-Secret-1")
        .assert_masked("helm-literal-s3cret");
    assert_eq!(out.status.code(), Some(1), "{}", out.dump());
    for m in [&list[0], &key, &refused, &create, &update, &delete] {
        m.assert();
    }
    none.assert();
    assert_eq!(
        keys.unseal(created.single()["encrypted_value"].as_str().unwrap()),
        "helm-literal-s3cret"
    );
    assert_eq!(updated.single(), json!({"visibility": "all"}));

    assert_eq!(out.output("result"), "failed");
    let changes = out.json("changes");
    assert_eq!(
        actions(&changes),
        [
            ("create".into(), "failed".into()),
            ("update".into(), "applied".into()),
            ("create".into(), "applied".into()),
            ("delete".into(), "skipped".into()),
        ]
    );
    let error = changes[0]["error"].as_str().unwrap();
    assert!(
        error.contains("422") && error.contains("Validation Failed"),
        "{error}"
    );
    assert!(
        changes[3]["error"]
            .as_str()
            .unwrap()
            .contains("prune runs only once")
    );
    out.assert_mentions(&[
        "registries[0] (https://cargo.example.com/index): not created: POST /orgs/acme/private-registries answered 422",
        "sync: 1 of 4 steps failed, so 1 prune delete was skipped",
    ]);
    assert_eq!(
        names(&out.json("registries")),
        [
            "MAVEN_REPOSITORY_SECRET",
            "STALE_SECRET",
            "HELM_REGISTRY_SECRET"
        ]
    );
    assert!(
        out.summary
            .contains("1 created, 1 updated, 0 unchanged, 0 deleted, 1 failed"),
        "{}",
        out.dump()
    );
}

// Requests: 1 list + 1 PATCH for the other entry; the auth_type change is refused before any
// write for it (no key).
#[test]
fn auth_type_cannot_change_in_place() {
    let mut server = Server::new();
    let org = vec![
        config(
            "MAVEN_REPOSITORY_SECRET",
            "maven_repository",
            "https://maven.example.com",
        ),
        config(
            "NPM_REGISTRY_SECRET",
            "npm_registry",
            "https://npm.example.com",
        ),
    ];
    let list = gh::list(&mut server, ORG, &org, 100);
    let _relist = gh::list(&mut server, ORG, &org, 100);
    let (update, updated) = gh::update(&mut server, ORG, "NPM_REGISTRY_SECRET");
    let update = update.expect(1);
    let none = gh::unexpected(&mut server);
    let out = sync(&server, &fixture("auth-change.json"))
        .env("MAVEN_PASSWORD", "mvn-Pass-9")
        .run();
    out.assert_failure().assert_no_leak(&["mvn-Pass-9"]);
    list.assert();
    update.assert();
    none.assert();
    assert_eq!(updated.single(), json!({"visibility": "all"}));
    out.assert_mentions(&[
        "registries[0] (MAVEN_REPOSITORY_SECRET): `auth_type`: MAVEN_REPOSITORY_SECRET uses auth_type token and GitHub cannot change auth_type in place; delete it first",
    ]);
    assert_eq!(
        actions(&out.json("changes")),
        [
            ("update".into(), "failed".into()),
            ("update".into(), "applied".into())
        ]
    );
}

// Requests: 1 list + 1 key + 2 repository look-ups + 3 POST.
#[test]
fn dependabot_spelling_creates_valid_bodies() {
    let mut server = Server::new();
    let keys = Keys::generate();
    let list = gh::list(&mut server, ORG, &[], 100);
    let _relist = gh::list(&mut server, ORG, &[], 100);
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    let web = gh::repo(&mut server, ORG, "web", 7).expect(1);
    let api = gh::repo(&mut server, ORG, "api", 3).expect(1);
    let (create, created) = gh::create(&mut server, ORG, "NEW_SECRET");
    let create = create.expect(3);
    // No catch-all here: once a mock has the hits mockito was told at creation (one), a
    // catch-all registered later would take the next POSTs. Unmatched requests still get
    // mockito's 501 (and fail the run), and every mock's `assert` checks its exact count.
    let out = sync(&server, &fixture("dependabot.yml"))
        .env("NPM_TOKEN", "npm_Tok3n")
        .env("GIT_TOKEN", "ghp_GitTok3n")
        .run();
    out.assert_success()
        .assert_no_leak(&["npm_Tok3n", "ghp_GitTok3n"]);
    for m in [&list[0], &key, &web, &api, &create] {
        m.assert();
    }
    let bodies = created.bodies(); // each validated against GitHub's schema
    assert_eq!(bodies[0]["registry_type"], "npm_registry");
    assert_eq!(bodies[0]["replaces_base"], true);
    assert_eq!(bodies[0]["selected_repository_ids"], json!([3, 7]));
    assert_eq!(
        keys.unseal(bodies[0]["encrypted_value"].as_str().unwrap()),
        "npm_Tok3n"
    );
    assert_eq!(bodies[1]["registry_type"], "git_source");
    assert_eq!(bodies[1]["auth_type"], "username_password");
    assert_eq!(
        keys.unseal(bodies[1]["encrypted_value"].as_str().unwrap()),
        "ghp_GitTok3n"
    );
    assert_eq!(bodies[2]["registry_type"], "maven_repository");
    assert_eq!(bodies[2]["auth_type"], "oidc_aws");
    assert_eq!(bodies[2]["domain_owner"], "123456789012");
    assert!(bodies[2].get("encrypted_value").is_none() && bodies[2].get("key_id").is_none());
    assert_eq!(out.output("result"), "changed");
}

// Requests: 1 list + 1 key + 2 POST.
#[test]
fn yaml_hostile_secrets_arrive_intact() {
    let hostile = "p@ss: #{not: a} | *alias & `tick` %0A\n  - second: line\t'\"";
    let mut server = Server::new();
    let keys = Keys::generate();
    let list = gh::list(&mut server, ORG, &[], 100);
    let _relist = gh::list(&mut server, ORG, &[], 100);
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    let (create, created) = gh::create(&mut server, ORG, "NEW_SECRET");
    let create = create.expect(2);
    // No catch-all: see dependabot_spelling_creates_valid_bodies.
    let out = sync(&server, &fixture("hostile.yml"))
        .env("HOSTILE_SECRET", hostile)
        .run();
    out.assert_success()
        .assert_masked(hostile)
        .assert_masked("q: #{x} | *y & `z`")
        .assert_no_leak(&[hostile, "q: #{x} | *y & `z`", "second: line"]);
    list[0].assert();
    key.assert();
    create.assert();
    let bodies = created.bodies();
    assert_eq!(
        keys.unseal(bodies[0]["encrypted_value"].as_str().unwrap()),
        hostile
    );
    assert_eq!(
        keys.unseal(bodies[1]["encrypted_value"].as_str().unwrap()),
        "q: #{x} | *y & `z`"
    );
}

/// Repository names cost min(names, pages of the org's repositories) requests: the org's list
/// is read when that is cheaper than one look-up per name (see `Ctx::prefetch_repositories`).
#[test]
fn repository_names_are_resolved_by_listing_when_that_is_cheaper() {
    use support::faults::FaultServer;
    // (repositories in the org, names the manifest uses, list pages read, look-ups made)
    let cases: &[(usize, &[usize], usize, usize)] = &[
        // 150 repositories (2 pages), 5 names: the list (2) beats 5 look-ups.
        (150, &[3, 40, 101, 120, 149], 2, 0),
        // One name: one look-up, no listing.
        (150, &[120], 0, 1),
        // 350 repositories (4 pages), 2 names on page 1: that page resolves both.
        (350, &[1, 2], 1, 0),
        // 4 pages, 2 names past page 1: 3 pages left is more than 2 names: look them up.
        (350, &[250, 300], 1, 2),
        // 4 pages, 6 names past page 1: read the other 3 pages.
        (350, &[150, 160, 250, 260, 300, 340], 4, 0),
    ];
    for (repos, used, pages, lookups) in cases {
        let server = FaultServer::start();
        for i in 0..*repos {
            server.repo(&format!("repo{i:03}"), 1000 + i as u64);
        }
        let manifest: String = used
            .iter()
            .enumerate()
            .map(|(k, i)| {
                format!(
                    "- registry_type: npm_registry\n  url: https://npm{k}.example.com\n  visibility: selected\n  selected_repositories: REPO{i:03}\n  secret_env: NPM_TOKEN\n"
                )
            })
            .collect();
        let out = Action::new(server.url())
            .input("operation", "sync")
            .input("registries", &manifest)
            .env("NPM_TOKEN", "s3cr3t-value")
            .run();
        out.assert_success();
        let lines = server.lines();
        let listed = lines
            .iter()
            .filter(|l| *l == "GET /orgs/acme/repos")
            .count();
        let looked_up = lines
            .iter()
            .filter(|l| l.starts_with("GET /repos/"))
            .count();
        assert_eq!(
            (listed, looked_up),
            (*pages, *lookups),
            "{repos} repositories, names {used:?}: {lines:?}"
        );
        // And the ids are right.
        for (body, i) in server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .zip(used.iter())
        {
            let body: serde_json::Value = serde_json::from_str(&body.body).unwrap();
            assert_eq!(
                body["selected_repository_ids"],
                serde_json::json!([1000 + *i as u64])
            );
        }
    }
}

/// The request counts of the benchmark's scale scenarios (bench/run.py), asserted here where
/// they are deterministic: `sync-200` (a dry run of 200 creates, 50 selecting 40 distinct
/// repositories of an org of 250) lists once and reads 2 pages of repositories; `plan-200` (a
/// manifest the org already matches) reads its 2 list pages and writes nothing.
#[test]
fn scale_scenarios_make_the_minimum_of_requests() {
    use support::faults::FaultServer;
    let server = FaultServer::start();
    for i in 0..250 {
        server.repo(&format!("repo{i:03}"), 5000 + i as u64);
    }
    let manifest: String = (1..=200)
        .map(|i| {
            let selected = if i <= 50 {
                format!(
                    "  visibility: selected\n  selected_repositories: [repo{:03}]\n",
                    (i * 7) % 40 * 5
                )
            } else {
                "  visibility: private\n".to_string()
            };
            format!(
                "- registry_type: npm_registry\n  url: https://big{i}.example.com/npm/\n{selected}  secret_env: NPM_TOKEN\n"
            )
        })
        .collect();
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("dry_run", "true")
        .input("registries", &manifest)
        .env("NPM_TOKEN", "s3cr3t-value")
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "planned");
    assert_eq!(
        server.lines(),
        [
            "GET /orgs/acme/private-registries",
            "GET /orgs/acme/repos",
            "GET /orgs/acme/repos"
        ]
    );

    let server = FaultServer::start();
    let mut entries = String::new();
    for i in 0..200 {
        let url = format!("https://pkg{i}.example.com/");
        server.seed(config(&format!("NPM_{i}"), "npm_registry", &url));
        entries.push_str(&format!(
            "- name: NPM_{i}\n  registry_type: npm_registry\n  url: {url}\n  visibility: private\n"
        ));
    }
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", &entries)
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "unchanged");
    assert_eq!(server.lines(), vec!["GET /orgs/acme/private-registries"; 2]);
}
