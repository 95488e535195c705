/**
 * The two e-mails an admin sends from the API, synchronously (the answer is the log row): a
 * resend of a failed notification and a test e-mail to one saved list. Both are the delivery
 * service's (src/delivery/service.ts); this module turns its refusals into HTTP answers.
 */
import type { DeliveryDeps } from '../delivery/deps.js';
import { DeliveryRefusedError } from '../delivery/errors.js';
import * as delivery from '../delivery/service.js';
import type { NotificationRow } from '../db/notifications.js';
import { ApiError, notFound } from './errors.js';
import type { TestList } from './schemas.js';

function refusal(err: unknown): unknown {
  if (!(err instanceof DeliveryRefusedError)) return err;
  switch (err.reason) {
    case 'institution_not_found':
      return notFound();
    case 'notification_not_found':
      return notFound('notification');
    case 'personal_data_erased':
      return new ApiError(410, 'personal_data_erased', err.message);
    case 'not_failed':
    case 'not_resendable':
      return new ApiError(409, err.reason, err.message);
  }
}

export async function resendNotification(deps: DeliveryDeps, institutionId: string, id: string): Promise<NotificationRow> {
  try {
    return await delivery.resendNotification(deps, institutionId, id);
  } catch (err) {
    throw refusal(err);
  }
}

export async function sendTestEmail(deps: DeliveryDeps, institutionId: string, list: TestList): Promise<NotificationRow> {
  try {
    return await delivery.sendTestEmail(deps, institutionId, list);
  } catch (err) {
    throw refusal(err);
  }
}
