import { describe, expect, it } from 'vitest';
import {
  addressListChanges,
  bccChanges,
  DEFAULT_SETTINGS,
  notificationSettingsInputSchema,
  settingsDiff,
} from './settings-schema.js';
import type { NotificationSettingsInput } from './types.js';
import { zodIssuesToDetails } from './validation-errors.js';

const addresses = (n: number, prefix = 'staff') => Array.from({ length: n }, (_, i) => `${prefix}${i}@clinica.ro`);

const valid = (): NotificationSettingsInput => ({
  bookingRecipients: ['receptie@clinica.ro', 'planificare@clinica.ro'],
  bcc: [
    { email: 'arhiva@clinica.ro', enabled: true },
    { email: 'calitate@clinica.ro', enabled: false },
  ],
  cancellation: { recipients: ['receptie@clinica.ro'], noticeHours: 48 },
  paymentReminder: { recipients: ['contabilitate@clinica.ro'], hoursBefore: 12 },
  patientEmails: false,
  alerts: { recipients: [] },
  retentionDays: 90,
});

function errorsOf(input: unknown) {
  const result = notificationSettingsInputSchema.safeParse(input);
  return result.success ? [] : zodIssuesToDetails(result.error);
}

describe('notificationSettingsInputSchema', () => {
  it('accepts a full, valid settings body unchanged', () => {
    expect(notificationSettingsInputSchema.parse(valid())).toEqual(valid());
  });

  it('applies the defaults: 24 h, 24 h, patient e-mails on, BCC entries enabled', () => {
    const parsed = notificationSettingsInputSchema.parse({
      bookingRecipients: [],
      bcc: [{ email: 'arhiva@clinica.ro' }],
      cancellation: { recipients: [] },
      paymentReminder: { recipients: [] },
    });
    expect(parsed).toEqual({
      bookingRecipients: [],
      bcc: [{ email: 'arhiva@clinica.ro', enabled: true }],
      cancellation: { recipients: [], noticeHours: 24 },
      paymentReminder: { recipients: [], hoursBefore: 24 },
      patientEmails: true,
      alerts: { recipients: [] },
      retentionDays: 90,
    });
  });

  it('DEFAULT_SETTINGS is itself valid, empty, 24/24, patient e-mails on', () => {
    expect(notificationSettingsInputSchema.parse(DEFAULT_SETTINGS)).toEqual({
      bookingRecipients: [],
      bcc: [],
      cancellation: { recipients: [], noticeHours: 24 },
      paymentReminder: { recipients: [], hoursBefore: 24 },
      patientEmails: true,
      alerts: { recipients: [] },
      retentionDays: 90,
    });
    expect(() => (DEFAULT_SETTINGS.bookingRecipients as string[]).push('x@y.ro')).toThrow(TypeError);
  });

  it('requires the lists (an omitted list is not read as "clear it")', () => {
    expect(errorsOf({})).toEqual([
      { field: 'bookingRecipients', message: 'required' },
      { field: 'bcc', message: 'required' },
      { field: 'cancellation', message: 'required' },
      { field: 'paymentReminder', message: 'required' },
    ]);
  });

  it('reads a body without the alert list (written before it existed) as an empty list', () => {
    const { alerts: _alerts, ...older } = valid();
    expect(notificationSettingsInputSchema.parse(older).alerts).toEqual({ recipients: [] });
    expect(notificationSettingsInputSchema.parse({ ...older, alerts: {} }).alerts).toEqual({ recipients: [] });
  });

  it('checks the alert list like the other lists: 20 addresses at most, each valid, no duplicates', () => {
    expect(errorsOf({ ...valid(), alerts: { recipients: addresses(20) } })).toEqual([]);
    expect(errorsOf({ ...valid(), alerts: { recipients: addresses(21) } })).toEqual([
      { field: 'alerts.recipients', message: 'at most 20 addresses' },
    ]);
    const errors = errorsOf({ ...valid(), alerts: { recipients: ['it@clinica.ro', 'nu-e-adresa', 'IT@clinica.ro'], extra: 1 } });
    expect(errors.map((e) => e.field)).toEqual(['alerts.recipients[1]', 'alerts.recipients[2]', 'alerts.extra']);
  });

  it('accepts 50 recipients and refuses 51', () => {
    expect(errorsOf({ ...valid(), bookingRecipients: addresses(50) })).toEqual([]);
    expect(errorsOf({ ...valid(), bookingRecipients: addresses(51) })).toEqual([
      { field: 'bookingRecipients', message: 'at most 50 addresses' },
    ]);
    expect(errorsOf({ ...valid(), cancellation: { recipients: addresses(51), noticeHours: 24 } })).toEqual([
      { field: 'cancellation.recipients', message: 'at most 50 addresses' },
    ]);
    expect(errorsOf({ ...valid(), paymentReminder: { recipients: addresses(51), hoursBefore: 24 } })).toEqual([
      { field: 'paymentReminder.recipients', message: 'at most 50 addresses' },
    ]);
  });

  it('accepts 20 BCC entries and refuses 21', () => {
    const bcc = (n: number) => addresses(n, 'bcc').map((email) => ({ email, enabled: true }));
    expect(errorsOf({ ...valid(), bcc: bcc(20) })).toEqual([]);
    expect(errorsOf({ ...valid(), bcc: bcc(21) })).toEqual([{ field: 'bcc', message: 'at most 20 addresses' }]);
  });

  it('reports an invalid address at its index', () => {
    expect(
      errorsOf({ ...valid(), bookingRecipients: ['receptie@clinica.ro', 'Ana <ana@clinica.ro>', 'x@clinica.ro\r\nBcc: y@z.ro'] }),
    ).toEqual([
      { field: 'bookingRecipients[1]', message: 'give the bare address, without a display name or angle brackets' },
      { field: 'bookingRecipients[2]', message: 'address contains a line break or another control character' },
    ]);
    expect(errorsOf({ ...valid(), bcc: [{ email: 'arhiva@localhost', enabled: true }] })).toEqual([
      { field: 'bcc[0].email', message: 'the domain must contain a dot (e.g. example.ro)' },
    ]);
  });

  it('reports duplicates (case-insensitive) at the duplicate, not the first occurrence', () => {
    const list = ['a@clinica.ro', 'b@clinica.ro', 'c@clinica.ro', 'A@Clinica.RO', 'b@clinica.ro'];
    expect(errorsOf({ ...valid(), bookingRecipients: list })).toEqual([
      { field: 'bookingRecipients[3]', message: 'duplicate address (already listed at position 1)' },
      { field: 'bookingRecipients[4]', message: 'duplicate address (already listed at position 2)' },
    ]);
    expect(errorsOf({ ...valid(), cancellation: { recipients: ['x@y.ro', 'X@y.ro'], noticeHours: 24 } })).toEqual([
      { field: 'cancellation.recipients[1]', message: 'duplicate address (already listed at position 1)' },
    ]);
  });

  it('the same address may appear in different lists', () => {
    const s = valid();
    expect(errorsOf({ ...s, cancellation: { ...s.cancellation, recipients: s.bookingRecipients } })).toEqual([]);
  });

  it('reports BCC duplicates by e-mail, even when their switches differ', () => {
    const bcc = [
      { email: 'arhiva@clinica.ro', enabled: true },
      { email: 'ARHIVA@clinica.ro', enabled: false },
    ];
    expect(errorsOf({ ...valid(), bcc })).toEqual([
      { field: 'bcc[1].email', message: 'duplicate address (already listed at position 1)' },
    ]);
  });

  it.each([
    [0, 'must be at least 1 hour'],
    [721, 'must be at most 720 hours (30 days)'],
    [1.5, 'must be a whole number of hours'],
    ['24', 'must be a number of hours'],
  ])('refuses %j hours', (hours, message) => {
    expect(errorsOf({ ...valid(), cancellation: { recipients: [], noticeHours: hours } })).toEqual([
      { field: 'cancellation.noticeHours', message },
    ]);
    expect(errorsOf({ ...valid(), paymentReminder: { recipients: [], hoursBefore: hours } })).toEqual([
      { field: 'paymentReminder.hoursBefore', message },
    ]);
  });

  it('accepts the hour limits 1 and 720', () => {
    expect(errorsOf({ ...valid(), cancellation: { recipients: [], noticeHours: 1 } })).toEqual([]);
    expect(errorsOf({ ...valid(), paymentReminder: { recipients: [], hoursBefore: 720 } })).toEqual([]);
  });

  it.each([
    [6, 'must be at least 7 days'],
    [3651, 'must be at most 3650 days (10 years)'],
    [30.5, 'must be a whole number of days'],
    ['90', 'must be a number of days'],
  ])('refuses %j retention days', (days, message) => {
    expect(errorsOf({ ...valid(), retentionDays: days })).toEqual([{ field: 'retentionDays', message }]);
  });

  it('accepts the retention limits 7 and 3650, and reads 90 when left out', () => {
    expect(errorsOf({ ...valid(), retentionDays: 7 })).toEqual([]);
    expect(errorsOf({ ...valid(), retentionDays: 3650 })).toEqual([]);
    const { retentionDays: _omitted, ...rest } = valid();
    expect(notificationSettingsInputSchema.parse(rest).retentionDays).toBe(90);
  });

  it('refuses unknown fields at every level', () => {
    const input = {
      ...valid(),
      version: 3,
      bcc: [{ email: 'arhiva@clinica.ro', enabled: true, name: 'Arhivă' }],
      cancellation: { recipients: [], noticeHours: 24, minutes: 30 },
      paymentReminder: { recipients: [], hoursBefore: 24, patient: true },
    };
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        { field: 'version', message: 'unknown field' },
        { field: 'bcc[0].name', message: 'unknown field' },
        { field: 'cancellation.minutes', message: 'unknown field' },
        { field: 'paymentReminder.patient', message: 'unknown field' },
      ]),
    );
    expect(errorsOf(input)).toHaveLength(4);
  });
});

