//! What the command line reads besides its arguments: the secret (`--secret-stdin`, its hidden
//! prompt, `--secret-env`), files or standard input, and a manifest with its secrets and overlay.

use super::*;

use crate::front::audience::Audience;
use crate::front::env::Env;
use crate::front::files;
use crate::front::manifest;
use crate::front::secrets::{Need, Secrets};
use crate::front::shared::{self};

/// The secret from `--secret-stdin` (or its hidden prompt) or `--secret-env`; never a flag
/// value. Errors name the flag or the variable, never a value.
pub(super) fn secret(r: &Registry, env: &Env) -> Result<Option<String>, String> {
    if r.secret_stdin {
        return prompt::read_secret()
            .map_err(|e| format!("`--secret-stdin`: {e}"))
            .and_then(|s| match s.is_empty() {
                true => Err("`--secret-stdin`: standard input held no secret".to_string()),
                false => Ok(Some(s)),
            });
    }
    let Some(var) = &r.secret_env else {
        return Ok(None);
    };
    shared::env_var_name(var).map_err(|e| format!("`--secret-env`: {e}"))?;
    env.get(var)
        .map(|v| Some(v.to_string()))
        .ok_or_else(|| format!("`--secret-env`: the environment variable {var} is unset or empty"))
}

/// A file's text, or standard input for `-`; the error names the flag.
pub(super) fn read_text(path: &std::path::Path, flag: &str) -> Result<String, String> {
    if path.as_os_str() == "-" {
        return files::read_bounded(std::io::stdin(), files::MAX_FILE)
            .map_err(|e| format!("`{flag}`: standard input: {e}"));
    }
    files::read_regular(path, files::MAX_FILE).map_err(|e| format!("`{flag}`: {e}"))
}

/// The manifest, with its secrets (a `--secrets-file`, else the environment) and overlay.
pub(super) fn read_manifest(
    m: &Manifest,
    env: &Env,
    need: Need,
    unresolved: &mut Vec<String>,
) -> Result<Vec<crate::model::Entry>, Vec<String>> {
    let text = read_text(&m.registries, "--registries").map_err(|e| vec![e])?;
    let secrets = match &m.secrets_file {
        Some(path) => {
            let raw = read_text(path, "--secrets-file").map_err(|e| vec![e])?;
            Secrets::from_file_text(&raw, "`--secrets-file`").map_err(|e| vec![e])?
        }
        None => Secrets::from_env(),
    }
    .needing(need)
    .speaking_to(Audience::Cli);
    let overlay = match &m.overlay {
        Some(path) => Some(read_text(path, "--overlay").map_err(|e| vec![e])?),
        None => None,
    };
    let origin = if m.registries.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        m.registries.display().to_string()
    };
    let parsed = manifest::parse_source(&manifest::Source {
        text: &text,
        origin,
        env,
        secrets: &secrets,
        overlay: overlay.as_deref(),
    });
    *unresolved = secrets.unresolved();
    parsed
}
