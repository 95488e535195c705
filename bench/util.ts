import type { Booking } from '../src/domain/types.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A realistic booking: patient with an e-mail, every exam field, optionally a payment. */
export function bookingBody(bookingId: string, opts: { startsAt: number; paymentDeadline?: number }): Booking {
  return {
    bookingId,
    patient: { name: 'Maria Popescu', email: `pacient.${bookingId.toLowerCase()}@bench.test`, phone: '+40 712 345 678' },
    exam: {
      name: 'Rezonanță magnetică genunchi',
      startsAt: iso(opts.startsAt),
      durationMinutes: 30,
      location: 'Sala 2, etaj 1',
      doctor: 'Dr. Ionescu',
      department: 'Imagistică',
    },
    ...(opts.paymentDeadline !== undefined && {
      payment: { amount: '450.00', currency: 'RON', deadline: iso(opts.paymentDeadline), paid: false },
    }),
    notes: 'Pacientul vine cu rezultatele anterioare.',
  };
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
