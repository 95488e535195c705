/**
 * The one test with a real SMTP conversation: a built message goes through nodemailer to an
 * in-process smtp-server, and what arrived is checked byte for byte. It proves the BCC rule
 * end to end: hidden recipients are in RCPT TO but in no header of the delivered message.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, messageIdFor } from '../../src/email/message.js';
import { renderNotification } from '../../src/email/render.js';
import { clone, institution, exampleBooking } from '../support/email-fixtures.js';

const rcptTo: string[] = [];
const received: Buffer[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      rcptTo.push(address.address);
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a built message over real SMTP', () => {
  it('delivers BCC recipients through the envelope only, with the headers and a decodable subject', async () => {
    const booking = clone(exampleBooking);
    booking.exam.name = 'Radiografie încheietură mână și antebraț';
    const rendered = renderNotification({ kind: 'booking-created-patient', institution, booking, context: {}, locale: 'ro' });
    const bcc = ['arhiva@clinica.example.org', 'director.medical@clinica.example.org'];
    const message = buildMessage({
      notificationId: 'booking/clinica-sanatatea/B-2026-000123/booking-created-patient',
      kind: 'booking-created-patient',
      bookingId: booking.bookingId,
      from: { name: institution.senderName, address: institution.senderEmail! },
      to: [booking.patient.email!],
      bcc,
      rendered,
    });

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail(message);
      expect(info.accepted).toEqual([booking.patient.email, ...bcc]);
    } finally {
      transport.close();
    }

    expect(rcptTo).toEqual([booking.patient.email, ...bcc]);
    expect(received).toHaveLength(1);
    const raw = received[0]!.toString('utf8');
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase();
    for (const address of bcc) {
      expect(headerBlock).not.toContain(address.toLowerCase());
      expect(headerBlock).not.toContain(address.split('@')[0]!.toLowerCase());
    }
    expect(headerBlock).not.toMatch(/^bcc:/m);

    const parsed = await simpleParser(received[0]!);
    expect(parsed.subject).toBe(rendered.subject);
    expect(parsed.subject).toContain('încheietură mână și antebraț');
    expect(parsed.subject).toContain('marți');
    expect(parsed.messageId).toBe(messageIdFor('booking/clinica-sanatatea/B-2026-000123/booking-created-patient', institution.senderEmail!));
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('x-booking-id')).toBe('B-2026-000123');
    expect(parsed.headers.get('x-notification-kind')).toBe('booking-created-patient');
    expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.cc).toBeUndefined();
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((t) => t?.value.map((v) => v.address) ?? [])).toEqual([booking.patient.email]);
    expect(parsed.from?.value[0]).toEqual({ name: 'Clinica Sănătatea', address: 'programari@clinica.example.org' });
    expect(parsed.text).toContain('Radiografie încheietură mână și antebraț');
    expect(parsed.html).toContain('Radiografie încheietură mână și antebraț');
  });
});
