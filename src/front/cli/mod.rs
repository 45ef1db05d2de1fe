//! The command-line front end: arguments (clap, [`args`]) → the same validated
//! [`Request`](crate::core::Request) the Action builds, under the same rules. Where the report
//! goes is [`output`], the secret and files are read by [`read`], deletes are confirmed by
//! [`confirm`], and `completions` and `man` are generated ([`generate`]) from the same
//! definitions.

mod args;
mod auth;
mod confirm;
mod generate;
mod output;
mod prompt;
mod read;
mod suggest;

pub use args::Cli;
use args::{Cmd, Common, GitHub, Manifest, Output, Registry, Shell};
use auth::TokenSource;
use confirm::*;
use generate::*;
pub use output::early_sink;
use output::*;
use read::*;

use std::rc::Rc;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::client::Connection;
use crate::core::{Confirm, Request};
use crate::front::env::Env;
use crate::front::manifest;
use crate::front::shared::{self, Given};
use crate::model::auth::Auth;
use crate::model::spec::RawSpec;
use crate::model::types::ApiUrl;
use crate::model::{Error, Operation};
use crate::report::{JsonView, Sink};

/// How a message names a key: the flag that sets it.
fn flag(key: &str) -> String {
    match key {
        "secret" => "`--secret-stdin` / `--secret-env`".to_string(),
        "name" => "`NAME` (or `--name`)".to_string(),
        k => format!("`--{}`", k.replace('_', "-")),
    }
}

/// What the command line asks for, once its arguments are read.
pub enum Prepared {
    /// Nothing to run: help, version, completions, the man page, or a usage error (exit status).
    Done(u8),
    /// Bad input, found before any request.
    Invalid(Sink, Error),
    Run(Box<CliRun>),
}

/// Advice to add to an error (the `gh auth refresh` line), if any.
pub type Advice = Box<dyn Fn(&Error) -> Option<String>>;

/// A validated request with how to show it, who confirms deletes, and advice for errors.
pub struct CliRun {
    pub request: Request,
    pub sink: Sink,
    pub confirm: Confirm,
    pub advice: Advice,
}

