//! Shared test kit for the integration tests: they drive the real binary as a subprocess
//! (`Action`) against mockito servers set up like GitHub (`gh`), validate what it sends with
//! GitHub's OpenAPI description (`openapi`) and unseal its secrets (`Keys`).
//!
//! Use from `tests/<name>.rs` with `mod support;`.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod app;
pub mod faults;
pub mod file_commands;
pub mod gh;
pub mod graphql;
pub mod openapi;
pub mod tls;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_box::aead::OsRng;
use crypto_box::aead::rand_core::RngCore as _;
use crypto_box::{PublicKey, SecretKey};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_private-registries");
/// Token passed as `INPUT_TOKEN` by default and expected by the `gh` mocks.
pub const TOKEN: &str = "ghp_TestToken0123456789abcdefghijKLMNOP";
/// Organization passed as `INPUT_ORG` by default.
pub const ORG: &str = "acme";
/// `created_at` / `updated_at` of the configurations built by [`config`].
pub const TIMESTAMP: &str = "2024-01-02T03:04:05Z";
/// How long a run may take before it is killed and the test fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Key pairs

/// An org key pair as GitHub holds it: the public half is served by `gh::public_key`, the
/// secret half unseals what the binary sent.
pub struct Keys {
    secret: SecretKey,
    /// Base64 (standard, padded) of the 32-byte public key, as in GitHub's `key` field.
    pub key: String,
    /// GitHub-like numeric key id.
    pub key_id: String,
}

impl Keys {
    pub fn generate() -> Keys {
        let secret = SecretKey::generate(&mut OsRng);
        let key = BASE64.encode(secret.public_key().as_bytes());
        let key_id = format!("{:018}", OsRng.next_u64() % 1_000_000_000_000_000_000);
        Keys {
            secret,
            key,
            key_id,
        }
    }

    /// Decodes base64 and opens a libsodium sealed box; panics with the reason on failure.
    #[track_caller]
    pub fn unseal(&self, encrypted_value_b64: &str) -> String {
        let sealed = BASE64.decode(encrypted_value_b64).unwrap_or_else(|e| {
            panic!("encrypted_value is not standard base64 ({e}): {encrypted_value_b64:?}")
        });
        let plain = self.secret.unseal(&sealed).unwrap_or_else(|_| {
            panic!(
                "encrypted_value does not unseal with the test key {} ({} bytes sealed)",
                self.key_id,
                sealed.len()
            )
        });
        String::from_utf8(plain).expect("unsealed value is not UTF-8")
    }

    /// Seals `plain` for this key the way GitHub clients do (base64 of a sealed box).
    pub fn seal(&self, plain: &str) -> String {
        seal_for(&self.key, plain)
    }

    /// The public-key endpoint's response body.
    pub fn json(&self) -> Value {
        json!({ "key_id": self.key_id, "key": self.key })
    }
}

/// Seals `plain` for a base64 public key.
pub fn seal_for(public_key_b64: &str, plain: &str) -> String {
    let bytes = BASE64.decode(public_key_b64).expect("public key base64");
    let public = PublicKey::from_slice(&bytes).expect("32-byte public key");
    BASE64.encode(public.seal(&mut OsRng, plain.as_bytes()).expect("seal"))
}

// ---------------------------------------------------------------------------------------------
// Sample data

/// A configuration as GitHub's list/get endpoints return it: `token` auth, `private`
/// visibility, fixed `created_at`/`updated_at` ([`TIMESTAMP`]). Adjust with [`with`].
pub fn config(name: &str, registry_type: &str, url: &str) -> Value {
    json!({
        "name": name,
        "registry_type": registry_type,
        "url": url,
        "auth_type": "token",
        "replaces_base": false,
        "visibility": "private",
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    })
}

/// `base` with the top-level fields of `patch` set; a `null` in `patch` removes the field
/// (use `Value::Null` via the object form, e.g. `json!({"username": null})`).
pub fn with(mut base: Value, patch: Value) -> Value {
    let target = base
        .as_object_mut()
        .expect("with(): base must be an object");
    for (k, v) in patch.as_object().expect("with(): patch must be an object") {
        if v.is_null() {
            target.remove(k);
        } else {
            target.insert(k.clone(), v.clone());
        }
    }
    base
}

