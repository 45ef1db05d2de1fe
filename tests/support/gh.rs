//! mockito mocks that behave like GitHub's private-registries endpoints.
//!
//! Every mock matches only requests with GitHub's headers (`Accept:
//! application/vnd.github+json`, `X-GitHub-Api-Version: 2026-03-10`, `Authorization: Bearer
//! <TOKEN>`, a `User-Agent` starting with `private-registries/`); a request without them gets
//! mockito's 501 and counts for no mock. Mocks are returned created; chain `.expect(n)` on the
//! returned value and call `.assert()` at the end (`expect` after `create` is enough for
//! `assert`). Response bodies given by tests are checked against GitHub's schema when the mock
//! is registered, so test data cannot drift from what GitHub can return.
//!
//! Request bodies (POST/PATCH) are captured in a [`Captured`]: each is validated against the
//! operation's request schema as it arrives; an invalid body gets a GitHub-like 422, and the
//! violations fail the test (when read, or when the `Captured` is dropped).

use super::openapi;
use super::{Keys, TIMESTAMP, TOKEN};
use mockito::{Matcher, Mock, Request, Server};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};

pub const ACCEPT: &str = "application/vnd.github+json";
pub const API_VERSION: &str = "2026-03-10";
pub const USER_AGENT_PREFIX: &str = "private-registries/";

const LIST: &str = "/orgs/{org}/private-registries";
const PUBLIC_KEY: &str = "/orgs/{org}/private-registries/public-key";
const ONE: &str = "/orgs/{org}/private-registries/{secret_name}";
const REPO: &str = "/repos/{owner}/{repo}";
const ORG_REPOS: &str = "/orgs/{org}/repos";

/// Adds the GitHub header matchers (with `token`) to a mock that is not yet created.
pub fn github_headers(mock: Mock, token: &str) -> Mock {
    mock.match_header("accept", ACCEPT)
        .match_header("x-github-api-version", API_VERSION)
        .match_header("authorization", format!("Bearer {token}").as_str())
        .match_header(
            "user-agent",
            Matcher::Regex(format!("^{}", regex::escape(USER_AGENT_PREFIX))),
        )
}

/// `GET /orgs/{org}/private-registries/public-key` serving `keys`.
pub fn public_key(server: &mut Server, org: &str, keys: &Keys) -> Mock {
    public_key_raw(server, org, &keys.key_id, &keys.key)
}

/// The public-key endpoint serving any `key_id`/`key` (e.g. a key that is not 32 bytes).
pub fn public_key_raw(server: &mut Server, org: &str, key_id: &str, key: &str) -> Mock {
    let body = json!({ "key_id": key_id, "key": key });
    openapi::assert_response_matches("GET", PUBLIC_KEY, 200, &body);
    json_mock(
        server,
        "GET",
        &format!("/orgs/{org}/private-registries/public-key"),
        200,
        &body,
    )
}

/// `GET /orgs/{org}/private-registries/{name}` serving `config` (its `name` field names it).
pub fn get(server: &mut Server, org: &str, config: &Value) -> Mock {
    openapi::assert_response_matches("GET", ONE, 200, config);
    let name = config["name"].as_str().expect("config has a name");
    json_mock(server, "GET", &one_path(org, name), 200, config)
}

/// `DELETE /orgs/{org}/private-registries/{name}` answering 204.
pub fn delete(server: &mut Server, org: &str, name: &str) -> Mock {
    github_headers(server.mock("DELETE", one_path(org, name).as_str()), TOKEN)
        .with_status(204)
        .create()
}

/// Any `method path` (concrete path, no query) answering `status` with a GitHub error body
/// built by [`super::github_error`].
pub fn error(server: &mut Server, method: &str, path: &str, status: u16, message: &str) -> Mock {
    error_body(
        server,
        method,
        path,
        status,
        &super::github_error(status, message),
    )
}

/// Any `method path` answering `status` with `body` (e.g. a 422 with `errors`).
pub fn error_body(
    server: &mut Server,
    method: &str,
    path: &str,
    status: u16,
    body: &Value,
) -> Mock {
    github_headers(server.mock(method, path).match_query(Matcher::Any), TOKEN)
        .with_status(status.into())
        .with_header("content-type", "application/json; charset=utf-8")
        .with_body(body.to_string())
        .create()
}

