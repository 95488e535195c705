/**
 * The page checks addresses and hours in the browser with assets/validation.js, a plain
 * JavaScript port of the API's rules. These tests run the same inputs through both and fail
 * on any difference, so the two cannot drift; and they check that every message either can
 * give has its Romanian translation.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../domain/email-address.js';
import { MAX_ALERT_RECIPIENTS, MAX_BCC, MAX_HOURS, MAX_RECIPIENTS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, notificationSettingsInputSchema } from '../domain/settings-schema.js';
import { zodIssuesToDetails } from '../domain/validation-errors.js';
import * as page from './assets/validation.js';
import { VALIDATION_RO, VALIDATION_RO_PATTERNS } from './i18n.js';

const local64 = 'a'.repeat(64);
const label63 = 'd'.repeat(63);
const domain189 = [label63, label63, 'd'.repeat(61)].join('.');

/** Accepted and refused addresses: every rule of email-address.ts, on both sides of its edge. */
export const ADDRESS_TABLE: string[] = [
  'ana.popescu@example.com',
  'receptie@clinica-sf-maria.ro',
  'Planificare@Spital.RO',
  "o'brien+rmn@mail.example.co.uk",
  'a@b.ro',
  'x@xn--spital-bucureti-xyz.ro',
  'contact@123.example.ro',
  "!#$%&'*+/=?^_`{|}~-@example.ro",
  'a.b.c@d-e.f-g.ro',
  '',
  ' ',
  'Ana <ana@example.com>',
  '<ana@example.com>',
  '"Ana" ana@example.com',
  '"ana"@example.com',
  'ana@example.com\r\nBcc: spy@evil.com',
  'ana@example.com\n',
  'ana\u0000@example.com',
  'ana\u007f@example.com',
  'ana\u0085@example.com',
  'ana\u2028@example.com',
  'ana\u00a0@example.com',
  'ana\u3000@example.com',
  '\tana@example.com',
  ' ana@example.com',
  'ana@example.com ',
  'ana @example.com',
  'a@b.ro, c@d.ro',
  'a@b.ro;c@d.ro',
  'ana.example.com',
  'ana@x@example.com',
  '@example.com',
  'ana@',
  '@',
  'ana@localhost',
  'ana@example.com.',
  'ana@.example.com',
  'ana@example..com',
  'ana@-example.com',
  'ana@example-.com',
  'ana@exa_mple.com',
  'ana@1.2.3.4',
  'ana@example.123',
  'ana@[1.2.3.4]',
  'ana(comment)@example.com',
  'an\\a@example.com',
  '.ana@example.com',
  'ana.@example.com',
  'ana..p@example.com',
  'ana@spital-bucureşti.ro',
  'anâ@example.ro',
  'ană@example.ro',
  'рецепция@example.ro',
  'ana@exämple.ro',
  'ana@😀.ro',
  '😀@example.ro',
  'a\u0301na@example.ro',
  // The characters that can make text read differently (src/domain/text-field.ts) are refused here too.
  'ana\u202E@example.ro',
  '\u2066ana@example.ro\u2069',
  '\uFEFFana@example.ro',
  'ana@example.ro\uFFFF',
  'ana\u200B@example.ro',
  '\u200B',
  `${local64}@example.com`,
  `${'a'.repeat(65)}@example.com`,
  `${'ă'.repeat(33)}@example.com`,
  `a@${'d'.repeat(64)}.ro`,
  `${local64}@${domain189}`,
  `${local64}@d${domain189}`,
  `a@${[label63, label63, label63, 'd'.repeat(64)].join('.')}`,
  `a@${[label63, label63, label63, 'd'.repeat(62)].join('.')}`,
];

