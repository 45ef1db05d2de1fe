#!/usr/bin/env bash
# Builds the real image from the Dockerfile's final stage with podman and runs it the way the
# Actions runner runs a container action: `INPUT_*` in an env file, GITHUB_ACTIONS=true, the
# workspace at /github/workspace and the file commands at /github/file_commands, against the
# local mock of the GitHub API (.ci/mock-api.py). Three runs: a list, a set that rotates the
# secret, and a rejected input (exit 2, no request).
#
# Base images cannot be pulled here, so the build stage is given as a local directory holding
# the static binary (podman build --build-context build=DIR): `COPY --from=build` reads it, and
# the final stage is built exactly as written. README.md, "Build and run the image without
# Docker", has the same steps for a maintainer's machine.
#
# Environment: IMAGE_BINARY, a static x86_64 binary (default: the one .ci/static-smoke.sh built).
# Needs root. Installs podman and runc from Debian when missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'image: %s\n' "$*" >&2
  exit 1
}

bin=${IMAGE_BINARY:-target/x86_64-unknown-linux-gnu/release/private-registries}
[[ -x $bin ]] || die "no static binary at $bin (run .ci/static-smoke.sh first)"

if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  log "installing podman and runc"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends podman runc >/dev/null
fi

conf=$(mktemp)
cat >"$conf" <<'CONF'
[containers]
default_ulimits = []
pids_limit = 0
[engine]
cgroup_manager = "cgroupfs"
CONF
export CONTAINERS_CONF=$conf
pod() { podman --runtime runc --storage-driver vfs "$@"; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "$conf"
}
trap cleanup EXIT

mkdir -p "$work/context/out"
cp "$bin" "$work/context/out/private-registries"
log "podman build (final stage, build stage from $bin)"
pod build --quiet --build-context "build=$work/context" -t private-registries:ci -f Dockerfile . >/dev/null
size=$(pod image inspect private-registries:ci --format '{{.Size}}')
log "image private-registries:ci: $size bytes"
python3 .ci/figures.py image "$size"

log "starting the mock API on 127.0.0.1"
python3 .ci/mock-api.py --host 127.0.0.1 --port 0 --port-file "$work/port" --log "$work/requests.log" --accept-patch &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -s $work/port ]] && break
  sleep 0.1
done
[[ -s $work/port ]] || die "the mock API did not start"
port=$(cat "$work/port")

# run NAME EXPECTED_STATUS INPUT=VALUE...: one step, as the runner starts a container action.
run() {
  local name=$1 expected=$2
  shift 2
  local dir=$work/$name
  mkdir -p "$dir/workspace" "$dir/file_commands"
  : >"$dir/file_commands/output"
  : >"$dir/file_commands/summary"
  {
    echo "GITHUB_ACTIONS=true"
    echo "GITHUB_WORKSPACE=/github/workspace"
    echo "GITHUB_OUTPUT=/github/file_commands/output"
    echo "GITHUB_STEP_SUMMARY=/github/file_commands/summary"
    echo "INPUT_TOKEN=ghp_image_test_token"
    echo "INPUT_ORG=acme"
    echo "INPUT_API_URL=http://127.0.0.1:$port"
    printf '%s\n' "$@"
  } >"$dir/env"
  : >"$work/requests.log"
  set +e
  pod run --rm --network host --workdir /github/workspace --env-file "$dir/env" \
    -v "$dir/workspace:/github/workspace" -v "$dir/file_commands:/github/file_commands" \
    private-registries:ci >"$dir/stdout" 2>"$dir/stderr"
  local rc=$?
  set -e
  log "$name: exit $rc; requests: $(tr '\n' ' ' <"$work/requests.log")"
  if ((rc != expected)); then
    cat "$dir/stdout" "$dir/stderr"
    die "$name exited $rc, expected $expected"
  fi
  if grep -q ghp_image_test_token "$dir/file_commands/output" "$dir/file_commands/summary" "$dir/stderr" ||
    grep -v '^::add-mask::' "$dir/stdout" | grep -q ghp_image_test_token; then
    die "$name: the token leaked"
  fi
}

run list 0 INPUT_OPERATION=list
grep -q MOCK_NPM_REGISTRY "$work/list/file_commands/output" || die "list: no configuration in the outputs"
grep -q 'Private registries of acme (1 of 1)' "$work/list/file_commands/summary" || die "list: no summary table"

run set 0 INPUT_OPERATION=set INPUT_NAME=MOCK_NPM_REGISTRY INPUT_SECRET=rotated-secret-value
grep -q '^PATCH /orgs/acme/private-registries/MOCK_NPM_REGISTRY$' "$work/requests.log" || die "set: no PATCH"
grep -q '"encrypted_value"' "$work/requests.log.bodies" || die "set: the PATCH carried no sealed secret"
grep -q rotated-secret-value "$work/requests.log.bodies" && die "set: the secret was sent in clear"
grep -q -A1 '^result<<' "$work/set/file_commands/output" || die "set: no result output"

run rejected 2 INPUT_OPERATION=list INPUT_DRY-RUN=true
[[ ! -s $work/requests.log ]] || die "rejected: requests were sent"
grep -q "did you mean .dry_run." "$work/rejected/stdout" || die "rejected: no suggestion in $(cat "$work/rejected/stdout")"

log "image passed: built from the Dockerfile, run as the runner runs it ($size bytes)"
