#!/usr/bin/env bash
# Proves the release binary needs nothing around it, as in the `FROM scratch` image:
#   1. builds it fully static (glibc, crt-static) for x86_64-unknown-linux-gnu,
#   2. checks that `file` and `ldd` call it static,
#   3. copies ONLY the binary into an empty directory and runs it there with chroot:
#      `--version`, then `operation: list` against a local mock of the GitHub API
#      (.ci/mock-api.py on 127.0.0.1), checking the JSON it prints,
#   4. prints the binary's size in bytes.
# No Docker engine needed. Needs root (chroot). Runs non-interactively (CI=true, no stdin).
#
# Environment:
#   SMOKE_BINARY  use this already-built binary instead of building (e.g. when the build ran
#                 as another user); it must still be static.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGET=x86_64-unknown-linux-gnu
BIN_NAME=private-registries

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'static-smoke: %s\n' "$*" >&2
  exit 1
}

[[ $(id -u) == 0 ]] || die "needs root for chroot (run it with sudo)"
for cmd in file ldd chroot python3; do
  command -v "$cmd" >/dev/null 2>&1 || die "missing command: $cmd"
done

if [[ -n ${SMOKE_BINARY:-} ]]; then
  bin=$SMOKE_BINARY
else
  # As the Dockerfile builds the Action's binary: without the `jq` feature (the Action has no
  # `--jq`; the command line's release binaries keep it).
  log "cargo build --release --locked --no-default-features --target $TARGET (crt-static)"
  RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --locked --no-default-features --target "$TARGET"
  bin=target/$TARGET/release/$BIN_NAME
fi
[[ -x $bin ]] || die "no binary at $bin"

log "file $bin"
file_out=$(file -L "$bin")
echo "$file_out"
# glibc's static-pie comes out as "static-pie linked"; a plain static one as "statically linked".
if ! grep -Eq 'statically linked|static-pie linked' <<<"$file_out" || grep -q 'interpreter' <<<"$file_out"; then
  die "$bin is not static"
fi
log "ldd $bin"
ldd_out=$(ldd "$bin" 2>&1 || true)
echo "$ldd_out"
grep -Eq 'not a dynamic executable|statically linked' <<<"$ldd_out" || die "ldd lists libraries for $bin"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

root=$work/root
mkdir -p "$root"
cp "$bin" "$root/$BIN_NAME"
log "empty root: $(cd "$root" && find . -mindepth 1 | tr '\n' ' ')"

# The binary sees no /etc, /tmp, /proc, /dev or CA files, and only the variables we pass
# (env -i: no PATH either, hence chroot's absolute path).
chroot_bin=$(command -v chroot)
in_root() { env -i "$@"; }

log "chroot: $BIN_NAME --version"
version=$(in_root "$chroot_bin" "$root" "/$BIN_NAME" --version) || die "--version failed in the empty root"
echo "$version"
[[ -n $version ]] || die "--version printed nothing"

log "starting the mock API on 127.0.0.1"
python3 .ci/mock-api.py --host 127.0.0.1 --port 0 --port-file "$work/port" --log "$work/requests.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -s $work/port ]] && break
  kill -0 "$server_pid" 2>/dev/null || die "the mock API exited"
  sleep 0.1
done
[[ -s $work/port ]] || die "the mock API did not start"
port=$(cat "$work/port")

log "chroot: $BIN_NAME, operation list against http://127.0.0.1:$port"
set +e
out=$(in_root INPUT_TOKEN=x INPUT_ORG=acme INPUT_OPERATION=list \
  "INPUT_API_URL=http://127.0.0.1:$port" INPUT_REQUEST_TIMEOUT=10 \
  "$chroot_bin" "$root" "/$BIN_NAME" </dev/null)
rc=$?
set -e
echo "$out"
log "requests seen by the mock:"
cat "$work/requests.log" 2>/dev/null || true
((rc == 0)) || die "operation list exited $rc"
# Stdout carries workflow commands (`::add-mask::…`) before the JSON object; skip those lines.
python3 - "$out" <<'PY' || die "the output is not the expected JSON"
import json, sys
lines = [l for l in sys.argv[1].splitlines() if not l.startswith("::")]
doc = json.loads("\n".join(lines))
assert isinstance(doc, dict), "expected a JSON object"
assert "MOCK_NPM_REGISTRY" in json.dumps(doc), "the configuration name is missing"
print("static-smoke: the JSON object mentions MOCK_NPM_REGISTRY")
PY

size=$(stat -c %s "$bin")
log "binary size: $size bytes ($((size / 1024)) KiB) [$bin]"
python3 .ci/figures.py static-binary "$size"
log "static smoke passed"
