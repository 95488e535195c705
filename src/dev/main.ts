/**
 * `npm run dev` — the whole service in one command, with nothing configured:
 *
 * - Temporal: a dev server from the project's CLI (.tools/venv), state in DATA_DIR/temporal.sqlite,
 *   its UI, the booking search attributes registered — unless TEMPORAL_ADDRESS (or a Temporal
 *   profile: TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE) is set;
 * - PostgreSQL: PGlite in DATA_DIR/pglite served over the PostgreSQL protocol — unless DATABASE_URL is set;
 * - e-mail: captured into DATA_DIR/mail, listed on a page — unless SMTP_URL is set;
 * - then the migrations, the worker and the API, and the URLs and tokens printed.
 *
 * DATA_DIR defaults to .data/dev (git-ignored). Ctrl-C stops everything in order; the next
 * start picks up pending bookings from the SQLite file. `npm run demo` is the same plus a
 * scenario that makes every kind of e-mail happen (src/dev/demo.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvError, loadEnv } from '../config/env.js';
import { createLogger } from '../logger.js';
import { dataDir as resolveDataDir, loadDevEnv } from './config.js';
import { runDemo } from './demo.js';
import { DevPortError } from './ports.js';
import { startDevStack, type DevStack } from './stack.js';

function banner(stack: DevStack, dataDir: string): string {
  const api = stack.api.url;
  const lines = [
    '',
    'exam-booking-notifications is running (Ctrl-C stops it)',
    '',
    `  API             ${api}/api/v1`,
    `  admin page      ${api}/admin`,
    `  API docs        ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
    `  readiness       ${api}/readyz`,
    `  Temporal UI     ${stack.temporal.uiUrl ?? '(configured server: use its own UI)'}   (gRPC ${stack.temporal.address}, namespace ${stack.temporal.namespace})`,
    `  captured mail   ${stack.mailPageUrl ?? `(sent through ${redactUrl(stack.smtpUrl)})`}${stack.mailDir ? `   (files: ${stack.mailDir}; list: npm run mail)` : ''}`,
    `  metrics         ${stack.metricsUrl ?? '(METRICS_PORT=0: off)'}`,
    ...(stack.databaseEmbedded
      ? [
          `  database        ${stack.databaseUrl}   (embedded PGlite: clients take turns, a transaction at a time)`,
          `  CLI             DATABASE_URL=${stack.databaseUrl} npm run cli -- token create --institution ${stack.access.institutionId} --scope admin`,
        ]
      : [`  database        ${redactUrl(stack.databaseUrl)}`]),
    `  data folder     ${dataDir}`,
    '',
    `  institution     ${stack.access.institutionId}`,
    `  admin token     ${stack.access.adminToken}`,
    `  booking token   ${stack.access.bookingToken}   (scope booking: what the booking system uses)`,
    `  (${stack.access.created ? 'made now' : 'made at first start'}; kept in ${path.join(dataDir, 'dev-access.json')})`,
    '',
    '  try:',
    `    curl -s -H "Authorization: Bearer ${stack.access.adminToken}" ${api}/api/v1/institutions/${stack.access.institutionId}/notification-settings`,
    '',
  ];
  return lines.join('\n');
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const env = loadEnv();
  const dev = loadDevEnv();
  const dataDir = resolveDataDir(env.DATA_DIR);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'dev' });

  const stack = await startDevStack({ env, dev, dataDir, logger });
  // For scripts and tests: where everything is (tokens stay in dev-access.json).
  await writeFile(
    path.join(dataDir, 'dev-state.json'),
    `${JSON.stringify(
      {
        pid: process.pid,
        apiUrl: stack.api.url,
        temporalAddress: stack.temporal.address,
        temporalUiUrl: stack.temporal.uiUrl ?? null,
        mailPageUrl: stack.mailPageUrl ?? null,
        mailDir: stack.mailDir ?? null,
        metricsUrl: stack.metricsUrl ?? null,
        // The embedded database's URL has no secret; a configured one stays out of the file.
        databaseUrl: stack.databaseEmbedded ? stack.databaseUrl : null,
        timings: stack.timings,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${banner(stack, dataDir)}\n`);
  logger.info({ timings: stack.timings }, 'dev stack ready');

  let stoppingSince = 0;
  const stop = async (signal: string, code = 0) => {
    if (stoppingSince) {
      // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): only a
      // later one is a request to force.
      if (Date.now() - stoppingSince > 2000) {
        process.stderr.write('forced to stop\n');
        process.exit(130);
      }
      return;
    }
    stoppingSince = Date.now();
    process.stderr.write(`\n${signal}: stopping (API, worker, then the embedded parts)…\n`);
    const force = setTimeout(() => {
      process.stderr.write('did not stop within 30 s: forcing\n');
      process.exit(1);
    }, 30_000);
    force.unref();
    await stack.stop();
    process.stderr.write('stopped\n');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (args.has('--demo')) {
    const ok = await runDemo(stack, { say: (l) => process.stdout.write(`${l}\n`) });
    if (args.has('--exit')) await stop(ok ? 'demo finished' : 'demo failed', ok ? 0 : 1);
  }
}

main().catch((err: unknown) => {
  if (err instanceof EnvError || err instanceof DevPortError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
