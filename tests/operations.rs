//! Every operation of the real binary (list, get, public-key, create, update, set, delete)
//! driven against mockito mocks that behave like GitHub (`support::gh`).
//!
//! One `check_*` helper per scenario table: it sets the mocks up with exact request counts
//! (`.expect(n)`), registers the catch-all `gh::unexpected` last (so any other request fails
//! the test), runs the binary, then asserts the mocks, the request bodies (validated against
//! GitHub's OpenAPI schema as they arrive, secrets unsealed with the test's private key), the
//! outputs parsed back from `GITHUB_OUTPUT` and the step summary. Every run that passes a
//! secret checks it is masked first and never leaks (nor the token).
//!
//! Headers (`Accept`, `X-GitHub-Api-Version`, `Authorization: Bearer`, `User-Agent`) are
//! matched by every `gh` mock: a request without them matches only the catch-all.

use crate::support;

use mockito::{Mock, Server, ServerGuard};
use serde_json::{Value, json};
use support::gh::{self, Mocks};
use support::{Action, Keys, ORG, Outcome, TOKEN, config, github_error, with};

const LIST_PATH: &str = "/orgs/acme/private-registries";
const LIST_TEMPLATE: &str = "/orgs/{org}/private-registries";
const DOCS: &str = "https://docs.github.com/rest/private-registries/organization-configurations";
/// The name the mock gives a configuration it creates.
const NEW_NAME: &str = "NEW_REGISTRY_SECRET";
const SECRET: &str = "npm_S3cr3t%value/with+odd=chars";
const REGISTRY_TABLE: &str =
    "| name | type | url | auth | visibility | replaces base | updated |\n| --- |";
const CHANGES_TABLE: &str = "| action | name | type | url | fields | outcome |\n| --- |";

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// Input name → value pairs of a scenario table.
type Pairs = &'static [(&'static str, &'static str)];

/// The `secret` input of a scenario, if any.
fn secret_of<'a>(inputs: &[(&str, &'a str)]) -> Option<&'a str> {
    inputs
        .iter()
        .find(|(k, v)| *k == "secret" && !v.is_empty())
        .map(|(_, v)| *v)
}

/// Runs the binary with `inputs` against `server`; when a secret is passed, checks it is
/// masked before anything else is printed and never shown (nor the token, nor a sealed value).
#[track_caller]
fn run(server: &ServerGuard, inputs: &[(&str, &str)]) -> Outcome {
    run_action(Action::new(&server.url()), inputs)
}

#[track_caller]
fn run_action(action: Action, inputs: &[(&str, &str)]) -> Outcome {
    let out = inputs.iter().fold(action, |a, (k, v)| a.input(k, v)).run();
    out.assert_no_leak(&[TOKEN]);
    if !inputs.contains(&("token", "")) {
        out.assert_masked(TOKEN);
    }
    if let Some(secret) = secret_of(inputs) {
        let lines: Vec<&str> = secret
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        out.assert_no_leak(&[secret]).assert_no_leak(&lines);
        out.assert_masked(secret);
    }
    for text in [out.output_file.as_deref().unwrap_or(""), &out.summary] {
        assert!(
            !text.contains("encrypted_value"),
            "a sealed value reached the outputs or the summary\n{}",
            out.dump()
        );
    }
    out
}

/// The `::error` annotations printed on stdout.
fn error_lines(out: &Outcome) -> Vec<&str> {
    out.stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect()
}

/// Some single `::error` line contains every one of `words`.
#[track_caller]
fn assert_error_line(out: &Outcome, words: &[&str]) {
    let lines = error_lines(out);
    assert!(
        lines.iter().any(|l| words.iter().all(|w| l.contains(w))),
        "no ::error line mentions all of {words:?}; error lines: {lines:#?}\n{}",
        out.dump()
    );
}

#[track_caller]
fn assert_exit(out: &Outcome, code: i32) {
    out.assert_failure();
    assert_eq!(out.status.code(), Some(code), "exit status\n{}", out.dump());
}

/// The step summary holds a markdown table starting with `header` (header + separator row).
#[track_caller]
fn assert_table(out: &Outcome, header: &str) {
    assert!(
        out.summary.contains(header),
        "the step summary has no table {header:?}\n{}",
        out.dump()
    );
}

/// `n` token configurations `NPM_000`…, as GitHub lists them.
fn listing(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            config(
                &format!("NPM_{i:03}"),
                "npm_registry",
                &format!("https://npm{i}.example.com/"),
            )
        })
        .collect()
}

/// One `GET /repos/acme/{name}` per repository, each expected exactly once.
fn repo_mocks(server: &mut ServerGuard, repos: &[(&str, u64)]) -> Vec<Mock> {
    repos
        .iter()
        .map(|(name, id)| gh::repo(server, ORG, name, *id).expect(1))
        .collect()
}

