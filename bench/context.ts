/**
 * Everything a benchmark run talks to, started once and torn down at the end even on failure:
 * the Temporal dev server (SQLite, WAL), a fresh `ebn_bench_<random>` database on the
 * machine's PostgreSQL, the timestamping SMTP sink, the real booking worker and the ceiling
 * worker (each a child process), and the real API over HTTP on loopback.
 */
import { Client, Connection } from '@temporalio/client';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { connectDatabase } from '../src/db/connect.js';
import { createApiToken } from '../src/db/tokens.js';
import { startApiServer, type ApiServer } from '../src/api/server.js';
import { BookingClient } from '../src/client/booking-client.js';
import { createInstitution } from '../src/db/institutions.js';
import { migrate } from '../src/db/migrate.js';
import { saveSettings } from '../src/db/settings.js';
import type { NotificationSettingsInput } from '../src/domain/types.js';
import { createLogger } from '../src/logger.js';
import { createMailTransport, type MailTransport } from '../src/email/transport.js';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { bookingWorkflowsPath } from '../src/temporal/worker-factory.js';
import { createServiceClient } from '../src/temporal/client.js';
import { failureConverterPath } from '../src/codec/data-converter.js';
import { generateKeyEntry, parseKeyRing } from '../src/codec/key-ring.js';
import { rssMiB } from './proc.js';
import { BenchSmtpSink } from './smtp-sink.js';
import { startBenchTemporal, type BenchTemporal } from './temporal.js';
import type { EffectiveKnobs, WorkerConfig } from './worker-process.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BOOKING_QUEUE = 'bench-bookings';
export const CEILING_QUEUE = 'bench-ceiling';

export interface Knobs {
  maxCachedWorkflows?: number | undefined;
  activityConcurrency?: number | undefined;
  smtpPool?: number | undefined;
  prebundle?: boolean | undefined;
  eagerActivities?: boolean | undefined;
}

