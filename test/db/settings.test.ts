import { describe, expect, it } from 'vitest';
import type { NotificationSettingsInput } from '../../src/domain/types.js';
import { useTestDatabase } from '../support/database.js';
import { createInstitution, InstitutionNotFoundError } from '../../src/db/institutions.js';
import {
  defaultSettingsInput,
  getCurrentSettings,
  listSettingsHistory,
  saveSettings,
  StaleSettingsError,
} from '../../src/db/settings.js';

const db = useTestDatabase();

const input = (over: Partial<NotificationSettingsInput> = {}): NotificationSettingsInput => ({
  bookingRecipients: ['receptie@clinica.example'],
  bcc: [
    { email: 'arhiva@clinica.example', enabled: true },
    { email: 'audit@clinica.example', enabled: false },
  ],
  cancellation: { recipients: ['planificare@clinica.example'], noticeHours: 48 },
  paymentReminder: { recipients: ['contabilitate@clinica.example'], hoursBefore: 12 },
  patientEmails: false,
  alerts: { recipients: ['it@clinica.example'] },
  retentionDays: 90,
  ...over,
});

describe('settings', () => {
  it('answers the defaults as version 0 when nothing was saved', async () => {
    await createInstitution(db.sql, { id: 'inst-defaults', name: 'D' });
    const [inst] = await db.sql<{ createdAt: string }[]>`SELECT created_at FROM institutions WHERE id = 'inst-defaults'`;
    const s = await getCurrentSettings(db.sql, 'inst-defaults');
    expect(s).toEqual({
      ...defaultSettingsInput(),
      version: 0,
      updatedBy: 'system',
      updatedAt: inst?.createdAt,
    });
    expect(s.cancellation.noticeHours).toBe(24);
    expect(s.paymentReminder.hoursBefore).toBe(24);
    expect(s.patientEmails).toBe(true);
    expect(await listSettingsHistory(db.sql, 'inst-defaults')).toEqual([]);
  });

  it('throws for an unknown institution', async () => {
    await expect(getCurrentSettings(db.sql, 'missing')).rejects.toBeInstanceOf(InstitutionNotFoundError);
    await expect(
      saveSettings(db.sql, { institutionId: 'missing', settings: input(), updatedBy: 'x' }),
    ).rejects.toBeInstanceOf(InstitutionNotFoundError);
  });

  it('saves new versions and keeps every one, newest first', async () => {
    await createInstitution(db.sql, { id: 'inst-save', name: 'S' });
    const { timingsChanged: changed1, ...v1 } = await saveSettings(db.sql, { institutionId: 'inst-save', settings: input(), updatedBy: 'ana' });
    expect(changed1).toBe(true); // 48 and 12 hours instead of the defaults' 24 and 24
    expect(v1).toMatchObject({ ...input(), version: 1, updatedBy: 'ana' });
    expect(Date.parse(v1.updatedAt)).not.toBeNaN();
    expect(await getCurrentSettings(db.sql, 'inst-save')).toEqual(v1);

    const { timingsChanged: changed2, ...v2 } = await saveSettings(db.sql, {
      institutionId: 'inst-save',
      settings: input({ bookingRecipients: [], patientEmails: true }),
      updatedBy: 'ion',
      expectedVersion: 1,
    });
    expect(changed2).toBe(false);
    expect(v2).toMatchObject({ version: 2, updatedBy: 'ion', bookingRecipients: [], patientEmails: true });
    expect(await getCurrentSettings(db.sql, 'inst-save')).toEqual(v2);

    const history = await listSettingsHistory(db.sql, 'inst-save');
    expect(history.map((h) => [h.version, h.updatedBy])).toEqual([
      [2, 'ion'],
      [1, 'ana'],
    ]);
    expect(history[1]).toEqual(v1);
  });

  it('stores only the known fields', async () => {
    await createInstitution(db.sql, { id: 'inst-extra', name: 'E' });
    const sneaky = { ...input(), surprise: 'x' } as NotificationSettingsInput;
    await saveSettings(db.sql, { institutionId: 'inst-extra', settings: sneaky, updatedBy: 'a' });
    const [row] = await db.sql<{ settings: Record<string, unknown> }[]>`
      SELECT settings FROM notification_settings WHERE institution_id = 'inst-extra'`;
    expect(Object.keys(row?.settings ?? {}).sort()).toEqual(
      ['alerts', 'bcc', 'bookingRecipients', 'cancellation', 'patientEmails', 'paymentReminder', 'retentionDays'],
    );
  });

  it('refuses a stale expectedVersion with the current version', async () => {
    await createInstitution(db.sql, { id: 'inst-stale', name: 'T' });
    await saveSettings(db.sql, { institutionId: 'inst-stale', settings: input(), updatedBy: 'a', expectedVersion: 0 });
    const err = await saveSettings(db.sql, {
      institutionId: 'inst-stale',
      settings: input(),
      updatedBy: 'b',
      expectedVersion: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleSettingsError);
    expect((err as StaleSettingsError).currentVersion).toBe(1);
    expect((await getCurrentSettings(db.sql, 'inst-stale')).version).toBe(1);
  });

  it('of two concurrent saves with the same expectedVersion exactly one wins', async () => {
    await createInstitution(db.sql, { id: 'inst-race', name: 'R' });
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((who) =>
        saveSettings(db.sql, { institutionId: 'inst-race', settings: input(), updatedBy: who, expectedVersion: 0 }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const l of lost) expect(l.reason).toBeInstanceOf(StaleSettingsError);
    expect((await listSettingsHistory(db.sql, 'inst-race')).map((h) => h.version)).toEqual([1]);
  });

  it('concurrent saves without expectedVersion all land, as consecutive versions', async () => {
    await createInstitution(db.sql, { id: 'inst-many', name: 'M' });
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((who) =>
        saveSettings(db.sql, { institutionId: 'inst-many', settings: input(), updatedBy: who }),
      ),
    );
    expect((await listSettingsHistory(db.sql, 'inst-many')).map((h) => h.version)).toEqual([4, 3, 2, 1]);
  });
});
