//! `discover`: the census of the registries the org's repositories configure one by one. One
//! GraphQL read of every repository's dependabot.yml (100 a request), each file parsed by the
//! front end's dependabot.yml mapping (handed down), the registries grouped by type and URL,
//! each group compared with the org's configurations (one listing). Writes nothing.

use std::collections::BTreeMap;

use anyhow::Result;

use super::context::Ctx;
use crate::model::discovery::{
    Blob, Census, Common, Conflict, Found, Group, ParseFile, RepositoryFiles, Skipped,
};
use crate::model::{AuthType, Configuration, RegistryType, same_url};

/// What `discover` is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub include_archived: bool,
    pub include_forks: bool,
    pub parse: ParseFile,
}

/// Reads, parses and groups; then compares with the org's listing.
pub fn census(ctx: &Ctx, scope: Scope) -> Result<Census> {
    let repositories = ctx.client.repositories_with_files(ctx.org)?;
    let listing = ctx.client.list_all(ctx.org)?.configurations;
    Ok(count(repositories, &listing, scope))
}

/// The census of what was read: a pure function of the repositories and the listing.
pub fn count(
    repositories: Vec<RepositoryFiles>,
    listing: &[Configuration],
    scope: Scope,
) -> Census {
    let mut census = Census::default();
    let mut found: BTreeMap<(RegistryType, String), Vec<(String, Found)>> = BTreeMap::new();
    for repo in repositories {
        if (repo.is_archived && !scope.include_archived) || (repo.is_fork && !scope.include_forks) {
            continue;
        }
        census.read += 1;
        census.private += usize::from(repo.is_private);
        census
            .repositories
            .push((repo.name.clone(), repo.is_private));
        let Some((path, blob)) = file_of(&repo) else {
            continue;
        };
        census.with_file += 1;
        let registries = match readable(blob) {
            Err(reason) => Err(reason),
            Ok(text) => (scope.parse)(text, &format!("{}/{path}", repo.name)),
        };
        match registries {
            Err(reason) => census.skipped.push(Skipped {
                repository: repo.name.clone(),
                reason,
            }),
            Ok(list) if list.is_empty() => {}
            Ok(list) => {
                census.with_registries += 1;
                for f in list {
                    if let Some(key) = group_key(&f) {
                        found.entry(key).or_default().push((repo.name.clone(), f));
                    }
                }
            }
        }
    }
    census.groups = found
        .into_iter()
        .map(|((registry_type, _), members)| group(registry_type, members, listing))
        .collect();
    census
}

/// The dependabot.yml of a repository (`.yml` first, as Dependabot reads it), if it has one.
fn file_of(repo: &RepositoryFiles) -> Option<(&'static str, &Blob)> {
    match (&repo.yml, &repo.yaml) {
        (Some(b), _) => Some((".github/dependabot.yml", b)),
        (None, Some(b)) => Some((".github/dependabot.yaml", b)),
        (None, None) => None,
    }
}

/// The file's text, or why it cannot be read as one.
fn readable(blob: &Blob) -> Result<&str, String> {
    if blob.is_binary == Some(true) {
        return Err("GitHub reports the file as binary".to_string());
    }
    if blob.is_truncated {
        return Err(format!(
            "the file is too large for GitHub to return whole ({} bytes)",
            blob.byte_size
        ));
    }
    blob.text
        .as_deref()
        .ok_or_else(|| "GitHub returned no text for the file".to_string())
}

fn group_key(f: &Found) -> Option<(RegistryType, String)> {
    Some((f.spec.registry_type?, f.spec.url.as_ref()?.key()))
}

fn common_of(f: &Found) -> Common {
    Common {
        username: f.spec.username.clone(),
        replaces_base: f.spec.replaces_base.unwrap_or(false),
        auth_type: f.spec.auth_type,
        oidc: f
            .spec
            .oidc
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.clone()))
            .collect(),
    }
}

/// One group: its repositories, secrets, whether the org has it, and what differs from the
/// settings most of its repositories give.
fn group(
    registry_type: RegistryType,
    members: Vec<(String, Found)>,
    listing: &[Configuration],
) -> Group {
    let url = members
        .first()
        .and_then(|(_, f)| f.spec.url.as_ref())
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();
    let common = majority(members.iter().map(|(_, f)| common_of(f)).collect());
    let mut conflicts = Vec::new();
    for (repo, f) in &members {
        conflicts.extend(differences(repo, &common_of(f), &common));
    }
    let mut repositories: Vec<String> = members.iter().map(|(r, _)| r.clone()).collect();
    repositories.sort();
    repositories.dedup();
    let mut secrets: Vec<String> = members
        .iter()
        .filter_map(|(_, f)| f.secret_name.clone())
        .collect();
    secrets.sort();
    secrets.dedup();
    let in_org = listing.iter().any(|c| {
        c.registry_type.as_deref() == Some(registry_type.as_str())
            && c.url.as_deref().is_some_and(|u| same_url(u, &url))
    });
    Group {
        registry_type,
        url,
        repositories,
        secrets,
        in_org,
        conflicts,
        common,
    }
}

