//! One validated manifest entry, and how messages name it (`registries[2] (https://…)`).

use super::*;

use crate::model::credential::looks_like_credential;
use crate::model::types::{ConfigName, shorten};

/// One validated `sync` manifest entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Position in the list, from 0.
    pub index: usize,
    /// The configuration name to match, when given.
    pub name: Option<ConfigName>,
    /// What the configuration should look like; `secret` filled from the manifest.
    pub spec: RegistrySpec,
    /// How a dependabot.yml entry is named: `FILE: registries.LABEL`.
    pub label: Option<String>,
}

impl Entry {
    /// `registries[2] (https://npm.example.com)`: how errors and the summary name the entry.
    pub fn label(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        describe(
            self.index,
            self.spec.url.as_ref().map(|u| u.as_str()),
            self.name.as_ref().map(ConfigName::as_str),
        )
    }
}

/// How an entry at `index` is named in messages, from its url or name.
pub fn describe(index: usize, url: Option<&str>, name: Option<&str>) -> String {
    use std::fmt::Write;
    // A URL with a user name or password before its host is named without them.
    let url = url.map(|u| match u.split_once("://") {
        Some((scheme, rest))
            if rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .contains('@') =>
        {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let host_on = rest[..end].rfind('@').map_or(rest, |at| &rest[at + 1..]);
            if host_on.len() + scheme.len() + 3 <= 60 {
                return std::borrow::Cow::Owned(format!("{scheme}://{host_on}"));
            }
            std::borrow::Cow::Owned(format!("{scheme}://{}", shorten(host_on)))
        }
        _ => std::borrow::Cow::Borrowed(u),
    });
    let url = url.as_deref();
    let what = url.filter(|u| !looks_like_credential(u)).or(name);
    let mut s = String::with_capacity(16 + what.map_or(0, str::len));
    let _ = write!(s, "registries[{index}]");
    if let Some(what) = what {
        s.push_str(" (");
        // A shortened form only when it is long (shorten copies).
        if what.len() <= 60 {
            s.push_str(what);
        } else {
            s.push_str(&shorten(what));
        }
        s.push(')');
    }
    s
}
