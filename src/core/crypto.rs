//! Sealing a secret for GitHub: base64 public key in, base64 sealed box out (libsodium
//! `crypto_box_seal`, as GitHub's "Encrypting secrets for the REST API" guide requires).

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use crypto_box::PublicKey;
use crypto_box::aead::OsRng;

use crate::model::Secret;

/// Decodes GitHub's base64 public key, which must be 32 bytes (an X25519 key).
pub fn decode_public_key(key_b64: &str) -> Result<PublicKey> {
    let bytes = STANDARD
        .decode(key_b64.trim())
        .context("the org's public key from GitHub is not valid base64")?;
    let Ok(bytes) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        bail!(
            "the org's public key from GitHub decodes to {} bytes, not the 32 of an X25519 key",
            bytes.len()
        );
    };
    Ok(PublicKey::from(bytes))
}

/// Seals `secret` to the public key and returns the sealed box in base64.
pub fn seal(key_b64: &str, secret: &Secret) -> Result<String> {
    let key = decode_public_key(key_b64)?;
    let sealed = key
        .seal(&mut OsRng, secret.expose().as_bytes())
        .map_err(|_| anyhow::anyhow!("sealing the secret failed"))?;
    Ok(STANDARD.encode(sealed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_box::SecretKey;

    #[test]
    fn sealed_value_opens_with_the_private_key() {
        let sk = SecretKey::generate(&mut OsRng);
        let pk_b64 = STANDARD.encode(sk.public_key().as_bytes());
        let sealed = seal(&pk_b64, &Secret::new("p@ss:word\nline2".into())).unwrap();
        let opened = sk.unseal(&STANDARD.decode(&sealed).unwrap()).unwrap();
        assert_eq!(opened, b"p@ss:word\nline2");
        let again = seal(&pk_b64, &Secret::new("p@ss:word\nline2".into())).unwrap();
        assert_ne!(sealed, again, "each seal uses a fresh ephemeral key");
    }

    #[test]
    fn bad_keys_are_refused() {
        let e = decode_public_key("AAAA").unwrap_err().to_string();
        assert!(e.contains("decodes to 3 bytes, not the 32"), "{e}");
        let e = decode_public_key("not base64!").unwrap_err().to_string();
        assert!(e.contains("not valid base64"), "{e}");
    }
}
