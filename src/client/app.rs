//! Signing in as a GitHub App, one org at a time: a JWT (RS256; `iat` 60 s in the past, `exp`
//! 10 minutes after `iat`) → `GET /orgs/{org}/installation` → `POST
//! /app/installations/{id}/access_tokens` asking for the least the operation needs → that
//! token, masked before anything else, used for this org only, and revoked (`DELETE
//! /installation/token`) when the org is done; on a signal, [`Revoker`] revokes it from the
//! reporter's thread.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Result, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::WriteError;
use super::decode::decode;
use super::judge::Call;
use super::{Client, to_json};
use crate::model::auth::{App, Permissions};
use crate::model::{Event, Org, Secret};

/// How long the reporter of a cancelled run waits for the revocation.
const REVOKE_TIMEOUT: Duration = Duration::from_secs(3);

/// The installation token in use, for the reporter of a cancelled run to revoke: shared across
/// threads, empty when no App token is live.
#[derive(Clone, Default)]
pub struct Revoker(Arc<Mutex<Option<Live>>>);

struct Live {
    agent: ureq::Agent,
    url: String,
    token: Secret,
    api_version: &'static str,
}

impl std::fmt::Debug for Revoker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Revoker(***)")
    }
}

impl Revoker {
    fn set(&self, live: Option<Live>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = live;
    }

    /// Revokes the live token, if any (once, within a few seconds, best effort); whether one
    /// was revoked.
    pub fn revoke_now(&self) -> bool {
        let Some(live) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return false;
        };
        let auth = zeroize::Zeroizing::new(format!("Bearer {}", live.token.expose()));
        live.agent
            .delete(&live.url)
            .config()
            .timeout_global(Some(REVOKE_TIMEOUT))
            .build()
            .header("Authorization", auth.as_str())
            .header("X-GitHub-Api-Version", live.api_version)
            .call()
            .is_ok_and(|r| r.status().as_u16() == 204)
    }
}

#[derive(Deserialize)]
struct Installation {
    id: u64,
}

#[derive(Deserialize)]
struct AccessToken {
    token: String,
}

impl Client {
    /// Signs in for `org`: from here on every request carries a token of that org's
    /// installation with exactly `permissions`. The JWT and the token are masked first.
    pub fn sign_in(&self, org: &Org, app: &App, permissions: Permissions) -> Result<()> {
        let jwt = jwt(app, SystemTime::now()).map_err(|e| anyhow!("app_private_key: {e}"))?;
        (self.notify)(Event::Mask(jwt.clone()));
        *self.wire.token.borrow_mut() = jwt;
        let not_installed = format!(
            "the GitHub App {} is not installed on the org `{org}` (or the org does not exist); an owner of `{org}` installs it from the App's public page (Install App) or its settings (Install App → `{org}`), with the permission \"Organization private registries\"",
            app.id.as_str()
        );
        let path = format!("/orgs/{org}/installation");
        let installation: Installation = self.get_json(&path, &not_installed)?;
        let path = format!("/app/installations/{}/access_tokens", installation.id);
        let level = if permissions.write { "write" } else { "read" };
        let hint = format!("the installation of the App on `{org}` is gone; install it again");
        let call = Call {
            method: "POST",
            path: &path,
            hint_404: &hint,
        };
        let response = self.call(&call, Some(&to_json(&permissions.body())?)).map_err(|e| {
            e.into_anyhow().context(format!(
                "the App could not get a token for `{org}` with \"Organization private registries: {level}\"{}{}; check the App has that permission and `{org}` accepted it",
                if permissions.metadata { ", \"Metadata: read\"" } else { "" },
                if permissions.contents { ", \"Contents: read\"" } else { "" }
            ))
        })?;
        let minted: AccessToken = decode("POST", &path, &response)?;
        let token = Secret::new(minted.token);
        (self.notify)(Event::Mask(token.clone()));
        *self.wire.token.borrow_mut() = token.clone();
        self.revoker.set(Some(Live {
            agent: self.wire.agent.clone(),
            url: format!("{}/installation/token", self.wire.base),
            token,
            api_version: self.wire.api_version.get(),
        }));
        Ok(())
    }

    /// Revokes the org's token (`DELETE /installation/token`); nothing is sent after it until
    /// the next sign-in.
    pub fn sign_out(&self) -> Result<()> {
        self.revoker.set(None);
        let hint = "the token was already gone".to_string();
        let call = Call {
            method: "DELETE",
            path: "/installation/token",
            hint_404: &hint,
        };
        let revoked = self
            .call(&call, None)
            .map(drop)
            .map_err(WriteError::into_anyhow);
        *self.wire.token.borrow_mut() = Secret::new(String::new());
        revoked
    }
}

/// The App's JWT: RS256, `iat` 60 s in the past (clock drift), `exp` 10 minutes after `iat`
/// (GitHub's limit), `iss` the App's id.
fn jwt(app: &App, now: SystemTime) -> Result<Secret, String> {
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970".to_string())?
        .as_secs();
    let iat = now.saturating_sub(60);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = serde_json::json!({ "iat": iat, "exp": iat + 600, "iss": app.id.as_str() });
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{claims}");
    let signature = app.key.sign(signing_input.as_bytes())?;
    Ok(Secret::new(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::auth::{AppId, AppKey};

    const KEY: &str = include_str!("../../tests/fixtures/app-key-pkcs1.pem");

    #[test]
    fn the_jwt_is_rs256_with_githubs_claims_and_verifies() {
        let key = AppKey::parse(KEY).unwrap();
        let app = App {
            id: AppId::parse("Iv23liTEST").unwrap(),
            key: key.clone(),
        };
        let at = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = jwt(&app, at).unwrap();
        let parts: Vec<&str> = token.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header, serde_json::json!({"alg": "RS256", "typ": "JWT"}));
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({"iat": 1_799_999_940u64, "exp": 1_800_000_540u64, "iss": "Iv23liTEST"})
        );
        let public = key.public_key_der();
        let verify = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            public,
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        assert!(verify.verify(signed.as_bytes(), &signature).is_ok());
    }
}
