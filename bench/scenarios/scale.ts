/**
 * Scale: N bookings waiting on timers (started through the BookingClient in parallel, their
 * created-e-mails all sent). Then: the worker's RSS and CPU while idle, the disk used by
 * Temporal's SQLite files and by the PostgreSQL database, and one settings save through the
 * API that changes hoursBefore: the API's answer time (it answers once committed), the time
 * until its propagation workflow reports every booking told (GET …/propagation), and the time
 * until the state query of every running booking (all of them, queried with bounded
 * concurrency, in passes, once the propagation finished) shows the moved reminder.
 */
import { summarize, type Summary } from '../support/stats.js';
import type { BookingState } from '../../src/domain/booking-state.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { stateQuery } from '../../src/workflows/messages.js';
import { benchSettings, type BenchContext } from '../context.js';
import { cpuSeconds, diskBytes, rssMiB } from '../proc.js';
import { bookingBody, DAY, HOUR, pool, sleep } from '../util.js';

export interface ScaleResult {
  bookings: number;
  startSeconds: number;
  startsPerSecond: number;
  createdEmailsSeconds: number;
  startErrors: number;
  missingCreatedEmails: number;
  idle: { seconds: number; rssMiB: Summary; cpuPercent: number; memoryMiB: Record<string, number> };
  /** Running workflows of the whole run (other scenarios' bookings wait too). */
  runningWorkflows: number;
  temporalDiskMiB: number;
  postgresDiskMiB: number;
  save: {
    status: number;
    apiMs: number;
    /** The propagation's own account: bookings found and told, and when it finished (s after the PUT). */
    propagation: { found: number; done: number; status: string; finishedSeconds: number | null };
    allMovedSeconds: number | null;
    checked: number;
    moved: number;
    passes: number;
    queryConcurrency: number;
  };
  rssAfterSaveMiB: number;
  workerCpuSecondsDuringSave: number;
}

