//! What the runner is told to mask before anything else is printed: the token, the secret, and
//! the secrets of a manifest, read leniently so that masking happens even when validation fails.

use crate::front::env::Env;
use crate::front::files;
use crate::front::mask;
use crate::front::secrets::Secrets;
use crate::front::shared::{self};
use crate::model::{Secret, credential};

/// The values to mask before anything is printed: the token, the secret, and the secrets of
/// a `registries` manifest (literal `secret` values and the `secret_env` variables).
///
/// Read straight from the environment, leniently, so masking happens even when validation fails.
pub fn values_to_mask(env: &Env) -> Vec<Secret> {
    let mut values: Vec<Secret> = ["INPUT_TOKEN", "INPUT_SECRET", "INPUT_APP_PRIVATE_KEY"]
        .iter()
        .filter_map(|k| env.get(k))
        .map(|v| Secret::new(v.to_string()))
        .collect();
    if let Some(text) = env.get("INPUT_REGISTRIES") {
        values.extend(mask::secrets_to_mask(text, env));
    }
    // A credential pasted where no secret belongs (a name, a URL, the manifest's `username`)
    // is masked at once too, before the error that refuses it.
    for (var, value) in env.vars() {
        if var.starts_with("INPUT_")
            && !matches!(var, "INPUT_CA_CERTIFICATE" | "INPUT_APP_PRIVATE_KEY")
        {
            let found = credential::credentials_in(value);
            values.extend(found.into_iter().map(|w| Secret::new(w.to_string())));
        }
    }
    if let Some(Ok(path)) = env
        .get("INPUT_REGISTRIES_FILE")
        .map(|p| shared::in_workspace(p, env.path("GITHUB_WORKSPACE").as_deref()))
        && let Ok(text) = files::read_regular(&path, files::MAX_FILE)
    {
        values.extend(mask::secrets_to_mask(&text, env));
        let found = credential::credentials_in(&text);
        values.extend(found.into_iter().map(|w| Secret::new(w.to_string())));
    }
    if let Some(Ok(secrets)) = env
        .get("INPUT_SECRETS")
        .map(|t| Secrets::from_json(t, "input `secrets`"))
    {
        values.extend(secrets.values());
    }
    values
}
