//! A fault-injecting stand-in for GitHub's private-registries API, for the reliability tests.
//!
//! A plain `std::net::TcpListener` on 127.0.0.1 with one thread per connection (so a hung
//! connection does not block the next attempt). Requests are answered from scripts: for a
//! `method path` (path without the query), a queue of [`Reply`]s consumed one per request; when
//! no script is left for a request, an in-memory store answers it as GitHub would (list with
//! paging, get, public key, create, update, delete, repository look-up). Every request is
//! recorded (method, path with query, body, headers). The server stops when dropped, and in any
//! case after [`LIFETIME`]: every loop is bounded.

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::{Keys, ORG};

/// The longest a server lives, whatever the test does.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// How long an idle keep-alive connection is kept open.
const IDLE: Duration = Duration::from_secs(5);

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with this status, headers and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read only the request line, then close with the rest unread: the kernel sends a TCP
    /// reset ("connection reset by peer"). The recorded body is empty.
    Reset,
    /// Read the request, then hold the connection without a byte of answer for this long.
    Hang(Duration),
    /// Apply the request to the store (e.g. create the configuration), then answer `status`
    /// with an HTML error page, as a proxy that lost GitHub's answer would.
    ApplyThen(u16),
    /// Apply the request to the store, then answer `status` with this raw body (a body cut
    /// short, say).
    ApplyThenRaw(u16, String),
    /// Wait this long, then answer from the store (a slow but successful request).
    Slow(Duration),
    /// Answer from the store (the default when no script is left).
    Store,
}

impl Reply {
    /// `status` with a GitHub-style JSON error body.
    pub fn status(status: u16, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({ "message": message, "documentation_url": "https://docs.github.com/rest", "status": status.to_string() }),
        )
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply::Respond {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string(),
        }
    }

    /// `status` with an HTML page, as GitHub's front end or a proxy sends for 5xx.
    pub fn html(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "text/html".into())],
            body: html_page(status),
        }
    }

    /// `status` with a raw body and no content type.
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// Adds a response header (only to `Respond`).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path with the query, exactly as sent.
    pub target: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    /// When it arrived, from the server's start.
    pub at: Duration,
    /// When it arrived, by the wall clock (to compare with `x-ratelimit-reset`).
    pub wall: SystemTime,
}

impl Request {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or(&self.target)
    }

    /// `METHOD /path` (no query), for compact assertions.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path())
    }
}

#[derive(Default)]
struct State {
    scripts: Vec<(String, String, VecDeque<Reply>)>,
    log: Vec<Request>,
    configs: Vec<Value>,
    repos: BTreeMap<String, u64>,
    created: u64,
    /// Other orgs than [`ORG`], each with its configurations (see [`FaultServer::add_org`]).
    others: BTreeMap<String, Vec<Value>>,
    /// Signing in as a GitHub App, when enabled ([`FaultServer::app`]).
    app: Option<super::app::AppMode>,
    /// The repositories GraphQL answers with ([`FaultServer::repository`]).
    graphql_repos: Vec<super::graphql::RepoFixture>,
}

/// The server; see the module docs.
pub struct FaultServer {
    url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    started: Instant,
    pub keys: Arc<Keys>,
}

impl FaultServer {
    pub fn start() -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let keys = Arc::new(Keys::generate());
        let started = Instant::now();
        let accept = {
            let (state, stop, keys) = (state.clone(), stop.clone(), keys.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) && started.elapsed() < LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (state, stop, keys) = (state.clone(), stop.clone(), keys.clone());
                            std::thread::spawn(move || {
                                serve(stream, &state, &stop, &keys, started);
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        FaultServer {
            url,
            state,
            stop,
            accept: Some(accept),
            started,
            keys,
        }
    }

    /// `http://127.0.0.1:PORT`, for `INPUT_API_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues replies for `method path` (path without query; method `*` for any).
    pub fn script(&self, method: &str, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.state().scripts.push((
            method.to_string(),
            path.to_string(),
            replies.into_iter().collect(),
        ));
    }

    /// Adds a configuration to the store, as GitHub lists it.
    pub fn seed(&self, config: Value) {
        self.state().configs.push(config);
    }

    /// Makes `GET /repos/{ORG}/{name}` answer with `id`.
    pub fn repo(&self, name: &str, id: u64) {
        self.state().repos.insert(name.to_string(), id);
    }

    /// The configurations the store holds now.
    /// The requests that write (anything but GET), as `METHOD /path`.
    pub fn writes(&self) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|l| !l.starts_with("GET "))
            .collect()
    }

