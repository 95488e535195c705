/**
 * Who may do what, through real HTTP: tokens (none, malformed, unknown, revoked → 401),
 * scopes (→ 403) and tenant isolation (another institution's settings, bookings and log →
 * 404, the same answer as for something missing, with nothing changed), the per-token rate
 * limit, secure headers, /healthz and /readyz (also with PostgreSQL and Temporal unreachable),
 * and /openapi.json and /docs.
 */
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiToken, revokeApiToken } from '../../src/db/tokens.js';
import { hashToken } from '../../src/domain/tokens.js';
import { EXAMPLE_BOOKING, EXAMPLE_SETTINGS } from '../../src/api/schemas.js';
import { ERROR_CODES } from '../../src/api/errors.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { SETTINGS, makeBooking } from '../support/fixtures.js';
import {
  apiClient,
  createTenant,
  stateSnapshot,
  startApiFor,
  startTestbed,
  type ApiClient,
  type Tenant,
  type Testbed,
  waitUntil,
} from './support.js';

let bed: Testbed;
let api: ApiClient;
let a: Tenant;
let b: Tenant;
const B_BOOKING = 'B-ISOLATED-1';
let bFailedId: string;

const routes = (inst: string, bookingId = B_BOOKING, notificationId = `${inst}/x/created/staff`) => {
  const start = new Date(Date.now() + 100 * 3_600_000).toISOString();
  return [
    { method: 'GET', path: `/api/v1/institutions/${inst}/notification-settings`, scope: 'admin' },
    { method: 'PUT', path: `/api/v1/institutions/${inst}/notification-settings`, scope: 'admin', body: SETTINGS },
    { method: 'GET', path: `/api/v1/institutions/${inst}/notification-settings/history`, scope: 'admin' },
    { method: 'POST', path: `/api/v1/institutions/${inst}/notification-settings/test`, scope: 'admin', body: { list: 'bcc' } },
    { method: 'POST', path: `/api/v1/institutions/${inst}/bookings`, scope: 'booking', body: makeBooking(Date.now(), { id: 'X-1' }) },
    { method: 'GET', path: `/api/v1/institutions/${inst}/bookings/${bookingId}`, scope: 'both' },
    { method: 'POST', path: `/api/v1/institutions/${inst}/bookings/${bookingId}/cancel`, scope: 'booking', body: {} },
    { method: 'POST', path: `/api/v1/institutions/${inst}/bookings/${bookingId}/payment`, scope: 'booking', body: {} },
    { method: 'POST', path: `/api/v1/institutions/${inst}/bookings/${bookingId}/reschedule`, scope: 'booking', body: { startsAt: start } },
    { method: 'DELETE', path: `/api/v1/institutions/${inst}/bookings/${bookingId}/personal-data`, scope: 'admin' },
    { method: 'GET', path: `/api/v1/institutions/${inst}/notifications`, scope: 'admin' },
    { method: 'GET', path: `/api/v1/institutions/${inst}/notifications?bookingId=${bookingId}`, scope: 'admin' },
    { method: 'GET', path: `/api/v1/institutions/${inst}/notifications/upcoming?within=7d`, scope: 'admin' },
    {
      method: 'POST',
      path: `/api/v1/institutions/${inst}/notifications/${encodeURIComponent(notificationId)}/resend`,
      scope: 'admin',
    },
  ] as const;
};

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  a = await createTenant(bed.engine.db.sql, 'clinica-a', SETTINGS);
  b = await createTenant(bed.engine.db.sql, 'clinica-b', SETTINGS);
  // B has a booking with a failed e-mail: a resend by A must not be able to touch it.
  bed.engine.smtp.respond = (_n, raw) =>
    raw.includes('X-Notification-Kind: booking-created-staff') ? { code: 550, message: '5.1.1 no such user' } : undefined;
  const created = await api.post(`/api/v1/institutions/${b.id}/bookings`, {
    token: b.booking,
    body: makeBooking(Date.now(), { id: B_BOOKING, deadlineInHours: null }),
  });
  expect(created.status).toBe(201);
  bFailedId = await waitUntil(async () => {
    const [row] = await bed.engine.db.sql<{ id: string }[]>`
      SELECT id FROM notifications WHERE institution_id = ${b.id} AND status = 'failed'`;
    return row?.id;
  }, "B's failed e-mail");
  // Both created e-mails settled, and the workflow visible: B's state is stable from here on.
  await waitUntil(async () => {
    const [r] = await bed.engine.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM notifications WHERE institution_id = ${b.id} AND status IN ('sent', 'failed')`;
    return r!.n === 2;
  }, "B's e-mails");
  await waitUntil(async () => (await stateSnapshot(bed.engine, b.id)).workflows === 1, "B's workflow in visibility");
  bed.engine.smtp.respond = () => undefined;
});
afterAll(async () => {
  await bed?.engine.env.client.workflow.getHandle(`booking/${b.id}/${B_BOOKING}`).terminate('done').catch(() => {});
  await bed?.stop();
});

describe('authentication', () => {
  it('answers 401 without a token, with a malformed, an unknown or a revoked token, on every route', async () => {
    const revoked = await createApiToken(bed.engine.db.sql, { institutionId: a.id, scope: 'admin' });
    await revokeApiToken(bed.engine.db.sql, revoked.record.id);
    const bad: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: 'Bearer not-a-token' },
      { authorization: `Bearer ebn_${'A'.repeat(43)}` },
      { authorization: `Bearer ${revoked.token}` },
      { authorization: `Bearer ${a.admin}x` },
    ];
    for (const route of routes(a.id)) {
      for (const headers of bad) {
        const res = await api.call(route.method, route.path, { headers, ...('body' in route && { body: route.body }) });
        expect(res.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    // A token works until it is revoked.
    const live = await createApiToken(bed.engine.db.sql, { institutionId: a.id, scope: 'admin' });
    const path = `/api/v1/institutions/${a.id}/notification-settings`;
    expect((await api.get(path, { token: live.token })).status).toBe(200);
    await revokeApiToken(bed.engine.db.sql, live.record.id);
    expect((await api.get(path, { token: live.token })).status).toBe(401);
  });

  it('GET /api/v1/token names the calling token (any scope), never the token or its hash; 401 like every route', async () => {
    const admin = await createApiToken(bed.engine.db.sql, { institutionId: a.id, scope: 'admin', label: 'Ana' });
    const booking = await createApiToken(bed.engine.db.sql, { institutionId: b.id, scope: 'booking' });
    for (const [made, scope, label] of [
      [admin, 'admin', 'Ana'],
      [booking, 'booking', null],
    ] as const) {
      const res = await api.get('/api/v1/token', { token: made.token });
      expect(res.status, scope).toBe(200);
      expect(res.body).toEqual({ institutionId: made.record.institutionId, scope, label, tokenId: made.record.id });
      expect(res.text).not.toContain(made.token);
      expect(res.text).not.toContain(made.token.slice(4));
      expect(res.text).not.toContain(hashToken(made.token));
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    await revokeApiToken(bed.engine.db.sql, admin.record.id);
    const bad: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-token' }, { authorization: `Bearer ${admin.token}` }];
    for (const headers of bad) {
      const res = await api.call('GET', '/api/v1/token', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('stores only hashes of tokens', async () => {
    const rows = await bed.engine.db.sql<{ tokenHash: string }[]>`SELECT token_hash FROM api_tokens`;
    const all = JSON.stringify(await bed.engine.db.sql`SELECT * FROM api_tokens`);
    expect(all).not.toContain(a.admin);
    expect(all).not.toContain(a.admin.slice(4));
    for (const r of rows) expect(r.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('scopes', () => {
  it('answers 403 for a booking token on admin routes and an admin token on booking commands', async () => {
    for (const route of routes(a.id)) {
      if (route.scope === 'both') continue;
      const token = route.scope === 'admin' ? a.booking : a.admin;
      const res = await api.call(route.method, route.path, { token, ...('body' in route && { body: route.body }) });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await stateSnapshot(bed.engine, a.id)).bookings).toBe(0);
  });
});

describe('tenant isolation', () => {
  it("answers 404 for every one of B's resources with A's tokens, exactly like for a missing institution, and changes nothing", async () => {
    const before = await stateSnapshot(bed.engine, b.id);
    // Byte for byte: every answer carries the request id, so all of them are sent with the same one.
    const headers = { 'X-Request-Id': 'isolation-check' };
    const missing = await api.get(`/api/v1/institutions/no-such-clinic/notification-settings`, { token: a.admin, headers });
    expect(missing.status).toBe(404);
    expect(missing.body.error.requestId).toBe('isolation-check');
    for (const route of routes(b.id, B_BOOKING, bFailedId)) {
      for (const token of [a.admin, a.booking]) {
        const res = await api.call(route.method, route.path, { token, headers, ...('body' in route && { body: route.body }) });
        expect(res.status, `${route.method} ${route.path}`).toBe(404);
        expect(res.text).toBe(missing.text);
      }
    }
    // Even with an invalid body: the institution check comes before validation.
    const invalid = await api.put(`/api/v1/institutions/${b.id}/notification-settings`, { token: a.admin, body: { nope: 1 } });
    expect(invalid.status).toBe(404);
    // A's own booking route cannot reach B's booking either (bookings are per institution).
    const own = await api.get(`/api/v1/institutions/${a.id}/bookings/${B_BOOKING}`, { token: a.admin });
    expect(own.status).toBe(404);
    expect(await stateSnapshot(bed.engine, b.id)).toEqual(before);
    const [row] = await bed.engine.db.sql<{ status: string; attempts: number }[]>`SELECT status, attempts FROM notifications WHERE id = ${bFailedId}`;
    expect(row).toEqual({ status: 'failed', attempts: 1 });
    // B's own admin can still see and resend it.
    const log = await api.get(`/api/v1/institutions/${b.id}/notifications?status=failed`, { token: b.admin });
    expect(log.body.items.map((i: { id: string }) => i.id)).toEqual([bFailedId]);
  });

  it('answers 404 JSON for unknown paths', async () => {
    const res = await api.get('/api/v1/nothing-here', { token: a.admin });
    expect(res.status).toBe(404);
    const root = await api.get('/nothing');
    expect(root.status).toBe(404);
    expect(root.body.error.code).toBe('not_found');
  });
});

describe('rate limit and headers', () => {
  it('limits each token on its own with 429 and Retry-After', async () => {
    const limited = await startApiFor(bed.engine, { rateLimit: { capacity: 3, refillPerSecond: 0.01 } });
    try {
      const client = apiClient(limited.url);
      const path = `/api/v1/institutions/${a.id}/notification-settings`;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await client.get(path, { token: a.admin })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await client.get(path, { token: a.admin });
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another token has its own bucket.
      const other = await createApiToken(bed.engine.db.sql, { institutionId: a.id, scope: 'admin' });
      expect((await client.get(path, { token: other.token })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('sends secure headers and no-store on API answers', async () => {
    const res = await api.get(`/api/v1/institutions/${a.id}/notifications`, { token: a.admin });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const unauth = await api.get(`/api/v1/institutions/${a.id}/notifications`);
    expect(unauth.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('health', () => {
  it('/healthz and /readyz answer while everything is up', async () => {
    expect(await api.get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.get('/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', temporal: 'ok' } },
    });
  });

  it('/metrics serves Prometheus text without auth', async () => {
    const res = await fetch(`${bed.api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('# TYPE ebn_emails_total counter');
  });

  it('/readyz fails while PostgreSQL or Temporal is unreachable', async () => {
    // Real clients pointed at ports where nothing listens.
    const deadSql = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2, onnotice: () => {} });
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1' });
    const deadClient = createServiceClient({ connection: deadConnection, keyRing: bed.engine.keyRing });
    const liveTemporal = async () => {
      await bed.engine.env.client.workflowService.getSystemInfo({});
    };
    const deadTemporal = async () => {
      await deadConnection.withDeadline(Date.now() + 1500, () => deadClient.workflowService.getSystemInfo({}));
    };
    const start = (sql: postgres.Sql, healthcheck: () => Promise<void>) =>
      startApiFor(bed.engine, { sql, temporal: { healthcheck }, readyTimeoutMs: 2500 });
    const noDb = await start(deadSql, liveTemporal);
    const noTemporal = await start(bed.engine.db.sql, deadTemporal);
    try {
      const r1 = await apiClient(noDb.url).get('/readyz');
      expect(r1.status).toBe(503);
      expect(r1.body.error.code).toBe('not_ready');
      expect(r1.body.error.details.map((d: { field: string }) => d.field)).toEqual(['database']);
      expect((await apiClient(noDb.url).get('/healthz')).status).toBe(200);
      // An API call that needs the database answers 503, not 500.
      const call = await apiClient(noDb.url).get(`/api/v1/institutions/${a.id}/notification-settings`, { token: a.admin });
      expect(call.status).toBe(503);
      expect(call.body.error.code).toBe('service_unavailable');

      const r2 = await apiClient(noTemporal.url).get('/readyz');
      expect(r2.status).toBe(503);
      expect(r2.body.error.details.map((d: { field: string }) => d.field)).toEqual(['temporal']);
    } finally {
      await noDb.close();
      await noTemporal.close();
      await deadSql.end({ timeout: 1 });
      await deadConnection.close().catch(() => {});
    }
  });
});

