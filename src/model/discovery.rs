//! `discover`'s data: the repositories GitHub's GraphQL API answers with their dependabot.yml
//! (typed, as decoded), a registry found in one of them, and what the census found: the groups
//! by registry type and URL, what conflicts within a group, and the files that were skipped.

use serde::{Deserialize, Serialize};

use super::spec::RegistrySpec;
use super::types::{AuthType, RegistryType};

/// One page of `organization.repositories`, as GraphQL answers it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryPage {
    pub page_info: PageInfo,
    #[serde(default)]
    pub nodes: Vec<Option<RepositoryFiles>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// A repository and its dependabot.yml (or .yaml) on the default branch, if it has one.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryFiles {
    pub name: String,
    #[serde(default)]
    pub is_archived: bool,
    #[serde(default)]
    pub is_fork: bool,
    #[serde(default)]
    pub is_private: bool,
    /// `object(expression: "HEAD:.github/dependabot.yml")`: `null` when there is none.
    pub yml: Option<Blob>,
    pub yaml: Option<Blob>,
}

/// A file as GraphQL gives it: `text` is `null` for a binary file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    pub text: Option<String>,
    pub is_binary: Option<bool>,
    #[serde(default)]
    pub is_truncated: bool,
    #[serde(default)]
    pub byte_size: u64,
}

/// A registry one repository's dependabot.yml configures (its secret never kept: only the
/// name of the `${{ secrets.NAME }}` it references).
#[derive(Debug, Clone)]
pub struct Found {
    pub label: String,
    pub spec: RegistrySpec,
    pub secret_name: Option<String>,
}

/// Reads one repository's dependabot.yml into the registries it configures, or why not; the
/// front end's dependabot.yml mapping, handed down so there is one parser.
pub type ParseFile = fn(text: &str, origin: &str) -> Result<Vec<Found>, String>;

/// Registries configured in the same way by several repositories: one registry type and URL.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub registry_type: RegistryType,
    pub url: String,
    pub repositories: Vec<String>,
    pub secrets: Vec<String>,
    pub in_org: bool,
    pub conflicts: Vec<Conflict>,
    /// The settings most repositories give (the proposal's).
    #[serde(skip)]
    pub common: Common,
}

/// What the repositories of a group may disagree on (never a secret).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Common {
    pub username: Option<String>,
    pub replaces_base: bool,
    pub auth_type: Option<AuthType>,
    /// The OIDC fields of an OIDC registry, as the first repository gives them.
    pub oidc: Vec<(String, String)>,
}

/// A repository whose entry for a group's registry differs from the group's common settings.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conflict {
    pub repository: String,
    pub field: &'static str,
    pub value: String,
    pub common: String,
}

/// A file that was not read, and why (it does not fail the run).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub repository: String,
    pub reason: String,
}

/// Everything `discover` found in one org.
#[derive(Debug, Clone, Default)]
pub struct Census {
    pub groups: Vec<Group>,
    pub skipped: Vec<Skipped>,
    /// Repositories read (archived and forks left out unless asked).
    pub read: usize,
    /// Of those: private ones.
    pub private: usize,
    pub with_file: usize,
    pub with_registries: usize,
    /// Every repository read, by name (for visibility `all` / `private`).
    pub repositories: Vec<(String, bool)>,
}
