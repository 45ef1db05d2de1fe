//! The only file that does HTTP: a small client for the org private-registries endpoints and
//! the repository look-up, with GitHub's error bodies decoded into [`ApiError`].

use std::cell::Cell;
use std::fmt;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use serde_json::Value;

use crate::inputs::Connection;
use crate::types::{ConfigName, Org, RepoName, Secret};

/// Identifies us to GitHub, as its API guidelines ask.
pub const USER_AGENT: &str = concat!(
    "private-registries/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/private-registries/private-registries-action)"
);

/// Responses larger than this are refused rather than buffered (a page of 100 is ~100 KiB).
const MAX_BODY: u64 = 8 * 1024 * 1024;

/// The most pages `list_all` reads (100 each), so a server that never stops cannot loop us.
const MAX_PAGES: u32 = 1_000;

/// The org's public key for sealing secrets.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicKey {
    pub key_id: String,
    pub key: String,
}

/// One page, or all pages, of configurations as GitHub reports them.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    pub total_count: u64,
    pub configurations: Vec<Value>,
}

/// A non-success answer from GitHub, with what its body said.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub message: Option<String>,
    pub documentation_url: Option<String>,
    /// Field errors, already rendered (`field: code (message)`).
    pub errors: Vec<String>,
    pub hint: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} answered {}", self.method, self.path, self.status)?;
        if let Some(reason) = reason(self.status) {
            write!(f, " {reason}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if !self.errors.is_empty() {
            write!(f, " [{}]", self.errors.join("; "))?;
        }
        if let Some(d) = &self.documentation_url {
            write!(f, " (see {d})")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

fn reason(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// A response as read off the wire: status and body text (bounded by [`MAX_BODY`]).
struct Response {
    status: u16,
    body: String,
}

/// A client for one org; every request counts towards [`Client::requests`].
pub struct Client {
    agent: ureq::Agent,
    base: String,
    org: Org,
    token: Secret,
    requests: Cell<u32>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("org", &self.org)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the one agent of the run (keep-alive reused for every request).
    pub fn new(conn: &Connection) -> Result<Self> {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .accept("application/vnd.github+json")
            .timeout_connect(Some(conn.request_timeout))
            .timeout_global(Some(conn.request_timeout))
            .max_redirects(3)
            .build();
        Ok(Client {
            agent: config.new_agent(),
            base: conn.api_url.as_str().trim_end_matches('/').to_string(),
            org: conn.org.clone(),
            token: conn.token.clone(),
            requests: Cell::new(0),
        })
    }

    /// How many requests this client has sent.
    pub fn requests(&self) -> u32 {
        self.requests.get()
    }

    pub fn org(&self) -> &Org {
        &self.org
    }

    fn registries_path(&self) -> String {
        format!("/orgs/{}/private-registries", self.org)
    }

    fn send(&self, method: &'static str, path: &str, body: Option<&Value>) -> Result<Response> {
        let url = format!("{}{}", self.base, path);
        self.requests.set(self.requests.get() + 1);
        let auth = format!("Bearer {}", self.token.expose());
        let result = match body {
            Some(body) => {
                let data = serde_json::to_vec(body).context("serialising the request body")?;
                let req = match method {
                    "POST" => self.agent.post(&url),
                    "PATCH" => self.agent.patch(&url),
                    _ => return Err(anyhow!("internal: {method} cannot carry a body")),
                };
                req.header("Authorization", &auth)
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .content_type("application/json")
                    .send(&data[..])
            }
            None => {
                let req = match method {
                    "GET" => self.agent.get(&url),
                    "DELETE" => self.agent.delete(&url),
                    _ => return Err(anyhow!("internal: {method} needs a body")),
                };
                req.header("Authorization", &auth)
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .call()
            }
        };
        let mut response = result.map_err(|e| transport_error(method, path, e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    anyhow!(
                        "{method} {path}: the response body is larger than {} MiB; refused",
                        MAX_BODY >> 20
                    )
                }
                e => transport_error(method, path, e),
            })?;
        Ok(Response { status, body })
    }

    /// Sends a request and decodes a success body as `T`, or turns a failure into [`ApiError`].
    fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        hint_404: &str,
    ) -> Result<T> {
        let response = self.send(method, path, body)?;
        if !(200..300).contains(&response.status) {
            return Err(api_error(method, path, &response, hint_404).into());
        }
        serde_json::from_str(&response.body).map_err(|e| {
            anyhow!(
                "{method} {path} answered {} but the body is not the JSON the API describes ({e}; {} bytes)",
                response.status,
                response.body.len()
            )
        })
    }

    /// Sends a request whose success has no body (PATCH, DELETE: 204).
    fn no_content(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        hint_404: &str,
    ) -> Result<()> {
        let response = self.send(method, path, body)?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(api_error(method, path, &response, hint_404).into())
        }
    }

    fn org_hint(&self) -> String {
        format!(
            "check that the org `{}` exists and the token can see it; GHES needs 3.17 or later for private registries",
            self.org
        )
    }

    fn name_hint(&self, name: &ConfigName) -> String {
        format!(
            "no configuration named `{name}` in org `{}`; names are as operation list reports them (e.g. NPM_REGISTRY_SECRET)",
            self.org
        )
    }

    /// `GET /orgs/{org}/private-registries/public-key`
    pub fn public_key(&self) -> Result<PublicKey> {
        let path = format!("{}/public-key", self.registries_path());
        self.json("GET", &path, None, &self.org_hint())
    }

    /// `GET /orgs/{org}/private-registries?per_page=&page=`
    pub fn list_page(&self, per_page: u32, page: u32) -> Result<Page> {
        let path = format!("{}?per_page={per_page}&page={page}", self.registries_path());
        self.json("GET", &path, None, &self.org_hint())
    }

    /// Every configuration, 100 a request: ⌈n/100⌉ requests (one when there are none).
    pub fn list_all(&self) -> Result<Page> {
        self.list_all_by(100)
    }

    /// Every configuration, `per_page` a request.
    pub fn list_all_by(&self, per_page: u32) -> Result<Page> {
        let mut all = Vec::new();
        let mut total = 0;
        for page in 1..=MAX_PAGES {
            let p = self.list_page(per_page, page)?;
            total = p.total_count;
            let got = p.configurations.len();
            all.extend(p.configurations);
            if got < per_page as usize || all.len() as u64 >= total {
                return Ok(Page {
                    total_count: total.max(all.len() as u64),
                    configurations: all,
                });
            }
        }
        Err(anyhow!(
            "listing stopped after {MAX_PAGES} pages ({} configurations, {total} reported); the server keeps paging",
            all.len()
        ))
    }

    /// `GET /orgs/{org}/private-registries/{name}`
    pub fn get(&self, name: &ConfigName) -> Result<Value> {
        let path = format!("{}/{name}", self.registries_path());
        self.json("GET", &path, None, &self.name_hint(name))
    }

    /// `POST /orgs/{org}/private-registries`: returns the configuration GitHub created.
    pub fn create(&self, body: &Value) -> Result<Value> {
        let path = self.registries_path();
        self.json("POST", &path, Some(body), &self.org_hint())
    }

    /// `PATCH /orgs/{org}/private-registries/{name}` (204, no body).
    pub fn update(&self, name: &ConfigName, body: &Value) -> Result<()> {
        let path = format!("{}/{name}", self.registries_path());
        self.no_content("PATCH", &path, Some(body), &self.name_hint(name))
    }

    /// `DELETE /orgs/{org}/private-registries/{name}` (204).
    pub fn delete(&self, name: &ConfigName) -> Result<()> {
        let path = format!("{}/{name}", self.registries_path());
        self.no_content("DELETE", &path, None, &self.name_hint(name))
    }

    /// `GET /repos/{org}/{repo}`: the repository's numeric id.
    pub fn repository_id(&self, repo: &RepoName) -> Result<u64> {
        #[derive(Deserialize)]
        struct Repo {
            id: u64,
        }
        let path = format!("/repos/{}/{repo}", self.org);
        let hint = format!(
            "no repository `{repo}` in org `{}` visible to this token",
            self.org
        );
        let r: Repo = self.json("GET", &path, None, &hint)?;
        Ok(r.id)
    }
}