describe('assets/validation.js against src/domain/email-address.ts', () => {
  it('gives the API’s answer, word for word, for every address of the table', () => {
    for (const address of ADDRESS_TABLE) {
      expect({ address, error: page.emailAddressError(address) }).toEqual({ address, error: api.emailAddressError(address) });
    }
  });

  it('gives the API’s answer for random strings made of the characters that matter (property)', () => {
    const unit = fc.constantFrom(
      'a', 'Z', '0', '9', '.', '-', '_', '+', "'", '@', ' ', '\t', '\r', '\n', '\u0000', '\u0085', '\u2028', ',', ';', '<', '>',
      '"', '(', ')', '[', ']', '\\', 'ă', 'ș', 'é', '😀', '\u00a0', 'x', 'ro', 'xn--', '1',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((parts) => parts.join('')), (value) => {
        expect(page.emailAddressError(value)).toBe(api.emailAddressError(value));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (value) => {
        expect(page.emailAddressError(value)).toBe(api.emailAddressError(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses, in the page as in the API, addresses carrying characters that can mislead a reader', () => {
    for (const address of ['ana\u202E@example.ro', '\u2066ana@example.ro\u2069', '\uFEFFana@example.ro', 'ana@example.ro\uFFFF', 'ana\u200B@example.ro']) {
      expect({ address, page: page.emailAddressError(address) !== null, api: api.emailAddressError(address) !== null }).toEqual({ address, page: true, api: true });
    }
  });

  it('refuses what is not a string, as the API does', () => {
    for (const value of [undefined, null, 42, {}, ['a@b.ro']]) {
      expect(page.emailAddressError(value)).toBe(api.emailAddressError(value as string));
    }
  });

  it('compares addresses as the API does, and has the API’s limits', () => {
    for (const address of ADDRESS_TABLE) expect(page.addressKey(address)).toBe(api.addressKey(address));
    expect(page.MAX_ADDRESS_LENGTH).toBe(api.MAX_ADDRESS_LENGTH);
    expect(page.MAX_LOCAL_PART_LENGTH).toBe(api.MAX_LOCAL_PART_LENGTH);
    expect(page.MAX_DOMAIN_LENGTH).toBe(api.MAX_DOMAIN_LENGTH);
    expect(page.MAX_RECIPIENTS).toBe(MAX_RECIPIENTS);
    expect(page.MAX_BCC).toBe(MAX_BCC);
    expect(page.MAX_ALERT_RECIPIENTS).toBe(MAX_ALERT_RECIPIENTS);
    expect(page.MAX_HOURS).toBe(MAX_HOURS);
    expect(page.MIN_RETENTION_DAYS).toBe(MIN_RETENTION_DAYS);
    expect(page.MAX_RETENTION_DAYS).toBe(MAX_RETENTION_DAYS);
  });
});

const VALID_BODY = {
  bookingRecipients: [],
  bcc: [],
  cancellation: { recipients: [], noticeHours: 24 },
  paymentReminder: { recipients: [], hoursBefore: 24 },
  patientEmails: true,
};

/** The API's messages for `body`: zod's issues as the API sends them in `details`. */
function apiDetails(body: unknown) {
  const result = notificationSettingsInputSchema.safeParse(body);
  return result.success ? [] : zodIssuesToDetails(result.error);
}

describe('hours and list limits against the API’s settings schema', () => {
  it('gives the API’s message for every number of hours', () => {
    for (const hours of [-1, 0, 0.5, 1, 1.5, 12, 24, 719.99, 720, 721, 1e9, Number.MAX_SAFE_INTEGER]) {
      for (const [section, field] of [
        ['cancellation', 'noticeHours'],
        ['paymentReminder', 'hoursBefore'],
      ] as const) {
        const body = { ...VALID_BODY, [section]: { recipients: [], [field]: hours } };
        const details = apiDetails(body).filter((d) => d.field === `${section}.${field}`);
        expect({ hours, error: page.hoursError(hours) }).toEqual({ hours, error: details[0]?.message ?? null });
      }
    }
  });

  it('gives the API’s message for every retention period', () => {
    for (const days of [-1, 0, 6, 6.5, 7, 30.5, 90, 3650, 3651, 1e9, Number.NaN]) {
      const details = apiDetails({ ...VALID_BODY, retentionDays: days }).filter((d) => d.field === 'retentionDays');
      expect({ days, error: page.retentionDaysError(days) }).toEqual({ days, error: details[0]?.message ?? null });
    }
  });

  it('reads an hours field as the number the API would get', () => {
    expect(page.parseHours('24')).toBe(24);
    expect(page.parseHours(' 12 ')).toBe(12);
    expect(page.parseHours('1.5')).toBe(1.5);
    expect(page.parseHours('1e2')).toBe(100);
    expect(page.parseHours('')).toBeNaN();
    expect(page.parseHours('abc')).toBeNaN();
    expect(page.hoursError(page.parseHours(''))).toBe('must be a number of hours');
  });

  it('words the list limits as the API does', () => {
    const many = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `a${i}@clinica.ro`);
    const bcc = Array.from({ length: MAX_BCC + 1 }, (_, i) => ({ email: `b${i}@clinica.ro`, enabled: true }));
    const details = apiDetails({ ...VALID_BODY, bookingRecipients: many, bcc });
    expect(details).toContainEqual({ field: 'bookingRecipients', message: page.listLimitMessage('recipients') });
    expect(details).toContainEqual({ field: 'bcc', message: page.listLimitMessage('bcc') });
  });
});

describe('the Romanian words for the API’s messages', () => {
  const translate = (message: string): string | undefined => {
    if (message in VALIDATION_RO) return VALIDATION_RO[message];
    for (const [pattern, replacement] of VALIDATION_RO_PATTERNS) {
      const re = new RegExp(pattern);
      if (re.test(message)) return message.replace(re, replacement);
    }
    return undefined;
  };

  it('exist for every message validation.js can return', () => {
    const source = readFileSync(new URL('./assets/validation.js', import.meta.url), 'utf8');
    const constants: Record<string, unknown> = { ...page };
    const returned = [...source.matchAll(/return (['`])((?:(?!\1).)+)\1/g)]
      .map((m) => (m[2] ?? '').replace(/\$\{(\w+)\}/g, (_, name: string) => String(constants[name])))
      .filter((message) => !message.includes('${')); // listLimitMessage's, added below
    returned.push(page.listLimitMessage('recipients'), page.listLimitMessage('bcc'));
    expect(returned.length).toBeGreaterThan(25);
    for (const message of returned) expect({ message, ro: translate(message) }).toEqual({ message, ro: expect.any(String) });
  });

  it('exist for every message the API gives about a settings body', () => {
    const chunks: string[][] = [];
    for (let i = 0; i < ADDRESS_TABLE.length; i += MAX_BCC) chunks.push(ADDRESS_TABLE.slice(i, i + MAX_BCC));
    const bodies = [
      ...chunks.map((chunk) => ({ ...VALID_BODY, bookingRecipients: chunk, bcc: chunk.map((email) => ({ email })) })),
      { ...VALID_BODY, bookingRecipients: ['a@b.ro', 'A@B.ro'], bcc: [{ email: 'x@y.ro' }, { email: 'X@y.ro', enabled: false }] },
      { ...VALID_BODY, cancellation: { recipients: [], noticeHours: 0.5 }, paymentReminder: { recipients: [] } },
      { ...VALID_BODY, extra: 1, cancellation: { recipients: [], noticeHours: 24, more: true } },
      { bcc: [] },
    ];
    const messages = new Set(bodies.flatMap((b) => apiDetails(b).map((d) => d.message)));
    expect(messages.size).toBeGreaterThan(10);
    for (const message of messages) expect({ message, ro: translate(message) }).toEqual({ message, ro: expect.any(String) });
    expect(translate('duplicate address (already listed at position 2)')).toBe('adresă duplicată (apare deja pe poziția 2)');
  });
});
