//! The only file that does HTTP: a small client for the org private-registries endpoints and
//! the repository look-up, with GitHub's error bodies decoded into [`ApiError`], retries and
//! rate limits per [`crate::retry`], never-duplicated creates, and the `ca_certificate` roots.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use serde_json::Value;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, parse_pem};
use zeroize::Zeroizing;

use crate::inputs::{Connection, InputError};
use crate::outputs::notice;
use crate::retry::{self, Limit, Policy, RateHeaders, Retry};
use crate::types::{ConfigName, Org, RepoName, Secret, normalize_url};

/// Identifies us to GitHub, as its API guidelines ask: the project and its version.
pub const USER_AGENT: &str = concat!("private-registries/", env!("CARGO_PKG_VERSION"));

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

/// A response as read off the wire: status, rate-limit headers and body (bounded by
/// [`MAX_BODY`]).
struct Response {
    status: u16,
    rate: RateHeaders,
    body: String,
}

/// A failure before a complete answer arrived (connection, timeout, TLS, oversized body).
struct Transport {
    error: anyhow::Error,
    /// Worth another attempt (connection trouble, timeouts), unlike TLS or size failures.
    retryable: bool,
    /// The request may have reached GitHub, so a create's outcome is unknown.
    maybe_sent: bool,
}

/// Where one request is in its attempts.
struct Tries {
    /// The attempt being judged, from 1.
    attempt: u32,
    started: Instant,
    /// Secondary-limit waits so far without `retry-after` (each doubles the next).
    secondary_waits: u32,
}

impl Tries {
    fn new() -> Self {
        Tries {
            attempt: 1,
            started: Instant::now(),
            secondary_waits: 0,
        }
    }
}

/// What to do after one attempt.
enum Step {
    Done(Response),
    Retry {
        retry: Retry,
        why: String,
        /// The attempt may have been applied (a create must look before it retries).
        unknown: bool,
    },
    Fail {
        error: anyhow::Error,
        unknown: bool,
    },
}

/// A client for one org.
///
/// Every request is retried per [`crate::retry`]: GET, PATCH and DELETE as they are (they are
/// idempotent), POST only after listing shows the configuration was not created.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    org: Org,
    token: Secret,
    policy: Policy,
    request_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("org", &self.org)
            .finish_non_exhaustive()
    }
}

/// The certificates of a `ca_certificate` input, checked to be usable as trust anchors.
///
/// Refuses text without a certificate, PEM that does not decode, certificates that do not
/// parse, and private keys (a key pasted by mistake must not be sent anywhere or kept).
pub fn extra_roots(pem: &str) -> Result<Vec<Certificate<'static>>, String> {
    let mut certs = Vec::new();
    for (i, item) in parse_pem(pem.as_bytes()).enumerate() {
        match item {
            Ok(PemItem::Certificate(cert)) => {
                let der = rustls::pki_types::CertificateDer::from(cert.der().to_vec());
                rustls::RootCertStore::empty().add(der).map_err(|e| {
                    format!("PEM block {} is not a usable CA certificate ({e})", i + 1)
                })?;
                certs.push(cert);
            }
            Ok(PemItem::PrivateKey(_)) => {
                return Err(
                    "contains a private key; pass only the CA certificate(s), never a key"
                        .to_string(),
                );
            }
            Ok(_) => {}
            Err(e) => return Err(format!("PEM block {} does not decode ({e})", i + 1)),
        }
    }
    if certs.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string());
    }
    Ok(certs)
}

/// The roots to trust: the built-in Mozilla roots (as webpki-roots has them), plus `extra`.
///
/// ureq takes one list of root certificates, so adding a CA means listing the built-in ones
/// too, in DER, which the `webpki-root-certs` crate provides (same CCADB source as ureq's
/// default `webpki-roots`).
pub fn root_certs(extra: Vec<Certificate<'static>>) -> RootCerts {
    let builtin = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()));
    RootCerts::from(builtin.chain(extra))
}