/// The settings most entries give (the first such, on a tie). Counted per distinct setting
/// (a handful), not per pair of entries.
fn majority(all: Vec<Common>) -> Common {
    let mut counts: Vec<(Common, usize)> = Vec::new();
    for c in all {
        match counts.iter_mut().find(|(d, _)| *d == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    let mut best: Option<(Common, usize)> = None;
    for (c, n) in counts {
        if best.as_ref().is_none_or(|(_, m)| n > *m) {
            best = Some((c, n));
        }
    }
    best.map(|(c, _)| c).unwrap_or_default()
}

fn differences(repo: &str, mine: &Common, common: &Common) -> Vec<Conflict> {
    let shown = |o: &Option<String>| o.clone().unwrap_or_else(|| "(none)".into());
    let auth = |a: Option<AuthType>| a.map_or("token", AuthType::as_str).to_string();
    let mut out = Vec::new();
    let mut differ = |field: &'static str, value: String, common: String| {
        if value != common {
            out.push(Conflict {
                repository: repo.to_string(),
                field,
                value,
                common,
            });
        }
    };
    differ("username", shown(&mine.username), shown(&common.username));
    differ(
        "replaces-base",
        mine.replaces_base.to_string(),
        common.replaces_base.to_string(),
    );
    differ("auth", auth(mine.auth_type), auth(common.auth_type));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegistrySpec;
    use crate::model::discovery::{Blob, RepositoryFiles};

    /// A test parser: each line `type url username` is one registry.
    fn parse(text: &str, _origin: &str) -> Result<Vec<Found>, String> {
        if text.contains("broken") {
            return Err("not valid YAML".into());
        }
        Ok(text
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let spec = RegistrySpec {
                    registry_type: w.next()?.parse().ok(),
                    url: w.next()?.parse().ok(),
                    username: w.next().map(str::to_string),
                    ..RegistrySpec::default()
                };
                Some(Found {
                    label: "x".into(),
                    spec,
                    secret_name: Some("NPM_TOKEN".into()),
                })
            })
            .collect())
    }

    fn repo(name: &str, text: Option<&str>) -> RepositoryFiles {
        RepositoryFiles {
            name: name.into(),
            is_archived: name.starts_with("old"),
            is_fork: false,
            is_private: true,
            yml: text.map(|t| Blob {
                text: Some(t.into()),
                is_binary: Some(false),
                is_truncated: false,
                byte_size: t.len() as u64,
            }),
            yaml: None,
        }
    }

    #[test]
    fn registries_are_grouped_compared_and_conflicts_named() {
        let scope = Scope {
            include_archived: false,
            include_forks: false,
            parse,
        };
        let repos = vec![
            repo("b", Some("npm_registry https://npm.example.com/ u")),
            repo("a", Some("npm_registry https://NPM.example.com u")),
            repo("c", Some("npm_registry https://npm.example.com other")),
            repo("d", Some("maven_repository https://maven.example.com u")),
            repo("e", Some("broken")),
            repo("f", None),
            repo("old", Some("npm_registry https://npm.example.com u")),
        ];
        let in_org = Configuration {
            registry_type: Some("maven_repository".into()),
            url: Some("https://maven.example.com/".into()),
            ..Configuration::default()
        };
        let census = count(repos, &[in_org], scope);
        assert_eq!(
            (census.read, census.with_file, census.with_registries),
            (6, 5, 4)
        );
        assert_eq!(census.skipped.len(), 1);
        assert_eq!(census.skipped[0].repository, "e");
        let npm = &census.groups[1];
        assert_eq!(npm.registry_type, RegistryType::NpmRegistry);
        assert_eq!(npm.repositories, ["a", "b", "c"]);
        assert!(!npm.in_org);
        assert_eq!(npm.secrets, ["NPM_TOKEN"]);
        assert_eq!(
            npm.conflicts,
            [Conflict {
                repository: "c".into(),
                field: "username",
                value: "other".into(),
                common: "u".into()
            }]
        );
        assert!(census.groups[0].in_org);
    }
}
