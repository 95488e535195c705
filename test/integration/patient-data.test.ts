/**
 * Patient data in Temporal: what the server stores is sealed. Bookings go through every path
 * (created, cancelled late and early, reminded, paid, rescheduled, a 550, 451s retried, a day
 * of 451s given up); their raw histories and descriptions, read without the key, hold none of
 * the patient's name, e-mail, phone, notes or exam name; opened with the key, they do.
 */
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { BookingClient } from '../../src/client/booking-client.js';
import { EncryptionCodec, payloadKeyId } from '../../src/codec/encryption-codec.js';
import { parseKeyRing, formatKeyRing } from '../../src/codec/key-ring.js';
import { getNotification } from '../../src/db/notifications.js';
import type { Booking } from '../../src/domain/types.js';
import { createLogger } from '../../src/logger.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { bookingWorkflowsPath, createBookingWorker } from '../../src/temporal/worker-factory.js';
import { bookingWorkflowId, notificationId } from '../../src/workflows/ids.js';
import { startEngine, type Engine } from '../support/engine.js';
import { makeBooking, seedInstitution, SETTINGS, sleep, STAFF } from '../support/fixtures.js';
import { found, openedHistoryText, payloadsIn, rawHistory, rawRunBytes } from '../support/history-scan.js';
import { testKeyRing } from '../support/keys.js';

const HOUR = 3_600_000;
let seq = 0;

const PATIENT = {
  name: 'Ioana Vlădescu-Marin',
  email: 'ioana.vladescu@patients.test',
  phone: '+40 799 111 222',
  notes: 'Alergie la substanța de contrast iodată',
  exam: 'Tomografie abdominală cu contrast',
};
const NEEDLES = [PATIENT.name, PATIENT.email, PATIENT.phone, PATIENT.notes, PATIENT.exam];

/** The fixtures' booking, carrying this file's patient. */
function patientBooking(nowMs: number, opts: Parameters<typeof makeBooking>[1] = {}): Booking {
  const b = makeBooking(nowMs, { id: `PD-${Date.now().toString(36)}-${++seq}`, ...opts });
  return {
    ...b,
    patient: { name: PATIENT.name, email: PATIENT.email, phone: PATIENT.phone },
    exam: { ...b.exam, name: PATIENT.exam },
    notes: PATIENT.notes,
  };
}

/** SMTP answers that quote the refused address, as real servers do. */
const refusal = (code: number) => ({ code, message: `${code === 550 ? '5.1.1' : '4.2.0'} <${PATIENT.email}>: ${code === 550 ? 'user unknown' : 'mailbox busy, try later'}` });

