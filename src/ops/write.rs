//! The writing operations: `create`, `update`, `set` (idempotent create-or-update) and `delete`.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value};

use super::{Action, Change, Ctx, Outcome, registries_table, report_changes};
use crate::inputs::InputError;
use crate::outputs::{Reporter, warning};
use crate::registry::{Patch, Refusal, RegistrySpec};
use crate::types::ConfigName;

fn input(key: &str) -> String {
    format!("input `{key}`")
}

/// The body to POST: every given field, plus the sealed secret for token/username_password.
fn creation_body(ctx: &Ctx, spec: &RegistrySpec, ids: &[u64]) -> Result<Map<String, Value>> {
    let mut body = spec.fields(ids);
    if let Some(secret) = &spec.secret {
        let (key_id, sealed) = ctx.seal(secret)?;
        body.insert("encrypted_value".into(), sealed.into());
        body.insert("key_id".into(), key_id.into());
    }
    Ok(body)
}

/// The field names a body writes, for `changes` (the sealed value shown as `secret`).
fn written_fields(body: &Map<String, Value>, spec: &RegistrySpec) -> Vec<String> {
    let mut fields: Vec<String> = body
        .keys()
        .filter(|k| !matches!(k.as_str(), "encrypted_value" | "key_id"))
        .cloned()
        .collect();
    if spec.secret.is_some() {
        fields.push("secret".into());
    }
    fields
}

/// Reports a write that failed (`changes` and the summary say `note`) and returns its error
/// with `context` added.
fn report_failure(
    report: &mut Reporter,
    title: &str,
    mut change: Change,
    note: &str,
    error: anyhow::Error,
    context: String,
) -> anyhow::Error {
    change.outcome = Outcome::Failed;
    change.error = Some(note.into());
    report_changes(report, title, &[change], false);
    error.context(context)
}

/// A configuration-shaped value for changes and dry-run reports, from what was asked.
fn planned_config(spec: &RegistrySpec, ids: &[u64], name: Option<&str>) -> Value {
    let mut m = spec.fields(ids);
    if let Some(name) = name {
        m.insert("name".into(), name.into());
    }
    Value::Object(m)
}

/// Creates a configuration (key + POST: 2 requests; 1 for OIDC) and reports it.
fn create_and_report(
    ctx: &Ctx,
    spec: &RegistrySpec,
    ids: &[u64],
    report: &mut Reporter,
) -> Result<Value> {
    let planned = planned_config(spec, ids, None);
    let mut change = Change::of(
        Action::Create,
        &planned,
        written_fields(&spec.fields(ids), spec),
    );
    if ctx.dry_run {
        report.text("result", "planned");
        report_changes(report, "Create private registry", &[change], true);
        return Ok(planned);
    }
    let outcome =
        creation_body(ctx, spec, ids).and_then(|body| ctx.client.create(&Value::Object(body)));
    match outcome {
        Ok(created) => {
            change.name = created
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
            change.outcome = Outcome::Applied;
            report.text("result", "created");
            if let Some(n) = &change.name {
                report.text("name", n.clone());
            }
            report_changes(report, "Created private registry", &[change], false);
            report.summary(&registries_table(std::slice::from_ref(&created)));
            report.json("registry", created.clone());
            Ok(created)
        }
        Err(e) => Err(report_failure(
            report,
            "Create private registry",
            change,
            "not created",
            e,
            "nothing was created".into(),
        )),
    }
}

/// `create`.
pub fn create(ctx: &Ctx, spec: &RegistrySpec, report: &mut Reporter) -> Result<()> {
    let ids = ctx.repository_ids(spec)?;
    create_and_report(ctx, spec, &ids, report).map(drop)
}

/// PATCHes `body` (plus the sealed secret), then reads the configuration back for the output.
fn patch_and_report(
    ctx: &Ctx,
    name: &ConfigName,
    mut body: Map<String, Value>,
    spec: &RegistrySpec,
    mut change: Change,
    report: &mut Reporter,
) -> Result<()> {
    if ctx.dry_run {
        report.text("result", "planned");
        report.text("name", name.as_str());
        report_changes(report, "Update private registry", &[change], true);
        return Ok(());
    }
    let written = (|| {
        if let Some(secret) = &spec.secret {
            let (key_id, sealed) = ctx.seal(secret)?;
            body.insert("encrypted_value".into(), sealed.into());
            body.insert("key_id".into(), key_id.into());
        }
        ctx.client.update(name, &Value::Object(body))
    })();
    if let Err(e) = written {
        let context = format!("`{name}` was not updated");
        return Err(report_failure(
            report,
            "Update private registry",
            change,
            "not updated",
            e,
            context,
        ));
    }
    change.outcome = Outcome::Applied;
    report.text("result", "updated");
    report.text("name", name.as_str());
    report_changes(report, "Updated private registry", &[change], false);
    let config = ctx
        .client
        .get(name)
        .with_context(|| format!("`{name}` was updated, but reading it back failed"))?;
    report.summary(&registries_table(std::slice::from_ref(&config)));
    report.json("registry", config);
    Ok(())
}

/// `update`: sends only the given fields (key + PATCH + read-back: at most 3 requests).
pub fn update(
    ctx: &Ctx,
    name: &ConfigName,
    spec: &RegistrySpec,
    report: &mut Reporter,
) -> Result<()> {
    let ids = ctx.repository_ids(spec)?;
    let body = spec.fields(&ids);
    let mut change = Change::of(
        Action::Update,
        &planned_config(spec, &ids, Some(name.as_str())),
        written_fields(&body, spec),
    );
    change.name = Some(name.to_string());
    patch_and_report(ctx, name, body, spec, change, report)
}

