/**
 * The retention schedule on a real dev server: `npm run worker` (as its own process) creates
 * `personal-data-retention` at start, creating it again is harmless, and triggering it runs
 * `retentionWorkflow`, which erases the personal data of bookings past their period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBooking } from '../../src/db/bookings.js';
import { claimForSending, ensureNotification, getNotification, markSent } from '../../src/db/notifications.js';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../src/temporal/retention-schedule.js';
import { startEngine, workerProcessEnv, type Engine } from '../support/engine.js';
import { makeBooking, seedInstitution } from '../support/fixtures.js';
import { WorkerProcess } from '../support/worker-process.js';

const DAY = 86_400_000;
const INST = 'clinica-retentie';
let engine: Engine;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  engine = await startEngine('dev-server', { inProcessWorker: false });
  await seedInstitution(engine.db.sql, INST); // retentionDays 90
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await engine?.stop();
});

/** A booking whose exam was `daysAgo` days ago, with one sent staff e-mail. */
async function seed(bookingId: string, daysAgo: number): Promise<string> {
  const booking = makeBooking(Date.now() - daysAgo * DAY, { id: bookingId, startsInHours: 0 });
  await recordBooking(engine.db.sql, {
    institutionId: INST,
    bookingId,
    contentHash: `h-${bookingId}`,
    workflowId: `booking/${INST}/${bookingId}`,
    examStartsAt: booking.exam.startsAt,
  });
  const id = `${INST}/${bookingId}/created/staff`;
  const request = { notificationId: id, institutionId: INST, kind: 'booking-created-staff' as const, booking, context: {}, dueAt: booking.exam.startsAt };
  await ensureNotification(engine.db.sql, { id, institutionId: INST, bookingId, kind: request.kind, dueAt: request.dueAt, request });
  await claimForSending(engine.db.sql, id, { leaseMs: 60_000, recipients: ['receptie@clinica.test'], bcc: [], subject: 'S', messageId: `<${bookingId}@x>` });
  await markSent(engine.db.sql, id, '250 OK');
  return id;
}

describe('the retention schedule', () => {
  it('exists once the worker has started, and creating it again changes nothing', async () => {
    worker = await WorkerProcess.start(workerProcessEnv(engine, { METRICS_PORT: '0' }));
    expect(worker.output.join('')).toContain('retention schedule ready');
    const description = await engine.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: engine.taskQueue });
    expect(description.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
    expect(description.policies.overlap).toBe('SKIP');

    expect(await ensureRetentionSchedule(engine.env.client, { taskQueue: engine.taskQueue })).toBe('exists');
    const ids: string[] = [];
    for await (const s of engine.env.client.schedule.list()) ids.push(s.scheduleId);
    expect(ids.filter((id) => id === RETENTION_SCHEDULE_ID)).toHaveLength(1);
  });

  it('erases the personal data of old bookings when triggered, and leaves young ones', async () => {
    const old = await seed('OLD-1', 120);
    const young = await seed('YOUNG-1', 10);
    await engine.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();

    await expect
      .poll(async () => (await getNotification(engine.db.sql, INST, old))?.erasedAt ?? null, { timeout: 60_000, interval: 300 })
      .not.toBeNull();
    expect(await getNotification(engine.db.sql, INST, old)).toMatchObject({ recipients: [], subject: null, request: null, status: 'sent', recipientsCount: 1 });
    expect(await getNotification(engine.db.sql, INST, young)).toMatchObject({ recipients: ['receptie@clinica.test'], erasedAt: null });

    // The run is an ordinary workflow, visible in the UI; it completed with its counts.
    const runs = await engine.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    const action = runs.info.recentActions.at(-1)!.action;
    const result = await engine.env.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
    expect(result).toEqual({ bookingsErased: 1, notificationsErased: 1, testEmailsErased: 0 });
  });
});
