import { beforeAll, describe, expect, it } from 'vitest';
import type { NotificationKind, NotificationRequest } from '../../src/domain/types.js';
import { useTestDatabase } from '../support/database.js';
import {
  claimForSending,
  ensureNotification,
  getNotification,
  InvalidCursorError,
  listBookingNotifications,
  listNotifications,
  markAttemptFailed,
  markFailed,
  markSent,
  markSkipped,
  resetForResend,
  type NotificationRow,
} from '../../src/db/notifications.js';

const db = useTestDatabase(['clinic', 'other']);

let seq = 0;
function request(kind: NotificationKind, bookingId = 'B-1'): NotificationRequest {
  return {
    notificationId: `n-${++seq}`,
    institutionId: 'clinic',
    kind,
    booking: {
      bookingId,
      patient: { name: 'Ana Popescu', email: 'ana@example.com' },
      exam: { name: 'RMN cerebral', startsAt: '2026-12-01T09:30:00+02:00', durationMinutes: 30 },
    },
    context: {},
    dueAt: '2026-11-30T09:30:00.000Z',
  };
}

async function ensure(kind: NotificationKind = 'booking-created-staff', bookingId = 'B-1', institutionId = 'clinic') {
  const req = request(kind, bookingId);
  return ensureNotification(db.sql, {
    id: req.notificationId,
    institutionId,
    bookingId,
    kind,
    dueAt: req.dueAt,
    request: req,
  });
}

const claim = (id: string, leaseMs = 60_000) =>
  claimForSending(db.sql, id, {
    leaseMs,
    recipients: ['receptie@clinica.example'],
    bcc: ['arhiva@clinica.example'],
    subject: 'Programare nouă: RMN cerebral',
    messageId: `<${id}@ebn.local>`,
  });

describe('ensureNotification', () => {
  it('creates a pending row and returns an existing one unchanged', async () => {
    const row = await ensure();
    expect(row).toMatchObject({
      institutionId: 'clinic',
      bookingId: 'B-1',
      kind: 'booking-created-staff',
      status: 'pending',
      attempts: 0,
      recipients: [],
      bcc: [],
      dueAt: '2026-11-30T09:30:00.000Z',
      sentAt: null,
    });
    expect(row.request?.booking.exam.name).toBe('RMN cerebral');
    await claim(row.id);
    const again = await ensureNotification(db.sql, {
      id: row.id,
      institutionId: 'clinic',
      bookingId: 'B-1',
      kind: 'booking-created-staff',
      dueAt: null,
      request: null,
    });
    expect(again.status).toBe('sending');
    expect(again.dueAt).toBe('2026-11-30T09:30:00.000Z');
    expect(again.request).toEqual(row.request);
  });

  it('accepts an e-mail without booking or request (kind test)', async () => {
    const row = await ensureNotification(db.sql, {
      id: 'test-1',
      institutionId: 'clinic',
      bookingId: null,
      kind: 'test',
      dueAt: null,
      request: null,
    });
    expect(row).toMatchObject({ bookingId: null, request: null, dueAt: null, status: 'pending' });
  });
});

describe('sending lifecycle', () => {
  it('claims, then records the SMTP answer', async () => {
    const row = await ensure();
    const claimed = await claim(row.id);
    expect(claimed).toMatchObject({
      status: 'sending',
      attempts: 1,
      recipients: ['receptie@clinica.example'],
      bcc: ['arhiva@clinica.example'],
      subject: 'Programare nouă: RMN cerebral',
      messageId: `<${row.id}@ebn.local>`,
    });
    expect(Date.parse(claimed?.leaseUntil ?? '')).toBeGreaterThan(Date.now() + 30_000);

    const sent = await markSent(db.sql, row.id, '250 2.0.0 OK queued');
    expect(sent).toMatchObject({ status: 'sent', smtpResponse: '250 2.0.0 OK queued', leaseUntil: null });
    expect(sent?.sentAt).not.toBeNull();
    // Final: no second claim, no second "sent" record.
    expect(await claim(row.id)).toBeNull();
    expect(await markSent(db.sql, row.id, '250 again')).toBeNull();
    expect((await getNotification(db.sql, 'clinic', row.id))?.smtpResponse).toBe('250 2.0.0 OK queued');
  });

  it('lets exactly one of two simultaneous claims win', async () => {
    const row = await ensure();
    const results = await Promise.all([claim(row.id), claim(row.id), claim(row.id)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await getNotification(db.sql, 'clinic', row.id))?.attempts).toBe(1);
  });

  it('lets a new attempt take over an expired lease, not a live one', async () => {
    const row = await ensure();
    expect(await claim(row.id, 50)).not.toBeNull();
    expect(await claim(row.id)).toBeNull();
    await new Promise((r) => setTimeout(r, 120));
    const second = await claim(row.id);
    expect(second).toMatchObject({ status: 'sending', attempts: 2 });
    // The first attempt reports late: guarded by its attempt number, it changes nothing.
    expect(await markAttemptFailed(db.sql, row.id, { error: 'timeout', permanent: false, attempt: 1 })).toBeNull();
    expect((await getNotification(db.sql, 'clinic', row.id))?.status).toBe('sending');
  });

  it('puts a transient failure back to pending and counts the attempts', async () => {
    const row = await ensure();
    await claim(row.id);
    const failed = await markAttemptFailed(db.sql, row.id, { error: '421 try later', permanent: false, attempt: 1 });
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: '421 try later', leaseUntil: null, reason: null });
    expect(await claim(row.id)).toMatchObject({ attempts: 2 });
    const sent = await markSent(db.sql, row.id, '250 OK');
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: '421 try later' });
  });

  it('fails at once on a permanent error; only a failed row can be resent', async () => {
    const row = await ensure();
    expect(await resetForResend(db.sql, 'clinic', row.id)).toBeNull();
    await claim(row.id);
    const failed = await markAttemptFailed(db.sql, row.id, { error: '550 no such user', permanent: true, attempt: 1 });
    expect(failed).toMatchObject({ status: 'failed', reason: '550 no such user', attempts: 1 });
    // A failed row is final for the sender until an admin resends it.
    expect(await claim(row.id)).toBeNull();
    // Another institution cannot touch it.
    expect(await resetForResend(db.sql, 'other', row.id)).toBeNull();

    const reset = await resetForResend(db.sql, 'clinic', row.id);
    expect(reset).toMatchObject({ status: 'pending', reason: null, attempts: 1, lastError: '550 no such user' });
    expect(await resetForResend(db.sql, 'clinic', row.id)).toBeNull();
    expect(await claim(row.id)).toMatchObject({ attempts: 2 });
    expect(await markSent(db.sql, row.id, '250 OK')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await resetForResend(db.sql, 'clinic', row.id)).toBeNull();
  });

  it('marks failed when retries gave up', async () => {
    const row = await ensure();
    await claim(row.id);
    await markAttemptFailed(db.sql, row.id, { error: 'ECONNREFUSED', permanent: false, attempt: 1 });
    const failed = await markFailed(db.sql, row.id, 'gave up after 1 day: ECONNREFUSED');
    expect(failed).toMatchObject({ status: 'failed', reason: 'gave up after 1 day: ECONNREFUSED', lastError: 'ECONNREFUSED' });
    expect(await markFailed(db.sql, row.id, 'again')).toBeNull();
  });

  it('skips with a reason and the recipients it would have had', async () => {
    const row = await ensure('booking-cancelled-staff');
    const skipped = await markSkipped(db.sql, row.id, 'no recipients', { recipients: [] });
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'no recipients', attempts: 0 });
    expect(await claim(row.id)).toBeNull();
    expect(await markSkipped(db.sql, row.id, 'again')).toBeNull();
    expect(await resetForResend(db.sql, 'clinic', row.id)).toBeNull();
  });

  it('answers null for another institution or an unknown id', async () => {
    const row = await ensure();
    expect(await getNotification(db.sql, 'other', row.id)).toBeNull();
    expect(await getNotification(db.sql, 'clinic', 'nope')).toBeNull();
    expect(await claim('nope')).toBeNull();
  });
});

