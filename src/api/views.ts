/**
 * What the API shows of stored things. The delivery log never shows the stored `request`
 * (it holds the whole booking, patient data included); the booking view shows how many people
 * an e-mail went to, not who (staff addresses are for admins, in the log).
 */
import type { z } from 'zod';
import type { BookingState, NotificationEntry } from '../domain/booking-state.js';
import type { NotificationRow } from '../db/notifications.js';
import { countOutcomes } from '../delivery/recipient-outcomes.js';
import { explainSmtpAnswer } from '../delivery/smtp-explain.js';
import type { BookingNotificationSchema, BookingViewSchema, NotificationSchema } from './schemas.js';

export function notificationView(row: NotificationRow): z.infer<typeof NotificationSchema> {
  return {
    id: row.id,
    bookingId: row.bookingId,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    recipients: row.recipients,
    bcc: row.bcc,
    recipientOutcomes: row.recipientOutcomes.map((o) => ({
      address: o.address,
      bcc: o.bcc,
      outcome: o.outcome,
      code: o.code,
      enhancedCode: o.enhancedCode,
      response: o.response,
      explanation: explainSmtpAnswer(o),
      at: o.at,
    })),
    subject: row.subject,
    messageId: row.messageId,
    attempts: row.attempts,
    smtpResponse: row.smtpResponse,
    lastError: row.lastError,
    dueAt: row.dueAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    sentAt: row.sentAt,
    erasedAt: row.erasedAt,
  };
}

type BookingNotification = z.infer<typeof BookingNotificationSchema>;

/** The log row is the truth about delivery (it also reflects an admin's resend); the workflow knows what is still planned. */
function entryView(entry: NotificationEntry | undefined, row: NotificationRow | undefined): BookingNotification {
  const base = row ?? null;
  const status: BookingNotification['status'] =
    entry?.status === 'dropped' ? 'dropped' : base ? base.status : (entry?.status ?? 'pending');
  return {
    id: entry?.notificationId ?? row!.id,
    kind: entry?.kind ?? row!.kind,
    status,
    dueAt: entry?.dueAt ?? base?.dueAt ?? null,
    settledAt: status === 'pending' ? null : (base?.sentAt ?? (base ? base.updatedAt : null) ?? entry?.settledAt ?? null),
    sentAt: base?.sentAt ?? null,
    attempts: base?.attempts ?? 0,
    reason: base ? base.reason : status === 'pending' ? null : (entry?.detail ?? null),
    recipientCount: base ? base.recipientsCount + base.bccCount : 0,
    recipientOutcomes: countOutcomes(base?.recipientOutcomes ?? []),
  };
}

export function bookingView(state: BookingState, rows: NotificationRow[]): z.infer<typeof BookingViewSchema> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const notifications: BookingNotification[] = [];
  for (const entry of state.notifications) {
    if (seen.has(entry.notificationId)) continue;
    seen.add(entry.notificationId);
    notifications.push(entryView(entry, byId.get(entry.notificationId)));
  }
  for (const row of rows) if (!seen.has(row.id)) notifications.push(entryView(undefined, row));
  return {
    institutionId: state.institutionId,
    bookingId: state.bookingId,
    status: state.status,
    booking: state.booking as z.infer<typeof BookingViewSchema>['booking'],
    paid: state.paid,
    ...(state.paidAt !== undefined && { paidAt: state.paidAt }),
    ...(state.cancellation && { cancellation: state.cancellation }),
    reschedules: state.reschedules,
    timings: state.timings,
    notifications,
  };
}
