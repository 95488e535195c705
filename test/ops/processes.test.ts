/**
 * The API and the worker as the deployment runs them: one OS process each, configured only by
 * the environment, against the machine's PostgreSQL, a Temporal dev server and a real SMTP
 * server — once from the sources (`npm run api`, `npm run worker`, through tsx) and once
 * compiled (`npm run build`, then `node dist/api/main.js` and `node dist/worker.js` as the
 * image runs them). Also the operators' view: search attributes and memo, redacted logs,
 * /metrics, graceful shutdown, and start-up refused with the bad variable's name.
 */
import { Connection, type Client } from '@temporalio/client';
import { formatKeyRing } from '../../src/codec/key-ring.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { testKeyRing } from '../support/keys.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/tokens.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { STAFF, makeBooking, seedInstitution } from '../support/fixtures.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { execFileSync } from 'node:child_process';
import { Proc, ROOT, buildDist, cleanEnv, entryArgs, freePorts, waitForHttp, type ProcessSource } from './support.js';

const INST = 'clinica-proc';

describe.each<ProcessSource>(['sources', 'dist'])('the API and the worker from %s, configured by the environment', (from) => {
  const node = (name: string, entry: string, env: NodeJS.ProcessEnv) => Proc.spawn(name, process.execPath, entryArgs(entry, from), env);
  let dir: string;
  let temporal: TemporalDevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let api: Proc;
  let worker: Proc;
  let apiUrl: string;
  let metricsUrl: string;
  let bookingToken: string;
  let adminToken: string;
  let client: Client;
  let connection: Connection;
  const taskQueue = `ops-${Math.random().toString(36).slice(2, 8)}`;
  const keyRing = testKeyRing();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (from === 'dist') {
      const t0 = Date.now();
      await buildDist();
      timings.buildMs = Date.now() - t0;
    }
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-proc-'));
    const [apiPort, tPort, uiPort, metricsPort] = await freePorts(4);
    [temporal, db, smtp] = await Promise.all([
      startTemporalDevServer({ dbFile: path.join(dir, 't.sqlite'), logFile: path.join(dir, 't.log'), port: tPort!, uiPort: uiPort! }),
      createTestDatabase(),
      SmtpSink.start(),
    ]);
    await seedInstitution(db.sql, INST);
    bookingToken = (await createApiToken(db.sql, { institutionId: INST, scope: 'booking' })).token;
    adminToken = (await createApiToken(db.sql, { institutionId: INST, scope: 'admin' })).token;

    // The worker finds Temporal through a Temporal profile file (envconfig), the API through
    // TEMPORAL_ADDRESS: both are Temporal's own environment configuration.
    const profile = path.join(dir, 'temporal.toml');
    await writeFile(profile, `[profile.ops]\naddress = "${temporal.address}"\nnamespace = "default"\n`);
    const common = { DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_FROM: 'notificari@clinica.test', TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', PAYLOAD_KEYS: formatKeyRing(keyRing) };
    let t = Date.now();
    worker = node('worker', 'src/worker.ts', cleanEnv({ ...common, TEMPORAL_CONFIG_FILE: profile, TEMPORAL_PROFILE: 'ops', METRICS_PORT: String(metricsPort) }));
    api = node('api', 'src/api/main.ts', cleanEnv({ ...common, TEMPORAL_ADDRESS: temporal.address, PORT: String(apiPort) }));
    await worker.waitForOutput(/worker started/, 90_000);
    timings.workerStartMs = Date.now() - t;
    t = Date.now();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    await waitForHttp(`${apiUrl}/readyz`, (r) => r.status === 200, 60_000);
    timings.apiReadyMs = Date.now() - t;
    connection = await Connection.connect({ address: temporal.address });
    client = createServiceClient({ connection, keyRing });
  }, 480_000); // the dist run builds first: minutes when the machine is busy

  afterAll(async () => {
    api?.kill();
    worker?.kill();
    await connection?.close();
    await smtp?.stop();
    await temporal?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
    console.info(`api/worker timings (${from}): ${JSON.stringify(timings)}`);
  });

  const booking = makeBooking(Date.now(), { id: `OPS-${Date.now().toString(36)}` });

  it("a booking sent to the API process is e-mailed by the worker process", async () => {
    const t = Date.now();
    const res = await fetch(`${apiUrl}/api/v1/institutions/${INST}/bookings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bookingToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(booking),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    await smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2, 30_000);
    timings.bookingToMailMs = Date.now() - t;
    const [staff] = smtp.byKind('booking-created-staff', booking.bookingId);
    expect(staff!.envelopeTo.sort()).toEqual([STAFF.planning, STAFF.reception].sort());
    expect(smtp.byKind('booking-created-patient', booking.bookingId)).toHaveLength(1);

    const view = await fetch(`${apiUrl}/api/v1/institutions/${INST}/bookings/${booking.bookingId}`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(view.status).toBe(200);
  });

  it('operators find the run in Temporal: readable id, search attributes, a memo without patient data', async () => {
    const workflowId = bookingWorkflowId(INST, booking.bookingId);
    expect(workflowId).toBe(`booking/${INST}/${booking.bookingId}`);
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get({ name: 'InstitutionId', type: 'KEYWORD' } as never)).toBe(INST);
    expect(description.searchAttributes.BookingStatus).toBeDefined();
    expect(description.searchAttributes.ExamStartsAt).toBeDefined();
    const memo = JSON.stringify(description.memo ?? {});
    expect(memo).toContain(booking.bookingId);
    for (const secret of ['Ana Popescu', 'ana.popescu@example.com', '712 345', 'implant']) expect(memo).not.toContain(secret);

    // The visibility query an operator types into the UI.
    let found: string[] = [];
    for (let i = 0; i < 40 && found.length === 0; i++) {
      found = [];
      for await (const wf of client.workflow.list({ query: `InstitutionId = "${INST}" AND BookingStatus = "scheduled"` })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toContain(workflowId);
  });

  it('/metrics exposes the e-mail counters, the SMTP latency and the SDK worker metrics after a booking', async () => {
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/^ebn_emails_total\{kind="booking-created-staff",status="sent"\} 1$/m);
    expect(text).toMatch(/^ebn_emails_total\{kind="booking-created-patient",status="sent"\} 1$/m);
    expect(text).toMatch(/^ebn_smtp_send_seconds_count\{kind="booking-created-staff",status="sent"\} 1$/m);
    expect(text).toMatch(/^ebn_smtp_send_seconds_bucket\{le="\+Inf",kind="booking-created-staff",status="sent"\} 1$/m);
    expect(text).toMatch(/^ebn_sdk_metrics_up 1$/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(text).toMatch(/^temporal_activity_execution_latency_count\{/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    // Labels are kinds and statuses, never an address or a booking.
    expect(text).not.toContain(booking.bookingId);
    expect(text).not.toContain('@');
  });

  it('the API process serves /metrics too', async () => {
    const res = await fetch(`${apiUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE ebn_emails_total counter');
  });

  it('logs are structured JSON and carry no patient data', () => {
    for (const proc of [worker, api]) {
      const lines = proc.text.split('\n').filter((l) => l.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
      for (const secret of ['Ana Popescu', 'ana.popescu@example.com', '712 345 678', 'implant dentar']) {
        expect(proc.text, `${proc.name} logged patient data`).not.toContain(secret);
      }
    }
    expect(worker.text).toContain('notification sent');
  });

  it(`the worker runs the workflow code ${from === 'dist' ? 'bundled by the build, without bundling at start' : 'bundled at start from src/workflows'}`, () => {
    // The SDK logs this line when it bundles (through the worker's pino logger).
    if (from === 'dist') expect(worker.text).not.toContain('Workflow bundle created');
    else expect(worker.text).toContain('Workflow bundle created');
    expect(worker.text).toMatch(from === 'dist' ? /"workflowCode":"[^"]*workflow-bundle\.js"/ : /"workflowCode":"[^"]*src\/workflows\/index\.ts"/);
  });

  it('the migrations command runs too (nothing to apply on a migrated database)', () => {
    const out = execFileSync(process.execPath, entryArgs('src/db/migrate-cli.ts', from), { cwd: ROOT, env: cleanEnv({ DATABASE_URL: db.url }), encoding: 'utf8' });
    expect(out).toContain('nothing to apply');
  });

  it('SIGTERM stops both processes cleanly', async () => {
    const t = Date.now();
    const [w, a] = await Promise.all([worker.signalGroup('SIGTERM', 30_000), api.signalGroup('SIGTERM', 30_000)]);
    timings.stopMs = Date.now() - t;
    expect(w, worker.text.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(worker.text).toContain('worker stopped');
    expect(a, api.text.slice(-2000)).toEqual({ code: 0, signal: null });
  });

  it('a bad or missing variable stops start-up with its name in the message', async () => {
    const [port] = await freePorts(1);
    const base = { DATABASE_URL: db.url, SMTP_URL: smtp.url, TEMPORAL_ADDRESS: temporal.address, METRICS_PORT: '0', PORT: String(port), PAYLOAD_KEYS: formatKeyRing(keyRing) };
    const cases: Array<[string, string, Record<string, string | undefined>, RegExp]> = [
      ['worker', 'src/worker.ts', { SMTP_URL: 'http://mail.example:25' }, /SMTP_URL: must be a URL starting with smtp:\/\/ or smtps:\/\//],
      ['worker', 'src/worker.ts', { DATABASE_URL: undefined }, /DATABASE_URL.* must be set/],
      ['worker', 'src/worker.ts', { TEMPORAL_ADDRESS: undefined }, /TEMPORAL_ADDRESS must be set/],
      ['worker', 'src/worker.ts', { TEMPORAL_ADDRESS: 'temporal' }, /TEMPORAL_ADDRESS: must be host:port/],
      ['worker', 'src/worker.ts', { TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/client.key' }, /TEMPORAL_TLS_CLIENT_CERT_PATH: names a file that does not exist/],
      ['worker', 'src/worker.ts', { METRICS_PORT: 'ninety' }, /METRICS_PORT/],
      ['worker', 'src/worker.ts', { WORKER_MAX_CACHED_WORKFLOWS: '1' }, /WORKER_MAX_CACHED_WORKFLOWS: must be 0 \(no cache\) or at least 2/],
      ['worker', 'src/worker.ts', { SMTP_POOL_SIZE: '0' }, /SMTP_POOL_SIZE/],
      ['api', 'src/api/main.ts', { DATABASE_URL: 'mysql://db/ebn' }, /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//],
      ['api', 'src/api/main.ts', { PORT: '70000' }, /PORT/],
      ['api', 'src/api/main.ts', { MAIL_FROM: 'not an address' }, /MAIL_FROM/],
      ['worker', 'src/worker.ts', { PAYLOAD_KEYS: undefined }, /PAYLOAD_KEYS \(or PAYLOAD_KEYS_FILE\) must be set for the worker/],
      ['api', 'src/api/main.ts', { PAYLOAD_KEYS: undefined }, /PAYLOAD_KEYS \(or PAYLOAD_KEYS_FILE\) must be set for the API/],
      ['api', 'src/api/main.ts', { PAYLOAD_KEYS: 'k1:c2hvcnQ=' }, /PAYLOAD_KEYS: key "k1": must be 32 bytes in base64/],
      ['worker', 'src/worker.ts', { PAYLOAD_KEYS: undefined, PAYLOAD_KEYS_FILE: '/nonexistent/keys' }, /PAYLOAD_KEYS_FILE: names a file that does not exist/],
      ['api', 'src/api/main.ts', { TEMPORAL_UI_ORIGINS: 'temporal-ui:8080' }, /TEMPORAL_UI_ORIGINS/],
    ];
    const results = await Promise.all(
      cases.map(async ([name, entry, change, expected]) => {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries({ ...base, ...change })) if (v !== undefined) env[k] = v;
        const proc = node(name, entry, cleanEnv(env));
        const timer = setTimeout(() => proc.kill(), 90_000); // it should not have started at all; sixteen tsx starts at once are slow on a busy machine
        const exit = await proc.exited;
        clearTimeout(timer);
        return { name, change, exit, text: proc.text, expected };
      }),
    );
    for (const r of results) {
      expect(r.exit.code, `${r.name} with ${JSON.stringify(r.change)}:\n${r.text}`).toBe(1);
      expect(r.text, `${r.name} with ${JSON.stringify(r.change)}`).toMatch(r.expected);
      // A configuration mistake is one clear line or two, not a stack trace.
      expect(r.text).not.toMatch(/\n\s+at /);
    }
  });
});
