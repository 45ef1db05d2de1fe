//! `discover`'s proposal: the org manifest that moves the registries the repositories
//! configure one by one up to the org, in export's formats (this tool's list, or dependabot.yml's
//! `registries:` map with an overlay), ready for `sync` as it is. Groups the org already has are
//! comments, not entries; a group's conflicts are a comment above its entry; secrets are
//! `${{ secrets.NAME }}` placeholders named after what the repositories use.

use serde_norway::{Mapping, Value as Yaml};

use crate::model::discovery::{Census, Group};
use crate::model::{AuthType, ExportFormat, Org};

/// The manifest text and, for dependabot.yml, the overlay text.
pub struct Proposal {
    pub manifest: String,
    pub overlay: Option<String>,
}

/// Which visibility a group gets: `all` when every repository read uses it, `private` when
/// every private one does (and no public one), else `selected` with the ones that do.
fn visibility(g: &Group, census: &Census) -> (&'static str, Option<Vec<String>>) {
    let all: Vec<&String> = census.repositories.iter().map(|(n, _)| n).collect();
    let private: Vec<&String> = census
        .repositories
        .iter()
        .filter(|(_, p)| *p)
        .map(|(n, _)| n)
        .collect();
    let uses = |names: &[&String]| {
        names.len() == g.repositories.len() && names.iter().all(|n| g.repositories.contains(n))
    };
    if !all.is_empty() && uses(&all) {
        ("all", None)
    } else if !private.is_empty() && uses(&private) {
        ("private", None)
    } else {
        ("selected", Some(g.repositories.clone()))
    }
}

const RULE: &str = "# Visibility: `all` where every repository read uses the registry, `private` where every private one does, else `selected` with the repositories that use it.";

/// The proposal's opening comments: what it is, how to use it, the visibility rule, and what
/// the org already has.
fn header(org: &Org, census: &Census) -> Vec<String> {
    let mut head = vec![
        format!("# The registries the repositories of {org} configure one by one, proposed for the org by private-registries discover."),
        "# Review it, give each placeholder as a secret of that name, then sync it (a dry run first).".to_string(),
        RULE.to_string(),
    ];
    for g in census.groups.iter().filter(|g| g.in_org) {
        head.push(format!(
            "# Already in the org, so not proposed: {} {} ({} repositories).",
            g.registry_type,
            g.url,
            g.repositories.len()
        ));
    }
    head
}

/// The overlay file of a dependabot.yml proposal: who may use each registry.
fn overlay_text(overlay: Mapping) -> String {
    format!(
        "# Who may use each proposed registry: pass this as the overlay.\n{}",
        if overlay.is_empty() {
            "{}\n".to_string()
        } else {
            yaml(&Yaml::Mapping(overlay))
        }
    )
}

pub fn propose(org: &Org, format: ExportFormat, census: &Census) -> Proposal {
    let head = header(org, census);
    let proposed: Vec<&Group> = census.groups.iter().filter(|g| !g.in_org).collect();
    let mut labels: Vec<String> = Vec::new();
    let mut body = String::new();
    let mut overlay = Mapping::new();
    for g in &proposed {
        let label = label_of(g, &labels);
        labels.push(label.clone());
        let (vis, repos) = visibility(g, census);
        body.push_str(&notes(g, format));
        match format {
            ExportFormat::Dependabot => {
                body.push_str(&indent(
                    &yaml(&Yaml::Mapping(dependabot_entry(g))),
                    &format!("  {label}:\n"),
                    "    ",
                ));
                let mut org_only = Mapping::new();
                org_only.insert("visibility".into(), vis.into());
                if let Some(names) = repos {
                    org_only.insert("selected_repositories".into(), names_yaml(names));
                }
                overlay.insert(label.into(), Yaml::Mapping(org_only));
            }
            ExportFormat::Manifest => {
                body.push_str(&indent(
                    &yaml(&Yaml::Mapping(entry(g, vis, repos))),
                    "- ",
                    "  ",
                ));
            }
        }
    }
    let manifest = match (format, proposed.is_empty()) {
        (_, true) => format!("{}\n# Nothing to propose.\n", head.join("\n")),
        (ExportFormat::Dependabot, false) => format!("{}\nregistries:\n{body}", head.join("\n")),
        (ExportFormat::Manifest, false) => format!("{}\n{body}", head.join("\n")),
    };
    let overlay = (format == ExportFormat::Dependabot).then(|| overlay_text(overlay));
    Proposal { manifest, overlay }
}

