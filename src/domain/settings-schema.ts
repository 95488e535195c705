/**
 * The editable notification settings (PUT body and what the admin page saves). Strict at every
 * level. The address lists are required — an omitted list is more likely a client bug than a
 * wish to clear it; the numbers, `patientEmails` and a BCC entry's `enabled` have defaults.
 * A duplicate address (case-insensitive) is reported at the duplicate's own path, so the page
 * can point at the entry to remove; the first occurrence is not flagged.
 */
import { z } from 'zod';
import { addressKey, emailAddressSchema, findDuplicateAddresses, isEmailAddress } from './email-address.js';
import type { BccEntry, NotificationSettingsInput } from './types.js';

export const MAX_RECIPIENTS = 50;
export const MAX_BCC = 20;
/** Staff told when an e-mail did not reach someone (docs/behaviour.md, "Delivery alerts"). */
export const MAX_ALERT_RECIPIENTS = 20;
export const MAX_HOURS = 720;
/** Days personal data is kept after a booking's exam (or its cancellation); docs/operations.md. */
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_RETENTION_DAYS = 90;
/** Default of both `cancellation.noticeHours` and `paymentReminder.hoursBefore`. */
export const DEFAULT_HOURS = 24;

/** Adds a "duplicate address" issue at `[index, ...tail]` for every repeated address. Invalid entries are left to their own error. */
function flagDuplicates(addresses: string[], ctx: z.RefinementCtx, tail: (string | number)[] = []): void {
  const valid = addresses.map((a, index) => ({ a, index })).filter(({ a }) => isEmailAddress(a));
  const firstAt = new Map<string, number>();
  for (const { a, index } of valid) if (!firstAt.has(addressKey(a))) firstAt.set(addressKey(a), index);
  for (const i of findDuplicateAddresses(valid.map(({ a }) => a))) {
    const { a, index } = valid[i]!;
    const first = firstAt.get(addressKey(a))!;
    ctx.addIssue({
      code: 'custom',
      message: `duplicate address (already listed at position ${first + 1})`,
      path: [index, ...tail],
    });
  }
}

export const recipientListSchema = z
  .array(emailAddressSchema)
  .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} addresses`)
  .superRefine((list, ctx) => flagDuplicates(list, ctx))
  .meta({ uniqueItems: true, description: `At most ${MAX_RECIPIENTS} addresses, each once (compared without regard to case).` });

export const bccEntrySchema = z.strictObject({
  email: emailAddressSchema,
  enabled: z.boolean().default(true),
});

export const bccListSchema = z
  .array(bccEntrySchema)
  .max(MAX_BCC, `at most ${MAX_BCC} addresses`)
  .superRefine((list, ctx) => flagDuplicates(list.map((entry) => entry.email), ctx, ['email']))
  .meta({ uniqueItems: true, description: `At most ${MAX_BCC} entries, each address once (compared without regard to case).` });

const hoursSchema = z
  .number({ error: 'must be a number of hours' })
  .int('must be a whole number of hours')
  .min(1, 'must be at least 1 hour')
  .max(MAX_HOURS, `must be at most ${MAX_HOURS} hours (30 days)`)
  .default(DEFAULT_HOURS);

export const retentionDaysSchema = z
  .number({ error: 'must be a number of days' })
  .int('must be a whole number of days')
  .min(MIN_RETENTION_DAYS, `must be at least ${MIN_RETENTION_DAYS} days`)
  .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (10 years)`)
  .default(DEFAULT_RETENTION_DAYS);

export const notificationSettingsInputSchema = z.strictObject({
  bookingRecipients: recipientListSchema,
  bcc: bccListSchema,
  cancellation: z.strictObject({
    recipients: recipientListSchema,
    noticeHours: hoursSchema,
  }),
  paymentReminder: z.strictObject({
    recipients: recipientListSchema,
    hoursBefore: hoursSchema,
  }),
  patientEmails: z.boolean().default(true),
  // Optional with a default: bodies written before the list existed stay valid.
  alerts: z
    .strictObject({
      recipients: z
        .array(emailAddressSchema)
        .max(MAX_ALERT_RECIPIENTS, `at most ${MAX_ALERT_RECIPIENTS} addresses`)
        .superRefine((list, ctx) => flagDuplicates(list, ctx))
        .default([]),
    })
    .default({ recipients: [] }),
  retentionDays: retentionDaysSchema,
});

// Fails to compile if the schema's output drifts from the shared type.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const settingsMatch: Equals<z.output<typeof notificationSettingsInputSchema>, NotificationSettingsInput> = true;
void settingsMatch;

/**
 * What an institution has before its first save: empty lists and every default of the schema
 * above (the one place defaults are written). Deeply frozen: copy it before changing anything.
 */
export const DEFAULT_SETTINGS: NotificationSettingsInput = deepFreeze(
  notificationSettingsInputSchema.parse({
    bookingRecipients: [],
    bcc: [],
    cancellation: { recipients: [] },
    paymentReminder: { recipients: [] },
  }),
);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

export interface SettingsChange {
  field: string;
  before: unknown;
  after: unknown;
}

const FIELDS: Array<[string, (s: NotificationSettingsInput) => unknown]> = [
  ['bookingRecipients', (s) => s.bookingRecipients],
  ['bcc', (s) => s.bcc],
  ['cancellation.recipients', (s) => s.cancellation.recipients],
  ['cancellation.noticeHours', (s) => s.cancellation.noticeHours],
  ['paymentReminder.recipients', (s) => s.paymentReminder.recipients],
  ['paymentReminder.hoursBefore', (s) => s.paymentReminder.hoursBefore],
  ['patientEmails', (s) => s.patientEmails],
  ['alerts.recipients', (s) => s.alerts.recipients],
  ['retentionDays', (s) => s.retentionDays],
];

/**
 * The fields that differ between two versions, by dotted path, for the settings history.
 * Lists are compared as whole values, exactly (order and letter case count: the admin saw them
 * change); `addressListChanges` and `bccChanges` say what changed inside a list.
 */
export function settingsDiff(before: NotificationSettingsInput, after: NotificationSettingsInput): SettingsChange[] {
  const changes: SettingsChange[] = [];
  for (const [field, get] of FIELDS) {
    const b = get(before);
    const a = get(after);
    if (JSON.stringify(b) !== JSON.stringify(a)) changes.push({ field, before: b, after: a });
  }
  return changes;
}

/** Addresses added to and removed from a list, compared case-insensitively, each in its list's order. */
export function addressListChanges(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const beforeKeys = new Set(before.map(addressKey));
  const afterKeys = new Set(after.map(addressKey));
  return {
    added: after.filter((a) => !beforeKeys.has(addressKey(a))),
    removed: before.filter((a) => !afterKeys.has(addressKey(a))),
  };
}

/** A readable account of a BCC list change: addresses added, removed, switched on and switched off. */
export function bccChanges(
  before: readonly BccEntry[],
  after: readonly BccEntry[],
): { added: string[]; removed: string[]; switchedOn: string[]; switchedOff: string[] } {
  const { added, removed } = addressListChanges(
    before.map((e) => e.email),
    after.map((e) => e.email),
  );
  const wasEnabled = new Map(before.map((e) => [addressKey(e.email), e.enabled]));
  const switchedOn: string[] = [];
  const switchedOff: string[] = [];
  for (const entry of after) {
    const was = wasEnabled.get(addressKey(entry.email));
    if (was === undefined || was === entry.enabled) continue;
    (entry.enabled ? switchedOn : switchedOff).push(entry.email);
  }
  return { added, removed, switchedOn, switchedOff };
}