describe('on a dev server, every path of a booking', () => {
  const INST = 'clinica-pd';
  let engine: Engine;
  let codec: EncryptionCodec;
  const ids: Record<string, string> = {};
  const attemptsOf: Record<string, number> = {};
  let midRetry: Buffer | undefined;
  let midRetryOpened = '';

  beforeAll(async () => {
    engine = await startEngine('dev-server');
    codec = new EncryptionCodec(engine.keyRing);
    await seedInstitution(engine.db.sql, INST, {
      ...SETTINGS,
      cancellation: { recipients: [STAFF.cancellations], noticeHours: 1 },
      paymentReminder: { recipients: [STAFF.billing], hoursBefore: 1 },
    });
    engine.smtp.respond = (_n, raw) => {
      const id = /^x-booking-id:\s*(\S+)/im.exec(raw)?.[1] ?? "";
      const patientMail = raw.includes('X-Notification-Kind: booking-created-patient');
      if (!patientMail) return undefined;
      if (id === ids.failed) return refusal(550);
      if (id === ids.retried) {
        attemptsOf[id] = (attemptsOf[id] ?? 0) + 1;
        return attemptsOf[id]! <= 2 ? refusal(451) : undefined;
      }
      return undefined;
    };

    const now = Date.now();
    const start = async (name: string, booking: Booking) => {
      ids[name] = booking.bookingId;
      await engine.bookings.start(INST, booking);
    };
    await start('created', patientBooking(now));
    await start('cancelledLate', patientBooking(now, { startsInHours: 0.5, deadlineInHours: null }));
    await start('cancelledEarly', patientBooking(now, { deadlineInHours: null }));
    await start('reminded', patientBooking(now, { deadlineInHours: 1 + 4 / 3600 }));
    await start('paid', patientBooking(now));
    await start('rescheduled', patientBooking(now));
    await start('failed', patientBooking(now, { deadlineInHours: null }));
    await start('retried', patientBooking(now, { deadlineInHours: null }));

    await engine.bookings.cancel(INST, ids.cancelledLate!, { reason: `${PATIENT.name} nu poate veni`, cancelledBy: 'recepție' });
    await engine.bookings.cancel(INST, ids.cancelledEarly!, { reason: 'reprogramare', cancelledBy: PATIENT.name });
    await engine.bookings.markPaid(INST, ids.paid!, {});
    const later = Date.now() + 96 * HOUR;
    await engine.bookings.reschedule(INST, ids.rescheduled!, {
      startsAt: new Date(later).toISOString(),
      paymentDeadline: new Date(later - 24 * HOUR).toISOString(),
    });

    // While the 451s are being retried, the pending activity's last failure quotes the address.
    const retriedId = bookingWorkflowId(INST, ids.retried!);
    for (let i = 0; i < 100 && (attemptsOf[ids.retried!] ?? 0) < 2; i++) await sleep(100);
    for (let i = 0; i < 100; i++) {
      const d = await engine.env.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: retriedId } });
      if ((d.pendingActivities ?? []).some((a) => a.lastFailure)) {
        midRetry = await rawRunBytes(engine.env.client, retriedId);
        const opened = await codec.decode(payloadsIn(d.pendingActivities));
        midRetryOpened = opened.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
        break;
      }
      await sleep(100);
    }

    const mailed = (id: string, kind: string) => (m: { bookingId: string | undefined; kind: string | undefined }[]) =>
      m.some((x) => x.bookingId === id && x.kind === kind);
    await engine.smtp.waitFor(mailed(ids.cancelledLate!, 'booking-cancelled-staff'), 30_000);
    await engine.smtp.waitFor(mailed(ids.reminded!, 'payment-reminder-patient'), 30_000);
    await engine.smtp.waitFor(mailed(ids.rescheduled!, 'booking-rescheduled-patient'), 30_000);
    await engine.smtp.waitFor(mailed(ids.retried!, 'booking-created-patient'), 60_000);
    for (let i = 0; i < 100; i++) {
      const row = await getNotification(engine.db.sql, INST, notificationId(INST, ids.failed!, 'created', 'patient'));
      if (row?.status === 'failed') break;
      await sleep(200);
    }
  }, 180_000);
  afterAll(async () => engine?.stop());

  it('the raw histories and descriptions hold no patient data', async () => {
    for (const [path, bookingId] of Object.entries(ids)) {
      const bytes = await rawRunBytes(engine.env.client, bookingWorkflowId(INST, bookingId));
      expect(bytes.length, path).toBeGreaterThan(1000);
      expect(found(bytes, NEEDLES), `${path}: raw history or description`).toEqual([]);
    }
    expect(midRetry, 'a description taken while 451s were retried').toBeDefined();
    expect(found(midRetry!, NEEDLES)).toEqual([]);
  });

  it('opened with the key, the same histories hold them (input, update arguments, failures)', async () => {
    for (const [path, bookingId] of Object.entries(ids)) {
      const text = await openedHistoryText(engine.env.client, bookingWorkflowId(INST, bookingId), codec);
      expect(text, path).toContain(PATIENT.email);
      expect(text, path).toContain(PATIENT.exam);
      expect(text, path).toContain(PATIENT.notes);
    }
    // The cancellation reason names the patient: sealed in the update's arguments.
    const late = await openedHistoryText(engine.env.client, bookingWorkflowId(INST, ids.cancelledLate!), codec);
    expect(late).toContain(`${PATIENT.name} nu poate veni`);
    // The 550's answer quotes the address: sealed in the activity's result.
    const failed = await openedHistoryText(engine.env.client, bookingWorkflowId(INST, ids.failed!), codec);
    expect(failed).toMatch(/550 5\.1\.1 <ioana\.vladescu@patients\.test>/);
    // The 451's failure, while retried: sealed in the pending activity's last failure.
    expect(midRetryOpened).toContain(`<${PATIENT.email}>`);
  });

  it('workflow ids, search attributes and the memo name no patient', async () => {
    for (const bookingId of Object.values(ids)) {
      const handle = engine.env.client.workflow.getHandle(bookingWorkflowId(INST, bookingId));
      const d = await handle.describe();
      expect(found(Buffer.from(d.workflowId), NEEDLES)).toEqual([]);
      const attributes = JSON.stringify(d.typedSearchAttributes.getAll());
      expect(attributes).toContain(INST);
      expect(found(Buffer.from(attributes), NEEDLES)).toEqual([]);
      const memo = await d.memo;
      expect(Object.keys(memo ?? {}).sort()).toEqual(['bookingId', 'examStartsAt', 'institutionId']);
      expect(found(Buffer.from(JSON.stringify(memo)), NEEDLES)).toEqual([]);
    }
  });
});

