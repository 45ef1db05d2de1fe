#!/usr/bin/env python3
"""Stateful mock of GitHub's organization private-registries REST API, for the benchmark.

Usage (normally started by bench/run.py, with the venv's python because it needs PyNaCl):

    bench/.venv/bin/python bench/mock_server.py [--port 0] [--seed 10] [--latency-ms 0]
                                                [--org bench-org] [--idle-timeout 300]
                                                [--max-lifetime 3600]

It binds 127.0.0.1 only, on a free port unless --port is given, and prints one line
`PORT <n>` on stdout once it is listening; with --tls-cert/--tls-key it serves HTTPS.
It stops by itself after --idle-timeout seconds
without any request, after --max-lifetime seconds in all, or on POST /__shutdown.

API (what GitHub serves; every one of these is counted and delayed by the latency):
    GET    /orgs/{org}/private-registries?per_page=&page=   200 {total_count, configurations}
                                                            + Link header (next/last/first/prev)
    GET    /orgs/{org}/private-registries/public-key        200 {key_id, key}  (real X25519 key)
    POST   /orgs/{org}/private-registries                   201 configuration (name derived
                                                            from the type: NPM_REGISTRY_SECRET,
                                                            NPM_REGISTRY_SECRET_2, ...)
    GET    /orgs/{org}/private-registries/{name}            200 configuration
    PATCH  /orgs/{org}/private-registries/{name}            204, no body
    DELETE /orgs/{org}/private-registries/{name}            204, no body
    GET    /repos/{owner}/{repo}                            200 {id, name, full_name}
    GET    /orgs/{org}/repos?per_page=&page=                200 the seeded repositories
                                                            repo000, repo001, ... + Link (last)
GitHub's content limits are enforced: a POST, PATCH or DELETE past 80 in a minute or 500 in
an hour gets 403 "secondary rate limit" with retry-after: 60 (counted as `secondary limit`).
Every `encrypted_value` received is unsealed with the private key (libsodium sealed box);
successes and failures are counted, and the plain value is kept in the state (never served
by the API, only by /__state) so the runner can check the right secret arrived.

Control endpoints (not counted, never delayed):
    GET  /__stats      {"requests": {"GET list": n, ...}, "total": n, "connections": n,
                        "seal_ok": n, "seal_fail": n, "errors": [..], "latency_ms": n,
                        "mock_work_ms": time the mock spent on the API requests besides the latency}
    GET  /__state      {"configurations": [... with "secret" ...], "key_id": ...}
    POST /__reset      body {"seed": N, "latency_ms": L, "repos": R}: new state with N
                       configurations and R repositories,
                       counters zeroed (the key pair is kept)
    POST /__reset_counters   counters zeroed, configurations kept
    POST /__shutdown   stop the server
"""

import argparse
import base64
import json
import re
import ssl
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    from nacl.public import PrivateKey, SealedBox
except ImportError:  # pragma: no cover - the runner always uses the venv
    sys.exit("mock_server.py needs PyNaCl: run it with bench/.venv/bin/python (bench/run.py sets it up)")

REGISTRY_TYPES = [
    "maven_repository", "nuget_feed", "goproxy_server", "npm_registry", "rubygems_server",
    "cargo_registry", "composer_repository", "docker_registry", "git_source", "helm_registry",
    "hex_organization", "hex_repository", "pub_repository", "python_index", "terraform_registry",
]
AUTH_TYPES = ["token", "username_password", "oidc_azure", "oidc_aws", "oidc_jfrog",
              "oidc_cloudsmith", "oidc_gcp"]
VISIBILITIES = ["all", "private", "selected"]
OIDC_FIELDS = ["tenant_id", "client_id", "aws_region", "account_id", "role_name", "domain",
               "domain_owner", "jfrog_oidc_provider_name", "audience", "identity_mapping_name",
               "namespace", "service_slug", "api_host", "workload_identity_provider",
               "service_account"]
# Request body properties of POST and PATCH in the official OpenAPI description.
BODY_FIELDS = set(["registry_type", "url", "username", "replaces_base", "encrypted_value",
                   "key_id", "visibility", "selected_repository_ids", "auth_type"] + OIDC_FIELDS)
