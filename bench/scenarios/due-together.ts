/**
 * Due together: M bookings whose payment reminders fall due in the same second. They are
 * created over HTTP first, as fast as the API allows, with deadline = due + hoursBefore; then
 * the benchmark waits. Lateness of each reminder e-mail = its arrival at the SMTP sink minus
 * the due moment (patient and staff reminders both counted).
 */
import { summarize, type Summary } from '../support/stats.js';
import { benchSettings, type BenchContext } from '../context.js';
import { cpuProbe, pidsByComm } from '../proc.js';
import { bookingBody, DAY, HOUR, pool, sleep } from '../util.js';

export interface DueTogetherResult {
  bookings: number;
  hoursBefore: number;
  dueAt: string;
  creationSeconds: number;
  /** Seconds between the last created booking's e-mails and the due moment (negative: overlap). */
  quietSecondsBeforeDue: number;
  latenessMs: Summary;
  staffLatenessMs: Summary;
  patientLatenessMs: Summary;
  /** From the due moment to the last reminder. */
  drainSeconds: number;
  errors: number;
  errorSamples: string[];
  missingReminders: number;
  early: number;
  cpuSeconds: Record<string, number>;
  latencies: number[];
}

export async function runDueTogether(
  ctx: BenchContext,
  opts: { bookings: number; concurrency: number; expectedCreatePerSecond: number; drainMs: number; marginMs: number },
  log: (s: string) => void,
): Promise<DueTogetherResult> {
  const hoursBefore = 24;
  const tenant = await ctx.tenant('bench-due', benchSettings(hoursBefore));
  // Room for creating them all and for their created-e-mails to go, at the rate seen in the burst.
  const leadMs = Math.ceil((opts.bookings / Math.max(1, opts.expectedCreatePerSecond)) * 2000) + opts.marginMs;
  const dueAt = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  log(`due together: ${opts.bookings} reminders due at ${new Date(dueAt).toISOString()} (in ${Math.round(leadMs / 1000)} s)…`);
  const ids = Array.from({ length: opts.bookings }, (_, i) => `due-${i}`);
  const errors: string[] = [];
  const t0 = Date.now();
  await pool(ids, opts.concurrency, async (id) => {
    const body = bookingBody(id, { startsAt: dueAt + 2 * DAY, paymentDeadline: dueAt + hoursBefore * HOUR });
    try {
      const res = await ctx.http('POST', `/api/v1/institutions/${tenant.id}/bookings`, tenant.booking, body);
      if (res.status !== 201) errors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    } catch (err) {
      errors.push((err as Error).message);
    }
  });
  const creationSeconds = (Date.now() - t0) / 1000;
  await ctx.sink.waitFor(
    () => ids.every((id) => ctx.sink.arrivedAt('booking-created-patient', id) !== undefined && ctx.sink.arrivedAt('booking-created-staff', id) !== undefined),
    Math.max(1000, dueAt - Date.now()),
  );
  const quietSecondsBeforeDue = (dueAt - Date.now()) / 1000;
  log(`  created in ${creationSeconds.toFixed(1)} s; created-e-mails done ${quietSecondsBeforeDue.toFixed(1)} s before the due moment`);
  await sleep(dueAt - Date.now() - 1000);
  const probe = cpuProbe({
    temporal: () => [ctx.temporal.pid],
    worker: () => [ctx.worker.pid],
    'bench (SMTP sink)': () => [process.pid],
    postgres: () => pidsByComm('postgres'),
  });
  const kinds = ['payment-reminder-staff', 'payment-reminder-patient'] as const;
  await ctx.sink.waitFor(() => ids.every((id) => kinds.every((k) => ctx.sink.arrivedAt(k, id) !== undefined)), dueAt + opts.drainMs - Date.now());
  const cpu = probe.stop();
  const by: Record<string, number[]> = { 'payment-reminder-staff': [], 'payment-reminder-patient': [] };
  for (const id of ids) for (const k of kinds) {
    const at = ctx.sink.arrivedAt(k, id);
    if (at !== undefined) by[k]!.push(at - dueAt);
  }
  const all = [...by['payment-reminder-staff']!, ...by['payment-reminder-patient']!];
  const result: DueTogetherResult = {
    bookings: opts.bookings,
    hoursBefore,
    dueAt: new Date(dueAt).toISOString(),
    creationSeconds,
    quietSecondsBeforeDue,
    latenessMs: summarize(all),
    staffLatenessMs: summarize(by['payment-reminder-staff']!),
    patientLatenessMs: summarize(by['payment-reminder-patient']!),
    drainSeconds: all.length ? Math.max(...all) / 1000 : Number.NaN,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
    missingReminders: 2 * opts.bookings - all.length,
    early: all.filter((l) => l < 0).length,
    cpuSeconds: cpu.cpuSeconds,
    latencies: all,
  };
  log(`  lateness p50 ${result.latenessMs.p50} ms p99 ${result.latenessMs.p99} ms max ${result.latenessMs.max} ms; missing ${result.missingReminders}; early ${result.early}`);
  return result;
}
