//! What a write does to a configuration, as far as this tool can tell before GitHub answers.

use super::*;

use crate::model::answers::Configuration;

/// What a write does to a configuration, as far as this tool can tell before GitHub answers.
impl Configuration {
    /// What a configuration created from `fields` looks like, before GitHub answers.
    pub fn planned(name: Option<&str>, fields: &Fields) -> Self {
        let mut c = Configuration {
            name: name.unwrap_or_default().to_string(),
            ..Configuration::default()
        };
        c.merge(fields);
        c
    }

    /// Writes `fields` over this configuration (what a PATCH does).
    pub fn merge(&mut self, f: &Fields) {
        if let Some(t) = f.registry_type {
            self.registry_type = Some(t.as_str().into());
        }
        if let Some(u) = &f.url {
            self.url = Some(u.clone());
        }
        if let Some(u) = &f.username {
            self.username = Some(u.clone());
        }
        if let Some(b) = f.replaces_base {
            self.replaces_base = Some(b);
        }
        if let Some(v) = f.visibility {
            self.visibility = Some(v.as_str().into());
        }
        if let Some(ids) = &f.selected_repository_ids {
            self.selected_repository_ids = Some(ids.clone());
        }
        if let Some(a) = f.auth_type {
            self.auth_type = Some(a.as_str().into());
        }
        for (k, v) in &f.oidc {
            self.oidc.0.insert(*k, v.clone());
        }
    }
}
