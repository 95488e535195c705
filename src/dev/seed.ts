/**
 * First-start access for `npm run dev`: an institution and two API tokens (admin, booking),
 * kept in DATA_DIR/dev-access.json so every later start prints the same ones. Tokens are
 * stored hashed in the database like any other (src/db/tokens.ts); the
 * clear text lives only in that local, git-ignored file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type postgres from 'postgres';
import { createApiToken, findActiveToken } from '../db/tokens.js';
import { createInstitution, getInstitution } from '../db/institutions.js';
import { getCurrentSettings, saveSettings } from '../db/settings.js';
import { DEFAULT_SETTINGS } from '../domain/settings-schema.js';
import type { NotificationSettingsInput } from '../domain/types.js';

export const DEV_INSTITUTION = { id: 'default', name: 'Clinica locală (dev)' };

/** Example addresses on the reserved .test domain: they only ever reach the local capture. */
export const DEV_SETTINGS: NotificationSettingsInput = {
  bookingRecipients: ['receptie@clinica-locala.test', 'planificare@clinica-locala.test'],
  bcc: [
    { email: 'arhiva@clinica-locala.test', enabled: true },
    { email: 'vechi@clinica-locala.test', enabled: false },
  ],
  cancellation: { recipients: ['anulari@clinica-locala.test'], noticeHours: DEFAULT_SETTINGS.cancellation.noticeHours },
  paymentReminder: { recipients: ['facturare@clinica-locala.test'], hoursBefore: DEFAULT_SETTINGS.paymentReminder.hoursBefore },
  patientEmails: true,
  alerts: { recipients: ['it@clinica-locala.test'] },
  retentionDays: DEFAULT_SETTINGS.retentionDays,
};

export interface DevAccess {
  institutionId: string;
  adminToken: string;
  bookingToken: string;
}

/** An institution that exists with saved settings (saved only if it has none yet). */
export async function ensureInstitution(
  sql: postgres.Sql,
  institution: { id: string; name: string },
  settings: NotificationSettingsInput,
  updatedBy: string,
): Promise<void> {
  if (!(await getInstitution(sql, institution.id))) {
    await createInstitution(sql, { id: institution.id, name: institution.name, timezone: 'Europe/Bucharest', locale: 'ro' });
  }
  if ((await getCurrentSettings(sql, institution.id)).version === 0) {
    await saveSettings(sql, { institutionId: institution.id, settings, updatedBy });
  }
}

async function readAccess(file: string): Promise<DevAccess | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<DevAccess>;
    if (typeof v.institutionId === 'string' && typeof v.adminToken === 'string' && typeof v.bookingToken === 'string') return v as DevAccess;
  } catch {
    // missing or unreadable: made anew
  }
  return undefined;
}

/** The dev institution and its tokens; `created` is true when the tokens were made now. */
export async function ensureDevAccess(sql: postgres.Sql, file: string): Promise<DevAccess & { created: boolean }> {
  await ensureInstitution(sql, DEV_INSTITUTION, DEV_SETTINGS, 'npm run dev');
  const known = await readAccess(file);
  if (known) {
    const [admin, booking] = await Promise.all([findActiveToken(sql, known.adminToken), findActiveToken(sql, known.bookingToken)]);
    if (admin?.scope === 'admin' && booking?.scope === 'booking') return { ...known, created: false };
  }
  const admin = await createApiToken(sql, { institutionId: DEV_INSTITUTION.id, scope: 'admin', label: 'npm run dev: first administrator' });
  const booking = await createApiToken(sql, { institutionId: DEV_INSTITUTION.id, scope: 'booking', label: 'npm run dev: booking system' });
  const access: DevAccess = { institutionId: DEV_INSTITUTION.id, adminToken: admin.token, bookingToken: booking.token };
  await writeFile(file, `${JSON.stringify(access, null, 2)}\n`, { mode: 0o600 });
  return { ...access, created: true };
}