B64_RE = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$")
DOCS = "https://docs.github.com/rest/private-registries/organization-configurations"
PREFIX_RE = None  # set in main from --org


def repo_id(name):
    """A repository's id, the same from a look-up and from the org's list."""
    return 100000 + (sum(ord(c) * (i + 1) for i, c in enumerate(name.lower())) % 900000)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_configuration(i):
    """Deterministic i-th seeded configuration (1-based); unique by registry_type + url."""
    rtype = REGISTRY_TYPES[(i - 1) % len(REGISTRY_TYPES)]
    cfg = {
        "registry_type": rtype,
        "url": f"https://pkg{i}.seed.example.com/{rtype.replace('_', '-')}/",
        "auth_type": "token",
        "username": None,
        "replaces_base": False,
        "visibility": "private" if i % 3 else "all",
    }
    if rtype in ("maven_repository", "docker_registry", "nuget_feed"):
        cfg["auth_type"] = "username_password"
        cfg["username"] = f"bot{i}"
    cfg["secret"] = f"seed-secret-{i}"
    return cfg


class State:
    def __init__(self, org, seed, latency_ms):
        self.lock = threading.Lock()
        self.org = org
        self.private_key = PrivateKey.generate()
        self.public_key_b64 = base64.b64encode(bytes(self.private_key.public_key)).decode()
        self.key_id = "3380204578043523366"
        self.unsealer = SealedBox(self.private_key)
        self.connections = 0
        self.last_request = time.monotonic()
        self.reset(seed, latency_ms)

    def add_work(self, seconds):
        with self.lock:
            self.work += seconds

    def reset_counters(self):
        with self.lock:
            self.work = 0.0
            self.requests = {}
            self.total = 0
            self.seal_ok = 0
            self.seal_fail = 0
            self.errors = []
            self.connections = 0

    def reset(self, seed, latency_ms, repos=0):
        with self.lock:
            self.latency = max(0.0, float(latency_ms)) / 1000.0
            self.repos = int(repos)
            self.writes = []  # monotonic times of content-creating requests (GitHub's limits)
            self.configs = {}  # name -> configuration (insertion ordered, like GitHub's list)
            self.name_counters = {}
            self.work = 0.0
            self.requests = {}
            self.total = 0
            self.seal_ok = 0
            self.seal_fail = 0
            self.errors = []
            self.connections = 0
            ts = "2024-01-02T03:04:05Z"
            for i in range(1, int(seed) + 1):
                cfg = seed_configuration(i)
                name = self._new_name(cfg["registry_type"])
                cfg.update(name=name, created_at=ts, updated_at=ts)
                self.configs[name] = cfg

    def _new_name(self, rtype):
        base = rtype.upper() + "_SECRET"
        n = self.name_counters.get(base, 0) + 1
        while True:
            name = base if n == 1 else f"{base}_{n}"
            if name not in self.configs:
                break
            n += 1
        self.name_counters[base] = n
        return name

    def count(self, kind):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1
            self.total += 1

    def error(self, msg):
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(msg)

    def stats(self):
        with self.lock:
            return {
                "requests": dict(sorted(self.requests.items())),
                "total": self.total,
                "connections": self.connections,
                "seal_ok": self.seal_ok,
                "seal_fail": self.seal_fail,
                "errors": list(self.errors),
                "latency_ms": round(self.latency * 1000, 3),
                "mock_work_ms": round(self.work * 1000, 3),
                "configurations": len(self.configs),
            }

    def unseal(self, body):
        """Returns (plain, error) for a body's encrypted_value/key_id pair."""
        ev, kid = body.get("encrypted_value"), body.get("key_id")
        if ev is None:
            return None, None
        err = None
        plain = None
        if not isinstance(ev, str) or not B64_RE.match(ev):
            err = "encrypted_value is not base64"
        elif kid != self.key_id:
            err = f"key_id {kid!r} is not the org key {self.key_id!r}"
        else:
            try:
                plain = self.unsealer.decrypt(base64.b64decode(ev)).decode("utf-8")
            except Exception as e:  # noqa: BLE001 - any failure is a sealing failure
                err = f"cannot unseal encrypted_value: {type(e).__name__}"
        with self.lock:
            if err:
                self.seal_fail += 1
            else:
                self.seal_ok += 1
        return plain, err