/// Removes `encrypted_value` and `key_id` from a body, checking they unseal to `secret` with
/// `keys` (or are absent when there is no secret).
#[track_caller]
fn unseal_from(body: &mut Value, keys: &Keys, secret: Option<&str>) {
    let obj = body.as_object_mut().expect("body is an object");
    let sealed = obj.remove("encrypted_value");
    let key_id = obj.remove("key_id");
    match secret {
        Some(secret) => {
            let sealed = sealed.expect("the body carries encrypted_value");
            assert_eq!(keys.unseal(sealed.as_str().expect("a string")), secret);
            assert_eq!(key_id, Some(json!(keys.key_id)), "key_id of the org key");
        }
        None => assert_eq!(
            (sealed, key_id),
            (None, None),
            "no secret, so no encrypted_value/key_id"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// list

/// `list` over `n` configurations: `expected_requests` pages fetched (each exactly once), the
/// configurations of those pages in `registries`, GitHub's count in `total_count`. `per_page`
/// sizes the one page fetched with `page`; without `page` every page is read 100 a request.
#[track_caller]
fn check_list(
    n: usize,
    per_page: Option<usize>,
    page: Option<usize>,
    expected_requests: usize,
) -> Outcome {
    let mut server = Server::new();
    let configs = listing(n);
    let size = match page {
        Some(_) => per_page.unwrap_or(100),
        None => 100,
    };
    let pages = gh::list(&mut server, ORG, &configs, size);
    let pages = Mocks(
        pages
            .0
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.expect(page.map_or(1, |p| usize::from(i + 1 == p))))
            .collect(),
    );
    let none = gh::unexpected(&mut server);
    let per_page_text = per_page.map(|p| p.to_string());
    let page_text = page.map(|p| p.to_string());
    let mut inputs = vec![("operation", "list")];
    if let Some(p) = &per_page_text {
        inputs.push(("per_page", p));
    }
    if let Some(p) = &page_text {
        inputs.push(("page", p));
    }
    let out = run(&server, &inputs);
    out.assert_success();
    pages.assert();
    none.assert();
    let fetched = match page {
        Some(_) => 1,
        None => pages.len(),
    };
    assert_eq!(
        fetched, expected_requests,
        "requests for {n} configurations"
    );
    let shown: Vec<Value> = match page {
        Some(p) => configs.chunks(size).nth(p - 1).unwrap_or(&[]).to_vec(),
        None => configs.clone(),
    };
    assert_eq!(out.json("registries"), Value::Array(shown.clone()));
    assert_eq!(out.output("total_count"), n.to_string());
    assert_eq!(out.output("result"), "listed");
    if shown.is_empty() {
        // No header-only table for an empty page: it says so.
        assert!(out.summary.contains("No configurations."), "{}", out.dump());
    } else {
        assert_table(&out, REGISTRY_TABLE);
    }
    assert!(
        out.summary.contains(&format!("({} of {n})", shown.len())),
        "{}",
        out.dump()
    );
    out
}

#[test]
fn list_reads_every_page_100_a_request() {
    // (configurations, requests): ⌈n/100⌉, and one for none
    for (n, requests) in [(0, 1), (10, 1), (100, 1), (101, 2), (250, 3)] {
        check_list(n, None, None, requests);
    }
}

#[test]
fn list_with_page_reads_only_that_page() {
    check_list(25, Some(10), Some(2), 1);
    check_list(25, Some(10), Some(3), 1);
    check_list(250, None, Some(1), 1);
}

#[test]
fn list_without_page_reads_100_a_request_whatever_per_page() {
    // the budget is ⌈n/100⌉: per_page only sizes the page asked for with `page`
    check_list(25, Some(10), None, 1);
    check_list(150, Some(1), None, 2);
}

#[test]
fn list_in_a_terminal_prints_one_json_object() {
    let mut server = Server::new();
    let configs = listing(3);
    let pages = gh::list(&mut server, ORG, &configs, 100).expect(1);
    let none = gh::unexpected(&mut server);
    let out = run_action(
        Action::new(&server.url()).no_output_file(),
        &[("operation", "list")],
    );
    out.assert_success();
    pages.assert();
    none.assert();
    let printed = out.terminal_json();
    assert_eq!(printed["result"], "listed");
    assert_eq!(printed["total_count"], 3);
    assert_eq!(printed["registries"], Value::Array(configs));
}

#[test]
fn api_url_falls_back_to_github_api_url() {
    let mut server = Server::new();
    let pages = gh::list(&mut server, ORG, &listing(1), 100).expect(1);
    let none = gh::unexpected(&mut server);
    let out = run_action(
        Action::new("")
            .input("api_url", "")
            .env("GITHUB_API_URL", &server.url()),
        &[("operation", "list")],
    );
    out.assert_success();
    pages.assert();
    none.assert();
    assert_eq!(out.output("total_count"), "1");
}

// ---------------------------------------------------------------------------------------------
// get, public-key, delete

#[test]
fn get_fetches_one_configuration() {
    for terminal in [false, true] {
        let mut server = Server::new();
        let wanted = with(
            config(
                "MAVEN_SECRET",
                "maven_repository",
                "https://maven.example.com/",
            ),
            json!({"auth_type": "username_password", "username": "monalisa", "visibility": "all"}),
        );
        let get = gh::get(&mut server, ORG, &wanted).expect(1);
        let none = gh::unexpected(&mut server);
        let mut action = Action::new(&server.url());
        if terminal {
            action = action.no_output_file();
        }
        let out = run_action(action, &[("operation", "get"), ("name", "MAVEN_SECRET")]);
        out.assert_success();
        get.assert();
        none.assert();
        if terminal {
            let printed = out.terminal_json();
            assert_eq!(printed["registry"], wanted);
            assert_eq!(printed["result"], "fetched");
        } else {
            assert_eq!(out.json("registry"), wanted);
            assert_eq!(out.output("name"), "MAVEN_SECRET");
            assert_eq!(out.output("result"), "fetched");
            assert_table(&out, REGISTRY_TABLE);
            assert!(
                out.summary
                    .contains("| MAVEN\\_SECRET | maven\\_repository |")
            );
        }
    }
}

#[test]
fn public_key_is_one_request() {
    let mut server = Server::new();
    let keys = Keys::generate();
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    let none = gh::unexpected(&mut server);
    let out = run(&server, &[("operation", "public-key")]);
    out.assert_success();
    key.assert();
    none.assert();
    assert_eq!(out.output("key_id"), keys.key_id);
    assert_eq!(out.output("key"), keys.key);
    assert_eq!(out.output("result"), "fetched");
    assert_table(&out, "| key_id | key |\n| --- |");
}

/// `delete NAME`: one DELETE, or in a dry run one GET and no DELETE.
#[track_caller]
fn check_delete(dry_run: bool) {
    let mut server = Server::new();
    let current = config("NPM_OLD", "npm_registry", "https://npm.example.com/");
    let get = gh::get(&mut server, ORG, &current).expect(usize::from(dry_run));
    let delete = gh::delete(&mut server, ORG, "NPM_OLD").expect(usize::from(!dry_run));
    let none = gh::unexpected(&mut server);
    let out = run(
        &server,
        &[
            ("operation", "delete"),
            ("name", "NPM_OLD"),
            ("dry_run", if dry_run { "true" } else { "false" }),
        ],
    );
    out.assert_success();
    get.assert();
    delete.assert();
    none.assert();
    assert_eq!(out.output("name"), "NPM_OLD");
    let changes = out.json("changes");
    assert_eq!(changes[0]["action"], "delete");
    assert_eq!(changes[0]["name"], "NPM_OLD");
    assert_table(&out, CHANGES_TABLE);
    if dry_run {
        assert_eq!(out.output("result"), "planned");
        assert_eq!(changes[0]["outcome"], "planned");
        assert_eq!(changes[0]["url"], "https://npm.example.com/");
        assert!(out.summary.contains("dry run"), "{}", out.dump());
    } else {
        assert_eq!(out.output("result"), "deleted");
        assert_eq!(changes[0]["outcome"], "applied");
    }
}

#[test]
fn delete_is_one_request() {
    check_delete(false);
}

#[test]
fn delete_dry_run_gets_instead_of_deleting() {
    check_delete(true);
}

// ---------------------------------------------------------------------------------------------
// create

/// `create` with `inputs`: the key fetched once iff there is a secret, each repository looked
/// up once, one POST whose body (validated against the schema) is `expected` plus the sealed
/// secret; outputs from the configuration GitHub returned.
#[track_caller]
fn check_create(inputs: &[(&str, &str)], repos: &[(&str, u64)], expected: Value) -> Outcome {
    let secret = secret_of(inputs);
    let mut server = Server::new();
    let keys = Keys::generate();
    let key = gh::public_key(&mut server, ORG, &keys).expect(usize::from(secret.is_some()));
    let repo_mocks = repo_mocks(&mut server, repos);
    // The names before the POST, so a lost answer is never matched to one of them.
    let listed = gh::list(&mut server, ORG, &[], 100);
    let (post, posted) = gh::create(&mut server, ORG, NEW_NAME);
    let post = post.expect(1);
    let none = gh::unexpected(&mut server);
    let mut all = vec![("operation", "create")];
    all.extend_from_slice(inputs);
    let out = run(&server, &all);
    out.assert_success();
    listed.assert();
    key.assert();
    repo_mocks.iter().for_each(Mock::assert);
    post.assert();
    none.assert();

    let mut body = posted.single();
    unseal_from(&mut body, &keys, secret);
    assert_eq!(body, expected, "POST body");

    assert_eq!(out.output("result"), "created");
    assert_eq!(out.output("name"), NEW_NAME);
    let registry = out.json("registry");
    assert_eq!(registry["name"], NEW_NAME);
    for (k, v) in expected.as_object().expect("object") {
        assert_eq!(&registry[k], v, "registry output field {k}");
    }
    let changes = out.json("changes");
    assert_eq!(changes.as_array().map(Vec::len), Some(1), "{changes}");
    assert_eq!(changes[0]["action"], "create");
    assert_eq!(changes[0]["name"], NEW_NAME);
    assert_eq!(changes[0]["outcome"], "applied");
    let fields = changes[0]["fields"].as_array().expect("fields").clone();
    assert_eq!(fields.contains(&json!("secret")), secret.is_some());
    assert_table(&out, CHANGES_TABLE);
    assert_table(&out, REGISTRY_TABLE);
    out
}

#[test]
fn create_token_registry_seals_the_secret() {
    check_create(
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.pkg.github.com/"),
            ("visibility", "all"),
            ("secret", SECRET),
        ],
        &[],
        json!({"registry_type": "npm_registry", "url": "https://npm.pkg.github.com/", "visibility": "all"}),
    );
}

#[test]
fn create_username_password_registry() {
    check_create(
        &[
            ("registry_type", "maven_repository"),
            ("url", "https://maven.example.com/releases"),
            ("username", "monalisa"),
            ("replaces_base", "TRUE"),
            ("visibility", "private"),
            ("auth_type", "username_password"),
            ("secret", "pa55 word with spaces "),
        ],
        &[],
        json!({
            "registry_type": "maven_repository",
            "url": "https://maven.example.com/releases",
            "username": "monalisa",
            "replaces_base": true,
            "visibility": "private",
            "auth_type": "username_password",
        }),
    );
}

#[test]
fn create_oidc_registries_fetch_no_key_and_send_no_secret() {
    let cases: &[(&str, &str, Pairs)] = &[
        (
            "oidc_azure",
            "docker_registry",
            &[("tenant_id", "tenant-1"), ("client_id", "client-1")],
        ),
        (
            "oidc_aws",
            "npm_registry",
            &[
                ("aws_region", "eu-west-1"),
                ("account_id", "123456789012"),
                ("role_name", "dependabot"),
                ("domain", "acme"),
                ("domain_owner", "123456789012"),
                ("audience", "sts.amazonaws.com"),
            ],
        ),
        (
            "oidc_jfrog",
            "maven_repository",
            &[
                ("jfrog_oidc_provider_name", "github"),
                ("audience", "jfrog"),
                ("identity_mapping_name", "dependabot"),
            ],
        ),
        (
            "oidc_cloudsmith",
            "python_index",
            &[
                ("namespace", "acme"),
                ("service_slug", "dependabot-1"),
                ("audience", "cloudsmith"),
                ("api_host", "api.cloudsmith.io"),
            ],
        ),
        (
            "oidc_gcp",
            "docker_registry",
            &[(
                "workload_identity_provider",
                "projects/1/locations/global/workloadIdentityPools/p/providers/gh",
            )],
        ),
        (
            "oidc_gcp",
            "python_index",
            &[
                (
                    "workload_identity_provider",
                    "projects/1/locations/global/workloadIdentityPools/p/providers/gh",
                ),
                ("audience", "gcp"),
                ("service_account", "dependabot@acme.iam.gserviceaccount.com"),
            ],
        ),
    ];
    for (auth, registry_type, fields) in cases {
        let url = "https://registry.example.com/acme";
        let mut inputs = vec![
            ("registry_type", *registry_type),
            ("url", url),
            ("visibility", "all"),
            ("auth_type", *auth),
        ];
        inputs.extend_from_slice(fields);
        let mut expected = json!({
            "registry_type": registry_type, "url": url, "visibility": "all", "auth_type": auth,
        });
        for (k, v) in *fields {
            expected[*k] = json!(v);
        }
        check_create(&inputs, &[], expected);
    }
}

#[test]
fn create_selected_looks_each_repository_up_once_and_merges_ids() {
    check_create(
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.pkg.github.com/"),
            ("visibility", "selected"),
            ("selected_repository_ids", "30, 10\n30"),
            ("selected_repositories", "web\napi, web,\n web "),
            ("secret", SECRET),
        ],
        // `web` has id 10, also given as an id: merged once
        &[("web", 10), ("api", 20)],
        json!({
            "registry_type": "npm_registry",
            "url": "https://npm.pkg.github.com/",
            "visibility": "selected",
            "selected_repository_ids": [10, 20, 30],
        }),
    );
}

