import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../logger.js';
import type { ApiEnv } from '../../env.js';
import { errorHandler } from '../errors/index.js';
import { rateLimit, TokenBuckets } from './index.js';

describe('TokenBuckets', () => {
  it('allows a burst of `capacity`, then refills at the given rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 2, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1); // wait about half a second, rounded up to whole seconds
    now += 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
    now += 10_000;
    expect(buckets.remaining('a')).toBe(0); // not refilled until touched
    expect(buckets.take('a')).toBe(0);
    expect(buckets.remaining('a')).toBe(2); // capped at capacity, minus the one just taken
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.1, now: () => 0 });
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
    expect(buckets.take('b')).toBe(0);
  });

  it('refuses nonsense limits', () => {
    expect(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('rateLimit middleware', () => {
  it('answers 429 in the error shape with Retry-After, keyed by token id', async () => {
    const app = new Hono<ApiEnv>();
    app.onError(errorHandler(createLogger({ level: 'silent' })));
    app.use('*', async (c, next) => {
      c.set('auth', { tokenId: c.req.header('x-token-id')!, institutionId: 'i', scope: 'admin', label: null });
      await next();
    });
    app.use('*', rateLimit({ capacity: 2, refillPerSecond: 0.5, now: () => 0 }));
    app.get('/', (c) => c.json({ ok: true }));
    const get = (id: string) => app.request('/', { headers: { 'x-token-id': id } });
    expect((await get('t1')).status).toBe(200);
    const second = await get('t1');
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
    const third = await get('t1');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('2');
    expect(await third.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/retry in 2 s/) } });
    expect((await get('t2')).status).toBe(200);
  });
});
