/**
 * An attempt's lease on its log row, kept alive while the attempt lives. The lease is short
 * (LEASE_MS): when the process dies mid-send, another attempt can take the row over within
 * that time instead of waiting out a fixed lease longer than the whole activity. Each renewal
 * also heartbeats, so Temporal notices the dead worker as quickly and retries elsewhere.
 */
import type postgres from 'postgres';
import { extendLease } from '../db/notifications.js';

/** How long a claim or a renewal holds the row. */
export const LEASE_MS = 20_000;
/** How often a live attempt renews it: several renewals fit in one lease. */
export const RENEW_EVERY_MS = 5_000;

export interface LeaseKeeper {
  /** Stops renewing (the attempt settled the row, or gave it up). */
  release(): void;
}

export function keepLease(
  sql: postgres.Sql,
  lease: { notificationId: string; attempt: number; leaseMs: number; renewEveryMs?: number },
  heartbeat: () => void = () => {},
): LeaseKeeper {
  const timer = setInterval(() => {
    heartbeat();
    // A failed renewal (database briefly away) is not fatal: the next one tries again, and
    // the lease still has most of its time left.
    extendLease(sql, lease.notificationId, lease.attempt, lease.leaseMs).catch(() => false);
  }, lease.renewEveryMs ?? RENEW_EVERY_MS);
  timer.unref();
  return { release: () => clearInterval(timer) };
}
