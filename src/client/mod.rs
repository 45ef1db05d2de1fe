//! The only code that does HTTP: a client for the org private-registries endpoints and the
//! repository look-up. Answers are typed models; failures are GitHub's error decoded; requests
//! are retried per [`retry`], creates are never duplicated, and nothing is printed: notices go
//! out through the callback the caller hands in.

mod app;
mod create;
mod decode;
mod endpoints;
pub mod graphql;
mod judge;
mod listing;
pub mod pace;
mod resolve;
pub mod retry;
pub mod tls;
mod transport;
mod write_error;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use ureq::tls::TlsConfig;

use crate::model::auth::Auth;
use crate::model::types::ApiUrl;
use crate::model::{Cancel, Event, Notify, Org, Secret};
use decode::{decode, strip_query};
use judge::{Call, Step, Tries, judge};
use listing::*;
use pace::Pacer;
use retry::{Policy, RateHeaders, Retry};
use transport::{MAX_HEADERS, Response, Wire};

pub use app::Revoker;
pub use create::Existing;
use create::key;
pub use write_error::WriteError;

/// Identifies us to GitHub, as its API guidelines ask: the project and its version.
pub const USER_AGENT: &str = concat!("private-registries/", env!("CARGO_PKG_VERSION"));

/// The REST API version sent with every request: GitHub's current one.
pub const API_VERSION: &str = "2026-03-10";

/// The version sent instead to a server that does not know [`API_VERSION`] (GHES before it):
/// the one every GHES with private registries (3.17 and later) knows.
pub const FALLBACK_API_VERSION: &str = "2022-11-28";

/// The most configurations `list_all` reads: an org holds far fewer, and a server that claims
/// or sends more is refused rather than followed.
pub const MAX_CONFIGURATIONS: u64 = 10_000;

/// Configurations asked for per page (GitHub's maximum).
const PER_PAGE: u32 = 100;

/// The most pages `list_all` reads, so a server that never stops cannot loop us.
const MAX_PAGES: u32 = (MAX_CONFIGURATIONS / PER_PAGE as u64) as u32;

/// The most body bytes one listing reads, all pages together: 10,000 configurations as GitHub
/// writes them take about 5 MiB.
pub const MAX_LISTING_BYTES: usize = 8 << 20;

/// How the client talks to GitHub.
#[derive(Debug, Clone)]
pub struct Connection {
    pub api_url: ApiUrl,
    pub auth: Auth,
    pub request_timeout: Duration,
    pub max_wait: Duration,
    /// PEM text of extra trusted certificates, already checked by [`tls::extra_roots`].
    pub ca_certificate: Option<String>,
}

