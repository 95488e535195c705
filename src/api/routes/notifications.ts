/** The delivery log (admin scope): filter, page, resend a failed e-mail. */
import { createRoute } from '@hono/zod-openapi';
import type { DeliveryDeps } from '../../delivery/deps.js';
import { listNotifications } from '../../db/notifications.js';
import { resendNotification } from '../delivery.js';
import { authorize } from '../middleware/auth/index.js';
import {
  ERROR_RESPONSES,
  InstParams,
  NotificationPageSchema,
  NotificationParams,
  NotificationSchema,
  NotificationsQuery,
  errorResponse,
  json,
} from '../schemas.js';
import { notificationView } from '../views.js';
import { router, SECURITY } from './common.js';

const TAG = ['Delivery log'];

const listLog = createRoute({
  method: 'get',
  path: '/institutions/{inst}/notifications',
  tags: TAG,
  summary: 'The delivery log',
  description:
    'Every e-mail, newest first, filtered by booking, kind, status and creation time (`from` inclusive, `to` exclusive), in pages: pass `nextCursor` as `cursor` for the next page (with the same filters).',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams, query: NotificationsQuery },
  responses: { 200: json(NotificationPageSchema, 'One page of the log.'), ...ERROR_RESPONSES },
});

const resend = createRoute({
  method: 'post',
  path: '/institutions/{inst}/notifications/{notificationId}/resend',
  tags: TAG,
  summary: 'Send a failed or partial e-mail again',
  description:
    'Only a `failed` or `partial` notification; it is sent again at once with the same id and Message-ID to the recipients of the current settings minus those who already accepted it (for a `partial` one: the refused recipients, or whoever replaced them in the settings), and the log counts one more attempt. Answers the updated entry (its `status` tells whether this attempt worked).',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: NotificationParams },
  responses: {
    200: json(NotificationSchema, 'The log entry after the attempt.'),
    409: errorResponse('Not a failed or partial notification (`not_failed`), a test e-mail, or a partial one that everyone now on its list already received (`not_resendable`).'),
    410: errorResponse('Its personal data was erased (retention or on request), so there is nothing to send (`personal_data_erased`).'),
    ...ERROR_RESPONSES,
  },
});

export function notificationRoutes(deps: DeliveryDeps) {
  const app = router();

  app.openapi(listLog, async (c) => {
    const { inst } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await listNotifications(deps.sql, {
      institutionId: inst,
      bookingId: q.bookingId,
      kind: q.kind,
      status: q.status,
      cursor: q.cursor,
      limit: q.limit,
      from: q.from,
      to: q.to,
    });
    return c.json({ items: page.items.map(notificationView), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(resend, async (c) => {
    const { inst, notificationId } = c.req.valid('param');
    return c.json(notificationView(await resendNotification(deps, inst, notificationId)), 200);
  });

  return app;
}
