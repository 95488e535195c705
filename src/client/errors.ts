import type { RefusalType } from '../workflows/messages.js';

/**
 * Where errors go: the booking client *throws* these typed errors for anything a caller
 * must answer differently (unknown booking, conflicting content, refused command); the
 * HTTP layer maps each to a status. Anything else thrown is an outage, not the caller's fault.
 */
export class BookingNotFoundError extends Error {
  override readonly name = 'BookingNotFoundError';
  constructor(readonly institutionId: string, readonly bookingId: string) {
    super(`booking ${bookingId} not found`);
  }
}

/** The same booking id was sent before with other content. */
export class BookingConflictError extends Error {
  override readonly name = 'BookingConflictError';
  constructor(readonly bookingId: string) {
    super(`booking ${bookingId} already exists with different content`);
  }
}

/** The booking's personal data was erased: it cannot be started again under the same id. */
export class BookingErasedError extends Error {
  override readonly name = 'BookingErasedError';
  constructor(readonly bookingId: string) {
    super(`booking ${bookingId} was erased`);
  }
}

/** The workflow refused a command (cancel twice, cancel after start, reschedule a cancelled booking…). */
export class BookingCommandRefusedError extends Error {
  override readonly name = 'BookingCommandRefusedError';
  constructor(
    readonly code: RefusalType | 'BookingClosed',
    message: string,
    /** The request field the refusal is about, when the workflow named one (InvalidTime). */
    readonly field?: string,
  ) {
    super(message);
  }
}
