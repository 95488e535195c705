/**
 * The delivery service against the machine's PostgreSQL, with a stand-in SMTP transport whose
 * answers the test releases one by one: the races between attempts of one notification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { makeBooking, seedInstitution, sleep, STAFF } from '../support/fixtures.js';
import { getNotification } from '../../src/db/notifications.js';
import type { NotificationRequest } from '../../src/domain/types.js';
import type { MailTransport } from '../../src/email/transport.js';
import { createLogger } from '../../src/logger.js';
import type { DeliveryDeps } from '../../src/delivery/deps.js';
import { DeliveryInFlightError, TransientDeliveryError } from '../../src/delivery/errors.js';
import { deliverNotification, sendTestEmail } from '../../src/delivery/service.js';

const INST = 'clinica-service';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedInstitution(db.sql, INST);
});
afterAll(async () => {
  await db?.drop();
});

const smtpError = (responseCode: number, response: string) =>
  Object.assign(new Error(response), { code: 'EMESSAGE', responseCode, response });

/** A transport whose every sendMail waits until the test answers it. */
function heldTransport() {
  const calls: { accept(response: string): void; refuse(err: Error): void }[] = [];
  const mail = {
    sendMail: () =>
      new Promise((resolve, reject) => {
        calls.push({ accept: (response) => resolve({ response }), refuse: reject });
      }),
  } as unknown as MailTransport;
  return { mail, calls };
}

const depsWith = (mail: MailTransport, leaseMs: number): DeliveryDeps => ({
  sql: db.sql,
  mail,
  mailFrom: 'notificari@clinica.test',
  logger: createLogger({ level: 'silent' }),
  leaseMs,
});

let seq = 0;
function request(): NotificationRequest {
  const booking = makeBooking(Date.now(), { id: `SVC-${++seq}` });
  return {
    notificationId: `${INST}/${booking.bookingId}/created/staff`,
    institutionId: INST,
    kind: 'booking-created-staff',
    booking,
    context: {},
    dueAt: new Date().toISOString(),
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
};

/** Attempt 1 claims with a short lease and hangs in SMTP until its lease has run out. */
async function firstAttemptOutlivesItsLease(req: NotificationRequest) {
  const first = heldTransport();
  const running = deliverNotification(depsWith(first.mail, 50), req);
  running.catch(() => {}); // settled and checked by the test
  await until(() => first.calls.length === 1);
  await sleep(120);
  return { running, answer: first.calls[0]! };
}

describe('a late report of an attempt whose lease was taken over', () => {
  it.each([
    ['transient (451)', smtpError(451, '451 4.3.0 try again later')],
    ['permanent (550)', smtpError(550, '550 5.1.1 mailbox unavailable')],
  ])('does not overwrite the newer attempt\'s sent row: %s', async (_name, failure) => {
    const req = request();
    const first = await firstAttemptOutlivesItsLease(req);

    const second = heldTransport();
    const secondRun = deliverNotification(depsWith(second.mail, 60_000), req);
    await until(() => second.calls.length === 1);
    second.calls[0]!.accept('250 2.0.0 accepted by the second attempt');
    await expect(secondRun).resolves.toMatchObject({ status: 'sent', attempts: 2 });

    first.answer.refuse(failure);
    // The first attempt learns that the notification was sent: nothing to retry, nothing recorded.
    await expect(first.running).resolves.toMatchObject({ status: 'sent', attempts: 2, detail: '250 2.0.0 accepted by the second attempt' });
    expect(await getNotification(db.sql, INST, req.notificationId)).toMatchObject({
      status: 'sent',
      attempts: 2,
      smtpResponse: '250 2.0.0 accepted by the second attempt',
      reason: null,
      lastError: null,
      recipients: [STAFF.reception, STAFF.planning],
    });
  });

  it.each([
    ['transient (451)', smtpError(451, '451 4.3.0 try again later')],
    ['permanent (550)', smtpError(550, '550 5.1.1 mailbox unavailable')],
  ])('leaves the row to the newer attempt still talking to SMTP, so no third attempt sends: %s', async (_name, failure) => {
    const req = request();
    const first = await firstAttemptOutlivesItsLease(req);

    const second = heldTransport();
    const secondRun = deliverNotification(depsWith(second.mail, 60_000), req);
    await until(() => second.calls.length === 1);
    const leased = await getNotification(db.sql, INST, req.notificationId);
    expect(leased).toMatchObject({ status: 'sending', attempts: 2 });

    first.answer.refuse(failure);
    // Not recorded: the second attempt holds the row, so the first one is told to come back later.
    await expect(first.running).rejects.toBeInstanceOf(DeliveryInFlightError);
    expect(await getNotification(db.sql, INST, req.notificationId)).toMatchObject({
      status: 'sending',
      attempts: 2,
      leaseUntil: leased!.leaseUntil,
      reason: null,
      lastError: null,
    });

    // A retry meanwhile finds the lease live and sends nothing.
    const third = heldTransport();
    await expect(deliverNotification(depsWith(third.mail, 60_000), req)).rejects.toBeInstanceOf(DeliveryInFlightError);
    expect(third.calls).toHaveLength(0);

    second.calls[0]!.accept('250 2.0.0 accepted');
    await expect(secondRun).resolves.toMatchObject({ status: 'sent', attempts: 2 });
    expect(await getNotification(db.sql, INST, req.notificationId)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });
});

describe('deliverNotification', () => {
  it('throws a transient failure to be retried and returns a permanent one', async () => {
    const transient = heldTransport();
    const req = request();
    const run = deliverNotification(depsWith(transient.mail, 60_000), req);
    await until(() => transient.calls.length === 1);
    transient.calls[0]!.refuse(smtpError(451, '451 4.3.0 try again later'));
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientDeliveryError);
    expect((err as TransientDeliveryError).message).toBe('EMESSAGE 451 451 4.3.0 try again later');
    expect(await getNotification(db.sql, INST, req.notificationId)).toMatchObject({ status: 'pending', attempts: 1 });

    const permanent = heldTransport();
    const again = deliverNotification(depsWith(permanent.mail, 60_000), req);
    await until(() => permanent.calls.length === 1);
    permanent.calls[0]!.refuse(smtpError(550, '550 5.1.1 mailbox unavailable'));
    await expect(again).resolves.toMatchObject({ status: 'failed', attempts: 2, detail: 'EMESSAGE 550 550 5.1.1 mailbox unavailable' });
  });
});

describe('sendTestEmail', () => {
  it('takes any failure, even a 4xx, as final: one attempt, logged as failed', async () => {
    const held = heldTransport();
    const run = sendTestEmail(depsWith(held.mail, 60_000), INST, 'cancellation');
    await until(() => held.calls.length === 1);
    held.calls[0]!.refuse(smtpError(451, '451 4.3.0 try again later'));
    await expect(run).resolves.toMatchObject({ kind: 'test', status: 'failed', attempts: 1, reason: expect.stringMatching(/451/) });
  });
});