describe('settingsDiff', () => {
  it('is empty for identical settings', () => {
    expect(settingsDiff(valid(), valid())).toEqual([]);
  });

  it('lists each changed field by dotted path with its values before and after', () => {
    const after = valid();
    after.cancellation.noticeHours = 24;
    after.paymentReminder.recipients = [];
    after.patientEmails = true;
    expect(settingsDiff(valid(), after)).toEqual([
      { field: 'cancellation.noticeHours', before: 48, after: 24 },
      { field: 'paymentReminder.recipients', before: ['contabilitate@clinica.ro'], after: [] },
      { field: 'patientEmails', before: false, after: true },
    ]);
  });

  it('compares lists as whole values: reordering and a BCC switch count as changes', () => {
    const after = valid();
    after.bookingRecipients.reverse();
    after.bcc[1]!.enabled = true;
    expect(settingsDiff(valid(), after).map((c) => c.field)).toEqual(['bookingRecipients', 'bcc']);
  });

  it('from the defaults to a first save', () => {
    expect(settingsDiff(DEFAULT_SETTINGS, valid()).map((c) => c.field)).toEqual([
      'bookingRecipients',
      'bcc',
      'cancellation.recipients',
      'cancellation.noticeHours',
      'paymentReminder.recipients',
      'paymentReminder.hoursBefore',
      'patientEmails',
    ]);
    expect(settingsDiff(valid(), { ...valid(), alerts: { recipients: ['it@clinica.ro'] } })).toEqual([
      { field: 'alerts.recipients', before: [], after: ['it@clinica.ro'] },
    ]);
    expect(settingsDiff(valid(), { ...valid(), retentionDays: 30 })).toEqual([{ field: 'retentionDays', before: 90, after: 30 }]);
  });
});

describe('addressListChanges and bccChanges', () => {
  it('say which addresses were added and removed, case-insensitively', () => {
    expect(addressListChanges(['a@x.ro', 'b@x.ro'], ['B@x.ro', 'c@x.ro'])).toEqual({ added: ['c@x.ro'], removed: ['a@x.ro'] });
  });

  it('say which BCC addresses were added, removed, switched on and off', () => {
    const before = [
      { email: 'a@x.ro', enabled: true },
      { email: 'b@x.ro', enabled: false },
      { email: 'c@x.ro', enabled: true },
      { email: 'd@x.ro', enabled: true },
    ];
    const after = [
      { email: 'a@x.ro', enabled: false },
      { email: 'b@x.ro', enabled: true },
      { email: 'd@x.ro', enabled: true },
      { email: 'e@x.ro', enabled: false },
    ];
    expect(bccChanges(before, after)).toEqual({
      added: ['e@x.ro'],
      removed: ['c@x.ro'],
      switchedOn: ['b@x.ro'],
      switchedOff: ['a@x.ro'],
    });
  });
});
