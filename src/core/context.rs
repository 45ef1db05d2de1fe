//! One org's run state: the client and org, and what is fetched at most once per run (the
//! public key, each repository id).

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

use anyhow::Result;

use super::crypto;
use crate::client::Client;
use crate::model::{Body, Fields, Org, PublicKey, RegistrySpec, RepoName, Secret};

pub struct Ctx<'a> {
    pub client: &'a Client,
    pub org: &'a Org,
    /// The key, or why it could not be had (asked once: later seals fail with the same reason).
    key: OnceCell<Result<PublicKey, String>>,
    /// Repository ids by lower-cased name (GitHub's names are case-insensitive).
    repo_ids: RefCell<BTreeMap<String, u64>>,
    /// How the front end names an input (see [`Request`](super::Request)).
    pub input_name: fn(&str) -> String,
}

impl<'a> Ctx<'a> {
    pub fn new(client: &'a Client, org: &'a Org, input_name: fn(&str) -> String) -> Self {
        Ctx {
            client,
            org,
            key: OnceCell::new(),
            repo_ids: RefCell::new(BTreeMap::new()),
            input_name,
        }
    }

    /// `GET …/public-key`, checked to be a usable X25519 key (the `public-key` operation).
    pub fn fetch_key(&self) -> Result<PublicKey> {
        let key = self.client.public_key(self.org)?;
        crypto::decode_public_key(&key.key)?;
        Ok(key)
    }

    /// The org's public key for sealing, fetched on first use only (a failure is not asked
    /// again: every later seal fails with the same reason).
    fn sealing_key(&self) -> Result<&PublicKey> {
        let key = self
            .key
            .get_or_init(|| self.fetch_key().map_err(|e| format!("{e:#}")));
        key.as_ref()
            .map_err(|e| anyhow::anyhow!("the org's public key could not be read ({e})"))
    }

    /// The body to send: the fields, plus the secret sealed with the org key when given.
    pub fn body(&self, fields: &Fields, secret: Option<&Secret>) -> Result<Body> {
        let mut body = Body {
            fields: fields.clone(),
            ..Body::default()
        };
        if let Some(secret) = secret {
            let key = self.sealing_key()?;
            body.encrypted_value = Some(crypto::seal(&key.key, secret)?);
            body.key_id = Some(key.key_id.clone());
        }
        Ok(body)
    }

    /// Resolves many repository names at the least cost: when at least two are not known yet,
    /// the first page of the org's repositories is read; if the pages left are no more than the
    /// names still unknown, the rest of the list is read too. Names not found that way are
    /// looked up one by one later ([`Self::repository_ids`]). So n names in an org of p pages
    /// cost min(n, p) requests, or at most n + 1 when the first page held none of them.
    pub fn prefetch_repositories<'n>(
        &self,
        names: impl IntoIterator<Item = &'n RepoName>,
    ) -> Result<()> {
        let unknown = |names: &[String]| {
            let known = self.repo_ids.borrow();
            names.iter().filter(|n| !known.contains_key(*n)).count()
        };
        let mut wanted: Vec<String> = names.into_iter().map(key).collect();
        wanted.sort();
        wanted.dedup();
        if unknown(&wanted) < 2 {
            return Ok(());
        }
        let last = self.read_repositories_page(1)?;
        let pages_left = last.unwrap_or(1).saturating_sub(1) as usize;
        if pages_left == 0 || pages_left > unknown(&wanted) {
            return Ok(());
        }
        for page in 2..=last.unwrap_or(1) {
            self.read_repositories_page(page)?;
            if unknown(&wanted) == 0 {
                break;
            }
        }
        Ok(())
    }

    /// Reads one page of the org's repositories into the cache; returns the last page number.
    fn read_repositories_page(&self, page: u32) -> Result<Option<u32>> {
        let (repos, last) = self.client.org_repositories_page(self.org, page)?;
        let mut known = self.repo_ids.borrow_mut();
        for r in repos {
            known.insert(r.name.to_ascii_lowercase(), r.id);
        }
        Ok(last)
    }

    /// The spec's repository ids plus its names looked up (each name once per run), sorted.
    pub fn repository_ids(&self, spec: &RegistrySpec) -> Result<Vec<u64>> {
        let mut ids = spec.repository_ids.clone();
        for name in &spec.repository_names {
            let cached = self.repo_ids.borrow().get(&key(name)).copied();
            let id = match cached {
                Some(id) => id,
                None => {
                    let id = self.client.repository_id(self.org, name)?;
                    self.repo_ids.borrow_mut().insert(key(name), id);
                    id
                }
            };
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}

fn key(name: &RepoName) -> String {
    name.as_str().to_ascii_lowercase()
}
