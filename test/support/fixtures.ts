import type postgres from 'postgres';
import { createInstitution } from '../../src/db/institutions.js';
import { saveSettings } from '../../src/db/settings.js';
import type { Booking, NotificationSettingsInput } from '../../src/domain/types.js';

export const STAFF = {
  reception: 'receptie@clinica.test',
  planning: 'planificare@clinica.test',
  cancellations: 'anulari@clinica.test',
  billing: 'facturare@clinica.test',
  bccOn: 'arhiva@clinica.test',
  bccOff: 'vechi@clinica.test',
};

export const SETTINGS: NotificationSettingsInput = {
  bookingRecipients: [STAFF.reception, STAFF.planning],
  bcc: [
    { email: STAFF.bccOn, enabled: true },
    { email: STAFF.bccOff, enabled: false },
  ],
  cancellation: { recipients: [STAFF.cancellations], noticeHours: 24 },
  paymentReminder: { recipients: [STAFF.billing], hoursBefore: 24 },
  patientEmails: true,
  alerts: { recipients: [] },
  retentionDays: 90,
};

/** An institution with the settings above (or `settings`), saved as version 1. */
export async function seedInstitution(
  sql: postgres.Sql,
  id = 'clinica-test',
  settings: NotificationSettingsInput = SETTINGS,
): Promise<string> {
  await createInstitution(sql, { id, name: 'Clinica Test', timezone: 'Europe/Bucharest', locale: 'ro' });
  await saveSettings(sql, { institutionId: id, settings, updatedBy: 'test' });
  return id;
}

const HOUR = 3_600_000;

/** The example booking, moved so its exam starts `startsInHours` after `nowMs`. */
export function makeBooking(
  nowMs: number,
  opts: { id?: string; startsInHours?: number; deadlineInHours?: number | null; paid?: boolean; email?: string | null } = {},
): Booking {
  const startsAt = new Date(nowMs + (opts.startsInHours ?? 72) * HOUR).toISOString();
  const deadlineIn = opts.deadlineInHours === undefined ? 48 : opts.deadlineInHours;
  return {
    bookingId: opts.id ?? 'B-2026-000123',
    patient: {
      name: 'Ana Popescu',
      ...(opts.email !== null && { email: opts.email ?? 'ana.popescu@example.com' }),
      phone: '+40 712 345 678',
    },
    exam: {
      name: 'RMN cerebral',
      startsAt,
      durationMinutes: 30,
      location: 'Sala 2, etaj 1',
      doctor: 'Dr. Ioana Ionescu',
      department: 'Imagistică',
    },
    ...(deadlineIn !== null && {
      payment: {
        amount: '450.00',
        currency: 'RON',
        deadline: new Date(nowMs + deadlineIn * HOUR).toISOString(),
        paid: opts.paid ?? false,
      },
    }),
    notes: 'Pacientul are implant dentar.',
  };
}

/** Booking ids unique within a file's run and across runs on one server: `<prefix>-<time>-<n>`. */
export function bookingIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${Date.now().toString(36)}-${++n}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