/// A GitHub error body (`message`, `documentation_url`, `status`), as in "Basic Error".
pub fn github_error(status: u16, message: &str) -> Value {
    json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest/private-registries/organization-configurations",
        "status": status.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// Builder for one run of the binary as the Actions runner would start it.
///
/// Environment: cleared, then `PATH`, `RUST_BACKTRACE=1`, `GITHUB_ACTIONS=true` (action mode),
/// every input declared in `action.yml` (as the runner passes them: `""` when unset, the
/// literal `default:` when there is one), `INPUT_API_URL`=server URL, `INPUT_TOKEN`=[`TOKEN`],
/// `INPUT_ORG`=[`ORG`], then what the test sets. Action mode also sets `GITHUB_OUTPUT` and
/// `GITHUB_STEP_SUMMARY` to fresh files in a fresh temp dir.
pub struct Action {
    front: Front,
    stdin: Option<String>,
    /// Keep standard input open (after `stdin`'s text) until the program ends.
    hold_stdin: bool,
    program: PathBuf,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    unset: Vec<String>,
    declared_inputs: bool,
    output_files: bool,
    timeout: Duration,
    /// A signal (`TERM`, `INT`) sent this long after the start.
    signal: Option<(Duration, &'static str)>,
    /// Files put in the run's directory (its workspace) first: relative path, text.
    files: Vec<(String, String)>,
}

impl Action {
    pub fn new(server_url: &str) -> Action {
        let mut env = BTreeMap::new();
        env.insert("INPUT_API_URL".to_string(), server_url.to_string());
        env.insert("INPUT_TOKEN".to_string(), TOKEN.to_string());
        env.insert("INPUT_ORG".to_string(), ORG.to_string());
        Action {
            front: Front::Action,
            stdin: None,
            hold_stdin: false,
            program: PathBuf::from(BIN),
            args: Vec::new(),
            env,
            unset: Vec::new(),
            declared_inputs: true,
            output_files: true,
            timeout: DEFAULT_TIMEOUT,
            signal: None,
            files: Vec::new(),
        }
    }

    /// Sets input `name` (`INPUT_<NAME>`, upper-cased, spaces as `_`, as the runner does).
    pub fn input(mut self, name: &str, value: &str) -> Action {
        self.env.insert(input_var(name), value.to_string());
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Action {
        self.env.insert(key.to_string(), value.to_string());
        self
    }

    /// Removes a variable the builder would otherwise set (e.g. `"INPUT_TOKEN"`).
    pub fn unset(mut self, key: &str) -> Action {
        self.env.remove(key);
        self.unset.push(key.to_string());
        self
    }

    /// Command-line argument (e.g. `--help`).
    pub fn arg(mut self, arg: &str) -> Action {
        self.args.push(arg.to_string());
        self
    }

    /// Terminal mode: no `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` or `GITHUB_ACTIONS`.
    pub fn no_output_file(mut self) -> Action {
        self.output_files = false;
        self
    }

    /// Do not pass the inputs declared in `action.yml` that the test did not set.
    pub fn without_declared_inputs(mut self) -> Action {
        self.declared_inputs = false;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Action {
        self.timeout = timeout;
        self
    }

    /// Puts a file in the run's directory (the workspace: `GITHUB_WORKSPACE` and the working
    /// directory) before it starts.
    pub fn file(mut self, path: &str, text: &str) -> Action {
        self.files.push((path.to_string(), text.to_string()));
        self
    }

    /// Sends the signal `name` (`TERM`, `INT`) to the process `after` its start, with
    /// `kill(1)`, as a runner cancelling the job does.
    pub fn signal_after(mut self, after: Duration, name: &'static str) -> Action {
        self.signal = Some((after, name));
        self
    }

    /// Runs the scenario through the command-line front end instead (see [`Front::Cli`]).
    pub fn front(mut self, front: Front) -> Action {
        self.front = front;
        self
    }

    /// Standard input for the run (none: closed).
    pub fn stdin(mut self, text: &str) -> Action {
        self.stdin = Some(text.to_string());
        self
    }

    /// Writes `text` to standard input and keeps it open: a reader of it never sees its end.
    pub fn stdin_never_ending(mut self, text: &str) -> Action {
        self.stdin = Some(text.to_string());
        self.hold_stdin = true;
        self
    }

    /// Runs another program instead of the binary (for testing this kit).
    pub fn program(mut self, program: impl Into<PathBuf>) -> Action {
        self.program = program.into();
        self
    }

    /// The environment the run will get, before the output-file variables.
    pub fn environment(&self) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        env.insert(
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        );
        env.insert("RUST_BACKTRACE".to_string(), "1".to_string());
        if self.output_files {
            env.insert("GITHUB_ACTIONS".to_string(), "true".to_string());
        }
        if self.declared_inputs {
            for (name, default) in declared_inputs() {
                env.insert(input_var(name), default.clone());
            }
        }
        env.extend(self.env.clone());
        for key in &self.unset {
            env.remove(key);
        }
        env
    }

    /// Runs to completion (killing it after the timeout) and collects everything.
    #[track_caller]
    pub fn run(self) -> Outcome {
        let dir = fresh_dir();
        let output_path = dir.join("github_output");
        let summary_path = dir.join("step_summary");
        let mut env = self.environment();
        for (path, text) in &self.files {
            let file = dir.join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).expect("create the file's directory");
            }
            std::fs::write(&file, text).expect("write a workspace file");
        }
        if self.front == Front::Action {
            env.entry("GITHUB_WORKSPACE".into())
                .or_insert_with(|| path_str(&dir));
        }
        let mut args = self.args.clone();
        if self.front == Front::Cli {
            args = cli_args(&mut env, &dir);
        }
        let cli = self.front == Front::Cli;
        if self.output_files && !cli {
            std::fs::write(&output_path, "").expect("create GITHUB_OUTPUT");
            std::fs::write(&summary_path, "").expect("create GITHUB_STEP_SUMMARY");
            env.insert("GITHUB_OUTPUT".into(), path_str(&output_path));
            env.insert("GITHUB_STEP_SUMMARY".into(), path_str(&summary_path));
        }
        let mut child = Command::new(&self.program)
            .args(&args)
            .env_clear()
            .envs(&env)
            .current_dir(&dir)
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.display()));
        let mut held = None;
        if let (Some(text), Some(mut pipe)) = (&self.stdin, child.stdin.take()) {
            use std::io::Write as _;
            pipe.write_all(text.as_bytes()).expect("write stdin");
            if self.hold_stdin {
                held = Some(pipe);
            }
        }
        let stdout = reader(child.stdout.take().expect("stdout pipe"));
        let stderr = reader(child.stderr.take().expect("stderr pipe"));
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut signal = self.signal;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for child") {
                break status;
            }
            if let Some((after, name)) = signal
                && started.elapsed() >= after
            {
                let sent = Command::new("kill")
                    .arg(format!("-{name}"))
                    .arg(child.id().to_string())
                    .status()
                    .expect("run kill(1)");
                assert!(sent.success(), "kill -{name} failed");
                signal = None;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&dir);
                panic!(
                    "{} did not finish within {:?} and was killed (its pipes may hold more)",
                    self.program.display(),
                    self.timeout
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        drop(held);
        let stdout = stdout.join().expect("stdout reader");
        let stderr = stderr.join().expect("stderr reader");
        let (output_file, summary) = if self.output_files && !cli {
            (
                Some(std::fs::read_to_string(&output_path).expect("read GITHUB_OUTPUT")),
                std::fs::read_to_string(&summary_path).expect("read GITHUB_STEP_SUMMARY"),
            )
        } else {
            (None, String::new())
        };
        let workspace = read_tree(&dir, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        let mut outcome = Outcome {
            status,
            stdout,
            stderr,
            outputs: BTreeMap::new(),
            output_file,
            summary,
            workspace,
        };
        if cli {
            outcome.outputs = cli_outputs(&outcome.stdout);
        }
        if let Some(raw) = &outcome.output_file {
            let parsed = std::panic::catch_unwind(|| file_commands::parse(raw));
            match parsed {
                Ok(outputs) => outcome.outputs = outputs,
                Err(e) => {
                    let reason = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    panic!("malformed GITHUB_OUTPUT: {reason}\n{}", outcome.dump());
                }
            }
        }
        outcome
    }
}

