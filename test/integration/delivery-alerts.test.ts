/**
 * Delivery alerts on the time-skipping server, with the machine's PostgreSQL and a real SMTP
 * peer: failures of an institution's e-mails reach its alert list as one digest per burst, at
 * most one per 15 minutes; the gathered reports live in the workflow, so a worker replaced in
 * between loses none; an empty alert list logs the digest `skipped`; an alert is never about
 * an alert.
 */
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listNotifications, type NotificationRow } from '../../src/db/notifications.js';
import { createLogger } from '../../src/logger.js';
import { bookingWorkflowsPath, createBookingWorker } from '../../src/temporal/worker-factory.js';
import { startEngine, type Engine } from '../support/engine.js';
import { SETTINGS, makeBooking, seedInstitution } from '../support/fixtures.js';

const MINUTE = 60_000;
const ALERTS = ['alerte@clinica.test', 'it@clinica.test'];
const PUBLIC_URL = 'https://notificari.clinica.test';
let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

describe('delivery alerts', () => {
  let engine: Engine;
  let bundle: { code: string };
  let current: { worker: Worker; running: Promise<void> } | undefined;

  async function startWorker(): Promise<void> {
    const worker = await createBookingWorker({
      connection: engine.env.nativeConnection,
      taskQueue: engine.taskQueue,
      keyRing: engine.keyRing,
      workflowBundle: bundle,
      // No cache, no sticky queue: every workflow task replays the run from its history (so the
      // gathered reports demonstrably live there), and a stopped worker holds no task.
      maxCachedWorkflows: 0,
      deps: { sql: engine.db.sql, mail: engine.mail, mailFrom: 'notificari@clinica.test', logger: createLogger({ level: 'silent' }), publicUrl: PUBLIC_URL },
    });
    current = { worker, running: worker.run() };
  }

  async function stopWorker(): Promise<void> {
    if (!current) return;
    current.worker.shutdown();
    await current.running;
    current = undefined;
  }

  beforeAll(async () => {
    engine = await startEngine('time-skipping', { inProcessWorker: false });
    bundle = await bundleWorkflowCode({ workflowsPath: bookingWorkflowsPath(), logger: createLogger({ level: 'silent' }) as never });
    await startWorker();
  }, 120_000);
  afterAll(async () => {
    await stopWorker();
    await engine?.stop();
  });
  beforeEach(() => {
    engine.smtp.reset();
    // Every patient confirmation is refused for good (5xx); everything else is accepted.
    engine.smtp.respond = (_n, raw) =>
      raw.includes('X-Notification-Kind: booking-created-patient') ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined;
  });

  const log = async (institutionId: string): Promise<NotificationRow[]> =>
    (await listNotifications(engine.db.sql, { institutionId, limit: 200 })).items;

  /** Starts bookings whose patient confirmation will fail, and waits until each is logged failed. */
  async function failures(institutionId: string, n: number, prefix: string): Promise<string[]> {
    const now = Date.now();
    const ids = Array.from({ length: n }, () => nextId(prefix));
    for (const id of ids) await engine.bookings.start(institutionId, makeBooking(now, { id, deadlineInHours: null }));
    for (let i = 0; i < 300; i++) {
      const failed = (await log(institutionId)).filter((r) => r.kind === 'booking-created-patient' && r.status === 'failed');
      if (ids.every((id) => failed.some((r) => r.bookingId === id))) return ids;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the ${n} failures of ${institutionId} were not logged`);
  }

  // Each test's institution has its own booking-id prefix, which its alerts name.
  const alertsAbout = (prefix: string) => engine.smtp.byKind('alert').filter((m) => m.parsed.text?.includes(`Număr programare: ${prefix}-`) ?? false);

  it('gathers 5 failures within a minute into one alert, and a failure 20 minutes later into a second', async () => {
    const inst = await seedInstitution(engine.db.sql, 'clinica-alerte', { ...SETTINGS, alerts: { recipients: ALERTS } });
    const first = await failures(inst, 5, 'A');
    await engine.env.sleep(2 * MINUTE); // past the quiet minute
    await engine.smtp.waitFor(() => engine.smtp.byKind('alert').length >= 1);

    const [alert, ...more] = engine.smtp.byKind('alert');
    expect(more).toHaveLength(0);
    expect(alert!.envelopeTo.sort()).toEqual([...ALERTS].sort());
    expect(alert!.parsed.subject).toBe('Alertă de livrare: 5 e-mailuri nelivrate – Clinica Test');
    for (const id of first) {
      expect(alert!.parsed.text).toContain(`Număr programare: ${id}\n`);
      expect(alert!.parsed.html).toContain(`href="${PUBLIC_URL}/admin/log?bookingId=${id}&amp;kind=booking-created-patient"`);
    }
    expect(alert!.parsed.text!.match(/Tip: Confirmare programare — pacient/g)).toHaveLength(5);
    expect(alert!.parsed.text).toContain('Destinatari: ana.popescu@example.com');
    expect(alert!.parsed.text).toContain('550 5.1.1 mailbox unavailable');
    const logged = (await log(inst)).filter((r) => r.kind === 'alert');
    expect(logged).toMatchObject([{ status: 'sent', recipients: ALERTS, bookingId: null }]);

    await engine.env.sleep(20 * MINUTE);
    const later = await failures(inst, 1, 'A');
    await engine.env.sleep(2 * MINUTE);
    await engine.smtp.waitFor(() => engine.smtp.byKind('alert').length >= 2);
    const second = engine.smtp.byKind('alert')[1]!;
    expect(second.parsed.subject).toBe('Alertă de livrare: 1 e-mail nelivrat – Clinica Test');
    expect(second.parsed.text).toContain(`Număr programare: ${later[0]}\n`);
    for (const id of first) expect(second.parsed.text).not.toContain(`Număr programare: ${id}\n`);
    expect((await log(inst)).filter((r) => r.kind === 'alert').map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('loses no failure when the worker is replaced between the failures and the digest', async () => {
    const inst = await seedInstitution(engine.db.sql, 'clinica-restart', { ...SETTINGS, alerts: { recipients: ALERTS } });
    const before = await failures(inst, 3, 'R');
    await stopWorker(); // the reports are in the workflow's history, not in this worker
    await startWorker();
    const after = await failures(inst, 2, 'R');
    await engine.env.sleep(2 * MINUTE);
    await engine.smtp.waitFor(() => alertsAbout('R').length >= 1);

    const [alert, ...more] = alertsAbout('R');
    expect(more).toHaveLength(0);
    expect(alert!.parsed.subject).toBe('Alertă de livrare: 5 e-mailuri nelivrate – Clinica Test');
    for (const id of [...before, ...after]) expect(alert!.parsed.text).toContain(`Număr programare: ${id}\n`);
  });

  it('logs the digest skipped when the alert list is empty, and never alerts about a failed alert', async () => {
    const empty = await seedInstitution(engine.db.sql, 'clinica-fara-alerte', { ...SETTINGS, alerts: { recipients: [] } });
    await failures(empty, 1, 'E');
    await engine.env.sleep(2 * MINUTE);
    let rows: NotificationRow[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = (await log(empty)).filter((r) => r.kind === 'alert');
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toMatchObject([{ status: 'skipped', reason: 'no recipients', recipients: [] }]);
    expect(alertsAbout('E')).toHaveLength(0);

    // The alert list's server refuses the alert itself: it is logged failed, and nothing follows.
    const refusing = await seedInstitution(engine.db.sql, 'clinica-alerta-refuzata', { ...SETTINGS, alerts: { recipients: ALERTS } });
    engine.smtp.respond = (_n, raw) =>
      /X-Notification-Kind: (booking-created-patient|alert)/.test(raw) ? { code: 550, message: '5.7.1 rejected' } : undefined;
    await failures(refusing, 1, 'F');
    await engine.env.sleep(2 * MINUTE);
    for (let i = 0; i < 100; i++) {
      if ((await log(refusing)).some((r) => r.kind === 'alert' && r.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await engine.env.sleep(30 * MINUTE);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await log(refusing)).filter((r) => r.kind === 'alert').map((r) => r.status)).toEqual(['failed']);
  });
});
