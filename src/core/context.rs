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
    repo_ids: RefCell<BTreeMap<RepoName, u64>>,
}

impl<'a> Ctx<'a> {
    pub fn new(client: &'a Client, org: &'a Org) -> Self {
        Ctx {
            client,
            org,
            key: OnceCell::new(),
            repo_ids: RefCell::new(BTreeMap::new()),
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

    /// The spec's repository ids plus its names looked up (each name once per run), sorted.
    pub fn repository_ids(&self, spec: &RegistrySpec) -> Result<Vec<u64>> {
        let mut ids = spec.repository_ids.clone();
        for name in &spec.repository_names {
            let cached = self.repo_ids.borrow().get(name).copied();
            let id = match cached {
                Some(id) => id,
                None => {
                    let id = self.client.repository_id(self.org, name)?;
                    self.repo_ids.borrow_mut().insert(name.clone(), id);
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