/// Which front end a run goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    /// `INPUT_*` variables, as a workflow step.
    Action,
    /// Arguments, as a person at a terminal (with `--json`): the same inputs become
    /// `private-registries <operation> --flag value …`, the token `GH_TOKEN`, the secret
    /// `--secret-env`, the manifest a file; the JSON document on stdout becomes `outputs`.
    Cli,
}

impl Front {
    pub const BOTH: [Front; 2] = [Front::Action, Front::Cli];
}

/// Turns the `INPUT_*` variables of `env` into arguments (and removes them from `env`).
fn cli_args(env: &mut BTreeMap<String, String>, dir: &Path) -> Vec<String> {
    let inputs: Vec<(String, String)> = env
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("INPUT_")?.to_ascii_lowercase(), v.clone())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    env.retain(|k, _| !k.starts_with("INPUT_"));
    env.remove("GITHUB_ACTIONS");
    let get = |k: &str| inputs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let operation = get("operation").unwrap_or_else(|| "set".into());
    let mut args = vec![operation.clone(), "--json".to_string()];
    for (key, value) in &inputs {
        match key.as_str() {
            "operation" => {}
            "token" => {
                env.insert("GH_TOKEN".into(), value.clone());
            }
            "app_private_key" => {
                let path = dir.join("app-key.pem");
                std::fs::write(&path, value).expect("write the App's key");
                args.extend(["--app-private-key".into(), path_str(&path)]);
            }
            "secret" => {
                env.insert("PR_TEST_SECRET".into(), value.clone());
                args.extend(["--secret-env".into(), "PR_TEST_SECRET".into()]);
            }
            "name" if matches!(operation.as_str(), "get" | "update" | "delete") => {
                args.push(value.clone());
            }
            "registries" => {
                let path = dir.join("registries.yml");
                std::fs::write(&path, value).expect("write the manifest");
                args.extend(["--registries".into(), path_str(&path)]);
            }
            "registries_file" => {
                args.extend(["--registries".into(), path_str(&dir.join(value))]);
            }
            "secrets" | "overlay" => {
                let path = dir.join(format!("{key}.input"));
                std::fs::write(&path, value).expect("write the input's file");
                let flag = if key == "secrets" {
                    "--secrets-file"
                } else {
                    "--overlay"
                };
                args.extend([flag.into(), path_str(&path)]);
            }
            "path" => args.extend(["-o".into(), path_str(&dir.join(value))]),
            "dry_run" | "prune" | "fail_fast" => {
                if value == "true" {
                    args.push(format!("--{}", key.replace('_', "-")));
                }
            }
            _ => args.extend([format!("--{}", key.replace('_', "-")), value.clone()]),
        }
    }
    if operation == "delete" || get("prune").as_deref() == Some("true") {
        args.push("--yes".into());
    }
    args
}