impl Client {
    /// Builds the one agent of the run (keep-alive reused for every request).
    pub fn new(conn: &Connection) -> Result<Self> {
        let mut tls = TlsConfig::builder();
        if let Some(pem) = &conn.ca_certificate {
            let extra = extra_roots(pem)
                .map_err(|e| InputError(vec![format!("input `ca_certificate`: {e}")]))?;
            tls = tls.root_certs(root_certs(extra));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .accept("application/vnd.github+json")
            .timeout_connect(Some(conn.request_timeout))
            .timeout_global(Some(conn.request_timeout))
            .max_redirects(3)
            // ureq allocates and zeroes 128 KiB each way per connection by default: a fifth of
            // a cold `list`'s instructions (callgrind). GitHub's headers are a few KiB, bodies
            // stream through, and request bodies are under 16 KiB.
            .input_buffer_size(32 * 1024)
            .max_response_header_size(32 * 1024)
            .output_buffer_size(16 * 1024)
            .tls_config(tls.build())
            .build();
        Ok(Client {
            agent: config.new_agent(),
            base: conn.api_url.as_str().trim_end_matches('/').to_string(),
            org: conn.org.clone(),
            token: conn.token.clone(),
            policy: Policy::new(conn.max_wait),
            request_timeout: conn.request_timeout,
        })
    }

    pub fn org(&self) -> &Org {
        &self.org
    }

    fn registries_path(&self) -> String {
        format!("/orgs/{}/private-registries", self.org)
    }

    /// One HTTP exchange, no retry.
    fn send_once(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Response, Transport> {
        let url = format!("{}{}", self.base, path);
        let auth = Zeroizing::new(format!("Bearer {}", self.token.expose()));
        let internal = |e: String| Transport {
            error: anyhow!(e),
            retryable: false,
            maybe_sent: false,
        };
        let result = match body {
            Some(data) => {
                let req = match method {
                    "POST" => self.agent.post(&url),
                    "PATCH" => self.agent.patch(&url),
                    _ => return Err(internal(format!("internal: {method} cannot carry a body"))),
                };
                // Writes never follow a redirect: GitHub does not redirect them, and a
                // redirected POST could be replayed elsewhere or turned into a GET.
                req.config()
                    .max_redirects(0)
                    .build()
                    .header("Authorization", auth.as_str())
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .content_type("application/json")
                    .send(data)
            }
            None => {
                let req = match method {
                    "GET" => self.agent.get(&url),
                    "DELETE" => self.agent.delete(&url).config().max_redirects(0).build(),
                    _ => return Err(internal(format!("internal: {method} needs a body"))),
                };
                req.header("Authorization", auth.as_str())
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .call()
            }
        };
        let mut response = result.map_err(|e| self.transport(method, path, e, false))?;
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
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => Transport {
                    error: anyhow!(
                        "{method} {}: the response ({status}) is larger than {} MiB; refused",
                        strip_query(path),
                        MAX_BODY >> 20
                    ),
                    retryable: false,
                    maybe_sent: true,
                },
                e => self.transport(method, path, e, true),
            })?;
        Ok(Response { status, rate, body })
    }

    /// Describes a failure before a complete answer, without the URL or any header.
    fn transport(&self, method: &str, path: &str, e: ureq::Error, answered: bool) -> Transport {
        let timeout = retry::secs(self.request_timeout);
        let (what, retryable, maybe_sent) = match &e {
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
            ureq::Error::Io(io) if is_tls_failure(io) => (
                format!(
                    "TLS failed: {io}; for GHES behind a private CA, pass that CA as ca_certificate"
                ),
                false,
                false,
            ),
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
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => (
                format!(
                    "TLS failed: {e}; for GHES behind a private CA, pass that CA as ca_certificate"
                ),
                false,
                false,
            ),
            other => (other.to_string(), false, answered),
        };
        Transport {
            error: anyhow!("{method} {}: {what}", strip_query(path)),
            retryable,
            maybe_sent: maybe_sent || answered,
        }
    }