/// `set`: the idempotent create-or-update that rotation needs.
///
/// Matches by name if given, else by registry type and normalised URL; patches only what
/// differs (the secret always counts as a change); creates when nothing matches.
pub fn set(
    ctx: &Ctx,
    name: Option<&ConfigName>,
    spec: &RegistrySpec,
    report: &mut Reporter,
) -> Result<()> {
    let listing = ctx.client.list_all()?;
    let matches: Vec<&Value> = listing
        .configurations
        .iter()
        .filter(|c| matches_spec(c, name, spec))
        .collect();
    let current = match matches.as_slice() {
        [] => None,
        [one] => Some(*one),
        several => {
            let names: Vec<&str> = several
                .iter()
                .filter_map(|c| c.get("name").and_then(Value::as_str))
                .collect();
            bail!(
                "{} configurations match registry_type {} and url {}: {}; give `name` to pick one",
                several.len(),
                spec.registry_type.map(|t| t.as_str()).unwrap_or("?"),
                spec.url.as_ref().map(|u| u.as_str()).unwrap_or("?"),
                names.join(", ")
            );
        }
    };

    let Some(current) = current else {
        let problems = spec.creation_problems(&input);
        if !problems.is_empty() {
            let what = match name {
                Some(n) => format!("no configuration named `{n}` exists"),
                None => "no configuration matches registry_type and url".to_string(),
            };
            let mut errors = vec![format!(
                "operation set: {what}, so one would be created, which needs more inputs"
            )];
            errors.extend(problems);
            return Err(InputError(errors).into());
        }
        let ids = ctx.repository_ids(spec)?;
        let created = create_and_report(ctx, spec, &ids, report)?;
        if let (Some(wanted), Some(got)) = (name, created.get("name").and_then(Value::as_str))
            && !ctx.dry_run
            && wanted.as_str() != got
        {
            warning(&format!(
                "asked for `{wanted}`, GitHub named the new configuration `{got}`; use that name from now on"
            ));
        }
        return Ok(());
    };

    let current_name: ConfigName = current
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("GitHub listed a configuration without a name"))?
        .parse()
        .map_err(|e| {
            anyhow!("GitHub listed a configuration whose name cannot be used in a path: {e}")
        })?;
    match spec.refusal(current) {
        Some(Refusal::AuthTypeChange {
            current: auth,
            wanted,
        }) => {
            return Err(InputError(vec![format!(
                "{}: `{current_name}` uses auth_type {auth} and GitHub cannot change auth_type in place; delete it (operation: delete, name: {current_name}) and run set again to create it with {wanted}",
                input("auth_type")
            )])
            .into());
        }
        Some(Refusal::SecretForOidc { current: auth }) => {
            return Err(InputError(vec![format!(
                "{}: `{current_name}` uses auth_type {auth}, which takes no secret; leave secret empty",
                input("secret")
            )])
            .into());
        }
        None => {}
    }

    let ids = ctx.repository_ids(spec)?;
    let Patch { body, fields } = spec.patch_for(&ids, current);
    let mut change = Change::of(Action::Update, current, fields);
    if change.fields.is_empty() {
        change.action = Action::Unchanged;
        change.outcome = Outcome::Applied;
        report.text("result", "unchanged");
        report.text("name", current_name.as_str());
        report_changes(
            report,
            "Private registry already up to date",
            &[change],
            ctx.dry_run,
        );
        report.summary(&registries_table(std::slice::from_ref(current)));
        report.json("registry", current.clone());
        return Ok(());
    }
    patch_and_report(ctx, &current_name, body, spec, change, report)
}

/// Whether a listed configuration is the one `set` is about.
fn matches_spec(config: &Value, name: Option<&ConfigName>, spec: &RegistrySpec) -> bool {
    let s = |k: &str| config.get(k).and_then(Value::as_str);
    match name {
        Some(name) => s("name").is_some_and(|n| n.eq_ignore_ascii_case(name.as_str())),
        None => match (spec.match_key(), s("registry_type"), s("url")) {
            (Some((t, url)), Some(ct), Some(cu)) => {
                t.as_str() == ct && crate::types::normalize_url(cu) == url
            }
            _ => false,
        },
    }
}

/// `delete` (1 request; a dry run checks the configuration exists with one GET instead).
pub fn delete(ctx: &Ctx, name: &ConfigName, report: &mut Reporter) -> Result<()> {
    let subject = serde_json::json!({ "name": name.as_str() });
    let mut change = Change::of(Action::Delete, &subject, Vec::new());
    report.text("name", name.as_str());
    if ctx.dry_run {
        let current = ctx.client.get(name)?;
        let mut change = Change::of(Action::Delete, &current, Vec::new());
        change.outcome = Outcome::Planned;
        report.text("result", "planned");
        report_changes(report, "Delete private registry", &[change], true);
        return Ok(());
    }
    match ctx.client.delete(name) {
        Ok(()) => {
            change.outcome = Outcome::Applied;
            report.text("result", "deleted");
            report_changes(report, "Deleted private registry", &[change], false);
            Ok(())
        }
        Err(e) => {
            let context = format!("`{name}` was not deleted");
            Err(report_failure(
                report,
                "Delete private registry",
                change,
                "not deleted",
                e,
                context,
            ))
        }
    }
}
