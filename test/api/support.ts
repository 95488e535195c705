/**
 * One real stack per API test file: the engine (Temporal dev server, PostgreSQL, SMTP sink,
 * worker) and the API on a free port, called with real `fetch`.
 */
import type postgres from 'postgres';
import type { ApiDeps } from '../../src/api/app.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createApiToken } from '../../src/db/tokens.js';
import type { RateLimitOptions } from '../../src/api/middleware/rate-limit/index.js';
import { createInstitution } from '../../src/db/institutions.js';
import { saveSettings } from '../../src/db/settings.js';
import type { NotificationSettingsInput } from '../../src/domain/types.js';
import { createLogger } from '../../src/logger.js';
import { bookingsToRetimeQuery } from '../../src/temporal/booking-visibility.js';
import { startEngine, type Engine } from '../support/engine.js';
import { sleep } from '../support/fixtures.js';

export interface Testbed {
  engine: Engine;
  api: ApiServer;
  stop(): Promise<void>;
}

/** An API over the engine's database, Temporal and SMTP on a free port; `overrides` change any of its deps. */
export function startApiFor(engine: Engine, overrides: Partial<ApiDeps> = {}): Promise<ApiServer> {
  return startApiServer({
    port: 0,
    hostname: '127.0.0.1',
    sql: engine.db.sql,
    bookings: engine.bookings,
    temporal: {
      healthcheck: async () => {
        await engine.env.client.workflowService.getSystemInfo({});
      },
    },
    mail: engine.mail,
    mailFrom: 'notificari@clinica.test',
    keyRing: engine.keyRing,
    namespace: 'default',
    logger: createLogger({ level: process.env.API_TEST_LOG_LEVEL ?? 'silent' }),
    rateLimit: false,
    ...overrides,
  });
}

export async function startTestbed(opts: { rateLimit?: RateLimitOptions | false } = {}): Promise<Testbed> {
  const engine = await startEngine('dev-server');
  const api = await startApiFor(engine, { rateLimit: opts.rateLimit ?? false });
  return {
    engine,
    api,
    async stop() {
      await api.close();
      await engine.stop();
    },
  };
}

export interface Tenant {
  id: string;
  admin: string;
  booking: string;
}

/** An institution with an admin and a booking token, and (optionally) saved settings. */
export async function createTenant(
  sql: postgres.Sql,
  id: string,
  settings?: NotificationSettingsInput,
  opts: { locale?: 'ro' | 'en' } = {},
): Promise<Tenant> {
  await createInstitution(sql, { id, name: `Clinica ${id}`, timezone: 'Europe/Bucharest', locale: opts.locale ?? 'ro' });
  if (settings) await saveSettings(sql, { institutionId: id, settings, updatedBy: 'seed' });
  const admin = await createApiToken(sql, { institutionId: id, scope: 'admin', label: 'test admin' });
  const booking = await createApiToken(sql, { institutionId: id, scope: 'booking', label: 'test booking system' });
  return { id, admin: admin.token, booking: booking.token };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is (malformed JSON, huge bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Send the body as a stream (Transfer-Encoding: chunked, no Content-Length). */
  chunked?: boolean;
}

export function apiClient(baseUrl: string) {
  async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    let payload: RequestInit['body'] = body;
    if (body !== undefined && opts.chunked) {
      const bytes = new TextEncoder().encode(body);
      payload = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
          controller.close();
        },
      });
    }
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      ...(payload !== undefined && { body: payload }),
      ...(opts.chunked && { duplex: 'half' }),
    } as RequestInit);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    call,
    get: <T = any>(path: string, opts?: CallOptions) => call<T>('GET', path, opts),
    post: <T = any>(path: string, opts?: CallOptions) => call<T>('POST', path, opts),
    put: <T = any>(path: string, opts?: CallOptions) => call<T>('PUT', path, opts),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export { sleep };

/** Waits until Temporal's visibility lists `count` running bookings of the institution. */
export async function waitForVisibleRunning(engine: Engine, institutionId: string, count: number, timeoutMs = 20_000) {
  const query = bookingsToRetimeQuery(institutionId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count: n } = await engine.env.client.workflow.count(query);
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} running bookings visible`);
    await sleep(200);
  }
}

/**
 * Everything an invalid request must leave as it was. `workflows` counts runs in Temporal's
 * visibility, which lags a moment behind a start; pass `{ workflows: false }` where an earlier
 * valid request may still be catching up (the bookings table, written before the start, stays).
 */
export async function stateSnapshot(engine: Engine, institutionId: string, opts: { workflows?: boolean } = {}) {
  const sql = engine.db.sql;
  const [settings] = await sql<{ v: number }[]>`
    SELECT coalesce(max(version), 0)::int AS v FROM notification_settings WHERE institution_id = ${institutionId}`;
  const [log] = await sql<{ n: number; latest: string | null }[]>`
    SELECT count(*)::int AS n, max(updated_at) AS latest FROM notifications WHERE institution_id = ${institutionId}`;
  const [bookings] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM bookings WHERE institution_id = ${institutionId}`;
  const workflows =
    opts.workflows === false ? null : (await engine.env.client.workflow.count(`InstitutionId = "${institutionId}"`)).count;
  return {
    settingsVersion: settings!.v,
    logRows: log!.n,
    logLatestUpdate: log!.latest,
    bookings: bookings!.n,
    workflows,
  };
}

/** Polls `fn` until it returns a truthy value (usable in hooks, unlike expect.poll). */
export async function waitUntil<T>(fn: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}