/// The text files under `dir`, by path relative to `root`.
fn read_tree(root: &Path, dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(read_tree(root, &path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            files.insert(rel.to_string_lossy().into_owned(), text);
        }
    }
    files
}

/// The JSON document the command line printed, as outputs (JSON values compact).
fn cli_outputs(stdout: &str) -> BTreeMap<String, String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(stdout) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect()
}

/// What a run produced. `outputs` is parsed from `GITHUB_OUTPUT` (empty in terminal mode).
#[derive(Debug)]
pub struct Outcome {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub outputs: BTreeMap<String, String>,
    /// The raw `GITHUB_OUTPUT` content (`None` in terminal mode).
    pub output_file: Option<String>,
    pub summary: String,
    /// Every text file in the run's directory afterwards, by path relative to it.
    pub workspace: BTreeMap<String, String>,
}

impl Outcome {
    /// Exit status, stdout, stderr, outputs and summary, for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- outputs ---\n{:#?}\n--- summary ---\n{}\n---",
            self.status, self.stdout, self.stderr, self.outputs, self.summary
        )
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Outcome {
        assert!(self.status.success(), "expected success\n{}", self.dump());
        self
    }

    /// A non-zero exit that is not a panic or a signal (a clean error).
    #[track_caller]
    pub fn assert_failure(&self) -> &Outcome {
        assert!(
            !self.status.success(),
            "expected failure, it succeeded\n{}",
            self.dump()
        );
        assert!(
            self.status.code().is_some(),
            "killed by a signal instead of exiting with an error\n{}",
            self.dump()
        );
        assert!(
            self.status.code() != Some(101) && !self.stderr.contains("panicked at"),
            "failed by panicking instead of with an error\n{}",
            self.dump()
        );
        self
    }

    /// Each word appears in stdout or stderr (case-sensitive).
    #[track_caller]
    pub fn assert_mentions(&self, words: &[&str]) -> &Outcome {
        let all = format!("{}\n{}", self.stdout, self.stderr);
        let missing: Vec<&&str> = words.iter().filter(|w| !all.contains(**w)).collect();
        assert!(
            missing.is_empty(),
            "stdout/stderr do not mention {missing:?}\n{}",
            self.dump()
        );
        self
    }

    /// The output `name`; panics listing the outputs there are.
    #[track_caller]
    pub fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| {
                panic!(
                    "no output {name:?}; outputs: {:?}\n{}",
                    self.outputs.keys().collect::<Vec<_>>(),
                    self.dump()
                )
            })
    }

    /// The output `name` parsed as JSON.
    #[track_caller]
    pub fn json(&self, name: &str) -> Value {
        let raw = self.output(name);
        serde_json::from_str(raw).unwrap_or_else(|e| {
            panic!(
                "output {name:?} is not JSON ({e}): {raw:?}\n{}",
                self.dump()
            )
        })
    }

    /// Terminal mode: stdout is exactly one JSON object (no workflow command anywhere).
    #[track_caller]
    pub fn terminal_json(&self) -> Value {
        self.assert_no_workflow_commands();
        let value: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e})\n{}", self.dump()));
        assert!(
            value.is_object(),
            "stdout JSON is not an object\n{}",
            self.dump()
        );
        value
    }

    /// Outside Actions: no line of stdout or stderr is a workflow command (`::…`).
    #[track_caller]
    pub fn assert_no_workflow_commands(&self) -> &Outcome {
        for (stream, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.lines().any(|l| l.trim_start().starts_with("::")),
                "a workflow command on {stream} outside GitHub Actions\n{}",
                self.dump()
            );
        }
        self
    }

    /// None of `secrets` appears in stdout, stderr, any output or the summary, except (inside
    /// Actions only) on stdout lines starting with `::add-mask::`.
    #[track_caller]
    pub fn assert_no_leak(&self, secrets: &[&str]) -> &Outcome {
        let mut leaks = Vec::new();
        let in_actions = self.output_file.is_some();
        for secret in secrets {
            assert!(!secret.is_empty(), "assert_no_leak: empty secret");
            for (stream, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
                for (i, line) in text.lines().enumerate() {
                    let mask = in_actions && stream == "stdout" && line.starts_with("::add-mask::");
                    if !mask && line.contains(secret) {
                        leaks.push(format!("{stream} line {}", i + 1));
                    }
                }
            }
            for (name, value) in &self.outputs {
                if value.contains(secret) {
                    leaks.push(format!("output {name:?}"));
                }
            }
            if self
                .output_file
                .as_deref()
                .is_some_and(|f| f.contains(secret))
            {
                leaks.push("GITHUB_OUTPUT file".into());
            }
            if self.summary.contains(secret) {
                leaks.push("step summary".into());
            }
        }
        assert!(
            leaks.is_empty(),
            "a secret leaked in: {leaks:?}\n{}",
            self.dump()
        );
        self
    }

    /// stdout starts with `::add-mask::` lines covering every non-empty line of `secret`
    /// (escaped as workflow commands require: `%`→`%25`, `\r`→`%0D`, `\n`→`%0A`), before
    /// any other stdout line.
    #[track_caller]
    pub fn assert_masked(&self, secret: &str) -> &Outcome {
        if self.output_file.is_none() {
            // Outside Actions nothing is masked (an `add-mask` line would print the secret):
            // no workflow command at all may appear.
            self.assert_no_workflow_commands();
            return self;
        }
        let masks: Vec<&str> = self
            .stdout
            .lines()
            .take_while(|l| l.starts_with("::add-mask::"))
            .map(|l| &l["::add-mask::".len()..])
            .collect();
        for part in secret.split('\n').map(|l| l.trim_end_matches('\r')) {
            if part.is_empty() {
                continue;
            }
            let escaped = escape_command_data(part);
            assert!(
                masks.contains(&escaped.as_str()),
                "no leading ::add-mask:: line for a line of the secret (escaped: {} chars)\n{}",
                escaped.len(),
                self.dump()
            );
        }
        self
    }
}

