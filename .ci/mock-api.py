#!/usr/bin/env python3
"""A tiny stand-in for GitHub's /orgs/{org}/private-registries REST API (stdlib only).

Used by .ci/static-smoke.sh (the static binary in an empty root) and by
.github/workflows/selftest.yml (the action's container). It serves one organisation, `acme`,
with one configuration, and answers every write with 405, so a dry run that tried to write
shows up in the request log. With --accept-patch, a PATCH of its configuration is answered 204
(bodies appended to LOG.bodies), for a `set` that rotates the secret.

  python3 .ci/mock-api.py --host 127.0.0.1 --port 0 --port-file PATH --log PATH

--port 0 picks a free port; the chosen port is written to --port-file once the server listens.
Each request is appended to --log as "METHOD PATH".
"""

import argparse
import os
import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

ORG = "acme"
CONFIG = {
    "name": "MOCK_NPM_REGISTRY",
    "registry_type": "npm_registry",
    "url": "https://npm.example.com/",
    "replaces_base": False,
    "visibility": "all",
    "created_at": "2026-01-02T03:04:05Z",
    "updated_at": "2026-01-02T03:04:05Z",
}
PUBLIC_KEY = {
    "key_id": "012345678912345678",
    # Any 32 bytes are a valid X25519 public key.
    "key": base64.b64encode(bytes(range(1, 33))).decode(),
}


class Handler(BaseHTTPRequestHandler):
    server_version = "mock-private-registries/1"
    log_path = None

    def log_message(self, fmt, *args):  # keep stderr quiet; the request log is the record
        pass

    def _record(self):
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(f"{self.command} {self.path}\n")

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-RateLimit-Limit", "5000")
        self.send_header("X-RateLimit-Remaining", "4999")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._record()
        path = urlsplit(self.path).path.rstrip("/")
        base = f"/orgs/{ORG}/private-registries"
        if path == base:
            self._send(200, {"total_count": 1, "configurations": [CONFIG]})
        elif path == f"{base}/public-key":
            self._send(200, PUBLIC_KEY)
        elif path.startswith(base + "/") and unquote(path[len(base) + 1 :]) == CONFIG["name"]:
            self._send(200, CONFIG)
        else:
            self._send(404, {"message": "Not Found", "documentation_url": "mock", "status": "404"})

    accept_patch = False

    def _write(self):
        self._record()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path.rstrip("/")
        own = f"/orgs/{ORG}/private-registries/{CONFIG['name']}"
        if self.accept_patch and self.command == "PATCH" and path == own:
            with open(self.log_path + ".bodies", "a", encoding="utf-8") if self.log_path else open(os.devnull, "w") as f:
                f.write(body.decode("utf-8", "replace") + "\n")
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(405, {"message": "mock: writes are not expected here", "status": "405"})

    do_POST = do_PATCH = do_PUT = do_DELETE = _write


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--accept-patch", action="store_true", help="answer a PATCH of the configuration with 204")
    args = p.parse_args()
    Handler.log_path = args.log
    Handler.accept_patch = args.accept_patch
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"mock API on http://{args.host}:{server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
