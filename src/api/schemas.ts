/**
 * The API's schemas. Request bodies are the domain schemas themselves (the very objects that
 * validate them), named for the OpenAPI document; responses are described here.
 *
 * OpenAPI metadata is attached with zod's own `.meta()` (id → a named component, param,
 * description, example), not `.openapi()`: zod 4 copies prototype methods onto a schema when it
 * is created, so `.openapi()` exists only on schemas created after @hono/zod-openapi was loaded,
 * which would make this module depend on import order.
 */
import { z } from 'zod';
import {
  bookingIdSchema,
  bookingSchema,
  isoInstantSchema,
  cancelRequestSchema,
  paymentRequestSchema,
  rescheduleRequestSchema,
} from '../domain/booking-schema.js';
import { notificationSettingsInputSchema } from '../domain/settings-schema.js';
import { DELIVERY_STATUSES, NOTIFICATION_KINDS } from '../domain/types.js';
import { RECIPIENT_OUTCOMES } from '../delivery/recipient-outcomes.js';
import { SMTP_EXPLANATIONS } from '../delivery/smtp-explain.js';
import { CURSOR_PATTERN, MAX_PAGE_SIZE } from '../db/notifications.js';
import { EXAMPLE_BOOKING } from '../domain/example-booking.js';
import { TOKEN_SCOPES } from '../domain/tokens.js';
import { ERROR_CODES } from './errors.js';

// ---- examples -----------------------------------------------------------------

export { EXAMPLE_BOOKING };

export const EXAMPLE_SETTINGS = {
  bookingRecipients: ['receptie@clinica.ro', 'planificare@clinica.ro'],
  bcc: [
    { email: 'arhiva@clinica.ro', enabled: true },
    { email: 'audit@clinica.ro', enabled: false },
  ],
  cancellation: { recipients: ['anulari@clinica.ro'], noticeHours: 24 },
  paymentReminder: { recipients: ['contabilitate@clinica.ro'], hoursBefore: 24 },
  patientEmails: true,
  alerts: { recipients: ['it@clinica.ro'] },
  retentionDays: 90,
};

// ---- errors -----------------------------------------------------------------------------

export const FieldErrorSchema = z
  .object({
    field: z.string().meta({ description: 'Path of the field, e.g. `bookingRecipients[3]`; "" for the whole body.' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ example: 'validation_failed', description: 'One of a closed list (docs/api.md#errors-and-limits).' }),
      message: z.string(),
      details: z.array(FieldErrorSchema).optional(),
      requestId: z.string().meta({
        description: "The request's id, also in the `X-Request-Id` response header and in the service's logs (the caller's own `X-Request-Id` when it sent a sane one).",
        example: '3f1c2b9e-5d7a-4c11-9a0e-2b6f8d4e7c10',
      }),
    }),
  })
  .meta({ id: 'Error' });

// ---- path, query and header parameters --------------------------------------------------

const instParam = z.string().meta({
  param: { name: 'inst', in: 'path', description: "The institution's id; must be the token's institution." },
  example: 'clinica-a',
});

export const InstParams = z.object({ inst: instParam });

export const BookingParams = z.object({
  inst: instParam,
  bookingId: bookingIdSchema.meta({
    param: { name: 'bookingId', in: 'path', description: "The booking system's id of the booking." },
    example: 'B-2026-000123',
  }),
});

/** Notification ids are `<inst>/<booking>/<event>/<audience>`: URL-encode the slashes (%2F). */
export const NotificationParams = z.object({
  inst: instParam,
  notificationId: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,400}$/, 'is not a notification id')
    .meta({
      param: { name: 'notificationId', in: 'path', description: 'The notification id, URL-encoded (its slashes as %2F).' },
      example: 'clinica-a/B-2026-000123/created/staff',
    }),
});

export const IfMatchHeader = z.object({
  'If-Match': z
    .string()
    .optional()
    .meta({
      param: { in: 'header', description: 'The ETag of the version being replaced, `"<version>"`, or `*` (a comma-separated list of entity tags is accepted too).' },
      pattern: '^(\\*|(W/)?"[0-9A-Za-z]*"(, ?(W/)?"[0-9A-Za-z]*")*)$',
      example: '"3"',
    }),
});

export const IfNoneMatchHeader = z.object({
  'If-None-Match': z
    .string()
    .optional()
    .meta({ param: { in: 'header', description: 'An ETag seen before: answers 304 while it is still current.' }, example: '"3"' }),
});

/** A list's optional `limit` query parameter: a whole number from 1 to `max`. */
export function pageLimitParam(max: number, description: string) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .optional()
    .meta({ param: { name: 'limit', in: 'query', description } });
}

