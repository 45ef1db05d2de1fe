//! The manifest's parsing, entry by entry and whole, through `parse` as the `registries` input
//! reads it.

use super::*;
use crate::front::shared::edit_distance;
use crate::model::ConfigName;
use crate::model::{AuthType, RegistryType, Secret, Visibility};

fn env() -> Env {
    Env::from_iter([("NPM_TOKEN", "npm-s3cr3t: #{|*}\nline2"), ("EMPTY", "")])
}

fn ok(text: &str) -> Vec<Entry> {
    parse(text, &env()).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn errors(text: &str) -> String {
    parse(text, &env()).unwrap_err().join("\n")
}

#[test]
fn parses_yaml_with_both_secret_forms_and_lists() {
    let entries = ok(r#"
- name: NPM_SECRET
  registry_type: npm_registry
  url: https://npm.example.com/
  secret_env: NPM_TOKEN
  visibility: selected
  selected_repositories: [web, api]
  selected_repository_ids: [12, "13"]
  replaces_base: true
- registry_type: docker_registry
  url: https://registry.example.com
  secret: "literal"
  visibility: all
  replaces_base: "false"
"#);
    assert_eq!(entries.len(), 2);
    let a = &entries[0];
    assert_eq!(a.name.as_ref().map(ConfigName::as_str), Some("NPM_SECRET"));
    assert_eq!(
        a.spec.secret.as_ref().map(Secret::expose),
        Some("npm-s3cr3t: #{|*}\nline2")
    );
    assert_eq!(a.spec.repository_ids, [12, 13]);
    assert_eq!(a.spec.repository_names.len(), 2);
    assert_eq!(a.spec.replaces_base, Some(true));
    assert_eq!(a.label(), "registries[0] (https://npm.example.com/)");
    let b = &entries[1];
    assert_eq!(b.spec.secret.as_ref().map(Secret::expose), Some("literal"));
    assert_eq!(b.spec.replaces_base, Some(false));
    assert_eq!(b.spec.visibility, Some(Visibility::All));
}

#[test]
fn json_parses_too() {
    let entries = ok(
        "[\n\t{\"type\": \"npm-registry\", \"url\": \"https://n.example.com\", \"secret_env\": \"NPM_TOKEN\", \"visibility\": \"private\"}\n]",
    );
    assert_eq!(
        entries[0].spec.registry_type,
        Some(RegistryType::NpmRegistry)
    );
}

#[test]
fn a_json_list_reads_like_the_same_yaml() {
    let json = r#"[{"url": "https://a.example.com", "registry_type": "npm_registry", "secret_env": "NPM_TOKEN", "selected_repositories": ["web", "api"], "visibility": "selected", "replaces_base": true}]"#;
    let yaml = "- url: https://a.example.com\n  registry_type: npm_registry\n  secret_env: NPM_TOKEN\n  selected_repositories: [web, api]\n  visibility: selected\n  replaces_base: true\n";
    let (j, y) = (ok(json), ok(yaml));
    assert_eq!(format!("{:?}", j), format!("{:?}", y));
    let e = errors(
        r#"[null, [1], "x", 7, {"url": "https://a", "url": "https://b", "registry_type": "npm_registry"}]"#,
    );
    for want in [
        "registries[0]: expected a mapping of keys (`url: …`, `registry_type: …`), got nothing",
        "registries[1]: expected a mapping of keys (`url: …`, `registry_type: …`), got a list",
        "registries[2]: expected a mapping of keys (`url: …`, `registry_type: …`), got a single value",
        "registries[3]: expected a mapping of keys (`url: …`, `registry_type: …`), got a single value",
        "registries[4] (https://a): `url`: given twice (also as `url`); keep one",
    ] {
        assert!(e.contains(want), "{want} not in {e}");
    }
    assert!(errors("[]").contains("the list is empty"));
}

#[test]
fn dependabot_spellings() {
    let entries = ok(r#"
- type: git
  url: https://github.com/acme
  secret-env: NPM_TOKEN
  replaces-base: true
  visibility: selected
  selected-repositories: "web, api"
- type: maven-repository
  url: https://maven.example.com
  auth-type: username-password
  username: bot
  secret_env: NPM_TOKEN
  visibility: all
- type: docker-registry
  url: https://r.example.com
  auth-type: oidc_aws
  aws-region: eu-west-1
  account-id: "123456789012"
  role-name: r
  domain: d
  domain-owner: "123456789012"
  visibility: all
"#);
    assert_eq!(entries[0].spec.registry_type, Some(RegistryType::GitSource));
    assert_eq!(entries[0].spec.replaces_base, Some(true));
    assert_eq!(entries[0].spec.repository_names.len(), 2);
    assert_eq!(
        entries[1].spec.registry_type,
        Some(RegistryType::MavenRepository)
    );
    assert_eq!(entries[1].spec.auth_type, Some(AuthType::UsernamePassword));
    assert_eq!(entries[2].spec.oidc.len(), 5);
    assert!(
        entries[2]
            .spec
            .creation_problems(&|k| k.to_string())
            .is_empty()
    );
}

#[test]
fn unknown_keys_suggest_the_close_one() {
    let e = errors(
        "- url: https://a.example.com\n  registry_typ: npm_registry\n  visiblity: all\n  password: hunter2\n  colour: red\n",
    );
    assert!(
        e.contains("registries[0] (https://a.example.com): `registry_typ`: unknown key; did you mean `registry_type`?"),
        "{e}"
    );
    assert!(
        e.contains("`visiblity`: unknown key; did you mean `visibility`?"),
        "{e}"
    );
    assert!(
        e.contains("`password`: unknown key; dependabot.yml's `password` holds the secret"),
        "{e}"
    );
    assert!(
        e.contains("`colour`: unknown key; allowed: name, registry_type"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn every_problem_is_reported_with_entry_and_key() {
    let e = errors(
        r#"
- registry_type: npm
  url: https://a.example.com
  visibility: public
  secret: x
  secret_env: NPM_TOKEN
- registry_type: npm_registry
  url: https://b.example.com
  secret_env: MISSING_VAR
  replaces-base: maybe
- registry_type: npm_registry
  url: https://c.example.com
  secret_env: EMPTY
- visibility: all
- name: X
  url: https://e.example.com
- name: x
  url: https://f.example.com
- registry_type: npm_registry
  url: https://g.example.com
  visibility: all
  secret: s
- registry_type: npm_registry
  url: HTTPS://G.example.com/
"#,
    );
    for want in [
        "registries[0] (https://a.example.com): `registry_type`: unknown registry type \"npm\"",
        "registries[0] (https://a.example.com): `visibility`: unknown visibility \"public\"",
        "registries[0] (https://a.example.com): `secret` and `secret_env`: give one of them",
        "registries[1] (https://b.example.com): `secret_env`: the environment variable MISSING_VAR is unset or empty",
        "registries[1] (https://b.example.com): `replaces-base`: \"maybe\" is not a boolean",
        "registries[2] (https://c.example.com): `secret_env`: the environment variable EMPTY is unset or empty",
        "registries[3]: `registry_type` and `url`: required without `name`",
        "registries[5] (https://f.example.com): `name`: x is also the name of registries[4] (https://e.example.com)",
        "registries[7] (HTTPS://G.example.com/): `url`: same registry_type and url as registries[6]",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn value_shapes() {
    let e = errors(
        "- url: [https://a.example.com]\n  registry_type: npm_registry\n- url: https://b.example.com\n  registry_type: npm_registry\n  secret: 12345\n  visibility: !custom all\n",
    );
    assert!(
        e.contains("registries[0]: `url`: expected a single value, got a list"),
        "{e}"
    );
    assert!(e.contains("`secret`: must be a quoted string"), "{e}");
    assert!(!e.contains("12345"), "{e}");
    assert!(e.contains("`visibility`: YAML tags"), "{e}");
    assert!(errors("- just a string\n").contains("registries[0]: expected a mapping"));
    assert!(errors("[]").contains("the list is empty"));
    assert!(errors("# nothing\n").contains("holds no entries"));
    assert!(errors("registries:\n  - url: x\n").contains("give the list itself"));
    assert!(errors("npm:\n  url: https://x\n").contains("neither a dependabot.yml document"));
    let e = errors("- url: https://a\n  url: https://b\n");
    assert!(e.contains("a key appears twice"), "{e}");
    let e = errors("- url: https://a\n  type: npm_registry\n  registry_type: npm_registry\n");
    assert!(
        e.contains("given twice (also as `registry_type`)")
            || e.contains("given twice (also as `type`)"),
        "{e}"
    );
}

#[test]
fn syntax_errors_show_place_not_text() {
    // An unquoted secret with YAML-hostile characters breaks the YAML.
    let text = "- url: https://a.example.com\n  secret: ab: {cd|*ef\n";
    let e = errors(text);
    assert!(
        e.contains("not valid YAML or JSON at line 2, column"),
        "{e}"
    );
    for part in ["ab", "{cd", "*ef"] {
        assert!(!e.contains(part), "{part} in {e}");
    }
    let masks: Vec<String> = super::super::mask::secrets_to_mask(text, &env())
        .iter()
        .map(|s| s.expose().to_string())
        .collect();
    assert!(masks.contains(&"ab: {cd|*ef".to_string()), "{masks:?}");
}

#[test]
fn secret_env_names_are_checked() {
    let e = errors(
        "- url: https://a\n  registry_type: npm_registry\n  secret_env: INPUT_TOKEN\n- url: https://b\n  registry_type: npm_registry\n  secret_env: \"A B\"\n",
    );
    assert!(
        e.contains("`secret_env`: INPUT_TOKEN is one of the step's inputs"),
        "{e}"
    );
    assert!(
        e.contains("`secret_env`: is not an environment variable name"),
        "{e}"
    );
    assert!(!e.contains("A B"), "the value is never quoted: {e}");
}

#[test]
fn oidc_entry_with_secret_env_names_secret_env() {
    let e = errors(
        "- url: https://a\n  registry_type: npm_registry\n  auth_type: oidc_azure\n  secret_env: NPM_TOKEN\n",
    );
    assert!(
        e.contains(
            "registries[0] (https://a): `secret_env`: not allowed with auth_type oidc_azure"
        ),
        "{e}"
    );
}

#[test]
fn edit_distance_works() {
    assert_eq!(edit_distance("visiblity", "visibility"), 1);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

/// Parses and validates a manifest given as the `registries` input, with secrets from the
/// environment and no overlay.
fn parse(text: &str, env: &Env) -> Result<Vec<Entry>, Vec<String>> {
    parse_source(&Source {
        text,
        origin: "input `registries`".into(),
        env,
        secrets: &Secrets::from_env(),
        overlay: None,
    })
}