/// A failure before any status arrived; says what happened without the URL's credentials.
fn transport_error(method: &str, path: &str, e: ureq::Error) -> anyhow::Error {
    let what = match &e {
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::ConnectionFailed => "could not connect".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::Io(io) => format!("connection error: {io}"),
        other => other.to_string(),
    };
    anyhow!("{method} {path}: {what}")
}

/// Decodes GitHub's error body (`message`, `errors`, `documentation_url`), JSON or not.
fn api_error(method: &'static str, path: &str, response: &Response, hint_404: &str) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        message: Option<String>,
        documentation_url: Option<String>,
        #[serde(default)]
        errors: Vec<Value>,
    }
    let parsed: Option<Body> = serde_json::from_str(&response.body).ok();
    let (message, documentation_url, errors) = match parsed {
        Some(b) => (
            b.message,
            b.documentation_url,
            b.errors.iter().map(field_error).collect(),
        ),
        None => {
            let text = response.body.trim();
            let message = if text.is_empty() {
                Some("(empty body)".to_string())
            } else if text.starts_with('<') {
                Some(
                    "(an HTML page, not the API's JSON; a proxy or GitHub's front end answered)"
                        .to_string(),
                )
            } else {
                Some(crate::types::shorten(&text.replace(['\r', '\n'], " ")))
            };
            (message, None, Vec::new())
        }
    };
    let hint = match response.status {
        401 => Some("the token was refused; check that it is valid, not expired, and passed as `token`".to_string()),
        403 => Some(
            "the token lacks permission: a classic PAT needs the admin:org scope; a GitHub App or fine-grained token needs the organization permission \"Private registries\" (read and write) and must be allowed by the org"
                .to_string(),
        ),
        404 => Some(hint_404.to_string()),
        _ => None,
    };
    ApiError {
        method,
        path: path.split('?').next().unwrap_or(path).to_string(),
        status: response.status,
        message,
        documentation_url,
        errors,
        hint,
    }
}