    /// Judges one attempt: done, wait and retry, or fail (with the attempts said).
    fn judge(
        &self,
        method: &'static str,
        path: &str,
        hint_404: &str,
        tries: &mut Tries,
        result: Result<Response, Transport>,
    ) -> Step {
        let (attempt, started) = (tries.attempt, tries.started);
        let secondary_waits = &mut tries.secondary_waits;
        let last = attempt >= self.policy.max_attempts;
        let gave_up = |e: anyhow::Error| {
            e.context(format!(
                "gave up after {attempt} attempts in {}",
                retry::secs(started.elapsed())
            ))
        };
        let after = |e: anyhow::Error| {
            if attempt > 1 {
                e.context(format!(
                    "failed on attempt {attempt} of {} after {}",
                    self.policy.max_attempts,
                    retry::secs(started.elapsed())
                ))
            } else {
                e
            }
        };
        let response = match result {
            Ok(r) if (200..300).contains(&r.status) => return Step::Done(r),
            Ok(r) => r,
            Err(t) if t.retryable && !last => {
                return Step::Retry {
                    retry: Retry::Transient {
                        wait: retry::backoff(attempt + 1, retry::random_unit()),
                    },
                    why: format!("{:#}", t.error),
                    unknown: t.maybe_sent,
                };
            }
            Err(t) if t.retryable => {
                return Step::Fail {
                    error: gave_up(t.error),
                    unknown: t.maybe_sent,
                };
            }
            Err(t) => {
                return Step::Fail {
                    error: after(t.error),
                    unknown: t.maybe_sent,
                };
            }
        };
        let mut err = api_error(method, path, &response, hint_404);
        let too_long = |err: ApiError, what: &str, wait: Duration| {
            anyhow::Error::new(err).context(format!(
                "{what} asks to wait {}, longer than max_wait ({}); not waiting. Raise the input `max_wait` (at most 21600 s) to wait it out, or run the step later",
                retry::secs(wait),
                retry::secs(self.policy.max_wait)
            ))
        };
        if let Some(limit) =
            retry::rate_limit(response.status, &response.rate, err.message.as_deref())
        {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let wait = retry::rate_limit_wait(limit, &response.rate, now, *secondary_waits);
            err.hint = Some(
                "GitHub limits how fast and how much a token may request; see https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
                    .to_string(),
            );
            if wait > self.policy.max_wait {
                return Step::Fail {
                    error: too_long(err, limit.describe(), wait),
                    unknown: false,
                };
            }
            if last {
                return Step::Fail {
                    error: gave_up(err.into()),
                    unknown: false,
                };
            }
            if limit == Limit::Secondary && retry::retry_after(&response.rate).is_none() {
                *secondary_waits += 1;
            }
            return Step::Retry {
                retry: Retry::RateLimited { limit, wait },
                why: format!("{} on {method} {}", limit.describe(), strip_query(path)),
                unknown: false,
            };
        }
        if retry::is_transient_status(response.status) {
            if last {
                return Step::Fail {
                    error: gave_up(err.into()),
                    unknown: true,
                };
            }
            let wait = retry::retry_after(&response.rate)
                .unwrap_or_else(|| retry::backoff(attempt + 1, retry::random_unit()));
            if wait > self.policy.max_wait && wait > retry::BACKOFF_CAP {
                return Step::Fail {
                    error: too_long(err, "GitHub's retry-after", wait),
                    unknown: true,
                };
            }
            let why = match reason(response.status) {
                Some(r) => format!("{method} {} answered {} {r}", err.path, response.status),
                None => format!("{method} {} answered {}", err.path, response.status),
            };
            return Step::Retry {
                retry: Retry::Transient { wait },
                why,
                unknown: true,
            };
        }
        Step::Fail {
            error: after(err.into()),
            unknown: false,
        }
    }

    /// Says why and how long, then sleeps before attempt `next`.
    fn pause(&self, retry: &Retry, why: &str, next: u32) {
        notice(&format!(
            "{why}; waiting {} before attempt {next} of {}",
            retry::secs(retry.wait()),
            self.policy.max_attempts
        ));
        std::thread::sleep(retry.wait());
    }

