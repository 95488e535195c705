import type postgres from 'postgres';
import type { BccEntry, DueTimings, NotificationSettings, NotificationSettingsInput } from '../domain/types.js';
import { DEFAULT_SETTINGS } from '../domain/settings-schema.js';
import { InstitutionNotFoundError } from './institutions.js';
import { recordPropagationOwed } from './propagations.js';

/** Thrown when a save names a version that is no longer the current one (HTTP 412). */
export class StaleSettingsError extends Error {
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`settings were changed meanwhile: expected version ${expectedVersion}, current is ${currentVersion}`);
    this.name = 'StaleSettingsError';
  }
}

/** What an institution has before anyone saved anything (version 0): a fresh copy of DEFAULT_SETTINGS. */
export function defaultSettingsInput(): NotificationSettingsInput {
  return structuredClone(DEFAULT_SETTINGS);
}

interface SettingsDbRow {
  version: number;
  settings: Partial<NotificationSettingsInput> | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Only the known fields are stored, in a fixed shape; validation (addresses, limits) is the
 * zod schema's job before this point.
 */
function pickInput(s: NotificationSettingsInput): NotificationSettingsInput {
  return {
    bookingRecipients: [...s.bookingRecipients],
    bcc: s.bcc.map((b): BccEntry => ({ email: b.email, enabled: b.enabled })),
    cancellation: { recipients: [...s.cancellation.recipients], noticeHours: s.cancellation.noticeHours },
    paymentReminder: { recipients: [...s.paymentReminder.recipients], hoursBefore: s.paymentReminder.hoursBefore },
    patientEmails: s.patientEmails,
    alerts: { recipients: [...s.alerts.recipients] },
    retentionDays: s.retentionDays,
  };
}

/** Stored JSON over the defaults, so a field added later reads as its default in old versions. */
function toSettings(r: SettingsDbRow): NotificationSettings {
  const d = defaultSettingsInput();
  const s = r.settings ?? {};
  return {
    bookingRecipients: s.bookingRecipients ?? d.bookingRecipients,
    bcc: s.bcc ?? d.bcc,
    cancellation: { ...d.cancellation, ...s.cancellation },
    paymentReminder: { ...d.paymentReminder, ...s.paymentReminder },
    patientEmails: s.patientEmails ?? d.patientEmails,
    alerts: { ...d.alerts, ...s.alerts },
    retentionDays: s.retentionDays ?? d.retentionDays,
    version: r.version,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

export async function getCurrentSettings(sql: postgres.Sql, institutionId: string): Promise<NotificationSettings> {
  // One round trip: the institution (for the version-0 timestamp) left-joined to its newest version.
  const rows = await sql<SettingsDbRow[]>`
    SELECT coalesce(s.version, 0) AS version,
           s.settings,
           coalesce(s.updated_at, i.created_at) AS updated_at,
           coalesce(s.updated_by, 'system') AS updated_by
      FROM institutions i
      LEFT JOIN LATERAL (
        SELECT version, settings, updated_at, updated_by
          FROM notification_settings
         WHERE institution_id = i.id
         ORDER BY version DESC
         LIMIT 1
      ) s ON true
     WHERE i.id = ${institutionId}`;
  const row = rows[0];
  if (!row) throw new InstitutionNotFoundError(institutionId);
  return toSettings(row);
}

export interface SaveSettingsInput {
  institutionId: string;
  settings: NotificationSettingsInput;
  updatedBy: string;
  /** When given, the save is refused unless this is still the current version (If-Match). */
  expectedVersion?: number | undefined;
}

/** The hours that place due moments: what running bookings must be told about. */
export function dueTimingsOf(s: Pick<NotificationSettingsInput, 'cancellation' | 'paymentReminder'>): DueTimings {
  return { noticeHours: s.cancellation.noticeHours, hoursBefore: s.paymentReminder.hoursBefore };
}

export interface SavedSettings extends NotificationSettings {
  /** noticeHours or hoursBefore differ from the version this save replaced. */
  timingsChanged: boolean;
}

/**
 * Saves a new version (current + 1). Concurrent saves take turns on the institution row.
 * A save that changes the due-time hours also records, in the same transaction, that its
 * propagation to running bookings is owed (settings_propagations, see db/propagations.ts).
 */
export async function saveSettings(sql: postgres.Sql, input: SaveSettingsInput): Promise<SavedSettings> {
  const settings = pickInput(input.settings);
  return sql.begin(async (tx) => {
    // NO KEY UPDATE serialises saves of one institution without blocking the FOR KEY SHARE
    // locks that inserts into bookings/notifications take through their foreign keys.
    const inst = await tx`SELECT 1 FROM institutions WHERE id = ${input.institutionId} FOR NO KEY UPDATE`;
    if (inst.length === 0) throw new InstitutionNotFoundError(input.institutionId);
    const [cur] = await tx<SettingsDbRow[]>`
      SELECT version, settings, updated_at, updated_by FROM notification_settings
       WHERE institution_id = ${input.institutionId} ORDER BY version DESC LIMIT 1`;
    const current = cur?.version ?? 0;
    const before = dueTimingsOf(cur ? toSettings(cur) : defaultSettingsInput());
    if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
      throw new StaleSettingsError(input.expectedVersion, current);
    }
    const [row] = await tx<SettingsDbRow[]>`
      INSERT INTO notification_settings (institution_id, version, settings, updated_by)
      VALUES (${input.institutionId}, ${current + 1}, ${tx.json(settings as unknown as postgres.JSONValue)}, ${input.updatedBy})
      RETURNING version, settings, updated_at, updated_by`;
    if (!row) throw new Error('insert into notification_settings returned no row');
    const after = dueTimingsOf(settings);
    const timingsChanged = after.noticeHours !== before.noticeHours || after.hoursBefore !== before.hoursBefore;
    if (timingsChanged) await recordPropagationOwed(tx, input.institutionId, row.version);
    return { ...toSettings(row), timingsChanged };
  });
}

/** Every saved version, newest first (version 0, the defaults, is not a saved version). */
export async function listSettingsHistory(sql: postgres.Sql, institutionId: string): Promise<NotificationSettings[]> {
  const rows = await sql<SettingsDbRow[]>`
    SELECT version, settings, updated_at, updated_by
      FROM notification_settings
     WHERE institution_id = ${institutionId}
     ORDER BY version DESC`;
  return rows.map(toSettings);
}