/// `GET /orgs/{org}/private-registries?per_page={per_page}&page=k`, one mock per page
/// (an empty list is one page), with GitHub's `total_count` and `Link` header
/// (`rel="next"`, `"last"`, `"first"`, `"prev"`, pointing at this server). Page 1 also
/// answers a request without `page`; `per_page` may be omitted only when it is GitHub's
/// default, 30. Each page expects one request: assert them all with [`Mocks::assert`].
pub fn list(server: &mut Server, org: &str, configs: &[Value], per_page: usize) -> Mocks {
    let path = format!("/orgs/{org}/private-registries");
    let total = configs.len();
    paged(server, &path, configs, per_page, |items| {
        let body = json!({ "total_count": total, "configurations": items });
        openapi::assert_response_matches("GET", LIST, 200, &body);
        body
    })
}

/// `POST /orgs/{org}/private-registries`, answering 201 with the configuration GitHub would
/// create from the body: its fields (without `encrypted_value`/`key_id`) plus `name`,
/// `auth_type` (default `token`), `replaces_base` (default false), `created_at`, `updated_at`.
/// Each create gets a name of its own, as on GitHub: `name`, then `name_2`, `name_3`, ….
pub fn create(server: &mut Server, org: &str, name: &str) -> (Mock, Captured) {
    let name = name.to_string();
    let made = std::sync::atomic::AtomicUsize::new(0);
    body_mock(
        server,
        "POST",
        &format!("/orgs/{org}/private-registries"),
        LIST,
        201,
        move |body| {
            let n = made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let name = if n == 0 {
                name.clone()
            } else {
                format!("{name}_{}", n + 1)
            };
            created_config(&name, body).to_string().into_bytes()
        },
    )
}

/// `PATCH /orgs/{org}/private-registries/{name}`, answering 204 (no body, like GitHub).
pub fn update(server: &mut Server, org: &str, name: &str) -> (Mock, Captured) {
    body_mock(server, "PATCH", &one_path(org, name), ONE, 204, |_| {
        Vec::new()
    })
}

/// `GET /repos/{owner}/{repo}` answering a repository (valid per GitHub's schema) with `id`.
pub fn repo(server: &mut Server, owner: &str, name: &str, id: u64) -> Mock {
    let body = repository(owner, name, id, "GET", REPO);
    openapi::assert_response_matches("GET", REPO, 200, &body);
    json_mock(server, "GET", &format!("/repos/{owner}/{name}"), 200, &body)
}

/// `GET /orgs/{org}/repos?per_page=..&page=k` listing `(id, name)` repositories, paged like
/// [`list`]; other query parameters (type, sort, …) are accepted.
pub fn org_repos(server: &mut Server, org: &str, repos: &[(u64, &str)], per_page: usize) -> Mocks {
    let items: Vec<Value> = repos
        .iter()
        .map(|(id, name)| {
            let mut r = repository(org, name, *id, "GET", ORG_REPOS);
            // /orgs/{org}/repos items are "minimal repositories"; keep only declared fields.
            let item_schema =
                &openapi::response_schema("GET", ORG_REPOS, 200).expect("schema")["items"];
            if let (Some(obj), Some(props)) =
                (r.as_object_mut(), item_schema["properties"].as_object())
            {
                obj.retain(|k, _| props.contains_key(k));
            }
            r
        })
        .collect();
    paged(
        server,
        &format!("/orgs/{org}/repos"),
        &items,
        per_page,
        |page| {
            let body = Value::Array(page.to_vec());
            openapi::assert_response_matches("GET", ORG_REPOS, 200, &body);
            body
        },
    )
}

/// Catch-all mocks (every method, any path) expecting no request, answering 418 with a
/// message. Register them AFTER the expected mocks (mockito prefers the last matching mock
/// once the others have their hits), then `.assert()`: a bad-input run must make none.
pub fn unexpected(server: &mut Server) -> Mocks {
    let body = json!({ "message": "test mock: unexpected request" }).to_string();
    Mocks(
        ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
            .iter()
            .map(|method| {
                server
                    .mock(method, Matcher::Any)
                    .with_status(418)
                    .with_header("content-type", "application/json")
                    .with_body(&body)
                    .expect(0)
                    .create()
            })
            .collect(),
    )
}

