//! Creating a configuration without ever creating it twice: when a create's outcome is
//! unknown (a 5xx, a timeout, a connection lost after sending), the configurations are listed
//! and one is taken for ours only when its name is new to the run and every field sent
//! matches; a create that cannot be settled either way is reported as unknown, never retried.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, anyhow};

use super::WriteError;
use super::decode::decode;
use super::endpoints::fits;
use super::judge::{Call, Step, Tries, judge};
use super::{Client, registries_path, retry, to_json};
use crate::model::{Body, Configuration, Org, text};

impl Client {
    /// `POST /orgs/{org}/private-registries`: returns the configuration GitHub created.
    ///
    /// Never creates twice, and never takes another's configuration for ours: when an
    /// attempt's outcome is unknown (a 5xx, a timeout, a connection lost after sending), the
    /// configurations are listed, and one is ours only if its name is not in `before` (the
    /// names that existed before this run's first POST) and every non-secret field sent
    /// matches it. Exactly one: it is adopted, with a notice. None: the POST was not applied
    /// and is sent again per the retry rules, except after a timeout, when it is looked for
    /// again once it could have landed. Several, a failed listing, nothing after a timeout, or
    /// a 201 naming a configuration known before: [`WriteError::Unsettled`], and the error says what to run.
    pub fn create(
        &self,
        org: &Org,
        body: &Body,
        before: &Existing,
    ) -> Result<Configuration, WriteError> {
        let path = registries_path(org);
        let hint = Self::org_hint(org);
        let call = Call {
            method: "POST",
            path: &path,
            hint_404: &hint,
        };
        let data = to_json(body)?;
        let mut tries = Tries::new();
        let look = Look { org, body, before };
        loop {
            let result = self.send("POST", &path, Some(&data))?;
            let timed_out = matches!(&result, Err(t) if t.timed_out);
            match judge(&self.policy, &call, &mut tries, result) {
                Step::Done(response) => {
                    return match decode::<Configuration>("POST", &path, &response) {
                        Ok(created) => self.believable(&look, created, response.status),
                        Err(_) => self.created_after_all(&look, response.status),
                    };
                }
                Step::Fail { error, unknown, .. } => {
                    if !unknown {
                        return Err(WriteError::Failed(error));
                    }
                    let why = format!("{error:#}");
                    return match self.settle(&look, &why, timed_out)? {
                        Some(created) => Ok(created),
                        None => Err(WriteError::Failed(error.context(
                            "the create's outcome was unknown; listing shows it was not applied",
                        ))),
                    };
                }
                Step::Retry {
                    retry,
                    why,
                    unknown,
                } => {
                    if unknown && let Some(created) = self.settle(&look, &why, timed_out)? {
                        return Ok(created);
                    }
                    tries.attempt += 1;
                    self.pause(&retry, &why, tries.attempt)?;
                }
            }
        }
    }

    /// A create GitHub answered: believed unless it names a configuration that existed before
    /// (then it is not the one made now, and what was made is unknown).
    fn believable(
        &self,
        look: &Look,
        created: Configuration,
        status: u16,
    ) -> Result<Configuration, WriteError> {
        fits("POST", &registries_path(look.org), &created)?;
        if look.before.contains(&created.name) {
            return Err(WriteError::Unsettled(format!(
                "POST {} answered {status} naming `{}`, which existed before this create: it cannot be the new configuration; run `private-registries list --org {}` to see whether a new one was made before creating it again",
                registries_path(look.org),
                text::escape(&created.name),
                look.org
            )));
        }
        Ok(created)
    }

