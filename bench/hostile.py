#!/usr/bin/env python3
"""Peak RSS of the binary against a hostile or broken server (the "bounded by design" rule).

    python3 bench/hostile.py [--binary target/release/private-registries]

Starts a stdlib HTTP server on 127.0.0.1 that answers in one hostile mode at a time (a body
just under the 8 MiB cap and one far over it, headers over the cap, 10,000 configurations in
100 pages, pages that never end, a repeated page, a huge total_count, fat fields until the
listing budget is spent), runs the binary once per mode as the Actions runner starts it
(outputs and step summary written to files), and prints each run's exit code, requests and
peak RSS (`ru_maxrss` through bench/rss_exec.c, so the figure is the child's own). Exits 1 if
any run took more than 32 MiB, or ended with an unexpected exit code. A benchmark, not a test:
nothing here is timed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
ORG = "acme"
LIST = f"/orgs/{ORG}/private-registries"
LIMIT_MIB = 32
MIB = 1 << 20


def config(i, pad=0):
    return {
        "name": f"NPM_{i}",
        "registry_type": "npm_registry",
        "url": f"https://npm{i}.example.com/" + "p" * pad,
        "auth_type": "token",
        "replaces_base": False,
        "visibility": "private",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }


def page_of(total, configs):
    return json.dumps({"total_count": total, "configurations": configs}).encode()


def page_number(query):
    for kv in query.split("&"):
        if kv.startswith("page="):
            return int(kv[5:] or 1)
    return 1


# mode -> (operation, expected exit code, handler(path, query) -> (status, headers, body or
# an iterator of chunks))
def fat_page(_path, _query):
    # One configuration whose url fills the body to just under the 8 MiB cap.
    body = page_of(1, [config(0, pad=8 * MIB - 400)])
    return 200, {}, body


def fat_get(_path, _query):
    return 200, {}, json.dumps(config(0, pad=8 * MIB - 400)).encode()


def over_cap(_path, _query):
    chunk = b"[" + b" " * (MIB - 1)
    return 200, {"content-length": str(64 * MIB)}, (chunk for _ in range(64))


def big_headers(_path, _query):
    return 200, {"x-padding": "h" * MIB}, page_of(0, [])


def ten_thousand(_path, query):
    p = page_number(query)
    return 200, {}, page_of(10_000, [config((p - 1) * 100 + i) for i in range(100)])


def endless(_path, query):
    p = page_number(query)
    return 200, {}, page_of(10_000 + p * 100, [config((p - 1) * 100 + i) for i in range(100)])


def repeated(_path, _query):
    return 200, {}, page_of(10_000, [config(i) for i in range(100)])


def huge_total(_path, query):
    return 200, {}, page_of(2**62, [config(i) for i in range(100)])


def fat_pages(_path, query):
    # Every page 840 KB (two fields just under the cap): the 8 MiB budget runs out on page 10.
    p = page_number(query)
    configs = [dict(config((p - 1) * 100 + i, pad=4000), username="u" * 4000) for i in range(100)]
    return 200, {}, page_of(10_000, configs)


def near_budget(_path, query):
    # 1,900 configurations whose urls are just under the 4 KiB field cap: 8.2 MB in 19 pages,
    # just inside the 8 MiB listing budget, all kept and reported.
    p = page_number(query)
    return 200, {}, page_of(1_900, [config((p - 1) * 100 + i, pad=4000) for i in range(100)])


MODES = {
    "a field of 8 MiB (list)": ("list", 1, fat_page),
    "a field of 8 MiB (get)": ("get", 1, fat_get),
    "1,900 configurations of 4.3 KB": ("list", 0, near_budget),
    "body of 64 MiB": ("list", 1, over_cap),
    "headers of 1 MiB": ("list", 1, big_headers),
    "10,000 configurations": ("list", 0, ten_thousand),
    "pages that never end": ("list", 1, endless),
    "a page repeated": ("list", 1, repeated),
    "total_count 2^62": ("list", 1, huge_total),
    "840 KB pages past 8 MiB": ("list", 1, fat_pages),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = None
    requests = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests += 1
        path, _, query = self.path.partition("?")
        status, headers, body = Handler.mode(path, query)
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        chunks = [body] if isinstance(body, bytes) else body
        if "content-length" not in headers:
            headers["content-length"] = str(len(body))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        try:
            for c in chunks:
                self.wfile.write(c)
        except (BrokenPipeError, ConnectionResetError):
            pass


def build_rss_exec(out_dir):
    exe = os.path.join(out_dir, "rss_exec")
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        sys.exit("hostile.py needs a C compiler for bench/rss_exec.c")
    for extra in (["-static"], []):
        if subprocess.run([cc, "-O2", *extra, "-o", exe, os.path.join(BENCH, "rss_exec.c")],
                          capture_output=True).returncode == 0:
            return exe
    sys.exit("could not compile bench/rss_exec.c")


def run_mode(binary, rss_exec, port, name, operation, work):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_ACTIONS": "true",
        "INPUT_OPERATION": operation,
        "INPUT_ORG": ORG,
        "INPUT_TOKEN": "ghp_BenchToken0123456789abcdefghijKLMNOP",
        "INPUT_API_URL": f"http://127.0.0.1:{port}",
        "INPUT_REQUEST_TIMEOUT": "30",
        "GITHUB_OUTPUT": os.path.join(work, "output"),
        "GITHUB_STEP_SUMMARY": os.path.join(work, "summary"),
    }
    if operation == "get":
        env["INPUT_NAME"] = "NPM_0"
    for f in ("output", "summary"):
        open(os.path.join(work, f), "w").close()
    report = os.path.join(work, "rusage")
    p = subprocess.run([rss_exec, report, binary], env=env, capture_output=True, timeout=300)
    with open(report) as f:
        kib, _user, _sys, _wall, code = (int(x) for x in f.read().split())
    lines = [l for l in p.stdout.decode("utf-8", "replace").splitlines() if l.startswith("::error")]
    said = lines[0].split("::", 2)[-1][:110] if lines else ""
    return code, kib / 1024, said


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "private-registries"))
    ap.add_argument("--no-build", action="store_true", help="use the binary as it is")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    bad = 0
    with tempfile.TemporaryDirectory() as work:
        rss_exec = build_rss_exec(work)
        print(f"| server sends | operation | exit | requests | peak RSS | what the run said |")
        print(f"| --- | --- | --- | --- | --- | --- |")
        for name, (operation, expected, mode) in MODES.items():
            Handler.mode, Handler.requests = staticmethod(mode), 0
            code, mib, said = run_mode(args.binary, rss_exec, port, name, operation, work)
            ok = code == expected and mib < LIMIT_MIB
            bad += not ok
            flag = "" if ok else " **(over the limit or unexpected exit)**"
            print(f"| {name} | {operation} | {code} | {Handler.requests} | {mib:.1f} MiB{flag} | {said} |")
    server.shutdown()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