/// Several mocks asserted together (pages of a list, catch-alls).
pub struct Mocks(pub Vec<Mock>);

impl Mocks {
    #[track_caller]
    pub fn assert(&self) {
        for mock in &self.0 {
            mock.assert();
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces every mock's expectation (e.g. `expect(0)` for a run that must not list).
    pub fn expect(self, hits: usize) -> Mocks {
        Mocks(self.0.into_iter().map(|m| m.expect(hits)).collect())
    }
}

impl std::ops::Index<usize> for Mocks {
    type Output = Mock;
    fn index(&self, i: usize) -> &Mock {
        &self.0[i]
    }
}

/// One request body received by a [`body_mock`].
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path_and_query: String,
    /// The body parsed as JSON (`Value::Null` when it is not JSON; see `violations`).
    pub body: Value,
    /// Schema violations, non-JSON body, wrong content type.
    pub violations: Vec<String>,
}

/// The request bodies a mock received, validated against the operation's schema.
pub struct Captured {
    received: Arc<Mutex<Vec<Received>>>,
    label: String,
}

impl Captured {
    /// Every request as received, violations included (does not fail).
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn len(&self) -> usize {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every violation, as `"request n: $.path: reason"`.
    pub fn violations(&self) -> Vec<String> {
        self.received()
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.violations
                    .iter()
                    .map(move |v| format!("request {}: {v}", i + 1))
            })
            .collect()
    }

    /// The bodies received, after asserting each matched GitHub's schema.
    #[track_caller]
    pub fn bodies(&self) -> Vec<Value> {
        self.assert_valid();
        self.received().into_iter().map(|r| r.body).collect()
    }

    /// The only body received (panics unless exactly one, valid).
    #[track_caller]
    pub fn single(&self) -> Value {
        let bodies = self.bodies();
        assert_eq!(
            bodies.len(),
            1,
            "{}: expected exactly one request body, got {bodies:#?}",
            self.label
        );
        bodies.into_iter().next().expect("one body")
    }

    #[track_caller]
    pub fn assert_valid(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "{}: request bodies do not match GitHub's schema:\n  {}\nbodies: {:#?}",
            self.label,
            violations.join("\n  "),
            self.received().iter().map(|r| &r.body).collect::<Vec<_>>()
        );
    }
}

impl Drop for Captured {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.assert_valid();
        }
    }
}

/// A `method path` mock that validates and captures JSON request bodies against the request
/// schema of `template`: valid bodies get `status` and `respond(body)`, invalid ones a
/// GitHub-like 422 listing the violations.
pub fn body_mock(
    server: &mut Server,
    method: &str,
    path: &str,
    template: &'static str,
    status: u16,
    respond: impl Fn(&Value) -> Vec<u8> + Send + Sync + 'static,
) -> (Mock, Captured) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    let method_owned = method.to_string();
    let status_method = method.to_string();
    let mock = github_headers(server.mock(method, path), TOKEN)
        .with_status_code_from_request(move |req| {
            if inspect(&status_method, template, req).1.is_empty() {
                status.into()
            } else {
                422
            }
        })
        .with_header("content-type", "application/json; charset=utf-8")
        .with_body_from_request(move |req| {
            let (body, violations) = inspect(&method_owned, template, req);
            let invalid = !violations.is_empty();
            let reply = if invalid {
                json!({
                    "message": format!("Invalid request.\n\n{}", violations.join("\n")),
                    "documentation_url": "https://docs.github.com/rest/private-registries/organization-configurations",
                    "status": "422",
                })
                .to_string()
                .into_bytes()
            } else {
                respond(&body)
            };
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(Received {
                method: req.method().to_string(),
                path_and_query: req.path_and_query().to_string(),
                body,
                violations,
            });
            reply
        })
        .create();
    let label = format!("{method} {path}");
    (mock, Captured { received, label })
}

