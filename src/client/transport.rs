//! One HTTP exchange, no retry: the request with its headers, the answer read within bounds,
//! and any failure before a complete answer described without the URL or a header.
//!
//! Redirects are never followed by ureq: a GET follows one here only when it stays on the
//! origin of the API URL (same scheme, host and port), so the token never leaves it and no
//! answer from elsewhere is believed. Writes never follow one.

use std::time::Duration;

use anyhow::anyhow;
use zeroize::Zeroizing;

use super::retry::{self, RateHeaders};
use super::tls::is_tls_failure;
use crate::model::Secret;
use crate::model::types::origin_of;

/// Responses larger than this are refused rather than buffered (a page of 100 is ~50 KB).
pub const MAX_BODY: u64 = 8 * 1024 * 1024;

/// The most response header bytes read.
pub const MAX_HEADERS: usize = 16 * 1024;

/// The path that stands for the GraphQL endpoint: `/api/graphql` beside a GHES `/api/v3`,
/// `/graphql` below any other base (see [`Wire::url_of`]).
pub const GRAPHQL: &str = "/graphql";

/// The most same-origin redirects one GET follows.
const MAX_REDIRECTS: u32 = 3;

/// A response as read off the wire: status, rate-limit headers and body (bounded by
/// [`MAX_BODY`]).
pub struct Response {
    pub status: u16,
    pub rate: RateHeaders,
    pub body: String,
    /// `x-oauth-scopes` and `x-accepted-oauth-scopes`, when sent.
    pub scopes: Option<(String, String)>,
    /// The page number of the `Link` header's `rel="last"`, when sent.
    pub last_page: Option<u32>,
    /// The page number of the `Link` header's `rel="next"`, when sent.
    pub next_page: Option<u32>,
}

/// A failure before a complete answer arrived (connection, timeout, TLS, oversized body).
pub struct Transport {
    pub error: anyhow::Error,
    /// Worth another attempt (connection trouble, timeouts), unlike TLS or size failures.
    pub retryable: bool,
    /// The request may have reached GitHub, so a create's outcome is unknown.
    pub maybe_sent: bool,
    /// No complete answer within `request_timeout` after sending: GitHub may still be
    /// applying it.
    pub timed_out: bool,
}

impl Transport {
    fn fatal(error: anyhow::Error, maybe_sent: bool) -> Self {
        Transport {
            error,
            retryable: false,
            maybe_sent,
            timed_out: false,
        }
    }
}

/// What the exchanges of one client share.
pub struct Wire {
    pub agent: ureq::Agent,
    pub base: String,
    /// The token sent: the run's, or (signed in as an App) the JWT, then the org's own.
    pub token: std::cell::RefCell<Secret>,
    /// The REST API version sent; lowered once if the server does not know it (GHES).
    pub api_version: std::cell::Cell<&'static str>,
    pub request_timeout: Duration,
}

impl Wire {
    /// One request to `path` (below the base URL); a GET follows same-origin redirects.
    pub fn send_once(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Response, Transport> {
        let mut url = self.url_of(path);
        for _ in 0..=MAX_REDIRECTS {
            let response = self.exchange(method, path, &url, body)?;
            if !is_redirect(response.status().as_u16()) {
                return self.read(method, path, response);
            }
            url = self.redirect_target(method, path, &response)?;
        }
        Err(Transport::fatal(
            anyhow!(
                "{method} {}: more than {MAX_REDIRECTS} redirects; not followed further",
                strip_query(path)
            ),
            false,
        ))
    }

    /// The URL of `path`: below the REST base, except GraphQL's endpoint, which on GHES sits
    /// beside `/api/v3` (`/api/graphql`) and elsewhere below the base (`/graphql`).
    fn url_of(&self, path: &str) -> String {
        if path == GRAPHQL
            && let Some(host) = self.base.strip_suffix("/api/v3")
        {
            return format!("{host}/api/graphql");
        }
        format!("{}{}", self.base, path)
    }

    /// Where a redirect points, if it may be followed: a GET, to the API's own origin.
    fn redirect_target(
        &self,
        method: &str,
        path: &str,
        response: &ureq::http::Response<ureq::Body>,
    ) -> Result<String, Transport> {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .trim();
        let target = if location.starts_with('/') && !location.starts_with("//") {
            format!("{}{location}", origin_of(&self.base).unwrap_or_default())
        } else {
            location.to_string()
        };
        let same_origin =
            origin_of(&target).is_some() && origin_of(&target) == origin_of(&self.base);
        let shown = crate::model::types::shorten(strip_query(&target));
        // A redirect is an answer: the server did not apply the request where it was sent.
        let refuse = |why: &str| {
            Transport::fatal(
                anyhow!(
                    "{method} {} answered {status}, a redirect to {shown:?}; {why}",
                    strip_query(path)
                ),
                false,
            )
        };
        if method != "GET" {
            return Err(refuse(
                "writes never follow a redirect, so it was not applied there",
            ));
        }
        if !same_origin {
            return Err(refuse(
                "it leaves the API's origin, so it was not followed (the token stays with the API URL you gave)",
            ));
        }
        Ok(target)
    }

    /// Sends the request; `Err` when no answer arrived.
    fn exchange(
        &self,
        method: &'static str,
        path: &str,
        url: &str,
        body: Option<&[u8]>,
    ) -> Result<ureq::http::Response<ureq::Body>, Transport> {
        let auth = Zeroizing::new(format!("Bearer {}", self.token.borrow().expose()));
        let result = match (method, body) {
            ("POST", Some(data)) => self.with_body(self.agent.post(url), &auth, data),
            ("PATCH", Some(data)) => self.with_body(self.agent.patch(url), &auth, data),
            ("GET", None) => self.without_body(self.agent.get(url), &auth),
            ("DELETE", None) => self.without_body(self.agent.delete(url), &auth),
            _ => {
                return Err(Transport::fatal(
                    anyhow!("internal: {method} with the wrong kind of body"),
                    false,
                ));
            }
        };
        result.map_err(|e| self.transport(method, path, e, false))
    }

    fn with_body(
        &self,
        req: ureq::RequestBuilder<ureq::typestate::WithBody>,
        auth: &str,
        data: &[u8],
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        req.header("Authorization", auth)
            .header("X-GitHub-Api-Version", self.api_version.get())
            .content_type("application/json")
            .send(data)
    }

    fn without_body(
        &self,
        req: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
        auth: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        req.header("Authorization", auth)
            .header("X-GitHub-Api-Version", self.api_version.get())
            .call()
    }

    /// Reads status, headers and the body (bounded) of an answer.
    fn read(
        &self,
        method: &'static str,
        path: &str,
        mut response: ureq::http::Response<ureq::Body>,
    ) -> Result<Response, Transport> {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let rate = RateHeaders {
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
        };
        let scopes = header("x-oauth-scopes")
            .map(|have| (have, header("x-accepted-oauth-scopes").unwrap_or_default()));
        let link = header("link");
        let last_page = link.as_deref().and_then(|l| link_page(l, "last"));
        let next_page = link.as_deref().and_then(|l| link_page(l, "next"));
        if let Some(encoding) =
            header("content-encoding").filter(|e| !e.eq_ignore_ascii_case("identity"))
        {
            return Err(unasked_encoding(method, path, status, &encoding));
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => Transport::fatal(
                    anyhow!(
                        "{method} {}: the response ({status}) is larger than {} MiB; refused",
                        strip_query(path),
                        MAX_BODY >> 20
                    ),
                    true,
                ),
                e => self.transport(method, path, e, true),
            })?;
        Ok(Response {
            status,
            rate,
            body,
            scopes,
            last_page,
            next_page,
        })
    }

