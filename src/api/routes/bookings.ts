/**
 * Bookings: the booking system (scope `booking`) starts them and sends their events; both
 * scopes read them. A booking of another institution is indistinguishable from a missing one.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type postgres from 'postgres';
import type { BookingClient } from '../../client/booking-client.js';
import { listBookingNotifications } from '../../db/notifications.js';
import { bookingView } from '../views.js';
import { authorize } from '../middleware/auth/index.js';
import {
  BookingParams,
  BookingSchema,
  BookingStartedSchema,
  BookingViewSchema,
  CancelRequestSchema,
  CancelResultSchema,
  ERROR_RESPONSES,
  ErasureResultSchema,
  InstParams,
  PaymentRequestSchema,
  RescheduleRequestSchema,
  errorResponse,
  json,
  jsonBody,
} from '../schemas.js';
import { router, SECURITY } from './common.js';

const TAG = ['Bookings'];
const PATH = '/institutions/{inst}/bookings';

const createBooking = createRoute({
  method: 'post',
  path: PATH,
  tags: TAG,
  summary: 'Start a booking',
  description:
    'Starts the booking\'s workflow: the staff e-mail and the patient confirmation go at once. The same booking sent again with the same content answers 200 with the same booking; the same id with other content answers 409.',
  security: SECURITY,
  middleware: [authorize('booking')] as const,
  request: { params: InstParams, body: jsonBody(BookingSchema) },
  responses: {
    201: json(BookingStartedSchema, 'Created.'),
    200: json(BookingStartedSchema, 'The same booking was already started with the same content.'),
    409: errorResponse(
      'The booking id is taken by a booking with different content (code `booking_conflict`), or by a booking whose personal data was erased (code `booking_erased`).',
    ),
    ...ERROR_RESPONSES,
  },
});

const getBooking = createRoute({
  method: 'get',
  path: `${PATH}/{bookingId}`,
  tags: TAG,
  summary: 'A booking and every notification',
  description: 'Status, the booking as it stands, and each e-mail: sent, pending with its due time, failed or skipped.',
  security: SECURITY,
  middleware: [authorize('admin', 'booking')] as const,
  request: { params: BookingParams },
  responses: { 200: json(BookingViewSchema, 'The booking.'), ...ERROR_RESPONSES },
});

const REFUSED = errorResponse(
  'Refused by the booking\'s state: `booking_already_cancelled`, `exam_already_started`, `booking_cancelled`, `booking_has_no_payment`, `booking_closed`.',
);

const cancelBooking = createRoute({
  method: 'post',
  path: `${PATH}/{bookingId}/cancel`,
  tags: TAG,
  summary: 'Cancel a booking',
  description:
    'The patient\'s confirmation goes at once; the staff notice is due at max(now, startsAt − noticeHours), which the answer gives (`lastMinute` when inside the window). Twice, or after the exam\'s start, answers 409.',
  security: SECURITY,
  middleware: [authorize('booking')] as const,
  request: { params: BookingParams, body: jsonBody(CancelRequestSchema, false) },
  responses: { 200: json(CancelResultSchema, 'Cancelled.'), 409: REFUSED, ...ERROR_RESPONSES },
});

const payBooking = createRoute({
  method: 'post',
  path: `${PATH}/{bookingId}/payment`,
  tags: TAG,
  summary: 'Mark a booking paid',
  description: 'Drops the pending payment reminder. Marking a paid booking paid again changes nothing.',
  security: SECURITY,
  middleware: [authorize('booking')] as const,
  request: { params: BookingParams, body: jsonBody(PaymentRequestSchema, false) },
  responses: { 200: json(BookingViewSchema, 'The booking, paid.'), 409: REFUSED, ...ERROR_RESPONSES },
});

const rescheduleBooking = createRoute({
  method: 'post',
  path: `${PATH}/{bookingId}/reschedule`,
  tags: TAG,
  summary: 'Move a booking',
  description:
    'New start (and optionally a new payment deadline): staff and patient are told, every pending due moment is recomputed. A cancelled booking answers 409 (`booking_cancelled`); a start in the past 400 (`invalid_time`); a new deadline for a booking without payment 409 (`booking_has_no_payment`).',
  security: SECURITY,
  middleware: [authorize('booking')] as const,
  request: { params: BookingParams, body: jsonBody(RescheduleRequestSchema) },
  responses: { 200: json(BookingViewSchema, 'The booking, moved.'), 409: REFUSED, ...ERROR_RESPONSES },
});

const erasePersonalData = createRoute({
  method: 'delete',
  path: `${PATH}/{bookingId}/personal-data`,
  tags: TAG,
  summary: 'Erase a booking\'s personal data now',
  description:
    'On request (admin): the booking\'s personal data in the delivery log (the stored booking, recipients, subjects, SMTP answers) is erased at once, its run is ended (nothing more is sent) and its Temporal history deleted. ' +
    'Kind, status, times and recipient counts of its e-mails stay for the statistics. Idempotent: a repeat answers 200 with `notificationsErased: 0`, `already-closed`, `already-deleted`. ' +
    'Afterwards GET of the booking answers 404 and starting it again 409 (`booking_erased`).',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: BookingParams },
  responses: { 200: json(ErasureResultSchema, 'What was erased.'), ...ERROR_RESPONSES },
});

export function bookingRoutes(deps: { sql: postgres.Sql; bookings: BookingClient; logger?: Logger }) {
  const app = router();
  const { sql, bookings, logger } = deps;

  const view = async (inst: string, state: Awaited<ReturnType<BookingClient['getState']>>) =>
    bookingView(state, await listBookingNotifications(sql, inst, state.bookingId));

  app.openapi(createBooking, async (c) => {
    const { inst } = c.req.valid('param');
    const booking = c.req.valid('json');
    const started = await bookings.start(inst, booking);
    const status = started.outcome === 'created' ? 201 : 200;
    c.header('Location', `/api/v1/institutions/${inst}/bookings/${encodeURIComponent(booking.bookingId)}`);
    return c.json({ outcome: started.outcome, bookingId: booking.bookingId, workflowId: started.workflowId, booking }, status);
  });

  app.openapi(getBooking, async (c) => {
    const { inst, bookingId } = c.req.valid('param');
    return c.json(await view(inst, await bookings.getState(inst, bookingId)), 200);
  });

  app.openapi(cancelBooking, async (c) => {
    const { inst, bookingId } = c.req.valid('param');
    const request = c.req.valid('json');
    return c.json(await bookings.cancel(inst, bookingId, request), 200);
  });

  app.openapi(payBooking, async (c) => {
    const { inst, bookingId } = c.req.valid('param');
    const request = c.req.valid('json');
    return c.json(await view(inst, await bookings.markPaid(inst, bookingId, request)), 200);
  });

  app.openapi(rescheduleBooking, async (c) => {
    const { inst, bookingId } = c.req.valid('param');
    const request = c.req.valid('json');
    return c.json(await view(inst, await bookings.reschedule(inst, bookingId, request)), 200);
  });

  app.openapi(erasePersonalData, async (c) => {
    const { inst, bookingId } = c.req.valid('param');
    const result = await bookings.erasePersonalData(inst, bookingId);
    (c.var.logger ?? logger)?.info(
      { institutionId: inst, bookingId, notificationsErased: result.notificationsErased, run: result.run, history: result.history },
      'personal data erased on request',
    );
    return c.json(result, 200);
  });

  return app;
}
