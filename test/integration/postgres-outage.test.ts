/**
 * PostgreSQL unreachable for 30 s while the booking system sends 10 bookings a second: the
 * API and a worker process reach the database through a TCP proxy that the test cuts and
 * restores (the machine's server stays up). During the cut the API answers 503 with
 * Retry-After (never 500, never a hung request) and /readyz names the database; afterwards
 * every accepted booking's e-mails arrive once, and no refused booking was half-created.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { BookingClient } from '../../src/client/booking-client.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createApiToken } from '../../src/db/tokens.js';
import type { ApiServer } from '../../src/api/server.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { startApiFor } from '../api/support.js';
import { startEngine, workerProcessEnv, type Engine } from '../support/engine.js';
import { makeBooking, seedInstitution, sleep } from '../support/fixtures.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { WorkerProcess } from '../support/worker-process.js';

const INST = 'clinica-outage';
const RATE_PER_S = 10;
const BEFORE_MS = 10_000;
const OUTAGE_MS = 30_000;
const AFTER_MS = 10_000;
/** Longer than any answer may take: a request still open then counts as hung. */
const HUNG_MS = 20_000;

interface Sent {
  bookingId: string;
  status: number | 'hung' | 'network-error';
  retryAfter: string | null;
  ms: number;
  duringOutage: boolean;
}

describe('a PostgreSQL outage under load', () => {
  let engine: Engine;
  let proxy: TcpProxy;
  let apiSql: postgres.Sql;
  let api: ApiServer;
  let worker: WorkerProcess;
  let token: string;

  beforeAll(async () => {
    engine = await startEngine('dev-server', { inProcessWorker: false });
    await seedInstitution(engine.db.sql, INST);
    token = (await createApiToken(engine.db.sql, { institutionId: INST, scope: 'booking' })).token;
    const direct = new URL(engine.db.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(engine.db.url);
    proxied.host = proxy.address;
    apiSql = connectDatabase(proxied.toString(), { max: 10 });
    const bookings = new BookingClient({ client: engine.env.client, sql: apiSql, taskQueue: engine.taskQueue });
    api = await startApiFor(engine, { sql: apiSql, bookings });
    worker = await WorkerProcess.start(workerProcessEnv(engine, { DATABASE_URL: proxied.toString() }));
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await api?.close();
    await apiSql?.end({ timeout: 1 });
    await proxy?.stop();
    await engine?.stop();
  });

  const post = async (bookingId: string, duringOutage: () => boolean): Promise<Sent> => {
    const t = Date.now();
    const outage = duringOutage();
    try {
      const res = await fetch(`${api.url}/api/v1/institutions/${INST}/bookings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(makeBooking(Date.now(), { id: bookingId })),
        signal: AbortSignal.timeout(HUNG_MS),
      });
      await res.text();
      return { bookingId, status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - t, duringOutage: outage || duringOutage() };
    } catch (err) {
      const status = (err as Error).name === 'TimeoutError' ? 'hung' : 'network-error';
      return { bookingId, status, retryAfter: null, ms: Date.now() - t, duringOutage: outage };
    }
  };

  it('answers 503 with Retry-After while it lasts, and every accepted booking is e-mailed once afterwards', async () => {
    const started = Date.now();
    let cut = false;
    const requests: Promise<Sent>[] = [];
    let readyDuringOutage: { status: number; body: string } | null = null;
    const run = Date.now().toString(36);
    for (let i = 0; Date.now() - started < BEFORE_MS + OUTAGE_MS + AFTER_MS; i++) {
      const elapsed = Date.now() - started;
      if (!cut && elapsed >= BEFORE_MS && elapsed < BEFORE_MS + OUTAGE_MS) {
        await proxy.cut();
        cut = true;
      }
      if (cut && elapsed >= BEFORE_MS + OUTAGE_MS) {
        await proxy.restore();
        cut = false;
      }
      if (cut && readyDuringOutage === null && elapsed > BEFORE_MS + 5_000) {
        const res = await fetch(`${api.url}/readyz`);
        readyDuringOutage = { status: res.status, body: await res.text() };
      }
      requests.push(post(`OUT-${run}-${i}`, () => cut));
      await sleep(Math.max(0, started + ((i + 1) * 1000) / RATE_PER_S - Date.now()));
    }
    const sent = await Promise.all(requests);

    const count = (f: (s: Sent) => boolean) => sent.filter(f).length;
    const refused = sent.filter((s) => s.status === 503);
    const accepted = sent.filter((s) => s.status === 201);
    console.info(
      `outage: ${sent.length} POSTs, ${accepted.length} × 201, ${refused.length} × 503, ` +
        `slowest ${Math.max(...sent.map((s) => s.ms))} ms, other: ${JSON.stringify(sent.filter((s) => s.status !== 201 && s.status !== 503).map((s) => s.status))}`,
    );
    expect(count((s) => s.status === 500)).toBe(0);
    expect(count((s) => s.status === 'hung')).toBe(0);
    expect(sent.every((s) => s.status === 201 || s.status === 503)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((s) => s.retryAfter !== null && Number(s.retryAfter) > 0)).toBe(true);
    expect(accepted.length).toBeGreaterThan(RATE_PER_S * (BEFORE_MS / 1000) * 0.5);
    expect(readyDuringOutage?.status).toBe(503);
    expect(readyDuringOutage?.body).toContain('database');

    // No refused booking is half-created: it was recorded exactly when its workflow runs.
    for (const s of refused) {
      const [row] = await engine.db.sql`SELECT 1 AS x FROM bookings WHERE institution_id = ${INST} AND booking_id = ${s.bookingId}`;
      const started = await engine.env.client.workflow
        .getHandle(bookingWorkflowId(INST, s.bookingId))
        .describe()
        .then(() => true, (err: unknown) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)));
      expect({ bookingId: s.bookingId, recorded: row !== undefined }).toEqual({ bookingId: s.bookingId, recorded: started });
    }

    // Every accepted booking's two e-mails arrive, once each.
    const ids = new Set(accepted.map((s) => s.bookingId));
    const arrived = () => engine.smtp.messages.filter((m) => m.bookingId !== undefined && ids.has(m.bookingId));
    await engine.smtp.waitFor(() => arrived().length >= ids.size * 2, 150_000);
    await sleep(3_000); // room for a duplicate to show up, if one were coming
    for (const id of ids) {
      expect({ id, staff: engine.smtp.byKind('booking-created-staff', id).length }).toEqual({ id, staff: 1 });
      expect({ id, patient: engine.smtp.byKind('booking-created-patient', id).length }).toEqual({ id, patient: 1 });
    }
  });
});
