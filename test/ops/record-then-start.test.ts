/**
 * The API process dies after it recorded a booking's content hash and before its workflow
 * started: the booking system's retry of the same POST must start it (never 409), and a repeat
 * after that answers 200. The API reaches Temporal through a TCP proxy that the test holds, so
 * the start hangs right after the record; then the process is killed with SIGKILL.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { Connection } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyRing } from '../../src/codec/key-ring.js';
import { createApiToken } from '../../src/db/tokens.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { makeBooking, seedInstitution } from '../support/fixtures.js';
import { testKeyRing } from '../support/keys.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { Proc, cleanEnv, freePorts, waitForHttp } from './support.js';

const INST = 'clinica-crash';
const node = (name: string, entry: string, env: NodeJS.ProcessEnv) => Proc.spawn(name, process.execPath, ['--import', 'tsx', entry], env);

describe('a crash between recording a booking and starting its workflow', () => {
  let dir: string;
  let temporal: TemporalDevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let proxy: TcpProxy;
  let worker: Proc;
  const apis: Proc[] = [];
  let connection: Connection;
  let bookingToken: string;
  let common: Record<string, string>;
  const keyRing = testKeyRing();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-crash-'));
    const [tPort, uiPort, metricsPort] = await freePorts(3);
    [temporal, db, smtp] = await Promise.all([
      startTemporalDevServer({ dbFile: path.join(dir, 't.sqlite'), logFile: path.join(dir, 't.log'), port: tPort!, uiPort: uiPort! }),
      createTestDatabase(),
      SmtpSink.start(),
    ]);
    await seedInstitution(db.sql, INST);
    bookingToken = (await createApiToken(db.sql, { institutionId: INST, scope: 'booking' })).token;
    const [host, port] = temporal.address.split(':');
    proxy = await TcpProxy.start({ host: host!, port: Number(port) });
    common = {
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'notificari@clinica.test',
      TEMPORAL_TASK_QUEUE: `crash-${Math.random().toString(36).slice(2, 8)}`,
      LOG_LEVEL: 'info',
      PAYLOAD_KEYS: formatKeyRing(keyRing),
    };
    worker = node('worker', 'src/worker.ts', cleanEnv({ ...common, TEMPORAL_ADDRESS: temporal.address, METRICS_PORT: String(metricsPort) }));
    await worker.waitForOutput(/worker started/, 90_000);
    connection = await Connection.connect({ address: temporal.address });
  });

  afterAll(async () => {
    for (const api of apis) api.kill();
    worker?.kill();
    await connection?.close();
    await proxy?.stop();
    await smtp?.stop();
    await temporal?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function startApi(temporalAddress: string): Promise<string> {
    const [apiPort] = await freePorts(1);
    const api = node(`api-${apis.length + 1}`, 'src/api/main.ts', cleanEnv({ ...common, TEMPORAL_ADDRESS: temporalAddress, PORT: String(apiPort) }));
    apis.push(api);
    const url = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${url}/readyz`, (r) => r.status === 200, 60_000);
    return url;
  }

  const post = (url: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${url}/api/v1/institutions/${INST}/bookings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bookingToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal && { signal }),
    });

  it('the retried POST starts the booking (201 or 200, never 409), it is e-mailed once, and a repeat answers 200', async () => {
    const booking = makeBooking(Date.now(), { id: `CRASH-${Date.now().toString(36)}` });
    const workflowId = bookingWorkflowId(INST, booking.bookingId);
    const client = createServiceClient({ connection, keyRing });

    // 1. An API whose way to Temporal hangs: the POST records the booking, then waits on the start.
    const first = await startApi(proxy.address);
    proxy.hold();
    const abort = new AbortController();
    const hanging = post(first, booking, abort.signal).then(
      (r) => r.status,
      () => 'no answer',
    );
    for (let i = 0; ; i++) {
      const rows = await db.sql`SELECT 1 FROM bookings WHERE institution_id = ${INST} AND booking_id = ${booking.bookingId}`;
      if (rows.length > 0) break;
      if (i > 200) throw new Error('the booking was never recorded');
      await new Promise((r) => setTimeout(r, 50));
    }
    // 2. The process dies there: recorded, not started.
    apis[0]!.kill();
    await apis[0]!.exited;
    abort.abort();
    expect(await hanging).toBe('no answer');
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await proxy.restore();

    // 3. The booking system retries the same POST against a new API process.
    const second = await startApi(temporal.address);
    const retry = await post(second, booking);
    expect([200, 201], await retry.clone().text()).toContain(retry.status);
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2, 30_000);

    // 4. An identical repeat after success: 200, and nothing is sent again.
    const repeat = await post(second, booking);
    expect(repeat.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(smtp.byKind('booking-created-staff', booking.bookingId)).toHaveLength(1);
    expect(smtp.byKind('booking-created-patient', booking.bookingId)).toHaveLength(1);
  });
});
