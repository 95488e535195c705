/**
 * The API process dies after it recorded a booking's content hash and before its workflow
 * started: the booking system's retry of the same POST must start it (never 409), and a repeat
 * after that answers 200. The API reaches Temporal through a TCP proxy that the test holds, so
 * the start hangs right after the record; then the process is killed with SIGKILL.
 */
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceClient } from '../../src/temporal/client.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { makeBooking } from '../support/fixtures.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startProcessStack, type ProcessStack } from './process-stack.js';

const INST = 'clinica-crash';

describe('a crash between recording a booking and starting its workflow', () => {
  let stack: ProcessStack;
  let proxy: TcpProxy;
  let connection: Connection;

  beforeAll(async () => {
    stack = await startProcessStack(INST);
    const [host, port] = stack.temporal.address.split(':');
    proxy = await TcpProxy.start({ host: host!, port: Number(port) });
    connection = await Connection.connect({ address: stack.temporal.address });
  });

  afterAll(async () => {
    await connection?.close();
    await proxy?.stop();
    await stack?.stop();
  });

  const post = (url: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${url}/api/v1/institutions/${INST}/bookings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.tokens.booking}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal && { signal }),
    });

  it('the retried POST starts the booking (201 or 200, never 409), it is e-mailed once, and a repeat answers 200', async () => {
    const booking = makeBooking(Date.now(), { id: `CRASH-${Date.now().toString(36)}` });
    const workflowId = bookingWorkflowId(INST, booking.bookingId);
    const client = createServiceClient({ connection, keyRing: stack.keyRing });

    // 1. An API whose way to Temporal hangs: the POST records the booking, then waits on the start.
    const first = await stack.startApi(proxy.address);
    proxy.hold();
    const abort = new AbortController();
    const hanging = post(first, booking, abort.signal).then(
      (r) => r.status,
      () => 'no answer',
    );
    for (let i = 0; ; i++) {
      const rows = await stack.db.sql`SELECT 1 FROM bookings WHERE institution_id = ${INST} AND booking_id = ${booking.bookingId}`;
      if (rows.length > 0) break;
      if (i > 200) throw new Error('the booking was never recorded');
      await new Promise((r) => setTimeout(r, 50));
    }
    // 2. The process dies there: recorded, not started.
    stack.apis[0]!.kill();
    await stack.apis[0]!.exited;
    abort.abort();
    expect(await hanging).toBe('no answer');
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await proxy.restore();

    // 3. The booking system retries the same POST against a new API process.
    const second = await stack.startApi();
    const retry = await post(second, booking);
    expect([200, 201], await retry.clone().text()).toContain(retry.status);
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await stack.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2, 30_000);

    // 4. An identical repeat after success: 200, and nothing is sent again.
    const repeat = await post(second, booking);
    expect(repeat.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(stack.smtp.byKind('booking-created-staff', booking.bookingId)).toHaveLength(1);
    expect(stack.smtp.byKind('booking-created-patient', booking.bookingId)).toHaveLength(1);
  });
});
