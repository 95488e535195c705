#!/usr/bin/env bash
# The API fuzzer (CI runs it after `npm test`): schemathesis, pinned in scripts/install-fuzzer.sh,
# against a real service started by test/fuzz/run.ts. FUZZ_MAX_TIME bounds each of its two runs
# (seconds, default 90); FUZZ_SEED picks the examples (fixed by default, so a run repeats).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-temporal.sh
bash scripts/install-fuzzer.sh
exec node --import tsx test/fuzz/run.ts
