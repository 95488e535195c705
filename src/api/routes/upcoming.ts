/** What goes out next (admin scope): the e-mails planned in a window, from Temporal. */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { BookingClient } from '../../client/booking-client.js';
import { NOTIFICATION_KINDS } from '../../domain/types.js';
import { WITHIN_HINT, WITHIN_PATTERN, parseWithin } from '../../domain/upcoming.js';
import { authorize } from '../middleware/auth/index.js';
import { ERROR_RESPONSES, InstParams, instant, json, pageLimitParam } from '../schemas.js';
import { router, SECURITY } from './common.js';

const DEFAULT_WITHIN = '24h';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

export const UpcomingQuery = z.strictObject({
  within: z
    .string()
    .refine((v) => parseWithin(v) !== null, { error: `must be ${WITHIN_HINT}` })
    .optional()
    .meta({ param: { name: 'within', in: 'query', description: `The window from now: ${WITHIN_HINT} (default ${DEFAULT_WITHIN}).` }, pattern: WITHIN_PATTERN, example: '24h' }),
  cursor: z
    .string()
    .max(2000)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query', description: 'The `nextCursor` of the previous page (it keeps the first page\'s window).' } }),
  limit: pageLimitParam(MAX_LIMIT, `Bookings per page, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT}); a booking may plan several e-mails.`),
});

export const UpcomingEmailSchema = z
  .object({
    bookingId: z.string(),
    notificationId: z.string().meta({ description: 'The id its delivery log entry will have.' }),
    kind: z.enum(NOTIFICATION_KINDS),
    dueAt: instant.meta({ description: 'When it is due; a past time means it goes now (e.g. waiting for a retry).' }),
    recipientsCount: z
      .number()
      .int()
      .meta({ description: 'Addresses it goes to with the settings as they are now, hidden (BCC) ones included; 0: it will be logged `skipped`.' }),
  })
  .meta({ id: 'UpcomingEmail' });

export const UpcomingPageSchema = z
  .object({
    until: instant.meta({ description: 'The end of the window: every e-mail due by then.' }),
    items: z.array(UpcomingEmailSchema).meta({ description: 'Soonest first within the page.' }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'UpcomingPage' });

const listUpcomingRoute = createRoute({
  method: 'get',
  path: '/institutions/{inst}/notifications/upcoming',
  tags: ['Delivery log'],
  summary: 'E-mails planned in a window',
  description:
    'The cancellation notices and payment reminders (and any e-mail waiting for a retry) that the institution\'s running bookings will send by now + `within`: the bookings are found by the search attribute `NextNotificationAt`, each one\'s e-mails read from its state. ' +
    'An e-mail sent, a booking paid or cancelled, a reschedule or a settings change shows here within seconds. Paged by bookings: pass `nextCursor` as `cursor` for the next page.',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams, query: UpcomingQuery },
  responses: { 200: json(UpcomingPageSchema, 'One page of planned e-mails.'), ...ERROR_RESPONSES },
});

export function upcomingRoutes(deps: { bookings: BookingClient }) {
  const app = router();
  app.openapi(listUpcomingRoute, async (c) => {
    const { inst } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await deps.bookings.listUpcoming(inst, {
      withinMs: parseWithin(q.within ?? DEFAULT_WITHIN)!,
      limit: q.limit ?? DEFAULT_LIMIT,
      cursor: q.cursor,
    });
    return c.json(page, 200);
  });
  return app;
}
