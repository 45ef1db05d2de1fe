//! Registries as code, through the real binary and both front ends against `FaultServer`: a
//! dependabot.yml as it is (`tests/fixtures/dependabot.yml`), secrets by name from the `secrets`
//! input (or a secrets file), an overlay, `diff` as a drift gate (exit 3), `export` and its
//! round trip, and bad input refused before any request. Every write's body is checked against
//! GitHub's OpenAPI description.

use crate::support;

use serde_json::{Value, json};
use support::faults::FaultServer;
use support::{Action, Front, Outcome, openapi};

const DEPENDABOT: &str = include_str!("fixtures/dependabot.yml");

/// The secrets the fixture references, with their values.
const SECRETS: &[(&str, &str)] = &[
    ("NPM_GITHUB_TOKEN", "npm-s3cr3t-token"),
    ("ARTIFACTORY_PASSWORD", "art-pa55word"),
    ("DOCKER_PASSWORD", "dock3r-pa55\nsecond line"),
    ("GIT_TOKEN", "git-t0ken"),
    ("UNUSED_SECRET", "never-used-value"),
];

fn secrets_json() -> String {
    let map: serde_json::Map<String, Value> = SECRETS
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    Value::Object(map).to_string()
}

const OVERLAY: &str = "npm-github:\n  visibility: all\n\"*\":\n  visibility: private\n";

fn run(server: &FaultServer, front: Front, operation: &str) -> Action {
    Action::new(server.url())
        .front(front)
        .input("operation", operation)
        .file(".github/dependabot.yml", DEPENDABOT)
        .input("registries_file", ".github/dependabot.yml")
        .input("secrets", &secrets_json())
        .input("overlay", OVERLAY)
}

fn posted(server: &FaultServer) -> Vec<Value> {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_str(&r.body).expect("a JSON body"))
        .collect()
}

fn by_url<'a>(bodies: &'a [Value], url: &str) -> &'a Value {
    bodies
        .iter()
        .find(|b| b["url"] == url)
        .unwrap_or_else(|| panic!("no body for {url}: {bodies:?}"))
}

#[test]
fn a_dependabot_yml_syncs_as_it_is_through_both_front_ends() {
    for front in [Front::Action, Front::Cli] {
        let server = FaultServer::start();
        let out = run(&server, front, "sync").run();
        out.assert_success();
        assert_eq!(out.output("result"), "changed", "{front:?}");
        let bodies = posted(&server);
        assert_eq!(bodies.len(), 5, "{front:?}: {bodies:?}");
        for body in &bodies {
            openapi::assert_request_body("POST", "/orgs/{org}/private-registries", body);
        }
        let unseal = |b: &Value| server.keys.unseal(b["encrypted_value"].as_str().unwrap());
        let npm = by_url(&bodies, "https://npm.pkg.github.com");
        assert_eq!(npm["registry_type"], "npm_registry");
        assert_eq!(npm["auth_type"], "token");
        assert_eq!(npm["replaces_base"], true);
        assert_eq!(npm["visibility"], "all", "the overlay's label wins");
        assert_eq!(unseal(npm), "npm-s3cr3t-token");
        let maven = by_url(&bodies, "https://acme.jfrog.io/artifactory/maven-releases");
        assert_eq!(maven["auth_type"], "username_password");
        assert_eq!(maven["username"], "octocat");
        assert_eq!(maven["visibility"], "private");
        assert_eq!(unseal(maven), "art-pa55word");
        let azure = by_url(
            &bodies,
            "https://pkgs.dev.azure.com/acme/_packaging/feed/pypi/simple",
        );
        assert_eq!(azure["auth_type"], "oidc_azure");
        assert_eq!(azure["tenant_id"], "11111111-2222-3333-4444-555555555555");
        assert!(azure.get("encrypted_value").is_none());
        // dependabot.yml's URL without a scheme is https.
        let docker = by_url(&bodies, "https://registry.acme.example.com");
        assert_eq!(docker["registry_type"], "docker_registry");
        assert_eq!(unseal(docker), "dock3r-pa55\nsecond line");
        let git = by_url(&bodies, "https://github.com");
        assert_eq!(git["registry_type"], "git_source");
        if front == Front::Action {
            // Every given secret is masked first, a multi-line one line by line, used or not.
            for value in [
                "npm-s3cr3t-token",
                "never-used-value",
                "dock3r-pa55",
                "second line",
            ] {
                assert!(
                    out.stdout.contains(&format!("::add-mask::{value}\n")),
                    "{value} not masked:\n{}",
                    out.stdout
                );
            }
            assert!(
                out.summary.contains("registries.npm-github"),
                "{}",
                out.summary
            );
        }
    }
}

