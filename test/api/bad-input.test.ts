/**
 * The bad-input matrix: every case answers its status code, names the field, and leaves the
 * settings version, the delivery log, the bookings and the workflows exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationSettingsInput } from '../../src/domain/types.js';
import { SETTINGS, makeBooking } from '../support/fixtures.js';
import {
  apiClient,
  createTenant,
  sleep,
  startTestbed,
  stateSnapshot,
  waitUntil,
  type ApiClient,
  type CallOptions,
  type Tenant,
  type Testbed,
} from './support.js';

let bed: Testbed;
let api: ApiClient;
let t: Tenant;
const BOOKING_ID = 'MATRIX-1';
const base = () => `/api/v1/institutions/${t.id}`;
const settingsPath = () => `${base()}/notification-settings`;
const booking = makeBooking(Date.now(), { id: 'MATRIX-NEW', startsInHours: 72 });

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-matrice', SETTINGS);
  const created = await api.post(`${base()}/bookings`, {
    token: t.booking,
    body: makeBooking(Date.now(), { id: BOOKING_ID, startsInHours: 72, deadlineInHours: 48 }),
  });
  expect(created.status).toBe(201);
  // Wait until the booking is quiet (its first e-mails settled, its run visible).
  await waitUntil(async () => {
    const [r] = await bed.engine.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM notifications WHERE institution_id = ${t.id} AND status = 'sent'`;
    return r!.n === 2;
  }, 'the first e-mails');
  await waitUntil(async () => (await stateSnapshot(bed.engine, t.id)).workflows === 1, 'the workflow in visibility');
});
afterAll(async () => {
  await bed?.engine.env.client.workflow.getHandle(`booking/${t.id}/${BOOKING_ID}`).terminate('done').catch(() => {});
  await bed?.stop();
});

const settings = (patch: (s: NotificationSettingsInput) => unknown): unknown => patch(structuredClone(SETTINGS));
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `adresa${i}@clinica.test`);
const without = <T extends object>(o: T, key: keyof T) => {
  const copy = { ...o };
  delete copy[key];
  return copy;
};
const big = (bytes: number) => JSON.stringify({ ...SETTINGS, padding: 'x'.repeat(bytes) });

interface Case {
  name: string;
  method: 'GET' | 'PUT' | 'POST';
  path: () => string;
  token?: 'admin' | 'booking';
  opts?: CallOptions;
  status: number;
  code: string;
  /** The field the error names in `details` (omitted when the error has no details, e.g. 413). */
  field?: string;
  /** What that field's message must say, when the case is about the wording. */
  message?: RegExp;
}

const put = (name: string, body: unknown, field: string, extra: Partial<Case> = {}): Case => ({
  name: `settings: ${name}`,
  method: 'PUT',
  path: settingsPath,
  opts: { body },
  status: 400,
  code: 'validation_failed',
  field,
  ...extra,
});

const post = (name: string, path: () => string, body: unknown, field: string, extra: Partial<Case> = {}): Case => ({
  name,
  method: 'POST',
  path,
  token: 'booking',
  opts: { body },
  status: 400,
  code: 'validation_failed',
  field,
  ...extra,
});

const bookingsPath = () => `${base()}/bookings`;
const cmd = (tail: string, id = BOOKING_ID) => () => `${base()}/bookings/${encodeURIComponent(id)}${tail}`;

