/**
 * Property-based: arbitrary bodies (random JSON, raw text, and near-valid bodies with random
 * faults) to every write endpoint never answer 5xx, and change nothing unless the domain
 * schema accepts them. Each endpoint gets its own institution, and after an accepted command
 * the test waits until the booking's due e-mails are settled, so a later check sees only what
 * its own request did.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  bookingSchema,
  cancelRequestSchema,
  paymentRequestSchema,
  rescheduleRequestSchema,
} from '../../src/domain/booking-schema.js';
import { notificationSettingsInputSchema } from '../../src/domain/settings-schema.js';
import { TestEmailRequestSchema } from '../../src/api/schemas.js';
import { SETTINGS, makeBooking } from '../support/fixtures.js';
import {
  apiClient,
  createTenant,
  startTestbed,
  stateSnapshot,
  waitUntil,
  type ApiClient,
  type ApiResponse,
  type Tenant,
  type Testbed,
} from './support.js';

const HOUR = 3_600_000;
const RUNS = Number(process.env.API_PROPERTY_RUNS ?? 100);
let bed: Testbed;
let api: ApiClient;

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
});
afterAll(async () => bed?.stop());

// ---- generators ---------------------------------------------------------------------------

/** Any JSON value, strings from the whole of Unicode (lone surrogates included). */
const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });
/** A body: JSON text of any value, or text that is not JSON at all. */
const rawText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{', '{"a":', '[1,]', 'null', '', 'NaN'));

const goodAddresses = ['receptie@clinica.test', 'RECEPTIE@clinica.test', 'planificare@clinica.test', 'a.b+c@x-y.example.ro'];
const address = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...goodAddresses) },
  { weight: 2, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom('a@b.ro\r\nBcc: x@y.ro', 'Ana <a@b.ro>', 'a@localhost', 'a,b@c.ro', ' a@b.ro', '') },
  { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), anyJson) },
);
const list = fc.oneof({ weight: 8, arbitrary: fc.array(address, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(address, { minLength: 49, maxLength: 52 }) }, { weight: 1, arbitrary: anyJson });
const hours = fc.oneof(fc.integer({ min: -2, max: 730 }), fc.double(), fc.constantFrom(0, 1, 720, 721, 1.5, '24', null));
const bool = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
/** Sometimes an unknown field. */
const withExtra = <T extends object>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), anyJson), { freq: 5 })).map(([o, extra]) =>
    extra && typeof o === 'object' && o !== null && !Array.isArray(o) ? { ...o, [extra[0]]: extra[1] } : o,
  );

const validList = fc.uniqueArray(fc.constantFrom('a@clinica.test', 'b@clinica.test', 'c.d+e@x-y.example.ro', 'f@g.ro'), { maxLength: 4 });
const validHours = fc.integer({ min: 1, max: 720 });
const validSettings = fc.record(
  {
    bookingRecipients: validList,
    bcc: validList.chain((l) => fc.tuple(...l.map((email) => fc.record({ email: fc.constant(email), enabled: fc.boolean() }, { requiredKeys: ['email'] })))),
    cancellation: fc.record({ recipients: validList, noticeHours: validHours }, { requiredKeys: ['recipients'] }),
    paymentReminder: fc.record({ recipients: validList, hoursBefore: validHours }, { requiredKeys: ['recipients'] }),
    patientEmails: fc.boolean(),
  },
  { requiredKeys: ['bookingRecipients', 'bcc', 'cancellation', 'paymentReminder'] },
);
const faultySettings = withExtra(
  fc.record(
    {
      bookingRecipients: list,
      bcc: fc.oneof(fc.array(fc.record({ email: address, enabled: bool }, { requiredKeys: ['email'] }), { maxLength: 4 }), anyJson),
      cancellation: fc.record({ recipients: list, noticeHours: hours }, { requiredKeys: ['recipients'] }),
      paymentReminder: fc.record({ recipients: list, hoursBefore: hours }, { requiredKeys: ['recipients'] }),
      patientEmails: bool,
    },
    { requiredKeys: [] },
  ),
);
const settingsBody = fc.oneof(validSettings, faultySettings);

const instant = (fromNow: [number, number]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: fromNow[0], max: fromNow[1] }).map((h) => new Date(Date.now() + h * HOUR).toISOString()) },
    { weight: 1, arbitrary: fc.constantFrom('2026-12-01T09:30:00', '2026-02-30T09:30:00+02:00', '2026-12-01', 'mâine', '') },
    { weight: 1, arbitrary: anyJson },
  );