    /// A request that is safe to repeat (GET, PATCH, DELETE), retried per the policy.
    fn call(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        hint_404: &str,
    ) -> Result<Response> {
        let data = body
            .map(serde_json::to_vec)
            .transpose()
            .context("serialising the request body")?;
        let mut tries = Tries::new();
        let mut maybe_applied = false;
        loop {
            let result = self.send_once(method, path, data.as_deref());
            match self.judge(method, path, hint_404, &mut tries, result) {
                Step::Done(r) => return Ok(r),
                Step::Fail { error, .. }
                    if method == "DELETE"
                        && maybe_applied
                        && error
                            .downcast_ref::<ApiError>()
                            .is_some_and(|e| e.status == 404) =>
                {
                    // An earlier attempt whose answer was lost deleted it: that is success.
                    notice(&format!(
                        "{method} {}: an earlier attempt whose answer was lost deleted it (now 404)",
                        strip_query(path)
                    ));
                    return Ok(Response {
                        status: 204,
                        rate: RateHeaders::default(),
                        body: String::new(),
                    });
                }
                Step::Fail { error, .. } => return Err(error),
                Step::Retry {
                    retry,
                    why,
                    unknown,
                } => {
                    maybe_applied |= unknown;
                    tries.attempt += 1;
                    self.pause(&retry, &why, tries.attempt);
                }
            }
        }
    }