const CASES: Case[] = [
  // ---- settings -----------------------------------------------------------------------
  put('invalid address', settings((s) => ({ ...s, bookingRecipients: ['not-an-address'] })), 'bookingRecipients[0]'),
  put('address without domain dot', settings((s) => ({ ...s, cancellation: { ...s.cancellation, recipients: ['a@localhost'] } })), 'cancellation.recipients[0]'),
  put('duplicate address (other case)', settings((s) => ({ ...s, bookingRecipients: ['a@clinica.test', 'A@Clinica.test'] })), 'bookingRecipients[1]'),
  put('duplicate BCC address', settings((s) => ({ ...s, bcc: [{ email: 'x@clinica.test', enabled: true }, { email: 'X@clinica.test', enabled: false }] })), 'bcc[1].email'),
  put('address with CR/LF', settings((s) => ({ ...s, bookingRecipients: ['a@clinica.test\r\nBcc: evil@example.com'] })), 'bookingRecipients[0]'),
  put('address with LF only', settings((s) => ({ ...s, paymentReminder: { ...s.paymentReminder, recipients: ['a@clinica.test\n'] } })), 'paymentReminder.recipients[0]'),
  put('address with a display name', settings((s) => ({ ...s, bookingRecipients: ['Recepție <receptie@clinica.test>'] })), 'bookingRecipients[0]'),
  put('two addresses in one entry', settings((s) => ({ ...s, bookingRecipients: ['a@clinica.test, b@clinica.test'] })), 'bookingRecipients[0]'),
  put('address longer than 254', settings((s) => ({ ...s, bookingRecipients: [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(10)}.ro`] })), 'bookingRecipients[0]'),
  put('51 addresses', settings((s) => ({ ...s, bookingRecipients: addresses(51) })), 'bookingRecipients'),
  put('21 BCC entries', settings((s) => ({ ...s, bcc: addresses(21).map((email) => ({ email, enabled: true })) })), 'bcc'),
  put('noticeHours 0', settings((s) => ({ ...s, cancellation: { ...s.cancellation, noticeHours: 0 } })), 'cancellation.noticeHours'),
  put('noticeHours 721', settings((s) => ({ ...s, cancellation: { ...s.cancellation, noticeHours: 721 } })), 'cancellation.noticeHours'),
  put('hoursBefore 1.5', settings((s) => ({ ...s, paymentReminder: { ...s.paymentReminder, hoursBefore: 1.5 } })), 'paymentReminder.hoursBefore'),
  put('hoursBefore as a string', settings((s) => ({ ...s, paymentReminder: { ...s.paymentReminder, hoursBefore: '24' } })), 'paymentReminder.hoursBefore'),
  put('hoursBefore negative', settings((s) => ({ ...s, paymentReminder: { ...s.paymentReminder, hoursBefore: -24 } })), 'paymentReminder.hoursBefore'),
  put('missing bcc', without(SETTINGS, 'bcc'), 'bcc'),
  put('missing cancellation.recipients', settings((s) => ({ ...s, cancellation: { noticeHours: 24 } })), 'cancellation.recipients'),
  put('unknown top-level field', { ...SETTINGS, bookingRecipient: [] }, 'bookingRecipient'),
  put('unknown nested field', settings((s) => ({ ...s, cancellation: { ...s.cancellation, hours: 3 } })), 'cancellation.hours'),
  put('unknown BCC entry field', settings((s) => ({ ...s, bcc: [{ email: 'x@clinica.test', enabled: true, name: 'X' }] })), 'bcc[0].name'),
  put('list as a string', settings((s) => ({ ...s, bookingRecipients: 'a@clinica.test' })), 'bookingRecipients'),
  put('address as a number', settings((s) => ({ ...s, bookingRecipients: [42] })), 'bookingRecipients[0]'),
  put('patientEmails as a string', settings((s) => ({ ...s, patientEmails: 'yes' })), 'patientEmails'),
  put('body is an array', [SETTINGS], ''),
  put('body is null', null, ''),
  put('malformed JSON', undefined, '', { opts: { rawBody: '{"bookingRecipients": [' }, code: 'malformed_json' }),
  put('a 65 KiB body', undefined, '', { opts: { rawBody: big(65 * 1024) }, status: 413, code: 'payload_too_large', field: undefined }),
  put('a 65 KiB body sent chunked', undefined, '', {
    opts: { rawBody: big(65 * 1024), chunked: true },
    status: 413,
    code: 'payload_too_large',
    field: undefined,
  }),
  put('not JSON', undefined, '', {
    opts: { rawBody: 'bookingRecipients=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    status: 415,
    code: 'unsupported_media_type',
    field: undefined,
  }),
  put('a malformed If-Match', SETTINGS, 'If-Match', { opts: { body: SETTINGS, headers: { 'if-match': 'version 1' } } }),
  put('a stale If-Match', SETTINGS, '', { opts: { body: SETTINGS, headers: { 'if-match': '"0"' } }, status: 412, code: 'stale_settings', field: undefined }),
  {
    name: 'settings test e-mail: unknown list',
    method: 'POST',
    path: () => `${settingsPath()}/test`,
    opts: { body: { list: 'everyone' } },
    status: 400,
    code: 'validation_failed',
    field: 'list',
  },
  {
    name: 'settings test e-mail: missing list',
    method: 'POST',
    path: () => `${settingsPath()}/test`,
    opts: { body: {} },
    status: 400,
    code: 'validation_failed',
    field: 'list',
  },

  // ---- bookings ---------------------------------------------------------------------------
  post('booking: exam start without offset', bookingsPath, { ...booking, exam: { ...booking.exam, startsAt: '2026-12-01T09:30:00' } }, 'exam.startsAt'),
  post('booking: payment deadline without offset', bookingsPath, { ...booking, payment: { ...booking.payment!, deadline: '2026-11-30 09:30' } }, 'payment.deadline'),
  post('booking: impossible date', bookingsPath, { ...booking, exam: { ...booking.exam, startsAt: '2026-02-30T09:30:00+02:00' } }, 'exam.startsAt'),
  // An offset no time zone has (PostgreSQL refuses past ±15:59): a 400, not a 500 from the database.
  post('booking: offset past ±14:00', bookingsPath, { ...booking, exam: { ...booking.exam, startsAt: '2095-03-07T12:00:30.9-16:41' } }, 'exam.startsAt'),
  post('booking: bookingId with spaces', bookingsPath, { ...booking, bookingId: 'B 2026 1' }, 'bookingId'),
  post('booking: missing patient', bookingsPath, without(booking, 'patient'), 'patient'),
  post('booking: missing exam name', bookingsPath, { ...booking, exam: without(booking.exam, 'name') }, 'exam.name'),
  post('booking: unknown field', bookingsPath, { ...booking, surprise: true }, 'surprise'),
  post('booking: money as a number', bookingsPath, { ...booking, payment: { ...booking.payment!, amount: 450 } }, 'payment.amount'),
  post('booking: duration 1.5', bookingsPath, { ...booking, exam: { ...booking.exam, durationMinutes: 1.5 } }, 'exam.durationMinutes'),
  post('booking: patient e-mail with CR/LF', bookingsPath, { ...booking, patient: { ...booking.patient, email: 'a@b.ro\r\nBcc: x@y.ro' } }, 'patient.email'),
  post('booking: patient name with a line break', bookingsPath, { ...booking, patient: { ...booking.patient, name: 'Ana\nPopescu' } }, 'patient.name'),
  // Text that could make a staff e-mail read differently from what was sent (docs/api.md).
  ...(
    [
      ['patient name with a right-to-left override (U+202E)', { patient: { ...booking.patient, name: 'Ana \u202Eucsepop' } }, 'patient.name', /U\+202E, a bidirectional control/],
      ['exam name with a left-to-right embedding (U+202A)', { exam: { ...booking.exam, name: '\u202ARMN' } }, 'exam.name', /U\+202A, a bidirectional control/],
      ['doctor with a first-strong isolate (U+2068)', { exam: { ...booking.exam, doctor: 'Dr. \u2068X\u2069' } }, 'exam.doctor', /U\+2068, a bidirectional control/],
      ['department starting with U+FEFF', { exam: { ...booking.exam, department: '\uFEFFImagistică' } }, 'exam.department', /U\+FEFF/],
      ['location with the noncharacter U+FFFF', { exam: { ...booking.exam, location: 'Sala 2\uFFFF' } }, 'exam.location', /U\+FFFF, a Unicode noncharacter/],
      ['location with the noncharacter U+FDD0', { exam: { ...booking.exam, location: 'Sala\uFDD0' } }, 'exam.location', /U\+FDD0, a Unicode noncharacter/],
      ['patient name of zero-width spaces only', { patient: { ...booking.patient, name: '\u200B\u200B\u200B' } }, 'patient.name', /visible character/],
      ['patient name of no-break spaces only', { patient: { ...booking.patient, name: '\u00A0\u3000 ' } }, 'patient.name', /visible character/],
      ['exam name of a Hangul filler only', { exam: { ...booking.exam, name: '\u3164' } }, 'exam.name', /visible character/],
      ['notes with a right-to-left isolate (U+2067) on line 2', { notes: 'Linia 1\n\u2067Linia 2' }, 'notes', /U\+2067, a bidirectional control/],
      ['notes with U+FEFF', { notes: 'Nota\uFEFF' }, 'notes', /U\+FEFF/],
      ['notes of line breaks and spaces only', { notes: '\n \n\u200B' }, 'notes', /visible character/],
    ] as const
  ).map(([name, patch, field, message]) => post(`booking: ${name}`, bookingsPath, { ...booking, ...patch }, field, { message })),
  post('cancel: reason with a right-to-left override', cmd('/cancel'), { reason: 'motiv \u202E' }, 'reason', { message: /U\+202E/ }),
  post('cancel: cancelledBy of invisible characters only', cmd('/cancel'), { cancelledBy: '\u2060\u00AD' }, 'cancelledBy', { message: /visible character/ }),
  post('booking: malformed JSON', bookingsPath, undefined, '', { opts: { rawBody: '{"bookingId": "B-1",}' }, code: 'malformed_json' }),
  post('booking: a 65 KiB body', bookingsPath, undefined, '', {
    opts: { rawBody: JSON.stringify({ ...booking, notes: 'x'.repeat(65 * 1024) }) },
    status: 413,
    code: 'payload_too_large',
    field: undefined,
  }),
  post('booking: notes too long (under 64 KiB)', bookingsPath, { ...booking, notes: 'x'.repeat(4001) }, 'notes'),
  post('booking: empty body declared as JSON', bookingsPath, undefined, '', { opts: { rawBody: '' }, code: 'malformed_json' }),
  post('booking: no body at all', bookingsPath, undefined, 'patient', { opts: { headers: {} } }),

  post('cancel: unknown field', cmd('/cancel'), { reason: 'x', why: 'y' }, 'why'),
  post('cancel: reason with a line break', cmd('/cancel'), { reason: 'a\r\nb' }, 'reason'),
  post('cancel: reason as a number', cmd('/cancel'), { reason: 5 }, 'reason'),
  post('cancel: bookingId with spaces in the path', cmd('/cancel', 'MATRIX 1'), {}, 'bookingId'),
  post('cancel: bookingId too long in the path', cmd('/cancel', 'B'.repeat(129)), {}, 'bookingId'),
  post('cancel: malformed JSON', cmd('/cancel'), undefined, '', { opts: { rawBody: '{' }, code: 'malformed_json' }),
  post('payment: paidAt without offset', cmd('/payment'), { paidAt: '2026-11-20T10:00:00' }, 'paidAt'),
  post('payment: paid as a boolean', cmd('/payment'), { paid: true }, 'paid'),
  post('reschedule: missing startsAt', cmd('/reschedule'), {}, 'startsAt'),
  post('reschedule: startsAt without offset', cmd('/reschedule'), { startsAt: '2027-01-10T10:00' }, 'startsAt'),
  post('reschedule: startsAt as a number', cmd('/reschedule'), { startsAt: 1_800_000_000_000 }, 'startsAt'),
  post('reschedule: unknown field', cmd('/reschedule'), { startsAt: '2027-01-10T10:00:00Z', room: '3' }, 'room'),
  {
    name: 'booking read: bookingId with spaces',
    method: 'GET',
    path: cmd('', 'MATRIX 1'),
    token: 'booking',
    status: 400,
    code: 'validation_failed',
    field: 'bookingId',
  },

  // ---- delivery log -----------------------------------------------------------------------
  ...(
    [
      ['kind=everything', 'kind'],
      ['status=lost', 'status'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['bookingId=has%20space', 'bookingId'],
      ['kind=test&kind=test', 'kind'],
      ['page=2', 'page'],
      ['cursor=%00%01', 'cursor'],
      ['cursor=eyJhIjoxfQ', 'cursor'],
      ['from=2026-12-01', 'from'],
      ['to=2026-12-01T00:00:00+15:00', 'to'],
    ] as const
  ).map(
    ([q, field]): Case => ({
      name: `log: ?${q}`,
      method: 'GET',
      path: () => `${base()}/notifications?${q}`,
      status: 400,
      code: 'validation_failed',
      field,
    }),
  ),
  {
    name: 'resend: a notification id with a NUL byte',
    method: 'POST',
    path: () => `${base()}/notifications/${encodeURIComponent('a\u0000b')}/resend`,
    status: 400,
    code: 'validation_failed',
    field: 'notificationId',
  },
];

describe('bad input changes nothing', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await stateSnapshot(bed.engine, t.id);
    const res = await api.call(c.method, c.path(), { token: c.token === 'booking' ? t.booking : t.admin, ...c.opts });
    expect(res.status, res.text).toBe(c.status);
    expect(res.body.error.code).toBe(c.code);
    expect(typeof res.body.error.message).toBe('string');
    // Every error answer names its request, the same id as the X-Request-Id header.
    expect(res.body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(res.body.error.requestId);
    if (c.field !== undefined) {
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(c.field);
      for (const d of res.body.error.details) expect(typeof d.message).toBe('string');
    }
    if (c.message !== undefined) {
      const messages = res.body.error.details.filter((d: { field: string }) => d.field === c.field).map((d: { message: string }) => d.message);
      expect(messages.join(' | ')).toMatch(c.message);
    }
    expect(await stateSnapshot(bed.engine, t.id)).toEqual(before);
  });

  it('left no workflow behind, even one visibility shows late', async () => {
    await sleep(1000);
    const after = await stateSnapshot(bed.engine, t.id);
    expect(after).toMatchObject({ settingsVersion: 1, bookings: 1, workflows: 1, logRows: 2 });
  });
});
