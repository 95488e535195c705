import { ServiceError } from '@temporalio/client';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { validator } from 'hono/validator';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BookingCommandRefusedError, BookingConflictError, BookingNotFoundError } from '../../../client/errors.js';
import { InstitutionNotFoundError } from '../../../db/institutions.js';
import { InvalidCursorError } from '../../../db/notifications.js';
import { StaleSettingsError } from '../../../db/settings.js';
import type { ApiEnv } from '../../env.js';
import { ApiError, ERROR_CODES } from '../../errors.js';
import { errorHandler, isOutage, keepJsonSyntaxErrors, notFoundHandler, toApiError } from './index.js';

/** A gRPC status error as @grpc/grpc-js makes it (what isGrpcServiceError recognises). */
const grpcError = (code: number) => Object.assign(new Error(`${code} status`), { code, details: 'x', metadata: {} });

describe('toApiError', () => {
  it.each([
    [new BookingNotFoundError('i', 'b'), 404, 'not_found'],
    [new InstitutionNotFoundError('i'), 404, 'not_found'],
    [new BookingConflictError('b'), 409, 'booking_conflict'],
    [new BookingCommandRefusedError('BookingAlreadyCancelled', 'x'), 409, 'booking_already_cancelled'],
    [new BookingCommandRefusedError('ExamAlreadyStarted', 'x'), 409, 'exam_already_started'],
    [new BookingCommandRefusedError('BookingCancelled', 'x'), 409, 'booking_cancelled'],
    [new BookingCommandRefusedError('BookingClosed', 'x'), 409, 'booking_closed'],
    [new BookingCommandRefusedError('BookingHasNoPayment', 'x'), 409, 'booking_has_no_payment'],
    [new BookingCommandRefusedError('InvalidTime', 'the new start is in the past'), 400, 'invalid_time'],
    [new StaleSettingsError(1, 2), 412, 'stale_settings'],
    [new InvalidCursorError(), 400, 'validation_failed'],
    [new HTTPException(400, { message: 'x', cause: new SyntaxError('Unexpected token') }), 400, 'malformed_json'],
    // The message is not read: without the SyntaxError it is a plain bad request.
    [new HTTPException(400, { message: 'Malformed JSON in request body' }), 400, 'bad_request'],
    [new HTTPException(413), 413, 'payload_too_large'],
    [new HTTPException(415, { message: 'Unsupported Media Type' }), 415, 'unsupported_media_type'],
  ])('%s → %i %s', (err, status, code) => {
    const e = toApiError(err)!;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code]).toEqual([status, code]);
  });

  it('gives per-field details for zod errors and time refusals', () => {
    const zodError = z.strictObject({ a: z.number() }).safeParse({ a: 'x', b: 1 }).error!;
    expect(toApiError(zodError)!.details).toEqual([
      { field: 'a', message: expect.any(String) },
      { field: 'b', message: 'unknown field' },
    ]);
    // The field comes from the refusal's details, not from its message.
    expect(toApiError(new BookingCommandRefusedError('InvalidTime', 'the deadline is not a valid time', 'paymentDeadline'))!.details).toEqual([
      { field: 'paymentDeadline', message: 'the deadline is not a valid time' },
    ]);
    expect(toApiError(new BookingCommandRefusedError('InvalidTime', 'paymentDeadline mentioned, startsAt meant'))!.details![0]!.field).toBe('startsAt');
    expect(toApiError(new InvalidCursorError())!.details![0]!.field).toBe('cursor');
  });

  it('leaves everything else to the 500 / 503 path', () => {
    expect(toApiError(new Error('boom'))).toBeNull();
    expect(toApiError(new HTTPException(502))).toBeNull();
  });
});

describe('isOutage', () => {
  it('recognises unreachable PostgreSQL and Temporal, also as a cause', () => {
    expect(isOutage(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isOutage(Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }))).toBe(true);
    // Temporal: gRPC UNAVAILABLE or DEADLINE_EXCEEDED, also under the SDK's ServiceError.
    expect(isOutage(grpcError(14))).toBe(true);
    expect(isOutage(new ServiceError('Workflow Update failed', { cause: grpcError(4) }))).toBe(true);
    expect(isOutage(new Error('wrapped', { cause: new ServiceError('x', { cause: grpcError(14) }) }))).toBe(true);
    // Any other ServiceError (a refused argument, a missing namespace…) is not an outage.
    expect(isOutage(new ServiceError('x', { cause: grpcError(3) }))).toBe(false);
    expect(isOutage(new ServiceError('x'))).toBe(false);
    expect(isOutage(Object.assign(new Error('x'), { code: 14 }))).toBe(false);
    expect(isOutage(new Error('plain'))).toBe(false);
    expect(isOutage('not an error')).toBe(false);
  });
});

describe('errorHandler', () => {
  function app(lines: string[]) {
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const a = new Hono<ApiEnv>();
    a.onError(errorHandler(logger));
    a.notFound(notFoundHandler);
    a.use('*', requestId());
    a.use('*', async (c, next) => {
      c.set('logger', logger.child({ requestId: c.get('requestId') }));
      await next();
    });
    a.use('*', keepJsonSyntaxErrors());
    a.post('/json', validator('json', (v) => v), (c) => c.json(c.req.valid('json')));
    a.get('/boom', () => {
      throw new Error('patient Ana Popescu has a secret');
    });
    a.get('/down', () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    a.get('/api', () => {
      throw new ApiError(409, 'not_failed', 'y', undefined, { 'Retry-After': '3' });
    });
    return a;
  }

  it('answers 500 in the error shape and logs no message text (it may quote patient data)', async () => {
    const lines: string[] = [];
    const res = await app(lines).request('/boom');
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'an unexpected error occurred', requestId: id } });
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string });
    expect(logged.find((l) => l.msg === 'unhandled error')).toMatchObject({ requestId: id });
    expect(lines.join('')).not.toContain('Ana Popescu');
  });

  it('answers 503 for an outage, and passes ApiError headers through', async () => {
    const lines: string[] = [];
    const down = await app(lines).request('/down');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    const api = await app(lines).request('/api');
    expect(api.status).toBe(409);
    expect(api.headers.get('retry-after')).toBe('3');
    const missing = await app(lines).request('/nowhere', { headers: { 'X-Request-Id': 'caller-chosen-1' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('caller-chosen-1');
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'resource not found', requestId: 'caller-chosen-1' } });
  });

  it('tells a body that is not JSON by its SyntaxError, through Hono\'s own JSON validator', async () => {
    const lines: string[] = [];
    const post = (body: string) => app(lines).request('/json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const bad = await post('{"a": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'malformed_json', details: [{ field: '', message: 'not valid JSON' }] } });
    expect((await post('{"a": 1}')).status).toBe(200);
  });

  it('answers only codes of the closed list', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});
