//! GitHub's GraphQL API, for what REST would take a request per repository for: the org's
//! repositories 100 at a time, each with its dependabot.yml. Sent as JSON through the same
//! client (retries, size bounds, redirect rules, token); the answer is decoded into typed
//! structs, its `errors` are this tool's errors, and a rate limit is waited out within
//! `max_wait` like any other.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

use super::WriteError;
use super::decode::decode;
use super::judge::Call;
use super::transport::GRAPHQL;
use super::{Client, retry, to_json};
use crate::model::discovery::{RepositoryFiles, RepositoryPage};
use crate::model::{Org, text};

/// The most repositories read: 100 pages of 100.
pub const MAX_REPOSITORY_PAGES: usize = 100;

/// One page of the org's repositories, each with its dependabot.yml or .yaml on the default
/// branch. `first: 100` is GraphQL's limit.
pub const REPOSITORIES: &str = r#"query($org: String!, $after: String) {
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: {field: NAME, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        isArchived
        isFork
        isPrivate
        yml: object(expression: "HEAD:.github/dependabot.yml") { ... on Blob { text isBinary isTruncated byteSize } }
        yaml: object(expression: "HEAD:.github/dependabot.yaml") { ... on Blob { text isBinary isTruncated byteSize } }
      }
    }
  }
}"#;

#[derive(Deserialize)]
struct Envelope {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

#[derive(Deserialize)]
struct Data {
    organization: Option<Organization>,
}

#[derive(Deserialize)]
struct Organization {
    repositories: RepositoryPage,
}

#[derive(Deserialize)]
struct GraphqlError {
    #[serde(default)]
    message: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

impl Client {
    /// Every repository of `org` with its dependabot.yml: ⌈n/100⌉ requests.
    pub fn repositories_with_files(&self, org: &Org) -> Result<Vec<RepositoryFiles>> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_REPOSITORY_PAGES {
            let page = self.repository_page(org, after.as_deref())?;
            all.extend(page.nodes.into_iter().flatten());
            match (page.page_info.has_next_page, page.page_info.end_cursor) {
                (true, Some(cursor)) if after.as_deref() != Some(cursor.as_str()) => {
                    after = Some(cursor);
                }
                (true, _) => bail!(
                    "GraphQL: the repositories of `{org}` page without moving on; the listing cannot be trusted, so nothing was proposed"
                ),
                (false, _) => return Ok(all),
            }
        }
        Err(anyhow!(
            "GraphQL: the repositories of `{org}` go past {} pages of 100; this tool reads at most that",
            MAX_REPOSITORY_PAGES
        ))
    }

    fn repository_page(&self, org: &Org, after: Option<&str>) -> Result<RepositoryPage> {
        let body = serde_json::json!({
            "query": REPOSITORIES,
            "variables": { "org": org.to_string(), "after": after },
        });
        let data = to_json(&body)?;
        let hint =
            "the GraphQL API is not there; on GHES it is /api/graphql beside /api/v3".to_string();
        let call = Call {
            method: "POST",
            path: GRAPHQL,
            hint_404: &hint,
        };
        for attempt in 1..=2 {
            let response = self
                .call(&call, Some(&data))
                .map_err(WriteError::into_anyhow)?;
            let envelope: Envelope = decode("POST", GRAPHQL, &response)?;
            if let Some(limited) = envelope
                .errors
                .iter()
                .find(|e| e.kind.as_deref() == Some("RATE_LIMITED"))
            {
                let wait = retry::rate_limit_wait(
                    retry::Limit::Primary,
                    &response.rate,
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default(),
                    0,
                );
                if attempt == 2 || wait > self.policy.max_wait {
                    bail!(
                        "GraphQL: rate limited ({}); waiting {} would pass max_wait ({})",
                        text::escape(&limited.message),
                        retry::secs(wait),
                        retry::secs(self.policy.max_wait)
                    );
                }
                self.notice(format!(
                    "GraphQL rate limit; waiting {} before asking again",
                    retry::secs(wait)
                ));
                if self.cancel.sleep(wait.max(Duration::from_secs(1))) {
                    bail!("GraphQL: {}", self.cancelled());
                }
                continue;
            }
            return page_of(org, envelope);
        }
        bail!("GraphQL: rate limited on every attempt; run again later")
    }
}

/// The page, or GraphQL's errors as this tool's (their messages escaped, never raw).
fn page_of(org: &Org, envelope: Envelope) -> Result<RepositoryPage> {
    if let Some(Data {
        organization: Some(o),
    }) = envelope.data
        && envelope.errors.is_empty()
    {
        return Ok(o.repositories);
    }
    if envelope
        .errors
        .iter()
        .any(|e| e.kind.as_deref() == Some("NOT_FOUND"))
    {
        bail!("GraphQL: no org `{org}` visible to this token");
    }
    let messages: Vec<String> = envelope
        .errors
        .iter()
        .take(3)
        .map(|e| text::escape(&e.message).into_owned())
        .collect();
    if messages.is_empty() {
        bail!("GraphQL answered without the org's repositories and without an error");
    }
    bail!("GraphQL answered with errors: {}", messages.join("; "))
}
