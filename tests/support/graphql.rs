//! GitHub's GraphQL API, for the fault server: every query is validated against GitHub's
//! published schema (octokit/graphql-schema, `tests/fixtures/github-schema.graphql`), so a
//! query GitHub would refuse fails here too; `first` is held to GitHub's limit of 100; the
//! organization's repositories are answered from the server's store, 100 a page at most, with
//! each one's dependabot.yml.

use std::sync::OnceLock;

use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use serde_json::{Value, json};

/// A repository as the GraphQL store holds it.
#[derive(Debug, Clone, Default)]
pub struct RepoFixture {
    pub name: String,
    pub private: bool,
    pub archived: bool,
    pub fork: bool,
    /// `.github/dependabot.yml`'s text.
    pub dependabot: Option<String>,
    /// GitHub calls the file binary (no text).
    pub binary: bool,
    /// GitHub cuts the file (too large).
    pub truncated: bool,
}

fn schema() -> &'static Valid<Schema> {
    static SCHEMA: OnceLock<Valid<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let sdl = include_str!("../fixtures/github-schema.graphql");
        match Schema::parse_and_validate(sdl, "github-schema.graphql") {
            Ok(s) => s,
            // GitHub's published schema has a couple of findings of its own; the types are whole.
            Err(e) => Valid::assume_valid(e.partial),
        }
    })
}

fn error(message: &str) -> (u16, Value) {
    (200, json!({ "errors": [{ "message": message }] }))
}

/// What GitHub would answer to `POST /graphql` with `body`.
pub fn answer(body: &str, org: &str, repos: &[RepoFixture]) -> (u16, Value) {
    let Ok(request) = serde_json::from_str::<Value>(body) else {
        return (400, json!({ "message": "Problems parsing JSON" }));
    };
    let query = request["query"].as_str().unwrap_or("");
    if let Err(e) = ExecutableDocument::parse_and_validate(schema(), query, "query.graphql") {
        let first = e.errors.to_string();
        return error(first.lines().next().unwrap_or("invalid query"));
    }
    if let Some(n) = first_over_limit(query) {
        return error(&format!(
            "Requesting {n} records on the `repositories` connection exceeds the `first` limit of 100 records."
        ));
    }
    let vars = &request["variables"];
    if vars["org"].as_str() != Some(org) {
        return (
            200,
            json!({ "data": { "organization": null }, "errors": [{ "type": "NOT_FOUND", "path": ["organization"], "message": format!("Could not resolve to an Organization with the login of '{}'.", vars["org"].as_str().unwrap_or("")) }] }),
        );
    }
    let start: usize = vars["after"]
        .as_str()
        .and_then(|c| c.strip_prefix("cursor:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = repos.iter().skip(start).take(100).map(node).collect();
    let end = start + page.len();
    (
        200,
        json!({ "data": { "organization": { "repositories": {
            "totalCount": repos.len(),
            "pageInfo": { "hasNextPage": end < repos.len(), "endCursor": format!("cursor:{end}") },
            "nodes": page,
        } } } }),
    )
}

/// The `first:` of the query, when it asks for more than 100.
fn first_over_limit(query: &str) -> Option<u64> {
    query
        .split("first:")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .find(|n| *n > 100)
}

fn node(r: &RepoFixture) -> Value {
    let blob = r.dependabot.as_ref().map(|text| {
        json!({
            "text": if r.binary { Value::Null } else { json!(text) },
            "isBinary": r.binary,
            "isTruncated": r.truncated,
            "byteSize": text.len(),
        })
    });
    json!({
        "name": r.name,
        "isArchived": r.archived,
        "isFork": r.fork,
        "isPrivate": r.private,
        "isEmpty": false,
        "yml": blob,
        "yaml": null,
    })
}