    /// Describes a failure before a complete answer, without the URL or any header.
    fn transport(&self, method: &str, path: &str, e: ureq::Error, answered: bool) -> Transport {
        let (what, retryable, maybe_sent) = describe(&e, self.request_timeout, answered);
        let timed_out = matches!(
            e,
            ureq::Error::Timeout(t) if !matches!(t, ureq::Timeout::Resolve | ureq::Timeout::Connect)
        );
        Transport {
            error: anyhow!("{method} {}: {what}", strip_query(path)),
            retryable,
            maybe_sent: maybe_sent || answered,
            timed_out,
        }
    }
}

/// The `page` of the link with this `rel` in a `Link` header.
fn link_page(link: &str, rel: &str) -> Option<u32> {
    let rel = format!("rel=\"{rel}\"");
    link.split(',')
        .find(|part| part.contains(&rel))
        .and_then(|part| {
            let url = part.split(['<', '>']).nth(1)?;
            let query = url.split_once('?')?.1;
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))?
                .parse()
                .ok()
        })
}

/// A path without its query, as messages name a request.
pub fn strip_query(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// The statuses that carry a `location` to go to instead.
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

const TLS_HINT: &str = "for GHES behind a private CA, pass that CA as ca_certificate";

/// What went wrong, whether to retry, and whether the request may have been applied.
fn describe(e: &ureq::Error, request_timeout: Duration, answered: bool) -> (String, bool, bool) {
    let timeout = retry::secs(request_timeout);
    match e {
        ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => (
            format!("could not connect within {timeout} (request_timeout)"),
            true,
            false,
        ),
        ureq::Error::Timeout(_) => (
            format!("timed out after {timeout} (request_timeout) without a complete answer"),
            true,
            true,
        ),
        ureq::Error::ConnectionFailed => ("could not connect".to_string(), true, false),
        ureq::Error::HostNotFound => ("host not found".to_string(), true, false),
        ureq::Error::Io(io) if is_tls_failure(io) => {
            (format!("TLS failed: {io}; {TLS_HINT}"), false, false)
        }
        ureq::Error::Io(io) => (
            format!("connection error: {io}"),
            true,
            !matches!(io.kind(), std::io::ErrorKind::ConnectionRefused),
        ),
        ureq::Error::Protocol(p) => (
            format!("the connection broke off or the answer is not HTTP ({p})"),
            true,
            true,
        ),
        ureq::Error::LargeResponseHeader(..) => (
            format!(
                "the response headers are larger than {} KiB; refused",
                MAX_HEADERS >> 10
            ),
            false,
            true,
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            (format!("TLS failed: {e}; {TLS_HINT}"), false, false)
        }
        other => (other.to_string(), false, answered),
    }
}

/// An answer compressed without being asked (`Accept-Encoding` is never sent): refused as
/// malformed at once, never retried as a connection error.
fn unasked_encoding(method: &str, path: &str, status: u16, encoding: &str) -> Transport {
    Transport::fatal(
        anyhow!(
            "{method} {}: the response ({status}) is `{}`-encoded, which was not asked for; refused as malformed",
            strip_query(path),
            crate::model::text::escape(encoding)
        ),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_is_read_from_the_link_header() {
        let link = "<https://api.github.com/organizations/1/repos?per_page=100&page=2>; rel=\"next\", <https://api.github.com/organizations/1/repos?per_page=100&page=7>; rel=\"last\"";
        assert_eq!(link_page(link, "last"), Some(7));
        assert_eq!(link_page(link, "next"), Some(2));
        assert_eq!(
            link_page("<https://x/y?page=2>; rel=\"next\"", "last"),
            None
        );
    }
}
