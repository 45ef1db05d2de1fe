//! Where the command line finds what `gh` users expect: the host (`--hostname`, `GH_HOST`), the
//! API URL, the token (`GH_TOKEN`, `GITHUB_TOKEN`, `GH_ENTERPRISE_TOKEN`, else `gh auth token`)
//! and the org (`--org`, else the owner in `GH_REPO`). Never a token flag: argv is public.

use std::process::{Command, Stdio};

use crate::front::env::Env;
use crate::model::ApiError;

/// Where the token came from, for advice when GitHub refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env(&'static str),
    Gh,
    /// A GitHub App's installation token, minted per org.
    App,
}

/// The host: `--hostname`, else `GH_HOST`, else github.com.
pub fn hostname(flag: Option<&str>, env: &Env) -> String {
    flag.or_else(|| env.get("GH_HOST"))
        .unwrap_or("github.com")
        .trim()
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

fn is_dotcom(host: &str) -> bool {
    host == "github.com" || host == "api.github.com"
}

/// The API URL: `--api-url`, else `GITHUB_API_URL`, else the host's (GHES: `/api/v3`).
pub fn api_url(flag: Option<&str>, host: &str, env: &Env) -> String {
    if let Some(url) = flag.or_else(|| env.get("GITHUB_API_URL")) {
        return url.to_string();
    }
    if is_dotcom(host) {
        "https://api.github.com".to_string()
    } else {
        format!("https://{host}/api/v3")
    }
}

/// The token from the environment, else from `gh auth token` (when `gh` is installed).
pub fn token(host: &str, env: &Env) -> Option<(String, TokenSource)> {
    let names: &[&'static str] = if is_dotcom(host) {
        &["GH_TOKEN", "GITHUB_TOKEN"]
    } else {
        &[
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ]
    };
    for name in names {
        if let Some(value) = env.get(name) {
            return Some((value.to_string(), TokenSource::Env(name)));
        }
    }
    gh_auth_token(host, env).map(|t| (t, TokenSource::Gh))
}

/// `gh auth token --hostname HOST`, if gh is on PATH and logged in.
fn gh_auth_token(host: &str, env: &Env) -> Option<String> {
    let mut gh = Command::new("gh");
    gh.args(["auth", "token", "--hostname", host])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .env_clear();
    for (k, v) in env.vars() {
        gh.env(k, v);
    }
    let out = gh.output().ok()?;
    if !out.status.success() {
        return None;
    }
    let token = String::from_utf8(out.stdout).ok()?;
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// The org: `--org`, else the owner in `GH_REPO` (`OWNER/REPO` or `HOST/OWNER/REPO`).
pub fn org(flags: &[String], env: &Env) -> Option<Vec<String>> {
    if !flags.is_empty() {
        return Some(flags.to_vec());
    }
    let repo = env.get("GH_REPO")?;
    let parts: Vec<&str> = repo.trim().split('/').collect();
    (parts.len() >= 2).then(|| vec![parts[parts.len() - 2].to_string()])
}

/// What to run when GitHub refused a `gh` login's token for lack of `admin:org`.
pub fn advice(api: &ApiError, source: &TokenSource, host: &str) -> Option<String> {
    if !matches!(api.status, 403 | 404) {
        return None;
    }
    // `x-oauth-scopes` is sent for classic and OAuth tokens only (gh's are OAuth tokens).
    let has_admin = api
        .scopes
        .as_ref()
        .map(|(have, _)| have.split(',').any(|s| s.trim() == "admin:org"));
    match (source, has_admin) {
        // An App's token has no scopes: decode.rs says which permission a 403 lacked.
        (TokenSource::App, _) | (_, Some(true)) | (TokenSource::Env(_), None) => None,
        (TokenSource::Gh, _) => Some(format!(
            "the token of your gh login lacks the admin:org scope that private registries need (a default `gh auth login` does not ask for it); run:\n  gh auth refresh -h {host} -s admin:org"
        )),
        (TokenSource::Env(name), Some(false)) => Some(format!(
            "the token in {name} lacks the admin:org scope; use a classic PAT with admin:org, or a fine-grained token with the organization permission \"Organization private registries\""
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_api_url_and_org_follow_gh() {
        let env: Env = [
            ("GH_HOST", "GHE.example.com"),
            ("GH_REPO", "ghe.example.com/acme/web"),
        ]
        .into_iter()
        .collect();
        let host = hostname(None, &env);
        assert_eq!(host, "ghe.example.com");
        assert_eq!(api_url(None, &host, &env), "https://ghe.example.com/api/v3");
        assert_eq!(
            api_url(None, "github.com", &Env::default()),
            "https://api.github.com"
        );
        assert_eq!(org(&[], &env), Some(vec!["acme".to_string()]));
        let given = ["other".to_string(), "third".to_string()];
        assert_eq!(org(&given, &env), Some(given.to_vec()));
        assert_eq!(org(&[], &Env::default()), None);
    }

    #[test]
    fn tokens_come_from_the_environment_first() {
        let env: Env = [("GITHUB_TOKEN", "b"), ("GH_TOKEN", "a"), ("PATH", "")]
            .into_iter()
            .collect();
        assert_eq!(
            token("github.com", &env),
            Some(("a".into(), TokenSource::Env("GH_TOKEN")))
        );
        let env: Env = [("GH_ENTERPRISE_TOKEN", "e"), ("GH_TOKEN", "a")]
            .into_iter()
            .collect();
        assert_eq!(
            token("ghe.example.com", &env),
            Some(("e".into(), TokenSource::Env("GH_ENTERPRISE_TOKEN")))
        );
    }
}
