#!/usr/bin/env python3
"""Benchmark of `discover`: an org of N repositories read through GitHub's GraphQL API.

A local server answers `POST /graphql` (100 repositories a page, each with its dependabot.yml, a
third of them configuring a shared npm registry) and the org's private-registries listing, each
request held for --latency-ms as a round trip to GitHub would be. The release binary runs
`discover` against it; the wall time of each run and the requests it made are recorded, and the
median of --runs runs is printed beside what the REST way would cost: one GET of the contents of
each repository's dependabot.yml (1 request a repository, serial as this tool's requests are),
the org's repository pages and the listing, at the same latency (its floor: no processing).

Usage: python3 bench/discover.py [--bin target/release/private-registries] [--runs 9]
                                 [--latency-ms 20] [--repos 250,1000]
"""

import argparse
import functools
import json
import resource
import statistics
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NPM = "version: 2\nregistries:\n  npm:\n    type: npm-registry\n    url: https://npm.example.com\n    token: ${{secrets.NPM_TOKEN}}\nupdates: []\n"


class State:
    def __init__(self):
        self.repos = 0
        self.latency = 0.02
        self.requests = 0
        self.lock = threading.Lock()


STATE = State()


@functools.lru_cache(maxsize=None)
def page_bytes(repos, after):
    """A page's JSON, built once: the mock's own cost is kept out of the client's time."""
    return json.dumps(page(after)).encode()


def page(after):
    start = int(after.split(":")[1]) if after else 0
    end = min(start + 100, STATE.repos)
    nodes = []
    for i in range(start, end):
        text = NPM if i % 3 == 0 else None
        blob = {"text": text, "isBinary": False, "isTruncated": False, "byteSize": len(text)} if text else None
        nodes.append({"name": f"repo-{i:04}", "isArchived": False, "isFork": False,
                      "isPrivate": i % 2 == 0, "isEmpty": False, "yml": blob, "yaml": None})
    return {"data": {"organization": {"repositories": {
        "totalCount": STATE.repos,
        "pageInfo": {"hasNextPage": end < STATE.repos, "endCursor": f"cursor:{end}"},
        "nodes": nodes}}}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # answers go out at once (no 40 ms delayed-ACK stalls)

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _held(self):
        with STATE.lock:
            STATE.requests += 1
        time.sleep(STATE.latency)

    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        self._held()
        self._answer(200, page_bytes(STATE.repos, body.get("variables", {}).get("after")))

    def do_GET(self):
        self._held()
        self._answer(200, {"total_count": 0, "configurations": []})


def run(binary, port, repos, runs):
    STATE.repos = repos
    times, requests, cpu = [], [], []
    for _ in range(runs + 1):
        STATE.requests = 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [binary, "discover", "--org", "bench", "--api-url", f"http://127.0.0.1:{port}", "--json"],
            env={"GH_TOKEN": "bench-token", "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        requests.append(STATE.requests)
        if done.returncode != 0:
            raise SystemExit(f"discover failed: {done.stderr}")
        found = json.loads(done.stdout)["discovered"]
        assert len(found[0]["repositories"]) == len(range(0, repos, 3)), found
    # The first run warms the mock's page cache and is not counted.
    return statistics.median(times[1:]), requests[0], statistics.median(cpu[1:])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default="target/release/private-registries")
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--latency-ms", type=float, default=20)
    p.add_argument("--repos", default="250,1000")
    a = p.parse_args()
    STATE.latency = a.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print(f"| repositories | requests (ours) | median wall, ours ({a.runs} runs, {a.latency_ms:g} ms a round trip) | ours: floor | ours: CPU | REST way: requests | REST way: floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(x) for x in a.repos.split(",")]:
        median, count, cpu = run(a.bin, port, n, a.runs)
        rest = n + (n + 99) // 100 + 1
        print(f"| {n:,} | {count} | {median * 1000:.0f} ms | {count * a.latency_ms:.0f} ms | {cpu * 1000:.0f} ms | {rest:,} | {rest * a.latency_ms / 1000:.1f} s |")
    server.shutdown()


if __name__ == "__main__":
    main()
