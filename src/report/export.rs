//! `export`'s text: the org's configurations as a manifest a user can commit — this tool's
//! list, or dependabot.yml's `registries:` map (with the org-only settings as an overlay) —
//! secrets as `${{ secrets.NAME }}` placeholders, repository ids as names. What GitHub does not
//! return (the repositories of a `selected` configuration, on list and get) is said in a
//! comment, never guessed.

use std::collections::BTreeMap;

use serde_norway::{Mapping, Value as Yaml};

use crate::model::{AuthType, Configuration, ExportFormat, OidcField, Org, RegistryType};

/// The manifest text and, for dependabot.yml, the overlay text.
pub struct Exported {
    pub manifest: String,
    pub overlay: Option<String>,
}

pub fn export(
    org: &Org,
    format: ExportFormat,
    configs: &[Configuration],
    repositories: &BTreeMap<u64, String>,
) -> Exported {
    let mut notes = Vec::new();
    let mut overlay = Mapping::new();
    let mut entries = Vec::new();
    let mut labels = Mapping::new();
    for c in configs {
        if let Some(field) = reference_like(c) {
            notes.push(format!(
                "# {}: its `{field}` holds `${{{{`, which a sync of this file would read as a secret reference: not exported. Correct it in the org, then export again.",
                c.name
            ));
            continue;
        }
        let repos = repository_names(c, repositories, &mut notes);
        match format {
            ExportFormat::Manifest => entries.push(Yaml::Mapping(entry(c, repos))),
            ExportFormat::Dependabot => {
                let label = label_of(&c.name, &labels);
                let (registry, org_only) = dependabot_entry(c, repos);
                overlay.insert(label.clone().into(), Yaml::Mapping(org_only));
                labels.insert(label.into(), Yaml::Mapping(registry));
            }
        }
    }
    let mut head = vec![
        format!("# The private registries of {org}, exported by private-registries."),
        "# Secrets are placeholders: GitHub never returns them. Give each as a secret of that name.".into(),
    ];
    head.extend(notes);
    let body = match format {
        ExportFormat::Manifest => yaml(&Yaml::Sequence(entries)),
        ExportFormat::Dependabot => {
            let mut doc = Mapping::new();
            doc.insert("registries".into(), Yaml::Mapping(labels));
            yaml(&Yaml::Mapping(doc))
        }
    };
    let manifest = format!("{}\n{body}", head.join("\n"));
    let overlay = (format == ExportFormat::Dependabot).then(|| {
        format!(
            "# The org-only settings dependabot.yml has no keys for: pass this as the overlay.\n{}",
            yaml(&Yaml::Mapping(overlay))
        )
    });
    Exported { manifest, overlay }
}

/// The first field of `c` that holds `${{` (a later read would take it for a reference, and a
/// sync could resolve a secret into it).
fn reference_like(c: &Configuration) -> Option<&'static str> {
    let fields = [
        ("name", Some(c.name.as_str())),
        ("url", c.url.as_deref()),
        ("username", c.username.as_deref()),
    ];
    fields
        .into_iter()
        .find(|(_, v)| v.is_some_and(|v| v.contains("${{")))
        .map(|(k, _)| k)
        .or_else(|| {
            c.oidc
                .0
                .iter()
                .find(|(_, v)| v.contains("${{"))
                .map(|(k, _)| k.as_str())
        })
}

fn yaml(v: &Yaml) -> String {
    serde_norway::to_string(v).unwrap_or_default()
}

/// The names of a `selected` configuration's repositories, or a note saying GitHub did not
/// report them (or an id is not among the org's repositories).
fn repository_names(
    c: &Configuration,
    repositories: &BTreeMap<u64, String>,
    notes: &mut Vec<String>,
) -> Option<Vec<String>> {
    if c.visibility.as_deref() != Some("selected") {
        return None;
    }
    let Some(ids) = &c.selected_repository_ids else {
        notes.push(format!(
            "# {}: visibility selected, but GitHub's API does not return which repositories (list and get omit them): add selected_repositories before syncing this file.",
            c.name
        ));
        return None;
    };
    let mut names = Vec::new();
    for id in ids {
        match repositories.get(id) {
            Some(name) => names.push(name.clone()),
            None => notes.push(format!(
                "# {}: repository id {id} is not among the org's repositories visible to this token; it is left out.",
                c.name
            )),
        }
    }
    Some(names)
}

