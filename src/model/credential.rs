//! What looks like a credential: a value that must never be quoted back, whatever input it was
//! pasted into. GitHub's token prefixes, npm's, AWS access key ids, JWTs, PEM blocks and long
//! high-entropy strings; [`redact`] hides each such word in a message. A PEM certificate is not
//! a credential, but its base64 lines look like one: `ca_certificate` is not checked.

/// GitHub's token prefixes and npm's, each followed by at least 20 more characters of the token.
const PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "npm_",
];

/// What a message shows instead of a credential.
pub const NOT_SHOWN: &str = "[a value that looks like a credential, not shown]";

/// Whether `text` holds a word that looks like a credential.
pub fn looks_like_credential(text: &str) -> bool {
    is_private_key(text) || words(text).any(is_credential)
}

/// The words of `text` that look like credentials (to mask), each once.
pub fn credentials_in(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    for w in words(text).filter(|w| is_credential(w)) {
        if !found.contains(&w) {
            found.push(w);
        }
    }
    found
}

/// `message` with every word that looks like a credential replaced by [`NOT_SHOWN`], and a
/// PEM block's body dropped.
pub fn redact(message: &str) -> String {
    let mut out = message.to_string();
    if is_private_key(message)
        && let Some(at) = out.find("-----BEGIN")
    {
        out.truncate(at);
        out.push_str(NOT_SHOWN);
    }
    for w in credentials_in(message) {
        out = out.replace(w, NOT_SHOWN);
    }
    out
}

/// A PEM private key (a certificate is public, and not one).
fn is_private_key(text: &str) -> bool {
    text.contains("-----BEGIN") && text.contains("PRIVATE KEY")
}

/// Runs of the characters a token, a key or a JWT is made of.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '=' | '.' | '/'))
    })
    .flat_map(|w| {
        // A JWT keeps its dots; anything else is cut at `.` and `/` as well (hosts, paths).
        if is_jwt(w) {
            vec![w]
        } else {
            w.split(['.', '/']).collect()
        }
    })
    .filter(|w| !w.is_empty())
}

fn is_credential(w: &str) -> bool {
    is_jwt(w) || has_token_prefix(w) || is_aws_key_id(w) || is_high_entropy(w)
}

fn has_token_prefix(w: &str) -> bool {
    PREFIXES.iter().any(|p| {
        w.len() >= p.len() + 20
            && w[..p.len()].eq_ignore_ascii_case(p)
            && w[p.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            // `npm_` also starts ordinary names (NPM_REGISTRY_TOKEN_FOR_THE_MONOREPO): a token
            // holds a digit and no `_` after its prefix.
            && w[p.len()..].bytes().any(|b| b.is_ascii_digit())
            && (p.ends_with("pat_") || !w[p.len()..].contains('_'))
    })
}

fn is_aws_key_id(w: &str) -> bool {
    w.len() == 20
        && (w.starts_with("AKIA") || w.starts_with("ASIA"))
        && w[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_jwt(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts.iter().take(2).all(|p| p.len() >= 10)
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// At least 32 characters, upper and lower case letters and digits, and at least 4 bits of
/// entropy a character: random keys are; names, hosts and GUIDs are not.
fn is_high_entropy(w: &str) -> bool {
    if w.len() < 32 {
        return false;
    }
    let b = w.as_bytes();
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let lower = b.iter().any(u8::is_ascii_lowercase);
    let digit = b.iter().any(u8::is_ascii_digit);
    if !(upper && lower && digit) {
        return false;
    }
    let mut counts = [0u32; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let n = b.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOK_ALIKES: &[&str] = &[
        "ghp_R3alT0kenR3alT0kenR3alT0kenR3alT0ken",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "xK9fQ2mZ7vL4pR8sT1wY6bN3cH5jD0gA",
    ];

    const PLAIN: &[&str] = &[
        "NPM_TOKEN",
        "NPM_REGISTRY_TOKEN_FOR_THE_MONOREPO_2",
        "npm_registry",
        "https://npm.pkg.github.com/acme",
        "https://pkgs.dev.azure.com/acme/_packaging/feed/npm/registry/",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "octo-org",
        "ThisIsAVeryLongButOrdinaryIdentifierName",
        "https://docs.github.com/rest/private-registries/organization-configurations#create-a-private-registry-for-an-organization",
        "",
    ];

    #[test]
    fn credentials_are_recognised_and_names_are_not() {
        for w in LOOK_ALIKES {
            assert!(looks_like_credential(w), "{w}");
            assert!(
                looks_like_credential(&format!("the variable {w} is unset")),
                "{w}"
            );
        }
        for w in PLAIN {
            assert!(!looks_like_credential(w), "{w}");
        }
        assert!(looks_like_credential(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE"
        ));
        assert!(looks_like_credential(
            "https://x:ghp_R3alT0kenR3alT0kenR3alT0kenR3alT0ken@host/"
        ));
    }

    #[test]
    fn redaction_hides_each_credential_and_keeps_the_rest() {
        let m = "`secret_env`: the environment variable ghp_R3alT0kenR3alT0kenR3alT0kenR3alT0ken is unset";
        assert_eq!(
            redact(m),
            format!("`secret_env`: the environment variable {NOT_SHOWN} is unset")
        );
        assert_eq!(
            redact("a key -----BEGIN PRIVATE KEY-----\nAAA"),
            format!("a key {NOT_SHOWN}")
        );
        assert_eq!(redact(PLAIN[3]), PLAIN[3]);
    }
}
