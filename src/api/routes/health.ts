/** Liveness (the process answers) and readiness (PostgreSQL and Temporal answer). No auth. */
import { createRoute } from '@hono/zod-openapi';
import type postgres from 'postgres';
import { ApiError } from '../errors.js';
import { ErrorSchema, HealthSchema, ReadySchema, TRANSPORT_RESPONSES, json } from '../schemas.js';
import { router } from './common.js';

export interface HealthDeps {
  sql: postgres.Sql;
  temporal: { healthcheck: () => Promise<void> };
  /** How long each check may take before it counts as failed. */
  readyTimeoutMs?: number;
}

const TAG = ['Health'];

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: TAG,
  summary: 'Liveness',
  responses: { 200: json(HealthSchema, 'The process is up.'), ...TRANSPORT_RESPONSES },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: TAG,
  summary: 'Readiness: PostgreSQL and Temporal reachable',
  responses: {
    200: json(ReadySchema, 'Ready.'),
    503: json(ErrorSchema, 'Not ready (code `not_ready`); `details` names each failing check.'),
    ...TRANSPORT_RESPONSES,
  },
});

async function within(ms: number, fn: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: HealthDeps) {
  const app = router();
  const timeout = deps.readyTimeoutMs ?? 3000;

  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    const checks: Record<string, () => Promise<unknown>> = {
      database: () => deps.sql`SELECT 1`,
      temporal: () => deps.temporal.healthcheck(),
    };
    const failures: { field: string; message: string }[] = [];
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(timeout, check);
        } catch (err) {
          failures.push({ field: name, message: `unreachable (${(err as Error).name})` });
        }
      }),
    );
    c.header('Cache-Control', 'no-store');
    if (failures.length > 0) {
      failures.sort((a, b) => a.field.localeCompare(b.field));
      throw new ApiError(503, 'not_ready', `not ready: ${failures.map((f) => f.field).join(', ')} unreachable`, failures);
    }
    return c.json({ status: 'ready' as const, checks: { database: 'ok' as const, temporal: 'ok' as const } }, 200);
  });

  return app;
}
