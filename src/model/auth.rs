//! How a run signs in: a token, or a GitHub App (its id and private key), which mints one
//! short-lived installation token per org asking for the least the operation needs. The key is
//! parsed here, before any request; its text never reaches a message.

use std::fmt;
use std::sync::Arc;

use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivatePkcs1KeyDer, PrivatePkcs8KeyDer};

use super::types::Secret;

/// How the run signs in.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A classic or fine-grained token, or an installation token minted elsewhere.
    Token(Secret),
    /// A GitHub App, signed in per org.
    App(App),
}

/// A GitHub App: the JWT issuer (its numeric id or its Client ID) and its private key.
#[derive(Debug, Clone)]
pub struct App {
    pub id: AppId,
    pub key: AppKey,
}

/// The App's numeric ID (`123456`) or its Client ID (`Iv23li…`), which GitHub now recommends
/// as the JWT issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppId(String);

impl AppId {
    pub fn parse(s: &str) -> Result<AppId, String> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        if ok {
            Ok(AppId(s.to_string()))
        } else {
            Err("is not a GitHub App id; allowed: the App's numeric ID (e.g. 123456) or its Client ID (e.g. Iv23liABCDEF), from the App's settings page".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The App's RSA private key, parsed; `Debug` prints `***`.
#[derive(Clone)]
pub struct AppKey(Arc<RsaKeyPair>);

impl fmt::Debug for AppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl AppKey {
    /// A PEM key as GitHub downloads it (PKCS#1 `RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`);
    /// the error never quotes the text. The PEM's decoded bytes are zeroized here.
    pub fn parse(pem: &str) -> Result<AppKey, String> {
        let pem = pem.trim();
        if !pem.contains("-----BEGIN") {
            return Err("is not a PEM private key (no -----BEGIN line); pass the .pem file the App's settings page downloads, whole".to_string());
        }
        let parsed = if pem.contains("BEGIN RSA PRIVATE KEY") {
            PrivatePkcs1KeyDer::from_pem_slice(pem.as_bytes())
                .map_err(|_| "holds an RSA PRIVATE KEY block that does not decode".to_string())
                .and_then(|der| {
                    RsaKeyPair::from_der(der.secret_pkcs1_der()).map_err(|e| rejected(&e))
                })
        } else if pem.contains("BEGIN PRIVATE KEY") {
            PrivatePkcs8KeyDer::from_pem_slice(pem.as_bytes())
                .map_err(|_| "holds a PRIVATE KEY block that does not decode".to_string())
                .and_then(|der| {
                    RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()).map_err(|e| rejected(&e))
                })
        } else {
            Err("is not an RSA private key (a GitHub App's key is RSA, a PEM block headed `RSA PRIVATE KEY` as the App's settings page downloads it, or PKCS#8 `PRIVATE KEY`)".to_string())
        };
        parsed.map(|k| AppKey(Arc::new(k)))
    }

    /// The public half, DER (PKCS#1 `RSAPublicKey`), as GitHub checks the JWT with it.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.0.public().as_ref().to_vec()
    }

    /// An RS256 (RSA PKCS#1 v1.5, SHA-256) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| "signing the App's JWT failed".to_string())?;
        Ok(signature)
    }
}

fn rejected(e: &ring::error::KeyRejected) -> String {
    // ring's reasons are fixed phrases ("InvalidEncoding", "TooSmall", …), never the key.
    format!(
        "is not a usable RSA key ({e}); a GitHub App's key is RSA of 2048 bits or more, as the App's settings page downloads it"
    )
}

/// What an installation token is asked for: the private registries at `read` or `write`, and
/// repository metadata (`read`) only when repository names must be resolved, contents
/// (`read`) only to read the repositories' files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permissions {
    pub write: bool,
    pub metadata: bool,
    /// Repository contents (`read`): `discover` reads each repository's dependabot.yml.
    pub contents: bool,
}

impl Permissions {
    /// The `permissions` object of `POST /app/installations/{id}/access_tokens`.
    pub fn body(&self) -> serde_json::Value {
        let level = if self.write { "write" } else { "read" };
        let mut p = serde_json::Map::new();
        p.insert("organization_private_registries".into(), level.into());
        if self.metadata {
            p.insert("metadata".into(), "read".into());
        }
        if self.contents {
            p.insert("contents".into(), "read".into());
        }
        serde_json::json!({ "permissions": p })
    }
}
