/**
 * The delivery log's date range (`from` inclusive, `to` exclusive, ISO instants with an offset)
 * against the real API and PostgreSQL: it narrows the list, combines with the other filters and
 * with paging, refuses a bad range with a 400 naming the field, and the OpenAPI document
 * describes both parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNotification } from '../../src/db/notifications.js';
import { ISO_INSTANT_PATTERN } from '../../src/domain/due-times.js';
import { apiClient, createTenant, startTestbed, type ApiClient, type Tenant, type Testbed } from './support.js';

let bed: Testbed;
let api: ApiClient;
let t: Tenant;
let other: Tenant;
const log = (inst: string, query: string) => `/api/v1/institutions/${inst}/notifications?${query}`;

/** A test e-mail's log row, created at `createdAt` (the range filters on creation time). */
async function logRow(inst: string, id: string, createdAt: string): Promise<void> {
  const sql = bed.engine.db.sql;
  await ensureNotification(sql, { id: `${inst}/${id}`, institutionId: inst, bookingId: null, kind: 'test', dueAt: null, request: null });
  await sql`UPDATE notifications SET created_at = ${createdAt}::timestamptz WHERE id = ${`${inst}/${id}`}`;
}

const ids = (body: { items: { id: string }[] }, inst = t.id) => body.items.map((n) => n.id.slice(inst.length + 1));

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-interval');
  other = await createTenant(bed.engine.db.sql, 'clinica-alta');
  // Bucharest is UTC+2 in winter: local midnight of 1 December is 22:00 UTC on 30 November.
  await logRow(t.id, 'nov-30-late-utc', '2026-11-30T21:59:59.999999Z'); // 23:59:59 local, 30 Nov
  await logRow(t.id, 'dec-01-midnight', '2026-11-30T22:00:00Z'); // 00:00 local, 1 Dec
  await logRow(t.id, 'dec-01-noon', '2026-12-01T10:00:00Z');
  await logRow(t.id, 'dec-01-last', '2026-12-01T21:59:59.999999Z'); // 23:59:59.999999 local
  await logRow(t.id, 'dec-02-midnight', '2026-12-01T22:00:00Z'); // 00:00 local, 2 Dec
  await logRow(other.id, 'dec-01-other', '2026-12-01T10:00:00Z');
});

afterAll(async () => {
  await bed?.stop();
});

describe('the delivery log between two instants', () => {
  it('keeps what was created at or after `from` and before `to`, newest first', async () => {
    const day = await api.get(log(t.id, 'from=2026-12-01T00:00:00%2B02:00&to=2026-12-02T00:00:00%2B02:00'), { token: t.admin });
    expect(day.status, day.text).toBe(200);
    expect(ids(day.body)).toEqual(['dec-01-last', 'dec-01-noon', 'dec-01-midnight']);

    // Either end alone, and the same instant written in UTC.
    const since = await api.get(log(t.id, 'from=2026-12-01T10:00:00Z'), { token: t.admin });
    expect(ids(since.body)).toEqual(['dec-02-midnight', 'dec-01-last', 'dec-01-noon']);
    const until = await api.get(log(t.id, 'to=2026-11-30T22:00:00Z'), { token: t.admin });
    expect(ids(until.body)).toEqual(['nov-30-late-utc']);

    // An empty range is no error: nothing is in it, also when it ends before it starts (a rule
    // the document cannot state, so a request valid by it is not refused).
    for (const range of ['from=2026-12-01T10:00:00Z&to=2026-12-01T10:00:00Z', 'from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z']) {
      const empty = await api.get(log(t.id, range), { token: t.admin });
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ items: [], nextCursor: null });
    }

    // Another institution's e-mail of the same day stays its own.
    const theirs = await api.get(log(other.id, 'from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z'), { token: other.admin });
    expect(ids(theirs.body, other.id)).toEqual(['dec-01-other']);
  });

  it('pages through a range with the cursor, and combines with the other filters', async () => {
    const range = 'from=2026-11-30T00:00:00Z&to=2026-12-01T22:00:00Z';
    const first = await api.get(log(t.id, `${range}&limit=2`), { token: t.admin });
    expect(ids(first.body)).toEqual(['dec-01-last', 'dec-01-noon']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(log(t.id, `${range}&limit=2&cursor=${first.body.nextCursor}`), { token: t.admin });
    expect(ids(second.body)).toEqual(['dec-01-midnight', 'nov-30-late-utc']);
    expect(second.body.nextCursor).toBeNull();

    const kinds = await api.get(log(t.id, `${range}&kind=test&status=pending`), { token: t.admin });
    expect(kinds.body.items).toHaveLength(4);
    const none = await api.get(log(t.id, `${range}&status=sent`), { token: t.admin });
    expect(none.body.items).toEqual([]);
  });

  it.each([
    ['from=2026-12-01', 'from', 'must include a time zone offset'],
    ['to=2026-12-01T10:00', 'to', 'must include a time zone offset'],
    ['from=2026-02-30T00:00:00Z', 'from', 'day 30 does not exist in 2026-02'],
    ['from=yesterday', 'from', 'must be an ISO-8601 date-time with an offset'],
    ['to=2026-12-01T10:00:00-16:41', 'to', 'time zone offset must be within ±14:00'],
  ])('refuses ?%s with 400 naming %s', async (query, field, message) => {
    const res = await api.get(log(t.id, query), { token: t.admin });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const params = doc.paths['/api/v1/institutions/{inst}/notifications'].get.parameters as Array<{ name: string; in: string; schema: { format?: string } }>;
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName.from).toMatchObject({ in: 'query', schema: { pattern: ISO_INSTANT_PATTERN } });
    expect(byName.to).toMatchObject({ in: 'query', schema: { pattern: ISO_INSTANT_PATTERN } });
  });
});