    /// Accepts a GitHub App (`app_id`, the public key of `private_key_pem`) installed on
    /// `orgs` (org, installation id); from then on only its installation tokens are accepted.
    pub fn app(&self, app_id: &str, private_key_pem: &str, orgs: &[(&str, u64)]) {
        self.state().app = Some(super::app::AppMode {
            app_id: app_id.to_string(),
            public_key: super::app::public_key_of(private_key_pem),
            installations: orgs.iter().map(|(o, i)| (o.to_string(), *i)).collect(),
            minted: Vec::new(),
        });
    }

    /// A repository of [`ORG`] as GraphQL lists it (in the order added), with its dependabot.yml.
    /// Its REST id is 1,000 more than its position.
    pub fn repository(&self, repo: super::graphql::RepoFixture) {
        let mut state = self.state();
        let id = 1_000 + state.graphql_repos.len() as u64;
        state.repos.insert(repo.name.clone(), id);
        state.graphql_repos.push(repo);
    }

    /// The installation tokens minted so far.
    pub fn minted(&self) -> Vec<super::app::Minted> {
        self.state()
            .app
            .as_ref()
            .map(|a| a.minted.clone())
            .unwrap_or_default()
    }

    /// Serves another org too, empty at first.
    pub fn add_org(&self, org: &str) {
        self.state().others.insert(org.to_string(), Vec::new());
    }

    /// The configurations of another org.
    pub fn configs_of(&self, org: &str) -> Vec<Value> {
        self.state().others.get(org).cloned().unwrap_or_default()
    }

    pub fn configs(&self) -> Vec<Value> {
        self.state().configs.clone()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state().log.clone()
    }

    /// `METHOD /path` of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Request::line).collect()
    }

    /// Time since the server started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

/// Seconds since the epoch, for `x-ratelimit-reset`.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of now, as GitHub writes `created_at`.
pub fn rfc3339_now() -> String {
    let secs = unix_now() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn html_page(status: u16) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head><body><h1>{status}</h1>\n<p>No server is currently available to service your request.</p></body></html>\n"
    )
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Serves one connection: requests in sequence (keep-alive) until it closes, idles or a reply
/// ends it.
fn serve(
    stream: TcpStream,
    state: &Mutex<State>,
    stop: &AtomicBool,
    keys: &Keys,
    started: Instant,
) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let mut stream = stream;
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Some(request_line) = read_line(&mut stream) else {
            return;
        };
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let path = target.split('?').next().unwrap_or("").to_string();
        let reply = next_reply(state, &method, &path);
        let at = started.elapsed();
        let wall = SystemTime::now();
        if let Reply::Reset = reply {
            lock(state).log.push(Request {
                method,
                target,
                headers: BTreeMap::new(),
                body: String::new(),
                at,
                wall,
            });
            // The headers are still unread: closing now makes the kernel send a reset.
            drop(stream);
            return;
        }
        let mut headers = BTreeMap::new();
        loop {
            let Some(line) = read_line(&mut stream) else {
                return;
            };
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
            .min(16 << 20);
        let mut body = vec![0; length];
        if stream.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let request = Request {
            method,
            target,
            headers,
            body,
            at,
            wall,
        };
        lock(state).log.push(request.clone());
        let (status, headers, body) = match reply {
            Reply::Respond {
                status,
                headers,
                body,
            } => (status, headers, body),
            Reply::Hang(d) => {
                let until = Instant::now() + d;
                while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            Reply::ApplyThen(status) => {
                let _ = store(&mut lock(state), keys, &request);
                (
                    status,
                    vec![("content-type".into(), "text/html".into())],
                    html_page(status),
                )
            }
            Reply::ApplyThenRaw(status, body) => {
                let _ = store(&mut lock(state), keys, &request);
                (status, Vec::new(), body)
            }
            Reply::Slow(d) => {
                std::thread::sleep(d);
                store(&mut lock(state), keys, &request)
            }
            Reply::Store | Reply::Reset => store(&mut lock(state), keys, &request),
        };
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err()
        {
            return;
        }
        let _ = stream.flush();
    }
}

