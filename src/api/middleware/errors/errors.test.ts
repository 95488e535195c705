import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BookingCommandRefusedError, BookingConflictError, BookingNotFoundError } from '../../../client/errors.js';
import { InstitutionNotFoundError } from '../../../db/institutions.js';
import { InvalidCursorError } from '../../../db/notifications.js';
import { StaleSettingsError } from '../../../db/settings.js';
import { ApiError } from '../../errors.js';
import { errorHandler, isOutage, notFoundHandler, toApiError } from './index.js';

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
    [new HTTPException(400, { message: 'Malformed JSON in request body' }), 400, 'malformed_json'],
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
    expect(toApiError(new BookingCommandRefusedError('InvalidTime', 'paymentDeadline is not a valid time'))!.details).toEqual([
      { field: 'paymentDeadline', message: 'paymentDeadline is not a valid time' },
    ]);
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
    expect(isOutage(Object.assign(new Error('x'), { code: 14 }))).toBe(true);
    expect(isOutage(new Error('wrapped', { cause: Object.assign(new Error('x'), { name: 'ServiceError' }) }))).toBe(true);
    expect(isOutage(new Error('plain'))).toBe(false);
    expect(isOutage('not an error')).toBe(false);
  });
});

describe('errorHandler', () => {
  function app(lines: string[]) {
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const a = new Hono();
    a.onError(errorHandler(logger));
    a.notFound(notFoundHandler);
    a.get('/boom', () => {
      throw new Error('patient Ana Popescu has a secret');
    });
    a.get('/down', () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    a.get('/api', () => {
      throw new ApiError(409, 'x', 'y', undefined, { 'Retry-After': '3' });
    });
    return a;
  }

  it('answers 500 in the error shape and logs no message text (it may quote patient data)', async () => {
    const lines: string[] = [];
    const res = await app(lines).request('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'an unexpected error occurred' } });
    expect(lines.join('')).toContain('unhandled error');
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
    const missing = await app(lines).request('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'resource not found' } });
  });
});