const text = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Ana Popescu', 'Ștefan Țăranu', 'RMN cerebral') }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, { weight: 1, arbitrary: anyJson });
const futureIso = (minH: number, maxH: number) => fc.integer({ min: minH, max: maxH }).map((h) => new Date(Date.now() + h * HOUR).toISOString());
const validBooking = fc.record(
  {
    bookingId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,16}$/),
    patient: fc.record(
      { name: fc.constantFrom('Ana Popescu', 'Ștefan Țăranu'), email: fc.constantFrom('ana@example.com', 'x.y@pacient.ro'), phone: fc.constant('+40 712 345 678') },
      { requiredKeys: ['name'] },
    ),
    exam: fc.record(
      { name: fc.constantFrom('RMN cerebral', 'Ecografie'), startsAt: futureIso(100, 2000), durationMinutes: fc.integer({ min: 1, max: 1440 }) },
      { requiredKeys: ['name', 'startsAt', 'durationMinutes'] },
    ),
    payment: fc.record({ amount: fc.constantFrom('450.00', '10', '0.5'), currency: fc.constantFrom('RON', 'EUR'), deadline: futureIso(60, 99), paid: fc.boolean() }, { requiredKeys: ['amount', 'currency', 'deadline'] }),
    notes: fc.constantFrom('Pacientul are implant dentar.', 'Linia 1\nLinia 2'),
  },
  { requiredKeys: ['bookingId', 'patient', 'exam'] },
);
const faultyBooking = withExtra(
  fc.record(
    {
      bookingId: fc.oneof(fc.constantFrom('P-1', 'P-2', 'P-3'), fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/), fc.string({ unit: 'binary', maxLength: 12 })),
      patient: fc.oneof(fc.record({ name: text, email: address, phone: fc.constantFrom('+40 712 345 678', 'abc', '') }, { requiredKeys: ['name'] }), anyJson),
      exam: fc.oneof(
        fc.record(
          {
            name: text,
            startsAt: instant([100, 2000]),
            durationMinutes: fc.oneof(fc.integer({ min: -1, max: 1500 }), fc.double(), anyJson),
            location: text,
          },
          { requiredKeys: ['name', 'startsAt', 'durationMinutes'] },
        ),
        anyJson,
      ),
      payment: fc.record(
        {
          amount: fc.oneof(fc.constantFrom('450.00', '10', '1.234', '-1'), fc.double(), anyJson),
          currency: fc.constantFrom('RON', 'EUR', 'ron', 'LEI'),
          deadline: instant([60, 2000]),
          paid: bool,
        },
        { requiredKeys: ['amount', 'currency', 'deadline'] },
      ),
      notes: text,
      locale: fc.constantFrom('ro', 'en', 'fr'),
    },
    { requiredKeys: ['bookingId', 'patient', 'exam'] },
  ),
);
const bookingBody = fc.oneof(validBooking, faultyBooking);
const cancelBody = withExtra(fc.record({ reason: text, cancelledBy: text }, { requiredKeys: [] }));
const paymentBody = withExtra(fc.record({ paidAt: instant([-10, 10]) }, { requiredKeys: [] }));
// Valid moves stay far out (start ≥ 100 h, deadline ≥ 60 h away): no reminder falls due during the test.
const rescheduleBody = withExtra(
  fc.record({ startsAt: fc.oneof(instant([100, 2000]), instant([-50, -1])), paymentDeadline: instant([60, 99]) }, { requiredKeys: [] }),
);
const testBody = withExtra(fc.record({ list: fc.oneof(fc.constantFrom('bookingRecipients', 'bcc', 'cancellation', 'paymentReminder', 'all'), anyJson) }, { requiredKeys: [] }));

/** A body as sent: mostly JSON of a near-valid or arbitrary value, sometimes raw text. */
type Sent = { json: unknown } | { raw: string };
const bodyOf = (nearValid: fc.Arbitrary<unknown>): fc.Arbitrary<Sent> =>
  fc.oneof(
    { weight: 6, arbitrary: nearValid.map((json) => ({ json })) },
    { weight: 2, arbitrary: anyJson.map((json) => ({ json })) },
    { weight: 1, arbitrary: rawText.map((raw) => ({ raw })) },
  );

// ---- the property -------------------------------------------------------------------------