/// The placeholder for a configuration's secret: a secret named like the configuration.
fn placeholder(c: &Configuration) -> String {
    format!("${{{{ secrets.{} }}}}", c.name)
}

fn is_oidc(c: &Configuration) -> bool {
    c.auth().parse::<AuthType>().is_ok_and(AuthType::is_oidc)
}

/// One entry of this tool's list.
fn entry(c: &Configuration, repos: Option<Vec<String>>) -> Mapping {
    let mut m = Mapping::new();
    let mut put = |k: &str, v: Option<Yaml>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("name", Some(c.name.clone().into()));
    put("registry_type", c.registry_type.clone().map(Yaml::from));
    put("url", c.url.clone().map(Yaml::from));
    put("auth_type", Some(c.auth().into()));
    put("username", c.username.clone().map(Yaml::from));
    put(
        "replaces_base",
        c.replaces_base.filter(|b| *b).map(Yaml::from),
    );
    put("visibility", c.visibility.clone().map(Yaml::from));
    put("selected_repositories", repos.map(names_yaml));
    for (k, v) in &c.oidc.0 {
        put(k.as_str(), Some(v.clone().into()));
    }
    if !is_oidc(c) {
        put("secret", Some(placeholder(c).into()));
    }
    m
}

fn names_yaml(names: Vec<String>) -> Yaml {
    Yaml::Sequence(names.into_iter().map(Yaml::from).collect())
}

/// A dependabot.yml entry (its spellings) and the org-only settings for the overlay.
fn dependabot_entry(c: &Configuration, repos: Option<Vec<String>>) -> (Mapping, Mapping) {
    let mut m = Mapping::new();
    let kind = c.registry_type.as_deref().unwrap_or_default();
    // A type this tool does not know yet keeps GitHub's spelling, with hyphens.
    let kind = kind
        .parse::<RegistryType>()
        .map_or_else(|_| kind.replace('_', "-"), RegistryType::dependabot_name);
    m.insert("type".into(), kind.into());
    if let Some(url) = &c.url {
        m.insert("url".into(), url.clone().into());
    }
    if let Some(u) = &c.username {
        m.insert("username".into(), u.clone().into());
    }
    match c.auth() {
        "username_password" => {
            m.insert("password".into(), placeholder(c).into());
        }
        _ if is_oidc(c) => {
            for (k, v) in &c.oidc.0 {
                m.insert(dependabot_key(*k).into(), v.clone().into());
            }
        }
        _ => {
            m.insert("token".into(), placeholder(c).into());
        }
    }
    if c.replaces_base == Some(true) {
        m.insert("replaces-base".into(), true.into());
    }
    let mut org_only = Mapping::new();
    org_only.insert("name".into(), c.name.clone().into());
    if let Some(v) = &c.visibility {
        org_only.insert("visibility".into(), v.clone().into());
    }
    if let Some(names) = repos {
        org_only.insert("selected_repositories".into(), names_yaml(names));
    }
    (m, org_only)
}

fn dependabot_key(f: OidcField) -> String {
    f.as_str().replace('_', "-")
}

/// `NPM_REGISTRY_SECRET` → `npm-registry-secret`, made unique among the labels so far.
fn label_of(name: &str, taken: &Mapping) -> String {
    let base = name.to_ascii_lowercase().replace('_', "-");
    let mut label = base.clone();
    let mut n = 2;
    while taken.contains_key(label.as_str()) {
        label = format!("{base}-{n}");
        n += 1;
    }
    label
}