describe('delivery log listing', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    // Seven rows of one booking, some created in one statement so that created_at ties
    // and the id has to break them.
    for (let i = 0; i < 4; i++) ids.push((await ensure('booking-created-staff', 'LOG-1', 'other')).id);
    await db.sql.begin(async (tx) => {
      for (let i = 0; i < 3; i++) {
        const id = `log-tie-${i}`;
        await tx`INSERT INTO notifications (id, institution_id, booking_id, kind, status)
                 VALUES (${id}, 'other', 'LOG-1', 'booking-created-patient', 'pending')`;
        ids.push(id);
      }
    });
    await ensure('payment-reminder-staff', 'LOG-2', 'other');
  });

  it('pages newest first by 3 without duplicates or gaps', async () => {
    const seen: NotificationRow[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listNotifications(db.sql, { institutionId: 'other', bookingId: 'LOG-1', limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.createdAt >= b.createdAt).toBe(true);
      if (a.createdAt === b.createdAt) expect(a.id > b.id).toBe(true);
    }
    // The newest rows were the three made in one transaction.
    expect(seen.slice(0, 3).map((r) => r.id)).toEqual(['log-tie-2', 'log-tie-1', 'log-tie-0']);
  });

  it('answers no next cursor on an exact last page', async () => {
    const page = await listNotifications(db.sql, { institutionId: 'other', bookingId: 'LOG-1', limit: 7 });
    expect(page.items).toHaveLength(7);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by kind, status (sending is its own) and institution', async () => {
    const byKind = await listNotifications(db.sql, { institutionId: 'other', kind: 'payment-reminder-staff' });
    expect(byKind.items.map((r) => r.bookingId)).toEqual(['LOG-2']);

    await claim(ids[0]!);
    await markSkipped(db.sql, ids[1]!, 'no recipients');
    // The one in flight is 'sending', not 'pending'.
    const pending = await listNotifications(db.sql, { institutionId: 'other', bookingId: 'LOG-1', status: 'pending' });
    expect(pending.items).toHaveLength(5);
    expect(pending.items.some((r) => r.id === ids[0])).toBe(false);
    const sending = await listNotifications(db.sql, { institutionId: 'other', bookingId: 'LOG-1', status: 'sending' });
    expect(sending.items.map((r) => r.id)).toEqual([ids[0]]);
    const skipped = await listNotifications(db.sql, { institutionId: 'other', status: 'skipped' });
    expect(skipped.items.map((r) => r.id)).toEqual([ids[1]]);

    const clinicLog = await listNotifications(db.sql, { institutionId: 'clinic', bookingId: 'LOG-1' });
    expect(clinicLog.items).toEqual([]);
  });

  it('refuses a malformed cursor', async () => {
    const bad = [
      'not base64!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["2026-02-30T00:00:00.000000Z","x"]').toString('base64url'),
      Buffer.from('["yesterday","x"]').toString('base64url'),
      '',
    ];
    for (const cursor of bad) {
      await expect(listNotifications(db.sql, { institutionId: 'other', cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  it('lists one booking oldest first', async () => {
    const rows = await listBookingNotifications(db.sql, 'other', 'LOG-1');
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(await listBookingNotifications(db.sql, 'clinic', 'LOG-1')).toEqual([]);
  });
});
