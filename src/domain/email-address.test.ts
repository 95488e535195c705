import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMAIL_ADDRESS_PATTERN,
  emailAddressError,
  emailAddressSchema,
  findDuplicateAddresses,
  isEmailAddress,
  sameAddress,
} from './email-address.js';

describe('emailAddressError', () => {
  it.each([
    'ana.popescu@example.com',
    'receptie@clinica-sf-maria.ro',
    'Planificare@Spital.RO',
    "o'brien+rmn@mail.example.co.uk",
    'a@b.ro',
    'x@xn--spital-bucureti-xyz.ro',
    'contact@123.example.ro',
  ])('accepts %s', (address) => {
    expect(emailAddressError(address)).toBeNull();
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    ['', 'address is empty'],
    ['Ana <ana@example.com>', 'give the bare address, without a display name or angle brackets'],
    ['<ana@example.com>', 'give the bare address, without a display name or angle brackets'],
    ['"Ana" ana@example.com', 'address contains spaces'],
    ['ana@example.com\r\nBcc: spy@evil.com', 'address contains a line break or another control character'],
    ['ana@example.com\n', 'address contains a line break or another control character'],
    ['ana\u0000@example.com', 'address contains a line break or another control character'],
    [' ana@example.com', 'address has leading or trailing spaces'],
    ['ana@example.com ', 'address has leading or trailing spaces'],
    ['ana @example.com', 'address contains spaces'],
    ['a@b.ro, c@d.ro', 'one address per entry (no commas or semicolons)'],
    ['a@b.ro;c@d.ro', 'one address per entry (no commas or semicolons)'],
    ['ana.example.com', 'address has no @'],
    ['ana@x@example.com', 'address has more than one @'],
    ['@example.com', 'address has nothing before the @'],
    ['ana@', 'address has no domain after the @'],
    ['ana@localhost', 'the domain must contain a dot (e.g. example.ro)'],
    ['ana@example.com.', 'the domain has an empty part (two dots in a row, or a leading or trailing dot)'],
    ['ana@example..com', 'the domain has an empty part (two dots in a row, or a leading or trailing dot)'],
    ['ana@-example.com', 'the domain may contain only letters, digits and hyphens, and no part may start or end with a hyphen'],
    ['ana@exa_mple.com', 'the domain may contain only letters, digits and hyphens, and no part may start or end with a hyphen'],
    ['ana@1.2.3.4', 'the domain must end in a name, not a number'],
    ['ana@[1.2.3.4]', 'address contains quotes, brackets or a comment, which are not accepted'],
    ['.ana@example.com', 'the part before the @ cannot start or end with a dot or contain two dots in a row'],
    ['ana..p@example.com', 'the part before the @ cannot start or end with a dot or contain two dots in a row'],
    ['ana@spital-bucureşti.ro', 'address must use ASCII characters only (write international domains as xn--…)'],
    ['anâ@example.ro', 'address must use ASCII characters only (write international domains as xn--…)'],
  ])('refuses %j', (address, message) => {
    expect(emailAddressError(address)).toBe(message);
    expect(isEmailAddress(address)).toBe(false);
  });

  it('applies the RFC 5321 length limits', () => {
    const local64 = 'a'.repeat(64);
    expect(emailAddressError(`${local64}@example.com`)).toBeNull();
    expect(emailAddressError(`${'a'.repeat(65)}@example.com`)).toBe('the part before the @ is longer than 64 characters');

    const label = 'd'.repeat(63);
    const longLabel = `a@${'d'.repeat(64)}.ro`;
    expect(emailAddressError(longLabel)).toBe('a part of the domain is longer than 63 characters');

    // 64 + 1 + 189 = 254: the longest accepted address.
    const domain189 = [label, label, 'd'.repeat(61)].join('.');
    expect(domain189.length).toBe(189);
    expect(emailAddressError(`${local64}@${domain189}`)).toBeNull();
    expect(emailAddressError(`${local64}@d${domain189}`)).toBe('address is longer than 254 characters');

    const domain256 = [label, label, label, 'd'.repeat(64)].join('.');
    expect(emailAddressError(`a@${domain256}`)).toBe('the domain is longer than 255 characters');
  });

  it('never accepts a control character or a separator anywhere (property)', () => {
    const bad = fc.constantFrom('\r', '\n', '\t', '\u0000', '\u007f', '\u0085', '\u2028', ',', ';', ' ', '<', '>');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 'ana@example.com'.length }), bad, (at, ch) => {
        const value = 'ana@example.com'.slice(0, at) + ch + 'ana@example.com'.slice(at);
        expect(isEmailAddress(value)).toBe(false);
      }),
    );
  });

  it('never throws, and anything it accepts is one plain ASCII address (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (value) => {
        const error = emailAddressError(value);
        if (error === null) {
          expect(value).toMatch(/^[\x21-\x7e]+@[A-Za-z0-9.-]+$/);
          expect(value).not.toMatch(/[,;<>"\s]/);
        }
      }),
    );
  });
});

