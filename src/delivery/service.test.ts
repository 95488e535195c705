/**
 * The delivery service against the machine's PostgreSQL, with a stand-in SMTP transport whose
 * answers the test releases one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { makeBooking, seedInstitution } from '../../test/support/fixtures.js';
import { getNotification } from '../db/notifications.js';
import type { NotificationRequest } from '../domain/types.js';
import type { MailTransport } from '../email/transport.js';
import { createLogger } from '../logger.js';
import type { DeliveryDeps } from './deps.js';
import { TransientDeliveryError } from './errors.js';
import { deliverNotification, sendTestEmail } from './service.js';

const INST = 'clinica-service';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedInstitution(db.sql, INST);
});
afterAll(async () => {
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
