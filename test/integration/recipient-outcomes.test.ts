/**
 * Per-recipient outcomes against real parts: the Temporal dev server, PostgreSQL, and an SMTP
 * server that refuses chosen addresses at RCPT TO (550) or defers them (450) a few times.
 * What the log says of each recipient, and who receives how many copies.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNotification } from '../../src/db/notifications.js';
import { saveSettings } from '../../src/db/settings.js';
import { deliveryProblemOf } from '../../src/delivery/final-outcome.js';
import { resendNotification } from '../../src/delivery/service.js';
import { createLogger } from '../../src/logger.js';
import { notificationId } from '../../src/workflows/ids.js';
import { startEngine, type Engine } from '../support/engine.js';
import { bookingIds, makeBooking, seedInstitution, SETTINGS, sleep, STAFF } from '../support/fixtures.js';

const INST = 'clinica-rcpt';
const PATIENT = 'ana.popescu@example.com';
const nextId = bookingIds('RCPT');

describe('per-recipient outcomes at the SMTP peer', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine('dev-server');
    await seedInstitution(engine.db.sql, INST);
  });
  afterAll(async () => engine?.stop());
  beforeEach(() => engine.smtp.reset());

  const row = (bookingId: string, event: string, audience: 'staff' | 'patient') =>
    getNotification(engine.db.sql, INST, notificationId(INST, bookingId, event, audience));

  it('patient refused with 550, BCC accepted: partial, each recipient\'s answer, the BCC gets one copy', async () => {
    engine.smtp.refuseRecipient(PATIENT, 550, '5.1.1 <ana.popescu@example.com>: no such user');
    const booking = makeBooking(Date.now(), { id: nextId(), deadlineInHours: null });
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);
    await sleep(1_500); // room for a wrong retry to show up

    const patient = await row(booking.bookingId, 'created', 'patient');
    expect(patient).toMatchObject({ status: 'partial', attempts: 1 });
    expect(patient!.recipientOutcomes).toEqual([
      expect.objectContaining({ address: PATIENT, bcc: false, outcome: 'refused', code: 550, enhancedCode: '5.1.1' }),
      expect.objectContaining({ address: STAFF.bccOn, bcc: true, outcome: 'accepted', code: 250 }),
    ]);
    expect(patient!.recipientOutcomes[0]!.response).toContain('no such user');
    expect(patient!.reason).toContain(PATIENT);

    expect(engine.smtp.copiesTo(STAFF.bccOn, booking.bookingId)).toHaveLength(1);
    expect(engine.smtp.copiesTo(PATIENT, booking.bookingId)).toHaveLength(0);
    // A 5xx is not retried: the patient was asked once.
    expect(engine.smtp.rcptAsked.filter((a) => a === PATIENT)).toHaveLength(1);

    const state = await engine.bookings.getState(INST, booking.bookingId);
    expect(state.notifications.find((n) => n.kind === 'booking-created-patient')).toMatchObject({ status: 'partial' });
    expect(deliveryProblemOf(patient!)).toMatchObject({ status: 'partial', unreached: [expect.objectContaining({ address: PATIENT })] });
  });

  it('one of two staff addresses refused: partial, the other one gets exactly one copy; a resend reaches only the replacement', async () => {
    engine.smtp.refuseRecipient(STAFF.planning, 550, '5.1.1 mailbox unavailable');
    const booking = makeBooking(Date.now(), { id: nextId(), deadlineInHours: null });
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);
    await sleep(1_500);

    const staff = await row(booking.bookingId, 'created', 'staff');
    expect(staff).toMatchObject({ status: 'partial', attempts: 1 });
    expect(staff!.recipientOutcomes).toEqual([
      expect.objectContaining({ address: STAFF.reception, outcome: 'accepted' }),
      expect.objectContaining({ address: STAFF.planning, outcome: 'refused', code: 550 }),
    ]);
    expect(engine.smtp.copiesTo(STAFF.reception, booking.bookingId)).toHaveLength(1);

    // The admin fixes the address in the settings, then resends the partial entry.
    const fixed = 'planificare.noua@clinica.test';
    await saveSettings(engine.db.sql, {
      institutionId: INST,
      settings: { ...SETTINGS, bookingRecipients: [STAFF.reception, fixed] },
      updatedBy: 'test',
    });
    const before = engine.smtp.messages.length;
    const deps = { sql: engine.db.sql, mail: engine.mail, mailFrom: 'notificari@clinica.test', logger: createLogger({ level: 'silent' }) };
    try {
      const resent = await resendNotification(deps, INST, staff!.id);
      expect(resent).toMatchObject({ status: 'sent', attempts: 2, recipients: [STAFF.reception, fixed] });
      expect(resent.recipientOutcomes).toEqual([
        expect.objectContaining({ address: STAFF.reception, outcome: 'accepted' }),
        expect.objectContaining({ address: fixed, outcome: 'accepted' }),
      ]);
      const sentNow = engine.smtp.messages.slice(before);
      expect(sentNow).toHaveLength(1);
      expect(sentNow[0]!.envelopeTo).toEqual([fixed]);
      expect(sentNow[0]!.parsed.messageId).toBe(engine.smtp.copiesTo(STAFF.reception, booking.bookingId)[0]!.parsed.messageId);
      expect(engine.smtp.copiesTo(STAFF.reception, booking.bookingId)).toHaveLength(1);
    } finally {
      await saveSettings(engine.db.sql, { institutionId: INST, settings: SETTINGS, updatedBy: 'test' });
    }
  });

  it('a 450 for one recipient, then acceptance: that recipient alone is retried and gets one copy, the other none again', async () => {
    engine.smtp.refuseRecipient(STAFF.planning, 450, '4.2.1 mailbox busy, try later', 2);
    const booking = makeBooking(Date.now(), { id: nextId(), deadlineInHours: null });
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => engine.smtp.copiesTo(STAFF.planning, booking.bookingId).length >= 1, 60_000);
    await sleep(1_500);

    const staff = await row(booking.bookingId, 'created', 'staff');
    expect(staff).toMatchObject({ status: 'sent', attempts: 3 });
    expect(staff!.recipientOutcomes).toEqual([
      expect.objectContaining({ address: STAFF.reception, outcome: 'accepted' }),
      expect.objectContaining({ address: STAFF.planning, outcome: 'accepted' }),
    ]);
    expect(staff!.lastError).toContain('450');
    const reception = engine.smtp.copiesTo(STAFF.reception, booking.bookingId);
    const planning = engine.smtp.copiesTo(STAFF.planning, booking.bookingId);
    expect(reception).toHaveLength(1);
    expect(planning).toHaveLength(1);
    // The retry went to the deferred recipient alone, as the same message.
    expect(planning[0]!.envelopeTo).toEqual([STAFF.planning]);
    expect(planning[0]!.parsed.messageId).toBe(reception[0]!.parsed.messageId);
    expect(planning[0]!.parsed.subject).toBe(reception[0]!.parsed.subject);
    expect(engine.smtp.rcptAsked.filter((a) => a === STAFF.reception)).toHaveLength(1);
    expect(engine.smtp.rcptAsked.filter((a) => a === STAFF.planning)).toHaveLength(3);
  });
});
