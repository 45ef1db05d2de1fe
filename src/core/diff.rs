//! `diff`: a manifest compared with the org, writing nothing. The sync plan (with prune) is
//! made and read instead of applied: a create is a configuration the org is missing, an update
//! the fields that differ (manifest value → org value), a prune delete one the manifest lacks.
//! Secrets are never compared (GitHub never returns them), nor repository ids where GitHub
//! does not report them.

use anyhow::Result;
use serde::Serialize;

use super::change::{Action, Outcome};
use super::context::Ctx;
use super::plan::Step;
use super::sync;
use crate::model::{Configuration, Entry};

/// One configuration that is not as the manifest says.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// `missing` (in the manifest, not the org), `changed`, `extra` (in the org only), or
    /// `conflict` (cannot be brought in line by a sync; `note` says why).
    pub state: &'static str,
    /// The manifest entry, as messages name it (none for `extra`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The fields that differ (`changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDrift>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One field: what the manifest says, what the org has.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDrift {
    pub field: String,
    pub manifest: Option<String>,
    pub org: Option<String>,
}

/// The differences, in manifest order then the extras; empty when in sync.
pub fn diff(ctx: &Ctx, entries: &[Entry]) -> Result<Vec<Drift>> {
    let plan = sync::plan(ctx, entries, true)?;
    Ok(plan
        .steps
        .iter()
        .filter_map(|step| drift_of(step, &plan.listing))
        .collect())
}

fn drift_of(step: &Step, listing: &[Configuration]) -> Option<Drift> {
    let c = &step.change;
    let mut drift = Drift {
        state: "changed",
        entry: step.label.clone().filter(|_| c.entry.is_some()),
        name: c.name.clone(),
        registry_type: c.registry_type.clone(),
        url: c.url.clone(),
        fields: Vec::new(),
        note: None,
    };
    if c.outcome == Outcome::Failed {
        drift.state = "conflict";
        drift.note = c.error.clone();
        return Some(drift);
    }
    match c.action {
        Action::Create => drift.state = "missing",
        Action::Delete => {
            drift.state = "extra";
            drift.entry = None;
        }
        Action::Unchanged => return None,
        Action::Update => {
            let current = step.current.and_then(|i| listing.get(i))?;
            drift.fields = c
                .fields
                .iter()
                .filter(|f| *f != "secret")
                .filter(|f| {
                    *f != "selected_repository_ids" || current.selected_repository_ids.is_some()
                })
                .map(|f| FieldDrift {
                    field: f.clone(),
                    manifest: step.body.value_of(f),
                    org: current.value_of(f),
                })
                .collect();
            if drift.fields.is_empty() {
                return None;
            }
        }
    }
    Some(drift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::change::Change;
    use crate::model::{Fields, Visibility};

    fn config(name: &str, visibility: &str) -> Configuration {
        serde_json::from_value(serde_json::json!({
            "name": name, "registry_type": "npm_registry",
            "url": "https://npm.example.com/", "visibility": visibility
        }))
        .expect("configuration")
    }

    fn update(listing: &[Configuration], fields: &[&str], body: Fields) -> Step {
        let name = listing[0].name.parse().expect("name");
        let mut step = Step::update(
            name,
            &listing[0],
            body,
            fields.iter().map(|f| f.to_string()).collect(),
            None,
        );
        step.current = Some(0);
        step
    }

    #[test]
    fn an_update_is_drift_in_its_fields_but_a_rotation_alone_is_not() {
        let listing = [config("NPM", "all")];
        let body = Fields {
            visibility: Some(Visibility::Private),
            ..Fields::default()
        };
        let drift =
            drift_of(&update(&listing, &["visibility", "secret"], body), &listing).expect("drift");
        assert_eq!(drift.state, "changed");
        assert_eq!(drift.fields.len(), 1, "the secret is never drift");
        assert_eq!(drift.fields[0].field, "visibility");
        assert_eq!(drift.fields[0].manifest.as_deref(), Some("private"));
        assert_eq!(drift.fields[0].org.as_deref(), Some("all"));
        let rotation = update(&listing, &["secret"], Fields::default());
        assert!(drift_of(&rotation, &listing).is_none());
    }

    #[test]
    fn a_delete_is_extra_a_create_missing_and_a_failed_step_a_conflict() {
        let listing = [config("OLD", "all")];
        let extra = Step::delete("OLD".parse().expect("name"), &listing[0]);
        assert_eq!(drift_of(&extra, &listing).expect("extra").state, "extra");
        let spec = crate::model::RegistrySpec::default();
        let create = Step::create(&spec, &[], None);
        assert_eq!(
            drift_of(&create, &listing).expect("missing").state,
            "missing"
        );
        let failed = Step::failed(
            Change::of(Action::Create, &listing[0], Vec::new()),
            "registries[0]: matches twice".into(),
        );
        let conflict = drift_of(&failed, &listing).expect("conflict");
        assert_eq!(conflict.state, "conflict");
        assert_eq!(
            conflict.note.as_deref(),
            Some("registries[0]: matches twice")
        );
    }
}
