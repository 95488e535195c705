/**
 * Ceiling: on the same server in the same run, the least a workflow can do (start, one no-op
 * activity, complete), started as fast as the same number of concurrent clients allow. Its
 * rate (no-op activities per second) is what the booking throughput is compared with.
 */
import { summarize, type Summary } from '../support/stats.js';
import { CEILING_QUEUE, type BenchContext } from '../context.js';
import { cpuProbe, pidsByComm } from '../proc.js';
import { pool } from '../util.js';

export interface CeilingResult {
  workflows: number;
  concurrency: number;
  perSecond: number;
  startToActivityMs: Summary;
  missing: number;
  errors: number;
  cpuSeconds: Record<string, number>;
  wallSeconds: number;
}

export async function runCeiling(
  ctx: BenchContext,
  opts: { workflows: number; concurrency: number; drainMs: number },
  log: (s: string) => void,
): Promise<CeilingResult> {
  log(`ceiling: ${opts.workflows} minimal workflows…`);
  const ids = Array.from({ length: opts.workflows }, (_, i) => `ceiling-${i}`);
  const sent = new Map<string, number>();
  let errors = 0;
  const probe = cpuProbe({
    temporal: () => [ctx.temporal.pid],
    'ceiling worker': () => [ctx.ceiling.pid],
    'bench (client)': () => [process.pid],
    postgres: () => pidsByComm('postgres'),
  });
  const t0 = Date.now();
  await pool(ids, opts.concurrency, async (id) => {
    sent.set(id, Date.now());
    try {
      await ctx.client.workflow.start('ceilingWorkflow', { workflowId: id, taskQueue: CEILING_QUEUE, args: [id] });
    } catch {
      errors += 1;
    }
  });
  const done = () => ids.every((id) => ctx.noops.has(id));
  const deadline = Date.now() + opts.drainMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const cpu = probe.stop();
  const arrivals = ids.map((id) => ctx.noops.get(id)).filter((t): t is number => t !== undefined);
  const last = arrivals.length ? Math.max(...arrivals) : t0;
  const result: CeilingResult = {
    workflows: opts.workflows,
    concurrency: opts.concurrency,
    perSecond: arrivals.length / Math.max(0.001, (last - t0) / 1000),
    startToActivityMs: summarize(ids.filter((id) => ctx.noops.has(id)).map((id) => ctx.noops.get(id)! - sent.get(id)!)),
    missing: opts.workflows - arrivals.length,
    errors,
    cpuSeconds: cpu.cpuSeconds,
    wallSeconds: cpu.wallSeconds,
  };
  log(`  ${result.perSecond.toFixed(1)} workflows/s; start→activity p50 ${result.startToActivityMs.p50} ms p99 ${result.startToActivityMs.p99} ms; missing ${result.missing}`);
  return result;
}
