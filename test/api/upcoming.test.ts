/**
 * What goes out next, through real HTTP against a Temporal dev server (visibility with the
 * NextNotificationAt search attribute), PostgreSQL and an SMTP server: planned notices and
 * reminders appear in the right window, disappear once sent, paid or cancelled, move after a
 * reschedule or a settings change, and never cross institutions. Also the search attributes
 * and memo through visibility, a start already past (invalid_time), and a payment deadline
 * already past (the reminder logged skipped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/domain/types.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { recordHistory } from '../support/histories.js';
import { bookingIds, makeBooking, SETTINGS, STAFF } from '../support/fixtures.js';
import { apiClient, createTenant, sleep, startTestbed, type ApiClient, type Tenant, type Testbed } from './support.js';

const HOUR = 3_600_000;
let bed: Testbed;
let api: ApiClient;
let a: Tenant;
let b: Tenant;
const nextId = bookingIds('UP');
const started: [string, string][] = [];

interface Upcoming {
  bookingId: string;
  notificationId: string;
  kind: string;
  dueAt: string;
  recipientsCount: number;
}

const create = async (t: Tenant, booking: Booking) => {
  const res = await api.post(`/api/v1/institutions/${t.id}/bookings`, { token: t.booking, body: booking });
  expect(res.status).toBe(201);
  started.push([t.id, booking.bookingId]);
  return booking;
};
const command = async (t: Tenant, bookingId: string, what: string, body: unknown = {}) => {
  const res = await api.post(`/api/v1/institutions/${t.id}/bookings/${encodeURIComponent(bookingId)}/${what}`, { token: t.booking, body });
  expect(res.status, res.text).toBe(200);
  return res.body;
};
const handleOf = (t: Tenant, bookingId: string) => bed.engine.env.client.workflow.getHandle(bookingWorkflowId(t.id, bookingId));

/** Every planned e-mail in the window, all pages (two bookings a page, so paging is exercised). */
async function upcoming(t: Tenant, within?: string): Promise<Upcoming[]> {
  const items: Upcoming[] = [];
  let cursor: string | null = null;
  do {
    const qs: URLSearchParams = new URLSearchParams({ limit: '2', ...(within && { within }), ...(cursor && { cursor }) });
    const res: { status: number; text: string; body: any } = await api.get(`/api/v1/institutions/${t.id}/notifications/upcoming?${qs}`, { token: t.admin });
    expect(res.status, res.text).toBe(200);
    items.push(...(res.body.items as Upcoming[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}
/** The timed e-mails (notices, reminders) of one booking in a list; created/rescheduled e-mails in flight are left out. */
const of = (items: Upcoming[], bookingId: string) =>
  items.filter((i) => i.bookingId === bookingId && /^(payment-reminder|booking-cancelled-staff)/.test(i.kind)).map((i) => [i.kind, i.dueAt, i.recipientsCount]);

/** Visibility follows a moment later: asks again until `check` holds (or fails with the last answer). */
async function eventually<T>(ask: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await ask();
    if (check(v) || Date.now() > end) return v;
    await sleep(250);
  }
}

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  a = await createTenant(bed.engine.db.sql, 'clinica-urmeaza', SETTINGS);
  b = await createTenant(bed.engine.db.sql, 'clinica-alta', SETTINGS);
});
afterAll(async () => {
  for (const [inst, id] of started) await bed.engine.env.client.workflow.getHandle(bookingWorkflowId(inst, id)).terminate('test done').catch(() => {});
  await bed?.stop();
});

describe('GET /notifications/upcoming', () => {
  it('lists reminders and notices in the right window, and drops them once paid, cancelled or sent', async () => {
    const now = Date.now();
    // Reminder due at deadline − 24 h = now + 6 h: patient (1 address + 1 enabled BCC) and staff (billing).
    const reminded = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 30 }));
    const reminderAt = new Date(Date.parse(reminded.payment!.deadline) - 24 * HOUR).toISOString();
    // Cancelled early: the staff notice is due when the 24 h window opens, now + 48 h.
    const cancelled = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: null }));
    // Reminder due in a few seconds.
    const soon = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 24 + 25 / 3600 }));
    // Paid from the start, nothing timed: never listed.
    const paid = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 30, paid: true }));
    // Another institution's booking with a reminder in the same window.
    const other = await create(b, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 30 }));

    const answer = (await command(a, cancelled.bookingId, 'cancel')) as { noticeDueAt: string };

    const day = await eventually(() => upcoming(a), (items) => of(items, reminded.bookingId).length === 2);
    expect(of(day, reminded.bookingId)).toEqual([
      ['payment-reminder-patient', reminderAt, 2],
      ['payment-reminder-staff', reminderAt, 1],
    ]);
    expect(of(day, cancelled.bookingId)).toEqual([]);
    expect(of(day, paid.bookingId)).toEqual([]);
    expect(day.some((i) => i.bookingId === other.bookingId)).toBe(false);
    // Soonest first within a page; the ids are those the log will use.
    expect(day.find((i) => i.kind === 'payment-reminder-staff' && i.bookingId === reminded.bookingId)!.notificationId).toBe(
      `${a.id}/${reminded.bookingId}/payment-reminder-1/staff`,
    );

    const hour = await eventually(() => upcoming(a, '1h'), (items) => of(items, soon.bookingId).length === 2);
    expect(of(hour, reminded.bookingId)).toEqual([]);
    expect(of(hour, soon.bookingId).map(([kind]) => kind)).toEqual(['payment-reminder-patient', 'payment-reminder-staff']);

    const threeDays = await eventually(() => upcoming(a, '3d'), (items) => of(items, cancelled.bookingId).length === 1);
    expect(of(threeDays, cancelled.bookingId)).toEqual([['booking-cancelled-staff', answer.noticeDueAt, 1]]);

    // The other institution sees its own booking only.
    const theirs = await eventually(() => upcoming(b), (items) => items.length === 2);
    expect(new Set(theirs.map((i) => i.bookingId))).toEqual(new Set([other.bookingId]));
    // And one institution's admin cannot ask about the other.
    expect((await api.get(`/api/v1/institutions/${b.id}/notifications/upcoming`, { token: a.admin })).status).toBe(404);

    // Sent: the soon reminder goes, and leaves the list.
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.bookingId === soon.bookingId && x.kind === 'payment-reminder-staff'), 45_000);
    const afterSend = await eventually(() => upcoming(a, '1h'), (items) => of(items, soon.bookingId).length === 0);
    expect(of(afterSend, soon.bookingId)).toEqual([]);
    expect((await handleOf(a, soon.bookingId).describe()).searchAttributes.NextNotificationAt).toBeUndefined();

    // Paid: the reminder leaves the list.
    await command(a, reminded.bookingId, 'payment');
    const afterPay = await eventually(() => upcoming(a), (items) => of(items, reminded.bookingId).length === 0);
    expect(of(afterPay, reminded.bookingId)).toEqual([]);

    // Cancelled: a planned reminder leaves with the cancellation, the staff notice takes its place.
    const toCancel = await create(a, makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: 30 }));
    await eventually(() => upcoming(a), (items) => of(items, toCancel.bookingId).length === 2);
    await command(a, toCancel.bookingId, 'cancel');
    const afterCancel = await eventually(() => upcoming(a, '3d'), (items) => of(items, toCancel.bookingId).length === 1);
    expect(of(afterCancel, toCancel.bookingId).map(([kind]) => kind)).toEqual(['booking-cancelled-staff']);
    expect(of(await upcoming(a), toCancel.bookingId)).toEqual([]);
    await handleOf(a, soon.bookingId).terminate('test done');
    await recordHistory('upcoming-reminder-sent', handleOf(a, soon.bookingId));
  });

  it('moves a reminder after a reschedule', async () => {
    const now = Date.now();
    const booking = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 30 }));
    await eventually(() => upcoming(a), (items) => of(items, booking.bookingId).length === 2);
    const paymentDeadline = new Date(now + 60 * HOUR).toISOString();
    await command(a, booking.bookingId, 'reschedule', { startsAt: new Date(now + 96 * HOUR).toISOString(), paymentDeadline });
    const moved = new Date(now + 36 * HOUR).toISOString();
    const twoDays = await eventually(() => upcoming(a, '2d'), (items) => of(items, booking.bookingId).some(([, due]) => due === moved));
    expect(of(twoDays, booking.bookingId)).toEqual([
      ['payment-reminder-patient', moved, 2],
      ['payment-reminder-staff', moved, 1],
    ]);
    expect(of(await upcoming(a), booking.bookingId)).toEqual([]);
    const { typedSearchAttributes } = await handleOf(a, booking.bookingId).describe();
    expect(typedSearchAttributes.getAll().find((p) => p.key.name === 'NextNotificationAt')?.value).toEqual(new Date(moved));
  });

  it('moves a reminder after a settings change', async () => {
    const c = await createTenant(bed.engine.db.sql, 'clinica-setari', SETTINGS);
    const now = Date.now();
    const booking = await create(c, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 30 }));
    await eventually(() => upcoming(c), (items) => of(items, booking.bookingId).length === 2);
    const saved = await api.put(`/api/v1/institutions/${c.id}/notification-settings`, {
      token: c.admin,
      body: { ...SETTINGS, paymentReminder: { recipients: [STAFF.billing, STAFF.reception], hoursBefore: 2 } },
      headers: { 'if-match': '"1"' },
    });
    expect(saved.status, saved.text).toBe(200);
    const moved = new Date(Date.parse(booking.payment!.deadline) - 2 * HOUR).toISOString();
    const twoDays = await eventually(() => upcoming(c, '2d'), (items) => of(items, booking.bookingId).some(([, due]) => due === moved));
    // The recipients count follows the saved list too.
    expect(of(twoDays, booking.bookingId)).toEqual([
      ['payment-reminder-patient', moved, 2],
      ['payment-reminder-staff', moved, 2],
    ]);
    expect(of(await upcoming(c), booking.bookingId)).toEqual([]);
  });

  it('answers 400 for a window outside 1h–30d, or a cursor it did not give', async () => {
    for (const within of ['0h', '31d', '2w', 'abc', '721h']) {
      const res = await api.get(`/api/v1/institutions/${a.id}/notifications/upcoming?within=${within}`, { token: a.admin });
      expect(res.status, within).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'within' }] });
      expect(res.body.error.details[0].message).toMatch(/1h and 30d/);
    }
    const bad = await api.get(`/api/v1/institutions/${a.id}/notifications/upcoming?cursor=nonsense`, { token: a.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('cursor');
    expect((await api.get(`/api/v1/institutions/${a.id}/notifications/upcoming`, { token: a.booking })).status).toBe(403);
  });
});

