import { describe, expect, it } from 'vitest';
import { CAP_MS, QUIET_MS, REMEMBER_MS, digestDueAt, emptyDigest, gather, isAlertable, takeDigest, type DeliveryProblem } from './delivery-alerts.js';

const problem = (n: number, attempts = 1): DeliveryProblem => ({ notificationId: `inst/B-${n}/created/staff`, outcome: 'failed', attempts });
const MIN = 60_000;

describe('the delivery-alert digest', () => {
  it('is due a quiet minute after the latest of a burst', () => {
    const s = emptyDigest();
    expect(digestDueAt(s)).toBeUndefined();
    for (let i = 0; i < 5; i++) gather(s, problem(i), i * 10_000);
    expect(digestDueAt(s)).toBe(40_000 + QUIET_MS);
  });

  it('goes 15 minutes after the first problem even while problems keep coming', () => {
    const s = emptyDigest();
    for (let t = 0; t <= 20 * MIN; t += 30_000) gather(s, problem(t), t);
    expect(digestDueAt(s)).toBe(CAP_MS);
  });

  it('keeps two digests at least 15 minutes apart', () => {
    const s = emptyDigest();
    gather(s, problem(1), 0);
    expect(takeDigest(s, QUIET_MS)).toEqual([problem(1)]);
    expect(digestDueAt(s)).toBeUndefined();
    gather(s, problem(2), 2 * MIN);
    expect(digestDueAt(s)).toBe(QUIET_MS + CAP_MS);
    gather(s, problem(3), 20 * MIN);
    expect(digestDueAt(s)).toBe(2 * MIN + CAP_MS); // the cap counts from the first pending problem
    takeDigest(s, 16 * MIN);
    gather(s, problem(4), 40 * MIN);
    expect(digestDueAt(s)).toBe(41 * MIN);
  });

  it('lists a repeated report once, and a later failure of the same e-mail again', () => {
    const s = emptyDigest();
    expect(gather(s, problem(1), 0)).toBe(true);
    expect(gather(s, problem(1), 5_000)).toBe(false);
    expect(s.lastAt).toBe(0);
    takeDigest(s, MIN);
    expect(gather(s, problem(1), 2 * MIN)).toBe(false);
    expect(gather(s, problem(1, 2), 2 * MIN)).toBe(true);
  });

  it('forgets reports older than a day when a digest goes', () => {
    const s = emptyDigest();
    gather(s, problem(1), 0);
    takeDigest(s, MIN);
    gather(s, problem(2), REMEMBER_MS + 2 * MIN);
    takeDigest(s, REMEMBER_MS + 3 * MIN);
    expect(Object.keys(s.seen)).toEqual(['inst/B-2/created/staff#1']);
  });

  it('never alerts about an alert or a test e-mail', () => {
    expect(isAlertable('alert')).toBe(false);
    expect(isAlertable('test')).toBe(false);
    expect(isAlertable('booking-created-patient')).toBe(true);
  });
});
