import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../config/env.js';
import { MAX_REQUEST_LINE_BYTES, oversizedHeadStatus } from './http-limits.js';
import { allowedMethods } from './middleware/method-not-allowed/index.js';

describe('oversizedHeadStatus', () => {
  it('is 414 when the request line alone is too long, else 431', () => {
    const longLine = Buffer.from(`GET /?q=${'a'.repeat(MAX_REQUEST_LINE_BYTES)}`);
    expect(oversizedHeadStatus(longLine)).toBe(414);
    expect(oversizedHeadStatus(Buffer.from(`GET / HTTP/1.1\r\nX-A: ${'a'.repeat(20_000)}`))).toBe(431);
    expect(oversizedHeadStatus(undefined)).toBe(431);
  });
});

describe('allowedMethods', () => {
  const routes = [
    { method: 'ALL', path: '/api/v1/*' },
    { method: 'GET', path: '/api/v1/institutions/:inst/bookings/:bookingId' },
    { method: 'POST', path: '/api/v1/institutions/:inst/bookings' },
    { method: 'POST', path: '/api/v1/institutions/:inst/bookings/:bookingId/cancel' },
    { method: 'GET', path: '/admin/*' },
  ];
  it('lists the methods of the routes matching the path, HEAD with GET, ignoring middleware', () => {
    expect(allowedMethods(routes, '/api/v1/institutions/a/bookings')).toEqual(['POST']);
    expect(allowedMethods(routes, '/api/v1/institutions/a/bookings/B-1')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(routes, '/api/v1/institutions/a/bookings/B-1/cancel')).toEqual(['POST']);
    expect(allowedMethods(routes, '/api/v1/nothing')).toEqual([]);
  });
});

describe('the HTTP timeouts in the environment', () => {
  it('have defaults, and a headers timeout longer than the request timeout is refused by name', () => {
    expect(loadEnv({})).toMatchObject({ HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 });
    expect(() => loadEnv({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(EnvError);
    expect(() => loadEnv({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => loadEnv({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });
});