/** Waits until every e-mail of the booking that is due by now is settled in the workflow and the log. */
async function settle(inst: string, bookingIds: Iterable<string>): Promise<void> {
  for (const id of bookingIds) {
    await waitUntil(async () => {
      const state = await bed.engine.bookings.getState(inst, id);
      const now = Date.now();
      return (
        state.timings.noticeHours > 0 &&
        state.notifications.length > 0 &&
        state.notifications.every((n) => n.status !== 'pending' || Date.parse(n.dueAt) > now)
      );
    }, `booking ${id} to settle`);
  }
  await waitUntil(async () => {
    const [r] = await bed.engine.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM notifications
       WHERE institution_id = ${inst} AND status IN ('pending', 'sending') AND due_at <= now()`;
    return r!.n === 0;
  }, 'the log to settle');
}

interface EndpointCase {
  name: string;
  method: 'PUT' | 'POST';
  path: (inst: string) => string;
  token: 'admin' | 'booking';
  schema: z.ZodType;
  body: fc.Arbitrary<Sent>;
  /** Statuses a valid body may get (a refusal by the booking's state is still no change). */
  validStatuses: number[];
  /** Bookings whose e-mails an accepted request may cause (to wait for). */
  affects?: (sent: unknown) => string[];
  setup?: (t: Tenant) => Promise<void>;
}

const BOOKING = 'PROP-1';
const cmd = (tail: string) => (inst: string) => `/api/v1/institutions/${inst}/bookings/${BOOKING}${tail}`;
const startBooking = async (t: Tenant) => {
  const res = await api.post(`/api/v1/institutions/${t.id}/bookings`, {
    token: t.booking,
    body: makeBooking(Date.now(), { id: BOOKING, startsInHours: 500, deadlineInHours: 400 }),
  });
  expect(res.status).toBe(201);
  await settle(t.id, [BOOKING]);
};

const CASES: EndpointCase[] = [
  {
    name: 'PUT notification-settings',
    method: 'PUT',
    path: (inst) => `/api/v1/institutions/${inst}/notification-settings`,
    token: 'admin',
    schema: notificationSettingsInputSchema,
    body: bodyOf(settingsBody),
    validStatuses: [200],
  },
  {
    name: 'POST notification-settings/test',
    method: 'POST',
    path: (inst) => `/api/v1/institutions/${inst}/notification-settings/test`,
    token: 'admin',
    schema: TestEmailRequestSchema,
    body: bodyOf(testBody),
    validStatuses: [201],
  },
  {
    name: 'POST bookings',
    method: 'POST',
    path: (inst) => `/api/v1/institutions/${inst}/bookings`,
    token: 'booking',
    schema: bookingSchema,
    body: bodyOf(bookingBody),
    validStatuses: [200, 201, 409],
    affects: (b) => [(b as { bookingId: string }).bookingId],
  },
  {
    name: 'POST bookings/{id}/cancel',
    method: 'POST',
    path: cmd('/cancel'),
    token: 'booking',
    schema: cancelRequestSchema,
    body: bodyOf(cancelBody),
    validStatuses: [200, 409],
    affects: () => [BOOKING],
    setup: startBooking,
  },
  {
    name: 'POST bookings/{id}/payment',
    method: 'POST',
    path: cmd('/payment'),
    token: 'booking',
    schema: paymentRequestSchema,
    body: bodyOf(paymentBody),
    validStatuses: [200],
    affects: () => [BOOKING],
    setup: startBooking,
  },
  {
    name: 'POST bookings/{id}/reschedule',
    method: 'POST',
    path: cmd('/reschedule'),
    token: 'booking',
    schema: rescheduleRequestSchema,
    body: bodyOf(rescheduleBody),
    validStatuses: [200, 400],
    affects: () => [BOOKING],
    setup: startBooking,
  },
];

describe('arbitrary bodies to every write endpoint', () => {
  let n = 0;
  it.each(CASES.map((c) => [c.name, c] as const))('%s: never 5xx, no change unless valid', async (_name, c) => {
    const t = await createTenant(bed.engine.db.sql, `prop-${++n}`, SETTINGS);
    await c.setup?.(t);
    const seen = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(c.body, async (sent) => {
        const before = await stateSnapshot(bed.engine, t.id, { workflows: false });
        const res: ApiResponse = await api.call(c.method, c.path(t.id), {
          token: c.token === 'admin' ? t.admin : t.booking,
          ...('raw' in sent ? { rawBody: sent.raw } : { rawBody: JSON.stringify(sent.json) }),
        });
        expect(res.status, res.text).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const valid = 'json' in sent && c.schema.safeParse(sent.json).success;
        if (valid) {
          seen.valid += 1;
          expect(c.validStatuses, res.text).toContain(res.status);
          if (res.status < 300 && c.affects) await settle(t.id, c.affects(sent.json));
        } else {
          seen.invalid += 1;
          expect([400, 413], res.text).toContain(res.status);
          expect(res.body.error.code).toMatch(/^(validation_failed|malformed_json)$/);
          expect(await stateSnapshot(bed.engine, t.id, { workflows: false })).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
    // Both sides of the property were exercised.
    expect(seen.invalid).toBeGreaterThan(RUNS / 4);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('arbitrary notification ids to resend never answer 5xx and change nothing', async () => {
    const t = await createTenant(bed.engine.db.sql, 'prop-resend', SETTINGS);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), anyJson, async (id, body) => {
        const before = await stateSnapshot(bed.engine, t.id, { workflows: false });
        const res = await api.post(`/api/v1/institutions/${t.id}/notifications/${encodeURIComponent(id)}/resend`, {
          token: t.admin,
          body,
        });
        expect(res.status, res.text).toBeLessThan(500);
        expect([400, 404]).toContain(res.status);
        expect(await stateSnapshot(bed.engine, t.id, { workflows: false })).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});