describe('search attributes and memo through visibility', () => {
  it('finds a rescheduled booking by its new ExamStartsAt and a cancelled one by BookingStatus, each stored as one value', async () => {
    const now = Date.now();
    const booking = await create(a, makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: null }));
    const startsAt = new Date(now + 100 * HOUR).toISOString();
    await command(a, booking.bookingId, 'reschedule', { startsAt });
    const answer = (await command(a, booking.bookingId, 'cancel')) as { noticeDueAt: string };
    const client = bed.engine.env.client;
    const ids = (query: string) => async () => {
      const found: string[] = [];
      for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
      return found;
    };
    const workflowId = bookingWorkflowId(a.id, booking.bookingId);
    const base = `InstitutionId = "${a.id}" AND WorkflowType = "bookingWorkflow"`;
    const queries = [
      `${base} AND BookingStatus = "cancelled" AND ExamStartsAt = "${startsAt}"`,
      `${base} AND BookingStatus IN ("cancelled") AND NextNotificationAt = "${answer.noticeDueAt}"`,
    ];
    for (const query of queries) expect(await eventually(ids(query), (found) => found.includes(workflowId)), query).toContain(workflowId);
    expect(await ids(`${base} AND BookingStatus = "scheduled" AND ExamStartsAt = "${startsAt}"`)()).not.toContain(workflowId);

    // Stored as single values, not lists, and the memo names the new start.
    const raw = (await handleOf(a, booking.bookingId).describe()).raw;
    const fields = raw.workflowExecutionInfo!.searchAttributes!.indexedFields!;
    const decoded = (name: string) => JSON.parse(Buffer.from(fields[name]!.data!).toString()) as unknown;
    expect(decoded('BookingStatus')).toBe('cancelled');
    expect(decoded('ExamStartsAt')).toBe(startsAt);
    expect(decoded('NextNotificationAt')).toBe(answer.noticeDueAt);
    expect((await handleOf(a, booking.bookingId).describe()).memo).toMatchObject({ examStartsAt: startsAt });
    await handleOf(a, booking.bookingId).terminate('test done');
    await recordHistory('rescheduled-memo-then-cancelled-next-notification', handleOf(a, booking.bookingId));
  });
});

