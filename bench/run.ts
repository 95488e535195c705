/**
 * `npm run bench [-- --quick] [--cache N] [--activity-concurrency N] [--smtp-pool N]
 *                [--prebundle] [--eager-activities] [--only burst,ceiling,due,scale]
 *                [--scale N] [--due N] [--memory N] [--memory-caches A,B,…]
 *                [--worker-node-options '--max-semi-space-size=1 …']`
 *
 * Throughput, latency, timer accuracy and scale of the booking notifications, against real
 * parts on loopback (see bench/context.ts), and a ceiling workflow on the same server. Prints
 * a table per scenario and writes bench/results/<mode>.json; a full run also writes the chart
 * and the results section of docs/benchmarks.md. Exits 1 only when a scenario breaks (errors,
 * missing or duplicate e-mails, bookings not moved) — never because of a timing.
 *
 * `memory` runs the compiled worker (dist/, built first when missing) with N waiting
 * bookings once per sticky-cache size of --memory-caches (default: the service's default),
 * with NODE_OPTIONS=--worker-node-options for that worker only (V8 flags to measure).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fmt, markdownTable } from './support/stats.js';
import { cdfChartSvg } from './support/svg-chart.js';
import { startContext, teardown, type BenchContext } from './context.js';
import { runBurst, type BurstResult } from './scenarios/burst.js';
import { runCeiling, type CeilingResult } from './scenarios/ceiling.js';
import { runDueTogether, type DueTogetherResult } from './scenarios/due-together.js';
import { runScale, type ScaleResult } from './scenarios/scale.js';
import { DEFAULT_MEMORY_CACHES, envWords, runWorkerMemory, type WorkerMemoryResult } from './scenarios/worker-memory.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cache: { type: 'string' },
    'activity-concurrency': { type: 'string' },
    'smtp-pool': { type: 'string' },
    only: { type: 'string' },
    prebundle: { type: 'boolean', default: false },
    'eager-activities': { type: 'boolean', default: false },
    scale: { type: 'string' },
    due: { type: 'string' },
    memory: { type: 'string' },
    'memory-caches': { type: 'string' },
    'worker-node-options': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (args.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}
const int = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};

const mode = args.quick ? 'quick' : 'full';
const size = args.quick
  ? { rates: [5, 20, 50], seconds: 3, maxBookings: 150, ceiling: 300, due: 150, scale: 500, memory: 200, concurrency: 32 }
  : { rates: [5, 20, 50], seconds: 20, maxBookings: 1000, ceiling: 2000, due: 1000, scale: 10_000, memory: 10_000, concurrency: 32 };
size.scale = int(args.scale, 'scale') ?? size.scale;
size.due = int(args.due, 'due') ?? size.due;
size.memory = int(args.memory, 'memory') ?? size.memory;
const memoryCaches = args['memory-caches'] !== undefined ? args['memory-caches'].split(',').map((c) => int(c, 'memory-caches')!) : DEFAULT_MEMORY_CACHES;
const only = new Set((args.only ?? 'burst,ceiling,due,scale,memory').split(','));
const knobs = {
  maxCachedWorkflows: int(args.cache, 'cache'),
  activityConcurrency: int(args['activity-concurrency'], 'activity-concurrency'),
  smtpPool: int(args['smtp-pool'], 'smtp-pool'),
  prebundle: args.prebundle,
  eagerActivities: args['eager-activities'],
};

const started = Date.now();
const log = (s: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);

function machine() {
  const cpus = os.cpus();
  let temporalVersion = '';
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: tryRun('psql', ['--version']),
    temporalVersion,
  };
}
function tryRun(cmd: string, a: string[]): string {
  try {
    return execFileSync(cmd, a, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

interface Results {
  mode: string;
  startedAt: string;
  durationSeconds: number;
  machine: ReturnType<typeof machine> & { loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  knobs: Record<string, unknown>;
  rateLimit: string;
  burst?: BurstResult;
  ceiling?: CeilingResult;
  ratioToCeiling?: number;
  dueTogether?: DueTogetherResult;
  scale?: ScaleResult;
  workerMemory?: WorkerMemoryResult;
  goals: Array<{ goal: string; measured: string; met: boolean | null }>;
  broken: string[];
}

function goals(r: Results): Results['goals'] {
  const out: Results['goals'] = [];
  const at20 = r.burst?.steps.find((s) => s.offeredPerSecond === 20);
  out.push({
    goal: 'staff e-mail p99 < 1 s at 20 bookings/s',
    measured: at20 ? `${fmt(at20.staffEmailMs.p99)} ms` : 'not run',
    met: at20 ? at20.staffEmailMs.p99 < 1000 : null,
  });
  const d = r.dueTogether;
  out.push({
    goal: 'due-together lateness p99 < 2 s for 1 000 reminders',
    measured: d ? `${fmt(d.latenessMs.p99)} ms (${d.bookings} bookings, ${d.latenessMs.count} reminder e-mails)` : 'not run',
    met: d ? d.latenessMs.p99 < 2000 && d.bookings >= 1000 ? true : d.latenessMs.p99 >= 2000 ? false : null : null,
  });
  out.push({
    goal: 'throughput ≥ 70 % of the ceiling',
    measured: r.ratioToCeiling !== undefined ? `${fmt(r.ratioToCeiling * 100, 1)} %` : 'not run',
    met: r.ratioToCeiling !== undefined ? r.ratioToCeiling >= 0.7 : null,
  });
  const s = r.scale;
  out.push({
    goal: 'worker RSS < 300 MB with 10 000 waiting bookings',
    measured: s ? `${fmt(s.idle.rssMiB.max)} MiB idle, ${s.rssAfterSaveMiB} MiB after the save (${s.bookings} bookings)` : 'not run',
    met: s ? (Math.max(s.idle.rssMiB.max, s.rssAfterSaveMiB) * 1.048576 < 300 ? (s.bookings >= 10_000 ? true : null) : false) : null,
  });
  const m = r.workerMemory;
  for (const run of m?.runs ?? []) {
    const mb = run.rssWaitingMiB.max * 1.048576;
    out.push({
      goal: `compiled worker (dist/, cache ${run.maxCachedWorkflows}) RSS < 300 MB with 10 000 waiting bookings`,
      measured: `${fmt(run.rssWaitingMiB.max)} MiB with ${m!.bookings} waiting (${run.rssAtReadyMiB} MiB when ready)`,
      met: mb < 300 ? (m!.bookings >= 10_000 ? true : null) : false,
    });
  }
  return out;
}

function broken(r: Results): string[] {
  const out: string[] = [];
  for (const s of r.burst?.steps ?? []) {
    if (s.errors > 0) out.push(`burst ${s.label}: ${s.errors} API errors (${s.errorSamples.join('; ')})`);
    if (s.missingStaffEmails > 0) out.push(`burst ${s.label}: ${s.missingStaffEmails} staff e-mails never arrived`);
  }
  if (r.ceiling && (r.ceiling.errors > 0 || r.ceiling.missing > 0)) out.push(`ceiling: ${r.ceiling.errors} start errors, ${r.ceiling.missing} activities missing`);
  const d = r.dueTogether;
  if (d && (d.errors > 0 || d.missingReminders > 0)) out.push(`due together: ${d.errors} API errors, ${d.missingReminders} reminders missing`);
  if (d && d.early > 0) out.push(`due together: ${d.early} reminders arrived before their due moment`);
  const s = r.scale;
  if (s && (s.startErrors > 0 || s.missingCreatedEmails > 0)) out.push(`scale: ${s.startErrors} start errors, ${s.missingCreatedEmails} created-e-mails missing`);
  if (s && s.save.status !== 200) out.push(`scale: the settings save answered ${s.save.status}`);
  if (s && s.save.moved < s.save.checked) out.push(`scale: ${s.save.checked - s.save.moved} bookings never showed the moved reminder`);
  for (const run of r.workerMemory?.runs ?? []) {
    if (run.startErrors > 0 || run.missingCreatedEmails > 0) out.push(`worker memory (cache ${run.maxCachedWorkflows}): ${run.startErrors} start errors, ${run.missingCreatedEmails} created-e-mails missing`);
  }
  return out;
}

const ms = (x: number) => fmt(x);
const cpuText = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');

function tables(r: Results): string {
  const parts: string[] = [];
  parts.push(
    `Worker knobs: maxCachedWorkflows ${r.knobs.maxCachedWorkflows}, maxConcurrentActivityTaskExecutions ${r.knobs.maxConcurrentActivityTaskExecutions}, SMTP pool maxConnections ${r.knobs.smtpMaxConnections}; workflow code ${r.knobs.workflowCode}; server eager activity execution ${r.knobs.eagerActivityExecution ? 'on' : 'off (dev-server default)'}. Worker RSS when ready, before any task: ${r.knobs.workerRssAtReadyMiB} MiB. The ${r.rateLimit}.`,
  );
  if (r.burst) {
    parts.push('### 1. Burst (bookings over HTTP)\n');
    parts.push(
      markdownTable(
        ['rate', 'bookings', 'API p50 / p99 ms', 'staff e-mail p50 / p99 / max ms', 'sustained bookings/s', 'errors', 'missing e-mails', 'CPU s (wall s)'],
        r.burst.steps.map((s) => [
          s.label,
          String(s.bookings),
          `${ms(s.apiMs.p50)} / ${ms(s.apiMs.p99)}`,
          `${ms(s.staffEmailMs.p50)} / ${ms(s.staffEmailMs.p99)} / ${ms(s.staffEmailMs.max)}`,
          fmt(s.sustainedPerSecond, 1),
          String(s.errors),
          String(s.missingStaffEmails),
          `${cpuText(s.cpuSeconds)} (${fmt(s.wallSeconds, 1)})`,
        ]),
      ),
    );
  }
  if (r.ceiling) {
    const c = r.ceiling;
    const max = r.burst?.steps.find((s) => s.offeredPerSecond === null);
    parts.push('\n### 4. Ceiling (one no-op activity per workflow, same server)\n');
    parts.push(
      markdownTable(
        ['workflows', 'clients', 'workflows/s', 'start→activity p50 / p99 ms', 'booking max bookings/s', 'ratio', 'CPU s (wall s)'],
        [[
          String(c.workflows),
          String(c.concurrency),
          fmt(c.perSecond, 1),
          `${ms(c.startToActivityMs.p50)} / ${ms(c.startToActivityMs.p99)}`,
          max ? fmt(max.sustainedPerSecond, 1) : '–',
          r.ratioToCeiling !== undefined ? `${fmt(r.ratioToCeiling * 100, 1)} %` : '–',
          `${cpuText(c.cpuSeconds)} (${fmt(c.wallSeconds, 1)})`,
        ]],
      ),
    );
  }
  if (r.dueTogether) {
    const d = r.dueTogether;
    parts.push('\n### 2. Due together (payment reminders due in the same second)\n');
    parts.push(
      markdownTable(
        ['bookings', 'reminder e-mails', 'lateness p50 / p99 / max ms', 'staff p99 ms', 'patient p99 ms', 'created in s', 'quiet s before due', 'missing', 'CPU s from due'],
        [[
          String(d.bookings),
          String(d.latenessMs.count),
          `${ms(d.latenessMs.p50)} / ${ms(d.latenessMs.p99)} / ${ms(d.latenessMs.max)}`,
          ms(d.staffLatenessMs.p99),
          ms(d.patientLatenessMs.p99),
          fmt(d.creationSeconds, 1),
          fmt(d.quietSecondsBeforeDue, 1),
          String(d.missingReminders),
          cpuText(d.cpuSeconds),
        ]],
      ),
    );
  }
  if (r.scale) {
    const s = r.scale;
    parts.push('\n### 3. Scale (bookings waiting on timers)\n');
    parts.push(
      markdownTable(
        ['measure', 'value'],
        [
          ['bookings started (BookingClient, parallel)', `${s.bookings} in ${fmt(s.startSeconds, 1)} s (${fmt(s.startsPerSecond, 1)}/s); all created-e-mails after ${fmt(s.createdEmailsSeconds, 1)} s`],
          ['running workflows on the server (all scenarios)', String(s.runningWorkflows)],
          [`worker RSS while idle (${fmt(s.idle.seconds, 0)} s)`, `${fmt(s.idle.rssMiB.min)}–${fmt(s.idle.rssMiB.max)} MiB`],
          ['worker memory while idle (process.memoryUsage, MiB)', Object.entries(s.idle.memoryMiB ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')],
          ['worker CPU while idle', `${fmt(s.idle.cpuPercent, 1)} % of one core`],
          ['Temporal SQLite (db + WAL + shm)', `${fmt(s.temporalDiskMiB, 1)} MiB`],
          ['PostgreSQL database', `${fmt(s.postgresDiskMiB, 1)} MiB`],
          ['settings save (hoursBefore 24 → 48), API answer', `${s.save.status} in ${ms(s.save.apiMs)} ms`],
          [
            'until its propagation told every booking',
            `${s.save.propagation.finishedSeconds !== null ? `${fmt(s.save.propagation.finishedSeconds, 1)} s` : 'not reached'} (${s.save.propagation.status}, ${s.save.propagation.done} / ${s.save.propagation.found})`,
          ],
          [
            'until every booking shows the moved reminder',
            `${s.save.allMovedSeconds !== null ? `${fmt(s.save.allMovedSeconds, 1)} s` : 'not reached'} (all ${s.save.checked} queried, ${s.save.queryConcurrency} at a time, ${s.save.passes} pass(es); ${s.save.moved} moved)`,
          ],
          ['worker RSS after the save / CPU s during it', `${s.rssAfterSaveMiB} MiB / ${fmt(s.workerCpuSecondsDuringSave, 1)} s`],
        ],
      ),
    );
  }
  if (r.workerMemory) {
    const m = r.workerMemory;
    parts.push(`\n### 5. Worker memory (compiled worker, dist/; ${m.bookings} waiting bookings per cache size)\n`);
    parts.push(
      markdownTable(
        ['WORKER_MAX_CACHED_WORKFLOWS', 'worker process env', 'RSS when ready MiB', `RSS with ${m.bookings} waiting MiB (min–max)`, 'worker CPU-ms per booking started', 'CPU while waiting', 'started in s'],
        m.runs.map((run) => [
          String(run.maxCachedWorkflows),
          envWords(m.workerEnv).join(' ') || '—',
          String(run.rssAtReadyMiB),
          `${fmt(run.rssWaitingMiB.min)}–${fmt(run.rssWaitingMiB.max)}`,
          fmt(run.cpuMsPerBookingStarted, 1),
          `${fmt(run.cpuPercentWaiting, 1)} %`,
          fmt(run.startSeconds, 1),
        ]),
      ),
    );
  }
  parts.push('\n### Goals\n');
  parts.push(
    markdownTable(
      ['goal', 'measured', 'met'],
      r.goals.map((g) => [g.goal, g.measured, g.met === null ? 'n/a (size below the goal\'s)' : g.met ? 'yes' : '**no**']),
    ),
  );
  return parts.join('\n');
}

function chart(r: Results): string {
  const series = [
    ...(r.burst?.steps ?? []).map((s) => ({ label: `staff e-mail, burst ${s.label}`, values: s.staffEmailLatencies })),
    ...(r.dueTogether ? [{ label: `reminder lateness, ${r.dueTogether.bookings} due together`, values: r.dueTogether.latencies }] : []),
  ];
  return cdfChartSvg(`Latency distributions (${r.mode} run, ${r.startedAt.slice(0, 16)}Z)`, series);
}

async function main(): Promise<number> {
  const loadStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  log(`mode ${mode}; load average ${loadStart.join(' ')} on ${os.cpus().length} cores`);
  const results: Results = {
    mode,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine: { ...machine(), loadAverageAtStart: loadStart, loadAverageAtEnd: [] },
    knobs: {},
    rateLimit: 'per-token rate limit off (createApp rateLimit: false)',
    goals: [],
    broken: [],
  };
  let ctx: BenchContext | undefined;
  let failure: unknown;
  try {
    ctx = await startContext(knobs, log);
    results.machine.temporalVersion = ctx.temporal.version;
    results.knobs = { ...ctx.worker.knobs, eagerActivityExecution: knobs.eagerActivities === true, workerRssAtReadyMiB: ctx.worker.rssAtReadyMiB };
    log(`worker knobs: ${JSON.stringify(ctx.worker.knobs)}`);
    if (only.has('burst')) {
      results.burst = await runBurst(ctx, { rates: size.rates, seconds: size.seconds, maxBookings: size.maxBookings, maxConcurrency: size.concurrency, drainMs: 180_000 }, log);
    }
    if (only.has('ceiling')) {
      results.ceiling = await runCeiling(ctx, { workflows: size.ceiling, concurrency: size.concurrency, drainMs: 180_000 }, log);
      const max = results.burst?.steps.find((s) => s.offeredPerSecond === null);
      if (max) results.ratioToCeiling = max.sustainedPerSecond / results.ceiling.perSecond;
    }
    if (only.has('due')) {
      const max = results.burst?.steps.find((s) => s.offeredPerSecond === null);
      results.dueTogether = await runDueTogether(
        ctx,
        { bookings: size.due, concurrency: size.concurrency, expectedCreatePerSecond: max?.sustainedPerSecond ?? 20, drainMs: 180_000, marginMs: args.quick ? 8000 : 15_000 },
        log,
      );
    }
    if (only.has('scale')) {
      results.scale = await runScale(ctx, { bookings: size.scale, concurrency: 64, queryConcurrency: 32, drainMs: args.quick ? 120_000 : 900_000, idleSeconds: args.quick ? 5 : 10 }, log);
    }
    if (only.has('memory')) {
      results.workerMemory = await runWorkerMemory(
        ctx,
        { bookings: size.memory, caches: memoryCaches, concurrency: 64, drainMs: args.quick ? 120_000 : 900_000, idleSeconds: args.quick ? 5 : 10, nodeOptions: args['worker-node-options'] },
        log,
      );
    }
  } catch (err) {
    failure = err;
    log(`a scenario failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    log('tearing down…');
    await teardown(log);
  }
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.goals = goals(results);
  results.broken = broken(results);
  if (failure) results.broken.push(`run failed: ${(failure as Error).message}`);

  const text = tables(results);
  console.log(`\n${text}\n`);
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const svg = chart(results);
  // A run of some scenarios (--only) keeps its results apart: the committed full results and
  // docs/benchmarks.md come from runs of every scenario.
  const name = args.only !== undefined ? `${mode}-only-${args.only.replace(/,/g, '-')}` : mode;
  writeFileSync(new URL(`${name}.json`, resultsDir), JSON.stringify(results, (_k, v) => (Array.isArray(v) && v.length > 50 && typeof v[0] === 'number' ? undefined : v), 2) + '\n');
  writeFileSync(new URL(`${name}-latency.svg`, resultsDir), svg);
  if (mode === 'full' && args.only === undefined) {
    const docsDir = new URL('../docs/', import.meta.url);
    writeFileSync(new URL('benchmarks-latency.svg', docsDir), svg);
    const doc = new URL('benchmarks.md', docsDir);
    const m = results.machine;
    const generated = [
      '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->',
      `Run of ${results.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${results.durationSeconds} s. Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.temporalVersion}; ${m.postgres}. Load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}.`,
      '',
      text,
      '',
      '![Latency distributions](benchmarks-latency.svg)',
      '<!-- bench:results:end -->',
    ].join('\n');
    let current = '';
    try {
      current = readFileSync(doc, 'utf8');
    } catch {
      current = '# Benchmarks\n\n<!-- bench:results:start --><!-- bench:results:end -->\n';
    }
    const re = /<!-- bench:results:start[\s\S]*?<!-- bench:results:end -->/;
    writeFileSync(doc, re.test(current) ? current.replace(re, generated) : `${current}\n${generated}\n`);
    log('docs/benchmarks.md and docs/benchmarks-latency.svg updated');
  }
  log(`results in bench/results/${name}.json, chart in bench/results/${name}-latency.svg; ${results.durationSeconds} s in all`);
  if (results.broken.length > 0) {
    console.error(`BROKEN:\n- ${results.broken.join('\n- ')}`);
    return 1;
  }
  log('every scenario completed (timings are reported, never judged)');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
