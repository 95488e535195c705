import { describe, expect, it } from 'vitest';
import { logEntryUrl, renderDeliveryAlert, type AlertItem } from '../../../src/email/render-alert.js';
import { institution } from '../../support/email-fixtures.js';

const items: AlertItem[] = [
  {
    notificationId: 'clinica-sanatatea/B-1/created/patient',
    bookingId: 'B-1',
    kind: 'booking-created-patient',
    outcome: 'failed',
    recipients: ['ana.popescu@example.com'],
    reason: 'EENVELOPE 550 5.1.1 <ana.popescu@example.com>: mailbox unavailable',
    at: '2026-11-30T08:15:00Z',
  },
  {
    notificationId: 'clinica-sanatatea/B-2/payment-reminder-1/staff',
    bookingId: 'B-2',
    kind: 'payment-reminder-staff',
    outcome: 'gave-up',
    recipients: ['contabilitate@clinica.ro', 'sef@clinica.ro'],
    reason: 'gave up retrying: ECONNREFUSED',
    at: '2026-11-30T08:16:00Z',
  },
  {
    notificationId: 'clinica-sanatatea/B-3/created/staff',
    bookingId: 'B-3',
    kind: 'booking-created-staff',
    outcome: 'partial',
    recipients: [],
    reason: null,
    at: '2026-11-30T08:17:00Z',
  },
];

describe('the delivery-alert digest e-mail', () => {
  it('lists every item with booking, kind, outcome, recipients, reason, time and a link to the log, in Romanian', () => {
    const out = renderDeliveryAlert({ institution, items, publicUrl: 'https://notificari.clinica.ro' });
    expect(out.subject).toBe('Alertă de livrare: 3 e-mailuri nelivrate – Clinica Sănătatea');
    expect(out.text).toContain('De la ultima alertă, 3 e-mailuri nu au ajuns la cel puțin un destinatar.');
    const first = out.text.slice(out.text.indexOf('E-mailul 1'), out.text.indexOf('E-mailul 2'));
    expect(first).toContain('Număr programare: B-1');
    expect(first).toContain('Tip: Confirmare programare — pacient');
    expect(first).toContain('Rezultat: eșuat: serverul l-a refuzat definitiv');
    expect(first).toContain('Destinatari: ana.popescu@example.com');
    expect(first).toContain('Motiv: EENVELOPE 550 5.1.1 <ana.popescu@example.com>: mailbox unavailable');
    expect(first).toContain('Ora: luni, 30 noiembrie 2026, 10:15 (UTC+2)');
    expect(first).toContain('Jurnal: Deschide în jurnalul de livrare <https://notificari.clinica.ro/admin/log?bookingId=B-1&kind=booking-created-patient>');
    expect(out.text).toContain('Rezultat: eșuat: o zi de reîncercări fără succes');
    expect(out.text).toContain('Destinatari: contabilitate@clinica.ro, sef@clinica.ro');
    expect(out.text).toContain('Rezultat: parțial: unii destinatari l-au refuzat');
    expect(out.text).toContain('Motiv: —');
    // The HTML escapes the SMTP answer (it quotes addresses in <>) and links each entry.
    expect(out.html).toContain('&lt;ana.popescu@example.com&gt;: mailbox unavailable');
    expect(out.html).toContain('<a href="https://notificari.clinica.ro/admin/log?bookingId=B-2&amp;kind=payment-reminder-staff"');
    expect(out.html.match(/<caption/g)).toHaveLength(3);
    expect(out.html).toContain('<html lang="ro">');
  });

  it('speaks the institution’s language and counts in it', () => {
    const en = renderDeliveryAlert({ institution: { ...institution, locale: 'en' }, items: items.slice(0, 1) });
    expect(en.subject).toBe('Delivery alert: 1 e-mail not delivered – Clinica Sănătatea');
    expect(en.text).toContain('Outcome: failed: the server refused it permanently');
    const ro = (n: number) => renderDeliveryAlert({ institution, items: Array.from({ length: n }, () => items[0]!) }).subject;
    expect(ro(1)).toBe('Alertă de livrare: 1 e-mail nelivrat – Clinica Sănătatea');
    expect(ro(19)).toBe('Alertă de livrare: 19 e-mailuri nelivrate – Clinica Sănătatea');
    expect(ro(20)).toBe('Alertă de livrare: 20 de e-mailuri nelivrate – Clinica Sănătatea');
    expect(ro(101)).toBe('Alertă de livrare: 101 e-mailuri nelivrate – Clinica Sănătatea');
  });

  it('names the log entry by its id when no public address is configured', () => {
    const out = renderDeliveryAlert({ institution, items: items.slice(0, 1) });
    expect(out.text).toContain('Jurnal: clinica-sanatatea/B-1/created/patient');
    expect(out.html).not.toContain('<a href');
  });

  it('builds log links under a public address with a path, escaping the booking id', () => {
    expect(logEntryUrl('https://x.ro/notificari', { bookingId: 'B:1&2', kind: 'booking-created-staff' })).toBe(
      'https://x.ro/notificari/admin/log?bookingId=B%3A1%262&kind=booking-created-staff',
    );
    expect(logEntryUrl(undefined, { bookingId: 'B-1', kind: 'booking-created-staff' })).toBeUndefined();
  });
});
