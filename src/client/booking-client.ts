import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type postgres from 'postgres';
import { bookingContentHash } from '../domain/booking-schema.js';
import type {
  BookingState,
  CancelRequest,
  CancelResult,
  PaymentRequest,
  RescheduleRequest,
} from '../domain/booking-state.js';
import type { Booking } from '../domain/types.js';
import { getBookingRecord, recordBooking, recordBookingTimes } from '../db/bookings.js';
import { eraseBookingPersonalData } from '../db/retention.js';
import { hasBookingSearchAttributes } from '../temporal/registered-search-attributes.js';
import { BOOKING_STATUS, EXAM_STARTS_AT, INSTITUTION_ID } from '../temporal/search-attributes.js';
import { startSettingsPropagation } from '../temporal/settings-propagation.js';
import { DEFAULT_TASK_QUEUE } from '../temporal/task-queue.js';
import type { bookingWorkflow } from '../workflows/booking.js';
import { bookingWorkflowId } from '../workflows/ids.js';
import {
  REFUSAL,
  cancelUpdate,
  markPaidUpdate,
  rescheduleUpdate,
  stateQuery,
  type RefusalType,
} from '../workflows/messages.js';
import { BookingCommandRefusedError, BookingConflictError, BookingErasedError, BookingNotFoundError } from './errors.js';
import { listUpcoming, type UpcomingOptions, type UpcomingPage } from './upcoming.js';

export interface BookingClientOptions {
  client: Client;
  sql: postgres.Sql;
  taskQueue?: string;
}

export interface StartResult {
  /** `created` for a new booking, `existing` for an identical repeat. */
  outcome: 'created' | 'existing';
  workflowId: string;
}

/** What an erasure on request did (DELETE …/bookings/{id}/personal-data). */
export interface ErasureResult {
  bookingId: string;
  /** When the personal data was erased (the first erasure's time on a repeat). */
  erasedAt: string;
  /** Delivery log rows erased by this call (0 on a repeat). */
  notificationsErased: number;
  /** `terminated`: the run was going and was ended; `already-closed`: it had ended (or was gone). */
  run: 'terminated' | 'already-closed';
  /** `deleted`: Temporal deletes its history now; `already-deleted`: there was none left. */
  history: 'deleted' | 'already-deleted';
}

const REFUSALS = new Set<string>(Object.values(REFUSAL));

/** The field a refusal names in its details (`[{ field }]`), if any. */
function refusedField(failure: ApplicationFailure): string | undefined {
  const detail: unknown = failure.details?.[0];
  if (typeof detail !== 'object' || detail === null) return undefined;
  const field = (detail as { field?: unknown }).field;
  return typeof field === 'string' ? field : undefined;
}
const GRPC_NOT_FOUND = 5;

/**
 * The one typed entry point to booking workflows: start (idempotent), cancel, mark paid,
 * reschedule, read state, and start re-timing running bookings after new settings.
 */
export class BookingClient {
  private readonly taskQueue: string;

  constructor(private readonly options: BookingClientOptions) {
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  }

