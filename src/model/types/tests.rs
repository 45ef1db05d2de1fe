//! The domain types parsed from strings: what each accepts and refuses.

use super::*;

#[test]
fn enums_round_trip_and_name_allowed_values() {
    for t in RegistryType::ALL {
        assert_eq!(t.as_str().parse::<RegistryType>(), Ok(*t));
    }
    assert_eq!(RegistryType::ALL.len(), 15);
    assert_eq!(AuthType::ALL.len(), 7);
    let err = "npm".parse::<RegistryType>().unwrap_err();
    assert!(
        err.contains("npm_registry") && err.contains("terraform_registry"),
        "{err}"
    );
    let err = "public".parse::<Visibility>().unwrap_err();
    assert!(err.contains("all, private, selected"), "{err}");
}

#[test]
fn every_oidc_field_belongs_to_some_auth_type() {
    for f in OidcField::ALL {
        assert!(
            !AuthType::taking(*f).is_empty(),
            "{f} is taken by no auth type"
        );
    }
    assert!(AuthType::OidcCloudsmith.takes(OidcField::Audience));
    assert!(!AuthType::OidcAzure.takes(OidcField::Audience));
    assert!(!AuthType::Token.is_oidc() && AuthType::OidcGcp.is_oidc());
}

#[test]
fn secret_never_prints() {
    let s = Secret::new("hunter2".into());
    assert_eq!(format!("{s:?} {s}"), "*** ***");
    assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
    assert_eq!(s.expose(), "hunter2");
}

#[test]
fn path_names_reject_everything_that_could_leave_the_path() {
    for bad in [
        "", "a/b", "..", "a b", "a?b", "a#b", "a%2f", "-a", "a\n", "a--b",
    ] {
        assert!(bad.parse::<Org>().is_err(), "org {bad:?}");
    }
    assert!("my-org-1".parse::<Org>().is_ok());
    for bad in [
        "", "a/b", "..", "A B", "A?", "A#", "A%2F", "1ABC", "A-B", "A.B",
    ] {
        assert!(bad.parse::<ConfigName>().is_err(), "name {bad:?}");
    }
    assert!("NPM_REGISTRY_SECRET".parse::<ConfigName>().is_ok());
    for bad in ["", "a/b", ".", "..", "a b", "a?", "a#", "a%2e", "o/../x"] {
        assert!(bad.parse::<RepoName>().is_err(), "repo {bad:?}");
    }
    assert!("my.repo-name_2".parse::<RepoName>().is_ok());
}

#[test]
fn urls_must_be_absolute_and_compare_loosely() {
    for bad in [
        "npm.pkg.github.com",
        "/path",
        "https://",
        "https:///x",
        "ht tp://x",
        "https://a b",
    ] {
        assert!(bad.parse::<RegistryUrl>().is_err(), "{bad:?}");
    }
    let a: RegistryUrl = "HTTPS://NPM.Example.com/Org/".parse().unwrap();
    let b: RegistryUrl = "https://npm.example.com/Org".parse().unwrap();
    assert_eq!(a.key(), b.key());
    let c: RegistryUrl = "https://npm.example.com/org".parse().unwrap();
    assert_ne!(a.key(), c.key(), "paths stay case-sensitive");
    assert_eq!(a.key(), "https://npm.example.com/Org");
}

#[test]
fn same_url_agrees_with_the_normalised_forms() {
    let urls = [
        "HTTPS://NPM.Example.com/Org/",
        "https://npm.example.com/Org",
        "https://npm.example.com/org",
        " https://npm.example.com// ",
        "https://npm.example.com",
        "https://npm.example.com?x=1",
        "https://NPM.example.com?x=1",
        "http://npm.example.com",
        "npm.example.com",
        "NPM.example.com",
        "",
    ];
    for a in urls {
        for b in urls {
            assert_eq!(
                same_url(a, b),
                normalize_url(a) == normalize_url(b),
                "{a:?} vs {b:?}"
            );
        }
    }
}

#[test]
fn booleans_and_lists() {
    assert_eq!(parse_bool("TRUE"), Ok(true));
    assert_eq!(parse_bool(" false "), Ok(false));
    assert!(parse_bool("yes").unwrap_err().contains("true, false"));
    assert_eq!(
        split_list("a, b\nc,,\n").collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
}

#[test]
fn api_url_must_be_https_or_literal_loopback() {
    for ok in [
        "https://api.github.com",
        "https://ghe.example.com/api/v3/",
        "http://localhost:8080",
        "http://[::1]:1",
        "http://127.0.0.1:9",
        "http://127.1.2.3",
    ] {
        assert!(ok.parse::<ApiUrl>().is_ok(), "{ok}");
    }
    for bad in [
        "http://api.github.com",
        "ftp://x",
        "api.github.com",
        "https://u:p@h",
        "https://h/?x",
        "http://127.evil.com",
        "http://127.0.0.1.example.com",
        "http://[::2]:1",
        "http://128.0.0.1",
    ] {
        assert!(bad.parse::<ApiUrl>().is_err(), "{bad}");
    }
    let u: ApiUrl = "HTTPS://GHE.example.com:8443/api/v3".parse().unwrap();
    assert_eq!(u.origin(), "https://ghe.example.com:8443");
}

#[test]
fn names_compare_order_and_hash_without_case_as_github_does() {
    let a: ConfigName = "npm_Token".parse().unwrap();
    let b: ConfigName = "NPM_TOKEN".parse().unwrap();
    assert_eq!(a, b);
    assert!(a == *"Npm_token");
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Equal);
    assert_eq!(a.as_str(), "npm_Token", "the spelling given is kept");
    let set: std::collections::HashSet<ConfigName> = [a, b].into_iter().collect();
    assert_eq!(set.len(), 1);
    let acme: Org = "Acme".parse().unwrap();
    assert_eq!(acme, "acme".parse::<Org>().unwrap());
    assert!(same_name("Repo.x", "repo.X") && !same_name("a", "b"));
    assert_eq!(name_key("npm_x"), "NPM_X");
}
