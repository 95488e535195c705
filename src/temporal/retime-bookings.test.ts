import { describe, expect, it } from 'vitest';
import { parseCrashAt } from '../testing/crash-point.js';
import { bookingsToRetimeQuery } from './booking-visibility.js';
import { forEachLimited } from './retime-bookings.js';

describe('forEachLimited', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([...Array(50).keys()], 4, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(n);
      running -= 1;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });

  it('finishes the others, then rejects with the first failure', async () => {
    const seen: number[] = [];
    const run = forEachLimited([1, 2, 3, 4], 2, async (n) => {
      if (n === 2) throw new Error('two');
      seen.push(n);
    });
    await expect(run).rejects.toThrow('two');
    expect(seen.sort()).toEqual([1, 3, 4]);
  });
});

describe('bookingsToRetimeQuery', () => {
  it('names running booking workflows of one institution, quoting the id', () => {
    expect(bookingsToRetimeQuery('clinica-a')).toBe('WorkflowType = "bookingWorkflow" AND ExecutionStatus = "Running" AND InstitutionId = "clinica-a"');
    expect(bookingsToRetimeQuery('a" OR "1')).toContain('InstitutionId = "a\\" OR \\"1"');
  });
});

describe('parseCrashAt', () => {
  it('reads a point and an optional pass', () => {
    expect(parseCrashAt(undefined)).toBeUndefined();
    expect(parseCrashAt('settings-saved')).toEqual({ point: 'settings-saved', pass: 1 });
    expect(parseCrashAt('propagation-signalled:30')).toEqual({ point: 'propagation-signalled', pass: 30 });
    expect(parseCrashAt('no spaces allowed')).toBeUndefined();
  });
});