fn drift(out: &Outcome) -> Vec<Value> {
    out.json("drift").as_array().cloned().unwrap_or_default()
}

#[test]
fn diff_is_a_drift_gate_exit_0_in_sync_and_3_on_drift() {
    for front in [Front::Action, Front::Cli] {
        let server = FaultServer::start();
        run(&server, front, "sync").run().assert_success();
        let written = server.writes();
        let same = run(&server, front, "diff").run();
        same.assert_success();
        assert_eq!(same.output("result"), "in_sync", "{}", same.dump());
        assert!(drift(&same).is_empty());
        // The file changes: one registry's setting, one removed, one added.
        let changed = DEPENDABOT
            .replace("replaces-base: true", "replaces-base: false")
            .replace("  git-internal:\n", "  git-renamed:\n")
            .replace(
                "url: https://github.com",
                "url: https://git.acme.example.com",
            );
        let out = run(&server, front, "diff")
            .file(".github/dependabot.yml", &changed)
            .run();
        assert_eq!(out.status.code(), Some(3), "{}", out.dump());
        assert_eq!(out.output("result"), "drift");
        let d = drift(&out);
        let state = |s: &str| d.iter().filter(|x| x["state"] == s).count();
        assert_eq!(
            (state("changed"), state("missing"), state("extra")),
            (1, 1, 1),
            "{d:?}"
        );
        let changed = d.iter().find(|x| x["state"] == "changed").unwrap();
        assert_eq!(
            changed["fields"],
            json!([{ "field": "replaces_base", "manifest": "false", "org": "true" }])
        );
        out.assert_mentions(&["drift: 3 configurations differ from the manifest"]);
        // Nothing was written by either diff.
        assert_eq!(server.writes(), written);
        if front == Front::Action {
            assert!(out.summary.contains("| changed |"), "{}", out.summary);
        }
    }
}

#[test]
fn export_then_sync_of_the_export_changes_nothing_but_the_sealed_secrets() {
    for (front, format) in [
        (Front::Action, "manifest"),
        (Front::Cli, "manifest"),
        (Front::Action, "dependabot"),
    ] {
        let server = FaultServer::start();
        run(&server, front, "sync").run().assert_success();
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "export")
            .input("format", format)
            .input("path", "exported.yml")
            .run();
        out.assert_success();
        let manifest = out.output("manifest");
        assert_eq!(
            out.workspace.get("exported.yml").map(String::as_str),
            Some(manifest)
        );
        // GitHub named the configuration; its placeholder takes that name.
        assert!(
            manifest.contains("${{ secrets.NPM_REGISTRY }}"),
            "{manifest}"
        );
        for (_, value) in SECRETS {
            assert!(
                !manifest.contains(value),
                "a secret in the export:\n{manifest}"
            );
        }
        // The secrets are given under the exported placeholder names.
        let names = server
            .configs()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>();
        let secrets: serde_json::Map<String, Value> = names
            .iter()
            .map(|n| (n.clone(), json!("rotated")))
            .collect();
        let mut again = Action::new(server.url())
            .front(front)
            .input("operation", "sync")
            .file("exported.yml", manifest)
            .input("registries_file", "exported.yml")
            .input("secrets", &Value::Object(secrets).to_string());
        if format == "dependabot" {
            again = again.input("overlay", out.output("overlay"));
        }
        let out = again.run();
        out.assert_success();
        let changes = out.json("changes");
        for c in changes.as_array().unwrap() {
            let fields = c["fields"].as_array().cloned().unwrap_or_default();
            let only_secret = fields == [json!("secret")];
            let oidc_unchanged = c["action"] == "unchanged";
            assert!(only_secret || oidc_unchanged, "{format}: {c}");
        }
        assert_eq!(server.configs().len(), 5);
    }
}

