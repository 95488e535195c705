import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../temporal/task-queue.js';
import { WORKER_DEFAULTS } from './worker-tuning.js';

/**
 * The process environment (docs/operations.md), validated at start: a bad value stops the
 * process with a message that names the variable.
 *
 * Temporal's own variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, TEMPORAL_GRPC_META_*) are read by
 * @temporalio/envconfig (src/temporal/connection.ts); they are checked here first so that a
 * typo names the variable instead of surfacing as a TLS or file error later.
 */
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const existingFile = z.string().refine((p) => existsSync(p), 'names a file that does not exist');
const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' });
const port = z.coerce.number().int().min(0).max(65535);
const count = (min: number, max: number) => z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min).max(max);


const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    MAIL_FROM: z.email().default('notificari@localhost.localdomain'),
    TEMPORAL_ADDRESS: z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port').optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS: bool.optional(),
    TEMPORAL_TLS_CLIENT_CERT_PATH: existingFile.optional(),
    TEMPORAL_TLS_CLIENT_KEY_PATH: existingFile.optional(),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: existingFile.optional(),
    TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
    TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_CONFIG_FILE: existingFile.optional(),
    TEMPORAL_PROFILE: z.string().min(1).optional(),
    /** The payload key ring (`<id>:<base64 key>`, comma- or line-separated; the first encrypts): src/codec/key-ring.ts. */
    PAYLOAD_KEYS: z.string().min(1).optional(),
    /** A file holding the key ring instead (one `<id>:<base64 key>` a line). */
    PAYLOAD_KEYS_FILE: existingFile.optional(),
    /** Origins of Temporal UIs allowed to call the codec endpoint from a browser (comma-separated). */
    TEMPORAL_UI_ORIGINS: z
      .string()
      .refine((v) => v.split(',').every((o) => /^https?:\/\/[^\s/,]+$/.test(o.trim())), 'must be comma-separated origins like https://temporal-ui.example:8080')
      .optional(),
    /**
     * Where people reach the API and admin page (e.g. https://notificari.clinica.ro): delivery
     * alerts link to the log there. Unset: alerts name each log entry's id instead.
     */
    PUBLIC_URL: url(['http:', 'https:']).optional(),
    /** The worker's Prometheus endpoint (/metrics); 0 turns it off. The API serves /metrics on PORT. */
    METRICS_PORT: port.default(9464),
    /** Worker: bookings per page of a settings propagation (one activity signals one page). */
    PROPAGATION_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
    /** Worker: how often it starts settings propagations whose save committed but whose start was lost. */
    PROPAGATION_RECONCILE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
    /** Workflows the worker keeps in memory between tasks (the sticky cache); 0 turns it off. */
    WORKER_MAX_CACHED_WORKFLOWS: count(0, 100_000).default(WORKER_DEFAULTS.WORKER_MAX_CACHED_WORKFLOWS),
    /** Workflow tasks the worker runs at once (at most WORKER_MAX_CACHED_WORKFLOWS while the cache is on; default: src/config/worker-tuning.ts). */
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count(2, 1000).optional(),
    /** Activities (e-mail deliveries, database writes) the worker runs at once. */
    WORKER_MAX_CONCURRENT_ACTIVITIES: count(1, 1000).default(WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_ACTIVITIES),
    /** SMTP connections the worker keeps open to SMTP_URL (its nodemailer pool). */
    SMTP_POOL_SIZE: count(1, 100).default(WORKER_DEFAULTS.SMTP_POOL_SIZE),
    /** Where `npm run dev` keeps its state (Temporal SQLite file, embedded PostgreSQL, captured mail). */
    DATA_DIR: z.string().min(1).optional(),
    /** The API's HTTP timeouts in ms (src/api/http-limits.ts; docs/operations.md). */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(5_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    const cert = env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? env.TEMPORAL_TLS_CLIENT_CERT_DATA;
    const key = env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? env.TEMPORAL_TLS_CLIENT_KEY_DATA;
    if (cert && !key) ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_CLIENT_KEY_PATH'], message: 'must be set with the client certificate (mTLS needs both)' });
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)' });
    }
    if (key && !cert) ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_CLIENT_CERT_PATH'], message: 'must be set with the client key (mTLS needs both)' });
    // The SDK would quietly change these; a stated value is kept or refused by name.
    if (env.WORKER_MAX_CACHED_WORKFLOWS === 1) ctx.addIssue({ code: 'custom', path: ['WORKER_MAX_CACHED_WORKFLOWS'], message: 'must be 0 (no cache) or at least 2' });
    const tasks = env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS;
    if (tasks !== undefined && env.WORKER_MAX_CACHED_WORKFLOWS > 0 && tasks > env.WORKER_MAX_CACHED_WORKFLOWS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'], message: `must be at most WORKER_MAX_CACHED_WORKFLOWS (${env.WORKER_MAX_CACHED_WORKFLOWS})` });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Every variable this service reads itself (Temporal's envconfig also reads TEMPORAL_GRPC_META_*). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

/** What each process cannot start without (Temporal's address is checked by loadTemporalConfig). */
export const WORKER_REQUIRED_VARS = ['DATABASE_URL', 'SMTP_URL'] as const satisfies readonly (keyof Env)[];
export const API_REQUIRED_VARS = ['DATABASE_URL', 'SMTP_URL'] as const satisfies readonly (keyof Env)[];

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** TEMPORAL_UI_ORIGINS as a list (empty when unset). */
export function parseOrigins(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((o) => o.trim()).filter(Boolean);
}

/** Non-empty values only: `VAR=` counts as unset, as in most shells' intent. */
export function presentEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** Parses the environment; throws EnvError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(presentEnv(source));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  throw new EnvError(`invalid environment:\n  ${lines.join('\n  ')}`);
}

/** Variables a process cannot run without. */
export function requireVars<K extends keyof Env>(env: Env, names: readonly K[], why: string): Env & { [P in K]-?: NonNullable<Env[P]> } {
  const missing = names.filter((n) => env[n] === undefined);
  if (missing.length > 0) throw new EnvError(`${missing.join(', ')} must be set ${why}`);
  return env as Env & { [P in K]-?: NonNullable<Env[P]> };
}
