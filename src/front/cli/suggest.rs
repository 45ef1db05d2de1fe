//! "Did you mean" for a misspelt flag that clap's own similarity misses: clap compares with
//! Jaro, whose window is too narrow for short words (`--ogr` gets no tip for `--org`); here
//! an edit distance that counts a swap of two letters as one edit finds it.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The error, with a tip naming the flag the user most likely meant when clap found none.
pub fn amend(mut e: clap::Error, args: &[OsString], cmd: &clap::Command) -> clap::Error {
    if e.kind() != ErrorKind::UnknownArgument || e.get(ContextKind::SuggestedArg).is_some() {
        return e;
    }
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    let Some(given) = given.strip_prefix("--") else {
        return e;
    };
    let given = given.split('=').next().unwrap_or(given).to_string();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find_map(|a| cmd.find_subcommand(a));
    if let Some(flag) = nearest(&given, sub.unwrap_or(cmd)) {
        e.insert(
            ContextKind::SuggestedArg,
            ContextValue::String(format!("--{flag}")),
        );
    }
    e
}

/// The command's long flag nearest `given`, if it is near enough: one edit for a short word,
/// two for a longer one.
fn nearest(given: &str, cmd: &clap::Command) -> Option<String> {
    let most = if given.chars().count() <= 4 { 1 } else { 2 };
    cmd.get_arguments()
        .flat_map(|a| a.get_long_and_visible_aliases().unwrap_or_default())
        .map(|flag| (crate::front::shared::edit_distance(given, flag), flag))
        // Distance 0 is the flag itself, given where it does not belong: clap says where.
        .filter(|(d, _)| (1..=most).contains(d))
        .min_by_key(|(d, _)| *d)
        .map(|(_, flag)| flag.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    fn tip(args: &[&str]) -> Option<String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let cmd = super::super::Cli::command();
        let e = super::super::Cli::try_parse_from(&args).unwrap_err();
        match amend(e, &args, &cmd).get(ContextKind::SuggestedArg) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    #[test]
    fn a_short_misspelt_flag_gets_a_tip_too() {
        assert_eq!(
            tip(&["p", "list", "--ogr", "acme"]).as_deref(),
            Some("--org")
        );
        assert_eq!(tip(&["p", "list", "--ogr=acme"]).as_deref(), Some("--org"));
        assert_eq!(
            tip(&["p", "sync", "--registires", "x"]).as_deref(),
            Some("--registries")
        );
        // clap's own tip is kept, and a word near no flag gets none.
        assert_eq!(tip(&["p", "list", "--jsno"]).as_deref(), Some("--json"));
        assert_eq!(tip(&["p", "list", "--zzzzzz"]), None);
        // A flag of another command is not offered.
        assert_eq!(tip(&["p", "list", "--prnue"]), None);
        assert_eq!(tip(&["p", "--org", "acme", "list"]), None);
    }
}