#[test]
fn bad_registries_as_code_fail_before_any_request_naming_file_label_and_key() {
    let bad = "version: 2\nregistries:\n  npm-a:\n    type: npm-registy\n    url: https://a.example.com\n    token: ${{ secrets.MISSING }}\n  hex:\n    type: hex-organization\n    organization: acme\n    key: ${{secrets.NPM_GITHUB_TOKEN}}\n  npm-b:\n    type: npm-registry\n    url: https://b.example.com\n    token: ${{secrets.NPM_GITHUB_TOKEN}}\n  npm-c:\n    type: npm-registry\n    url: https://B.example.com/\n    token: ${{secrets.NPM_GITHUB_TOKEN}}\n";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "several problems",
            bad,
            &[
                ".github/dependabot.yml: registries.npm-a: `type`: ",
                ".github/dependabot.yml: registries.npm-a: `token`: secret MISSING is not in input `secrets`",
                ".github/dependabot.yml: registries.hex: `organization`: the org API has no field for",
                "registries.npm-c: `url`: same registry_type and url as .github/dependabot.yml: registries.npm-b",
            ],
        ),
        (
            "a syntax error",
            "registries:\n  npm: [unclosed\n",
            &[".github/dependabot.yml: not valid YAML or JSON at line"],
        ),
        (
            "a duplicate label",
            "registries:\n  npm:\n    type: npm-registry\n    url: https://a.example.com\n  npm:\n    type: npm-registry\n    url: https://b.example.com\n",
            &[".github/dependabot.yml: registries.npm: given twice (lines 2 and 5)"],
        ),
    ];
    for (what, text, words) in cases {
        let server = FaultServer::start();
        let out = run(&server, Front::Action, "sync")
            .file(".github/dependabot.yml", text)
            .run();
        assert_eq!(out.status.code(), Some(2), "{what}: {}", out.dump());
        out.assert_mentions(words);
        assert!(server.lines().is_empty(), "{what}: {:?}", server.lines());
        assert!(!out.stdout.contains("npm-s3cr3t-token\n::error"), "{what}");
    }
    // Inputs an operation does not use are refused, not ignored.
    let server = FaultServer::start();
    let out = Action::new(server.url())
        .input("operation", "list")
        .input("secrets", "{}")
        .input("overlay", "\"*\": {visibility: all}")
        .input("registries_file", "x.yml")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&[
        "input `secrets`: only used by operations sync and diff",
        "input `overlay`: only used by operations sync and diff",
        "input `registries_file`: only used by operations sync and diff",
    ]);
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input(
            "registries",
            "- registry_type: npm_registry\n  url: https://a.example.com\n  visibility: all\n",
        )
        .input("overlay", "\"*\": {visibility: all}")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&["input `overlay`: only for a dependabot.yml"]);
    assert!(server.lines().is_empty());
    // A path outside the workspace, and an org that is not one.
    let server = FaultServer::start();
    let out = run(&server, Front::Action, "sync")
        .input("registries_file", "../../etc/passwd")
        .input("org", "not an org")
        .run();
    assert_eq!(out.status.code(), Some(2), "{}", out.dump());
    out.assert_mentions(&[
        "input `registries_file`: \"../../etc/passwd\" resolves outside the workspace",
        "input `org`",
    ]);
    assert!(server.lines().is_empty());
}

#[test]
fn a_list_manifest_resolves_secret_references_too() {
    let server = FaultServer::start();
    let manifest = "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: private\n  secret: ${{ secrets.NPM_GITHUB_TOKEN }}\n";
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("registries", manifest)
        .input("secrets", &secrets_json())
        .run();
    out.assert_success();
    let bodies = posted(&server);
    assert_eq!(
        server
            .keys
            .unseal(bodies[0]["encrypted_value"].as_str().unwrap()),
        "npm-s3cr3t-token"
    );
}