export const NotificationsQuery = z.strictObject({
  bookingId: bookingIdSchema.optional().meta({ param: { name: 'bookingId', in: 'query' } }),
  kind: z.enum(NOTIFICATION_KINDS).optional().meta({ param: { name: 'kind', in: 'query' } }),
  status: z.enum(DELIVERY_STATUSES).optional().meta({ param: { name: 'status', in: 'query' } }),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'cursor is not valid: use the nextCursor of a previous page')
    .optional()
    .meta({
      param: {
        name: 'cursor',
        in: 'query',
        description: 'The `nextCursor` of the previous page: `<microseconds since 1970>~<notification id>`, the position after which the page starts.',
      },
      example: '1764581400123456~clinica-a/B-2026-000123/created/staff',
    }),
  limit: pageLimitParam(MAX_PAGE_SIZE, 'Page size, 1–200 (default 50).'),
  from: isoInstantSchema.optional().meta({
    param: { name: 'from', in: 'query', description: 'Only e-mails created at or after this instant (ISO 8601 with an offset).' },
    example: '2030-03-11T00:00:00+02:00',
  }),
  to: isoInstantSchema.optional().meta({
    param: { name: 'to', in: 'query', description: 'Only e-mails created before this instant (exclusive; ISO 8601 with an offset); one before `from` leaves the range empty.' },
    example: '2030-03-12T00:00:00+02:00',
  }),
});

// ---- request bodies (the domain schemas) ------------------------------------------------

export const SettingsInputSchema = notificationSettingsInputSchema.meta({ id: 'NotificationSettingsInput',
  example: EXAMPLE_SETTINGS,
});
export const BookingSchema = bookingSchema.meta({ id: 'Booking', example: EXAMPLE_BOOKING });
export const CancelRequestSchema = cancelRequestSchema.meta({ id: 'CancelRequest',
  example: { reason: 'Pacientul este răcit', cancelledBy: 'recepție' },
});
export const PaymentRequestSchema = paymentRequestSchema.meta({ id: 'PaymentRequest',
  example: { paidAt: '2026-11-20T10:00:00+02:00' },
});
export const RescheduleRequestSchema = rescheduleRequestSchema.meta({ id: 'RescheduleRequest',
  example: { startsAt: '2030-03-14T11:00:00+02:00', paymentDeadline: '2030-03-13T11:00:00+02:00' },
});

export const TEST_LISTS = ['bookingRecipients', 'bcc', 'cancellation', 'paymentReminder', 'alerts'] as const;
export type TestList = (typeof TEST_LISTS)[number];
export const TestEmailRequestSchema = z
  .strictObject({ list: z.enum(TEST_LISTS) })
  .meta({ id: 'TestEmailRequest', example: { list: 'bookingRecipients' } });

// ---- responses --------------------------------------------------------------------------

/** An instant the service writes (toISOString: always with seconds), in answers. */
export const instant = z.string().meta({ format: 'date-time' });

export const SettingsSchema = z
  .object({
    bookingRecipients: z.array(z.string()),
    bcc: z.array(z.object({ email: z.string(), enabled: z.boolean() })),
    cancellation: z.object({ recipients: z.array(z.string()), noticeHours: z.number().int() }),
    paymentReminder: z.object({ recipients: z.array(z.string()), hoursBefore: z.number().int() }),
    patientEmails: z.boolean(),
    alerts: z.object({
      recipients: z.array(z.string()).meta({
        description: 'Staff told, in one digest at most every 15 minutes, of every e-mail that did not reach someone (0–20 addresses; [] when omitted on save).',
      }),
    }),
    retentionDays: z.number().int().meta({
      description: 'Days the personal data of a booking is kept after its exam (or its cancellation), 7–3650; 90 unless saved.',
    }),
    version: z.number().int().meta({ description: '0 until the first save (the defaults).' }),
    updatedAt: instant,
    updatedBy: z.string(),
  })
  .meta({ id: 'NotificationSettings' });

/** GET adds what the admin page shows times in; it is the institution's, not an editable setting. */
export const SettingsReadSchema = SettingsSchema.extend({
  timeZone: z.string().meta({
    description: "The institution's IANA time zone (set with `institution create --timezone`; read-only here), in which the admin page shows times.",
    example: 'Europe/Bucharest',
  }),
}).meta({ id: 'NotificationSettingsRead' });