describe('creating a booking', () => {
  it('whose exam has started answers 400 invalid_time and starts nothing', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: -1, deadlineInHours: null });
    const res = await api.post(`/api/v1/institutions/${a.id}/bookings`, { token: a.booking, body: booking });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_time', details: [{ field: 'exam.startsAt' }] });
    const get = await api.get(`/api/v1/institutions/${a.id}/bookings/${booking.bookingId}`, { token: a.admin });
    expect(get.status).toBe(404);
  });

  it('whose payment deadline has passed is accepted; state and log say no reminder goes, and why', async () => {
    const booking = await create(a, makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: -1 }));
    const path = `/api/v1/institutions/${a.id}/bookings/${booking.bookingId}`;
    const view = await eventually(
      () => api.get(path, { token: a.admin }),
      (r) => r.body.notifications?.filter((n: { status: string }) => n.status === 'skipped').length === 2,
    );
    const reminders = (view.body.notifications as { kind: string; status: string; reason?: string; detail?: string }[]).filter((n) =>
      n.kind.startsWith('payment-reminder'),
    );
    expect(reminders.map((n) => [n.kind, n.status, n.reason]).sort()).toEqual([
      ['payment-reminder-patient', 'skipped', 'payment deadline passed'],
      ['payment-reminder-staff', 'skipped', 'payment deadline passed'],
    ]);
    // The workflow's own state says so too.
    const state = await handleOf(a, booking.bookingId).query('state');
    expect((state as { notifications: { kind: string; status: string; detail?: string }[] }).notifications.filter((n) => n.status === 'skipped').map((n) => n.detail)).toEqual([
      'payment deadline passed',
      'payment deadline passed',
    ]);
    const log = await eventually(
      () => api.get(`/api/v1/institutions/${a.id}/notifications?bookingId=${booking.bookingId}&status=skipped`, { token: a.admin }),
      (r) => r.body.items?.length === 2,
    );
    expect(log.body.items.map((n: { kind: string; reason: string }) => [n.kind, n.reason]).sort()).toEqual([
      ['payment-reminder-patient', 'payment deadline passed'],
      ['payment-reminder-staff', 'payment deadline passed'],
    ]);
    // Nothing planned, nothing sent beyond the creation e-mails.
    expect(of(await upcoming(a, '30d'), booking.bookingId)).toEqual([]);
    await sleep(500);
    expect(bed.engine.smtp.messages.filter((m) => m.bookingId === booking.bookingId && m.kind?.startsWith('payment-reminder'))).toEqual([]);
    await handleOf(a, booking.bookingId).terminate('test done');
    await recordHistory('deadline-passed-reminder-skipped', handleOf(a, booking.bookingId));
  });
});