describe('on the time-skipping server, a day of 451s given up', () => {
  const INST = 'clinica-pd-day';
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine('time-skipping');
    await seedInstitution(engine.db.sql, INST);
  });
  afterAll(async () => engine?.stop());

  it('seals the failures of every attempt and the give-up record', async () => {
    engine.smtp.respond = (_n, raw) => (raw.includes('X-Notification-Kind: booking-created-patient') ? refusal(451) : undefined);
    const booking = patientBooking(await engine.env.currentTimeMs(), { deadlineInHours: null, startsInHours: 30 });
    await engine.bookings.start(INST, booking);
    const handle = engine.env.client.workflow.getHandle(bookingWorkflowId(INST, booking.bookingId));
    await handle.result();
    const row = await getNotification(engine.db.sql, INST, notificationId(INST, booking.bookingId, 'created', 'patient'));
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.reason ?? row!.lastError).toMatch(/gave up retrying/);

    const bytes = await rawRunBytes(engine.env.client, handle.workflowId);
    expect(found(bytes, NEEDLES)).toEqual([]);
    const opened = await openedHistoryText(engine.env.client, handle.workflowId, new EncryptionCodec(engine.keyRing));
    expect(opened).toContain(`<${PATIENT.email}>: mailbox busy`);
  }, 240_000);
});

