//! The only code that does HTTP: a client for the org private-registries endpoints and the
//! repository look-up. Answers are typed models; failures are GitHub's error decoded; requests
//! are retried per [`retry`], creates are never duplicated, and nothing is printed: notices go
//! out through the callback the caller hands in.

mod decode;
mod judge;
pub mod retry;
pub mod tls;
mod transport;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use ureq::tls::TlsConfig;

use crate::model::answers::Repository;
use crate::model::types::{ApiUrl, normalize_url};
use crate::model::{
    ApiError, Body, ConfigName, Configuration, Event, Notify, Org, Page, PublicKey, RepoName,
    Secret,
};
use decode::{decode, strip_query};
use judge::{Call, Step, Tries, judge};
use retry::{Policy, RateHeaders, Retry};
use transport::{MAX_HEADERS, Response, Wire};

pub use transport::MAX_BODY;

/// Identifies us to GitHub, as its API guidelines ask: the project and its version.
pub const USER_AGENT: &str = concat!("private-registries/", env!("CARGO_PKG_VERSION"));

/// The REST API version sent with every request.
pub const API_VERSION: &str = "2022-11-28";

/// The most pages `list_all` reads (100 each), so a server that never stops cannot loop us.
const MAX_PAGES: u32 = 1_000;

/// How the client talks to GitHub.
#[derive(Debug, Clone)]
pub struct Connection {
    pub api_url: ApiUrl,
    pub token: Secret,
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
    pub fn new(conn: &Connection, notify: Notify) -> Result<Self> {
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
                agent: config.new_agent(),
                base: conn.api_url.as_str().trim_end_matches('/').to_string(),
                token: conn.token.clone(),
                api_version: API_VERSION,
                request_timeout: conn.request_timeout,
            },
            policy: Policy::new(conn.max_wait),
            notify,
        })
    }

    fn notice(&self, message: String) {
        (self.notify)(Event::Notice(message));
    }

    /// Says why and how long, then sleeps before attempt `next`.
    fn pause(&self, retry: &Retry, why: &str, next: u32) {
        self.notice(format!(
            "{why}; waiting {} before attempt {next} of {}",
            retry::secs(retry.wait()),
            self.policy.max_attempts
        ));
        std::thread::sleep(retry.wait());
    }

    /// A request that is safe to repeat (GET, PATCH, DELETE), retried per the policy.
    fn call(&self, call: &Call, body: Option<&[u8]>) -> Result<Response> {
        let mut tries = Tries::new();
        let mut maybe_applied = false;
        loop {
            let result = self.wire.send_once(call.method, call.path, body);
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

    /// A GET whose success body is decoded as `T`.
    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, hint_404: &str) -> Result<T> {
        let call = Call {
            method: "GET",
            path,
            hint_404,
        };
        let response = self.call(&call, None)?;
        decode("GET", path, &response)
    }

    fn org_hint(org: &Org) -> String {
        format!(
            "check that the org `{org}` exists and the token can see it; GHES needs 3.17 or later for private registries"
        )
    }

    fn name_hint(org: &Org, name: &ConfigName) -> String {
        format!(
            "no configuration named `{name}` in org `{org}`; names are as operation list reports them (e.g. NPM_REGISTRY_SECRET)"
        )
    }

    /// `GET /orgs/{org}/private-registries/public-key`
    pub fn public_key(&self, org: &Org) -> Result<PublicKey> {
        let path = format!("{}/public-key", registries_path(org));
        self.get_json(&path, &Self::org_hint(org))
    }

    /// `GET /orgs/{org}/private-registries?per_page=&page=`
    pub fn list_page(&self, org: &Org, per_page: u32, page: u32) -> Result<Page> {
        let path = format!("{}?per_page={per_page}&page={page}", registries_path(org));
        self.get_json(&path, &Self::org_hint(org))
    }

    /// Every configuration, 100 a request: ⌈n/100⌉ requests (one when there are none).
    pub fn list_all(&self, org: &Org) -> Result<Page> {
        const PER_PAGE: u32 = 100;
        let mut all = Vec::new();
        let mut total = 0;
        for page in 1..=MAX_PAGES {
            let p = self.list_page(org, PER_PAGE, page)?;
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
    pub fn get(&self, org: &Org, name: &ConfigName) -> Result<Configuration> {
        let path = format!("{}/{name}", registries_path(org));
        self.get_json(&path, &Self::name_hint(org, name))
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

    /// `POST /orgs/{org}/private-registries`: returns the configuration GitHub created.
    ///
    /// Never creates twice: when an attempt's outcome is unknown (a 5xx, a timeout or a
    /// connection lost after sending), the configurations are listed and one matching the
    /// body's `registry_type` and `url` (and `username`, when given) that was created since
    /// this call began is taken as the created one; only when there is none is the POST sent
    /// again. Rate-limited and refused-connection attempts were not applied and are simply
    /// retried.
    pub fn create(&self, org: &Org, body: &Body) -> Result<Configuration> {
        let path = registries_path(org);
        let hint = Self::org_hint(org);
        let call = Call {
            method: "POST",
            path: &path,
            hint_404: &hint,
        };
        let data = to_json(body)?;
        let since = SystemTime::now();
        let mut tries = Tries::new();
        loop {
            let result = self.wire.send_once("POST", &path, Some(&data));
            match judge(&self.policy, &call, &mut tries, result) {
                Step::Done(response) => {
                    return match decode::<Configuration>("POST", &path, &response) {
                        Ok(created) => Ok(created),
                        Err(_) => self.created_after_all(org, body, since).with_context(|| {
                            format!(
                                "POST {path} answered {} but its body is not the configuration JSON",
                                response.status
                            )
                        }),
                    };
                }
                Step::Fail { error, unknown } => {
                    return self.after_failed_create(org, body, since, error, unknown);
                }
                Step::Retry {
                    retry,
                    why,
                    unknown,
                } => {
                    if unknown
                        && let Some(found) = self.look_before_retry(org, body, since, &why)?
                    {
                        return Ok(found);
                    }
                    tries.attempt += 1;
                    self.pause(&retry, &why, tries.attempt);
                }
            }
        }
    }

    /// After an unknown outcome, before a retry: the created configuration, if listing shows it.
    fn look_before_retry(
        &self,
        org: &Org,
        body: &Body,
        since: SystemTime,
        why: &str,
    ) -> Result<Option<Configuration>> {
        let found = self.find_created(org, body, since).with_context(|| {
            format!(
                "{why}; the create's outcome is unknown and listing to check failed, so it was not sent again; run operation list or set to see whether it exists"
            )
        })?;
        if let Some(created) = &found {
            self.found_notice(created, why);
        }
        Ok(found)
    }

    fn after_failed_create(
        &self,
        org: &Org,
        body: &Body,
        since: SystemTime,
        error: anyhow::Error,
        unknown: bool,
    ) -> Result<Configuration> {
        if !unknown {
            return Err(error);
        }
        match self.find_created(org, body, since) {
            Ok(Some(created)) => {
                self.found_notice(&created, &format!("{error:#}"));
                Ok(created)
            }
            Ok(None) => Err(error
                .context("the create's outcome was unknown; listing shows it was not applied")),
            Err(list) => Err(error.context(format!(
                "the create's outcome is unknown and listing to check failed too ({list:#}); run operation list or set to see whether it exists before creating again"
            ))),
        }
    }

    /// A 2xx create whose body cannot be read: it was applied, so find it rather than repeat.
    fn created_after_all(
        &self,
        org: &Org,
        body: &Body,
        since: SystemTime,
    ) -> Result<Configuration> {
        self.find_created(org, body, since)?.ok_or_else(|| {
            anyhow!("it was probably created, but listing does not show it; run operation list")
        })
    }

    fn found_notice(&self, created: &Configuration, why: &str) {
        self.notice(format!(
            "the answer to a create was lost ({why}), but listing shows GitHub created `{}`; using it instead of creating it again",
            created.name
        ));
    }

    /// The configuration a create with `body` made, if listing shows one.
    fn find_created(
        &self,
        org: &Org,
        body: &Body,
        since: SystemTime,
    ) -> Result<Option<Configuration>> {
        let f = &body.fields;
        let registry_type = f.registry_type.map(|t| t.as_str());
        let url = f.url.as_deref().map(normalize_url);
        // Created at or after `since`, give or take the two clocks' disagreement.
        let earliest = since
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            .saturating_sub(CLOCK_SKEW.as_secs());
        let listing = self.list_all(org)?;
        let mut found: Vec<Configuration> = listing
            .configurations
            .into_iter()
            .filter(|c| {
                c.registry_type.as_deref() == registry_type
                    && c.url.as_deref().map(normalize_url) == url
                    && (f.username.is_none() || c.username == f.username)
                    && c.created_at
                        .as_deref()
                        .and_then(unix_time)
                        .is_none_or(|t| t >= earliest)
            })
            .collect();
        // The newest, if GitHub holds several alike.
        found.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(found.pop())
    }
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

/// How far GitHub's clock may be behind ours when judging whether a listed configuration is
/// the one a lost create made.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
