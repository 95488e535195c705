import { describe, expect, it } from 'vitest';
import { buildMessage, messageIdFor, type BuildMessageInput } from '../../../src/email/message.js';
import { renderNotification } from '../../../src/email/render.js';
import { institution, exampleBooking } from '../../support/email-fixtures.js';

const rendered = renderNotification({ kind: 'booking-created-patient', institution, booking: exampleBooking, context: {}, locale: 'ro' });

function input(over: Partial<BuildMessageInput> = {}): BuildMessageInput {
  return {
    notificationId: 'n-1',
    kind: 'booking-created-patient',
    bookingId: 'B-2026-000123',
    from: { name: 'Clinica Sănătatea', address: 'programari@clinica.example.org' },
    to: ['ana.popescu@example.com'],
    bcc: ['arhiva@clinica.example.org', 'Manager@Clinica.example.org'],
    rendered,
    ...over,
  };
}

describe('messageIdFor', () => {
  it('is stable for a notification id and differs between ids', () => {
    const a = messageIdFor('booking/clinica/B-1/created-staff', 'x@clinica.example.org');
    expect(a).toMatch(/^<[0-9a-f]{32}@clinica\.example\.org>$/);
    expect(messageIdFor('booking/clinica/B-1/created-staff', 'x@clinica.example.org')).toBe(a);
    expect(messageIdFor('booking/clinica/B-1/created-patient', 'x@clinica.example.org')).not.toBe(a);
  });

  it('uses the first 32 hex digits of sha256(notificationId) and the ASCII sender domain', () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(messageIdFor('abc', 'a@Example.ORG')).toBe('<ba7816bf8f01cfea414140de5dae2223@example.org>');
    expect(messageIdFor('abc', 'a@sănătate.example')).toBe('<ba7816bf8f01cfea414140de5dae2223@xn--sntate-i0ab.example>');
  });

  it('refuses a sender address without a domain', () => {
    expect(() => messageIdFor('abc', 'nobody')).toThrow();
  });
});

describe('buildMessage', () => {
  it('puts BCC addresses only in the envelope', () => {
    const m = buildMessage(input());
    expect(m.to).toEqual(['ana.popescu@example.com']);
    expect(m.envelope).toEqual({
      from: 'programari@clinica.example.org',
      to: ['ana.popescu@example.com', 'arhiva@clinica.example.org', 'Manager@Clinica.example.org'],
    });
    expect(m).not.toHaveProperty('bcc');
    expect(m).not.toHaveProperty('cc');
    const visible = JSON.stringify({ ...m, envelope: undefined });
    expect(visible).not.toContain('arhiva@');
    expect(visible.toLowerCase()).not.toContain('manager@');
  });

  it('de-duplicates envelope recipients case-insensitively', () => {
    const m = buildMessage(input({ bcc: ['ANA.popescu@example.com', 'a@b.example', 'A@B.example'] }));
    expect(m.envelope).toEqual({ from: 'programari@clinica.example.org', to: ['ana.popescu@example.com', 'a@b.example'] });
  });

  it('sets the headers', () => {
    const m = buildMessage(input());
    expect(m.messageId).toBe(messageIdFor('n-1', 'programari@clinica.example.org'));
    expect(m.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Notification-Kind': 'booking-created-patient',
      'X-Booking-Id': 'B-2026-000123',
    });
    expect(m.subject).toBe(rendered.subject);
    expect(m.html).toBe(rendered.html);
    expect(m.text).toBe(rendered.text);
    expect(m.from).toEqual({ name: 'Clinica Sănătatea', address: 'programari@clinica.example.org' });
    expect(m).not.toHaveProperty('date');
  });

  it('gives the same Message-ID on every call for one notification', () => {
    expect(buildMessage(input()).messageId).toBe(buildMessage(input()).messageId);
    expect(buildMessage(input({ notificationId: 'n-2' })).messageId).not.toBe(buildMessage(input()).messageId);
  });

  it('omits X-Booking-Id without a booking and a sender name when none is given', () => {
    const m = buildMessage(input({ kind: 'test', bookingId: null, from: { address: 'p@clinica.example.org' }, to: ['a@x.example', 'b@x.example'], bcc: [] }));
    expect(m.headers).not.toHaveProperty('X-Booking-Id');
    expect(m.from).toBe('p@clinica.example.org');
    expect(m.to).toEqual(['a@x.example', 'b@x.example']);
  });

  it('lets staff e-mails name every staff address in To', () => {
    const m = buildMessage(input({ kind: 'booking-created-staff', to: ['a@x.example', 'b@x.example'], bcc: [] }));
    expect(m.to).toEqual(['a@x.example', 'b@x.example']);
  });

  it('refuses a patient e-mail with more than one visible recipient', () => {
    expect(() => buildMessage(input({ to: ['ana.popescu@example.com', 'staff@clinica.example.org'] }))).toThrow(/one visible recipient/);
  });

  it('refuses CR or LF in any header value', () => {
    expect(() => buildMessage(input({ bookingId: 'B-1\r\nBcc: x@y.example' }))).toThrow(/line break/);
    expect(() => buildMessage(input({ notificationId: 'n\n1' }))).toThrow(/line break/);
    expect(() => buildMessage(input({ from: { name: 'A\r\nB', address: 'a@b.example' } }))).toThrow(/line break/);
    expect(() => buildMessage(input({ rendered: { ...rendered, subject: 'a\r\nBcc: x@y.example' } }))).toThrow(/line break/);
    expect(() => buildMessage(input({ to: ['a@b.example\r\nBcc: x@y.example'] }))).toThrow();
    expect(() => buildMessage(input({ bcc: ['a@b.example\n'] }))).toThrow();
  });

  it('refuses anything but bare addresses and unknown kinds', () => {
    expect(() => buildMessage(input({ to: ['Eve <eve@x.example>'] }))).toThrow(/plain e-mail address/);
    expect(() => buildMessage(input({ to: ['a@x.example, b@x.example'] }))).toThrow(/plain e-mail address/);
    expect(() => buildMessage(input({ kind: 'nope' as never }))).toThrow(/kind/);
    expect(() => buildMessage(input({ to: [], bcc: [] }))).toThrow(/no recipients/);
  });
});
