/**
 * The engine against real parts in real time: `temporal server start-dev` (from
 * .tools/venv), the machine's PostgreSQL and a real SMTP server in this process.
 */
import { formatKeyRing } from '../../src/codec/key-ring.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNotification } from '../../src/db/notifications.js';
import { notificationId } from '../../src/workflows/ids.js';
import { startEngine, workerProcessEnv, type Engine } from '../support/engine.js';
import { bookingIds, makeBooking, seedInstitution, sleep, STAFF } from '../support/fixtures.js';
import { WorkerProcess } from '../support/worker-process.js';

const HOUR = 3_600_000;
const INST = 'clinica-live';
const nextId = bookingIds('LIVE');

describe('delivery on a dev server', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine('dev-server');
    await seedInstitution(engine.db.sql, INST);
  });
  afterAll(async () => engine?.stop());
  beforeEach(() => engine.smtp.reset());

  it('sends the staff e-mail and the patient e-mail, with BCC in the envelope and in no header', async () => {
    const booking = makeBooking(Date.now(), { id: nextId() });
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);

    const [staff] = engine.smtp.byKind('booking-created-staff', booking.bookingId);
    const [patient] = engine.smtp.byKind('booking-created-patient', booking.bookingId);
    expect(staff!.envelopeTo.sort()).toEqual([STAFF.planning, STAFF.reception].sort());
    expect(staff!.parsed.text).toContain('Pacientul are implant dentar.');
    expect(staff!.parsed.text).toContain('+40 712 345 678');

    expect(patient!.envelopeTo.sort()).toEqual(['ana.popescu@example.com', STAFF.bccOn].sort());
    expect(patient!.parsed.to).toMatchObject({ value: [{ address: 'ana.popescu@example.com' }] });
    for (const message of [staff!, patient!]) {
      expect(message.rawHeaders.toLowerCase()).not.toContain(STAFF.bccOn);
      expect(message.rawHeaders.toLowerCase()).not.toMatch(/^bcc:/m);
      expect(message.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(message.parsed.messageId).toMatch(/^<[0-9a-f]{32}@clinica\.test>$/);
    }
    // Patients never see staff lists.
    expect(patient!.raw).not.toContain(STAFF.reception);
    expect(patient!.raw).not.toContain(STAFF.planning);
  });

  it('retries an SMTP 451 with back-off: one message arrives and the log row counts 3 attempts', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), deadlineInHours: null });
    let staffAttempts = 0;
    engine.smtp.respond = (_n, raw) => {
      if (!raw.includes('X-Notification-Kind: booking-created-staff')) return undefined;
      staffAttempts += 1;
      return staffAttempts <= 2 ? { code: 451, message: '4.3.0 try again later' } : undefined;
    };
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.some((x) => x.bookingId === booking.bookingId && x.kind === 'booking-created-staff'), 60_000);
    await sleep(500);

    expect(engine.smtp.byKind('booking-created-staff', booking.bookingId)).toHaveLength(1);
    const row = await getNotification(engine.db.sql, INST, notificationId(INST, booking.bookingId, 'created', 'staff'));
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(row!.lastError).toContain('451');
  });

  it('logs a 550 as failed and still sends the booking later e-mails', async () => {
    const now = Date.now();
    // The payment reminder falls due 4 seconds from now (deadline − 24 h).
    const booking = makeBooking(now, { id: nextId(), deadlineInHours: 24 + 4 / 3600 });
    engine.smtp.respond = (_n, raw) =>
      raw.includes('X-Notification-Kind: booking-created-patient') ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined;
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId && x.kind?.startsWith('payment-reminder')).length === 2);

    const row = await getNotification(engine.db.sql, INST, notificationId(INST, booking.bookingId, 'created', 'patient'));
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toContain('550');
    expect(engine.smtp.byKind('booking-created-patient', booking.bookingId)).toHaveLength(0);
    expect(engine.smtp.byKind('booking-created-staff', booking.bookingId)).toHaveLength(1);
    const state = await engine.bookings.getState(INST, booking.bookingId);
    expect(state.notifications.find((n) => n.kind === 'booking-created-patient')).toMatchObject({ status: 'failed' });
  });
});

describe('a worker killed while a booking waits', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine('dev-server', { inProcessWorker: false });
    await seedInstitution(engine.db.sql, INST);
  });
  afterAll(async () => engine?.stop());

  it('delivers the due e-mail once after it is started again', async () => {
    const env = workerProcessEnv(engine);
    const first = await WorkerProcess.start(env);
    const dueInMs = 8_000;
    const booking = makeBooking(Date.now(), { id: nextId(), deadlineInHours: 24 + dueInMs / HOUR });
    const dueAt = Date.parse(booking.payment!.deadline) - 24 * HOUR;
    await engine.bookings.start(INST, booking);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length === 2);
    await first.kill('SIGKILL');

    await sleep(Math.max(0, dueAt - Date.now()) + 2_000);
    expect(engine.smtp.messages.some((m) => m.kind?.startsWith('payment-reminder'))).toBe(false);

    const second = await WorkerProcess.start(env);
    try {
      await engine.smtp.waitFor((m) => m.filter((x) => x.kind?.startsWith('payment-reminder')).length === 2, 60_000);
      await sleep(3_000); // room for a duplicate to show up, if one were coming
      expect(engine.smtp.byKind('payment-reminder-patient', booking.bookingId)).toHaveLength(1);
      expect(engine.smtp.byKind('payment-reminder-staff', booking.bookingId)).toHaveLength(1);
      expect(engine.smtp.byKind('booking-created-staff', booking.bookingId)).toHaveLength(1);
    } finally {
      await second.kill('SIGTERM');
    }
  });

  it('refuses to start with a bad variable and names it', async () => {
    const { code, output } = await WorkerProcess.run({ DATABASE_URL: 'mysql://nope', SMTP_URL: engine.smtp.url, TEMPORAL_ADDRESS: engine.env.address, PAYLOAD_KEYS: formatKeyRing(engine.keyRing) });
    expect(code).not.toBe(0);
    expect(output).toContain('DATABASE_URL');
  });
});
