//! Names that go into URL paths (an org login, a configuration name, a repository name), each
//! checked once so that it cannot reach another endpoint.

use super::*;
use std::fmt;
use std::str::FromStr;

/// GitHub's names (of orgs, configurations, repositories) do not tell case apart: the one way
/// they are compared here.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// What a name is looked up by, case folded as GitHub does.
pub fn name_key(name: &str) -> String {
    name.to_ascii_uppercase()
}

/// Defines a newtype over a validated string that goes into a URL path. It keeps the spelling
/// it was given and compares, orders and hashes as GitHub does, without case.
macro_rules! path_name {
    ($(#[$meta:meta])* $name:ident, $validate:path) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                same_name(&self.0, &other.0)
            }
        }

        impl Eq for $name {}

        /// A name as GitHub reports it (a configuration's `name`, …) is the same without case.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                same_name(&self.0, other)
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                for b in self.0.bytes() {
                    state.write_u8(b.to_ascii_uppercase());
                }
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                let fold = |s: &str| s.bytes().map(|b| b.to_ascii_uppercase()).collect::<Vec<_>>();
                fold(&self.0).cmp(&fold(&other.0))
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $validate(s).map(|()| $name(s.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

path_name!(
    /// An organization login: letters, digits and single hyphens, at most 39 characters.
    Org,
    validate_org
);

path_name!(
    /// A private registry configuration name as GitHub reports it: letters, digits, underscores.
    ConfigName,
    validate_config_name
);

path_name!(
    /// A repository name: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.` or `..`.
    RepoName,
    validate_repo_name
);

pub(super) fn validate_org(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 39
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not an organization login; allowed: 1-39 letters, digits and single inner hyphens",
            shorten(s)
        ))
    }
}

pub(super) fn validate_config_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a configuration name; allowed: letters, digits and underscores, not starting with a digit (e.g. NPM_REGISTRY_SECRET)",
            shorten(s)
        ))
    }
}

pub(super) fn validate_repo_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a repository name; allowed: 1-100 letters, digits, '.', '-' and '_' (the name only, without the owner)",
            shorten(s)
        ))
    }
}
