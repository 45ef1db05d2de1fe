//! `discover`, through both front ends, against a local server whose GraphQL endpoint validates
//! every query against GitHub's published schema: the census of an org of 250 repositories, the
//! proposal, and a dry-run sync of that proposal that plans exactly the missing registries.

use crate::support;

use serde_json::{Value, json};
use support::faults::FaultServer;
use support::graphql::RepoFixture;
use support::{Action, Front, config};

const NPM: &str = "version: 2\nregistries:\n  npm:\n    type: npm-registry\n    url: https://npm.example.com\n    token: ${{secrets.NPM_TOKEN}}\nupdates: []\n";
const MAVEN: &str = "version: 2\nregistries:\n  maven:\n    type: maven-repository\n    url: https://maven.example.com/releases\n    username: deploy\n    password: ${{ secrets.MAVEN_PASSWORD }}\n";
const DOCKER: &str = "version: 2\nregistries:\n  docker:\n    type: docker-registry\n    url: docker.example.com\n    username: bot\n    password: ${{ secrets.DOCKER_PASSWORD }}\n";

/// 250 repositories: 40 share an npm registry, 30 a Maven one (one with another username), 5 a
/// Docker registry the org already has, one file is malformed, one binary, one too large, 3
/// archived ones configure npm too, the rest have no dependabot.yml.
fn org() -> FaultServer {
    let server = FaultServer::start();
    server.seed(config(
        "DOCKER_REGISTRY",
        "docker_registry",
        "https://docker.example.com/",
    ));
    for i in 0..250 {
        let name = format!("repo-{i:03}");
        let (text, archived, binary, truncated) = match i {
            0..40 => (Some(NPM.to_string()), false, false, false),
            40..69 => (Some(MAVEN.to_string()), false, false, false),
            69 => (Some(MAVEN.replace("deploy", "other")), false, false, false),
            70..75 => (Some(DOCKER.to_string()), false, false, false),
            75 => (
                Some("registries: [unclosed".to_string()),
                false,
                false,
                false,
            ),
            76 => (Some("\u{0}".to_string()), false, true, false),
            77 => (Some(NPM.to_string()), false, false, true),
            78..81 => (Some(NPM.to_string()), true, false, false),
            _ => (None, false, false, false),
        };
        server.repository(RepoFixture {
            name,
            private: i % 2 == 0,
            archived,
            fork: false,
            dependabot: text,
            binary,
            truncated,
        });
    }
    server
}

fn discover(server: &FaultServer, front: Front) -> Action {
    Action::new(server.url())
        .front(front)
        .input("operation", "discover")
        .input("format", "dependabot")
}

#[test]
fn an_org_of_250_repositories_is_read_in_three_graphql_requests_and_proposed() {
    for front in Front::BOTH {
        let server = org();
        let out = discover(&server, front).run();
        out.assert_success();
        assert_eq!(
            out.output("result"),
            "discovered",
            "{front:?}\n{}",
            out.dump()
        );
        let lines = server.lines();
        let graphql = lines.iter().filter(|l| *l == "POST /graphql").count();
        assert_eq!(graphql, 3, "{front:?}: {lines:?}");
        assert_eq!(
            lines.len(),
            4,
            "{front:?}: 3 GraphQL pages and the org listing: {lines:?}"
        );
        assert!(
            server.writes().iter().all(|w| w == "POST /graphql"),
            "{front:?}: wrote"
        );

        let groups = out.json("discovered");
        let by_type = |t: &str| -> Value {
            groups
                .as_array()
                .and_then(|a| a.iter().find(|g| g["registry_type"] == t).cloned())
                .unwrap_or(Value::Null)
        };
        let npm = by_type("npm_registry");
        assert_eq!(
            npm["repositories"].as_array().map(Vec::len),
            Some(40),
            "{front:?}"
        );
        assert_eq!(npm["secrets"], json!(["NPM_TOKEN"]));
        assert_eq!(npm["in_org"], false);
        let maven = by_type("maven_repository");
        assert_eq!(maven["repositories"].as_array().map(Vec::len), Some(30));
        assert_eq!(
            maven["conflicts"],
            json!([{ "repository": "repo-069", "field": "username", "value": "other", "common": "deploy" }])
        );
        let docker = by_type("docker_registry");
        assert_eq!(docker["in_org"], true);
        assert_eq!(docker["repositories"].as_array().map(Vec::len), Some(5));

        let skipped = out.json("skipped");
        let skipped: Vec<(&str, &str)> = skipped
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (
                            s["repository"].as_str().unwrap_or(""),
                            s["reason"].as_str().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped[0].0 == "repo-075" && skipped[0].1.contains("not valid YAML"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].1.contains("binary") && skipped[2].1.contains("too large"),
            "{skipped:?}"
        );

        let manifest = out.output("manifest");
        assert!(
            manifest.contains(
                "  npm-npm-example-com:\n    type: npm-registry\n    url: https://npm.example.com\n"
            ),
            "{manifest}"
        );
        assert!(manifest.contains("secrets.NPM_TOKEN"), "{manifest}");
        assert!(
            manifest.contains("# Already in the org, so not proposed: docker_registry"),
            "{manifest}"
        );
        assert!(
            manifest.contains(
                "# conflict: repo-069 gives username \"other\" where the others give \"deploy\""
            ),
            "{manifest}"
        );
        assert!(!manifest.contains("docker-registry"), "{manifest}");
        let overlay = out.output("overlay");
        assert!(overlay.contains("visibility: selected"), "{overlay}");
        if std::env::var_os("SHOW").is_some() {
            eprintln!("{manifest}\n{overlay}\n{}", out.summary);
        }
    }
}

