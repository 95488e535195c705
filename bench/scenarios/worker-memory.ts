/**
 * Worker memory: the compiled worker (`node dist/worker.js`, as the image runs it, configured
 * only by the environment) on a task queue of its own, once per sticky-cache size. Its RSS
 * (/proc/<pid>/status VmRSS) when it says it is ready, then with N bookings started on its
 * queue, all created-e-mails sent and every booking asleep until a reminder weeks away.
 * Each size gets a fresh worker and fresh bookings, so one run's cache cannot lend another
 * its memory. Builds dist/ first when it is missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BookingClient } from '../../src/client/booking-client.js';
import { WORKER_DEFAULTS } from '../../src/config/worker-tuning.js';
import { summarize, type Summary } from '../support/stats.js';
import { benchSettings, type BenchContext } from '../context.js';
import { cpuSeconds, rssMiB } from '../proc.js';
import { bookingBody, DAY, pool, sleep } from '../util.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Process-level knobs taken from the bench's own environment when set, to measure them (e.g. MALLOC_ARENA_MAX=2). */
const PASSED_THROUGH = ['MALLOC_ARENA_MAX'] as const;

/** The knobs as `K=V` words, for the log and the results table. */
export function envWords(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

export function passedThroughEnv(): Record<string, string> {
  return Object.fromEntries(PASSED_THROUGH.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

export interface WorkerMemoryRun {
  /** WORKER_MAX_CACHED_WORKFLOWS (the default when it is the service's default). */
  maxCachedWorkflows: number;
  rssAtReadyMiB: number;
  startSeconds: number;
  missingCreatedEmails: number;
  startErrors: number;
  /** Worker CPU from ready until every created-e-mail arrived, per booking (what the knobs cost in work). */
  cpuMsPerBookingStarted: number;
  /** RSS sampled once a second while every booking sleeps. */
  rssWaitingMiB: Summary;
  cpuPercentWaiting: number;
}

export interface WorkerMemoryResult {
  bookings: number;
  builtNow: boolean;
  /** The process-level knobs passed to the worker (MALLOC_ARENA_MAX from the bench's environment, NODE_OPTIONS from --worker-node-options). */
  workerEnv: Record<string, string>;
  runs: WorkerMemoryRun[];
}

function spawnDistWorker(ctx: BenchContext, taskQueue: string, cache: number, workerEnv: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/worker.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: ctx.dbUrl,
      SMTP_URL: ctx.sink.url,
      MAIL_FROM: 'notificari@bench.test',
      TEMPORAL_ADDRESS: ctx.temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PAYLOAD_KEYS: ctx.payloadKeys,
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      WORKER_MAX_CACHED_WORKFLOWS: String(cache),
      XDG_CONFIG_HOME: '/nonexistent/ebn-bench-config',
      ...workerEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dist worker not ready in 60 s:\n${output.slice(-2000)}`)), 60_000);
    child.stdout.on('data', () => {
      if (output.includes('"worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`dist worker exited:\n${output.slice(-2000)}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(t);
  };
  return { pid: child.pid!, ready, stop };
}

export async function runWorkerMemory(
  ctx: BenchContext,
  opts: { bookings: number; caches: number[]; concurrency: number; drainMs: number; idleSeconds: number; nodeOptions?: string | undefined },
  log: (s: string) => void,
): Promise<WorkerMemoryResult> {
  const builtNow = !existsSync(`${ROOT}dist/worker.js`);
  if (builtNow) {
    log('worker memory: dist/ missing, running npm run build…');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  const runs: WorkerMemoryRun[] = [];
  const workerEnv = { ...passedThroughEnv(), ...(opts.nodeOptions ? { NODE_OPTIONS: opts.nodeOptions } : {}) };
  for (const [k, cache] of opts.caches.entries()) {
    const taskQueue = `bench-memory-${k}`;
    const tenant = await ctx.tenant(`bench-mem-${k}`, benchSettings(24));
    const worker = spawnDistWorker(ctx, taskQueue, cache, workerEnv);
    try {
      await worker.ready;
      await sleep(3000); // past start-up's own allocations (connections, the bundle's first context)
      const rssAtReadyMiB = Math.round(rssMiB(worker.pid));
      log(`worker memory: dist worker, cache ${cache}${envWords(workerEnv).map((w) => `, ${w}`).join('')}: ${rssAtReadyMiB} MiB when ready; starting ${opts.bookings} bookings…`);
      const bookings = new BookingClient({ client: ctx.client, sql: ctx.sql, taskQueue });
      const ids = Array.from({ length: opts.bookings }, (_, i) => `mem${k}-${i}`);
      const base = Date.now();
      const cpuAtReady = cpuSeconds(worker.pid);
      let startErrors = 0;
      const t0 = Date.now();
      await pool(ids, opts.concurrency, async (id) => {
        try {
          await bookings.start(tenant.id, bookingBody(id, { startsAt: base + 21 * DAY, paymentDeadline: base + 20 * DAY }));
        } catch {
          startErrors += 1;
        }
      });
      const startSeconds = (Date.now() - t0) / 1000;
      await ctx.sink.waitFor(() => ids.every((id) => ctx.sink.arrivedAt('booking-created-patient', id) !== undefined), opts.drainMs);
      const missingCreatedEmails = ids.filter((id) => ctx.sink.arrivedAt('booking-created-patient', id) === undefined).length;
      const cpuMsPerBookingStarted = ((cpuSeconds(worker.pid) - cpuAtReady) * 1000) / opts.bookings;
      await sleep(5000);
      const rss: number[] = [];
      const c0 = cpuSeconds(worker.pid);
      const i0 = Date.now();
      for (let s = 0; s < opts.idleSeconds; s++) {
        rss.push(Math.round(rssMiB(worker.pid)));
        await sleep(1000);
      }
      const cpuPercentWaiting = ((cpuSeconds(worker.pid) - c0) / ((Date.now() - i0) / 1000)) * 100;
      const run = { maxCachedWorkflows: cache, rssAtReadyMiB, startSeconds, missingCreatedEmails, startErrors, cpuMsPerBookingStarted, rssWaitingMiB: summarize(rss), cpuPercentWaiting };
      runs.push(run);
      log(`  cache ${cache}: ${opts.bookings} waiting → RSS ${run.rssWaitingMiB.max} MiB (started in ${startSeconds.toFixed(1)} s, worker ${cpuMsPerBookingStarted.toFixed(1)} CPU-ms per booking, missing ${missingCreatedEmails})`);
    } finally {
      await worker.stop();
    }
  }
  return { bookings: opts.bookings, builtNow, workerEnv, runs };
}

/** The cache sizes measured: the service's default, and around it. */
export const DEFAULT_MEMORY_CACHES = [WORKER_DEFAULTS.WORKER_MAX_CACHED_WORKFLOWS];
