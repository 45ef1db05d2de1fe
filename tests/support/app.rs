//! GitHub's side of signing in as an App, for the fault server: it verifies each JWT's RS256
//! signature with the App's public key and its claims (`iss`, `iat` 60 s back, `exp` at most
//! 10 minutes after `iat`), finds an org's installation, mints installation tokens with the
//! permissions asked for (no more than the installation has), and then holds every request to
//! what its token may do: its own org, its permission level, not after it was revoked.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// One token the server minted.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub org: String,
    /// The `permissions` asked for, as sent (`None`: the body asked for none, so everything).
    pub permissions: Option<Value>,
    pub revoked: bool,
}

/// The App the server knows.
pub struct AppMode {
    pub app_id: String,
    /// PKCS#1 `RSAPublicKey` DER.
    pub public_key: Vec<u8>,
    /// org → installation id.
    pub installations: BTreeMap<String, u64>,
    pub minted: Vec<Minted>,
}

/// The public key of a PEM RSA private key (PKCS#1), as the App's settings page would hold it.
pub fn public_key_of(pem: &str) -> Vec<u8> {
    use rustls_pki_types::PrivatePkcs1KeyDer;
    use rustls_pki_types::pem::PemObject;
    let der = PrivatePkcs1KeyDer::from_pem_slice(pem.as_bytes()).expect("a PKCS#1 PEM");
    let pair = ring::signature::RsaKeyPair::from_der(der.secret_pkcs1_der()).expect("an RSA key");
    ring::signature::KeyPair::public_key(&pair)
        .as_ref()
        .to_vec()
}

type Answer = (u16, Value);

fn refuse(status: u16, message: &str) -> Option<Answer> {
    Some((
        status,
        json!({ "message": message, "documentation_url": "https://docs.github.com/rest" }),
    ))
}

impl AppMode {
    /// What the server answers instead of the store, if anything: the App's endpoints, or a
    /// refusal of a request its token may not make. `None`: the store answers.
    pub fn gate(
        &mut self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: &str,
    ) -> Option<Answer> {
        let bearer = auth.and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
        if let Some(org) = path
            .strip_prefix("/orgs/")
            .and_then(|p| p.strip_suffix("/installation"))
        {
            return Some(self.installation(bearer, org));
        }
        if let Some(id) = path
            .strip_prefix("/app/installations/")
            .and_then(|p| p.strip_suffix("/access_tokens"))
        {
            return Some(self.mint(bearer, id, body));
        }
        let Some(minted) = self
            .minted
            .iter_mut()
            .find(|m| m.token == bearer && !m.revoked)
        else {
            return refuse(401, "Bad credentials");
        };
        if path == "/installation/token" {
            return if method == "DELETE" {
                minted.revoked = true;
                Some((204, Value::Null))
            } else {
                refuse(404, "Not Found")
            };
        }
        let level = |key: &str| {
            minted
                .permissions
                .as_ref()
                .map_or(Some("write"), |p| p.get(key).and_then(Value::as_str))
        };
        if path == "/graphql" {
            // GraphQL reads the repositories' files: it needs contents and metadata, read.
            let readable = ["contents", "metadata"]
                .iter()
                .all(|k| matches!(level(k), Some("read" | "write")));
            return if readable {
                None
            } else {
                refuse(403, "Resource not accessible by integration")
            };
        }
        let (org, key) = if let Some(rest) = path.strip_prefix("/repos/") {
            (rest.split('/').next().unwrap_or(""), "metadata")
        } else if let Some(rest) = path.strip_prefix("/orgs/") {
            let org = rest.split('/').next().unwrap_or("");
            let key = if rest.ends_with("/repos") {
                "metadata"
            } else {
                "organization_private_registries"
            };
            (org, key)
        } else {
            return refuse(404, "Not Found");
        };
        if org != minted.org {
            return refuse(403, "Resource not accessible by integration");
        }
        let allowed = matches!(
            (level(key), method),
            (Some("write"), _) | (Some("read"), "GET")
        );
        if allowed {
            None
        } else {
            refuse(403, "Resource not accessible by integration")
        }
    }

    fn installation(&self, jwt: &str, org: &str) -> Answer {
        if let Err(why) = self.verify(jwt) {
            return (401, json!({ "message": why }));
        }
        match self.installations.get(org) {
            Some(id) => (
                200,
                json!({ "id": id, "account": { "login": org }, "app_id": 1 }),
            ),
            None => (
                404,
                json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app" }),
            ),
        }
    }

    fn mint(&mut self, jwt: &str, id: &str, body: &str) -> Answer {
        if let Err(why) = self.verify(jwt) {
            return (401, json!({ "message": why }));
        }
        let Some(org) = self
            .installations
            .iter()
            .find(|(_, i)| i.to_string() == id)
            .map(|(o, _)| o.clone())
        else {
            return (404, json!({ "message": "Not Found" }));
        };
        let asked: Option<Value> = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|b| b.get("permissions").cloned());
        // The installation has the private registries (write), metadata and contents (read): no more.
        if let Some(Value::Object(p)) = &asked {
            for (k, v) in p {
                let granted = matches!(
                    (k.as_str(), v.as_str()),
                    ("organization_private_registries", Some("read" | "write"))
                        | ("metadata" | "contents", Some("read"))
                );
                if !granted {
                    return (
                        422,
                        json!({ "message": "The permissions requested are not granted to this installation." }),
                    );
                }
            }
        }
        let token = format!("ghs_{}{}", "T0k".repeat(11), self.minted.len() + 1);
        self.minted.push(Minted {
            token: token.clone(),
            org,
            permissions: asked.clone(),
            revoked: false,
        });
        (
            201,
            json!({ "token": token, "expires_at": "2099-01-01T00:00:00Z", "permissions": asked }),
        )
    }

    /// Checks the JWT's signature with the App's public key and its claims.
    fn verify(&self, jwt: &str) -> Result<(), String> {
        let parts: Vec<&str> = jwt.split('.').collect();
        let [header, claims, signature] = parts.as_slice() else {
            return Err("A JSON web token could not be decoded".into());
        };
        let decode = |p: &str| {
            URL_SAFE_NO_PAD
                .decode(p)
                .map_err(|_| "not base64url".to_string())
        };
        let header: Value = serde_json::from_slice(&decode(header)?).map_err(|e| e.to_string())?;
        if header["alg"] != "RS256" {
            return Err("the JWT's alg is not RS256".into());
        }
        let key = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            &self.public_key,
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        key.verify(signed.as_bytes(), &decode(signature)?)
            .map_err(|_| {
                "the JWT's signature does not verify with the App's public key".to_string()
            })?;
        let claims: Value = serde_json::from_slice(&decode(claims)?).map_err(|e| e.to_string())?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (iat, exp) = (
            claims["iat"].as_u64().unwrap_or(0),
            claims["exp"].as_u64().unwrap_or(0),
        );
        if claims["iss"] != self.app_id.as_str() {
            return Err(format!(
                "'Issuer' claim ('iss') must be the App: {}",
                claims["iss"]
            ));
        }
        if iat > now || now - iat < 30 || now - iat > 120 {
            return Err("'Issued at' claim ('iat') must be about 60 s in the past".into());
        }
        if exp <= now || exp - iat > 600 {
            return Err("'Expiration time' claim ('exp') is too far in the future".into());
        }
        Ok(())
    }
}