    /// Sends a request and decodes a success body as `T`, or turns a failure into [`ApiError`].
    fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        hint_404: &str,
    ) -> Result<T> {
        let response = self.call(method, path, body, hint_404)?;
        decode(method, path, &response)
    }

    /// Sends a request whose success has no body (PATCH, DELETE: 204).
    fn no_content(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        hint_404: &str,
    ) -> Result<()> {
        self.call(method, path, body, hint_404).map(drop)
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
        const PER_PAGE: u32 = 100;
        let mut all = Vec::new();
        let mut total = 0;
        for page in 1..=MAX_PAGES {
            let p = self.list_page(PER_PAGE, page)?;
            total = p.total_count;
            let got = p.configurations.len();
            all.extend(p.configurations);
            if got < PER_PAGE as usize || all.len() as u64 >= total {
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
    ///
    /// Never creates twice: when an attempt's outcome is unknown (a 5xx, a timeout or a
    /// connection lost after sending), the configurations are listed and one matching the
    /// body's `registry_type` and `url` (and `username`, when given) that was created since
    /// this call began is taken as the created one; only when there is none is the POST sent
    /// again. Rate-limited and refused-connection attempts were not applied and are simply
    /// retried.
    pub fn create(&self, body: &Value) -> Result<Value> {
        let path = self.registries_path();
        let hint = self.org_hint();
        let data = serde_json::to_vec(body).context("serialising the request body")?;
        let since = SystemTime::now();
        let mut tries = Tries::new();
        loop {
            let result = self.send_once("POST", &path, Some(&data));
            let step = self.judge("POST", &path, &hint, &mut tries, result);
            match step {
                Step::Done(response) => {
                    return match decode::<Value>("POST", &path, &response) {
                        Ok(created) if created.is_object() => Ok(created),
                        Ok(_) | Err(_) => self.created_after_all(body, since).with_context(|| {
                            format!(
                                "POST {path} answered {} but its body is not the configuration JSON",
                                response.status
                            )
                        }),
                    };
                }
                Step::Fail { error, unknown } => {
                    if !unknown {
                        return Err(error);
                    }
                    return match self.find_created(body, since) {
                        Ok(Some(created)) => {
                            self.found_notice(&created, &error);
                            Ok(created)
                        }
                        Ok(None) => Err(error.context(
                            "the create's outcome was unknown; listing shows it was not applied",
                        )),
                        Err(list) => Err(error.context(format!(
                            "the create's outcome is unknown and listing to check failed too ({list:#}); run operation list or set to see whether it exists before creating again"
                        ))),
                    };
                }
                Step::Retry {
                    retry,
                    why,
                    unknown,
                } => {
                    if unknown {
                        let found = self.find_created(body, since).with_context(|| {
                            format!(
                                "{why}; the create's outcome is unknown and listing to check failed, so it was not sent again; run operation list or set to see whether it exists"
                            )
                        })?;
                        if let Some(created) = found {
                            self.found_notice(&created, &anyhow!(why));
                            return Ok(created);
                        }
                    }
                    tries.attempt += 1;
                    self.pause(&retry, &why, tries.attempt);
                }
            }
        }
    }

    /// A 2xx create whose body cannot be read: it was applied, so find it rather than repeat.
    fn created_after_all(&self, body: &Value, since: SystemTime) -> Result<Value> {
        self.find_created(body, since)?.ok_or_else(|| {
            anyhow!("it was probably created, but listing does not show it; run operation list")
        })
    }

    fn found_notice(&self, created: &Value, why: &anyhow::Error) {
        let name = created.get("name").and_then(Value::as_str).unwrap_or("?");
        notice(&format!(
            "the answer to a create was lost ({why:#}), but listing shows GitHub created `{name}`; using it instead of creating it again"
        ));
    }

    /// The configuration a create with `body` made, if listing shows one.
    fn find_created(&self, body: &Value, since: SystemTime) -> Result<Option<Value>> {
        let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let registry_type = field(body, "registry_type");
        let url = field(body, "url").map(|u| normalize_url(&u));
        let username = field(body, "username");
        // Created at or after `since`, give or take the two clocks' disagreement.
        let earliest = since
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            .saturating_sub(CLOCK_SKEW.as_secs());
        let listing = self.list_all()?;
        let mut found: Vec<Value> = listing
            .configurations
            .into_iter()
            .filter(|c| {
                field(c, "registry_type") == registry_type
                    && field(c, "url").map(|u| normalize_url(&u)) == url
                    && (username.is_none() || field(c, "username") == username)
                    && field(c, "created_at")
                        .and_then(|t| unix_time(&t))
                        .is_none_or(|t| t >= earliest)
            })
            .collect();
        // The newest, if GitHub holds several alike.
        found.sort_by_key(|c| field(c, "created_at"));
        Ok(found.pop())
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

/// How far GitHub's clock may be behind ours when judging whether a listed configuration is
/// the one a lost create made.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// A success body decoded as `T`: truncated or mistyped JSON is a clear error, never a panic.
fn decode<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    response: &Response,
) -> Result<T> {
    serde_json::from_str(&response.body).map_err(|e| {
        anyhow!(
            "{method} {} answered {} but the body is not the JSON the API describes ({e}; {} bytes)",
            strip_query(path),
            response.status,
            response.body.len()
        )
    })
}

fn strip_query(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// Whether an I/O error is rustls refusing the server (not worth a retry).
fn is_tls_failure(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

/// Seconds since the epoch of GitHub's `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` timestamps.
fn unix_time(s: &str) -> Option<u64> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if s.get(4..5)? != "-" || s.get(7..8)? != "-" || s.get(13..14)? != ":" {
        return None;
    }
    let rest = s
        .get(19..)?
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh = rest.get(1..3)?.parse::<i64>().ok()?;
            let om = rest.get(4..6)?.parse::<i64>().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + sec - offset).ok()
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
            rate: RateHeaders::default(),
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

    #[test]
    fn github_timestamps_parse() {
        assert_eq!(unix_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_time("2024-01-02T03:04:05Z"), Some(1_704_164_645));
        assert_eq!(unix_time("2024-01-02T03:04:05.123Z"), Some(1_704_164_645));
        assert_eq!(unix_time("2024-01-02T05:04:05+02:00"), Some(1_704_164_645));
        assert_eq!(unix_time("2000-02-29T00:00:00Z"), Some(951_782_400));
        for bad in ["", "yesterday", "2024-01-02", "2024/01/02T03:04:05Z"] {
            assert_eq!(unix_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn extra_roots_are_added_to_the_builtin_ones() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).unwrap().pem();
        let extra = extra_roots(&format!("{pem}{pem}")).unwrap();
        assert_eq!(extra.len(), 2);
        let builtin = webpki_root_certs::TLS_SERVER_ROOT_CERTS.len();
        assert!(builtin > 100, "{builtin}");
        match root_certs(extra) {
            RootCerts::Specific(all) => {
                assert_eq!(all.len(), builtin + 2);
                // Every built-in root parses as a trust anchor, as rustls will need it to.
                let mut store = rustls::RootCertStore::empty();
                let ders = all
                    .iter()
                    .map(|c| rustls::pki_types::CertificateDer::from(c.der().to_vec()));
                assert_eq!(store.add_parsable_certificates(ders), (builtin + 2, 0));
            }
            other => panic!("{other:?}"),
        }
        let e = extra_roots("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(e.contains("not a usable CA certificate"), "{e}");
        let e = extra_roots("hello").unwrap_err();
        assert!(e.contains("holds no PEM certificate"), "{e}");
        let e = extra_roots(&format!("{pem}{}", key.serialize_pem())).unwrap_err();
        assert!(e.contains("private key"), "{e}");
    }
}