export interface ChildWorker {
  pid: number;
  knobs: EffectiveKnobs;
  /** RSS right after the worker said it is ready, before any task. */
  rssAtReadyMiB: number;
  process: ChildProcess;
  /** process.memoryUsage() of the worker, in MiB. */
  memory(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface Tenant {
  id: string;
  admin: string;
  booking: string;
}

export interface BenchContext {
  tmp: string;
  temporal: BenchTemporal;
  /** The payload key ring in its text form (PAYLOAD_KEYS), for workers started as processes. */
  payloadKeys: string;
  dbName: string;
  dbUrl: string;
  sql: postgres.Sql;
  sink: BenchSmtpSink;
  client: Client;
  bookings: BookingClient;
  api: ApiServer;
  worker: ChildWorker;
  ceiling: ChildWorker;
  /** Arrival time of each ceiling activity, by workflow id. */
  noops: Map<string, number>;
  tenant(id: string, settings: NotificationSettingsInput): Promise<Tenant>;
  http<T = unknown>(method: string, urlPath: string, token: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function benchSettings(hoursBefore = 24): NotificationSettingsInput {
  return {
    bookingRecipients: ['receptie@bench.test', 'programari@bench.test'],
    bcc: [{ email: 'arhiva@bench.test', enabled: true }],
    cancellation: { recipients: ['receptie@bench.test'], noticeHours: 24 },
    paymentReminder: { recipients: ['contabilitate@bench.test'], hoursBefore },
    patientEmails: true,
    alerts: { recipients: [] },
    retentionDays: 90,
  };
}

function forkWorker(config: WorkerConfig, onMessage?: (m: any) => void): Promise<ChildWorker> {
  const child = fork(fileURLToPath(new URL('./worker-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${config.kind} worker not ready in 180 s`)), 180_000);
    child.once('exit', (code) => reject(new Error(`${config.kind} worker exited with code ${code} before it was ready`)));
    child.on('message', (m: any) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        const memory = () =>
          new Promise<Record<string, number>>((res) => {
            const onMem = (r: any) => {
              if (r?.type !== 'mem') return;
              child.off('message', onMem);
              res(Object.fromEntries(Object.entries(r.usage as Record<string, number>).map(([k, v]) => [k, Math.round(v / 1024 / 1024)])));
            };
            child.on('message', onMem);
            child.send('mem');
          });
        resolve({ pid: child.pid!, knobs: m.knobs as EffectiveKnobs, rssAtReadyMiB: Math.round(rssMiB(child.pid!)), process: child, memory, stop });
      } else onMessage?.(m);
    });
  });
}

/** Teardown steps, run last-in first-out. */
const cleanups: Array<() => Promise<void>> = [];

export async function teardown(log: (s: string) => void): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop()!;
    await step().catch((err: unknown) => log(`teardown step failed: ${(err as Error).message}`));
  }
}

export async function startContext(knobs: Knobs, log: (s: string) => void): Promise<BenchContext> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ebn-bench-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));

  const dbName = `ebn_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  cleanups.push(async () => {
    const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await a.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await a.end();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const sql = connectDatabase(dbUrl, { max: 20 });
  cleanups.push(async () => sql.end({ timeout: 5 }));
  await migrate(sql);
  log(`database ${dbName} created and migrated`);

  const temporal = await startBenchTemporal(path.join(tmp, 'temporal.sqlite'), { eagerActivities: knobs.eagerActivities === true });
  cleanups.push(() => temporal.stop());
  log(`Temporal dev server at ${temporal.address} (${temporal.version}), SQLite pragmas: ${temporal.args.filter((_, i, a) => a[i - 1] === '--sqlite-pragma').join(', ')}`);

  const sink = await BenchSmtpSink.start();
  cleanups.push(() => sink.stop());

  // Payloads are sealed as in production, so the numbers include the encryption's cost.
  const payloadKeys = generateKeyEntry('bench');
  const keyRing = parseKeyRing(payloadKeys);
  let workflowBundlePath: string | undefined;
  if (knobs.prebundle) {
    const { code } = await bundleWorkflowCode({ workflowsPath: bookingWorkflowsPath(), failureConverterPath });
    workflowBundlePath = path.join(tmp, 'booking-workflows.js');
    writeFileSync(workflowBundlePath, code);
    log('booking workflows bundled beforehand (--prebundle)');
  }
  const noops = new Map<string, number>();
  log('starting the booking worker and the ceiling worker (child processes; bundling workflows)…');
  const [worker, ceiling] = await Promise.all([
    forkWorker({
      kind: 'booking',
      temporalAddress: temporal.address,
      taskQueue: BOOKING_QUEUE,
      databaseUrl: dbUrl,
      smtpUrl: sink.url,
      payloadKeys,
      ...(knobs.maxCachedWorkflows !== undefined && { maxCachedWorkflows: knobs.maxCachedWorkflows }),
      ...(knobs.activityConcurrency !== undefined && { activityConcurrency: knobs.activityConcurrency }),
      ...(knobs.smtpPool !== undefined && { smtpPool: knobs.smtpPool }),
      ...(workflowBundlePath !== undefined && { workflowBundlePath }),
    }),
    forkWorker(
      {
        kind: 'ceiling',
        temporalAddress: temporal.address,
        taskQueue: CEILING_QUEUE,
        payloadKeys,
        ...(knobs.maxCachedWorkflows !== undefined && { maxCachedWorkflows: knobs.maxCachedWorkflows }),
        ...(knobs.activityConcurrency !== undefined && { activityConcurrency: knobs.activityConcurrency }),
      },
      (m) => {
        if (m?.type === 'noop' && !noops.has(m.id)) noops.set(m.id, m.at);
      },
    ),
  ]);
  cleanups.push(() => worker.stop(), () => ceiling.stop());

  const connection = await Connection.connect({ address: temporal.address });
  cleanups.push(() => connection.close());
  const client = createServiceClient({ connection, keyRing });
  const bookings = new BookingClient({ client, sql, taskQueue: BOOKING_QUEUE });
  // The API's own transport (test e-mails, resends); unused by the scenarios.
  const mail: MailTransport = createMailTransport({ url: sink.url });
  cleanups.push(async () => mail.close());
  const api = await startApiServer({
    port: 0,
    hostname: '127.0.0.1',
    sql,
    bookings,
    temporal: { healthcheck: async () => void (await client.workflowService.getSystemInfo({})) },
    mail,
    mailFrom: 'notificari@bench.test',
    keyRing,
    namespace: 'default',
    logger: createLogger({ level: 'warn', name: 'bench-api' }),
    rateLimit: false,
  });
  cleanups.push(() => api.close());
  log(`API at ${api.url} — per-token rate limit OFF for the benchmark (createApp rateLimit: false)`);

  return {
    tmp,
    temporal,
    payloadKeys,
    dbName,
    dbUrl,
    sql,
    sink,
    client,
    bookings,
    api,
    worker,
    ceiling,
    noops,
    async tenant(id, settings) {
      await createInstitution(sql, { id, name: `Clinica ${id}`, timezone: 'Europe/Bucharest', locale: 'ro' });
      await saveSettings(sql, { institutionId: id, settings, updatedBy: 'bench' });
      const a = await createApiToken(sql, { institutionId: id, scope: 'admin', label: 'bench admin' });
      const b = await createApiToken(sql, { institutionId: id, scope: 'booking', label: 'bench booking system' });
      return { id, admin: a.token, booking: b.token };
    },
    async http(method, urlPath, token, body) {
      const res = await fetch(api.url + urlPath, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed as any };
    },
  };
}
