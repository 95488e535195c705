/**
 * The codec endpoint (Temporal's remote codec protocol) over real HTTP, against a dev server:
 * who may decode, what is recorded, and the project's own `temporal` CLI decoding a booking's
 * history through it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/tokens.js';
import type { ApiServer } from '../../src/api/server.js';
import { payloadToJson } from '../../src/codec/payload-json.js';
import { listCodecRequests } from '../../src/db/codec-requests.js';
import { temporalCliPath } from '../../src/temporal/binaries.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { SETTINGS, makeBooking } from '../support/fixtures.js';
import { rawHistory } from '../support/history-scan.js';
import { testKeyRing } from '../support/keys.js';
import { apiClient, createTenant, startApiFor, startTestbed, type ApiClient, type Testbed } from './support.js';

const run = promisify(execFile);
const INST = 'clinica-codec';
let bed: Testbed;
let api: ApiClient;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let operator: { token: string; id: string };
const booking = makeBooking(Date.now(), { id: 'CODEC-1' });
const workflowId = bookingWorkflowId(INST, booking.bookingId);
let sealedInput: ReturnType<typeof payloadToJson>;

/** Another API over the same database and Temporal, with options of its own. */
const otherApi = (options: { keyRing?: ReturnType<typeof testKeyRing>; loopback?: boolean; origins?: string[] }): Promise<ApiServer> =>
  startApiFor(bed.engine, {
    ...(options.keyRing !== undefined && { keyRing: options.keyRing }),
    ...(options.loopback !== undefined && { codecLoopbackWithoutToken: options.loopback }),
    ...(options.origins !== undefined && { uiOrigins: options.origins }),
  });

/** `temporal workflow show` of the booking, as an operator runs it. */
async function show(extra: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      temporalCliPath(),
      ['workflow', 'show', '--workflow-id', workflowId, '--address', bed.engine.env.address, '--namespace', 'default', '--output', 'json', '--command-timeout', '8s', ...extra],
      { env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent/ebn-test-config', TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' }, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  tenant = await createTenant(bed.engine.db.sql, INST, SETTINGS);
  const op = await createApiToken(bed.engine.db.sql, { scope: 'operator', label: 'on-call operator' });
  operator = { token: op.token, id: op.record.id };
  expect((await api.post(`/api/v1/institutions/${INST}/bookings`, { token: tenant.booking, body: booking })).status).toBe(201);
  await bed.engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length === 2);
  const history = await rawHistory(bed.engine.env.client, workflowId);
  sealedInput = payloadToJson(history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]! as never);
});
afterAll(async () => bed?.stop());

const decode = (token: string | undefined, payloads = [sealedInput], headers: Record<string, string> = {}) =>
  api.post('/codec/decode', { token, body: { payloads }, headers });
const text = (p: { data?: string }) => Buffer.from(p.data ?? '', 'base64').toString('utf8');

/** Every payload's data in the CLI's JSON history (base64 there), as text, plus the encodings. */
function payloadTexts(json: string): { data: string; encodings: string[] } {
  const data: string[] = [];
  const encodings: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.data === 'string' && o.metadata && typeof o.metadata === 'object') {
        data.push(Buffer.from(o.data, 'base64').toString('utf8'));
        const enc = (o.metadata as Record<string, unknown>).encoding;
        if (typeof enc === 'string') encodings.push(Buffer.from(enc, 'base64').toString('utf8'));
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return { data: data.join('\n'), encodings };
}