describe('bookings written before encryption, and key rotation', () => {
  const INST = 'clinica-pd-keys';
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine('dev-server', { inProcessWorker: false });
    await seedInstitution(engine.db.sql, INST, {
      ...SETTINGS,
      cancellation: { recipients: [STAFF.cancellations], noticeHours: 1 },
      paymentReminder: { recipients: [STAFF.billing], hoursBefore: 1 },
    });
  });
  afterAll(async () => engine?.stop());

  const deps = () => ({ sql: engine.db.sql, mail: engine.mail, mailFrom: 'notificari@clinica.test', logger: createLogger({ level: 'silent' }) });
  const running = async (worker: Worker) => {
    const done = worker.run();
    return async () => {
      worker.shutdown();
      await done;
    };
  };
  const startedKeyId = async (client: Client, bookingId: string) => {
    const history = await rawHistory(client, bookingWorkflowId(INST, bookingId));
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return input ? (payloadKeyId(input as never) ?? 'plain') : undefined;
  };

  it('a booking started without the codec is cancelled and reminded by a worker with it', async () => {
    // The service as it was: no data converter on the client or the worker.
    const plainClient = new Client({ connection: engine.env.connection, namespace: 'default' });
    const plainBookings = new BookingClient({ client: plainClient, sql: engine.db.sql, taskQueue: engine.taskQueue });
    const stopPlain = await running(
      await Worker.create({
        connection: engine.env.nativeConnection,
        taskQueue: engine.taskQueue,
        workflowsPath: bookingWorkflowsPath(),
        activities: createActivities(deps()),
      }),
    );
    const now = Date.now();
    const toCancel = patientBooking(now, { startsInHours: 72, deadlineInHours: null });
    const toRemind = patientBooking(now, { deadlineInHours: 1 + 25 / 3600 });
    await plainBookings.start(INST, toCancel);
    await plainBookings.start(INST, toRemind);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === toCancel.bookingId || x.bookingId === toRemind.bookingId).length === 4);
    expect(await startedKeyId(plainClient, toCancel.bookingId)).toBe('plain');
    await stopPlain();

    // Upgraded: the worker and the client seal; the plain histories still read.
    const stopSealed = await running(
      await createBookingWorker({ connection: engine.env.nativeConnection, taskQueue: engine.taskQueue, keyRing: engine.keyRing, deps: deps() }),
    );
    try {
      const answer = await engine.bookings.cancel(INST, toCancel.bookingId, { reason: 'upgrade test' });
      expect(answer.lastMinute).toBe(false);
      await engine.smtp.waitFor((m) => m.some((x) => x.bookingId === toCancel.bookingId && x.kind === 'booking-cancelled-patient'));
      await engine.smtp.waitFor((m) => m.some((x) => x.bookingId === toRemind.bookingId && x.kind === 'payment-reminder-patient'), 60_000);
      const state = await engine.bookings.getState(INST, toCancel.bookingId);
      expect(state.status).toBe('cancelled');
      expect(engine.smtp.byKind('payment-reminder-staff', toRemind.bookingId)).toHaveLength(1);
      // The update written after the upgrade is sealed; the start written before is not.
      const history = await rawHistory(engine.env.client, bookingWorkflowId(INST, toCancel.bookingId));
      const update = history.events?.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      const args = update?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0];
      expect(payloadKeyId(args as never)).toBe('test-key');
    } finally {
      await stopSealed();
    }
  }, 150_000);

  it('rotation: a booking started under key A still sends its reminder with the ring [B, A]; new bookings use B', async () => {
    const ringA = testKeyRing('key-a');
    const keyB = formatKeyRing(testKeyRing('key-b'));
    const ringBA = parseKeyRing(`${keyB}${formatKeyRing(ringA)}`);
    const clientA = createServiceClient({ connection: engine.env.connection, keyRing: ringA });
    const clientBA = createServiceClient({ connection: engine.env.connection, keyRing: ringBA });
    const bookingsA = new BookingClient({ client: clientA, sql: engine.db.sql, taskQueue: engine.taskQueue });
    const bookingsBA = new BookingClient({ client: clientBA, sql: engine.db.sql, taskQueue: engine.taskQueue });

    const stopA = await running(
      await createBookingWorker({ connection: engine.env.nativeConnection, taskQueue: engine.taskQueue, keyRing: ringA, deps: deps() }),
    );
    const old = patientBooking(Date.now(), { deadlineInHours: 1 + 25 / 3600 });
    await bookingsA.start(INST, old);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === old.bookingId).length === 2);
    await stopA();

    const stopBA = await running(
      await createBookingWorker({ connection: engine.env.nativeConnection, taskQueue: engine.taskQueue, keyRing: ringBA, deps: deps() }),
    );
    try {
      await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === old.bookingId && x.kind?.startsWith('payment-reminder')).length === 2, 60_000);
      const fresh = patientBooking(Date.now());
      await bookingsBA.start(INST, fresh);
      await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === fresh.bookingId).length === 2);
      expect(await startedKeyId(clientBA, old.bookingId)).toBe('key-a');
      expect(await startedKeyId(clientBA, fresh.bookingId)).toBe('key-b');
      // The old booking's reminder activity was scheduled under the ring [B, A]: sealed with B.
      const history = await rawHistory(clientBA, bookingWorkflowId(INST, old.bookingId));
      const keys = history.events
        ?.map((e) => e.activityTaskScheduledEventAttributes?.input?.payloads?.[0])
        .filter((p) => p !== undefined && p !== null)
        .map((p) => payloadKeyId(p as never));
      expect(keys?.at(0)).toBe('key-a');
      expect(keys?.at(-1)).toBe('key-b');
      // A ring without A cannot open the old booking: a clear error, no guess.
      const onlyB = new EncryptionCodec(parseKeyRing(keyB));
      await expect(openedHistoryText(clientBA, bookingWorkflowId(INST, old.bookingId), onlyB)).rejects.toMatchObject({ reason: 'unknown_key', keyId: 'key-a' });
    } finally {
      await stopBA();
    }
  }, 150_000);
});
