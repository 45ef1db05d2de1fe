//! The one reader of the process environment: a snapshot both front ends look names up in,
//! so tests hand in a map instead of setting variables.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroize;

/// A snapshot of the process environment, or any name → value map a test hands in.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Variables whose name or value is not UTF-8: their names (lossy), never their values.
    not_utf8: Vec<String>,
}

impl Env {
    /// Reads the real process environment (the one place that does).
    pub fn from_process() -> Self {
        Env::from_os(std::env::vars_os())
    }

    /// Builds a snapshot from raw pairs, remembering which were not UTF-8.
    pub fn from_os(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Self {
        let mut env = Env::default();
        for (k, v) in vars {
            match (k.into_string(), v.into_string()) {
                (Ok(k), Ok(v)) => {
                    env.vars.insert(k, v);
                }
                (Ok(k), Err(_)) => env.not_utf8.push(k),
                (Err(k), _) => env.not_utf8.push(k.to_string_lossy().into_owned()),
            }
        }
        env
    }

    /// Looks a variable up; empty values count as unset, as the runner passes unset inputs as "".
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether the variable is set at all (even to "").
    pub fn has(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// A file path from the environment (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.get(name).map(PathBuf::from)
    }

    /// Every variable, for the `INPUT_*` scan.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The names of variables whose value could not be read as UTF-8.
    pub fn not_utf8(&self) -> &[String] {
        &self.not_utf8
    }

    /// Whether this run is inside GitHub Actions (`GITHUB_ACTIONS=true`).
    pub fn in_actions(&self) -> bool {
        self.get("GITHUB_ACTIONS") == Some("true")
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Env {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            not_utf8: Vec::new(),
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // The snapshot holds the token and the secret: clear them like `Secret` does.
        for value in self.vars.values_mut() {
            value.zeroize();
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets; only the names are ever shown.
        f.debug_list().entries(self.vars.keys()).finish()
    }
}
