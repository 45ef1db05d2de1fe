//! The endpoints: the org's public key, its configurations (one page, every page, or page by
//! page), one configuration, an update, a delete, and the repository look-ups; each a typed
//! answer or GitHub's error.

use super::*;
use std::collections::HashSet;

use anyhow::{Result, anyhow, bail};

use crate::model::answers::{MAX_FIELD, Repository};
use crate::model::text;
use crate::model::{Body, ConfigName, Configuration, Org, Page, PublicKey, RepoName};

impl Client {
    /// A GET whose success body is decoded as `T`.
    pub(super) fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        hint_404: &str,
    ) -> Result<T> {
        let response = self.get_response(path, hint_404)?;
        decode("GET", path, &response)
    }

    /// A GET, retried per the policy; the whole response (body size, `Link`) for the caller.
    pub(super) fn get_response(&self, path: &str, hint_404: &str) -> Result<Response> {
        let call = Call {
            method: "GET",
            path,
            hint_404,
        };
        self.call(&call, None).map_err(WriteError::into_anyhow)
    }

    pub(super) fn org_hint(org: &Org) -> String {
        format!(
            "check that the org `{org}` exists and the token can see it; GHES needs 3.17 or later for private registries"
        )
    }

    pub(super) fn name_hint(org: &Org, name: &ConfigName) -> String {
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
    pub(super) fn list_page_sized(
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
    pub fn update(&self, org: &Org, name: &ConfigName, body: &Body) -> Result<(), WriteError> {
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
    pub fn delete(&self, org: &Org, name: &ConfigName) -> Result<(), WriteError> {
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

/// Refuses a configuration with a field past [`MAX_FIELD`].
pub(super) fn fits(method: &str, path: &str, c: &Configuration) -> Result<()> {
    match c.oversized() {
        Some(field) => Err(anyhow!(
            "{method} {} answered a configuration whose `{field}` is longer than {MAX_FIELD} bytes; refused",
            decode::strip_query(path)
        )),
        None => Ok(()),
    }
}