describe('sameAddress and findDuplicateAddresses', () => {
  it('compare addresses case-insensitively', () => {
    expect(sameAddress('Receptie@Clinica.RO', 'receptie@clinica.ro')).toBe(true);
    expect(sameAddress('receptie@clinica.ro', 'receptie2@clinica.ro')).toBe(false);
  });

  it('reports the index of each repeat, never the first occurrence', () => {
    expect(findDuplicateAddresses([])).toEqual([]);
    expect(findDuplicateAddresses(['a@b.ro', 'c@d.ro'])).toEqual([]);
    expect(findDuplicateAddresses(['a@b.ro', 'c@d.ro', 'A@B.ro', 'e@f.ro', 'a@b.RO', 'C@d.ro'])).toEqual([2, 4, 5]);
  });
});

describe('emailAddressSchema', () => {
  it('passes a valid address through unchanged', () => {
    expect(emailAddressSchema.parse('Planificare@Spital.RO')).toBe('Planificare@Spital.RO');
  });

  it('does not trim: surrounding whitespace is an error', () => {
    const result = emailAddressSchema.safeParse(' a@b.ro');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('address has leading or trailing spaces');
  });

  it('refuses non-strings', () => {
    expect(emailAddressSchema.safeParse(42).success).toBe(false);
    expect(emailAddressSchema.safeParse(null).success).toBe(false);
  });
});

describe('EMAIL_ADDRESS_PATTERN (the OpenAPI document’s form of emailAddressError)', () => {
  const pattern = new RegExp(EMAIL_ADDRESS_PATTERN);
  it('never describes as valid an address the validator refuses, and describes the usual ones', () => {
    for (const value of ['ana.popescu@example.com', 'a@b.ro', "o'brien+rmn@mail.example.co.uk", 'x@xn--spital-xyz.ro']) {
      expect({ value, pattern: pattern.test(value), api: emailAddressError(value) }).toEqual({ value, pattern: true, api: null });
    }
    for (const value of ['ana@localhost', 'ana@1.2.3.4', '"ana"@example.com', 'ana@exämple.ro', '.ana@example.com', 'ana..p@example.com', 'ana@-example.com', 'ana@example-.com', 'Ana <ana@example.com>', 'ana@example.com\n', 'ana\u202E@example.ro']) {
      expect({ value, pattern: pattern.test(value) }).toEqual({ value, pattern: false });
    }
  });

  it('agrees with the validator on random addresses (property): whatever matches it is accepted', () => {
    const unit = fc.constantFrom('a', 'Z', '0', '.', '-', '_', '+', "'", '@', 'ro', 'xn--', '1', 'ă', ' ');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }).map((parts) => parts.join('')), (value) => {
        if (pattern.test(value) && value.length <= 254 && value.indexOf('@') <= 64) expect(emailAddressError(value)).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
});
