/**
 * The service as a deployment runs it, for tests that crash or read its processes: a Temporal
 * dev server, a fresh database with one institution and its tokens, a real SMTP server, the
 * worker as an OS process, and API processes started on demand (each may reach Temporal at
 * another address, e.g. through a proxy).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatKeyRing } from '../../src/codec/key-ring.js';
import { createApiToken } from '../../src/db/tokens.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedInstitution } from '../support/fixtures.js';
import { testKeyRing } from '../support/keys.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { Proc, cleanEnv, freePorts, waitForHttp } from './support.js';

const node = (name: string, entry: string, env: NodeJS.ProcessEnv) => Proc.spawn(name, process.execPath, ['--import', 'tsx', entry], env);

export interface ProcessStack {
  temporal: TemporalDevServer;
  db: TestDatabase;
  smtp: SmtpSink;
  /** The current worker process (replaced by restartWorker). */
  worker: Proc;
  apis: Proc[];
  keyRing: ReturnType<typeof testKeyRing>;
  institutionId: string;
  tokens: { booking: string; admin: string };
  /** Starts an API process talking to Temporal at `temporalAddress` (default: the server's); resolves with its URL once ready. */
  startApi(temporalAddress?: string, env?: NodeJS.ProcessEnv): Promise<string>;
  /** Kills the worker if it still runs and starts a new one with `env` added; resolves once it is ready. */
  restartWorker(env?: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
}

/** `workerEnv` is added to the worker's environment (knobs, test crash hooks). */
export async function startProcessStack(institutionId: string, workerEnv: NodeJS.ProcessEnv = {}): Promise<ProcessStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ebn-stack-'));
  const [tPort, uiPort, metricsPort] = await freePorts(3);
  const [temporal, db, smtp] = await Promise.all([
    startTemporalDevServer({ dbFile: path.join(dir, 't.sqlite'), logFile: path.join(dir, 't.log'), port: tPort!, uiPort: uiPort! }),
    createTestDatabase(),
    SmtpSink.start(),
  ]);
  await seedInstitution(db.sql, institutionId);
  const tokens = {
    booking: (await createApiToken(db.sql, { institutionId, scope: 'booking' })).token,
    admin: (await createApiToken(db.sql, { institutionId, scope: 'admin' })).token,
  };
  const keyRing = testKeyRing();
  const common = {
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'notificari@clinica.test',
    TEMPORAL_TASK_QUEUE: `stack-${Math.random().toString(36).slice(2, 8)}`,
    LOG_LEVEL: 'debug',
    PAYLOAD_KEYS: formatKeyRing(keyRing),
  };
  const startWorker = async (env: NodeJS.ProcessEnv): Promise<Proc> => {
    const proc = node('worker', 'src/worker.ts', cleanEnv({ ...common, TEMPORAL_ADDRESS: temporal.address, METRICS_PORT: String(metricsPort), ...env }));
    await proc.waitForOutput(/worker started/, 90_000);
    return proc;
  };
  const apis: Proc[] = [];
  const stack: ProcessStack = {
    temporal,
    db,
    smtp,
    worker: await startWorker(workerEnv),
    apis,
    keyRing,
    institutionId,
    tokens,
    async startApi(temporalAddress = temporal.address, env = {}) {
      const [apiPort] = await freePorts(1);
      const api = node(`api-${apis.length + 1}`, 'src/api/main.ts', cleanEnv({ ...common, TEMPORAL_ADDRESS: temporalAddress, PORT: String(apiPort), ...env }));
      apis.push(api);
      const url = `http://127.0.0.1:${apiPort}`;
      await waitForHttp(`${url}/readyz`, (r) => r.status === 200, 60_000);
      return url;
    },
    async restartWorker(env = {}) {
      if (stack.worker.running) {
        stack.worker.kill();
        await stack.worker.exited;
      }
      stack.worker = await startWorker(env);
    },
    async stop() {
      for (const api of apis) api.kill();
      stack.worker.kill();
      await smtp.stop();
      await temporal.stop();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
