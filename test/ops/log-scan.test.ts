/**
 * The process logs of a run with SMTP refusals and retries hold no patient or staff address,
 * nor the patient's name or phone: SMTP answers quote addresses (and sometimes names), and the
 * worker logs them only redacted. The API's log of the same run is scanned too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBooking, STAFF } from '../support/fixtures.js';
import { startProcessStack, type ProcessStack } from './process-stack.js';

const INST = 'clinica-logs';
const PATIENT = { name: 'Ana Popescu', email: 'ana.popescu@example.com', phone: '712 345' };

describe('process logs after refusals and retries', () => {
  let stack: ProcessStack;
  let api: string;

  beforeAll(async () => {
    stack = await startProcessStack(INST);
    api = await stack.startApi();
  });
  afterAll(async () => stack?.stop());

  it('name no address, no patient name and no phone', async () => {
    const run = Date.now().toString(36);
    const ids = { ok: `LOG-${run}-OK`, deferred: `LOG-${run}-450`, refused: `LOG-${run}-550` };
    const seen = new Map<string, number>();
    // Answers that quote the recipients, as real servers do.
    stack.smtp.respond = (_attempt, raw) => {
      const booking = /^X-Booking-Id: (.+)$/im.exec(raw)?.[1]?.trim() ?? '';
      const n = (seen.get(booking) ?? 0) + 1;
      seen.set(booking, n);
      if (booking === ids.deferred && n <= 2) {
        return { code: 450, message: `4.2.0 <${PATIENT.email}>, <${STAFF.reception}>: Recipient address rejected: greylisted` };
      }
      if (booking === ids.refused) return { code: 550, message: `5.1.1 "${PATIENT.name}" <${PATIENT.email}>: mailbox unavailable` };
      return undefined;
    };
    for (const id of Object.values(ids)) {
      const res = await fetch(`${api}/api/v1/institutions/${INST}/bookings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.tokens.booking}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(makeBooking(Date.now(), { id })),
      });
      expect(res.status).toBe(201);
    }
    // A bad request carrying patient data, for the API's log.
    const bad = await fetch(`${api}/api/v1/institutions/${INST}/bookings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.tokens.booking}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...makeBooking(Date.now(), { id: `LOG-${run}-BAD` }), exam: { name: PATIENT.name } }),
    });
    expect(bad.status).toBe(400);

    // The deferred booking's e-mails arrive after their retries, the refused one's fail.
    await stack.smtp.waitFor((m) => m.filter((x) => x.bookingId === ids.ok || x.bookingId === ids.deferred).length >= 4, 60_000);
    for (let i = 0; ; i++) {
      const rows = await stack.db.sql<{ status: string }[]>`SELECT status FROM notifications WHERE booking_id = ${ids.refused}`;
      if (rows.length >= 2 && rows.every((r) => r.status === 'failed')) break;
      if (i > 120) throw new Error(`the refused booking's e-mails never failed: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1000)); // let the last log lines flush

    const logs = { worker: stack.worker.text, api: stack.apis.map((p) => p.text).join('') };
    // The run did log the failures (so there was something to leak).
    expect(logs.worker).toMatch(/transient SMTP failure/);
    expect(logs.worker).toMatch(/permanent SMTP failure/);
    expect(logs.worker).toMatch(/<address>/);
    const secrets = [...Object.values(STAFF), PATIENT.email, PATIENT.name, PATIENT.phone];
    const hits = Object.entries(logs).flatMap(([proc, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${proc}: ${s}`));
    expect(hits).toEqual([]);
  });
});
