/**
 * Rate limiting per API token: an in-memory token bucket per token id (burst `capacity`,
 * refilled at `refillPerSecond`). Over the limit → 429 with Retry-After.
 *
 * The buckets live in this process only: with N API replicas behind a load balancer a token
 * may get up to N times the rate. That is accepted here (the limit protects each replica and
 * the database from one runaway client, it is not a billing quota); a shared limit would need
 * a shared store such as PostgreSQL or Redis.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';
import type { ApiEnv } from '../../env.js';

export interface RateLimitOptions {
  /** Requests a token may make in a burst. */
  capacity: number;
  /** Sustained requests per second. */
  refillPerSecond: number;
  /** Clock, for tests. */
  now?: () => number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 120, refillPerSecond: 20 };

interface Bucket {
  tokens: number;
  at: number;
}

/** Keeps the bucket map from growing without bound: full buckets carry no information. */
const SWEEP_ABOVE = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError('rate limit needs capacity >= 1 and refillPerSecond > 0');
    }
    this.now = options.now ?? Date.now;
  }

  /** Takes one request from `key`'s bucket; answers 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const { capacity, refillPerSecond } = this.options;
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / refillPerSecond));
  }

  remaining(key: string): number {
    return Math.floor(this.buckets.get(key)?.tokens ?? this.options.capacity);
  }

  private sweep(now: number): void {
    const { capacity, refillPerSecond } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * refillPerSecond >= capacity) this.buckets.delete(key);
    }
  }
}

/** Must run after authentication: the bucket key is the token id, never the token. */
export function rateLimit(options: RateLimitOptions = DEFAULT_RATE_LIMIT): MiddlewareHandler<ApiEnv> {
  const buckets = new TokenBuckets(options);
  return async (c, next) => {
    const key = c.get('auth').tokenId;
    const wait = buckets.take(key);
    c.header('RateLimit-Limit', String(options.capacity));
    c.header('RateLimit-Remaining', String(buckets.remaining(key)));
    if (wait > 0) {
      throw new ApiError(429, 'rate_limited', `too many requests for this token; retry in ${wait} s`, undefined, {
        'Retry-After': String(wait),
      });
    }
    await next();
  };
}
