//! A plan is a value: the steps that would bring the org to what was asked, each with the
//! change it makes and why. Building one reads (lists, looks repositories up) but never
//! writes; [`super::apply`] carries it out, and a dry run simply does not.

use anyhow::Result;

use super::change::{Action, Change, Outcome};
use super::context::Ctx;
use crate::model::{ConfigName, Configuration, Error, Fields, Refusal, RegistrySpec, Secret};

/// What to do for one configuration.
#[derive(Debug)]
pub struct Step {
    pub change: Change,
    /// How messages name the step (`registries[2] (https://…)`), for sync.
    pub label: Option<String>,
    /// The configuration acted on (update, delete).
    pub target: Option<ConfigName>,
    /// Its index in the plan's listing, when it came from one.
    pub current: Option<usize>,
    /// The fields to POST or PATCH (without the secret).
    pub body: Fields,
    pub secret: Option<Secret>,
    /// The name asked for on a create: GitHub may choose another.
    pub wanted: Option<ConfigName>,
    /// After applying: what a POST returned.
    pub created: Option<Configuration>,
    /// After applying: why it failed.
    pub failure: Option<anyhow::Error>,
}

impl Step {
    fn new(change: Change) -> Self {
        Step {
            change,
            label: None,
            target: None,
            current: None,
            body: Fields::default(),
            secret: None,
            wanted: None,
            created: None,
            failure: None,
        }
    }

    /// A step that cannot be carried out, with why (it is reported, never applied).
    pub fn failed(mut change: Change, why: String) -> Self {
        change.outcome = Outcome::Failed;
        change.error = Some(why);
        Step::new(change)
    }

    /// The field names a body writes, the secret shown as `secret`.
    fn fields_with_secret(fields: &Fields, secret: Option<&Secret>) -> Vec<String> {
        let mut names = fields.names();
        if secret.is_some() {
            names.push("secret".into());
        }
        names
    }

    /// Creates a configuration from `spec` with resolved repository ids.
    pub fn create(spec: &RegistrySpec, ids: &[u64], wanted: Option<ConfigName>) -> Self {
        let body = spec.fields(ids);
        let fields = Self::fields_with_secret(&body, spec.secret.as_ref());
        let planned = Configuration::planned(wanted.as_ref().map(ConfigName::as_str), &body);
        let mut step = Step::new(Change::of(Action::Create, &planned, fields));
        step.body = body;
        step.secret = spec.secret.clone();
        step.wanted = wanted;
        step
    }

    /// Patches `current` (named `target`) with `body`; no fields means unchanged.
    pub fn update(
        target: ConfigName,
        current: &Configuration,
        body: Fields,
        fields: Vec<String>,
        secret: Option<Secret>,
    ) -> Self {
        let action = if fields.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        };
        let mut change = Change::of(action, current, fields);
        change.name = Some(target.to_string());
        let mut step = Step::new(change);
        step.target = Some(target);
        step.body = body;
        step.secret = secret;
        step
    }

    /// Deletes `current`, named `target`.
    pub fn delete(target: ConfigName, current: &Configuration) -> Self {
        let mut change = Change::of(Action::Delete, current, Vec::new());
        change.name = Some(target.to_string());
        let mut step = Step::new(change);
        step.target = Some(target);
        step
    }
}

/// The steps, in the order they are applied, and what they were planned against.
#[derive(Debug, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// The configurations listed while planning (set, sync).
    pub listing: Vec<Configuration>,
    /// Whether `listing` was read (it may be empty): a create then need not list again.
    pub listed: bool,
    /// Sync without prune: the configurations no entry names, left alone.
    pub kept: Vec<String>,
    /// A sync plan: each failed step is said as it happens (not only in the run's error), and
    /// its deletes are prunes, confirmed by the caller before anything is applied.
    pub sync: bool,
    /// After a sync's creates: the duplicates a concurrent run made, each said with the one
    /// to delete.
    pub concurrent: Vec<String>,
}

impl Plan {
    fn one(step: Step) -> Self {
        Plan {
            steps: vec![step],
            ..Plan::default()
        }
    }
}

/// `create`: one POST (plus the key and repository look-ups).
pub fn create(ctx: &Ctx, spec: &RegistrySpec) -> Result<Plan> {
    let ids = ctx.repository_ids(spec)?;
    Ok(Plan::one(Step::create(spec, &ids, None)))
}