/// Workflow-command data escaping, as the runner expects it.
pub fn escape_command_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn input_var(name: &str) -> String {
    format!("INPUT_{}", name.replace(' ', "_").to_uppercase())
}

/// Inputs declared in `action.yml` with the value the runner passes when the workflow does not
/// set them: the literal default, or `""` (also for `${{ … }}` defaults, which the runner
/// would evaluate; tests set those they need).
pub fn declared_inputs() -> &'static BTreeMap<String, String> {
    static INPUTS: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    INPUTS.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml");
        std::fs::read_to_string(path)
            .map(|text| parse_action_inputs(&text))
            .unwrap_or_default()
    })
}

/// Line-based reader of the `inputs:` block of an action.yml (two-space indented names,
/// four-space `default:`).
pub fn parse_action_inputs(text: &str) -> BTreeMap<String, String> {
    parse_action_section(text, "inputs")
}

/// The one reader of action.yml here: the names of a top-level `section:` (`inputs`,
/// `outputs`), each with its literal `default:` (else `""`).
pub fn parse_action_section(text: &str, section: &str) -> BTreeMap<String, String> {
    let mut inputs = BTreeMap::new();
    let mut in_inputs = false;
    let mut current: Option<String> = None;
    let header = format!("{section}:");
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            in_inputs = line.trim_end() == header;
            current = None;
            continue;
        }
        if !in_inputs {
            continue;
        }
        if let Some(name) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            let name = name.trim_end().trim_end_matches(':').to_string();
            inputs.insert(name.clone(), String::new());
            current = Some(name);
        } else if let (Some(name), Some(default)) =
            (&current, line.trim_start().strip_prefix("default:"))
        {
            let default = default.trim();
            let default = default
                .strip_prefix('"')
                .and_then(|d| d.strip_suffix('"'))
                .or_else(|| {
                    default
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''))
                })
                .unwrap_or(default);
            if !default.starts_with("${{") {
                inputs.insert(name.clone(), default.to_string());
            }
        }
    }
    inputs
}

/// Every command of the command line.
pub const COMMANDS: [&str; 13] = [
    "list",
    "get",
    "public-key",
    "create",
    "update",
    "set",
    "delete",
    "sync",
    "diff",
    "export",
    "discover",
    "completions",
    "man",
];

/// The lines of a command's `--help` example, as printed (indented, continued lines with
/// `\`).
pub fn help_example(command: &str) -> Vec<String> {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_private-registries"))
        .args([command, "--help"])
        .output()
        .expect("run --help");
    String::from_utf8_lossy(&help.stdout)
        .lines()
        .skip_while(|l| !l.starts_with("Example"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "private-registries-test-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("temp path is UTF-8").to_string()
}

fn reader(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