#[test]
fn create_dry_run_sends_nothing_but_repository_look_ups() {
    let mut server = Server::new();
    let repos = repo_mocks(&mut server, &[("web", 11)]);
    let none = gh::unexpected(&mut server);
    let out = run(
        &server,
        &[
            ("operation", "create"),
            ("registry_type", "rubygems_server"),
            ("url", "https://gems.example.com"),
            ("visibility", "selected"),
            ("selected_repositories", "web"),
            ("secret", SECRET),
            ("dry_run", "true"),
        ],
    );
    out.assert_success();
    repos.iter().for_each(Mock::assert);
    none.assert();
    assert_eq!(out.output("result"), "planned");
    let changes = out.json("changes");
    assert_eq!(changes[0]["action"], "create");
    assert_eq!(changes[0]["outcome"], "planned");
    assert_eq!(changes[0]["registry_type"], "rubygems_server");
    assert_eq!(
        changes[0]["fields"],
        json!([
            "registry_type",
            "selected_repository_ids",
            "url",
            "visibility",
            "secret"
        ])
    );
    assert_table(&out, CHANGES_TABLE);
    assert!(
        out.summary.contains("dry run: nothing was written"),
        "{}",
        out.dump()
    );
}

// ---------------------------------------------------------------------------------------------
// update

/// `update NAME` with `inputs`: repositories looked up once each, the key only with a secret,
/// one PATCH with exactly `expected` (plus the sealed secret), one GET read back into
/// `registry`; at most 3 requests besides the look-ups.
#[track_caller]
fn check_update(inputs: &[(&str, &str)], repos: &[(&str, u64)], expected: Value) -> Outcome {
    let secret = secret_of(inputs);
    let mut server = Server::new();
    let keys = Keys::generate();
    let key = gh::public_key(&mut server, ORG, &keys).expect(usize::from(secret.is_some()));
    let repo_mocks = repo_mocks(&mut server, repos);
    let (patch, patched) = gh::update(&mut server, ORG, "NPM_MAIN");
    let patch = patch.expect(1);
    let mut patch_view = expected.clone();
    patch_view
        .as_object_mut()
        .expect("object")
        .remove("selected_repository_ids");
    let read_back = with(
        with(
            config("NPM_MAIN", "npm_registry", "https://npm.example.com/"),
            patch_view,
        ),
        json!({"updated_at": "2024-06-07T08:09:10Z"}),
    );
    let get = gh::get(&mut server, ORG, &read_back).expect(1);
    let none = gh::unexpected(&mut server);
    let mut all = vec![("operation", "update"), ("name", "NPM_MAIN")];
    all.extend_from_slice(inputs);
    let out = run(&server, &all);
    out.assert_success();
    key.assert();
    repo_mocks.iter().for_each(Mock::assert);
    patch.assert();
    get.assert();
    none.assert();
    let requests = usize::from(secret.is_some()) + 2;
    assert!(requests <= 3, "update budget");

    let mut body = patched.single();
    unseal_from(&mut body, &keys, secret);
    assert_eq!(body, expected, "PATCH body: only the given fields");
    assert_eq!(out.output("result"), "updated");
    assert_eq!(out.output("name"), "NPM_MAIN");
    assert_eq!(out.json("registry"), read_back, "registry is the read-back");
    let changes = out.json("changes");
    assert_eq!(changes[0]["action"], "update");
    assert_eq!(changes[0]["outcome"], "applied");
    assert_table(&out, CHANGES_TABLE);
    assert_table(&out, REGISTRY_TABLE);
    out
}

#[test]
fn update_sends_only_the_given_fields() {
    check_update(
        &[("url", "https://npm2.example.com/")],
        &[],
        json!({"url": "https://npm2.example.com/"}),
    );
    check_update(
        &[("replaces_base", "false"), ("visibility", "private")],
        &[],
        json!({"replaces_base": false, "visibility": "private"}),
    );
}

