//! What a PATCH must send to bring a configuration to a spec, and why one cannot.

use super::*;

use crate::model::answers::Configuration;
use crate::model::types::{AuthType, Visibility};

/// Why a configuration cannot be brought to a spec by a PATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// GitHub cannot change `auth_type` in place.
    AuthTypeChange { current: String, wanted: AuthType },
    /// A secret was given for a configuration whose auth type takes none.
    SecretForOidc { current: String },
}

/// What a PATCH must send to bring a configuration to a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The fields to send (never the secret; the caller seals and adds it).
    pub body: Fields,
    /// The field names written, with `secret` standing for the sealed value; empty: unchanged.
    pub fields: Vec<String>,
}

impl RegistrySpec {
    /// Why the configuration GitHub reports cannot be patched to this spec, if it cannot.
    /// Checked before anything is looked up or sealed.
    pub fn refusal(&self, current: &Configuration) -> Option<Refusal> {
        let current_auth = current.auth();
        if let Some(wanted) = self.auth_type
            && wanted.as_str() != current_auth
        {
            return Some(Refusal::AuthTypeChange {
                current: current_auth.to_string(),
                wanted,
            });
        }
        if self.secret.is_some()
            && current_auth
                .parse::<AuthType>()
                .is_ok_and(AuthType::is_oidc)
        {
            return Some(Refusal::SecretForOidc {
                current: current_auth.to_string(),
            });
        }
        None
    }

    /// The PATCH that brings the configuration GitHub reports to this spec (once
    /// [`RegistrySpec::refusal`] is `None`): only the fields that differ, plus the secret when
    /// given (a rotation always writes).
    pub fn patch_for(&self, repository_ids: &[u64], current: &Configuration) -> Patch {
        let desired = self.fields(repository_ids);
        let mut fields = desired.changed(current);
        let mut body = if fields.is_empty() {
            Fields::default()
        } else {
            desired.only(&fields)
        };
        if body.selected_repository_ids.is_some() {
            // GitHub takes repository ids only together with visibility selected.
            body.visibility = Some(Visibility::Selected);
        }
        if self.secret.is_some() {
            fields.push("secret".into());
        }
        Patch { body, fields }
    }
}