fn field_error(e: &Value) -> String {
    match e {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let get = |k: &str| o.get(k).and_then(Value::as_str);
            let mut s = get("field")
                .or(get("resource"))
                .unwrap_or("request")
                .to_string();
            if let Some(code) = get("code") {
                s.push_str(&format!(": {code}"));
            }
            if let Some(m) = get("message") {
                s.push_str(&format!(" ({m})"));
            }
            s
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            body: body.to_string(),
        }
    }

    #[test]
    fn github_error_bodies_are_decoded() {
        let r = response(
            422,
            r#"{"message":"Validation Failed","errors":[{"resource":"PrivateRegistry","field":"url","code":"invalid","message":"is not a URL"}],"documentation_url":"https://docs.github.com/rest"}"#,
        );
        let e = api_error("POST", "/orgs/acme/private-registries", &r, "").to_string();
        assert_eq!(
            e,
            "POST /orgs/acme/private-registries answered 422 Unprocessable Entity: Validation Failed [url: invalid (is not a URL)] (see https://docs.github.com/rest)"
        );
    }

    #[test]
    fn html_and_empty_bodies_still_say_the_status() {
        let e = api_error(
            "GET",
            "/x?page=2",
            &response(502, "<html>Bad gateway</html>"),
            "",
        )
        .to_string();
        assert!(
            e.starts_with("GET /x answered 502 Bad Gateway: (an HTML page"),
            "{e}"
        );
        let e = api_error("GET", "/x", &response(500, ""), "").to_string();
        assert!(e.contains("500 Internal Server Error: (empty body)"), "{e}");
    }

    #[test]
    fn permission_failures_carry_hints() {
        let e = api_error(
            "GET",
            "/x",
            &response(
                403,
                r#"{"message":"Resource not accessible by integration"}"#,
            ),
            "",
        )
        .to_string();
        assert!(
            e.contains("admin:org") && e.contains("Private registries"),
            "{e}"
        );
        let e = api_error(
            "GET",
            "/x",
            &response(404, r#"{"message":"Not Found"}"#),
            "no such name",
        )
        .to_string();
        assert!(e.ends_with("hint: no such name"), "{e}");
    }
}
