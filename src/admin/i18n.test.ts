import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUSES, NOTIFICATION_KINDS } from '../domain/types.js';
import { STRINGS, VALIDATION_RO, type StringKey } from './i18n.js';

const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the admin page’s strings', () => {
  it('has every key in both languages, with the same {holes}', () => {
    expect(Object.keys(STRINGS.en).sort()).toEqual(Object.keys(STRINGS.ro).sort());
    for (const key of Object.keys(STRINGS.ro) as StringKey[]) {
      expect({ key, holes: holes(STRINGS.en[key]) }).toEqual({ key, holes: holes(STRINGS.ro[key]) });
      expect(STRINGS.ro[key].trim()).not.toBe('');
      expect(STRINGS.en[key].trim()).not.toBe('');
    }
  });

  it('writes Romanian with comma-below ș ț, never the cedilla forms ş ţ', () => {
    const all = [...Object.values(STRINGS.ro), ...Object.values(VALIDATION_RO)].join('\n');
    expect(all).not.toMatch(/[şţŞŢ]/);
    expect(all).toMatch(/[ăâîșț]/);
    expect(STRINGS.ro.appName).toBe('Notificări examinări');
    expect(STRINGS.ro.settingsTitle).toBe('Setări notificări');
    expect(STRINGS.ro.saveButton).toBe('Salvare');
  });

  it('names every kind and status of the delivery log', () => {
    for (const locale of ['ro', 'en'] as const) {
      for (const kind of NOTIFICATION_KINDS) expect(STRINGS[locale][`kind_${kind}` as StringKey]).toBeTruthy();
      for (const status of [...DELIVERY_STATUSES, 'dropped']) expect(STRINGS[locale][`status_${status}` as StringKey]).toBeTruthy();
    }
  });
});
