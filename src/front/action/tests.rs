//! The Action's inputs read into a request: what is refused, what is masked, what reaches the plan.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Env {
    let mut vars: Vec<(String, String)> = vec![
        ("INPUT_TOKEN".into(), "ghp_token".into()),
        ("INPUT_ORG".into(), "acme".into()),
        ("INPUT_API_URL".into(), "http://127.0.0.1:9".into()),
    ];
    vars.extend(
        pairs
            .iter()
            .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.to_string())),
    );
    Env::from_iter(vars)
}

fn errors(pairs: &[(&str, &str)]) -> String {
    request(&env(pairs)).unwrap_err().to_string()
}

#[test]
fn defaults_to_set_and_needs_a_match_key() {
    let e = errors(&[("secret", "x")]);
    assert!(
        e.contains("input `registry_type`: required by operation set without a name"),
        "{e}"
    );
    assert!(e.contains("input `url`: required by operation set"), "{e}");
}

#[test]
fn empty_inputs_are_absent() {
    let i = request(&env(&[("operation", "list"), ("page", ""), ("name", "")])).unwrap();
    assert!(matches!(
        i.command,
        crate::core::Command::List {
            per_page: 100,
            page: None
        }
    ));
}

#[test]
fn api_url_must_be_https_or_loopback() {
    let e = errors(&[("operation", "list"), ("api_url", "http://example.com")]);
    assert!(
        e.contains("input `api_url`") && e.contains("only allowed to a literal loopback"),
        "{e}"
    );
    let e = errors(&[
        ("operation", "list"),
        ("api_url", "http://127.0.0.1.example.com"),
    ]);
    assert!(e.contains("input `api_url`"), "{e}");
}

#[test]
fn unknown_and_misspelt_inputs_are_refused() {
    let e = errors(&[
        ("operation", "list"),
        ("dry-run", "true"),
        ("frobnicate", "1"),
    ]);
    assert!(
        e.contains(
            "input `dry-run`: not an input of this action (INPUT_DRY-RUN); did you mean `dry_run`?"
        ),
        "{e}"
    );
    assert!(
        e.contains("input `frobnicate`: not an input of this action"),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn a_value_that_is_not_utf8_is_refused_by_name() {
    use std::os::unix::ffi::OsStringExt;
    let env = Env::from_os([
        ("INPUT_TOKEN".into(), "t".into()),
        ("INPUT_ORG".into(), "acme".into()),
        ("INPUT_OPERATION".into(), "list".into()),
        (
            "INPUT_DRY_RUN".into(),
            std::ffi::OsString::from_vec(vec![0xff, 0xfe]),
        ),
    ]);
    let e = request(&env).unwrap_err().to_string();
    assert!(
        e.contains("input `dry_run`: the value is not valid UTF-8"),
        "{e}"
    );
}

#[test]
fn numbers_and_booleans_name_their_range() {
    let e = errors(&[
        ("operation", "list"),
        ("per_page", "101"),
        ("dry_run", "maybe"),
        ("request_timeout", "x"),
    ]);
    assert!(
        e.contains("input `per_page`: \"101\" is not a whole number from 1 to 100"),
        "{e}"
    );
    assert!(
        e.contains("input `dry_run`: \"maybe\" is not a boolean; allowed: true, false"),
        "{e}"
    );
    assert!(e.contains("input `request_timeout`"), "{e}");
}

#[test]
fn operations_refuse_inputs_they_do_not_use() {
    let e = errors(&[("operation", "get"), ("url", "https://x")]);
    assert!(e.contains("input `url`: not used by operation get"), "{e}");
    assert!(e.contains("input `name`: required by operation get"), "{e}");
    let e = errors(&[("operation", "delete"), ("name", "../../repos")]);
    assert!(
        e.contains("input `name`") && e.contains("is not a configuration name"),
        "{e}"
    );
    let e = errors(&[("operation", "frobnicate")]);
    assert!(
        e.contains("unknown operation \"frobnicate\"; allowed: list, get, public-key"),
        "{e}"
    );
    let e = errors(&[("operation", "update"), ("name", "X")]);
    assert!(e.contains("nothing to update"), "{e}");
}

#[test]
fn token_and_org_are_required_and_never_echoed() {
    let e = request(&Env::from_iter([
        ("INPUT_OPERATION", "list"),
        ("INPUT_ORG", "a/b"),
    ]))
    .unwrap_err()
    .to_string();
    assert!(e.contains("input `token`: required"), "{e}");
    assert!(
        e.contains("input `org`: \"a/b\" is not an organization login"),
        "{e}"
    );
    let e = errors(&[
        ("operation", "create"),
        ("registry_type", "npm_registry"),
        ("url", "x"),
        ("secret", "TOPSECRET"),
    ]);
    assert!(!e.contains("TOPSECRET"), "{e}");
}

#[test]
fn sync_parses_the_manifest_and_masks_its_secrets() {
    let manifest = "- registry_type: npm_registry\n  url: https://n.example.com\n  secret_env: NPM_TOKEN\n  visibility: all\n- type: docker-registry\n  url: https://r.example.com\n  secret: 'lit: #1'\n  visibility: all\n";
    let e: Env = env(&[
        ("operation", "sync"),
        ("registries", manifest),
        ("prune", "true"),
    ])
    .vars()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([("NPM_TOKEN".to_string(), "npm-value".to_string())])
    .collect();
    let masks: Vec<String> = values_to_mask(&e)
        .iter()
        .map(|s| s.expose().to_string())
        .collect();
    for want in ["ghp_token", "npm-value", "lit: #1"] {
        assert!(masks.iter().any(|m| m == want), "{want} not in {masks:?}");
    }
    let i = request(&e).unwrap();
    let crate::core::Command::Sync { entries, prune } = &i.command else {
        panic!("{:?}", i.command)
    };
    assert!(*prune);
    assert_eq!(entries.len(), 2);
    assert!(!format!("{i:?}").contains("npm-value"));

    let e = errors(&[("operation", "sync"), ("url", "https://x")]);
    assert!(e.contains("input `url`: not used by operation sync"), "{e}");
    assert!(
        e.contains("input `registries`: required by operation sync"),
        "{e}"
    );
    let e = errors(&[("operation", "list"), ("prune", "true")]);
    assert!(
        e.contains("input `prune`: only used by operation sync"),
        "{e}"
    );
}

#[test]
fn debug_of_inputs_shows_no_secret() {
    let i = request(&env(&[
        ("operation", "create"),
        ("registry_type", "npm_registry"),
        ("url", "https://npm.example.com"),
        ("visibility", "all"),
        ("secret", "TOPSECRET"),
    ]))
    .unwrap();
    let dbg = format!("{i:?} {:?}", env(&[("secret", "TOPSECRET")]));
    assert!(
        !dbg.contains("TOPSECRET") && !dbg.contains("ghp_token"),
        "{dbg}"
    );
}
