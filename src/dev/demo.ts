/**
 * `npm run demo`: the dev stack plus a scenario that makes every kind of e-mail happen within
 * about a minute, through the HTTP API as the booking system and an administrator would use
 * it. The sample institution `clinica-demo` has its notice and reminder hours at 1, so due
 * moments "1 hour before" fall seconds from now:
 *
 *   DEMO-…-1  unpaid, deadline in 1 h 20 s     → created (staff, patient); payment reminder (staff, patient) after 20 s
 *   DEMO-…-2  rescheduled right away           → created; rescheduled (staff, patient)
 *   DEMO-…-3  exam in 1 h 40 s, cancelled now  → cancellation confirmation (patient) now; staff notice after 40 s, when the window opens
 *   DEMO-…-4  exam in 30 min, cancelled now    → a last-minute cancellation: both at once
 *   DEMO-…-5  unpaid, then paid                → no reminder: the payment cancelled it
 *   test e-mail to the booking recipients      → kind `test`
 *
 * It prints an admin token of `clinica-demo` (the banner's is `default`'s) to see the log in
 * /admin, watches the delivery log, prints each e-mail as it goes, and ends once all 19 are sent
 * (about 40 s). `npm run demo -- --exit` then stops the stack (exit code 0 when all arrived).
 */
import type postgres from 'postgres';
import { createApiToken } from '../db/tokens.js';
import { DEFAULT_SETTINGS } from '../domain/settings-schema.js';
import type { Booking, NotificationSettingsInput } from '../domain/types.js';
import { ensureInstitution } from './seed.js';
import type { DevStack } from './stack.js';
import { NOTIFICATION_KINDS } from '../domain/types.js';

export const DEMO_INSTITUTION = { id: 'clinica-demo', name: 'Clinica Demo' };

const DEMO_SETTINGS: NotificationSettingsInput = {
  bookingRecipients: ['receptie@clinica-demo.test', 'planificare@clinica-demo.test'],
  bcc: [
    { email: 'arhiva@clinica-demo.test', enabled: true },
    { email: 'fost-angajat@clinica-demo.test', enabled: false },
  ],
  cancellation: { recipients: ['anulari@clinica-demo.test'], noticeHours: 1 },
  paymentReminder: { recipients: ['facturare@clinica-demo.test'], hoursBefore: 1 },
  patientEmails: true,
  alerts: { recipients: ['it@clinica-demo.test'] },
  retentionDays: DEFAULT_SETTINGS.retentionDays,
};

// Every kind a booking causes (and the test e-mail); a delivery alert needs a failure, which the
// demo does not stage.
export const ALL_KINDS = NOTIFICATION_KINDS.filter((k) => k !== 'alert');

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

function booking(id: string, patient: string, email: string, exam: string, startsAt: number, deadline?: number): Booking {
  return {
    bookingId: id,
    patient: { name: patient, email, phone: '+40 712 345 678' },
    exam: { name: exam, startsAt: iso(startsAt), durationMinutes: 30, location: 'Sala 2, etaj 1', doctor: 'Dr. Ioana Ionescu', department: 'Imagistică' },
    ...(deadline !== undefined && { payment: { amount: '450.00', currency: 'RON', deadline: iso(deadline), paid: false } }),
    notes: 'Demo: date fictive.',
  };
}

async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/api/v1/institutions/${DEMO_INSTITUTION.id}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

interface LogRow {
  id: string;
  bookingId: string | null;
  kind: string;
  status: string;
  recipients: string[];
  bcc: string[];
  updatedAt: string;
}