export async function runScale(
  ctx: BenchContext,
  opts: { bookings: number; concurrency: number; queryConcurrency: number; drainMs: number; idleSeconds: number },
  log: (s: string) => void,
): Promise<ScaleResult> {
  const tenant = await ctx.tenant('bench-scale', benchSettings(24));
  const ids = Array.from({ length: opts.bookings }, (_, i) => `scale-${i}`);
  const base = Date.now();
  const deadline = base + 20 * DAY;
  log(`scale: starting ${opts.bookings} bookings through the BookingClient (${opts.concurrency} at a time)…`);
  let startErrors = 0;
  const t0 = Date.now();
  let lastLog = t0;
  let started = 0;
  await pool(ids, opts.concurrency, async (id) => {
    try {
      await ctx.bookings.start(tenant.id, bookingBody(id, { startsAt: base + 21 * DAY, paymentDeadline: deadline }));
    } catch {
      startErrors += 1;
    }
    started += 1;
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  ${started} started, ${ctx.sink.count('booking-created-staff')} staff e-mails so far`);
    }
  });
  const startSeconds = (Date.now() - t0) / 1000;
  log(`  started in ${startSeconds.toFixed(1)} s; waiting for their created-e-mails…`);
  await ctx.sink.waitFor(
    () => ids.every((id) => ctx.sink.arrivedAt('booking-created-staff', id) !== undefined && ctx.sink.arrivedAt('booking-created-patient', id) !== undefined),
    opts.drainMs,
  );
  const createdEmailsSeconds = (Date.now() - t0) / 1000;
  const missingCreatedEmails = ids.filter((id) => ctx.sink.arrivedAt('booking-created-staff', id) === undefined).length;
  log(`  created-e-mails done after ${createdEmailsSeconds.toFixed(1)} s (missing ${missingCreatedEmails}); idle measurement…`);

  await sleep(5000);
  const rss: number[] = [];
  const c0 = cpuSeconds(ctx.worker.pid);
  const i0 = Date.now();
  for (let s = 0; s < opts.idleSeconds; s++) {
    rss.push(Math.round(rssMiB(ctx.worker.pid)));
    await sleep(1000);
  }
  const idleWall = (Date.now() - i0) / 1000;
  const idleCpu = ((cpuSeconds(ctx.worker.pid) - c0) / idleWall) * 100;
  const memoryMiB = await ctx.worker.memory();
  const { count: running } = await ctx.client.workflow.count('ExecutionStatus = "Running"');
  const temporalDiskMiB = diskBytes(ctx.temporal.dbFile) / 1024 / 1024;
  const [pg] = await ctx.sql<{ size: string }[]>`SELECT pg_database_size(current_database())::text AS size`;
  const postgresDiskMiB = Number(pg!.size) / 1024 / 1024;

  log('  one settings save (hoursBefore 24 → 48) through the API…');
  const expected = new Date(deadline - 48 * HOUR).toISOString();
  const wc0 = cpuSeconds(ctx.worker.pid);
  const s0 = Date.now();
  const save = await ctx.http<{ propagation: { version: number } | null }>(
    'PUT',
    `/api/v1/institutions/${tenant.id}/notification-settings`,
    tenant.admin,
    benchSettings(48),
  );
  const apiMs = Date.now() - s0;
  log(`  save answered ${save.status} in ${apiMs} ms (propagation of version ${save.body?.propagation?.version}); following it…`);
  const propagation = { found: 0, done: 0, status: 'none', finishedSeconds: null as number | null };
  for (let lastShown = 0; Date.now() - s0 < opts.drainMs; ) {
    const p = await ctx.http<{ found: number; done: number; status: string; finishedAt: string | null }>(
      'GET',
      `/api/v1/institutions/${tenant.id}/notification-settings/propagation`,
      tenant.admin,
    );
    if (p.status !== 200 || !p.body) break;
    Object.assign(propagation, { found: p.body.found, done: p.body.done, status: p.body.status });
    if (p.body.finishedAt !== null) {
      propagation.finishedSeconds = (Date.now() - s0) / 1000;
      break;
    }
    if (Date.now() - lastShown > 10_000) {
      lastShown = Date.now();
      log(`  propagation ${p.body.done} / ${p.body.found}`);
    }
    await sleep(250);
  }
  log(`  propagation ${propagation.status} after ${propagation.finishedSeconds?.toFixed(1) ?? 'never'} s (${propagation.done} / ${propagation.found}); checking every booking's state…`);
  let pending = [...ids];
  let passes = 0;
  const checkUntil = Date.now() + opts.drainMs;
  while (pending.length > 0 && Date.now() < checkUntil && passes < 50) {
    passes += 1;
    const still: string[] = [];
    await pool(pending, opts.queryConcurrency, async (id) => {
      try {
        const state: BookingState = await ctx.client.workflow.getHandle(bookingWorkflowId(tenant.id, id)).query(stateQuery);
        const reminder = state.notifications.find((n) => n.kind === 'payment-reminder-staff' && n.status === 'pending');
        if (reminder?.dueAt !== expected) still.push(id);
      } catch {
        still.push(id);
      }
    });
    pending = still;
    if (pending.length > 0) await sleep(500);
  }
  const allMovedSeconds = pending.length === 0 ? (Date.now() - s0) / 1000 : null;
  const result: ScaleResult = {
    bookings: opts.bookings,
    startSeconds,
    startsPerSecond: opts.bookings / startSeconds,
    createdEmailsSeconds,
    startErrors,
    missingCreatedEmails,
    idle: { seconds: idleWall, rssMiB: summarize(rss), cpuPercent: idleCpu, memoryMiB },
    runningWorkflows: running,
    temporalDiskMiB,
    postgresDiskMiB,
    save: {
      status: save.status,
      apiMs,
      propagation,
      allMovedSeconds,
      checked: ids.length,
      moved: ids.length - pending.length,
      passes,
      queryConcurrency: opts.queryConcurrency,
    },
    rssAfterSaveMiB: Math.round(rssMiB(ctx.worker.pid)),
    workerCpuSecondsDuringSave: Math.round((cpuSeconds(ctx.worker.pid) - wc0) * 100) / 100,
  };
  log(
    `  idle RSS ${result.idle.rssMiB.max} MiB, CPU ${idleCpu.toFixed(1)} %; Temporal ${temporalDiskMiB.toFixed(1)} MiB, PostgreSQL ${postgresDiskMiB.toFixed(1)} MiB; ` +
      `every booking moved after ${allMovedSeconds?.toFixed(1) ?? 'never'} s (${result.save.moved}/${ids.length})`,
  );
  return result;
}