#[test]
fn update_with_secret_is_key_patch_and_read_back() {
    let out = check_update(
        &[("secret", SECRET), ("username", "bot")],
        &[],
        json!({"username": "bot"}),
    );
    assert_eq!(
        out.json("changes")[0]["fields"],
        json!(["username", "secret"])
    );
}

#[test]
fn update_selected_repositories() {
    check_update(
        &[
            ("visibility", "selected"),
            ("selected_repositories", "web,api"),
            ("selected_repository_ids", "5"),
        ],
        &[("web", 12), ("api", 7)],
        json!({"visibility": "selected", "selected_repository_ids": [5, 7, 12]}),
    );
}

#[test]
fn update_dry_run_writes_nothing() {
    let mut server = Server::new();
    let none = gh::unexpected(&mut server);
    let out = run(
        &server,
        &[
            ("operation", "update"),
            ("name", "NPM_MAIN"),
            ("secret", SECRET),
            ("dry_run", "true"),
        ],
    );
    out.assert_success();
    none.assert();
    assert_eq!(out.output("result"), "planned");
    assert_eq!(out.json("changes")[0]["fields"], json!(["secret"]));
}

// ---------------------------------------------------------------------------------------------
// set

/// What `set` should do with the configuration it matched (or did not).
enum Then {
    /// Nothing differs: no write at all.
    Unchanged,
    /// PATCH with exactly these fields (plus the sealed secret); no read-back: the listed
    /// configuration with those fields is the state afterwards.
    Update(Value),
    /// Nothing matched: POST exactly these fields (plus the sealed secret).
    Create(Value),
}

/// `set` over the `listed` configurations (100 a page): every page listed once, then what
/// `then` says, with the key fetched only when a secret is written, each repository looked
/// up once, and at most list pages + 2 requests (+ look-ups).
#[track_caller]
fn check_set(
    listed: &[Value],
    inputs: &[(&str, &str)],
    repos: &[(&str, u64)],
    name: &str,
    then: Then,
) -> Outcome {
    let secret = secret_of(inputs);
    let mut server = Server::new();
    let keys = Keys::generate();
    let pages = gh::list(&mut server, ORG, listed, 100).expect(1);
    let (patches, creates) = match &then {
        Then::Unchanged => (0, 0),
        Then::Update(_) => (1, 0),
        Then::Create(_) => (0, 1),
    };
    let keys_fetched = usize::from(secret.is_some() && patches + creates > 0);
    let key = gh::public_key(&mut server, ORG, &keys).expect(keys_fetched);
    let repo_mocks = repo_mocks(&mut server, repos);
    let (patch, patched) = gh::update(&mut server, ORG, name);
    let patch = patch.expect(patches);
    let (post, posted) = gh::create(&mut server, ORG, name);
    let post = post.expect(creates);
    let current = listed.iter().find(|c| c["name"] == name).cloned();
    let after = match (&then, &current) {
        (Then::Update(fields), Some(current)) => Some(with(current.clone(), fields.clone())),
        (Then::Update(_), None) => panic!("check_set: {name} is not listed"),
        _ => None,
    };
    let none = gh::unexpected(&mut server);

    let mut all = vec![("operation", "set")];
    all.extend_from_slice(inputs);
    let out = run(&server, &all);
    out.assert_success();
    pages.assert();
    key.assert();
    repo_mocks.iter().for_each(Mock::assert);
    patch.assert();
    post.assert();
    none.assert();
    let requests = keys_fetched + patches + creates;
    assert!(
        requests <= 2,
        "set budget: list pages + 2, got {requests} more"
    );

    assert_eq!(out.output("name"), name);
    let changes = out.json("changes");
    match then {
        Then::Unchanged => {
            assert_eq!(out.output("result"), "unchanged");
            assert_eq!(Some(out.json("registry")), current);
            assert_eq!(changes[0]["action"], "unchanged");
            assert_eq!(changes[0]["fields"], json!([]));
        }
        Then::Update(expected) => {
            let mut body = patched.single();
            unseal_from(&mut body, &keys, secret);
            assert_eq!(body, expected, "PATCH body: the differing fields");
            assert_eq!(out.output("result"), "updated");
            assert_eq!(Some(out.json("registry")), after);
            assert_eq!(changes[0]["action"], "update");
            assert_eq!(changes[0]["outcome"], "applied");
        }
        Then::Create(expected) => {
            let mut body = posted.single();
            unseal_from(&mut body, &keys, secret);
            assert_eq!(body, expected, "POST body");
            assert_eq!(out.output("result"), "created");
            assert_eq!(changes[0]["action"], "create");
        }
    }
    assert_table(&out, CHANGES_TABLE);
    assert_table(&out, REGISTRY_TABLE);
    out
}

fn npm(name: &str, url: &str) -> Value {
    config(name, "npm_registry", url)
}

#[test]
fn set_matches_by_name_and_patches_differences_with_the_secret() {
    let listed = [
        npm("NPM_OTHER", "https://other.example.com/"),
        npm("NPM_MAIN", "https://npm.example.com/"),
    ];
    check_set(
        &listed,
        &[
            ("name", "NPM_MAIN"),
            ("registry_type", "npm_registry"),
            ("url", "https://npm.example.com"),
            ("visibility", "all"),
            ("replaces_base", "false"),
            ("secret", SECRET),
        ],
        &[],
        "NPM_MAIN",
        Then::Update(json!({"visibility": "all"})),
    );
}

#[test]
fn set_matches_by_type_and_normalised_url() {
    // (url GitHub reports, url given)
    let cases = [
        (
            "https://npm.example.com/acme/",
            "https://npm.example.com/acme",
        ),
        (
            "https://npm.example.com/acme",
            "https://npm.example.com/acme//",
        ),
        (
            "https://NPM.Example.COM/acme",
            "HTTPS://npm.example.com/acme/",
        ),
        (
            "HTTPS://npm.example.com:8443",
            "https://NPM.example.com:8443",
        ),
    ];
    for (reported, given) in cases {
        let listed = [
            // same url, other type; same type, other path: neither matches
            config("MAVEN_SAME_URL", "maven_repository", reported),
            npm("NPM_OTHER_PATH", "https://npm.example.com/other"),
            npm("NPM_MATCH", reported),
        ];
        check_set(
            &listed,
            &[
                ("registry_type", "npm_registry"),
                ("url", given),
                ("secret", SECRET),
            ],
            &[],
            "NPM_MATCH",
            Then::Update(json!({})),
        );
    }
}

#[test]
fn set_without_secret_and_no_difference_is_unchanged_with_no_write() {
    let listed = [
        npm("NPM_A", "https://npm.example.com/a/"),
        with(
            npm("NPM_B", "https://npm.example.com/b"),
            json!({"auth_type": "username_password", "username": "bot", "visibility": "all", "replaces_base": true}),
        ),
    ];
    check_set(
        &listed,
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.example.com/a"),
            ("visibility", "private"),
            ("replaces_base", "false"),
            ("auth_type", "token"),
        ],
        &[],
        "NPM_A",
        Then::Unchanged,
    );
    check_set(
        &listed,
        &[
            ("name", "NPM_B"),
            ("username", "bot"),
            ("visibility", "all"),
            ("replaces_base", "true"),
        ],
        &[],
        "NPM_B",
        Then::Unchanged,
    );
}

#[test]
fn set_without_secret_patches_only_what_differs() {
    let listed = [with(
        npm("NPM_B", "https://npm.example.com/b"),
        json!({"auth_type": "username_password", "username": "bot"}),
    )];
    check_set(
        &listed,
        &[
            ("name", "NPM_B"),
            ("url", "https://npm.example.com/b/"),
            ("username", "robot"),
            ("replaces_base", "true"),
        ],
        &[],
        "NPM_B",
        Then::Update(json!({"username": "robot", "replaces_base": true})),
    );
}