/// Reads one CRLF line byte by byte (so nothing past it is taken off the socket).
fn read_line(stream: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => {
                if byte[0] == b'\n' {
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    return Some(String::from_utf8_lossy(&line).into_owned());
                }
                line.push(byte[0]);
            }
            _ => return None,
        }
    }
    None
}

fn next_reply(state: &Mutex<State>, method: &str, path: &str) -> Reply {
    let mut state = lock(state);
    for (m, p, queue) in state.scripts.iter_mut() {
        if (m == "*" || m == method) && p == path && !queue.is_empty() {
            return queue.pop_front().unwrap_or(Reply::Store);
        }
    }
    Reply::Store
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

type Answer = (u16, Vec<(String, String)>, String);

fn answer(status: u16, body: Option<Value>) -> Answer {
    match body {
        Some(b) => (
            status,
            vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            b.to_string(),
        ),
        None => (status, Vec::new(), String::new()),
    }
}

fn not_found() -> Answer {
    answer(
        404,
        Some(
            json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" }),
        ),
    )
}

/// `per_page` (GitHub's default 30) and `page` (from 1) of a query.
fn paging(query: &BTreeMap<&str, &str>) -> (usize, usize) {
    let get = |k: &str| query.get(k).and_then(|v| v.parse().ok());
    (get("per_page").unwrap_or(30), get("page").unwrap_or(1))
}

/// What GitHub would answer, applied to the store of the org the path names.
fn store(state: &mut State, keys: &Keys, request: &Request) -> Answer {
    if request.method == "POST" && request.path() == "/graphql" {
        if let Some(app) = &mut state.app {
            let auth = request.headers.get("authorization").map(String::as_str);
            if let Some((status, body)) = app.gate("GET", "/graphql", auth, "") {
                return answer(status, Some(body));
            }
        }
        let (status, body) = super::graphql::answer(&request.body, ORG, &state.graphql_repos);
        return answer(status, Some(body));
    }
    if let Some(app) = &mut state.app {
        let auth = request.headers.get("authorization").map(String::as_str);
        if let Some((status, body)) = app.gate(&request.method, request.path(), auth, &request.body)
        {
            return answer(status, (!body.is_null()).then_some(body));
        }
    }
    let org = request
        .path()
        .strip_prefix("/orgs/")
        .and_then(|p| p.split('/').next())
        .unwrap_or(ORG)
        .to_string();
    if org == ORG {
        return store_in(state, keys, request, ORG);
    }
    let Some(mut configs) = state.others.remove(&org) else {
        return not_found();
    };
    std::mem::swap(&mut state.configs, &mut configs);
    let answer = store_in(state, keys, request, &org);
    std::mem::swap(&mut state.configs, &mut configs);
    state.others.insert(org, configs);
    answer
}

fn store_in(state: &mut State, keys: &Keys, request: &Request, org: &str) -> Answer {
    let base = format!("/orgs/{org}/private-registries");
    let path = request.path();
    let query: BTreeMap<&str, &str> = request
        .target
        .split_once('?')
        .map(|(_, q)| q.split('&').filter_map(|kv| kv.split_once('=')).collect())
        .unwrap_or_default();
    let name_of = |c: &Value| c.get("name").and_then(Value::as_str).map(str::to_string);
    match (request.method.as_str(), path) {
        ("GET", p) if p == format!("{base}/public-key") => answer(200, Some(keys.json())),
        ("GET", p) if p == base => {
            let (per_page, page) = paging(&query);
            let items: Vec<Value> = state
                .configs
                .iter()
                .skip(per_page * page.saturating_sub(1))
                .take(per_page)
                .cloned()
                .collect();
            answer(
                200,
                Some(json!({ "total_count": state.configs.len(), "configurations": items })),
            )
        }
        ("POST", p) if p == base => {
            let Ok(Value::Object(body)) = serde_json::from_str::<Value>(&request.body) else {
                return answer(400, Some(json!({ "message": "Problems parsing JSON" })));
            };
            state.created += 1;
            let kind = body
                .get("registry_type")
                .and_then(Value::as_str)
                .unwrap_or("registry")
                .to_ascii_uppercase();
            let name = if state.created == 1 {
                kind
            } else {
                format!("{kind}_{}", state.created)
            };
            let mut config = Map::new();
            config.insert("name".into(), json!(name));
            config.insert("auth_type".into(), json!("token"));
            config.insert("replaces_base".into(), json!(false));
            for (k, v) in body {
                if !matches!(k.as_str(), "encrypted_value" | "key_id") {
                    config.insert(k, v);
                }
            }
            let now = rfc3339_now();
            config.insert("created_at".into(), json!(now));
            config.insert("updated_at".into(), json!(now));
            let config = Value::Object(config);
            state.configs.push(config.clone());
            answer(201, Some(config))
        }
        (method, p) if p.starts_with(&format!("{base}/")) => {
            let name = &p[base.len() + 1..];
            let Some(i) = state
                .configs
                .iter()
                .position(|c| name_of(c).as_deref() == Some(name))
            else {
                return not_found();
            };
            match method {
                "GET" => answer(200, Some(state.configs[i].clone())),
                "DELETE" => {
                    state.configs.remove(i);
                    answer(204, None)
                }
                "PATCH" => {
                    let Ok(Value::Object(body)) = serde_json::from_str::<Value>(&request.body)
                    else {
                        return answer(400, Some(json!({ "message": "Problems parsing JSON" })));
                    };
                    if let Some(c) = state.configs[i].as_object_mut() {
                        for (k, v) in body {
                            if !matches!(k.as_str(), "encrypted_value" | "key_id") {
                                c.insert(k, v);
                            }
                        }
                        c.insert("updated_at".into(), json!(rfc3339_now()));
                    }
                    answer(204, None)
                }
                _ => not_found(),
            }
        }
        ("GET", p) if p == format!("/orgs/{org}/repos") => {
            let (per_page, page) = paging(&query);
            let repos: Vec<Value> = state
                .repos
                .iter()
                .skip(per_page * page.saturating_sub(1))
                .take(per_page)
                .map(|(name, id)| json!({ "id": id, "name": name, "full_name": format!("{org}/{name}") }))
                .collect();
            let last = state.repos.len().div_ceil(per_page).max(1);
            let (status, mut headers, body) = answer(200, Some(Value::Array(repos)));
            headers.push((
                "link".into(),
                format!("<{p}?per_page={per_page}&page={last}>; rel=\"last\""),
            ));
            (status, headers, body)
        }
        ("GET", p) if p.starts_with(&format!("/repos/{org}/")) => {
            let name = &p[format!("/repos/{org}/").len()..];
            // GitHub's repository names are case-insensitive.
            let found = state
                .repos
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, id)| id);
            match found {
                Some(id) => answer(
                    200,
                    Some(json!({ "id": id, "name": name, "full_name": format!("{org}/{name}") })),
                ),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}