#[test]
fn many_orgs_each_get_their_own_key_plan_and_report_and_one_failure_does_not_stop_the_rest() {
    for front in [Front::Action, Front::Cli] {
        let server = FaultServer::start();
        server.add_org("beta");
        let out = run(&server, front, "sync")
            .input("org", "acme, ghost\nbeta")
            .run();
        // `ghost` is not served (404): the step fails, the other two are synced.
        assert_eq!(out.status.code(), Some(1), "{}", out.dump());
        assert_eq!(out.output("result"), "failed");
        assert_eq!(server.configs().len(), 5);
        assert_eq!(server.configs_of("beta").len(), 5);
        let orgs = out.json("orgs");
        assert_eq!(orgs["acme"]["result"], "changed", "{orgs}");
        assert_eq!(orgs["beta"]["result"], "changed");
        assert_eq!(orgs["ghost"]["result"], "failed");
        assert!(orgs["ghost"]["error"].as_str().unwrap().contains("404"));
        assert_eq!(orgs["beta"]["changes"].as_array().map(Vec::len), Some(5));
        // Each org's own key: a key request per org that seals.
        let keys = server
            .lines()
            .iter()
            .filter(|l| l.ends_with("/public-key"))
            .count();
        assert_eq!(keys, 2, "{:?}", server.lines());
        out.assert_mentions(&["org ghost: GET /orgs/ghost/private-registries answered 404"]);
        if front == Front::Action {
            assert!(out.summary.contains("## acme") && out.summary.contains("## beta"));
        }
    }
}

#[test]
fn fail_fast_stops_at_the_first_org_that_fails() {
    let server = FaultServer::start();
    server.add_org("beta");
    let out = run(&server, Front::Action, "sync")
        .input("org", "ghost,beta")
        .input("fail_fast", "true")
        .run();
    assert_eq!(out.status.code(), Some(1));
    let orgs = out.json("orgs");
    assert_eq!(orgs["beta"]["result"], "not_run", "{orgs}");
    assert!(server.configs_of("beta").is_empty());
}

#[test]
fn export_names_repositories_and_says_where_github_does_not_report_them() {
    let server = FaultServer::start();
    server.repo("web", 11);
    server.repo("api", 12);
    let manifest = "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: selected\n  selected_repositories: [web, api]\n  secret: ${{ secrets.NPM_GITHUB_TOKEN }}\n";
    Action::new(server.url())
        .input("operation", "sync")
        .input("registries", manifest)
        .input("secrets", &secrets_json())
        .run()
        .assert_success();
    let before = server.lines().len();
    // As GitHub answers: a selected configuration whose repositories are not reported.
    server.seed(json!({
        "name": "MAVEN_HIDDEN", "registry_type": "maven_repository",
        "url": "https://maven.example.com", "visibility": "selected", "auth_type": "token"
    }));
    for front in [Front::Action, Front::Cli] {
        let out = Action::new(server.url())
            .front(front)
            .input("operation", "export")
            .run();
        out.assert_success();
        let manifest = out.output("manifest");
        assert!(
            manifest.contains("selected_repositories:\n  - api\n  - web\n")
                || manifest.contains("selected_repositories:\n  - web\n  - api\n"),
            "{manifest}"
        );
        assert!(
            manifest.contains("# MAVEN_HIDDEN: visibility selected, but GitHub's API does not return which repositories"),
            "{manifest}"
        );
    }
    assert_eq!(
        server.lines()[before..]
            .iter()
            .filter(|l| *l == "GET /orgs/acme/repos")
            .count(),
        2,
        "the org's repositories are listed once per export"
    );
}