#[test]
fn set_creates_when_nothing_matches() {
    let listed = [
        npm("NPM_A", "https://npm.example.com/A"),
        config("MAVEN", "maven_repository", "https://npm.example.com/a"),
    ];
    // the path is case-sensitive: /A is not /a
    check_set(
        &listed,
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.example.com/a"),
            ("visibility", "private"),
            ("secret", SECRET),
        ],
        &[],
        NEW_NAME,
        Then::Create(json!({
            "registry_type": "npm_registry", "url": "https://npm.example.com/a", "visibility": "private",
        })),
    );
    // none at all, OIDC: list + POST only
    check_set(
        &[],
        &[
            ("registry_type", "docker_registry"),
            ("url", "https://acme.azurecr.io"),
            ("visibility", "all"),
            ("auth_type", "oidc_azure"),
            ("tenant_id", "t"),
            ("client_id", "c"),
        ],
        &[],
        NEW_NAME,
        Then::Create(json!({
            "registry_type": "docker_registry", "url": "https://acme.azurecr.io", "visibility": "all",
            "auth_type": "oidc_azure", "tenant_id": "t", "client_id": "c",
        })),
    );
}

#[test]
fn set_budget_is_list_pages_plus_two() {
    // 150 configurations: 2 pages; the match is on the second; key + PATCH, no read-back
    let mut listed = listing(149);
    listed.push(npm("NPM_LAST", "https://last.example.com"));
    check_set(
        &listed,
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://last.example.com/"),
            ("visibility", "all"),
            ("secret", SECRET),
        ],
        &[],
        "NPM_LAST",
        Then::Update(json!({"visibility": "all"})),
    );
}

#[test]
fn set_with_selected_repositories_always_resends_them() {
    // GitHub's GET/list schemas have no selected_repository_ids, so set cannot see the
    // current ones: it re-sends them (with visibility selected) on every run.
    let listed = [with(
        npm("NPM_SEL", "https://npm.example.com/"),
        json!({"visibility": "selected"}),
    )];
    check_set(
        &listed,
        &[
            ("name", "NPM_SEL"),
            ("visibility", "selected"),
            ("selected_repositories", "web, api"),
        ],
        &[("web", 3), ("api", 2)],
        "NPM_SEL",
        Then::Update(json!({"visibility": "selected", "selected_repository_ids": [2, 3]})),
    );
}

/// A dry-run `set`: lists once, looks repositories up, and writes nothing (no key either).
#[track_caller]
fn check_set_dry_run(listed: &[Value], inputs: &[(&str, &str)], action: &str, fields: Value) {
    let mut server = Server::new();
    let pages = gh::list(&mut server, ORG, listed, 100).expect(1);
    let repos = repo_mocks(&mut server, &[("web", 4)]);
    let none = gh::unexpected(&mut server);
    let mut all = vec![("operation", "set"), ("dry_run", "true")];
    all.extend_from_slice(inputs);
    let out = run(&server, &all);
    out.assert_success();
    pages.assert();
    repos.iter().for_each(Mock::assert);
    none.assert();
    assert_eq!(out.output("result"), "planned");
    let changes = out.json("changes");
    assert_eq!(changes[0]["action"], action);
    assert_eq!(changes[0]["outcome"], "planned");
    assert_eq!(changes[0]["fields"], fields);
    assert!(
        out.summary.contains("dry run: nothing was written"),
        "{}",
        out.dump()
    );
}

#[test]
fn set_dry_run_lists_and_writes_nothing() {
    let listed = [npm("NPM_A", "https://npm.example.com/")];
    let selected = [
        ("visibility", "selected"),
        ("selected_repositories", "web"),
        ("secret", SECRET),
    ];
    let mut update = vec![("name", "NPM_A")];
    update.extend_from_slice(&selected);
    check_set_dry_run(
        &listed,
        &update,
        "update",
        json!(["selected_repository_ids", "visibility", "secret"]),
    );
    let mut create = vec![
        ("registry_type", "npm_registry"),
        ("url", "https://new.example.com"),
    ];
    create.extend_from_slice(&selected);
    check_set_dry_run(
        &listed,
        &create,
        "create",
        json!([
            "registry_type",
            "selected_repository_ids",
            "url",
            "visibility",
            "secret"
        ]),
    );
}

/// `set` that lists (every page once) and then refuses, writing nothing.
#[track_caller]
fn check_set_refused(listed: &[Value], inputs: &[(&str, &str)], code: i32, words: &[&str]) {
    let mut server = Server::new();
    let pages = gh::list(&mut server, ORG, listed, 100).expect(1);
    let none = gh::unexpected(&mut server);
    let mut all = vec![("operation", "set")];
    all.extend_from_slice(inputs);
    let out = run(&server, &all);
    assert_exit(&out, code);
    pages.assert();
    none.assert();
    assert_error_line(&out, words);
    assert_eq!(out.output("result"), "failed");
}

#[test]
fn set_with_several_matches_names_them_and_writes_nothing() {
    let listed = [
        npm("NPM_ONE", "https://npm.example.com/"),
        npm("NPM_OTHER", "https://other.example.com/"),
        npm("NPM_TWO", "https://NPM.example.com"),
    ];
    check_set_refused(
        &listed,
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.example.com"),
            ("secret", SECRET),
        ],
        1,
        &["2 configurations match", "NPM_ONE, NPM_TWO", "give `name`"],
    );
}

#[test]
fn set_cannot_change_auth_type_in_place() {
    let listed = [npm("NPM_TOKEN", "https://npm.example.com/")];
    check_set_refused(
        &listed,
        &[
            ("name", "NPM_TOKEN"),
            ("auth_type", "username_password"),
            ("username", "bot"),
            ("secret", SECRET),
        ],
        2,
        &[
            "input `auth_type`",
            "uses auth_type token",
            "cannot change auth_type in place",
            "operation: delete, name: NPM_TOKEN",
            "run set again",
        ],
    );
}

#[test]
fn set_refuses_a_secret_for_an_oidc_configuration() {
    let listed = [with(
        config("AZ", "docker_registry", "https://acme.azurecr.io"),
        json!({"auth_type": "oidc_azure", "tenant_id": "t", "client_id": "c"}),
    )];
    check_set_refused(
        &listed,
        &[("name", "AZ"), ("secret", SECRET)],
        2,
        &[
            "input `secret`",
            "uses auth_type oidc_azure",
            "takes no secret",
        ],
    );
}

#[test]
fn set_that_would_create_says_what_is_missing() {
    check_set_refused(
        &listed_one(),
        &[
            ("registry_type", "npm_registry"),
            ("url", "https://new.example.com"),
        ],
        2,
        &[
            "input `visibility`",
            "required to create",
            "all, private, selected",
        ],
    );
}

fn listed_one() -> Vec<Value> {
    vec![npm("NPM_A", "https://npm.example.com/")]
}

// ---------------------------------------------------------------------------------------------
// bad input: exit 2, named in an ::error line, zero requests

/// Each `lines` entry: words that one `::error` line contains together.
#[track_caller]
fn check_bad_input(inputs: &[(&str, &str)], lines: &[&[&str]]) {
    let mut server = Server::new();
    let none = gh::unexpected(&mut server);
    let out = run(&server, inputs);
    assert_exit(&out, 2);
    none.assert();
    for words in lines {
        assert_error_line(&out, words);
    }
    assert_error_line(&out, &["invalid input", "; nothing was sent to GitHub"]);
    assert!(
        out.outputs.is_empty(),
        "no outputs for invalid input\n{}",
        out.dump()
    );
}

