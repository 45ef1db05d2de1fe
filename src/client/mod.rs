//! The only code that does HTTP: a client for the org private-registries endpoints and the
//! repository look-up. Answers are typed models; failures are GitHub's error decoded; requests
//! are retried per [`retry`], creates are never duplicated, and nothing is printed: notices go
//! out through the callback the caller hands in.

mod app;
mod create;
mod decode;
pub mod graphql;
mod judge;
pub mod pace;
mod resolve;
pub mod retry;
pub mod tls;
mod transport;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use ureq::tls::TlsConfig;

use crate::model::answers::{MAX_FIELD, Repository};
use crate::model::auth::Auth;
use crate::model::text;
use crate::model::types::ApiUrl;
use crate::model::{
    ApiError, Body, Cancel, ConfigName, Configuration, Event, Notify, Org, Page, PublicKey,
    RepoName, Secret,
};
use decode::{decode, strip_query};
use judge::{Call, Step, Tries, judge};
use pace::Pacer;
use retry::{Policy, RateHeaders, Retry};
use transport::{MAX_HEADERS, Response, Wire};

pub use app::Revoker;
use create::key;
pub use create::{Existing, Unsettled};
pub use transport::MAX_BODY;

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
    ) -> Result<Result<Response, transport::Transport>> {
        // Minting and revoking an App's token, and GraphQL reads, are not content writes: they
        // are not paced.
        let signs_in = path.starts_with("/app/")
            || path == "/installation/token"
            || path == transport::GRAPHQL;
        if method != "GET" && !signs_in {
            let wait = self.pacer.wait(Instant::now());
            if self.cancel.sleep(wait) || self.cancel.signal().is_some() {
                return Err(NotSent(format!(
                    "{method} {}: not sent: {}",
                    strip_query(path),
                    self.cancelled()
                ))
                .into());
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
    fn call(&self, call: &Call, body: Option<&[u8]>) -> Result<Response> {
        let mut tries = Tries::new();
        let mut maybe_applied = false;
        loop {
            let result = self.send(call.method, call.path, body)?;
            match judge(&self.policy, call, &mut tries, result) {
                Step::Done(r) => return Ok(r),
                Step::Fail { error, .. }
                    if call.method == "DELETE" && maybe_applied && is_status(&error, 404) =>
                {
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
                Step::Fail { error, .. } => return Err(error),
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

    /// A GET whose success body is decoded as `T`.
    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, hint_404: &str) -> Result<T> {
        let response = self.get_response(path, hint_404)?;
        decode("GET", path, &response)
    }

    /// A GET, retried per the policy; the whole response (body size, `Link`) for the caller.
    fn get_response(&self, path: &str, hint_404: &str) -> Result<Response> {
        let call = Call {
            method: "GET",
            path,
            hint_404,
        };
        self.call(&call, None)
    }

    fn org_hint(org: &Org) -> String {
        format!(
            "check that the org `{org}` exists and the token can see it; GHES needs 3.17 or later for private registries"
        )
    }

    fn name_hint(org: &Org, name: &ConfigName) -> String {
        format!(
            "no configuration named `{name}` in org `{org}`; names are as `list` reports them (e.g. NPM_REGISTRY_SECRET)"
        )
    }

    /// `GET /orgs/{org}/private-registries/public-key`
    pub fn public_key(&self, org: &Org) -> Result<PublicKey> {
        let path = format!("{}/public-key", registries_path(org));
        self.get_json(&path, &Self::org_hint(org))
    }

    /// `GET /orgs/{org}/private-registries?per_page=&page=`
    pub fn list_page(&self, org: &Org, per_page: u32, page: u32) -> Result<Page> {
        self.list_page_sized(org, per_page, page).map(|(p, ..)| p)
    }

    /// A page, the size of its body in bytes, and the page its `Link: rel="next"` names.
    fn list_page_sized(
        &self,
        org: &Org,
        per_page: u32,
        page: u32,
    ) -> Result<(Page, usize, Option<u32>)> {
        let path = format!("{}?per_page={per_page}&page={page}", registries_path(org));
        let response = self.get_response(&path, &Self::org_hint(org))?;
        let p: Page = decode("GET", &path, &response)?;
        for c in &p.configurations {
            fits("GET", &path, c)?;
        }
        Ok((p, response.body.len(), response.next_page))
    }

    /// Every configuration, 100 a request: ⌈n/100⌉ requests (one when there are none).
    pub fn list_all(&self, org: &Org) -> Result<Page> {
        let mut all = Vec::new();
        let total = self.list_each(org, |page| {
            all.extend(page);
            Ok(())
        })?;
        Ok(Page {
            total_count: total.max(all.len() as u64),
            configurations: all,
        })
    }

    /// Every configuration, handed to `each` a page at a time (so a caller need not keep them
    /// all); returns the `total_count` GitHub reported.
    ///
    /// Complete or an error: the pages must follow each other (a `Link: rel="next"` names the
    /// page after this one, and the last page has none), repeat no name, and add up to the
    /// `total_count` every page reports. Bounded whatever the server sends: at most
    /// [`MAX_CONFIGURATIONS`] and [`MAX_LISTING_BYTES`]; a page that holds more than was asked
    /// for, or a `total_count` past the bound, is an error that says so.
    pub fn list_each(
        &self,
        org: &Org,
        mut each: impl FnMut(Vec<Configuration>) -> Result<()>,
    ) -> Result<u64> {
        let mut seen = HashSet::new();
        let mut bytes = 0;
        let mut listed = 0u64;
        let mut first_total = None;
        for page in 1..=MAX_PAGES {
            let (p, size, next) = self.list_page_sized(org, PER_PAGE, page)?;
            bytes += size;
            check_page(page, &p, bytes)?;
            let total = *first_total.get_or_insert(p.total_count);
            if page == 1 {
                // Bounded by check_page: total_count is at most MAX_CONFIGURATIONS here.
                seen.reserve(total as usize);
            }
            let got = p.configurations.len();
            for c in &p.configurations {
                if !seen.insert(key(&c.name)) {
                    bail!(
                        "listing the configurations: page {page} repeats `{}`, already listed; the server repeats pages, or the configurations changed while they were listed; run again",
                        text::escape(&c.name)
                    );
                }
            }
            listed += got as u64;
            let last = Listed {
                page,
                got,
                listed,
                total,
                page_total: p.total_count,
                next,
            }
            .is_last()?;
            each(p.configurations)?;
            if last {
                return Ok(total);
            }
        }
        Err(anyhow!(
            "listing stopped after {MAX_PAGES} pages ({listed} configurations); the server keeps paging"
        ))
    }

    /// `GET /orgs/{org}/private-registries/{name}`
    pub fn get(&self, org: &Org, name: &ConfigName) -> Result<Configuration> {
        let path = format!("{}/{name}", registries_path(org));
        let c = self.get_json(&path, &Self::name_hint(org, name))?;
        fits("GET", &path, &c)?;
        Ok(c)
    }

    /// `PATCH /orgs/{org}/private-registries/{name}` (204, no body).
    pub fn update(&self, org: &Org, name: &ConfigName, body: &Body) -> Result<()> {
        let path = format!("{}/{name}", registries_path(org));
        let data = to_json(body)?;
        let hint = Self::name_hint(org, name);
        let call = Call {
            method: "PATCH",
            path: &path,
            hint_404: &hint,
        };
        self.call(&call, Some(&data)).map(drop)
    }

    /// `DELETE /orgs/{org}/private-registries/{name}` (204).
    pub fn delete(&self, org: &Org, name: &ConfigName) -> Result<()> {
        let path = format!("{}/{name}", registries_path(org));
        let hint = Self::name_hint(org, name);
        let call = Call {
            method: "DELETE",
            path: &path,
            hint_404: &hint,
        };
        self.call(&call, None).map(drop)
    }

    /// `GET /repos/{org}/{repo}`: the repository's numeric id.
    pub fn repository_id(&self, org: &Org, repo: &RepoName) -> Result<u64> {
        let path = format!("/repos/{org}/{repo}");
        let hint = format!("no repository `{repo}` in org `{org}` visible to this token");
        let r: Repository = self.get_json(&path, &hint)?;
        Ok(r.id)
    }

    /// `GET /orgs/{org}/repos?per_page=100&page=N`: one page of the org's repositories, and
    /// the number of the last page when the `Link` header gives it.
    pub fn org_repositories_page(
        &self,
        org: &Org,
        page: u32,
    ) -> Result<(Vec<Repository>, Option<u32>)> {
        let path = format!("/orgs/{org}/repos?per_page={PER_PAGE}&page={page}");
        let response = self.get_response(&path, &Self::org_hint(org))?;
        let repos = decode("GET", &path, &response)?;
        Ok((repos, response.last_page))
    }

    /// `GET /orgs/{org}/repos`, every page: the org's repositories, id → name (for export).
    pub fn org_repositories(&self, org: &Org) -> Result<std::collections::BTreeMap<u64, String>> {
        let mut all = std::collections::BTreeMap::new();
        for page in 1..=MAX_PAGES {
            let (repos, _) = self.org_repositories_page(org, page)?;
            let got = repos.len();
            all.extend(repos.into_iter().map(|r| (r.id, r.name)));
            if got < PER_PAGE as usize {
                return Ok(all);
            }
        }
        Err(anyhow!(
            "listing the repositories of `{org}` stopped after {MAX_PAGES} pages"
        ))
    }
}

/// A write that was never put on the wire because the run was cancelled first.
#[derive(Debug)]
pub struct NotSent(String);

impl std::fmt::Display for NotSent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotSent {}

/// Whether a 400's body says the `X-GitHub-Api-Version` asked for is not supported.
fn unknown_version(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    b.contains("x-github-api-version")
        && (b.contains("not a supported version") || b.contains("unsupported"))
}

/// Refuses a configuration with a field past [`MAX_FIELD`].
fn fits(method: &str, path: &str, c: &Configuration) -> Result<()> {
    match c.oversized() {
        Some(field) => Err(anyhow!(
            "{method} {} answered a configuration whose `{field}` is longer than {MAX_FIELD} bytes; refused",
            decode::strip_query(path)
        )),
        None => Ok(()),
    }
}

/// Where a listing stands after one page: what it saw, what the server says there is.
struct Listed {
    page: u32,
    got: usize,
    listed: u64,
    total: u64,
    page_total: u64,
    next: Option<u32>,
}

impl Listed {
    /// Whether this page ends the listing; an error when the pages disagree with each other
    /// or with the `total_count`, saying what was seen (nothing listed so far is trusted).
    fn is_last(&self) -> Result<bool> {
        let Listed {
            page,
            got,
            listed,
            total,
            page_total,
            next,
        } = *self;
        let at = format!(
            "listing the configurations is inconsistent: page {page} (after {listed} configurations, {total} reported)"
        );
        let check = "the listing cannot be trusted, so nothing was planned or written; run again, and if it persists check the org's configurations in its settings";
        if page_total != total {
            bail!(
                "{at} reports {page_total} configurations where page 1 reported {total}; {check}"
            );
        }
        if next.is_some_and(|n| n != page + 1) {
            bail!(
                "{at} links to page {} as the next one, not to page {}; {check}",
                next.unwrap_or_default(),
                page + 1
            );
        }
        if listed > total {
            bail!("{at} has more configurations than reported; {check}");
        }
        let end = got < PER_PAGE as usize || listed == total;
        if end && listed < total {
            bail!("{at} ends the listing short of the count reported; {check}");
        }
        if end && next.is_some() {
            bail!("{at} ends the listing but links to a next page; {check}");
        }
        Ok(end)
    }
}

/// Refuses a page that cannot be a true page of the listing, or a listing past its bounds.
fn check_page(page: u32, p: &Page, bytes: usize) -> Result<()> {
    let at = format!("listing the configurations: page {page}");
    if p.total_count > MAX_CONFIGURATIONS {
        bail!(
            "{at} reports {} configurations; this tool reads at most {MAX_CONFIGURATIONS}",
            p.total_count
        );
    }
    if p.configurations.len() > PER_PAGE as usize {
        bail!(
            "{at} holds {} configurations, more than the {PER_PAGE} asked for",
            p.configurations.len()
        );
    }
    if p.configurations.iter().any(|c| c.name.is_empty()) {
        bail!("{at} holds a configuration without a name");
    }
    if bytes > MAX_LISTING_BYTES {
        bail!(
            "{at} takes the listing past {} MiB; this tool reads at most that",
            MAX_LISTING_BYTES >> 20
        );
    }
    Ok(())
}

fn registries_path(org: &Org) -> String {
    format!("/orgs/{org}/private-registries")
}

fn to_json(body: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body).context("serialising the request body")
}

fn is_status(error: &anyhow::Error, status: u16) -> bool {
    error
        .downcast_ref::<ApiError>()
        .is_some_and(|e| e.status == status)
}
