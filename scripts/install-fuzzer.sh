#!/usr/bin/env bash
# Installs schemathesis (the API fuzzer of scripts/fuzz-api.sh) from PyPI into the project's
# git-ignored tool environment, .tools/venv, beside the Temporal binaries. Pinned and
# idempotent: does nothing when the pinned version is already there.
set -euo pipefail
SCHEMATHESIS_VERSION="4.32.5"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
stamp="$venv/.fuzzer-version"
want="schemathesis==$SCHEMATHESIS_VERSION"

if [ -x "$venv/bin/st" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

python="${PYTHON:-$(command -v python3 || command -v python)}"
if [ -z "$python" ]; then
  echo "install-fuzzer: Python 3 is needed to install schemathesis from PyPI" >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
echo "install-fuzzer: installing $want into .tools/venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "$want"
"$venv/bin/st" --version >&2
echo "$want" > "$stamp"