def public_view(cfg):
    out = {}
    for k in ["name", "registry_type", "auth_type", "url", "username", "replaces_base",
              "visibility"]:
        out[k] = cfg.get(k)
    if cfg.get("visibility") == "selected":
        out["selected_repository_ids"] = cfg.get("selected_repository_ids", [])
    for k in OIDC_FIELDS:
        if cfg.get(k) is not None:
            out[k] = cfg[k]
    out["created_at"] = cfg["created_at"]
    out["updated_at"] = cfg["updated_at"]
    return out


def validation_error(errors):
    return 422, {"message": "Validation Failed", "errors": errors,
                 "documentation_url": DOCS, "status": "422"}


def validate_body(body, creating):
    """Checks a POST/PATCH body against the OpenAPI description; returns a list of errors."""
    errs = []
    if not isinstance(body, dict):
        return [{"resource": "PrivateRegistry", "code": "invalid", "message": "body is not an object"}]
    for k in body:
        if k not in BODY_FIELDS:
            errs.append({"resource": "PrivateRegistry", "field": k, "code": "unexpected"})
    if creating:
        for k in ("registry_type", "url", "visibility"):
            if k not in body:
                errs.append({"resource": "PrivateRegistry", "field": k, "code": "missing_field"})
    if "registry_type" in body and body["registry_type"] not in REGISTRY_TYPES:
        errs.append({"resource": "PrivateRegistry", "field": "registry_type", "code": "invalid"})
    if "auth_type" in body and body["auth_type"] not in AUTH_TYPES:
        errs.append({"resource": "PrivateRegistry", "field": "auth_type", "code": "invalid"})
    if "visibility" in body and body["visibility"] not in VISIBILITIES:
        errs.append({"resource": "PrivateRegistry", "field": "visibility", "code": "invalid"})
    if "url" in body and not (isinstance(body["url"], str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s]+", body["url"])):
        errs.append({"resource": "PrivateRegistry", "field": "url", "code": "invalid"})
    if "replaces_base" in body and not isinstance(body["replaces_base"], bool):
        errs.append({"resource": "PrivateRegistry", "field": "replaces_base", "code": "invalid"})
    if "selected_repository_ids" in body:
        ids = body["selected_repository_ids"]
        if not (isinstance(ids, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in ids)):
            errs.append({"resource": "PrivateRegistry", "field": "selected_repository_ids", "code": "invalid"})
    if ("encrypted_value" in body) != ("key_id" in body):
        errs.append({"resource": "PrivateRegistry", "field": "key_id", "code": "missing_field",
                     "message": "encrypted_value and key_id go together"})
    return errs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bench-mock-github/1.0"
    disable_nagle_algorithm = True  # answers go out at once (no 40 ms delayed-ACK stalls)
    state: State = None  # set in main
    quiet = True
    scheme = "http"

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()  # here, in the connection's thread, not in accept()
        super().setup()
        with self.state.lock:
            self.state.connections += 1

    def handle_one_request(self):
        # The request's first bytes are here: the latency counts from now, so that the mock's
        # own parsing and work happen inside it instead of adding to it.
        try:
            self.rfile.peek(1)
        except (OSError, ValueError):
            pass
        self.arrived = time.monotonic()
        super().handle_one_request()

    def log_message(self, fmt, *args):  # noqa: D401 - silence the default access log
        if not self.quiet:
            sys.stderr.write("mock: " + (fmt % args) + "\n")

    # --- plumbing -------------------------------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, status, obj=None, headers=None):
        body = b"" if obj is None else json.dumps(obj, separators=(",", ":")).encode()
        reason = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request",
                  401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
                  415: "Unsupported Media Type", 422: "Unprocessable Entity"}.get(status, "Unknown")
        lines = [f"HTTP/1.1 {status} {reason}", f"Server: {self.server_version}",
                 f"Date: {self.date_time_string()}", "X-GitHub-Api-Version-Selected: 2022-11-28"]
        if status != 204:
            lines.append("Content-Type: application/json; charset=utf-8")
            lines.append(f"Content-Length: {len(body)}")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body if status != 204 else b"")
        self.wfile.write(data)  # one write: status line, headers and body together
        self.log_request(status, len(body))

    def _handle(self, method):
        st = self.state
        received = getattr(self, "arrived", None) or time.monotonic()
        st.last_request = time.monotonic()
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        raw = self._read_body()

        if path.startswith("/__"):
            return self._control(method, path, raw)

        kind, status, obj, headers = self._api(method, path, parse_qs(split.query), raw)
        st.count(kind)
        ready = time.monotonic()
        if st.latency:
            # the answer leaves `latency` after the request arrived, whatever our own work took
            delay = received + st.latency - ready
            if delay > 0:
                time.sleep(delay)
        woke = time.monotonic()
        self._send(status, obj, headers)
        st.add_work((ready - received) + (time.monotonic() - woke))

    def _control(self, method, path, raw):
        st = self.state
        if method == "GET" and path == "/__stats":
            return self._send(200, st.stats())
        if method == "GET" and path == "/__state":
            with st.lock:
                cfgs = [dict(c) for c in st.configs.values()]
            return self._send(200, {"configurations": cfgs, "key_id": st.key_id,
                                    "key": st.public_key_b64})
        if method == "POST" and path == "/__reset":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._send(400, {"message": "bad JSON"})
            st.reset(int(body.get("seed", 0)), float(body.get("latency_ms", st.latency * 1000)),
                     int(body.get("repos", 0)))
            return self._send(200, st.stats())
        if method == "POST" and path == "/__reset_counters":
            st.reset_counters()
            return self._send(200, st.stats())
        if method == "POST" and path == "/__shutdown":
            self.close_connection = True
            self._send(200, {"message": "bye"})
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return None
        return self._send(404, {"message": "Not Found"})

    def _api(self, method, path, query, raw):
        """Returns (counter kind, status, JSON object or None, extra headers)."""
        st = self.state
        auth = self.headers.get("Authorization") or ""
        if not re.match(r"^(?i:bearer|token) \S+", auth):
            return (f"{method} unauthorized", 401,
                    {"message": "Requires authentication", "documentation_url": DOCS, "status": "401"}, None)
        if method in ("POST", "PATCH", "DELETE") and (limited := self._over_write_limits()):
            return limited
        m = re.match(r"^/orgs/([^/]+)/repos$", path)
        if m and method == "GET" and m.group(1).lower() == st.org.lower():
            return self._org_repos(query)
        m = re.match(r"^/orgs/([^/]+)/private-registries(?:/([^/]+))?$", path)
        if m and m.group(1).lower() == st.org.lower():
            sub = m.group(2)
            if sub is None:
                if method == "GET":
                    return self._list(query)
                if method == "POST":
                    return self._create(raw)
                return (f"{method} list", 405, {"message": "Method Not Allowed"}, None)
            if sub == "public-key":
                if method == "GET":
                    return ("GET key", 200, {"key_id": st.key_id, "key": st.public_key_b64}, None)
                return (f"{method} key", 405, {"message": "Method Not Allowed"}, None)
            if method == "GET":
                with st.lock:
                    cfg = st.configs.get(sub)
                    view = public_view(cfg) if cfg else None
                return ("GET one", 200, view, None) if view else ("GET one", 404, self._nf(), None)
            if method == "PATCH":
                return self._update(sub, raw)
            if method == "DELETE":
                with st.lock:
                    found = st.configs.pop(sub, None)
                return ("DELETE", 204, None, None) if found else ("DELETE", 404, self._nf(), None)
            return (f"{method} one", 405, {"message": "Method Not Allowed"}, None)
        m = re.match(r"^/repos/([^/]+)/([^/]+)$", path)
        if m and method == "GET":
            repo = m.group(2).lower()
            return ("GET repo", 200, {"id": repo_id(repo), "name": repo, "full_name": f"{m.group(1)}/{repo}"}, None)
        return (f"{method} other", 404, self._nf(), None)

    def _over_write_limits(self):
        """GitHub's content-creating limits: 80 a minute, 500 an hour. Past them, a secondary
        rate limit answer (403 with retry-after), counted as `secondary limit`."""
        st = self.state
        now = time.monotonic()
        with st.lock:
            st.writes = [t for t in st.writes if now - t < 3600]
            minute = sum(1 for t in st.writes if now - t < 60)
            if minute >= 80 or len(st.writes) >= 500:
                return ("secondary limit", 403,
                        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                         "documentation_url": DOCS, "status": "403"}, {"Retry-After": "60"})
            st.writes.append(now)
        return None

    def _org_repos(self, query):
        """`GET /orgs/{org}/repos`: the seeded repositories repo000, repo001, … paged with Link."""
        st = self.state
        per_page = max(1, min(100, int(query.get("per_page", ["30"])[0])))
        page = max(1, int(query.get("page", ["1"])[0]))
        names = [f"repo{i:03d}" for i in range(st.repos)]
        chunk = names[(page - 1) * per_page: page * per_page]
        last = max(1, -(-len(names) // per_page))
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        base = f"{self.scheme}://{host}/orgs/{st.org}/repos?per_page={per_page}&page="
        headers = {"Link": f'<{base}{last}>; rel="last"'}
        return ("GET org repos", 200,
                [{"id": repo_id(n), "name": n, "full_name": f"{st.org}/{n}"} for n in chunk], headers)

    @staticmethod
    def _nf():
        return {"message": "Not Found", "documentation_url": DOCS, "status": "404"}

    def _list(self, query):
        st = self.state
        try:
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            return ("GET list", 400, {"message": "Bad per_page or page"}, None)
        per_page = max(1, min(100, per_page))
        page = max(1, page)
        with st.lock:
            items = list(st.configs.values())
            total = len(items)
            chunk = [public_view(c) for c in items[(page - 1) * per_page: page * per_page]]
        last = max(1, -(-total // per_page))
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        base = f"{self.scheme}://{host}/orgs/{st.org}/private-registries?per_page={per_page}&page="
        links = []
        if page < last:
            links.append(f'<{base}{page + 1}>; rel="next"')
            links.append(f'<{base}{last}>; rel="last"')
        if page > 1:
            links.append(f'<{base}{page - 1}>; rel="prev"')
            links.append(f'<{base}1>; rel="first"')
        headers = {"Link": ", ".join(links)} if links else None
        return ("GET list", 200, {"total_count": total, "configurations": chunk}, headers)

    def _parse_json(self, raw):
        ctype = (self.headers.get("Content-Type") or "").lower()
        if "json" not in ctype:
            self.state.error(f"{self.command} {self.path}: Content-Type {ctype!r} is not JSON")
        try:
            return json.loads(raw or b"null"), None
        except ValueError:
            return None, (400, {"message": "Problems parsing JSON", "documentation_url": DOCS, "status": "400"})

    def _create(self, raw):
        st = self.state
        body, err = self._parse_json(raw)
        if err:
            return ("POST create", err[0], err[1], None)
        errs = validate_body(body, creating=True)
        auth_type = body.get("auth_type", "token") if isinstance(body, dict) else "token"
        if not errs and auth_type in ("token", "username_password") and "encrypted_value" not in body:
            errs.append({"resource": "PrivateRegistry", "field": "encrypted_value", "code": "missing_field"})
        if not errs and auth_type == "username_password" and not body.get("username"):
            errs.append({"resource": "PrivateRegistry", "field": "username", "code": "missing_field"})
        if not errs and auth_type.startswith("oidc") and "encrypted_value" in body:
            errs.append({"resource": "PrivateRegistry", "field": "encrypted_value", "code": "unexpected"})
        if errs:
            st.error(f"POST create 422: {errs}")
            return ("POST create", *validation_error(errs), None)
        plain, serr = st.unseal(body)
        if serr:
            st.error(f"POST create: {serr}")
            return ("POST create", *validation_error([{"resource": "PrivateRegistry", "field": "encrypted_value",
                                                        "code": "invalid", "message": serr}]), None)
        ts = now_iso()
        with st.lock:
            for c in st.configs.values():
                if c["registry_type"] == body["registry_type"] and c["url"] == body["url"]:
                    errs = [{"resource": "PrivateRegistry", "field": "url", "code": "already_exists"}]
                    st.errors.append(f"POST create 422: duplicate {body['registry_type']} {body['url']}")
                    return ("POST create", *validation_error(errs), None)
            name = st._new_name(body["registry_type"])
            cfg = {k: v for k, v in body.items() if k not in ("encrypted_value", "key_id")}
            cfg.setdefault("auth_type", "token")
            cfg.setdefault("username", None)
            cfg.setdefault("replaces_base", False)
            cfg.update(name=name, secret=plain, created_at=ts, updated_at=ts)
            st.configs[name] = cfg
            view = public_view(cfg)
        return ("POST create", 201, view, {"Location": f"/orgs/{st.org}/private-registries/{name}"})

    def _update(self, name, raw):
        st = self.state
        with st.lock:
            exists = name in st.configs
        if not exists:
            return ("PATCH", 404, self._nf(), None)
        body, err = self._parse_json(raw)
        if err:
            return ("PATCH", err[0], err[1], None)
        errs = validate_body(body, creating=False)
        if not errs and not body:
            errs.append({"resource": "PrivateRegistry", "code": "invalid", "message": "nothing to update"})
        with st.lock:
            cur = st.configs.get(name)
        if not errs and "auth_type" in body and cur and body["auth_type"] != cur.get("auth_type"):
            errs.append({"resource": "PrivateRegistry", "field": "auth_type", "code": "invalid",
                         "message": "auth_type cannot be changed"})
        if errs:
            st.error(f"PATCH {name} 422: {errs}")
            return ("PATCH", *validation_error(errs), None)
        plain, serr = st.unseal(body)
        if serr:
            st.error(f"PATCH {name}: {serr}")
            return ("PATCH", *validation_error([{"resource": "PrivateRegistry", "field": "encrypted_value",
                                                  "code": "invalid", "message": serr}]), None)
        with st.lock:
            cur = st.configs.get(name)
            if cur is None:
                return ("PATCH", 404, self._nf(), None)
            for k, v in body.items():
                if k not in ("encrypted_value", "key_id"):
                    cur[k] = v
            if plain is not None:
                cur["secret"] = plain
            cur["updated_at"] = now_iso()
        return ("PATCH", 204, None, None)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PUT(self):
        self._handle("PUT")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0, help="0 = a free port")
    ap.add_argument("--seed", type=int, default=10, help="configurations at start")
    ap.add_argument("--latency-ms", type=float, default=0.0, help="sleep before each API answer")
    ap.add_argument("--org", default="bench-org")
    ap.add_argument("--idle-timeout", type=float, default=300.0,
                    help="stop after this many seconds without a request")
    ap.add_argument("--max-lifetime", type=float, default=3600.0, help="stop after this many seconds")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate chain")
    ap.add_argument("--tls-key", help="the certificate's PEM private key")
    ap.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = ap.parse_args(argv)

    state = State(args.org, args.seed, args.latency_ms)
    Handler.state = state
    Handler.quiet = not args.verbose
    httpd = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        ctx.set_alpn_protocols(["http/1.1"])
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
        Handler.scheme = "https"
    port = httpd.server_address[1]
    started = time.monotonic()

    def watchdog():
        while True:
            time.sleep(0.5)
            t = time.monotonic()
            if t - state.last_request > args.idle_timeout or t - started > args.max_lifetime:
                sys.stderr.write("mock: idle or lifetime limit reached, stopping\n")
                httpd.shutdown()
                return

    threading.Thread(target=watchdog, daemon=True).start()
    print(f"PORT {port}", flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