    /// After an attempt whose outcome is unknown: the configuration it made, if listing shows
    /// one; `None` when it was not applied. A timed-out attempt may still land, so when the
    /// first look finds nothing it looks again once the request could have landed (one more
    /// `request_timeout`, at most 30 s); still nothing is unknown, not "not applied".
    fn settle(
        &self,
        look: &Look,
        why: &str,
        timed_out: bool,
    ) -> Result<Option<Configuration>, WriteError> {
        if let Some(created) = self.find_created(look).map_err(|e| unsettled(e, why))? {
            self.found_notice(&created, why);
            return Ok(Some(created));
        }
        if !timed_out {
            return Ok(None);
        }
        let wait = self
            .wire
            .request_timeout
            .clamp(Duration::from_secs(1), Duration::from_secs(30));
        self.notice(format!(
            "{why}; no new configuration is listed yet: looking again in {} before deciding",
            retry::secs(wait)
        ));
        let cancelled = self.cancel.sleep(wait);
        let found = self.find_created(look).map_err(|e| unsettled(e, why))?;
        match found {
            Some(created) => {
                self.found_notice(&created, why);
                Ok(Some(created))
            }
            None => Err(WriteError::Unsettled(format!(
                "{why}; {} later listing still shows no configuration with the fields sent, but a create that timed out may yet be applied, so it was not sent again{}; run `private-registries list --org {}` before creating it again",
                retry::secs(wait),
                if cancelled {
                    " (and the run was cancelled)"
                } else {
                    ""
                },
                look.org
            ))),
        }
    }

    /// A 2xx create whose body cannot be read: it was applied, so find it rather than repeat.
    fn created_after_all(&self, look: &Look, status: u16) -> Result<Configuration, WriteError> {
        let path = registries_path(look.org);
        let unreadable =
            || format!("POST {path} answered {status} but its body is not the configuration JSON");
        match self.find_created(look) {
            Ok(Some(created)) => Ok(created),
            Ok(None) => Err(WriteError::Unsettled(format!(
                "{}; it was probably created, but listing shows no new configuration with the fields sent; run `private-registries list --org {}` to check before creating again",
                unreadable(),
                look.org
            ))),
            Err(e) => Err(unsettled(e, &unreadable())),
        }
    }

    fn found_notice(&self, created: &Configuration, why: &str) {
        self.notice(format!(
            "the answer to a create was lost ({why}), but listing shows GitHub created `{}` (a new name, with every field sent); using it instead of creating it again",
            created.name
        ));
    }

    /// The configuration a create with `look.body` made, if listing shows exactly one; an
    /// error when the listing fails or shows several (the outcome stays unknown).
    fn find_created(&self, look: &Look) -> Result<Option<Configuration>> {
        let check = |what: String| {
            anyhow!(
                "{what}: the create may have been applied; run `private-registries list --org {}` and look for a {} configuration at {} before creating it again",
                look.org,
                look.body
                    .fields
                    .registry_type
                    .map(|t| t.as_str())
                    .unwrap_or("new"),
                look.body.fields.url.as_deref().unwrap_or("its url")
            )
        };
        let listing = self
            .list_all(look.org)
            .map_err(|e| check(format!("listing to check failed ({e:#})")))?;
        let mut found: Vec<Configuration> = listing
            .configurations
            .into_iter()
            .filter(|c| !look.before.contains(&c.name) && look.body.fields.made(c))
            .collect();
        match found.len() {
            0 | 1 => Ok(found.pop()),
            n => {
                let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
                Err(check(format!(
                    "{n} new configurations match what was sent ({})",
                    names.join(", ")
                )))
            }
        }
    }
}

fn unsettled(e: anyhow::Error, why: &str) -> WriteError {
    WriteError::Unsettled(format!(
        "{why}; the create's outcome is unknown, so it was not sent again: {e:#}"
    ))
}

/// The names of the configurations that existed before a run's first create, plus those the
/// run created since: none of them can be the answer to a lost create.
#[derive(Debug, Clone, Default)]
pub struct Existing(BTreeSet<String>);

impl Existing {
    pub fn of(configurations: &[Configuration]) -> Self {
        Existing(configurations.iter().map(|c| key(&c.name)).collect())
    }

    pub fn insert(&mut self, name: &str) {
        self.0.insert(key(name));
    }

    fn contains(&self, name: &str) -> bool {
        self.0.contains(&key(name))
    }
}

/// GitHub's names are case-insensitive.
pub(super) fn key(name: &str) -> String {
    crate::model::name_key(name)
}

/// What a lost create is looked for with.
struct Look<'a> {
    org: &'a Org,
    body: &'a Body,
    before: &'a Existing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_names_compare_without_case() {
        let mut known = Existing::of(&[Configuration {
            name: "NPM_REGISTRY".into(),
            ..Configuration::default()
        }]);
        assert!(known.contains("npm_registry"));
        assert!(!known.contains("NPM_REGISTRY_2"));
        known.insert("npm_registry_2");
        assert!(known.contains("NPM_REGISTRY_2"));
    }
}