/// `update`: a PATCH of every given field.
pub fn update(ctx: &Ctx, name: &ConfigName, spec: &RegistrySpec) -> Result<Plan> {
    let ids = ctx.repository_ids(spec)?;
    let body = spec.fields(&ids);
    let fields = Step::fields_with_secret(&body, spec.secret.as_ref());
    let planned = Configuration::planned(Some(name.as_str()), &body);
    let step = Step::update(name.clone(), &planned, body, fields, spec.secret.clone());
    Ok(Plan::one(step))
}

/// `delete`: one DELETE; nothing is read (a dry run checks it exists, see `core::run`).
pub fn delete(name: &ConfigName) -> Plan {
    Plan::one(Step::delete(
        name.clone(),
        &Configuration {
            name: name.to_string(),
            ..Configuration::default()
        },
    ))
}

/// `set`: the idempotent create-or-update that rotation needs.
///
/// Matches by name if given, else by registry type and normalised URL; patches only what
/// differs (the secret always counts as a change); creates when nothing matches.
/// A refusal is the invalid-input error it is (exit 2), never hidden inside another error.
pub fn set(ctx: &Ctx, name: Option<&ConfigName>, spec: &RegistrySpec) -> Result<Plan, Error> {
    let listing = ctx.client.list_all(ctx.org)?.configurations;
    let matches: Vec<usize> = (0..listing.len())
        .filter(|i| matches_spec(&listing[*i], name, spec))
        .collect();
    let step = match matches.as_slice() {
        [] => set_create(ctx, name, spec)?,
        [one] => {
            let mut step = set_update(ctx, &listing[*one], spec)?;
            step.current = Some(*one);
            step
        }
        several => {
            let names: Vec<&str> = several.iter().map(|i| listing[*i].name.as_str()).collect();
            return Err(Error::Failed(anyhow::anyhow!(
                "{} configurations match registry_type {} and url {}: {}; give `name` to pick one",
                several.len(),
                spec.registry_type.map(|t| t.as_str()).unwrap_or("?"),
                spec.url.as_ref().map(|u| u.as_str()).unwrap_or("?"),
                names.join(", ")
            )));
        }
    };
    Ok(Plan {
        steps: vec![step],
        listing,
        listed: true,
        ..Plan::default()
    })
}

fn set_create(ctx: &Ctx, name: Option<&ConfigName>, spec: &RegistrySpec) -> Result<Step, Error> {
    let problems = spec.creation_problems(&ctx.input_name);
    if !problems.is_empty() {
        let what = match name {
            Some(n) => format!("no configuration named `{n}` exists"),
            None => "no configuration matches registry_type and url".to_string(),
        };
        let mut errors = vec![format!(
            "set: {what}, so one would be created, which needs more"
        )];
        errors.extend(problems);
        return Err(Error::Invalid(errors));
    }
    let ids = ctx.repository_ids(spec)?;
    Ok(Step::create(spec, &ids, name.cloned()))
}

fn set_update(ctx: &Ctx, current: &Configuration, spec: &RegistrySpec) -> Result<Step, Error> {
    let name: ConfigName = current.name.parse().map_err(|e| {
        anyhow::anyhow!("GitHub listed a configuration whose name cannot be used in a path: {e}")
    })?;
    match spec.refusal(current) {
        Some(Refusal::AuthTypeChange {
            current: auth,
            wanted,
        }) => {
            return Err(Error::invalid(format!(
                "{}: `{name}` uses auth_type {auth} and GitHub cannot change auth_type in place; delete it (operation: delete, name: {name}) and run set again to create it with {wanted}",
                (ctx.input_name)("auth_type")
            )));
        }
        Some(Refusal::SecretForOidc { current: auth }) => {
            return Err(Error::invalid(format!(
                "{}: `{name}` uses auth_type {auth}, which takes no secret; leave secret empty",
                (ctx.input_name)("secret")
            )));
        }
        None => {}
    }
    let ids = ctx.repository_ids(spec)?;
    let patch = spec.patch_for(&ids, current);
    Ok(Step::update(
        name,
        current,
        patch.body,
        patch.fields,
        spec.secret.clone(),
    ))
}

/// Whether a listed configuration is the one `set` is about.
fn matches_spec(config: &Configuration, name: Option<&ConfigName>, spec: &RegistrySpec) -> bool {
    match name {
        Some(name) => *name == *config.name,
        None => match (
            spec.registry_type,
            &spec.url,
            &config.registry_type,
            &config.url,
        ) {
            (Some(t), Some(url), Some(ct), Some(cu)) => {
                t.as_str() == ct && crate::model::types::same_url(cu, url.as_str())
            }
            _ => false,
        },
    }
}