const URL: &str = "https://npm.example.com/";

#[test]
fn bad_inputs_fail_before_any_request() {
    let npm_create: &[(&str, &str)] = &[
        ("operation", "create"),
        ("registry_type", "npm_registry"),
        ("url", URL),
        ("visibility", "all"),
    ];
    let plus = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        let mut v = npm_create.to_vec();
        for (k, val) in extra {
            v.retain(|(key, _)| key != k);
            v.push((k, val));
        }
        v
    };
    type Case = (
        Vec<(&'static str, &'static str)>,
        Vec<&'static [&'static str]>,
    );
    let cases: Vec<Case> = vec![
        // unknown values, with the allowed ones
        (
            vec![("operation", "frobnicate")],
            vec![&[
                "input `operation`",
                "unknown operation \"frobnicate\"",
                "allowed: list, get, public-key, create, update, set, delete",
            ]],
        ),
        (
            plus(&[("registry_type", "npm"), ("secret", SECRET)]),
            vec![&[
                "input `registry_type`",
                "unknown registry type \"npm\"",
                "allowed: maven_repository, nuget_feed, goproxy_server, npm_registry",
                "terraform_registry",
            ]],
        ),
        (
            plus(&[("auth_type", "oauth"), ("secret", SECRET)]),
            vec![&[
                "input `auth_type`",
                "unknown auth type \"oauth\"",
                "allowed: token, username_password, oidc_azure, oidc_aws, oidc_jfrog, oidc_cloudsmith, oidc_gcp",
            ]],
        ),
        (
            plus(&[("visibility", "public"), ("secret", SECRET)]),
            vec![&[
                "input `visibility`",
                "unknown visibility \"public\"",
                "allowed: all, private, selected",
            ]],
        ),
        // missing inputs, per operation
        (
            vec![("operation", "get")],
            vec![&["input `name`", "required by operation get"]],
        ),
        (
            vec![("operation", "delete")],
            vec![&["input `name`", "required by operation delete"]],
        ),
        (
            vec![("operation", "update"), ("url", URL)],
            vec![&["input `name`", "required by operation update"]],
        ),
        (
            vec![("operation", "update"), ("name", "NPM")],
            vec![&["nothing to update", "secret, registry_type, url"]],
        ),
        (
            vec![("operation", "create"), ("secret", SECRET)],
            vec![
                &[
                    "input `registry_type`",
                    "required to create",
                    "allowed: maven_repository",
                ],
                &["input `url`", "required to create", "absolute URL"],
                &[
                    "input `visibility`",
                    "required to create",
                    "allowed: all, private, selected",
                ],
            ],
        ),
        (
            vec![("operation", "set"), ("secret", SECRET)],
            vec![
                &[
                    "input `registry_type`",
                    "required by operation set without a name",
                ],
                &["input `url`", "required by operation set without a name"],
            ],
        ),
        (
            vec![("secret", SECRET), ("url", URL)],
            vec![&["input `registry_type`", "required by operation set"]],
        ),
        // missing inputs, per auth type
        (
            plus(&[]),
            vec![&[
                "input `secret`",
                "required to create a configuration with auth_type token",
            ]],
        ),
        (
            plus(&[("auth_type", "username_password"), ("secret", SECRET)]),
            vec![&[
                "input `username`",
                "required with auth_type username_password",
            ]],
        ),
        (
            plus(&[("auth_type", "username_password"), ("username", "bot")]),
            vec![&[
                "input `secret`",
                "required to create a configuration with auth_type username_password",
            ]],
        ),
        (
            plus(&[("auth_type", "oidc_azure"), ("tenant_id", "t")]),
            vec![&["input `client_id`", "required with auth_type oidc_azure"]],
        ),
        (
            plus(&[
                ("auth_type", "oidc_aws"),
                ("aws_region", "eu-west-1"),
                ("account_id", "1"),
                ("domain", "d"),
            ]),
            vec![
                &["input `role_name`", "required with auth_type oidc_aws"],
                &["input `domain_owner`", "required with auth_type oidc_aws"],
            ],
        ),
        (
            plus(&[("auth_type", "oidc_jfrog"), ("audience", "a")]),
            vec![&[
                "input `jfrog_oidc_provider_name`",
                "required with auth_type oidc_jfrog",
            ]],
        ),
        (
            plus(&[
                ("auth_type", "oidc_cloudsmith"),
                ("namespace", "n"),
                ("service_slug", "s"),
            ]),
            vec![&[
                "input `audience`",
                "required with auth_type oidc_cloudsmith",
            ]],
        ),
        (
            plus(&[("auth_type", "oidc_gcp"), ("audience", "a")]),
            vec![&[
                "input `workload_identity_provider`",
                "required with auth_type oidc_gcp",
            ]],
        ),
        // secret with OIDC; OIDC fields with the wrong auth type
        (
            plus(&[
                ("auth_type", "oidc_gcp"),
                ("workload_identity_provider", "w"),
                ("secret", SECRET),
            ]),
            vec![&[
                "input `secret`",
                "not allowed with auth_type oidc_gcp",
                "allowed with: token, username_password",
            ]],
        ),
        (
            plus(&[
                ("auth_type", "oidc_azure"),
                ("tenant_id", "t"),
                ("client_id", "c"),
                ("aws_region", "eu-west-1"),
            ]),
            vec![&[
                "input `aws_region`",
                "not a field of auth_type oidc_azure",
                "it belongs to: oidc_aws",
            ]],
        ),
        (
            plus(&[("tenant_id", "t"), ("secret", SECRET)]),
            vec![&[
                "input `tenant_id`",
                "not allowed with auth_type token",
                "set auth_type to one of: oidc_azure",
            ]],
        ),
        (
            plus(&[
                ("audience", "a"),
                ("auth_type", "oidc_azure"),
                ("tenant_id", "t"),
                ("client_id", "c"),
            ]),
            vec![&[
                "input `audience`",
                "not a field of auth_type oidc_azure",
                "oidc_aws, oidc_jfrog, oidc_cloudsmith, oidc_gcp",
            ]],
        ),
        // repositories without visibility selected
        (
            plus(&[("selected_repositories", "web"), ("secret", SECRET)]),
            vec![&[
                "input `selected_repositories`",
                "only be given with visibility selected",
                "(visibility is all)",
            ]],
        ),
        (
            vec![
                ("operation", "update"),
                ("name", "NPM"),
                ("selected_repository_ids", "1"),
            ],
            vec![&[
                "input `selected_repository_ids`",
                "only be given with visibility selected",
                "(visibility is not given)",
            ]],
        ),
        // non-integer ids, bad repository names
        (
            plus(&[
                ("visibility", "selected"),
                ("selected_repository_ids", "12,abc"),
                ("secret", SECRET),
            ]),
            vec![&[
                "input `selected_repository_ids`",
                "\"abc\" is not a repository id",
                "allowed: positive integers",
            ]],
        ),
        (
            plus(&[
                ("visibility", "selected"),
                ("selected_repository_ids", "1.5, -2, 0"),
                ("secret", SECRET),
            ]),
            vec![
                &[
                    "input `selected_repository_ids`",
                    "\"1.5\" is not a repository id",
                ],
                &[
                    "input `selected_repository_ids`",
                    "\"-2\" is not a repository id",
                ],
                &[
                    "input `selected_repository_ids`",
                    "\"0\" is not a repository id",
                ],
            ],
        ),
        (
            plus(&[
                ("visibility", "selected"),
                ("selected_repositories", "acme/web"),
                ("secret", SECRET),
            ]),
            vec![&[
                "input `selected_repositories`",
                "\"acme/web\" is not a repository name",
                "without the owner",
            ]],
        ),
        // non-boolean booleans
        (
            plus(&[("replaces_base", "yes"), ("secret", SECRET)]),
            vec![&[
                "input `replaces_base`",
                "\"yes\" is not a boolean",
                "allowed: true, false",
            ]],
        ),
        (
            vec![("operation", "list"), ("dry_run", "1")],
            vec![&[
                "input `dry_run`",
                "\"1\" is not a boolean",
                "allowed: true, false",
            ]],
        ),
        // relative url
        (
            plus(&[("url", "/npm/"), ("secret", SECRET)]),
            vec![&[
                "input `url`",
                "\"/npm/\" is not an absolute URL",
                "allowed: scheme://host",
            ]],
        ),
        (
            vec![
                ("operation", "set"),
                ("registry_type", "npm_registry"),
                ("url", "npm.example.com"),
            ],
            vec![&["input `url`", "\"npm.example.com\" is not an absolute URL"]],
        ),
        // per_page outside 1–100; page with another operation
        (
            vec![("operation", "list"), ("per_page", "0")],
            vec![&[
                "input `per_page`",
                "\"0\" is not a whole number from 1 to 100",
            ]],
        ),
        (
            vec![("operation", "list"), ("per_page", "101")],
            vec![&[
                "input `per_page`",
                "\"101\" is not a whole number from 1 to 100",
            ]],
        ),
        (
            vec![("operation", "list"), ("page", "x")],
            vec![&["input `page`", "\"x\" is not a whole number"]],
        ),
        (
            vec![("operation", "get"), ("name", "NPM"), ("page", "2")],
            vec![&["input `page`", "only used by operation list"]],
        ),
        // inputs an operation does not take
        (
            vec![("operation", "list"), ("url", URL)],
            vec![&["input `url`", "not used by operation list"]],
        ),
        (
            plus(&[("name", "NPM"), ("secret", SECRET)]),
            vec![&["input `name`", "not used by operation create"]],
        ),
        // names that could leave the URL path
        (
            vec![("operation", "get"), ("name", "a/b")],
            vec![&[
                "input `name`",
                "\"a/b\" is not a configuration name",
                "allowed: letters, digits and underscores",
            ]],
        ),
        (
            vec![("operation", "delete"), ("name", "../../repos")],
            vec![&["input `name`", "is not a configuration name"]],
        ),
        (
            vec![("operation", "list"), ("org", "acme/x")],
            vec![&["input `org`", "is not an organization login"]],
        ),
        // api_url: http only for loopback hosts
        (
            vec![("operation", "list"), ("api_url", "http://api.example.com")],
            vec![&[
                "input `api_url`",
                "only allowed to a literal loopback address",
                "allowed: https://api.github.com",
            ]],
        ),
        // missing token (the runner passes an unset input as "")
        (
            vec![("operation", "list"), ("token", "")],
            vec![&["input `token`", "required", "admin:org"]],
        ),
    ];
    for (inputs, lines) in &cases {
        check_bad_input(inputs, lines);
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    check_bad_input(
        &[
            ("operation", "create"),
            ("registry_type", "npm"),
            ("url", "npm.example.com"),
            ("visibility", "public"),
            ("replaces_base", "maybe"),
            ("secret", SECRET),
        ],
        &[
            &["input `registry_type`"],
            &["input `url`"],
            &["input `visibility`"],
            &["input `replaces_base`"],
            &["4 invalid inputs"],
        ],
    );
}