/// The comments above a group's entry: its conflicts, and secrets named in several ways.
fn notes(g: &Group, format: ExportFormat) -> String {
    let mut body = String::new();
    for c in &g.conflicts {
        body.push_str(&comment(
            format,
            &format!(
                "conflict: {} gives {} {:?} where the others give {:?}; check before syncing",
                c.repository, c.field, c.value, c.common
            ),
        ));
    }
    if g.secrets.len() > 1 {
        body.push_str(&comment(
            format,
            &format!(
                "the repositories name its secret {}; the placeholder uses the first",
                g.secrets.join(", ")
            ),
        ));
    }
    body
}

fn comment(format: ExportFormat, text: &str) -> String {
    let at = if format == ExportFormat::Dependabot {
        "  "
    } else {
        ""
    };
    format!("{at}# {}\n", text.replace(['\n', '\r'], " "))
}

/// `first` before the first line, `rest` before every other one.
fn indent(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 && first.ends_with('\n') {
            out.push_str(first);
            out.push_str(rest);
        } else if i == 0 {
            out.push_str(first);
        } else {
            out.push_str(rest);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn yaml(v: &Yaml) -> String {
    serde_norway::to_string(v).unwrap_or_default()
}

fn names_yaml(names: Vec<String>) -> Yaml {
    Yaml::Sequence(names.into_iter().map(Yaml::from).collect())
}

fn placeholder(g: &Group) -> String {
    let name = g
        .secrets
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{}_SECRET", g.registry_type.as_str().to_ascii_uppercase()));
    format!("${{{{ secrets.{name} }}}}")
}

/// `npm_registry` at `https://npm.example.com/x` → `npm-npm-example-com`, unique.
fn label_of(g: &Group, taken: &[String]) -> String {
    let kind = g
        .registry_type
        .as_str()
        .split('_')
        .next()
        .unwrap_or("registry");
    let host = g
        .url
        .split("://")
        .nth(1)
        .unwrap_or(&g.url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let base = format!("{kind}-{host}");
    let mut label = base.clone();
    let mut n = 2;
    while taken.contains(&label) {
        label = format!("{base}-{n}");
        n += 1;
    }
    label
}

fn is_oidc(g: &Group) -> bool {
    g.common.auth_type.is_some_and(AuthType::is_oidc)
}

/// A dependabot.yml entry, in its spellings.
fn dependabot_entry(g: &Group) -> Mapping {
    let mut m = Mapping::new();
    m.insert("type".into(), g.registry_type.dependabot_name().into());
    m.insert("url".into(), g.url.clone().into());
    if let Some(u) = &g.common.username {
        m.insert("username".into(), u.clone().into());
    }
    if is_oidc(g) {
        for (k, v) in &g.common.oidc {
            m.insert(k.replace('_', "-").into(), v.clone().into());
        }
    } else if g.common.auth_type == Some(AuthType::UsernamePassword) {
        m.insert("password".into(), placeholder(g).into());
    } else {
        m.insert("token".into(), placeholder(g).into());
    }
    if g.common.replaces_base {
        m.insert("replaces-base".into(), true.into());
    }
    m
}

/// An entry of this tool's list.
fn entry(g: &Group, visibility: &str, repos: Option<Vec<String>>) -> Mapping {
    let mut m = Mapping::new();
    m.insert("registry_type".into(), g.registry_type.as_str().into());
    m.insert("url".into(), g.url.clone().into());
    if let Some(auth) = g.common.auth_type {
        m.insert("auth_type".into(), auth.as_str().into());
    }
    if let Some(u) = &g.common.username {
        m.insert("username".into(), u.clone().into());
    }
    if g.common.replaces_base {
        m.insert("replaces_base".into(), true.into());
    }
    m.insert("visibility".into(), visibility.into());
    if let Some(names) = repos {
        m.insert("selected_repositories".into(), names_yaml(names));
    }
    for (k, v) in &g.common.oidc {
        m.insert(k.clone().into(), v.clone().into());
    }
    if !is_oidc(g) {
        m.insert("secret".into(), placeholder(g).into());
    }
    m
}