describe('who may decode', () => {
  it('401 without a token, 403 with an admin or a booking token, 200 with an operator token', async () => {
    expect((await decode(undefined)).status).toBe(401);
    expect((await decode('ebn_not-a-token')).status).toBe(401);
    const admin = await decode(tenant.admin);
    expect(admin.status).toBe(403);
    expect(admin.body.error.code).toBe('forbidden');
    expect((await decode(tenant.booking)).status).toBe(403);
    const ok = await decode(operator.token);
    expect(ok.status).toBe(200);
    expect(text(ok.body.payloads[0])).toContain(booking.patient.name);
    expect(text(ok.body.payloads[0])).toContain(booking.notes!);
    expect(Buffer.from(ok.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
  });

  it('an operator token opens no institution route', async () => {
    const res = await api.get(`/api/v1/institutions/${INST}/notification-settings`, { token: operator.token });
    expect(res.status).toBe(404);
    expect((await api.get('/api/v1/token', { token: operator.token })).body).toMatchObject({ scope: 'operator', institutionId: null });
  });

  it('only the service namespace, only well-formed bodies', async () => {
    const other = await decode(operator.token, [sealedInput], { 'X-Namespace': 'someone-else' });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('namespace_not_served');
    expect((await decode(operator.token, [sealedInput], { 'X-Namespace': 'default' })).status).toBe(200);
    const bad = await api.post('/codec/decode', { token: operator.token, body: { payloads: [{ data: 'not base64!' }] } });
    expect(bad.status).toBe(400);
    expect((await api.post('/codec/decode', { token: operator.token, rawBody: '{' })).status).toBe(400);
  });

  it('encode then decode gives the payload back, sealed with the current key', async () => {
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
    const sealed = await api.post('/codec/encode', { token: operator.token, body: { payloads: [plain] } });
    expect(sealed.status).toBe(200);
    expect(Buffer.from(sealed.body.payloads[0].metadata['encryption-key-id'], 'base64').toString()).toBe('test-key');
    expect(text(sealed.body.payloads[0])).not.toContain('hello');
    const opened = await decode(operator.token, sealed.body.payloads);
    expect(opened.body.payloads).toEqual([plain]);
  });

  it('records every use without content, and counts it in /metrics', async () => {
    const before = (await listCodecRequests(bed.engine.db.sql)).length;
    await decode(operator.token, [sealedInput, sealedInput]);
    const [last] = await listCodecRequests(bed.engine.db.sql, 1);
    expect(last).toMatchObject({ operation: 'decode', namespace: 'default', payloads: 2, outcome: 'ok', caller: 'token', tokenId: operator.id });
    expect((await listCodecRequests(bed.engine.db.sql)).length).toBe(before + 1);
    const columns = await bed.engine.db.sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'codec_requests'`;
    expect(columns.map((c) => c.columnName).sort()).toEqual(['at', 'caller', 'id', 'namespace', 'operation', 'outcome', 'payloads', 'token_id']);
    const metrics = await (await fetch(`${bed.api.url}/metrics`)).text();
    expect(metrics).toMatch(/ebn_codec_requests_total\{operation="decode",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/ebn_codec_payloads_total\{operation="decode"\} [1-9]/);
  });
});

describe('a key this service does not have', () => {
  it('answers 422 with the key id, never a guess at the content', async () => {
    const stranger = await otherApi({ keyRing: testKeyRing('another-key') });
    try {
      const res = await apiClient(stranger.url).post('/codec/decode', { token: operator.token, body: { payloads: [sealedInput] } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'unknown_key' });
      expect(res.body.error.message).toContain('"test-key"');
      expect(res.text).not.toContain(booking.patient.name);
      const [last] = await listCodecRequests(bed.engine.db.sql, 1);
      expect(last).toMatchObject({ outcome: 'refused', payloads: 1 });
      // Same id, other key material: authentication fails.
      const impostor = await otherApi({ keyRing: testKeyRing('test-key') });
      try {
        const wrong = await apiClient(impostor.url).post('/codec/decode', { token: operator.token, body: { payloads: [sealedInput] } });
        expect(wrong.status).toBe(422);
        expect(wrong.body.error.code).toBe('decryption_failed');
      } finally {
        await impostor.close();
      }
    } finally {
      await stranger.close();
    }
  });
});

describe('the temporal CLI', () => {
  it('shows sealed payloads without the codec, and the booking through it', async () => {
    const sealed = await show([]);
    expect(sealed.code, sealed.out.slice(0, 2000)).toBe(0);
    // JSON output keeps each payload's data and metadata in base64.
    const raw = payloadTexts(sealed.out);
    expect(raw.encodings).toContain('binary/encrypted');
    expect(raw.data).not.toContain(booking.patient.name);
    const opened = await show(['--codec-endpoint', `${bed.api.url}/codec`, '--codec-auth', `Bearer ${operator.token}`]);
    expect(opened.code, opened.out.slice(0, 2000)).toBe(0);
    const decoded = payloadTexts(opened.out);
    expect(decoded.data).toContain(booking.patient.name);
    expect(decoded.data).toContain(booking.patient.email!);
    expect(decoded.encodings).not.toContain('binary/encrypted');
  });

  it('with an admin token, or a service without the key, it fails (the CLI retries until its timeout) and shows nothing decrypted', async () => {
    const refused = await show(['--codec-endpoint', `${bed.api.url}/codec`, '--codec-auth', `Bearer ${tenant.admin}`]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).not.toContain(booking.patient.name);
    expect(refused.out).not.toContain(Buffer.from(booking.patient.name).toString('base64').slice(0, 12));
    const stranger = await otherApi({ keyRing: testKeyRing('another-key') });
    try {
      const unknown = await show(['--codec-endpoint', `${stranger.url}/codec`, '--codec-auth', `Bearer ${operator.token}`]);
      expect(unknown.code).not.toBe(0);
      expect(unknown.out).not.toContain(booking.patient.name);
    } finally {
      await stranger.close();
    }
  });
});

describe('the Temporal UI in a browser', () => {
  it('CORS lets only the configured UI origins call', async () => {
    const ui = await otherApi({ origins: ['http://127.0.0.1:8233', 'http://localhost:8233'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${ui.url}/codec/decode`, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' },
        });
      const allowed = await preflight('http://localhost:8233');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await ui.close();
    }
  });

  it('loopback callers decode without a token only where the dev stack allows it', async () => {
    expect((await decode(undefined)).status).toBe(401);
    const dev = await otherApi({ loopback: true });
    try {
      const res = await apiClient(dev.url).post('/codec/decode', { body: { payloads: [sealedInput] } });
      expect(res.status).toBe(200);
      expect(text(res.body.payloads[0])).toContain(booking.patient.name);
      const [last] = await listCodecRequests(bed.engine.db.sql, 1);
      expect(last).toMatchObject({ caller: 'loopback', tokenId: null, outcome: 'ok' });
      // A token, when sent, is still checked.
      expect((await apiClient(dev.url).post('/codec/decode', { token: tenant.admin, body: { payloads: [sealedInput] } })).status).toBe(403);
    } finally {
      await dev.close();
    }
  });
});