#[test]
fn missing_token_variable_fails_before_any_request() {
    let mut server = Server::new();
    let none = gh::unexpected(&mut server);
    let out = Action::new(&server.url())
        .unset("INPUT_TOKEN")
        .input("operation", "list")
        .run();
    assert_exit(&out, 2);
    none.assert();
    assert_error_line(&out, &["input `token`", "required"]);
}

// ---------------------------------------------------------------------------------------------
// a public key that is not an X25519 key

/// The org key is `key`: the run fails with `words`, and nothing is written.
#[track_caller]
fn check_bad_key(inputs: &[(&str, &str)], key: &str, words: &[&str]) {
    let mut server = Server::new();
    let key_mock = gh::public_key_raw(&mut server, ORG, "012345678912345678", key).expect(1);
    // A create lists first (not asserted: an update does not).
    let _listed = gh::list(&mut server, ORG, &[], 100);
    let (post, _posted) = gh::create(&mut server, ORG, NEW_NAME);
    let post = post.expect(0);
    let (patch, _patched) = gh::update(&mut server, ORG, "NPM_MAIN");
    let patch = patch.expect(0);
    let none = gh::unexpected(&mut server);
    let out = run(&server, inputs);
    assert_exit(&out, 1);
    key_mock.assert();
    post.assert();
    patch.assert();
    none.assert();
    assert_error_line(&out, words);
    assert_eq!(out.output("result"), "failed");
}

