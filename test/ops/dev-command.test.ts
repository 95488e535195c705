/**
 * `npm run dev` from nothing: a new, empty data folder and none of the service's variables.
 * It must start every embedded part, answer /readyz, capture the e-mails of a booking sent
 * through the API, stop cleanly on Ctrl-C (SIGINT to its process group, as a terminal sends
 * it) and, started again on the same folder, still send that booking's pending reminder.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { Connection } from '@temporalio/client';
import { payloadToJson } from '../../src/codec/payload-json.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedMail } from '../../src/dev/mail-capture.js';
import { makeBooking } from '../support/fixtures.js';
import { Proc, cleanEnv, freePorts, poll, processesUsing, waitForHttp } from './support.js';

const READY = /exam-booking-notifications is running/;

describe('npm run dev', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let dev: Proc | undefined;
  let ports: { api: number; temporal: number; ui: number; smtp: number; mail: number; metrics: number };
  const timings: Record<string, number> = {};

  const start = async (label: string) => {
    const t = Date.now();
    dev = Proc.spawn(label, 'npm', ['run', 'dev'], env);
    await dev.waitForOutput(READY, 150_000);
    timings[`${label}Ms`] = Date.now() - t;
    return dev;
  };
  const access = async () =>
    JSON.parse(await readFile(path.join(dir, 'data', 'dev-access.json'), 'utf8')) as { institutionId: string; adminToken: string; bookingToken: string };
  const captured = async (): Promise<CapturedMail[]> => (await (await fetch(`http://127.0.0.1:${ports.mail}/messages.json`)).json()) as CapturedMail[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-dev-'));
    const [api, temporal, ui, smtp, mail, metrics] = await freePorts(6);
    ports = { api: api!, temporal: temporal!, ui: ui!, smtp: smtp!, mail: mail!, metrics: metrics! };
    // Only ports (so as not to collide with anything on this machine) and the data folder.
    env = cleanEnv({
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(ports.api),
      DEV_TEMPORAL_PORT: String(ports.temporal),
      DEV_TEMPORAL_UI_PORT: String(ports.ui),
      DEV_SMTP_PORT: String(ports.smtp),
      DEV_MAIL_PORT: String(ports.mail),
      METRICS_PORT: String(ports.metrics),
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    dev?.kill();
    console.info(`npm run dev timings: ${JSON.stringify(timings)}`);
    await rm(dir, { recursive: true, force: true });
  });

  let bookingId: string;
  let stoppedAt: number;
  let keyRingAtFirstStart: string;

  it('starts from nothing: prints the URLs and a first administrator token, answers /readyz, serves the captured mail', async () => {
    const proc = await start('firstStart');
    const { adminToken, bookingToken, institutionId } = await access();
    expect(institutionId).toBe('default');
    for (const url of [
      `http://127.0.0.1:${ports.api}/api/v1`,
      `http://127.0.0.1:${ports.api}/admin`,
      `http://127.0.0.1:${ports.api}/docs`,
      `http://127.0.0.1:${ports.ui}`,
      `http://127.0.0.1:${ports.mail}`,
    ]) {
      expect(proc.text).toContain(url);
    }
    expect(proc.text).toMatch(new RegExp(`admin token +${adminToken}`));
    expect(proc.text).toContain(bookingToken);

    const ready = await waitForHttp(`http://127.0.0.1:${ports.api}/readyz`, (r) => r.status === 200, 30_000);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    // The admin token works.
    const settings = await fetch(`http://127.0.0.1:${ports.api}/api/v1/institutions/default/notification-settings`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(settings.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.mail}/`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  });

  it('serves the admin page', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.api}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('captures the e-mails of a booking sent through the API', async () => {
    const { bookingToken } = await access();
    // Default settings of the dev institution: payment reminder 24 h before the deadline, so
    // a deadline 24 h 30 s away puts the reminder 30 s from now — after the restart below.
    const now = Date.now();
    const booking = makeBooking(now, { id: `DEV-${now.toString(36)}`, startsInHours: 72, deadlineInHours: 24 + 30 / 3600 });
    bookingId = booking.bookingId;
    const res = await fetch(`http://127.0.0.1:${ports.api}/api/v1/institutions/default/bookings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bookingToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(booking),
    });
    expect(res.status, await res.clone().text()).toBe(201);

    const mail = await poll(
      'the two booking-created e-mails',
      async () => {
        const m = (await captured()).filter((x) => x.bookingId === bookingId);
        return m.length >= 2 ? m : undefined;
      },
      30_000,
    );
    const kinds = mail.map((m) => m.kind).sort();
    expect(kinds).toEqual(['booking-created-patient', 'booking-created-staff']);
    const patient = mail.find((m) => m.kind === 'booking-created-patient')!;
    // The BCC address is in the envelope only; the capture keeps the envelope beside the message.
    expect(patient.envelopeTo).toContain('arhiva@clinica-locala.test');
    expect(patient.to).not.toContain('arhiva@clinica-locala.test');
    const raw = await readFile(path.join(dir, 'data', 'mail', `${patient.id}.eml`), 'utf8');
    expect(raw).toContain('X-Notification-Kind: booking-created-patient');
    expect(raw.toLowerCase()).not.toContain('arhiva@clinica-locala.test');

    const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    expect(metrics).toMatch(/^ebn_emails_total\{kind="booking-created-staff",status="sent"\} 1$/m);
  });

  it('seals bookings with a dev key kept in the data folder; the bundled UI decodes them through the API', async () => {
    const keyFile = path.join(dir, 'data', 'payload-keys');
    keyRingAtFirstStart = await readFile(keyFile, 'utf8');
    expect(keyRingAtFirstStart).toMatch(/^dev-1:/m);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    // The UI is told where the codec endpoint is, and the namespace keeps closed runs a week.
    const ui = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(ui.Codec?.Endpoint).toBe(`http://127.0.0.1:${ports.api}/codec`);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 86_400);
      const history = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId: `booking/default/${bookingId}` },
      });
      const input = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(input.data!).toString('utf8')).not.toContain('Ana Popescu');
      // A browser on this machine (the UI at its origin) decodes without a token, in the dev stack only.
      const res = await fetch(`http://127.0.0.1:${ports.api}/codec/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: `http://localhost:${ports.ui}`, 'X-Namespace': 'default' },
        body: JSON.stringify({ payloads: [payloadToJson(input as never)] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(`http://localhost:${ports.ui}`);
      const body = (await res.json()) as { payloads: { data: string }[] };
      expect(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8')).toContain('Ana Popescu');
    } finally {
      await connection.close();
    }
  });

  it('stops cleanly on Ctrl-C, with nothing left running', async () => {
    const t = Date.now();
    const exit = await dev!.signalGroup('SIGINT');
    timings.stopMs = Date.now() - t;
    stoppedAt = Date.now();
    // npm re-raises the SIGINT it got once its script has ended, so npm's own exit is the
    // signal; the dev process under it says it stopped after stopping everything.
    expect([0, null]).toContain(exit.code);
    expect(dev!.text).toMatch(/SIGINT: stopping.*\n(.*\n)*stopped\n/);
    expect(dev!.text).not.toMatch(/could not stop cleanly|forced to stop/);
    // Nothing of it is left: no process runs on the data folder, the Temporal UI port is free.
    expect(processesUsing(dir)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${ports.ui}/`)).rejects.toThrow();
    const reminders = (await readMailDir()).filter((m) => m.bookingId === bookingId && m.kind?.startsWith('payment-reminder'));
    expect(reminders).toEqual([]);
  });

  it('started again, resumes the pending booking: its payment reminder is sent', async () => {
    const proc = await start('restart');
    expect(proc.text).toContain('made at first start');
    // The same key ring: the bookings written before the restart still open.
    expect(await readFile(path.join(dir, 'data', 'payload-keys'), 'utf8')).toBe(keyRingAtFirstStart);
    const reminders = await poll(
      'the payment reminders after the restart',
      async () => {
        const m = (await captured()).filter((x) => x.bookingId === bookingId && x.kind?.startsWith('payment-reminder'));
        return m.length >= 2 ? m : undefined;
      },
      90_000,
      500,
    );
    expect(reminders.map((m) => m.kind).sort()).toEqual(['payment-reminder-patient', 'payment-reminder-staff']);
    for (const m of reminders) expect(Date.parse(m.receivedAt)).toBeGreaterThan(stoppedAt);
    // Nothing was sent twice across the restart.
    const all = (await captured()).filter((x) => x.bookingId === bookingId);
    expect(all).toHaveLength(4);
    await dev!.signalGroup('SIGINT');
    expect(dev!.text).toMatch(/\nstopped\n/);
    expect(processesUsing(dir)).toEqual([]);
  });

  async function readMailDir(): Promise<CapturedMail[]> {
    const { listCapturedMail } = await import('../../src/dev/mail-capture.js');
    return listCapturedMail(path.join(dir, 'data', 'mail'));
  }
});
