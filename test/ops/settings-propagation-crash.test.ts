/**
 * Crashes around a settings propagation, with the API and the worker as OS processes killed
 * by SIGKILL at the exact points (TEST_CRASH_AT, src/testing/crash-point.ts):
 * 1. the API dies right after the save committed, before it started the propagation: the
 *    worker's reconciler starts it from the outbox row;
 * 2. the worker dies mid-propagation, after the 30th booking of a page was signalled: a new
 *    worker resumes the page.
 * Every booking ends on the saved hours, and none was moved anywhere else.
 */
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingState } from '../../src/domain/booking-state.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { forEachLimited } from '../../src/temporal/retime-bookings.js';
import { bookingWorkflowId, settingsPropagationWorkflowId } from '../../src/workflows/ids.js';
import { makeBooking, SETTINGS, sleep } from '../support/fixtures.js';
import { startProcessStack, type ProcessStack } from './process-stack.js';

const INST = 'clinica-propagare-crash';
const HOUR = 3_600_000;
const BOOKINGS = 60;

describe('crashes around a settings propagation', () => {
  let stack: ProcessStack;
  let connection: Connection;

  beforeAll(async () => {
    stack = await startProcessStack(INST, {
      PROPAGATION_PAGE_SIZE: '25',
      PROPAGATION_RECONCILE_SECONDS: '1',
      TEST_CRASH_AT: 'propagation-signalled:30',
    });
    connection = await Connection.connect({ address: stack.temporal.address });
  }, 180_000);

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  it('the API killed between commit and start, the worker killed mid-page: every booking is re-timed once to the saved hours', async () => {
    const client = createServiceClient({ connection, keyRing: stack.keyRing });
    const api = await stack.startApi(undefined, { TEST_CRASH_AT: 'settings-saved' });
    const call = (method: string, path: string, token: string, body: unknown) =>
      fetch(`${api}/api/v1/institutions/${INST}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    const now = Date.now();
    const ids = Array.from({ length: BOOKINGS }, (_, i) => `CRASH-P-${i}`);
    const deadlines = new Map<string, number>();
    await forEachLimited(ids, 8, async (id) => {
      const booking = makeBooking(now, { id, startsInHours: 400, deadlineInHours: 300, email: null });
      deadlines.set(id, Date.parse(booking.payment!.deadline));
      const res = await call('POST', '/bookings', stack.tokens.booking, booking);
      expect(res.status, await res.text()).toBe(201);
    });
    const query = `InstitutionId = "${INST}" AND ExecutionStatus = "Running" AND WorkflowType = "bookingWorkflow"`;
    await expect.poll(async () => (await client.workflow.count(query)).count, { timeout: 60_000, interval: 500 }).toBe(BOOKINGS);

    // 1. The save commits, then the API process dies before starting the propagation.
    const hoursBefore = SETTINGS.paymentReminder.hoursBefore * 2;
    const put = await call('PUT', '/notification-settings', stack.tokens.admin, {
      ...SETTINGS,
      paymentReminder: { ...SETTINGS.paymentReminder, hoursBefore },
    }).then(
      (r) => r.status,
      () => 'no answer',
    );
    expect(put).toBe('no answer');
    expect(await stack.apis[0]!.exited).toMatchObject({ signal: 'SIGKILL' });
    const [saved] = await stack.db.sql<{ version: number }[]>`SELECT max(version) AS version FROM notification_settings WHERE institution_id = ${INST}`;
    const version = saved!.version;
    const [owed] = await stack.db.sql`SELECT started_at FROM settings_propagations WHERE institution_id = ${INST} AND version = ${version}`;
    expect(owed).toBeDefined(); // the outbox row committed with the save

    // 2. The worker's reconciler starts it; the worker then dies after its 30th signal.
    expect(await stack.worker.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(stack.worker.text).toMatch(/started a settings propagation whose start was lost/);
    const midway = await client.workflow.getHandle(settingsPropagationWorkflowId(INST, version)).describe();
    expect(midway.status.name).toBe('RUNNING');
    const [progress] = await stack.db.sql`SELECT done, finished_at FROM settings_propagations WHERE institution_id = ${INST} AND version = ${version}`;
    expect(progress!.finishedAt).toBeNull();

    // 3. A new worker picks the page up again (after the activity's heartbeat timeout) and finishes.
    await stack.restartWorker();
    for (let i = 0; ; i++) {
      const [row] = await stack.db.sql`SELECT outcome, found, done FROM settings_propagations WHERE institution_id = ${INST} AND version = ${version}`;
      if (row!.outcome !== null) {
        expect(row).toMatchObject({ outcome: 'finished', found: BOOKINGS, done: BOOKINGS });
        break;
      }
      if (i > 240) throw new Error(`propagation unfinished: ${JSON.stringify(row)}`);
      await sleep(500);
    }

    // Every booking is on the saved hours, its reminder at the moment they give.
    await forEachLimited(ids, 8, async (id) => {
      const state = await client.workflow.getHandle(bookingWorkflowId(INST, id)).query<BookingState>('state');
      expect(state.timings.hoursBefore, id).toBe(hoursBefore);
      const reminder = state.notifications.find((n) => n.kind === 'payment-reminder-staff');
      expect(reminder?.dueAt, id).toBe(new Date(deadlines.get(id)! - hoursBefore * HOUR).toISOString());
    });
    // Nothing was sent early or twice because of the re-timing: only the creation e-mails went out.
    expect(stack.smtp.messages.filter((m) => m.kind?.startsWith('payment-reminder'))).toHaveLength(0);
    await expect(client.workflow.getHandle(settingsPropagationWorkflowId(INST, version + 1)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }, 400_000);
});
