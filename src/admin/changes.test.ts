import { describe, expect, it } from 'vitest';
import { addressListChanges, bccChanges, settingsDiff, DEFAULT_SETTINGS } from '../domain/settings-schema.js';
import type { NotificationSettingsInput } from '../domain/types.js';
import { describeChange } from './assets/changes.js';
import { STRINGS } from './i18n.js';

const ro = STRINGS.ro as Record<string, string>;
const en = STRINGS.en as Record<string, string>;

/** What GET …/history answers for a version: the domain diff with the list details (routes/settings.ts). */
function apiChanges(before: NotificationSettingsInput, after: NotificationSettingsInput) {
  return settingsDiff(before, after).map((c) => {
    if (c.field === 'bcc') return { ...c, ...bccChanges(before.bcc, after.bcc) };
    if (Array.isArray(c.before) && Array.isArray(c.after)) return { ...c, ...addressListChanges(c.before as string[], c.after as string[]) };
    return c;
  });
}

describe('the settings history in words', () => {
  const before: NotificationSettingsInput = {
    ...structuredClone(DEFAULT_SETTINGS),
    bookingRecipients: ['receptie@clinica.ro', 'planificare@clinica.ro'],
    bcc: [
      { email: 'arhiva@clinica.ro', enabled: true },
      { email: 'audit@clinica.ro', enabled: false },
    ],
  };

  it('says which addresses were added, removed or switched, and numbers before → after, in ro and en', () => {
    const after: NotificationSettingsInput = {
      ...structuredClone(before),
      bookingRecipients: ['receptie@clinica.ro', 'programari@clinica.ro'],
      bcc: [
        { email: 'arhiva@clinica.ro', enabled: false },
        { email: 'audit@clinica.ro', enabled: true },
      ],
      cancellation: { recipients: [], noticeHours: 12 },
      patientEmails: false,
    };
    const changes = apiChanges(before, after);
    expect(changes.map((c) => describeChange(c, ro))).toEqual([
      { field: 'Destinatari programări', text: 'adăugat programari@clinica.ro; eliminat planificare@clinica.ro' },
      { field: 'Copie ascunsă (BCC)', text: 'pornit audit@clinica.ro; oprit arhiva@clinica.ro' },
      { field: 'Ore înainte de examinare (anunțul de anulare)', text: '24 → 12' },
      { field: 'E-mailuri către pacienți', text: 'Pornit → Oprit' },
    ]);
    expect(changes.map((c) => describeChange(c, en).text)).toEqual([
      'added programari@clinica.ro; removed planificare@clinica.ro',
      'switched on audit@clinica.ro; switched off arhiva@clinica.ro',
      '24 → 12',
      'On → Off',
    ]);
  });

  it('shows a list only reordered as before → after, and a field it does not know by its path', () => {
    const reordered = { ...structuredClone(before), bookingRecipients: ['planificare@clinica.ro', 'receptie@clinica.ro'] };
    expect(apiChanges(before, reordered).map((c) => describeChange(c, en))).toEqual([
      {
        field: 'Booking recipients',
        text: 'receptie@clinica.ro, planificare@clinica.ro → planificare@clinica.ro, receptie@clinica.ro',
      },
    ]);
    expect(describeChange({ field: 'future.recipients', before: [], after: ['x@y.ro'], added: ['x@y.ro'], removed: [] }, ro)).toEqual({
      field: 'future.recipients',
      text: 'adăugat x@y.ro',
    });
    expect(describeChange({ field: 'alerts.recipients', before: [], after: ['x@y.ro'], added: ['x@y.ro'], removed: [] }, ro)).toEqual({
      field: 'Destinatari alerte de livrare',
      text: 'adăugat x@y.ro',
    });
    expect(describeChange({ field: 'cancellation.recipients', before: ['a@b.ro'], after: [], added: [], removed: ['a@b.ro'] }, en)).toEqual({
      field: 'Cancellation recipients',
      text: 'removed a@b.ro',
    });
  });
});