export const PropagationSchema = z
  .object({
    version: z.number().int().meta({ description: 'The settings version whose hours are being applied.', example: 7 }),
    status: z.enum(['pending', 'running', 'finished', 'superseded']).meta({
      description:
        '`pending`: saved, its start not yet confirmed (the worker starts it within PROPAGATION_RECONCILE_SECONDS); `running`; `finished`: every running booking was told; ' +
        '`superseded`: a newer save re-times the bookings instead.',
    }),
    found: z.number().int().meta({ description: 'Running bookings found to re-time.', example: 10000 }),
    done: z.number().int().meta({ description: 'Of those, how many were told the new hours so far.', example: 8000 }),
    requestedAt: z.string().meta({ description: 'When the save committed.' }),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable().meta({ description: 'When it finished or was superseded; null while it runs.' }),
  })
  .meta({ id: 'SettingsPropagation' });

export const SettingsSavedSchema = SettingsSchema.extend({
  timingsChanged: z.boolean().meta({ description: 'Whether noticeHours or hoursBefore changed with this save.' }),
  propagation: PropagationSchema.nullable().meta({
    description:
      'When the hours changed: the re-timing of the running bookings, which goes on after this answer (follow it at …/notification-settings/propagation); null otherwise.',
  }),
}).meta({ id: 'NotificationSettingsSaved' });

export const SettingsChangeSchema = z
  .object({
    field: z.string().meta({ example: 'cancellation.noticeHours' }),
    before: z.unknown(),
    after: z.unknown(),
    added: z.array(z.string()).optional(),
    removed: z.array(z.string()).optional(),
    switchedOn: z.array(z.string()).optional(),
    switchedOff: z.array(z.string()).optional(),
  })
  .meta({ id: 'SettingsChange' });

export const SettingsHistorySchema = z
  .object({
    items: z.array(
      z.object({
        version: z.number().int(),
        updatedAt: instant,
        updatedBy: z.string(),
        changes: z.array(SettingsChangeSchema),
        settings: SettingsSchema.omit({ version: true, updatedAt: true, updatedBy: true }),
      }),
    ),
  })
  .meta({ id: 'NotificationSettingsHistory' });

export const RecipientOutcomeSchema = z
  .object({
    address: z.string(),
    bcc: z.boolean().meta({ description: 'A hidden recipient (envelope only, never in a header).' }),
    outcome: z.enum(RECIPIENT_OUTCOMES).meta({
      description: '`accepted` by the SMTP server; `refused` with a 5xx (not retried); `deferred` with a 4xx or no answer (retried alone, up to a day).',
    }),
    code: z.number().int().nullable().meta({ description: 'The SMTP reply code; null when the server gave none (connection lost, timeout).' }),
    enhancedCode: z.string().nullable().meta({ description: 'The enhanced status code of the reply (e.g. 5.1.1), when it had one.' }),
    response: z.string().nullable().meta({ description: "The server's answer (or the connection error), one line." }),
    explanation: z.enum(SMTP_EXPLANATIONS).nullable().meta({
      description: 'What the answer most likely means, when it is a common one: `no_such_address`, `mailbox_full`, `spam` (refused as spam), `no_answer` (the server did not answer).',
    }),
    at: instant,
  })
  .meta({ id: 'RecipientOutcome' });

export const NotificationSchema = z
  .object({
    id: z.string(),
    bookingId: z.string().nullable(),
    kind: z.enum(NOTIFICATION_KINDS),
    status: z.enum(DELIVERY_STATUSES),
    reason: z.string().nullable().meta({ description: 'Why it was skipped or failed.' }),
    recipients: z.array(z.string()),
    bcc: z.array(z.string()).meta({ description: 'Hidden recipients (envelope only, never in a header).' }),
    recipientOutcomes: z.array(RecipientOutcomeSchema).meta({
      description:
        "What the SMTP server answered for each envelope recipient, visible ones first, hidden ones marked `bcc`. Empty before the first answer and after erasure. `sent`: all accepted; `partial`: some accepted, others refused.",
    }),
    subject: z.string().nullable(),
    messageId: z.string().nullable(),
    attempts: z.number().int(),
    smtpResponse: z.string().nullable(),
    lastError: z.string().nullable(),
    dueAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    sentAt: instant.nullable(),
    erasedAt: instant.nullable().meta({
      description:
        'When its personal data was erased (retention or on request): recipients, bcc, subject, SMTP answer and error are empty then; kind, status, attempts and times stay.',
    }),
  })
  .meta({ id: 'Notification' });

export const NotificationPageSchema = z
  .object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'NotificationPage' });

export const BookingStartedSchema = z
  .object({
    outcome: z.enum(['created', 'existing']),
    bookingId: z.string(),
    workflowId: z.string(),
    booking: BookingSchema,
  })
  .meta({ id: 'BookingStarted' });