#[test]
fn a_dry_run_sync_of_the_proposal_plans_exactly_the_missing_registries() {
    let server = org();
    let out = discover(&server, Front::Action).run();
    out.assert_success();
    let manifest = out.output("manifest").to_string();
    let overlay = out.output("overlay").to_string();
    for front in Front::BOTH {
        let plan = Action::new(server.url())
            .front(front)
            .file("proposed.yml", &manifest)
            .input("operation", "sync")
            .input("dry_run", "true")
            .input("registries_file", "proposed.yml")
            .input("overlay", &overlay)
            .run();
        plan.assert_success();
        assert_eq!(
            plan.output("result"),
            "planned",
            "{front:?}\n{}",
            plan.dump()
        );
        let changes = plan.json("changes");
        let creates: Vec<&str> = changes
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|c| c["action"] == "create")
                    .filter_map(|c| c["registry_type"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(creates, ["maven_repository", "npm_registry"], "{changes}");
        assert_eq!(
            plan.json("unresolved_secrets"),
            json!(["MAVEN_PASSWORD", "NPM_TOKEN"]),
            "{front:?}"
        );
    }
    assert!(
        server.writes().iter().all(|w| w == "POST /graphql"),
        "{:?}",
        server.writes()
    );
}

#[test]
fn archived_repositories_count_only_when_asked_and_a_bad_query_would_fail_as_on_github() {
    let server = org();
    let out = discover(&server, Front::Action)
        .input("include_archived", "true")
        .run();
    out.assert_success();
    let groups = out.json("discovered");
    let npm = groups
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|g| g["registry_type"] == "npm_registry")
                .cloned()
        })
        .unwrap_or(Value::Null);
    assert_eq!(npm["repositories"].as_array().map(Vec::len), Some(43));
    // The server holds queries to GitHub's schema: one GitHub would refuse fails here too.
    let bad = json!({ "query": "query { organization(login: \"acme\") { repositories(first: 100) { nodes { nmae } } } }" });
    let (_, answer) = support::graphql::answer(&bad.to_string(), "acme", &[]);
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{answer}"
    );
    let too_many = json!({ "query": "query { organization(login: \"acme\") { repositories(first: 101) { totalCount } } }" });
    let (_, answer) = support::graphql::answer(&too_many.to_string(), "acme", &[]);
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("exceeds the `first` limit of 100")),
        "{answer}"
    );
}

/// `path` (`-o` at the command line) writes the proposal to a file, as `export` does.
#[test]
fn the_proposal_is_written_to_path() {
    for front in Front::BOTH {
        let server = org();
        let out = discover(&server, front).input("path", "proposed.yml").run();
        out.assert_success();
        let written = out
            .workspace
            .get("proposed.yml")
            .unwrap_or_else(|| panic!("{front:?}: no proposed.yml in {:?}", out.workspace.keys()));
        assert_eq!(written, out.output("manifest"), "{front:?}");
        assert!(written.contains("npm-npm-example-com:"));
    }
}

/// Several orgs: each is read on its own; one that GraphQL does not know fails with its name,
/// and the others are still discovered.
#[test]
fn several_orgs_are_discovered_one_by_one() {
    let server = org();
    server.add_org("ghost");
    let out = discover(&server, Front::Action)
        .input("org", "acme,ghost")
        .run();
    out.assert_failure();
    out.assert_mentions(&["org ghost:", "no org `ghost` visible to this token"]);
    let orgs = out.json("orgs");
    assert_eq!(orgs["acme"]["result"], "discovered", "{orgs}");
    assert_eq!(orgs["ghost"]["result"], "failed", "{orgs}");
}