  /**
   * Starts the booking's workflow; a new booking whose exam has started is refused
   * (InvalidTime). The content hash is recorded first: the same id with the
   * same content answers `existing` (and starts the workflow if an earlier call died before
   * it could), the same id with other content throws BookingConflictError.
   */
  async start(institutionId: string, booking: Booking): Promise<StartResult> {
    const workflowId = bookingWorkflowId(institutionId, booking.bookingId);
    // An exam that has started has nothing left to tell (as a reschedule into the past);
    // a repeat of a booking already taken still answers as before.
    if (Date.parse(booking.exam.startsAt) <= Date.now() && !(await getBookingRecord(this.options.sql, institutionId, booking.bookingId))) {
      throw new BookingCommandRefusedError(REFUSAL.invalidTime, 'the exam has already started', 'exam.startsAt');
    }
    const record = await recordBooking(this.options.sql, {
      institutionId,
      bookingId: booking.bookingId,
      contentHash: bookingContentHash(booking),
      workflowId,
      examStartsAt: booking.exam.startsAt,
    });
    if (record.outcome === 'conflict') throw new BookingConflictError(booking.bookingId);
    if (record.outcome === 'erased') throw new BookingErasedError(booking.bookingId);
    // The run upserts its status only when it was started with the attributes.
    const indexed = await hasBookingSearchAttributes(this.options.client);
    try {
      await this.options.client.workflow.start<typeof bookingWorkflow>('bookingWorkflow', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ institutionId, booking }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { institutionId, bookingId: booking.bookingId, examStartsAt: booking.exam.startsAt },
        ...(indexed && {
          typedSearchAttributes: [
            { key: INSTITUTION_ID, value: institutionId },
            { key: EXAM_STARTS_AT, value: new Date(booking.exam.startsAt) },
            { key: BOOKING_STATUS, value: 'scheduled' },
          ],
        }),
      });
    } catch (err) {
      // A closed run with this id: the booking was already handled.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { outcome: record.outcome === 'created' ? 'created' : 'existing', workflowId };
  }

  async getState(institutionId: string, bookingId: string): Promise<BookingState> {
    const handle = await this.handle(institutionId, bookingId);
    return this.call(institutionId, bookingId, () => handle.query(stateQuery), 'query');
  }

  async cancel(institutionId: string, bookingId: string, request: CancelRequest): Promise<CancelResult> {
    const handle = await this.handle(institutionId, bookingId);
    const result = await this.call(institutionId, bookingId, () => handle.executeUpdate(cancelUpdate, { args: [request] }));
    // The retention clock runs from the cancellation (the workflow records it again when it ends).
    // A failure here must not turn a done cancellation into an error: the workflow records it when it ends.
    await recordBookingTimes(this.options.sql, institutionId, bookingId, { cancelledAt: result.cancelledAt }).catch(() => false);
    return result;
  }

  async markPaid(institutionId: string, bookingId: string, request: PaymentRequest): Promise<BookingState> {
    const handle = await this.handle(institutionId, bookingId);
    return this.call(institutionId, bookingId, () => handle.executeUpdate(markPaidUpdate, { args: [request] }));
  }

  async reschedule(institutionId: string, bookingId: string, request: RescheduleRequest): Promise<BookingState> {
    const handle = await this.handle(institutionId, bookingId);
    const state = await this.call(institutionId, bookingId, () => handle.executeUpdate(rescheduleUpdate, { args: [request] }));
    await recordBookingTimes(this.options.sql, institutionId, bookingId, { examStartsAt: state.booking.exam.startsAt }).catch(() => false);
    return state;
  }

  /**
   * Erases a booking's personal data at once (an administrator's request): first in PostgreSQL
   * (so nothing more is sent even if Temporal is slow to answer: a delivery finds the booking
   * erased), then its run is terminated and its history deleted. Idempotent: a repeat finds
   * everything done and says so. BookingNotFoundError for a booking the institution does not have.
   */
  async erasePersonalData(institutionId: string, bookingId: string): Promise<ErasureResult> {
    const erased = await eraseBookingPersonalData(this.options.sql, institutionId, bookingId);
    if (!erased) throw new BookingNotFoundError(institutionId, bookingId);
    const workflowId = bookingWorkflowId(institutionId, bookingId);

    let run: ErasureResult['run'] = 'terminated';
    try {
      await this.options.client.workflow.getHandle(workflowId).terminate('personal data erased on request');
    } catch (err) {
      // Closed, or its history already gone: nothing runs.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      run = 'already-closed';
    }

    let history: ErasureResult['history'] = 'deleted';
    try {
      await this.options.client.workflowService.deleteWorkflowExecution({
        namespace: this.options.client.options.namespace,
        workflowExecution: { workflowId },
      });
    } catch (err) {
      if (!(isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND)) throw err;
      history = 'already-deleted';
    }
    return { bookingId, erasedAt: erased.erasedAt, notificationsErased: erased.notificationsErased, run, history };
  }

  /**
   * Starts re-timing the institution's running bookings to settings `version` (a workflow of
   * its own, src/workflows/settings-propagation.ts). Idempotent per version.
   */
  async startSettingsPropagation(institutionId: string, version: number): Promise<void> {
    await startSettingsPropagation({ client: this.options.client, sql: this.options.sql, taskQueue: this.taskQueue }, institutionId, version);
  }

  /** The e-mails the institution's running bookings plan in a window (src/client/upcoming.ts). */
  listUpcoming(institutionId: string, options: UpcomingOptions): Promise<UpcomingPage> {
    return listUpcoming(this.options, institutionId, options);
  }

  private async handle(institutionId: string, bookingId: string): Promise<WorkflowHandle<typeof bookingWorkflow>> {
    // The database knows which bookings belong to which institution; another institution's
    // booking is indistinguishable from a missing one.
    const record = await getBookingRecord(this.options.sql, institutionId, bookingId);
    if (!record) throw new BookingNotFoundError(institutionId, bookingId);
    return this.options.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(institutionId, bookingId));
  }

  private async call<T>(institutionId: string, bookingId: string, fn: () => Promise<T>, kind: 'query' | 'update' = 'update'): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && REFUSALS.has(err.cause.type ?? '')) {
        throw new BookingCommandRefusedError(err.cause.type as RefusalType, err.cause.message, refusedField(err.cause));
      }
      // The database knows the booking, so a run the server cannot update has ended: an update
      // on a closed run is answered gRPC NOT_FOUND ("workflow execution already completed"),
      // which the SDK throws as WorkflowNotFoundError (test/integration/booking-commands.test.ts).
      if (kind === 'update' && err instanceof WorkflowNotFoundError) {
        throw new BookingCommandRefusedError('BookingClosed', 'the booking is closed: its exam has started or its cancellation was notified');
      }
      if (err instanceof WorkflowNotFoundError) throw new BookingNotFoundError(institutionId, bookingId);
      throw err;
    }
  }
}