/// Parses and validates a request body: (body or Null, violations).
fn inspect(method: &str, template: &str, req: &Request) -> (Value, Vec<String>) {
    let mut violations = Vec::new();
    let content_type = req
        .header("content-type")
        .first()
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !content_type.starts_with("application/json") {
        violations.push(format!(
            "Content-Type is {content_type:?}, expected application/json"
        ));
    }
    let raw = req.body().map(|b| b.as_slice()).unwrap_or_default();
    let body = match serde_json::from_slice::<Value>(raw) {
        Ok(body) => {
            violations.extend(openapi::request_body_violations(method, template, &body));
            body
        }
        Err(e) => {
            violations.push(format!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(raw)
            ));
            Value::Null
        }
    };
    (body, violations)
}

fn created_config(name: &str, body: &Value) -> Value {
    let schema = openapi::response_schema("POST", LIST, 201).expect("201 schema");
    let declared = schema["properties"].as_object().expect("properties");
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("auth_type".into(), json!("token"));
    out.insert("replaces_base".into(), json!(false));
    for (k, v) in body.as_object().into_iter().flatten() {
        if declared.contains_key(k) && !v.is_null() {
            out.insert(k.clone(), v.clone());
        }
    }
    out.insert("created_at".into(), json!(TIMESTAMP));
    out.insert("updated_at".into(), json!(TIMESTAMP));
    Value::Object(out)
}

fn repository(owner: &str, name: &str, id: u64, method: &str, template: &str) -> Value {
    let schema = openapi::response_schema(method, template, 200).expect("repo schema");
    let schema = if schema["type"] == "array" {
        &schema["items"]
    } else {
        schema
    };
    let mut repo = openapi::minimal_instance(schema);
    repo["id"] = json!(id);
    repo["node_id"] = json!(format!("R_{id}"));
    repo["name"] = json!(name);
    repo["full_name"] = json!(format!("{owner}/{name}"));
    repo["private"] = json!(true);
    if repo.get("owner").is_some_and(Value::is_object) {
        repo["owner"]["login"] = json!(owner);
    }
    repo
}

fn one_path(org: &str, name: &str) -> String {
    format!("/orgs/{org}/private-registries/{name}")
}

fn json_mock(server: &mut Server, method: &str, path: &str, status: u16, body: &Value) -> Mock {
    github_headers(server.mock(method, path), TOKEN)
        .with_status(status.into())
        .with_header("content-type", "application/json; charset=utf-8")
        .with_body(body.to_string())
        .create()
}

fn paged(
    server: &mut Server,
    path: &str,
    items: &[Value],
    per_page: usize,
    page_body: impl Fn(&[Value]) -> Value,
) -> Mocks {
    assert!((1..=100).contains(&per_page), "per_page must be 1..=100");
    let pages: Vec<&[Value]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page).collect()
    };
    let last = pages.len();
    let base = server.url();
    let link = |page: usize| format!("<{base}{path}?per_page={per_page}&page={page}>");
    let mut mocks = Vec::new();
    for (i, page_items) in pages.iter().enumerate() {
        let page = i + 1;
        let mut rels = Vec::new();
        if page > 1 {
            rels.push(format!("{}; rel=\"prev\"", link(page - 1)));
        }
        if page < last {
            rels.push(format!("{}; rel=\"next\"", link(page + 1)));
            rels.push(format!("{}; rel=\"last\"", link(last)));
        }
        if page > 1 {
            rels.push(format!("{}; rel=\"first\"", link(1)));
        }
        let body = page_body(page_items);
        let mut mock = github_headers(server.mock("GET", path), TOKEN)
            .match_query(Matcher::Any)
            .match_request(move |req| query_selects(req.path_and_query(), per_page, page))
            .with_status(200)
            .with_header("content-type", "application/json; charset=utf-8")
            .with_body(body.to_string());
        if !rels.is_empty() {
            mock = mock.with_header("link", &rels.join(", "));
        }
        mocks.push(mock.create());
    }
    Mocks(mocks)
}

/// Whether a query asks for `page` of size `per_page` (page 1 may omit `page`; `per_page`
/// may be omitted when it is GitHub's default, 30).
fn query_selects(path_and_query: &str, per_page: usize, page: usize) -> bool {
    let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let per_page_ok = match param("per_page") {
        Some(v) => v == per_page.to_string(),
        None => per_page == 30,
    };
    let page_ok = match param("page") {
        Some(v) => v == page.to_string(),
        None => page == 1,
    };
    per_page_ok && page_ok
}