export async function runDemo(stack: DevStack, options: { say: (line: string) => void; timeoutMs?: number }): Promise<boolean> {
  const { say } = options;
  const sql: postgres.Sql = stack.sql;
  await ensureInstitution(sql, DEMO_INSTITUTION, DEMO_SETTINGS, 'npm run demo');
  const booker = await createApiToken(sql, { institutionId: DEMO_INSTITUTION.id, scope: 'booking', label: 'npm run demo' });
  const admin = await createApiToken(sql, { institutionId: DEMO_INSTITUTION.id, scope: 'admin', label: 'npm run demo' });
  const base = stack.api.url;
  const started = Date.now();
  const run = new Date(started).toISOString().replace(/[-:TZ.]/g, '').slice(2, 14);
  const id = (n: number) => `DEMO-${run}-${n}`;
  const t = () => `+${String(Math.round((Date.now() - started) / SEC)).padStart(3)}s`;

  // The dev banner's token belongs to `default`: the demo's log needs one of its own institution's.
  const signIn = [
    `      to see this demo's e-mails in its log, sign in to the admin page with:`,
    `        admin page      ${base}/admin`,
    `        institution     ${DEMO_INSTITUTION.id}`,
    `        admin token     ${admin.token}   (scope admin, institution ${DEMO_INSTITUTION.id}; made for this run)`,
  ];
  say('');
  say(`demo: institution ${DEMO_INSTITUTION.id} (notice and reminder hours set to 1, so "1 h before" is seconds away)`);
  for (const line of signIn) say(line);
  say('');
  const now = Date.now();
  await call(base, booker.token, 'POST', '/bookings', booking(id(1), 'Ana Popescu', 'ana.popescu@example.com', 'RMN cerebral', now + 3 * 24 * HOUR, now + HOUR + 20 * SEC));
  say(`${t()} ${id(1)} booked, unpaid, payment deadline in 1 h 20 s: the reminder is due in 20 s`);
  await call(base, booker.token, 'POST', '/bookings', booking(id(2), 'Mihai Ionescu', 'mihai.ionescu@example.com', 'Ecografie abdominală', now + 2 * 24 * HOUR));
  await call(base, booker.token, 'POST', `/bookings/${id(2)}/reschedule`, { startsAt: iso(now + 4 * 24 * HOUR) });
  say(`${t()} ${id(2)} booked and moved two days later`);
  await call(base, booker.token, 'POST', '/bookings', booking(id(3), 'Elena Dumitru', 'elena.dumitru@example.com', 'Radiografie toracică', now + HOUR + 40 * SEC));
  await call(base, booker.token, 'POST', `/bookings/${id(3)}/cancel`, { reason: 'Pacienta a anunțat telefonic', cancelledBy: 'recepție' });
  say(`${t()} ${id(3)} booked for 1 h 40 s from now and cancelled: the staff hear of it when the 1 h window opens, in 40 s`);
  await call(base, booker.token, 'POST', '/bookings', booking(id(4), 'Andrei Popa', 'andrei.popa@example.com', 'Consult cardiologic', now + 30 * MIN));
  await call(base, booker.token, 'POST', `/bookings/${id(4)}/cancel`, { reason: 'Urgență familială' });
  say(`${t()} ${id(4)} booked for 30 min from now and cancelled: a last-minute cancellation, told at once`);
  await call(base, booker.token, 'POST', '/bookings', booking(id(5), 'Ioana Marin', 'ioana.marin@example.com', 'Analize de sânge', now + 3 * 24 * HOUR, now + HOUR + 30 * SEC));
  await call(base, booker.token, 'POST', `/bookings/${id(5)}/payment`, { paidAt: iso(Date.now()) });
  say(`${t()} ${id(5)} booked unpaid, then paid: its reminder is cancelled`);
  await call(base, admin.token, 'POST', '/notification-settings/test', { list: 'bookingRecipients' });
  say(`${t()} test e-mail to the booking recipients sent (admin token)`);
  say('');

  // Every e-mail the scenario must produce, as "<booking n>:<kind>" ("test" for the test e-mail).
  const expected = new Set([
    ...['booking-created-staff', 'booking-created-patient'].flatMap((k) => [1, 2, 3, 4, 5].map((n) => `${n}:${k}`)),
    '1:payment-reminder-staff', '1:payment-reminder-patient',
    '2:booking-rescheduled-staff', '2:booking-rescheduled-patient',
    '3:booking-cancelled-patient', '3:booking-cancelled-staff',
    '4:booking-cancelled-patient', '4:booking-cancelled-staff',
    'test',
  ]);
  const keyOf = (r: LogRow) => (r.kind === 'test' ? 'test' : `${r.bookingId?.slice(`DEMO-${run}-`.length)}:${r.kind}`);
  const seen = new Map<string, string>();
  const sent = new Set<string>();
  const deadline = started + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    const rows = await sql<LogRow[]>`
      SELECT id, booking_id, kind, status, recipients, bcc, updated_at FROM notifications
       WHERE institution_id = ${DEMO_INSTITUTION.id}
         AND (booking_id LIKE ${`DEMO-${run}-%`} OR (kind = 'test' AND created_at >= ${new Date(started)}))
       ORDER BY updated_at`;
    for (const r of rows) {
      const status = r.status;
      if (seen.get(r.id) === status || status === 'pending' || status === 'sending') continue;
      seen.set(r.id, status);
      if (status === 'sent') {
        sent.add(keyOf(r));
      }
      const to = `${r.recipients.length} to${r.bcc.length ? ` + ${r.bcc.length} bcc` : ''}`;
      say(`${t()} ${status.padEnd(7)} ${r.kind.padEnd(27)} ${(r.bookingId ?? '').padEnd(22)} ${to}`);
    }
    if ([...expected].every((k) => sent.has(k))) {
      const unexpected = [...sent].filter((k) => !expected.has(k));
      say('');
      say(`demo: all ${ALL_KINDS.length} kinds of e-mail sent (${expected.size} e-mails) in ${Math.round((Date.now() - started) / SEC)} s; ${id(5)}, paid in time, got no reminder.`);
      if (unexpected.length) say(`      unexpected: ${unexpected.join(', ')}`);
      say(`      read them at ${stack.mailPageUrl ?? 'your SMTP server'}; the runs are in the Temporal UI${stack.temporal.uiUrl ? ` (${stack.temporal.uiUrl})` : ''}, search: InstitutionId = "${DEMO_INSTITUTION.id}"`);
      for (const line of signIn) say(line);
      return true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  say(`demo: not everything was sent within ${Math.round((options.timeoutMs ?? 120_000) / SEC)} s; missing: ${[...expected].filter((k) => !sent.has(k)).join(', ')}`);
  return false;
}
