/**
 * The service's Prometheus metrics (prom-client): its own counters and the process's default
 * metrics, plus — when the Temporal Runtime exports them (src/temporal/runtime.ts) — the SDK's
 * worker metrics (`temporal_*`: task slots, poll and schedule-to-start latencies, sticky
 * cache, …), appended to the same exposition so that one scrape of /metrics sees both.
 *
 * Labels carry kinds and statuses only: never an address, a booking id or anything a patient
 * could be recognised by.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/**
 * Attempts that reached SMTP, by the e-mail's status after them: `sent` (every recipient accepted),
 * `partial` (some accepted, others refused), `failed` (nobody accepted; 5xx, permanent), `retry`
 * (someone deferred with a 4xx or no answer: tried again).
 */
export const emailsTotal = new Counter({
  name: 'ebn_emails_total',
  help: 'E-mails handed to SMTP, by notification kind and outcome (sent = every recipient accepted, partial = some refused, failed = nobody accepted, retry = someone deferred, will be retried).',
  labelNames: ['kind', 'status'] as const,
  registers: [metricsRegistry],
});

export const smtpSendSeconds = new Histogram({
  name: 'ebn_smtp_send_seconds',
  help: 'Time one SMTP send took (connection from the pool, MAIL/RCPT/DATA), by notification kind and outcome.',
  labelNames: ['kind', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Uses of the codec endpoint (operators reading decrypted histories), by operation and outcome. */
export const codecRequestsTotal = new Counter({
  name: 'ebn_codec_requests_total',
  help: 'Requests to the codec endpoint, by operation (decode, encode) and outcome (ok, refused).',
  labelNames: ['operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const codecPayloadsTotal = new Counter({
  name: 'ebn_codec_payloads_total',
  help: 'Payloads decoded or encoded by the codec endpoint, by operation.',
  labelNames: ['operation'] as const,
  registers: [metricsRegistry],
});

/** `DeliveryDeps.onAttempt`: one call per attempt that reached SMTP. */
export function recordDeliveryAttempt(kind: string, status: 'sent' | 'partial' | 'failed' | 'retry', seconds: number): void {
  emailsTotal.inc({ kind, status });
  smtpSendSeconds.observe({ kind, status }, seconds);
}

let sdkMetricsUrl: string | undefined;

/** Where the Temporal SDK serves its metrics in this process (set once the Runtime is installed). */
export function setSdkMetricsUrl(url: string | undefined): void {
  sdkMetricsUrl = url;
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

/**
 * The whole exposition: ours, then the SDK's. When the SDK's endpoint does not answer, ours
 * is still served, with `ebn_sdk_metrics_up 0` saying so.
 */
export async function renderMetrics(): Promise<string> {
  const own = await metricsRegistry.metrics();
  if (!sdkMetricsUrl) return own;
  let sdk = '';
  let up = 0;
  try {
    const res = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) });
    if (res.ok) {
      sdk = await res.text();
      up = 1;
    }
  } catch {
    // reported through ebn_sdk_metrics_up
  }
  const upLines = `# HELP ebn_sdk_metrics_up Whether the Temporal SDK's worker metrics could be read.\n# TYPE ebn_sdk_metrics_up gauge\nebn_sdk_metrics_up ${up}\n`;
  return `${own.endsWith('\n') ? own : `${own}\n`}${upLines}${sdk}`;
}