/** Replaces every `$ref: #/components/schemas/X` by the schema itself (ours have no cycles). */
function inline(node: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, schemas));
  if (node && typeof node === 'object') {
    const ref = (node as { $ref?: string }).$ref;
    if (ref) return inline(schemas[ref.replace('#/components/schemas/', '')], schemas);
    return Object.fromEntries(
      Object.entries(node).filter(([k]) => k !== 'example').map(([k, v]) => [k, inline(v, schemas)]),
    );
  }
  return node;
}

describe('OpenAPI document', () => {
  let doc: any;
  beforeAll(async () => {
    const res = await api.get('/openapi.json');
    expect(res.status).toBe(200);
    doc = JSON.parse(res.text);
  });

  it('is OpenAPI 3.1 and lists every route with its method', () => {
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const inst = '/api/v1/institutions/{inst}';
    expect(listed).toEqual(
      [
        `GET ${inst}/notification-settings`,
        `PUT ${inst}/notification-settings`,
        `GET ${inst}/notification-settings/history`,
        `GET ${inst}/notification-settings/propagation`,
        `POST ${inst}/notification-settings/test`,
        `POST ${inst}/bookings`,
        `GET ${inst}/bookings/{bookingId}`,
        `POST ${inst}/bookings/{bookingId}/cancel`,
        `POST ${inst}/bookings/{bookingId}/payment`,
        `POST ${inst}/bookings/{bookingId}/reschedule`,
        `DELETE ${inst}/bookings/{bookingId}/personal-data`,
        `GET ${inst}/notifications`,
        `GET ${inst}/notifications/upcoming`,
        `POST ${inst}/notifications/{notificationId}/resend`,
        'GET /api/v1/token',
        'GET /healthz',
        'GET /readyz',
        'POST /codec/decode',
        'POST /codec/encode',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths[`${inst}/notification-settings`].put.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths[`${inst}/notification-settings`].put.responses['412']).toBeDefined();
  });

  it('lists the closed set of error codes, and the request id, in the Error schema', () => {
    const error = doc.components.schemas.Error.properties.error;
    expect([...error.properties.code.enum].sort()).toEqual([...ERROR_CODES].sort());
    expect(error.required).toEqual(expect.arrayContaining(['code', 'message', 'requestId']));
  });

  it('its schemas accept their own examples and refuse what the API refuses', () => {
    const schema = (name: string) => z.fromJSONSchema(inline(doc.components.schemas[name], doc.components.schemas) as never);
    const booking = schema('Booking');
    expect(booking.safeParse(EXAMPLE_BOOKING).success).toBe(true);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, surprise: 1 }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, bookingId: 'with space' }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, payment: { ...EXAMPLE_BOOKING.payment, amount: 450 } }).success).toBe(false);
    // What the validator checks beyond types, the document says too (docs/api.md).
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, patient: { ...EXAMPLE_BOOKING.patient, name: '\u200B\u00A0' } }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, patient: { ...EXAMPLE_BOOKING.patient, name: 'Ana \u202Eucsepop' } }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, patient: { ...EXAMPLE_BOOKING.patient, phone: ' -' } }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, patient: { ...EXAMPLE_BOOKING.patient, email: 'ana@localhost' } }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, exam: { ...EXAMPLE_BOOKING.exam, startsAt: '1969-12-31T23:59:59Z' } }).success).toBe(false);
    expect(booking.safeParse({ ...EXAMPLE_BOOKING, notes: 'Linia 1\nLinia 2' }).success).toBe(true);
    const settings = schema('NotificationSettingsInput');
    expect(settings.safeParse(EXAMPLE_SETTINGS).success).toBe(true);
    expect(settings.safeParse({ ...EXAMPLE_SETTINGS, cancellation: { recipients: [], noticeHours: 721 } }).success).toBe(false);
    expect(settings.safeParse({ ...EXAMPLE_SETTINGS, bookingRecipients: Array(51).fill('a@b.ro') }).success).toBe(false);
    expect(schema('CancelRequest').safeParse({ reason: 'Pacientul este răcit', cancelledBy: 'recepție' }).success).toBe(true);
    expect(schema('PaymentRequest').safeParse({ paidAt: '2026-11-20T10:00:00+02:00' }).success).toBe(true);
    expect(schema('RescheduleRequest').safeParse({ startsAt: '2026-12-03T11:00:00+02:00' }).success).toBe(true);
    expect(schema('TestEmailRequest').safeParse({ list: 'bcc' }).success).toBe(true);
    expect(schema('TestEmailRequest').safeParse({ list: 'everyone' }).success).toBe(false);
    // Each operation's request-body example is valid against its own schema.
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [m, op] of Object.entries(ops)) {
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (!body) continue;
        const name = String(body.$ref).replace('#/components/schemas/', '');
        const example = doc.components.schemas[name].example;
        expect(example, `${m} ${p}`).toBeDefined();
        expect(schema(name).safeParse(example).success, `${m} ${p}`).toBe(true);
      }
    }
  });

  it('/docs renders the document for a person', async () => {
    const res = await fetch(`${bed.api.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    // Everything the page needs comes from this origin (no CDN): it works offline.
    const scripts = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']);
    for (const asset of scripts) {
      const a = await fetch(`${bed.api.url}${asset}`);
      expect(a.status, asset).toBe(200);
      expect((await a.arrayBuffer()).byteLength, asset).toBeGreaterThan(20);
    }
    expect(await (await fetch(`${bed.api.url}/docs/assets/init.js`)).text()).toContain("url: '/openapi.json'");
  });
});
