/**
 * A worker killed while it waits for a slow SMTP server's answer to DATA: the delivery
 * heartbeats and its lease follows the heartbeat, so another worker takes the e-mail over
 * within a minute (not after a fixed lease and the activity's 2-minute timeout). The message
 * the dead worker had fully sent may reach the server too: at most one extra copy, with the
 * same Message-ID. While the send is in flight the log says `sending`. Five times in a row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, workerProcessEnv, type Engine } from '../support/engine.js';
import { makeBooking, seedInstitution, sleep } from '../support/fixtures.js';
import { WorkerProcess } from '../support/worker-process.js';

const INST = 'clinica-kill';
const ROUNDS = 5;

describe('a worker killed mid-DATA', () => {
  let engine: Engine;
  let env: Record<string, string>;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    engine = await startEngine('dev-server', { inProcessWorker: false });
    await seedInstitution(engine.db.sql, INST);
    env = workerProcessEnv(engine);
    engine.smtp.dataDelayMs = 1_500;
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await engine?.stop();
  });

  it(`is taken over by another worker within 60 s, at most one extra copy with the same Message-ID (${ROUNDS} rounds)`, async () => {
    const took: number[] = [];
    worker = await WorkerProcess.start(env);
    for (let round = 1; round <= ROUNDS; round++) {
      const booking = makeBooking(Date.now(), { id: `KILL-${Date.now().toString(36)}-${round}` });
      await engine.bookings.start(INST, booking);
      for (let i = 0; engine.smtp.dataAwaitingAnswer === 0; i++) {
        if (i > 1500) throw new Error(`round ${round}: no DATA reached the SMTP server`);
        await sleep(20);
      }
      await worker.kill('SIGKILL');
      const killedAt = Date.now();
      const inFlight = await engine.db.sql<{ status: string }[]>`SELECT status FROM notifications WHERE booking_id = ${booking.bookingId}`;
      expect(inFlight.map((r) => r.status)).toContain('sending');

      worker = await WorkerProcess.start(env);
      for (;;) {
        const rows = await engine.db.sql<{ status: string }[]>`SELECT status FROM notifications WHERE booking_id = ${booking.bookingId}`;
        if (rows.length === 2 && rows.every((r) => r.status === 'sent')) break;
        if (Date.now() - killedAt > 60_000) throw new Error(`round ${round}: not sent within 60 s: ${JSON.stringify(rows)}`);
        await sleep(200);
      }
      took.push(Date.now() - killedAt);
      console.info(`round ${round}: sent ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
      await sleep(2_000); // room for a late copy
      for (const kind of ['booking-created-staff', 'booking-created-patient']) {
        const copies = engine.smtp.byKind(kind, booking.bookingId);
        expect(copies.length, `${kind} copies in round ${round}`).toBeGreaterThanOrEqual(1);
        expect(copies.length, `${kind} copies in round ${round}`).toBeLessThanOrEqual(2);
        expect(new Set(copies.map((c) => c.parsed.messageId)).size).toBe(1);
      }
    }
    console.info(`worker killed mid-DATA: sent ${took.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after the kill`);
  }, ROUNDS * 70_000);
});
