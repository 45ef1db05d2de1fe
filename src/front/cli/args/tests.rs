//! The definitions are consistent, and every registry key has its flag.

use super::*;
use clap::CommandFactory;

#[test]
fn the_definitions_are_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn every_oidc_field_has_a_flag() {
    let r = Registry::default();
    let keys: Vec<&str> = crate::model::spec::SPEC_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "secret")
        .chain(crate::model::OidcField::ALL.iter().map(|f| f.as_str()))
        .collect();
    let cmd = Cli::command();
    let create = cmd.find_subcommand("create").unwrap();
    for key in keys {
        let flag = key.replace('_', "-");
        assert!(
            create
                .get_arguments()
                .any(|a| a.get_long() == Some(flag.as_str())),
            "no --{flag}"
        );
    }
    assert!(r.pairs().is_empty());
}
