#!/usr/bin/env python3
"""The step as users run it: the real image started the way the Actions runner starts a
container action, next to the binary and next to the Node peer started the way the runner starts
a JavaScript action. Wall time from process start to outputs written (the process's exit), over
HTTPS to bench/mock_server.py through a throw-away CA.

    python3 bench/container.py [--runs 7] [--latency 20]

Needs podman and runc (installed with apt-get when missing, like .ci/image.sh) and a C toolchain
for the static binary. It builds `target/x86_64-unknown-linux-gnu/release/private-registries`
with `-C target-feature=+crt-static`, builds the image from the Dockerfile's final stage around
it (as .ci/image.sh does), and reports the image's size. A benchmark, not a test.

How each is started (what the runner does, minus its network and its log streaming):
  - image:  `podman run --rm --workdir /github/workspace --env-file ENV -v WS:/github/workspace
             -v FC:/github/file_commands --network host IMAGE` (the runner's docker run, with
             --network host standing for its job network so the mock on 127.0.0.1 is reachable);
  - binary: the same environment, the binary run directly;
  - octokit: `node bench/alt/octokit/registries.mjs`, as the runner runs a JavaScript action's
             `main` (its node_modules installed, as a released JavaScript action ships them).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the mock, the TLS CA, the environment: shared with run.py)

ROOT = bench.ROOT
TARGET = "x86_64-unknown-linux-gnu"
STATIC = os.path.join(ROOT, "target", TARGET, "release", "private-registries")
IMAGE = "private-registries:bench"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def podman_conf(dirpath):
    conf = os.path.join(dirpath, "containers.conf")
    with open(conf, "w") as f:
        f.write('[containers]\ndefault_ulimits = []\npids_limit = 0\n[engine]\ncgroup_manager = "cgroupfs"\n')
    return conf


def pod(*args, conf, **kw):
    env = dict(os.environ, CONTAINERS_CONF=conf)
    return subprocess.run(["podman", "--runtime", "runc", "--storage-driver", "vfs", *args],
                          env=env, **kw)


def build(conf, work):
    if not shutil.which("podman") or not shutil.which("runc"):
        bench.log("installing podman and runc")
        sh(["apt-get", "update", "-qq"])
        sh(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "podman", "runc"],
           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    bench.log("building the static binary")
    env = dict(os.environ, RUSTFLAGS="-C target-feature=+crt-static")
    sh(["cargo", "build", "--release", "--locked", "--target", TARGET], cwd=ROOT, env=env)
    ctx = os.path.join(work, "context", "out")
    os.makedirs(ctx)
    shutil.copy(STATIC, os.path.join(ctx, "private-registries"))
    bench.log("podman build (the Dockerfile's final stage around that binary)")
    pod("build", "--quiet", "--build-context", f"build={os.path.dirname(ctx)}", "-t", IMAGE,
        "-f", "Dockerfile", ".", conf=conf, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    size = pod("image", "inspect", IMAGE, "--format", "{{.Size}}", conf=conf, check=True,
               capture_output=True, text=True).stdout.strip()
    return int(size)


def timed(argv, env=None, **kw):
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, **kw)
    return time.perf_counter() - t0, p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--latency", type=float, default=20.0)
    args = ap.parse_args()
    bench.setup_venv()
    node, why = bench.setup_octokit()
    work = tempfile.mkdtemp(prefix="pr-container-")
    conf = podman_conf(work)
    size = build(conf, work)
    tls = bench.make_tls(os.path.join(work, "tls"))
    mock = bench.Mock(idle_timeout=300, tls=tls)
    base = {k: v for k, v in {"INPUT_" + k.upper(): v for k, v in bench.declared_inputs().items()}.items()}
    base.update(INPUT_TOKEN="ghp_benchmarkbenchmarkbenchmark0000", INPUT_ORG=bench.ORG,
                INPUT_OPERATION="list", INPUT_API_URL=mock.url, GITHUB_ACTIONS="true")
    ws, fc = os.path.join(work, "workspace"), os.path.join(work, "file_commands")
    os.makedirs(ws)
    os.makedirs(fc)
    shutil.copy(tls["ca"], os.path.join(ws, "ca.pem"))
    times = {"image": [], "binary": [], "octokit": []}
    try:
        for k in range(args.runs + 1):  # the first round is an untimed warm-up
            for impl in times:
                mock.reset(10, args.latency)
                for f in ("output", "summary"):
                    open(os.path.join(fc, f), "w").close()
                if impl == "image":
                    env = dict(base, INPUT_CA_CERTIFICATE="ca.pem", GITHUB_WORKSPACE="/github/workspace",
                               GITHUB_OUTPUT="/github/file_commands/output",
                               GITHUB_STEP_SUMMARY="/github/file_commands/summary")
                    envfile = os.path.join(work, "env")
                    with open(envfile, "w") as f:
                        f.write("".join(f"{k}={v}\n" for k, v in env.items() if "\n" not in v))
                    wall, p = timed(["podman", "--runtime", "runc", "--storage-driver", "vfs", "run", "--rm",
                                     "--workdir", "/github/workspace", "--env-file", envfile,
                                     "-v", f"{ws}:/github/workspace", "-v", f"{fc}:/github/file_commands",
                                     "--network", "host", IMAGE],
                                    env=dict(os.environ, CONTAINERS_CONF=conf))
                elif impl == "binary":
                    env = dict(base, PATH=os.environ["PATH"], INPUT_CA_CERTIFICATE=tls["ca"],
                               GITHUB_WORKSPACE=ws, GITHUB_OUTPUT=os.path.join(fc, "output"),
                               GITHUB_STEP_SUMMARY=os.path.join(fc, "summary"))
                    wall, p = timed([STATIC], env=env)
                else:
                    if not node:
                        continue
                    env = dict(base, PATH=os.environ["PATH"], NODE_EXTRA_CA_CERTS=tls["ca"],
                               GITHUB_WORKSPACE=ws, GITHUB_OUTPUT=os.path.join(fc, "output"))
                    wall, p = timed([node, os.path.join(bench.OCTOKIT_DIR, "registries.mjs")], env=env)
                written = open(os.path.join(fc, "output")).read()
                ok = p.returncode == 0 and ("registries" in written or '"registries"' in p.stdout)
                if not ok:
                    bench.log(f"!!! {impl}: exit {p.returncode}: {(p.stderr or p.stdout)[-300:]}")
                elif k:
                    times[impl].append(wall)
                    bench.log(f"[ok] {impl:<8} run {k}/{args.runs}: {wall * 1000:.1f} ms")
    finally:
        mock.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n`list` of 10 configurations over HTTPS at {args.latency:g} ms, {args.runs} runs; "
          f"image {size:,} bytes ({size / 1024 / 1024:.2f} MiB)\n")
    print("| started as | median ms | min ms | runs |")
    print("|---|---:|---:|---:|")
    names = {"image": "the image, `podman run` as the runner runs a container action",
             "binary": "the binary, run directly", "octokit": "the Node peer, `node script.mjs` as a JavaScript action"}
    for impl, ts in times.items():
        if ts:
            print(f"| {names[impl]} | {statistics.median(ts) * 1000:.1f} | {min(ts) * 1000:.1f} | {len(ts)} |")
        elif impl == "octokit" and not node:
            print(f"| {names[impl]} | n/a ({why}) | | 0 |")
    return 0 if all(times.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
