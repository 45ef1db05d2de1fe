//! The command-line front end: arguments (clap) → the same validated
//! [`Request`](crate::core::Request) the Action builds, under the same rules; then the table
//! or JSON report. `completions` and `man` are generated from the same definitions.

mod args;
mod auth;
mod prompt;
mod suggest;

use std::io::{IsTerminal, Write};
use std::rc::Rc;
use std::time::Duration;

use clap::{CommandFactory, Parser};

pub use args::Cli;
use args::{Cmd, Common, GitHub, Manifest, Output, Registry, Shell};
use auth::TokenSource;

use super::audience::Audience;
use super::env::Env;
use super::files;
use super::manifest;
use super::secrets::{Need, Secrets};
use super::shared::{self, Given};
use crate::client::Connection;
use crate::core::{Confirm, Request};
use crate::model::auth::Auth;
use crate::model::spec::RawSpec;
use crate::model::types::ApiUrl;
use crate::model::{Error, Operation};
use crate::report::fields::records_of;
use crate::report::{JsonView, Layout, Sink};

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

/// Where the report goes before the arguments are read (as without `--json`).
pub fn early_sink(env: &Env) -> Sink {
    sink_for(None, env)
}

/// A table at a terminal, fitted to its width; tab-separated rows off one (as `gh` prints);
/// JSON with `--json` or `--jq`; an exported file as it is unless `--json`; colour only at a
/// terminal and never with `NO_COLOR`.
fn sink_for(json: Option<JsonView>, env: &Env) -> Sink {
    let terminal = std::io::stdout().is_terminal();
    let layout = match terminal {
        true => Layout::Aligned {
            width: terminal_size::terminal_size()
                .map(|(w, _)| usize::from(w.0))
                .filter(|w| *w > 0)
                .or_else(|| env.get("COLUMNS").and_then(|c| c.trim().parse().ok())),
        },
        false => Layout::Tabs,
    };
    Sink::Terminal {
        json,
        layout,
        colour: terminal && std::io::stderr().is_terminal() && env.get("NO_COLOR").is_none(),
    }
}

/// `--json [FIELDS]` and `--jq`, checked: the fields the command's records have, an
/// expression jq can run. `None` for a table.
fn json_view(
    out: &Output,
    operation: Operation,
    orgs: Option<&[String]>,
    errors: &mut Vec<String>,
) -> Option<JsonView> {
    if out.json.is_none() && out.jq.is_none() {
        return None;
    }
    let records = records_of(operation);
    let fields = match out.json.as_deref().map(|f| records.parse(f)) {
        Some(Ok(fields)) => fields.map(|f| (records, f)),
        Some(Err(e)) => {
            errors.push(format!("`--json`: {e}"));
            None
        }
        None => None,
    };
    if let Some(code) = &out.jq
        && let Err(e) = crate::report::check_jq(code)
    {
        errors.push(format!("`--jq`: {e}"));
    }
    Some(JsonView {
        fields,
        org: orgs.filter(|o| o.len() == 1).map(|o| o[0].clone()),
        jq: out.jq.clone(),
    })
}

/// clap_complete's bash script for a hyphenated binary name spells its states two ways: the
/// loop reaches `private__registries__subcmd__sync`, the case arms read
/// `private__subcmd__registries__subcmd__sync`, so nothing completes after a subcommand
/// (clap-rs/clap#6421, open). The arms are spelt as the loop spells them.
fn bash_fixed(script: &str) -> String {
    script.replace("private__subcmd__registries", "private__registries")
}

fn completions(shell: Shell) -> u8 {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout();
    let name = "private-registries";
    match shell {
        Shell::Bash => {
            let mut script = Vec::new();
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, name, &mut script);
            let _ = out.write_all(bash_fixed(&String::from_utf8_lossy(&script)).as_bytes());
        }
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, name, &mut out),
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, name, &mut out)
        }
        Shell::Powershell => {
            clap_complete::generate(clap_complete::Shell::PowerShell, &mut cmd, name, &mut out)
        }
    }
    0
}

/// The top-level page on stdout, or every command's page written into `dir` (the pages the
/// top-level one points at: `private-registries-sync(1)`, …).
fn man(dir: Option<&std::path::Path>) -> u8 {
    let written = match dir {
        None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            let at = dir
                .map(|d| format!(" into {}", d.display()))
                .unwrap_or_default();
            eprintln!("error: writing the man pages{at} failed ({})", e.kind());
            1
        }
    }
}

/// `delete` asks first at a terminal; elsewhere it needs `--yes`. Checked before any request.
fn confirm_delete(cli: &Cli, common: &Common) -> Result<(), Error> {
    let Cmd::Delete { name, .. } = &cli.command else {
        return Ok(());
    };
    if common.yes || common.dry_run {
        return Ok(());
    }
    let orgs = common.github.org.join(", ");
    let of = if orgs.is_empty() {
        String::new()
    } else {
        format!(" of org {orgs}")
    };
    match prompt::confirm(&format!(
        "delete the private registry configuration {name}{of}?"
    )) {
        Some(true) => Ok(()),
        Some(false) => Err(Error::Failed(anyhow::anyhow!(
            "declined at the prompt; nothing was deleted"
        ))),
        None => Err(Error::invalid(
            "`delete`: no terminal to confirm at; pass --yes to delete without asking",
        )),
    }
}