#[test]
fn export_of_several_orgs_gives_each_manifest_in_orgs() {
    let server = FaultServer::start();
    server.add_org("beta");
    run(&server, Front::Action, "sync")
        .input("org", "acme,beta")
        .run()
        .assert_success();
    let out = Action::new(server.url())
        .input("operation", "export")
        .input("org", "acme\nbeta")
        .run();
    out.assert_success();
    let orgs = out.json("orgs");
    for org in ["acme", "beta"] {
        let manifest = orgs[org]["manifest"].as_str().unwrap_or_default();
        assert!(
            manifest.contains(&format!("The private registries of {org}"))
                && manifest.contains("${{ secrets.NPM_REGISTRY"),
            "{org}: {orgs}"
        );
    }
}

/// A dependabot.yml saved with a byte order mark (as Windows editors do) reads as without one.
#[test]
fn a_manifest_with_a_byte_order_mark_is_read() {
    let server = FaultServer::start();
    let text = format!("\u{feff}{DEPENDABOT}");
    let out = Action::new(server.url())
        .file(".github/dependabot.yml", &text)
        .input("operation", "sync")
        .input("dry_run", "true")
        .input("registries_file", ".github/dependabot.yml")
        .input("secrets", &secrets_json())
        .run();
    out.assert_success();
    assert_eq!(out.output("result"), "planned", "{}", out.dump());
}

