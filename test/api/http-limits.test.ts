/**
 * What the HTTP server answers around the app: unsupported methods (405 + Allow), oversized
 * request lines and headers (414/431, in the API's error shape and in the OpenAPI document),
 * and a slow body cut after the configured request timeout. A real server over a real
 * database (authentication reads tokens); no Temporal is needed for any of it.
 */
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createApiToken } from '../../src/db/tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedInstitution } from '../support/fixtures.js';
import { testKeyRing } from '../support/keys.js';

const TIMEOUTS = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000 };
let db: TestDatabase;
let api: ApiServer;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedInstitution(db.sql, 'clinica-http');
  token = (await createApiToken(db.sql, { institutionId: 'clinica-http', scope: 'booking' })).token;
  api = await startApiServer({
    port: 0,
    hostname: '127.0.0.1',
    sql: db.sql,
    bookings: {} as never,
    temporal: { healthcheck: async () => {} },
    mail: {} as never,
    mailFrom: 'notificari@clinica.test',
    keyRing: testKeyRing(),
    namespace: 'default',
    logger: pino({ level: 'silent' }),
    rateLimit: false,
    httpTimeouts: TIMEOUTS,
  });
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** Sends raw bytes, collects everything until the server closes; resolves with the text and when it closed. */
function raw(write: (socket: Socket) => void): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(api.port, '127.0.0.1', () => write(socket));
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, closedAfterMs: performance.now() - started }));
  });
}

describe('methods', () => {
  it.each([
    ['TRACE', '/api/v1/token', 'GET, HEAD'],
    ['PATCH', '/api/v1/institutions/clinica-http/bookings', 'POST'],
    ['PUT', '/api/v1/institutions/clinica-http/bookings/B-1/cancel', 'POST'],
    ['DELETE', '/healthz', 'GET, HEAD'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    // fetch refuses to send TRACE: a raw request.
    const { text } = await raw((s) => s.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`));
    expect(text).toMatch(/^HTTP\/1\.1 405/);
    expect(text).toMatch(new RegExp(`\r\nallow: ${allow}\r\n`, 'i'));
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('method_not_allowed');
    expect(text.toLowerCase()).toContain(`x-request-id: ${body.error.requestId}`);
  });

  it('still answers 404 for a path that does not exist under any method', async () => {
    const { text } = await raw((s) => s.write(`TRACE /api/v1/nothing-here HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`));
    expect(text).toMatch(/^HTTP\/1\.1 404/);
  });
});

describe('sizes', () => {
  it('a 16 KB URL answers 414 in the error shape', async () => {
    const res = await fetch(`${api.url}/api/v1/token?x=${'a'.repeat(16 * 1024)}`);
    expect(res.status).toBe(414);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('uri_too_long');
  });

  it('20 KB of headers answer 431 in the error shape', async () => {
    const res = await fetch(`${api.url}/healthz`, { headers: { 'x-padding': 'a'.repeat(20 * 1024) } });
    expect(res.status).toBe(431);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('headers_too_large');
  });

  it('the OpenAPI document lists 405-free paths with 414 and 431', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ path, method, statuses: ['408', '414', '431'].filter((s) => s in op.responses) }).toEqual({ path, method, statuses: ['408', '414', '431'] });
      }
    }
  });
});

describe('timeouts', () => {
  it('cuts an authenticated request whose body trickles in, within the request timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { text, closedAfterMs } = await raw((socket) => {
      socket.write(
        `POST /api/v1/institutions/clinica-http/bookings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{',
      );
      // One byte every 200 ms: never idle long, never finished.
      timer = setInterval(() => socket.writable && socket.write(' '), 200);
    });
    clearInterval(timer);
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 100);
    expect(closedAfterMs).toBeLessThan(TIMEOUTS.requestTimeoutMs + 2_000);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts a connection whose headers never finish, within the headers timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { closedAfterMs } = await raw((socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 200);
    });
    clearInterval(timer);
    expect(closedAfterMs).toBeLessThan(TIMEOUTS.headersTimeoutMs + 2_000);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { text, closedAfterMs } = await raw((socket) => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveTimeoutMs - 100);
    expect(closedAfterMs).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + 2_000);
  });
});
