/**
 * Settings propagation on a real dev server, in real time: a save with a few hundred running
 * bookings answers once committed, before the bookings are re-timed, and the propagation
 * workflow then moves every one of them (pages of 40, so it walks several visibility pages);
 * two saves in quick succession end with every booking on the newer hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/api/server.js';
import type { BookingState } from '../../src/domain/booking-state.js';
import type { NotificationSettingsInput } from '../../src/domain/types.js';
import { forEachLimited } from '../../src/temporal/retime-bookings.js';
import { bookingWorkflowId, settingsPropagationWorkflowId } from '../../src/workflows/ids.js';
import { apiClient, createTenant, startApiFor, waitForVisibleRunning, type ApiClient, type Tenant } from '../api/support.js';
import { startEngine, type Engine } from '../support/engine.js';
import { makeBooking } from '../support/fixtures.js';

const HOUR = 3_600_000;
const BOOKINGS = 300;
const SETTINGS: NotificationSettingsInput = {
  bookingRecipients: [],
  bcc: [],
  cancellation: { recipients: [], noticeHours: 24 },
  paymentReminder: { recipients: ['facturare@clinica.test'], hoursBefore: 24 },
  patientEmails: false,
  retentionDays: 90,
  alerts: { recipients: [] },
};
const withHours = (hoursBefore: number): NotificationSettingsInput => ({
  ...SETTINGS,
  paymentReminder: { ...SETTINGS.paymentReminder, hoursBefore },
});

let engine: Engine;
let server: ApiServer;
let api: ApiClient;
let t: Tenant;
const ids: string[] = [];
const deadlines = new Map<string, number>();

beforeAll(async () => {
  engine = await startEngine('dev-server', { propagationPageSize: 40 });
  server = await startApiFor(engine);
  api = apiClient(server.url);
  t = await createTenant(engine.db.sql, 'clinica-propagare', SETTINGS);
  const now = Date.now();
  for (let i = 0; i < BOOKINGS; i++) ids.push(`PROP-${i}`);
  await forEachLimited(ids, 16, async (id) => {
    const booking = makeBooking(now, { id, startsInHours: 400, deadlineInHours: 300, email: null });
    deadlines.set(id, Date.parse(booking.payment!.deadline));
    await engine.bookings.start(t.id, booking);
  });
  await waitForVisibleRunning(engine, t.id, BOOKINGS, 120_000);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

const reminderDueOf = (s: BookingState): number | undefined => {
  const n = s.notifications.find((x) => x.kind === 'payment-reminder-staff');
  return n ? Date.parse(n.dueAt) : undefined;
};

/**
 * Every booking's state, read through the workflows' query (what GET …/bookings/{id} shows).
 * On a loaded machine a query can time out while the worker replays a run evicted from its
 * cache: it is asked again.
 */
async function states(which: readonly string[] = ids): Promise<Map<string, BookingState>> {
  const out = new Map<string, BookingState>();
  await forEachLimited(which, 8, async (id) => {
    const handle = engine.env.client.workflow.getHandle(bookingWorkflowId(t.id, id));
    for (let attempt = 1; ; attempt++) {
      try {
        out.set(id, await handle.query<BookingState>('state'));
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  });
  return out;
}

async function waitForPropagation(version: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/api/v1/institutions/${t.id}/notification-settings/propagation`, { token: t.admin });
    expect(res.status).toBe(200);
    if (res.body.version === version && res.body.finishedAt !== null) return res.body;
    if (Date.now() > deadline) throw new Error(`propagation of version ${version} unfinished: ${res.text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a settings save with running bookings', () => {
  it('answers before the bookings are re-timed, then every booking shows its new due moment', async () => {
    const sample = ids.filter((_, i) => i % 25 === 0);
    // Each run plans its reminder once it has read the settings at start.
    await expect
      .poll(async () => [...(await states(sample)).entries()].filter(([id, s]) => reminderDueOf(s) === deadlines.get(id)! - 24 * HOUR).length, {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe(sample.length);

    const saved = await api.put(`/api/v1/institutions/${t.id}/notification-settings`, { token: t.admin, body: withHours(48) });
    expect(saved.status).toBe(200);
    // The answer reports a propagation that has not finished: the save did not wait for it.
    expect(saved.body).toMatchObject({ version: 2, timingsChanged: true, propagation: { version: 2, status: 'running', finishedAt: null } });

    const done = await waitForPropagation(2);
    expect(done).toMatchObject({ version: 2, status: 'finished', found: BOOKINGS, done: BOOKINGS });

    const after = await states();
    for (const id of ids) {
      expect(after.get(id)!.timings.hoursBefore, id).toBe(48);
      expect(reminderDueOf(after.get(id)!), id).toBe(deadlines.get(id)! - 48 * HOUR);
    }
    // One run per version: a repeated start (as the reconciler's would be) starts nothing more.
    await engine.bookings.startSettingsPropagation(t.id, 2);
    await new Promise((r) => setTimeout(r, 1500)); // visibility lags a moment
    const runs = await engine.env.client.workflow.count(`WorkflowId = "${settingsPropagationWorkflowId(t.id, 2)}"`);
    expect(runs.count).toBe(1);
  }, 240_000);

  it('two saves in quick succession end with every booking on the newer hours', async () => {
    const [first, second] = await Promise.all([
      api.put(`/api/v1/institutions/${t.id}/notification-settings`, { token: t.admin, body: withHours(72) }),
      new Promise((r) => setTimeout(r, 50)).then(() =>
        api.put(`/api/v1/institutions/${t.id}/notification-settings`, { token: t.admin, body: withHours(12) }),
      ),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const newer = second.body.version as number;
    expect(first.body.version).toBe(newer - 1);

    await waitForPropagation(newer);
    const older = await engine.db.sql`SELECT outcome FROM settings_propagations WHERE institution_id = ${t.id} AND version = ${newer - 1}`;
    expect(['finished', 'superseded']).toContain(older[0]!.outcome);

    const after = await states();
    for (const id of ids) {
      expect(after.get(id)!.timings.hoursBefore, id).toBe(12);
      expect(reminderDueOf(after.get(id)!), id).toBe(deadlines.get(id)! - 12 * HOUR);
    }
  }, 240_000);
});