#[test]
fn a_public_key_that_is_not_32_bytes_is_refused_before_any_write() {
    use base64::Engine as _;
    let b64 = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
    let create = [
        ("operation", "create"),
        ("registry_type", "npm_registry"),
        ("url", URL),
        ("visibility", "all"),
        ("secret", SECRET),
    ];
    let update = [
        ("operation", "update"),
        ("name", "NPM_MAIN"),
        ("secret", SECRET),
    ];
    for (n, inputs) in [(31, &create[..]), (33, &create[..]), (16, &update[..])] {
        check_bad_key(
            inputs,
            &b64(n),
            &[&format!(
                "decodes to {n} bytes, not the 32 of an X25519 key"
            )],
        );
    }
    check_bad_key(&create, "not base64!", &["is not valid base64"]);
    check_bad_key(
        &[("operation", "public-key")],
        &b64(3),
        &["decodes to 3 bytes"],
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub errors: exit 1 with status, message, field errors, documentation_url and a hint

/// `inputs` run against one mock answering `status` with `body` (and whatever `setup` adds).
#[track_caller]
fn check_github_error(
    inputs: &[(&str, &str)],
    setup: impl FnOnce(&mut ServerGuard) -> Vec<Mock>,
    error: (&str, &str, u16, Value),
    words: &[&str],
) {
    let mut server = Server::new();
    let before = setup(&mut server);
    let (method, path, status, body) = error;
    let failing = gh::error_body(&mut server, method, path, status, &body).expect(1);
    let none = gh::unexpected(&mut server);
    let out = run(&server, inputs);
    assert_exit(&out, 1);
    before.iter().for_each(Mock::assert);
    failing.assert();
    none.assert();
    assert_error_line(&out, words);
    assert_eq!(out.output("result"), "failed");
}

#[test]
fn github_errors_show_status_message_errors_docs_and_a_hint() {
    check_github_error(
        &[("operation", "list")],
        |_| vec![],
        ("GET", LIST_PATH, 401, github_error(401, "Bad credentials")),
        &[
            "GET /orgs/acme/private-registries answered 401 Unauthorized: Bad credentials",
            DOCS,
            "hint: the token was refused",
        ],
    );
    check_github_error(
        &[("operation", "public-key")],
        |_| vec![],
        (
            "GET",
            "/orgs/acme/private-registries/public-key",
            403,
            github_error(403, "Resource not accessible by integration"),
        ),
        &[
            "answered 403 Forbidden: Resource not accessible by integration",
            DOCS,
            "hint: the token lacks the permission \"Organization private registries\" (read)",
            "GITHUB_TOKEN never has it",
            "admin:org",
        ],
    );
    check_github_error(
        &[("operation", "get"), ("name", "NPM_MISSING")],
        |_| vec![],
        (
            "GET",
            "/orgs/acme/private-registries/NPM_MISSING",
            404,
            github_error(404, "Not Found"),
        ),
        &[
            "GET /orgs/acme/private-registries/NPM_MISSING answered 404 Not Found: Not Found",
            DOCS,
            "no configuration named `NPM_MISSING` in org `acme`",
        ],
    );
    check_github_error(
        &[("operation", "delete"), ("name", "NPM_MISSING")],
        |_| vec![],
        (
            "DELETE",
            "/orgs/acme/private-registries/NPM_MISSING",
            404,
            github_error(404, "Not Found"),
        ),
        &[
            "answered 404 Not Found",
            "no configuration named `NPM_MISSING`",
            "`NPM_MISSING` was not deleted",
        ],
    );
    check_github_error(
        &[
            ("operation", "create"),
            ("registry_type", "npm_registry"),
            ("url", URL),
            ("visibility", "selected"),
            ("selected_repositories", "ghost"),
            ("auth_type", "oidc_azure"),
            ("tenant_id", "t"),
            ("client_id", "c"),
        ],
        |_| vec![],
        (
            "GET",
            "/repos/acme/ghost",
            404,
            github_error(404, "Not Found"),
        ),
        &[
            "GET /repos/acme/ghost answered 404 Not Found",
            "no repository `ghost` in org `acme`",
        ],
    );
    let keys = Keys::generate();
    check_github_error(
        &[
            ("operation", "update"),
            ("name", "NPM_MAIN"),
            ("secret", SECRET),
        ],
        |server| vec![gh::public_key(server, ORG, &keys).expect(1)],
        (
            "PATCH",
            "/orgs/acme/private-registries/NPM_MAIN",
            403,
            github_error(403, "Must have admin rights"),
        ),
        &[
            "PATCH /orgs/acme/private-registries/NPM_MAIN answered 403 Forbidden: Must have admin rights",
            "admin:org",
            "`NPM_MAIN` was not updated",
        ],
    );
}

#[test]
fn a_422_shows_the_field_errors() {
    let body = json!({
        "message": "Validation Failed",
        "errors": [
            {"resource": "PrivateRegistry", "field": "url", "code": "invalid", "message": "url is not reachable"},
            {"resource": "PrivateRegistry", "field": "registry_type", "code": "custom", "message": "already configured"},
        ],
        "documentation_url": DOCS,
    });
    support::openapi::assert_response_matches("POST", LIST_TEMPLATE, 422, &body);
    let mut server = Server::new();
    let keys = Keys::generate();
    let key = gh::public_key(&mut server, ORG, &keys).expect(1);
    let listed = gh::list(&mut server, ORG, &[], 100);
    let reply = body.to_string();
    let (post, posted) = gh::body_mock(
        &mut server,
        "POST",
        LIST_PATH,
        LIST_TEMPLATE,
        422,
        move |_| reply.clone().into_bytes(),
    );
    let post = post.expect(1);
    let none = gh::unexpected(&mut server);
    let out = run(
        &server,
        &[
            ("operation", "create"),
            ("registry_type", "npm_registry"),
            ("url", URL),
            ("visibility", "all"),
            ("secret", SECRET),
        ],
    );
    assert_exit(&out, 1);
    key.assert();
    listed.assert();
    post.assert();
    none.assert();
    let mut sent = posted.single();
    unseal_from(&mut sent, &keys, Some(SECRET));
    assert_error_line(
        &out,
        &[
            "POST /orgs/acme/private-registries answered 422 Unprocessable Entity: Validation Failed",
            "[url: invalid (url is not reachable); registry_type: custom (already configured)]",
            &format!("(see {DOCS})"),
            "nothing was created",
        ],
    );
    assert_eq!(out.output("result"), "failed");
    let changes = out.json("changes");
    assert_eq!(changes[0]["action"], "create");
    assert_eq!(changes[0]["outcome"], "failed");
    assert_table(&out, CHANGES_TABLE);
}

// ---------------------------------------------------------------------------------------------
// secrets

#[test]
fn a_multi_line_secret_is_masked_line_by_line_and_sealed_whole() {
    let secret =
        "-----BEGIN KEY-----\nZmlyc3QgbGluZQ%zzq\r\nsecond-line-Xw7q9\n  third line T0p  \n";
    let out = check_create(
        &[
            ("registry_type", "docker_registry"),
            ("url", "https://ghcr.io"),
            ("visibility", "all"),
            ("secret", secret),
        ],
        &[],
        json!({"registry_type": "docker_registry", "url": "https://ghcr.io", "visibility": "all"}),
    );
    // `run` checked every line; the whole value is masked first too
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("::add-mask::"), "{}", out.dump());
    out.assert_masked(secret);
}

// ---------------------------------------------------------------------------------------------
// headers

#[test]
fn requests_carry_githubs_headers() {
    let mut server = Server::new();
    let user_agent = format!("private-registries/{}", env!("CARGO_PKG_VERSION"));
    let list = gh::github_headers(server.mock("GET", LIST_PATH), TOKEN)
        .match_query(mockito::Matcher::UrlEncoded(
            "per_page".into(),
            "100".into(),
        ))
        .match_header("user-agent", user_agent.as_str())
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(json!({"total_count": 0, "configurations": []}).to_string())
        .expect(1)
        .create();
    let post = gh::github_headers(server.mock("POST", LIST_PATH), TOKEN)
        .match_header("user-agent", user_agent.as_str())
        .match_header("content-type", "application/json")
        .match_body(mockito::Matcher::PartialJson(
            json!({"auth_type": "oidc_gcp", "workload_identity_provider": "w"}),
        ))
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_body(
            with(
                config(NEW_NAME, "helm_registry", "https://charts.example.com"),
                json!({"auth_type": "oidc_gcp", "workload_identity_provider": "w"}),
            )
            .to_string(),
        )
        .expect(1)
        .create();
    let none = gh::unexpected(&mut server);
    let out = run(
        &server,
        &[
            ("registry_type", "helm_registry"),
            ("url", "https://charts.example.com"),
            ("visibility", "private"),
            ("auth_type", "oidc_gcp"),
            ("workload_identity_provider", "w"),
        ],
    );
    out.assert_success();
    list.assert();
    post.assert();
    none.assert();
    assert_eq!(out.output("result"), "created");
}

// ---------------------------------------------------------------------------------------------
// the command line

#[test]
fn help_and_version() {
    let mut server = Server::new();
    let none = gh::unexpected(&mut server);
    let version = format!("private-registries {}", env!("CARGO_PKG_VERSION"));
    for flag in ["--help", "-h"] {
        let out = Action::new(&server.url()).arg(flag).run();
        out.assert_success();
        for word in [
            "Usage: private-registries <COMMAND>",
            "list",
            "get",
            "public-key",
            "create",
            "update",
            "set",
            "delete",
            "sync",
            "completions",
            "INPUT_*",
            "--version",
            "Exit status: 0 done, 1 failed",
        ] {
            assert!(out.stdout.contains(word), "{flag}: {word}\n{}", out.dump());
        }
        assert!(out.outputs.is_empty(), "{}", out.dump());
    }
    for flag in ["--version", "-V"] {
        let out = Action::new(&server.url()).arg(flag).no_output_file().run();
        out.assert_success();
        assert_eq!(out.stdout.trim_end(), version, "{}", out.dump());
    }
    let out = Action::new(&server.url()).arg("--frobnicate").run();
    assert_exit(&out, 2);
    assert!(
        out.stderr.contains("unexpected argument '--frobnicate'") && out.stderr.contains("--help"),
        "{}",
        out.dump()
    );
    none.assert();
}