/// Reads the arguments into a request; nothing is sent.
pub fn prepare(args: Vec<std::ffi::OsString>, env: &Env) -> Prepared {
    // Before clap, whose own errors quote arguments back: a credential typed as an argument
    // is refused unseen (and it would stay in the shell's history).
    let pasted = shared::credentials_where_none_belong(
        args.iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, a)| Some((format!("argument {i}"), a.to_str()?))),
        "pass a secret with --secret-stdin, --secret-env NAME or --secrets-file, never as an argument",
    );
    if !pasted.is_empty() {
        return Prepared::Invalid(early_sink(env), Error::Invalid(pasted));
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let e = suggest::amend(e, &args, &Cli::command());
            let _ = e.print();
            return Prepared::Done(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let common = match &cli.command {
        Cmd::Completions { shell } => return Prepared::Done(completions(*shell)),
        Cmd::Man { dir } => return Prepared::Done(man(dir.as_deref())),
        other => match other.common() {
            Some(common) => common,
            None => return Prepared::Done(2),
        },
    };
    let (request, source, host, view) = match request(&cli, &common, env) {
        Ok(r) => r,
        Err(e) => return Prepared::Invalid(early_sink(env), e),
    };
    let sink = sink_for(view, env);
    if let Err(e) = confirm_delete(&cli, &common) {
        return Prepared::Invalid(sink, e);
    }
    let yes = common.yes;
    Prepared::Run(Box::new(CliRun {
        request,
        sink,
        confirm: Rc::new(move |q: &crate::core::PruneQuestion| confirm_prune(yes, q)),
        advice: Box::new(move |e: &Error| {
            e.api().and_then(|api| auth::advice(api, &source, &host))
        }),
    }))
}

/// The operation and what it was given.
fn given_of(cmd: &Cmd) -> (Operation, Option<&str>, Option<&Registry>) {
    match cmd {
        Cmd::List { .. } => (Operation::List, None, None),
        Cmd::Get { name, .. } => (Operation::Get, Some(name), None),
        Cmd::PublicKey { .. } => (Operation::PublicKey, None, None),
        Cmd::Create { registry, .. } => (Operation::Create, None, Some(registry)),
        Cmd::Update { name, registry, .. } => (Operation::Update, Some(name), Some(registry)),
        Cmd::Set { name, registry, .. } => (Operation::Set, name.as_deref(), Some(registry)),
        Cmd::Delete { name, .. } => (Operation::Delete, Some(name), None),
        Cmd::Diff { .. } => (Operation::Diff, None, None),
        Cmd::Export { .. } => (Operation::Export, None, None),
        Cmd::Discover { .. } => (Operation::Discover, None, None),
        Cmd::Sync { .. } | Cmd::Completions { .. } | Cmd::Man { .. } => {
            (Operation::Sync, None, None)
        }
    }
}

/// Validates everything before any request; every problem at once.
fn request(
    cli: &Cli,
    common: &Common,
    env: &Env,
) -> Result<(Request, TokenSource, String, Option<JsonView>), Error> {
    let g = common.github;
    let mut errors = Vec::new();
    let host = auth::hostname(g.hostname.as_deref(), env);
    let (sign_in, source) = sign_in(g, &host, env, &mut errors);
    let org = orgs(g, env, &mut errors);
    let api_url = auth::api_url(g.api_url.as_deref(), &host, env)
        .parse::<ApiUrl>()
        .map_err(|e| errors.push(format!("`--api-url`: {e}")))
        .ok();
    let (request_timeout, max_wait, ca_certificate) = limits(g, &mut errors);
    let names: Option<Vec<String>> = org
        .as_ref()
        .map(|o| o.iter().map(ToString::to_string).collect());
    let view = json_view(
        common.out,
        given_of(&cli.command).0,
        names.as_deref(),
        &mut errors,
    );
    let mut unresolved_secrets = Vec::new();
    let command = command(cli, common, env, &mut unresolved_secrets, &mut errors);
    match (errors.is_empty(), sign_in, org, api_url, command, source) {
        (true, Some(auth), Some(org), Some(api_url), Some(command), Some(source)) => Ok((
            Request {
                connection: Connection {
                    api_url,
                    auth,
                    request_timeout,
                    max_wait,
                    ca_certificate,
                },
                orgs: org,
                fail_fast: g.fail_fast,
                dry_run: common.dry_run,
                unresolved_secrets,
                command,
                input_name: flag,
            },
            source,
            host,
            view,
        )),
        _ => Err(Error::Invalid(errors)),
    }
}

/// The orgs of `--org` (repeated or comma separated), else the owner in `GH_REPO`.
fn orgs(g: &GitHub, env: &Env, errors: &mut Vec<String>) -> Option<Vec<crate::model::Org>> {
    match auth::org(&g.org, env) {
        Some(o) => {
            let given: Vec<&str> = o.iter().map(String::as_str).collect();
            shared::orgs(&given, "`--org`", errors)
        }
        None => {
            errors.push("`--org`: required (or set GH_REPO=OWNER/REPO)".to_string());
            None
        }
    }
}

/// `--request-timeout`, `--max-wait` and `--ca-certificate`, checked.
fn limits(g: &GitHub, errors: &mut Vec<String>) -> (Duration, Duration, Option<String>) {
    let timeout =
        shared::request_timeout(g.request_timeout.as_deref(), "`--request-timeout`", errors);
    let max_wait = shared::max_wait(g.max_wait.as_deref(), "`--max-wait`", errors);
    let ca_certificate = g.ca_certificate.as_ref().and_then(|path| {
        shared::ca_certificate(&path.to_string_lossy(), None)
            .map_err(|e| errors.push(format!("`--ca-certificate`: {e}")))
            .ok()
    });
    (timeout, max_wait, ca_certificate)
}

/// How the command line signs in: as a GitHub App with `--app-id` and `--app-private-key`,
/// else with the token of the environment or of `gh`.
fn sign_in(
    g: &GitHub,
    host: &str,
    env: &Env,
    errors: &mut Vec<String>,
) -> (Option<Auth>, Option<TokenSource>) {
    let labels = ["the token", "`--app-id`", "`--app-private-key`"];
    if g.app_id.is_none() && g.app_private_key.is_none() {
        let Some((token, source)) = auth::token(host, env) else {
            errors.push(format!(
                "no token: set GH_TOKEN (or GITHUB_TOKEN), log in with `gh auth login -h {host} -s admin:org`, or sign in as a GitHub App with --app-id and --app-private-key"
            ));
            return (None, None);
        };
        let auth = shared::auth(Some(&token), None, None, labels, errors);
        return (auth, Some(source));
    }
    let key = g.app_private_key.as_ref().and_then(|path| {
        read_text(path, "--app-private-key")
            .map_err(|e| errors.push(e))
            .ok()
            .map(zeroize::Zeroizing::new)
    });
    let auth = shared::auth(
        None,
        g.app_id.as_deref(),
        key.as_deref().map(String::as_str),
        labels,
        errors,
    );
    (auth, Some(TokenSource::App))
}

fn command(
    cli: &Cli,
    common: &Common,
    env: &Env,
    unresolved: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> Option<crate::core::Command> {
    let (operation, name, registry) = given_of(&cli.command);
    let spec = registry_spec(registry, env, errors);
    let (per_page, page, paging) = paging(&cli.command, errors);
    let need = shared::need(operation, common.dry_run);
    let (registries, prune) = match &cli.command {
        Cmd::Sync {
            manifest, prune, ..
        } => (Some(read_manifest(manifest, env, need, unresolved)), *prune),
        Cmd::Diff { manifest, .. } => (Some(read_manifest(manifest, env, need, unresolved)), false),
        _ => (None, false),
    };
    let (format, path) = match &cli.command {
        Cmd::Export { file, .. } | Cmd::Discover { file, .. } => {
            (file.format.as_deref(), file.output.clone().map(Ok))
        }
        _ => (None, None),
    };
    let given = Given {
        operation,
        name,
        spec: &spec,
        paging,
        per_page,
        page,
        registries,
        prune,
        format,
        path,
        include: include(&cli.command),
        parse_file: manifest::parse_repository_file,
    };
    // The secret's text is cleared when `spec` is dropped (a RawSpec does it).
    shared::command(&given, &flag, errors)
}

/// The registry flags given, by their API names, and the secret.
fn registry_spec(registry: Option<&Registry>, env: &Env, errors: &mut Vec<String>) -> RawSpec {
    let mut spec = RawSpec::new();
    let Some(r) = registry else {
        return spec;
    };
    for (k, v) in r.pairs() {
        spec.insert(k.to_string(), v.to_string());
    }
    match secret(r, env) {
        Ok(Some(s)) => {
            spec.insert("secret".into(), s);
        }
        Ok(None) => {}
        Err(e) => errors.push(e),
    }
    spec
}

/// `list`'s `--per-page` and `--page`, checked (and which of them was given).
fn paging(cmd: &Cmd, errors: &mut Vec<String>) -> (u32, Option<u32>, Option<&'static str>) {
    let Cmd::List { page, per_page, .. } = cmd else {
        return (100, None, None);
    };
    let per_page = shared::per_page(per_page.as_deref(), "`--per-page`", errors);
    let page = shared::page(page.as_deref(), "`--page`", errors);
    (per_page, page, page.map(|_| "page"))
}

/// `discover`'s `--include-archived` and `--include-forks`.
fn include(cmd: &Cmd) -> shared::Include {
    match cmd {
        Cmd::Discover {
            include_archived,
            include_forks,
            ..
        } => shared::Include {
            archived: Some(*include_archived),
            forks: Some(*include_forks),
        },
        _ => shared::Include::default(),
    }
}