export const BookingNotificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    status: z.enum([...DELIVERY_STATUSES, 'dropped']),
    dueAt: instant.nullable(),
    settledAt: instant.nullable(),
    sentAt: instant.nullable(),
    attempts: z.number().int(),
    reason: z.string().nullable(),
    recipientCount: z.number().int().meta({ description: 'Visible and hidden recipients together.' }),
    recipientOutcomes: z
      .object({ accepted: z.number().int(), refused: z.number().int(), deferred: z.number().int() })
      .meta({ description: 'How many recipients accepted, refused (5xx) or deferred (4xx, retried) it; who is in the admin log.' }),
  })
  .meta({ id: 'BookingNotification' });

export const BookingViewSchema = z
  .object({
    institutionId: z.string(),
    bookingId: z.string(),
    status: z.enum(['scheduled', 'cancelled', 'completed']),
    booking: BookingSchema,
    paid: z.boolean(),
    // As the booking system sent it.
    paidAt: isoInstantSchema.optional(),
    cancellation: z
      .object({
        cancelledAt: instant,
        reason: z.string().optional(),
        cancelledBy: z.string().optional(),
        lastMinute: z.boolean(),
        noticeDueAt: instant,
      })
      .optional(),
    reschedules: z.number().int(),
    timings: z.object({ noticeHours: z.number().int(), hoursBefore: z.number().int() }),
    notifications: z.array(BookingNotificationSchema),
  })
  .meta({ id: 'BookingView' });

export const ErasureResultSchema = z
  .object({
    bookingId: z.string(),
    erasedAt: instant.meta({ description: 'When the personal data was erased (the first erasure\'s time on a repeat).' }),
    notificationsErased: z.number().int().meta({ description: 'Delivery log entries erased by this call (0 on a repeat).' }),
    run: z.enum(['terminated', 'already-closed']).meta({ description: 'Whether the booking\'s run was ended now or had already ended.' }),
    history: z.enum(['deleted', 'already-deleted']).meta({ description: 'Whether its Temporal history is being deleted now or was already gone.' }),
  })
  .meta({
    id: 'ErasureResult',
    example: { bookingId: 'B-2026-000123', erasedAt: '2026-11-20T10:00:00.000Z', notificationsErased: 4, run: 'terminated', history: 'deleted' },
  });

export const CancelResultSchema = z
  .object({
    cancelledAt: instant,
    noticeDueAt: instant.meta({ description: 'When the staff cancellation notice is (or was) sent.' }),
    lastMinute: z.boolean(),
  })
  .meta({ id: 'CancelResult' });

export const TokenInfoSchema = z
  .object({
    institutionId: z.string().nullable().meta({ example: 'clinica-a', description: 'null for an operator token (deployment-wide).' }),
    scope: z.enum(TOKEN_SCOPES),
    label: z.string().nullable().meta({ description: 'The label given when the token was made.' }),
    tokenId: z.string().meta({ description: 'The id to revoke it with (`token revoke <token-id>`).', example: 'tok_Xy3kP0aQ9bVw' }),
  })
  .meta({ id: 'TokenInfo' });

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const ReadySchema = z
  .object({ status: z.literal('ready'), checks: z.record(z.string(), z.literal('ok')) })
  .meta({ id: 'Ready' });

// ---- shared response declarations ------------------------------------------------------

const errorContent = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** What the HTTP server itself answers on any path, before the app sees the request (server.ts). */
export const TRANSPORT_RESPONSES = {
  408: errorContent('The request (headers and body) did not arrive within the server\'s request timeout (30 s by default); the connection is closed.'),
  414: errorContent('The request line (method, URL and HTTP version) is longer than 8 KiB.'),
  431: errorContent('The request line and headers together are larger than 16 KiB.'),
} as const;

export const ERROR_RESPONSES = {
  ...TRANSPORT_RESPONSES,
  400: errorContent('Invalid input: `details` lists each bad field.'),
  401: errorContent('No, unknown or revoked token.'),
  403: errorContent('The token has the wrong scope for this endpoint.'),
  404: errorContent("Not found (another institution's resources answer this too)."),
  405: errorContent('The path exists but not with this method; `Allow` lists the methods it has.'),
  413: errorContent('The body is larger than 64 KiB.'),
  415: errorContent('The body is not JSON.'),
  429: errorContent('Too many requests for this token (see Retry-After).'),
  503: errorContent('PostgreSQL or Temporal is unavailable.'),
} as const;

export const errorResponse = errorContent;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});