/// A sync's prune deletes, confirmed after planning and before anything is written.
/// The plan first, then the question, naming the org and how many would go; a decline is said
/// as such (the run exits 1, nothing written).
fn confirm_prune(yes: bool, q: &crate::core::PruneQuestion) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    let n = q.deletes.len();
    let mut shown = vec![format!("the sync of org {} would:", q.org)];
    shown.extend(q.plan.iter().map(|line| format!("  {line}")));
    shown.extend(
        q.deletes
            .iter()
            .map(|name| format!("  delete {name} (prune)")),
    );
    let question = format!(
        "{}\ndelete {n} {} of org {}?",
        shown.join("\n"),
        plural(n, "configuration", "configurations"),
        q.org
    );
    match prompt::confirm(&question) {
        Some(true) => Ok(()),
        Some(false) => Err("declined at the prompt".into()),
        None => Err("prune would delete configurations and there is no terminal to confirm at; pass --yes, or --dry-run to see the plan".into()),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
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
    let org = match auth::org(&g.org, env) {
        Some(o) => {
            let given: Vec<&str> = o.iter().map(String::as_str).collect();
            shared::orgs(&given, "`--org`", &mut errors)
        }
        None => {
            errors.push("`--org`: required (or set GH_REPO=OWNER/REPO)".to_string());
            None
        }
    };
    let api_url = auth::api_url(g.api_url.as_deref(), &host, env)
        .parse::<ApiUrl>()
        .map_err(|e| errors.push(format!("`--api-url`: {e}")))
        .ok();
    let timeout = shared::number(
        g.request_timeout.as_deref(),
        1..=3600,
        30,
        "`--request-timeout`",
        &mut errors,
    );
    let max_wait = shared::number(
        g.max_wait.as_deref(),
        0..=21_600,
        300,
        "`--max-wait`",
        &mut errors,
    );
    let ca_certificate = g.ca_certificate.as_ref().and_then(|path| {
        shared::ca_certificate(&path.to_string_lossy(), None)
            .map_err(|e| errors.push(format!("`--ca-certificate`: {e}")))
            .ok()
    });
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
                    request_timeout: Duration::from_secs(timeout),
                    max_wait: Duration::from_secs(max_wait),
                    ca_certificate,
                },
                orgs: org,
                fail_fast: g.fail_fast,
                dry_run: common.dry_run,
                unresolved_secrets,
                command,
            },
            source,
            host,
            view,
        )),
        _ => Err(Error::Invalid(errors)),
    }
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
    let mut spec = RawSpec::new();
    if let Some(r) = registry {
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
    }
    let (mut per_page, mut page, mut paging) = (100, None, None);
    if let Cmd::List {
        page: p,
        per_page: pp,
        ..
    } = &cli.command
    {
        per_page = shared::number(pp.as_deref(), 1..=100, 100, "`--per-page`", errors) as u32;
        page = p
            .as_deref()
            .map(|p| shared::number(Some(p), 1..=100_000, 1, "`--page`", errors) as u32);
        paging = p.as_ref().map(|_| "page");
    }
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
        include: match &cli.command {
            Cmd::Discover {
                include_archived,
                include_forks,
                ..
            } => shared::Include {
                archived: Some(*include_archived),
                forks: Some(*include_forks),
            },
            _ => shared::Include::default(),
        },
        parse_file: manifest::parse_repository_file,
    };
    let command = shared::command(&given, &flag, errors);
    for value in spec.values_mut() {
        zeroize::Zeroize::zeroize(value);
    }
    command
}

/// The secret from `--secret-stdin` (or its hidden prompt) or `--secret-env`; never a flag
/// value. Errors name the flag or the variable, never a value.
fn secret(r: &Registry, env: &Env) -> Result<Option<String>, String> {
    if r.secret_stdin {
        return prompt::read_secret()
            .map_err(|e| format!("`--secret-stdin`: {e}"))
            .and_then(|s| match s.is_empty() {
                true => Err("`--secret-stdin`: standard input held no secret".to_string()),
                false => Ok(Some(s)),
            });
    }
    let Some(var) = &r.secret_env else {
        return Ok(None);
    };
    shared::env_var_name(var).map_err(|e| format!("`--secret-env`: {e}"))?;
    env.get(var)
        .map(|v| Some(v.to_string()))
        .ok_or_else(|| format!("`--secret-env`: the environment variable {var} is unset or empty"))
}

/// A file's text, or standard input for `-`; the error names the flag.
fn read_text(path: &std::path::Path, flag: &str) -> Result<String, String> {
    if path.as_os_str() == "-" {
        return files::read_bounded(std::io::stdin(), files::MAX_FILE)
            .map_err(|e| format!("`{flag}`: standard input: {e}"));
    }
    files::read_regular(path, files::MAX_FILE).map_err(|e| format!("`{flag}`: {e}"))
}

/// The manifest, with its secrets (a `--secrets-file`, else the environment) and overlay.
fn read_manifest(
    m: &Manifest,
    env: &Env,
    need: Need,
    unresolved: &mut Vec<String>,
) -> Result<Vec<crate::model::Entry>, Vec<String>> {
    let text = read_text(&m.registries, "--registries").map_err(|e| vec![e])?;
    let secrets = match &m.secrets_file {
        Some(path) => {
            let raw = read_text(path, "--secrets-file").map_err(|e| vec![e])?;
            Secrets::from_file_text(&raw, "`--secrets-file`").map_err(|e| vec![e])?
        }
        None => Secrets::from_env(),
    }
    .needing(need)
    .speaking_to(Audience::Cli);
    let overlay = match &m.overlay {
        Some(path) => Some(read_text(path, "--overlay").map_err(|e| vec![e])?),
        None => None,
    };
    let origin = if m.registries.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        m.registries.display().to_string()
    };
    let parsed = manifest::parse_source(&manifest::Source {
        text: &text,
        origin,
        env,
        secrets: &secrets,
        overlay: overlay.as_deref(),
    });
    *unresolved = secrets.unresolved();
    parsed
}
