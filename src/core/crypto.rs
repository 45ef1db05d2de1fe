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
    if has_small_order(bytes) {
        bail!(
            "the org's public key from GitHub is a low-order point (a secret sealed to it would open without the private key); nothing was sealed. Check the api_url points at GitHub"
        );
    }
    Ok(PublicKey::from(bytes))
}

/// Whether X25519 with this public key gives the all-zero shared secret for every private
/// key, as for the points of small order: libsodium's `crypto_box_seal` refuses those keys.
/// A clamped scalar is a multiple of 8, so it sends exactly those points to zero.
fn has_small_order(key: [u8; 32]) -> bool {
    let shared = curve25519_dalek::montgomery::MontgomeryPoint(key).mul_clamped([0x55; 32]);
    shared.0 == [0u8; 32]
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

    #[test]
    fn low_order_keys_are_refused_as_libsodium_refuses_them() {
        let p = |last: u8, first: u8| {
            let mut k = [0xffu8; 32];
            k[0] = first;
            k[31] = last;
            k
        };
        let mut one = [0u8; 32];
        one[0] = 1;
        // libsodium's list of small-order points (crypto_scalarmult/curve25519), and each with
        // the top bit set.
        let order_8_a: [u8; 32] = [
            0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f,
            0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16,
            0x5f, 0x49, 0xb8, 0x00,
        ];
        let order_8_b: [u8; 32] = [
            0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83,
            0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd,
            0xd0, 0x9f, 0x11, 0x57,
        ];
        let small = [
            [0u8; 32],
            one,
            order_8_a,
            order_8_b,
            p(0x7f, 0xec),
            p(0x7f, 0xed),
            p(0x7f, 0xee),
        ];
        for key in small {
            for k in [key, {
                let mut h = key;
                h[31] |= 0x80;
                h
            }] {
                let e = decode_public_key(&STANDARD.encode(k))
                    .unwrap_err()
                    .to_string();
                assert!(e.contains("a low-order point"), "{k:02x?}: {e}");
            }
        }
        let sk = SecretKey::generate(&mut OsRng);
        assert!(decode_public_key(&STANDARD.encode(sk.public_key().as_bytes())).is_ok());
    }
}