/// A client for the API at one URL; the org is given per call.
///
/// Every request is retried per [`retry`]: GET, PATCH and DELETE as they are (they are
/// idempotent), POST only after listing shows the configuration was not created.
pub struct Client {
    wire: Wire,
    policy: Policy,
    notify: Notify,
    cancel: Cancel,
    pacer: Pacer,
    /// The installation token in use, shared with whoever must revoke it on a signal.
    revoker: Revoker,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.wire.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the one agent of the run (keep-alive reused for every request).
    pub fn new(
        conn: &Connection,
        notify: Notify,
        cancel: Cancel,
        revoker: Revoker,
    ) -> Result<Self> {
        let mut tls = TlsConfig::builder();
        if let Some(pem) = &conn.ca_certificate {
            let extra = tls::extra_roots(pem).map_err(|e| anyhow!("ca_certificate: {e}"))?;
            tls = tls.root_certs(tls::root_certs(extra));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .accept("application/vnd.github+json")
            .timeout_connect(Some(conn.request_timeout))
            .timeout_global(Some(conn.request_timeout))
            // Redirects are judged in `transport`: a GET follows one on the same origin only.
            .max_redirects(0)
            // ureq allocates and zeroes 128 KiB each way per connection by default: a fifth of
            // a cold `list`'s instructions (callgrind). GitHub's headers are a few KiB, bodies
            // stream through, and request bodies are under 16 KiB.
            .input_buffer_size(32 * 1024)
            .max_response_header_size(MAX_HEADERS)
            .output_buffer_size(16 * 1024)
            .tls_config(tls.build())
            .build();
        Ok(Client {
            wire: Wire {
                agent: ureq::Agent::with_parts(
                    config,
                    ureq::unversioned::transport::DefaultConnector::default(),
                    resolve::Once::default(),
                ),
                base: conn.api_url.as_str().trim_end_matches('/').to_string(),
                token: std::cell::RefCell::new(match &conn.auth {
                    Auth::Token(t) => t.clone(),
                    // Nothing is sent before the App signs in for an org.
                    Auth::App(_) => Secret::new(String::new()),
                }),
                api_version: std::cell::Cell::new(API_VERSION),
                request_timeout: conn.request_timeout,
            },
            policy: Policy::new(conn.max_wait),
            notify,
            cancel,
            pacer: Pacer::default(),
            revoker,
        })
    }

    fn notice(&self, message: String) {
        (self.notify)(Event::Notice(message));
    }

    /// Says why and how long, then sleeps before attempt `next`; `Err` when the run is
    /// cancelled meanwhile (the attempt is not made).
    fn pause(&self, retry: &Retry, why: &str, next: u32) -> Result<()> {
        self.notice(format!(
            "{why}; waiting {} before attempt {next} of {}",
            retry::secs(retry.wait()),
            self.policy.max_attempts
        ));
        if self.cancel.sleep(retry.wait()) {
            bail!("{why}; not tried again: {}", self.cancelled());
        }
        Ok(())
    }

    fn cancelled(&self) -> String {
        format!(
            "the run was cancelled ({})",
            self.cancel.signal().unwrap_or("a signal")
        )
    }

    /// One attempt on the wire. A write first waits for its turn (see [`pace`]); when the
    /// run is cancelled it is not sent at all.
    fn send(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Result<Response, transport::Transport>, WriteError> {
        // Minting and revoking an App's token, and GraphQL reads, are not content writes: they
        // are not paced.
        let signs_in = path.starts_with("/app/")
            || path == "/installation/token"
            || path == transport::GRAPHQL;
        if method != "GET" && !signs_in {
            let wait = self.pacer.wait(Instant::now());
            if self.cancel.sleep(wait) || self.cancel.signal().is_some() {
                return Err(WriteError::NotSent(format!(
                    "{method} {}: not sent: {}",
                    strip_query(path),
                    self.cancelled()
                )));
            }
            self.pacer.sent(Instant::now());
        }
        let result = self.wire.send_once(method, path, body);
        if let Ok(r) = &result
            && r.status == 400
            && self.wire.api_version.get() == API_VERSION
            && unknown_version(&r.body)
        {
            // A 400 is never applied: asking again in the older version is safe. The write
            // sent again counts towards the pacing like any other attempt.
            self.wire.api_version.set(FALLBACK_API_VERSION);
            self.notice(format!(
                "the server does not know REST API version {API_VERSION}; using {FALLBACK_API_VERSION} for this run (GitHub Enterprise Server before it)"
            ));
            if method != "GET" {
                self.pacer.sent(Instant::now());
            }
            return Ok(self.wire.send_once(method, path, body));
        }
        Ok(result)
    }

    /// A request that is safe to repeat (GET, PATCH, DELETE), retried per the policy.
    fn call(&self, call: &Call, body: Option<&[u8]>) -> Result<Response, WriteError> {
        let mut tries = Tries::new();
        let mut maybe_applied = false;
        loop {
            let result = self.send(call.method, call.path, body)?;
            match judge(&self.policy, call, &mut tries, result) {
                Step::Done(r) => return Ok(r),
                Step::Fail {
                    status: Some(404), ..
                } if call.method == "DELETE" && maybe_applied => {
                    // An earlier attempt whose answer was lost deleted it: that is success.
                    self.notice(format!(
                        "{} {}: an earlier attempt whose answer was lost deleted it (now 404)",
                        call.method,
                        strip_query(call.path)
                    ));
                    return Ok(Response {
                        status: 204,
                        rate: RateHeaders::default(),
                        body: String::new(),
                        scopes: None,
                        last_page: None,
                        next_page: None,
                    });
                }
                Step::Fail { error, .. } => return Err(WriteError::Failed(error)),
                Step::Retry {
                    retry,
                    why,
                    unknown,
                } => {
                    maybe_applied |= unknown;
                    tries.attempt += 1;
                    self.pause(&retry, &why, tries.attempt)?;
                }
            }
        }
    }
}

/// Whether a 400's body says the `X-GitHub-Api-Version` asked for is not supported.
fn unknown_version(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    b.contains("x-github-api-version")
        && (b.contains("not a supported version") || b.contains("unsupported"))
}

fn registries_path(org: &Org) -> String {
    format!("/orgs/{org}/private-registries")
}

fn to_json(body: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body).context("serialising the request body")
}