/// The worst leak: a `${{ secrets.X }}` reference where no secret belongs. A configuration whose
/// `username` is that literal text is not exported; a file with it is refused (exit 2, no
/// write) whichever format it is in, and the org's token appears nowhere.
#[test]
fn a_reference_where_no_secret_belongs_is_never_resolved_nor_exported() {
    const ORG_TOKEN: &str = "org-registries-token-value";
    let reference = "${{ secrets.ORG_REGISTRIES_TOKEN }}";
    let server = FaultServer::start();
    let mut planted = support::config("NPM_PLANTED", "npm_registry", "https://npm.example.com");
    planted["username"] = json!(reference);
    server.seed(planted);
    server.seed(support::config(
        "MAVEN_OK",
        "maven_repository",
        "https://maven.example.com",
    ));
    for format in ["manifest", "dependabot"] {
        let out = Action::new(server.url())
            .input("operation", "export")
            .input("format", format)
            .run();
        out.assert_success();
        let manifest = out.output("manifest");
        assert!(!manifest.contains(reference), "{format}:\n{manifest}");
        assert!(
            manifest.contains("# NPM_PLANTED: its `username` holds `${{`"),
            "{manifest}"
        );
        assert!(manifest.contains("https://maven.example.com"), "{manifest}");
    }
    let secrets = format!(r#"{{"ORG_REGISTRIES_TOKEN": "{ORG_TOKEN}", "NPM": "npm-secret"}}"#);
    let files = [
        format!(
            "version: 2\nregistries:\n  npm:\n    type: npm-registry\n    url: https://npm.example.com\n    username: \"{reference}\"\n    password: ${{{{ secrets.NPM }}}}\n"
        ),
        format!(
            "- registry_type: npm_registry\n  url: https://npm.example.com\n  visibility: all\n  username: \"{reference}\"\n  secret: ${{{{ secrets.NPM }}}}\n"
        ),
    ];
    for text in files {
        for front in Front::BOTH {
            let out = Action::new(server.url())
                .front(front)
                .file("registries.yml", &text)
                .input("operation", "sync")
                .input("registries_file", "registries.yml")
                .input("secrets", &secrets)
                .run();
            out.assert_failure();
            assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
            out.assert_mentions(&["`username`", "resolved only in"]);
            out.assert_no_leak(&[ORG_TOKEN]);
            assert!(
                server.writes().is_empty(),
                "{front:?}: {:?}",
                server.writes()
            );
        }
    }
}

/// Plans and drift checks need no secret values: `diff` never resolves a reference, a dry run
/// plans a rotation for a reference whose value it lacks and names it (notice and output
/// `unresolved_secrets`), and only the apply refuses, before any request, naming each.
#[test]
fn plans_and_drift_checks_need_no_secret_values() {
    for front in Front::BOTH {
        let server = FaultServer::start();
        let base = || {
            Action::new(server.url())
                .front(front)
                .file(".github/dependabot.yml", DEPENDABOT)
                .input("registries_file", ".github/dependabot.yml")
        };
        let out = base().input("operation", "diff").run();
        // Everything is missing from an empty org: drift (exit 3), not a missing secret (2).
        assert_eq!(out.status.code(), Some(3), "{front:?}\n{}", out.dump());
        assert!(!out.stdout.contains("is not set") && !out.stderr.contains("is not set"));

        let out = base()
            .input("operation", "sync")
            .input("dry_run", "true")
            .input("secrets", r#"{"NPM_GITHUB_TOKEN": "npm-s3cr3t-token"}"#)
            .run();
        out.assert_success();
        assert_eq!(out.output("result"), "planned", "{front:?}\n{}", out.dump());
        assert_eq!(
            out.json("unresolved_secrets"),
            json!(["ARTIFACTORY_PASSWORD", "DOCKER_PASSWORD", "GIT_TOKEN"]),
            "{front:?}"
        );
        let changes = out.json("changes");
        let with_secret = changes.as_array().map(|a| {
            a.iter()
                .filter(|c| c["fields"].to_string().contains("\"secret\""))
                .count()
        });
        assert_eq!(with_secret, Some(4), "{changes}");
        out.assert_mentions(&[
            "a dry run without the value of ARTIFACTORY_PASSWORD, DOCKER_PASSWORD, GIT_TOKEN",
        ]);
        assert!(server.writes().is_empty());

        let out = base()
            .input("operation", "sync")
            .input("secrets", r#"{"NPM_GITHUB_TOKEN": "npm-s3cr3t-token"}"#)
            .run();
        assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
        out.assert_mentions(&["ARTIFACTORY_PASSWORD", "GIT_TOKEN"]);
        assert!(
            server.requests().iter().all(|r| r.method == "GET"),
            "{front:?}"
        );
        let before = server.requests().len();
        assert_eq!(
            before, 2,
            "{front:?}: only the diff's and the dry run's listings"
        );
    }
}

/// A dependabot.yml's problems come in file order, in dependabot's spellings with a "did you
/// mean", and a label given twice does not hide the others.
#[test]
fn manifest_problems_are_all_said_in_file_order_in_dependabots_words() {
    let text = "version: 2\nregistries:\n  zeta:\n    type: npm-registri\n    url: https://a.example.com\n    token: ${{ secrets.NPM_GITHUB_TOKEN }}\n  alpha:\n    type: maven-repository\n    urll: https://b.example.com\n  alpha:\n    type: npm-registry\n    url: https://c.example.com\n    token: ${{ secrets.NPM_GITHUB_TOKEN }}\n";
    for front in Front::BOTH {
        let server = FaultServer::start();
        let out = Action::new(server.url())
            .front(front)
            .file("dependabot.yml", text)
            .input("operation", "diff")
            .input("registries_file", "dependabot.yml")
            .run();
        assert_eq!(out.status.code(), Some(2), "{front:?}\n{}", out.dump());
        let all = format!("{}\n{}", out.stdout, out.stderr);
        let at = |words: &str| {
            all.find(words)
                .unwrap_or_else(|| panic!("{front:?}: no {words:?}\n{}", out.dump()))
        };
        let twice = at("registries.alpha: given twice (lines 7 and 10)");
        let zeta = at(
            "registries.zeta: `type`: unknown registry type \"npm-registri\"; did you mean \"npm-registry\"? allowed: maven-repository",
        );
        let urll = at("registries.alpha: `urll`: unknown key; did you mean `url`?");
        assert!(
            zeta < twice && twice < urll,
            "{front:?}: not in file order\n{all}"
        );
        assert!(
            !all.contains("npm_registri"),
            "{front:?}: API spelling in a dependabot.yml's error"
        );
        // The refused type is one problem, not two: no "`registry_type`: required" after it.
        assert!(
            !all.contains("registries.zeta: `registry_type`"),
            "{front:?}: the refused type said twice\n{all}"
        );
        assert!(
            all.contains("3 invalid inputs"),
            "{front:?}: twice, zeta's type, alpha's urll\n{all}"
        );
        assert!(server.requests().is_empty());
    }
}
