/**
 * `bash scripts/fuzz-api.sh`: schemathesis against the running service's /openapi.json. Starts
 * what a deployment runs (Temporal dev server, a fresh database with one institution, SMTP
 * sink, worker and API processes: test/ops/process-stack.ts), then fuzzes twice, with the
 * institution's admin token and with its booking token, each on the operations that token may
 * call. Bounded in examples (test/fuzz/schemathesis.toml) and time (FUZZ_MAX_TIME seconds a
 * run). Exits non-zero on any finding: a server error, a response outside the document, or a
 * request valid by the document that is refused.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../ops/support.js';
import { startProcessStack } from '../ops/process-stack.js';

const ST = path.join(ROOT, '.tools/venv/bin/st');
const MAX_TIME = process.env.FUZZ_MAX_TIME ?? '90';
const INSTITUTION = 'clinica-fuzz';

/** Operations by token: the booking system's commands, and the administrator's pages. */
const RUNS = [
  { name: 'booking token', token: 'booking', include: '^/api/v1/(token|institutions/\\{inst\\}/bookings(/\\{bookingId\\}(/(cancel|payment|reschedule))?)?)$' },
  { name: 'admin token', token: 'admin', include: '^/(healthz|readyz|api/v1/(token|institutions/\\{inst\\}/(notification-settings|notifications|bookings/\\{bookingId\\}(/personal-data)?$)))' },
] as const;

function schemathesis(url: string, token: string, include: string): Promise<number> {
  const args = [
    '--config-file', path.join(ROOT, 'test/fuzz/schemathesis.toml'),
    'run', `${url}/openapi.json`,
    '--checks', 'all',
    '--include-path-regex', include,
    '--max-time', MAX_TIME,
    '--seed', process.env.FUZZ_SEED ?? '20261202',
    // Not the stateful phase: it marks requests whose path takes a linked id with a reserved
    // character (`:S8`, sent as `%3AS8`) as negative, and then reports their 200 as invalid
    // data accepted. The other phases fuzz every operation's parameters and bodies.
    '--phases', 'examples,coverage,fuzzing',
  ];
  const child = spawn(ST, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      FUZZ_TOKEN: token,
      FUZZ_INSTITUTION: INSTITUTION,
      NO_COLOR: '1',
      // test/fuzz/hooks.py: exam starts in the future (the clock, not the document, requires it).
      SCHEMATHESIS_HOOKS: 'hooks',
      PYTHONPATH: path.join(ROOT, 'test/fuzz'),
    },
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

const stack = await startProcessStack(INSTITUTION);
let failed = 0;
try {
  const url = await stack.startApi();
  for (const run of RUNS) {
    console.log(`\n== schemathesis with the ${run.name} ==`);
    const code = await schemathesis(url, stack.tokens[run.token], run.include);
    if (code !== 0) failed++;
  }
} finally {
  await stack.stop();
}
console.log(`fuzz: ${RUNS.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
