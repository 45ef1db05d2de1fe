//! A spec parsed from raw strings, compared with what GitHub reports, and patched.

use super::patch::Patch;
use super::*;
use crate::model::Configuration;
use serde_json::json;

fn config(v: serde_json::Value) -> Configuration {
    serde_json::from_value(v).unwrap()
}

fn json_of(f: &Fields) -> serde_json::Value {
    serde_json::to_value(f).unwrap()
}

fn raw(pairs: &[(&str, &str)]) -> RawSpec {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn label(k: &str) -> String {
    format!("input `{k}`")
}

fn errors(pairs: &[(&str, &str)]) -> String {
    RegistrySpec::parse(&raw(pairs), &label)
        .unwrap_err()
        .join("\n")
}

#[test]
fn entries_are_described_by_position_and_url_or_name() {
    assert_eq!(
        describe(2, Some("https://a"), Some("N")),
        "registries[2] (https://a)"
    );
    assert_eq!(describe(0, None, Some("N")), "registries[0] (N)");
    assert_eq!(describe(7, None, None), "registries[7]");
    let long = format!("https://{}", "é".repeat(70));
    let shown = describe(1, Some(&long), None);
    assert!(shown.ends_with("…)") && shown.chars().count() == "registries[1] (".len() + 61 + 1);
}

#[test]
fn parses_a_full_token_registry() {
    let spec = RegistrySpec::parse(
        &raw(&[
            ("registry_type", "npm_registry"),
            ("url", "https://npm.pkg.github.com/"),
            ("visibility", "selected"),
            ("selected_repository_ids", "3, 1\n2"),
            ("selected_repositories", "web,api,web"),
            ("replaces_base", "TRUE"),
            ("secret", "s3cr3t"),
        ]),
        &label,
    )
    .unwrap();
    assert_eq!(spec.repository_ids, [3, 1, 2]);
    assert_eq!(
        spec.repository_names.len(),
        2,
        "duplicate names are looked up once"
    );
    assert!(spec.creation_problems(&label).is_empty());
    let body = json_of(&spec.fields(&[1, 2, 3]));
    assert_eq!(body["selected_repository_ids"], json!([1, 2, 3]));
    assert_eq!(body["replaces_base"], json!(true));
    assert!(body.get("secret").is_none() && body.get("encrypted_value").is_none());
}

#[test]
fn every_bad_value_is_named_with_what_is_allowed() {
    let e = errors(&[
        ("registry_type", "npm"),
        ("url", "npm.example.com"),
        ("visibility", "public"),
        ("auth_type", "oauth"),
        ("replaces_base", "yes"),
        ("selected_repository_ids", "12,abc"),
    ]);
    for want in [
        "input `registry_type`: unknown registry type \"npm\"; allowed: maven_repository",
        "input `url`: \"npm.example.com\" is not an absolute URL",
        "input `visibility`: unknown visibility \"public\"; allowed: all, private, selected",
        "input `auth_type`: unknown auth type \"oauth\"; allowed: token, username_password",
        "input `replaces_base`: \"yes\" is not a boolean; allowed: true, false",
        "input `selected_repository_ids`: \"abc\" is not a repository id",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn repositories_need_selected_visibility() {
    let e = errors(&[("visibility", "all"), ("selected_repositories", "web")]);
    assert!(e.contains("input `selected_repositories`: repositories can only be given with visibility selected (visibility is all)"), "{e}");
    let e = errors(&[("selected_repository_ids", "1")]);
    assert!(e.contains("(visibility is not given)"), "{e}");
}

#[test]
fn oidc_rules() {
    let e = errors(&[
        ("auth_type", "oidc_azure"),
        ("secret", "x"),
        ("aws_region", "eu-west-1"),
    ]);
    assert!(
        e.contains("input `secret`: not allowed with auth_type oidc_azure"),
        "{e}"
    );
    assert!(
        e.contains(
            "input `aws_region`: not a field of auth_type oidc_azure; it belongs to: oidc_aws"
        ),
        "{e}"
    );
    let e = errors(&[("tenant_id", "t")]);
    assert!(e.contains("set auth_type to one of: oidc_azure"), "{e}");

    let spec = RegistrySpec::parse(
        &raw(&[
            ("registry_type", "docker_registry"),
            ("url", "https://r.azurecr.io"),
            ("visibility", "all"),
            ("auth_type", "oidc_azure"),
            ("tenant_id", "t"),
        ]),
        &label,
    )
    .unwrap();
    let problems = spec.creation_problems(&label).join("\n");
    assert!(
        problems.contains("input `client_id`: required with auth_type oidc_azure"),
        "{problems}"
    );
    assert!(!problems.contains("secret"), "{problems}");
}

#[test]
fn creation_needs_type_url_visibility_and_secret() {
    let spec = RegistrySpec::parse(&raw(&[("auth_type", "username_password")]), &label).unwrap();
    let p = spec.creation_problems(&label).join("\n");
    for key in ["registry_type", "url", "visibility", "secret", "username"] {
        assert!(
            p.contains(&format!("input `{key}`: required")),
            "{key} in {p}"
        );
    }
}

#[test]
fn patch_sends_only_differences_and_refuses_what_github_cannot_do() {
    let current = config(
        json!({"name": "N", "registry_type": "npm_registry", "url": "https://n.example.com", "visibility": "all"}),
    );
    let spec = |pairs: &[(&str, &str)]| RegistrySpec::parse(&raw(pairs), &label).unwrap();
    let same = spec(&[
        ("registry_type", "npm_registry"),
        ("url", "https://N.example.com/"),
        ("visibility", "all"),
    ]);
    assert_eq!(same.refusal(&current), None);
    assert_eq!(
        same.patch_for(&[], &current),
        Patch {
            body: Fields::default(),
            fields: vec![]
        }
    );
    let rotate = spec(&[
        ("visibility", "selected"),
        ("selected_repository_ids", "7"),
        ("secret", "s"),
    ]);
    let p = rotate.patch_for(&[7], &current);
    assert_eq!(
        json_of(&p.body),
        json!({"visibility": "selected", "selected_repository_ids": [7]})
    );
    assert_eq!(
        p.fields,
        ["selected_repository_ids", "visibility", "secret"]
    );
    let oidc = spec(&[
        ("auth_type", "oidc_azure"),
        ("tenant_id", "t"),
        ("client_id", "c"),
    ]);
    assert_eq!(
        oidc.refusal(&current),
        Some(Refusal::AuthTypeChange {
            current: "token".into(),
            wanted: AuthType::OidcAzure
        })
    );
    let oidc_current = config(json!({"name": "N", "auth_type": "oidc_gcp"}));
    assert_eq!(
        spec(&[("secret", "s")]).refusal(&oidc_current),
        Some(Refusal::SecretForOidc {
            current: "oidc_gcp".into()
        })
    );
}

#[test]
fn changed_fields_uses_api_defaults_and_normalises() {
    let current = config(json!({
        "name": "NPM", "registry_type": "npm_registry", "url": "https://NPM.example.com/x/",
        "visibility": "selected", "selected_repository_ids": [2, 1], "username": null,
        "tenant_id": "t", "future_field": {"x": 1}
    }));
    let mut want = Fields {
        url: Some("https://npm.example.com/x".into()),
        replaces_base: Some(false),
        auth_type: Some(AuthType::Token),
        selected_repository_ids: Some(vec![1, 2]),
        ..Fields::default()
    };
    want.oidc.insert(OidcField::TenantId, "t".into());
    assert!(want.changed(&current).is_empty());
    want.username = Some("bot".into());
    want.visibility = Some(Visibility::All);
    want.oidc.insert(OidcField::TenantId, "u".into());
    assert_eq!(
        want.changed(&current),
        ["tenant_id", "username", "visibility"]
    );
    assert_eq!(
        json_of(&want.only(&["tenant_id".into(), "url".into()])),
        json!({"url": "https://npm.example.com/x", "tenant_id": "u"})
    );
}

#[test]
fn made_needs_every_field_sent_and_ids_only_where_reported() {
    let sent = Fields {
        registry_type: Some(RegistryType::NpmRegistry),
        url: Some("https://npm.example.com".into()),
        username: Some("bot".into()),
        visibility: Some(Visibility::Selected),
        selected_repository_ids: Some(vec![7]),
        ..Fields::default()
    };
    let listed = json!({
        "name": "NPM_REGISTRY_2", "registry_type": "npm_registry",
        "url": "https://npm.example.com/", "username": "bot", "visibility": "selected"
    });
    assert!(sent.made(&config(listed.clone())));
    let mut with_ids = listed.clone();
    with_ids["selected_repository_ids"] = json!([8]);
    assert!(!sent.made(&config(with_ids)));
    for (key, other) in [
        ("username", json!("someone-else")),
        ("visibility", json!("private")),
        ("url", json!("https://npm.other.example.com")),
        ("registry_type", json!("maven_repository")),
    ] {
        let mut c = listed.clone();
        c[key] = other;
        assert!(!sent.made(&config(c)), "{key}");
    }
}

#[test]
fn a_raw_spec_never_shows_a_value() {
    let mut raw = RawSpec::new();
    raw.insert("secret".into(), "hunter2-the-secret".into());
    raw.insert("url".into(), "https://npm.example.com".into());
    let shown = format!("{raw:?}");
    assert_eq!(shown, r#"{"secret", "url"}"#);
    assert!(!shown.contains("hunter2"));
}
