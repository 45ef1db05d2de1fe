//! URLs: a registry's (absolute, compared as GitHub would), and the REST API's base URL (https,
//! or http to a loopback host only).

use super::*;
use std::str::FromStr;

/// An absolute registry URL (`scheme://host…`), as given; compared through [`RegistryUrl::key`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryUrl(String);

impl RegistryUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two URLs are compared in: no trailing slashes, scheme and host lower case.
    pub fn key(&self) -> String {
        normalize_url(&self.0)
    }
}

/// A URL's parts as compared: (scheme, host, path); no surrounding space or trailing slashes.
/// `None` for a string without `://`.
pub(super) fn url_parts(url: &str) -> (Option<(&str, &str)>, &str) {
    let url = url.trim().trim_end_matches('/');
    // Byte searches: every delimiter is ASCII, so each index is a char boundary.
    let sep = url.as_bytes().windows(3).position(|w| w == b"://");
    match sep {
        Some(i) => {
            let (scheme, rest) = (&url[..i], &url[i + 3..]);
            let end = rest
                .bytes()
                .position(|b| matches!(b, b'/' | b'?' | b'#'))
                .unwrap_or(rest.len());
            (Some((scheme, &rest[..end])), &rest[end..])
        }
        None => (None, url),
    }
}

/// Normalises any URL string for matching; tolerant of what GitHub returns: scheme and host in
/// lower case, no trailing slashes.
pub fn normalize_url(url: &str) -> String {
    match url_parts(url) {
        (Some((scheme, host)), path) => {
            let mut key = String::with_capacity(scheme.len() + host.len() + path.len() + 3);
            key.push_str(scheme);
            key.push_str("://");
            key.push_str(host);
            key[..scheme.len() + 3 + host.len()].make_ascii_lowercase();
            key.push_str(path);
            key
        }
        (None, bare) => bare.to_string(),
    }
}

/// Whether two URL strings normalise alike ([`normalize_url`]), without building either.
pub fn same_url(a: &str, b: &str) -> bool {
    match (url_parts(a), url_parts(b)) {
        ((Some((sa, ha)), pa), (Some((sb, hb)), pb)) => {
            pa == pb && sa.eq_ignore_ascii_case(sb) && ha.eq_ignore_ascii_case(hb)
        }
        ((None, a), (None, b)) => a == b,
        _ => false,
    }
}

impl FromStr for RegistryUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "{:?} is not an absolute URL; allowed: scheme://host[/path], e.g. https://npm.pkg.github.com/",
                shorten(s)
            )
        };
        let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
        let scheme_ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            // `https://user:token@host/`: a credential sent unsealed. Never quoted.
            return Err("holds a user name or password before the host (user:password@); the URL is not shown. Give the URL without it: the username goes in `username`, the password or token in the secret".to_string());
        }
        let host = authority;
        let no_space = !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if scheme_ok && !host.is_empty() && no_space {
            Ok(RegistryUrl(s.to_string()))
        } else {
            Err(bad())
        }
    }
}

/// The base URL of the REST API: https, or plain http to a literal loopback address
/// (127.0.0.0/8, `[::1]`) or `localhost`, for local testing. Nothing else: a host name that
/// merely starts with `127.` is a remote host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiUrl(String);

impl ApiUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `scheme://host[:port]`, lower-cased: what a redirect must keep to be followed.
    pub fn origin(&self) -> String {
        origin_of(&self.0).unwrap_or_default()
    }
}

/// `scheme://authority` of an absolute URL, lower-cased.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Whether a URL host is a literal loopback address or `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl FromStr for ApiUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().trim_end_matches('/');
        let bad = |why: &str| {
            format!(
                "{:?} {why}; allowed: https://api.github.com, https://HOST/api/v3 (GHES), or http:// on localhost/127.0.0.1/[::1] for local testing",
                shorten(s)
            )
        };
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| bad("is not an absolute URL"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#']) {
            return Err(bad("is not a plain base URL"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains white space"));
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(ApiUrl(s.to_string())),
            "http" if is_loopback_host(host) => Ok(ApiUrl(s.to_string())),
            "http" => Err(bad(
                "is not https (plain http is only allowed to a literal loopback address or localhost)",
            )),
            _ => Err(bad("is not an https URL")),
        }
    }
}
