/**
 * Burst: bookings created over HTTP at fixed rates (open loop: request i leaves at i/rate
 * whatever the answers), then as fast as a fixed number of concurrent clients allow ("max").
 * Per step: API latency, booking-to-staff-e-mail latency (request sent → staff e-mail at the
 * SMTP sink), sustained bookings per second (staff e-mails over the step's span), errors.
 */
import { summarize, type Summary } from '../support/stats.js';
import { benchSettings, type BenchContext } from '../context.js';
import { cpuProbe, pidsByComm } from '../proc.js';
import { bookingBody, DAY, pool, sleep } from '../util.js';

export interface BurstStep {
  label: string;
  offeredPerSecond: number | null;
  concurrency: number | null;
  bookings: number;
  apiMs: Summary;
  staffEmailMs: Summary;
  sustainedPerSecond: number;
  createdPerSecond: number;
  errors: number;
  errorSamples: string[];
  missingStaffEmails: number;
  cpuSeconds: Record<string, number>;
  wallSeconds: number;
  /** Raw staff-e-mail latencies (ms), for the chart. */
  staffEmailLatencies: number[];
}

export interface BurstResult {
  steps: BurstStep[];
}

export async function runBurst(
  ctx: BenchContext,
  opts: { rates: number[]; seconds: number; maxBookings: number; maxConcurrency: number; drainMs: number },
  log: (s: string) => void,
): Promise<BurstResult> {
  const tenant = await ctx.tenant('bench-burst', benchSettings());
  const steps: BurstStep[] = [];
  const plan: Array<{ label: string; rate: number | null; n: number }> = [
    ...opts.rates.map((r) => ({ label: `${r}/s`, rate: r, n: Math.round(r * opts.seconds) })),
    { label: `max (${opts.maxConcurrency} clients)`, rate: null, n: opts.maxBookings },
  ];
  for (const [stepIndex, step] of plan.entries()) {
    log(`burst ${step.label}: ${step.n} bookings…`);
    const ids = Array.from({ length: step.n }, (_, i) => `burst-${stepIndex}-${i}`);
    const sent = new Map<string, number>();
    const apiMs: number[] = [];
    const errors: string[] = [];
    const probe = cpuProbe({
      temporal: () => [ctx.temporal.pid],
      worker: () => [ctx.worker.pid],
      'bench (API, load, SMTP sink)': () => [process.pid],
      postgres: () => pidsByComm('postgres'),
    });
    const t0 = Date.now();
    const startsAt = t0 + 30 * DAY;
    const one = async (id: string) => {
      const s = Date.now();
      sent.set(id, s);
      try {
        const res = await ctx.http('POST', `/api/v1/institutions/${tenant.id}/bookings`, tenant.booking, bookingBody(id, { startsAt }));
        apiMs.push(Date.now() - s);
        if (res.status !== 201) errors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } catch (err) {
        errors.push((err as Error).message);
      }
    };
    if (step.rate !== null) {
      const inflight = new Set<Promise<void>>();
      for (let i = 0; i < ids.length; i++) {
        await sleep(t0 + (i * 1000) / step.rate - Date.now());
        const p = one(ids[i]!).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await Promise.all(inflight);
    } else {
      await pool(ids, opts.maxConcurrency, (id) => one(id));
    }
    const createdDone = Date.now();
    await ctx.sink.waitFor(() => ids.every((id) => ctx.sink.arrivedAt('booking-created-staff', id) !== undefined), opts.drainMs);
    const cpu = probe.stop();
    const latencies: number[] = [];
    const arrivals: number[] = [];
    for (const id of ids) {
      const at = ctx.sink.arrivedAt('booking-created-staff', id);
      if (at !== undefined) {
        latencies.push(at - sent.get(id)!);
        arrivals.push(at);
      }
    }
    const lastArrival = arrivals.length ? Math.max(...arrivals) : t0;
    const result: BurstStep = {
      label: step.label,
      offeredPerSecond: step.rate,
      concurrency: step.rate === null ? opts.maxConcurrency : null,
      bookings: step.n,
      apiMs: summarize(apiMs),
      staffEmailMs: summarize(latencies),
      sustainedPerSecond: arrivals.length / Math.max(0.001, (lastArrival - t0) / 1000),
      createdPerSecond: step.n / Math.max(0.001, (createdDone - t0) / 1000),
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
      missingStaffEmails: step.n - arrivals.length,
      cpuSeconds: cpu.cpuSeconds,
      wallSeconds: cpu.wallSeconds,
      staffEmailLatencies: latencies,
    };
    steps.push(result);
    log(
      `  api p50 ${result.apiMs.p50} ms p99 ${result.apiMs.p99} ms; staff e-mail p50 ${result.staffEmailMs.p50} ms p99 ${result.staffEmailMs.p99} ms; ` +
        `${result.sustainedPerSecond.toFixed(1)} bookings/s; errors ${result.errors}; missing ${result.missingStaffEmails}`,
    );
    // Let the patient e-mails and the workflows' first timers settle before the next step.
    await ctx.sink.waitFor(() => ids.every((id) => ctx.sink.arrivedAt('booking-created-patient', id) !== undefined), 30_000);
    await sleep(1000);
  }
  return { steps };
}
