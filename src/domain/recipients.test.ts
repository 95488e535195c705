import { describe, expect, it } from 'vitest';
import { planRecipients } from './recipients.js';
import type { Booking, NotificationSettings } from './types.js';

const settings: NotificationSettings = {
  bookingRecipients: ['receptie@clinica.ro', 'planificare@clinica.ro'],
  bcc: [
    { email: 'arhiva@clinica.ro', enabled: true },
    { email: 'vechi@clinica.ro', enabled: false },
  ],
  cancellation: { recipients: ['anulari@clinica.ro'], noticeHours: 24 },
  paymentReminder: { recipients: [], hoursBefore: 24 },
  patientEmails: true,
  alerts: { recipients: [] },
  retentionDays: 90,
  version: 3,
  updatedAt: '2026-11-01T00:00:00.000Z',
  updatedBy: 'admin',
};
const booking: Booking = {
  bookingId: 'B-1',
  patient: { name: 'Ana Popescu', email: 'ana@example.com' },
  exam: { name: 'RMN', startsAt: '2026-12-01T09:30:00+02:00', durationMinutes: 30 },
};

describe('planRecipients', () => {
  it('sends staff e-mails to their own list without BCC', () => {
    expect(planRecipients('booking-created-staff', settings, booking)).toEqual({
      send: true,
      to: ['receptie@clinica.ro', 'planificare@clinica.ro'],
      bcc: [],
    });
    expect(planRecipients('booking-rescheduled-staff', settings, booking)).toMatchObject({ to: settings.bookingRecipients });
    expect(planRecipients('booking-cancelled-staff', settings, booking)).toMatchObject({ to: ['anulari@clinica.ro'] });
  });

  it('sends patient e-mails to the patient with only the enabled BCC addresses', () => {
    for (const kind of ['booking-created-patient', 'booking-cancelled-patient', 'payment-reminder-patient'] as const) {
      expect(planRecipients(kind, settings, booking)).toEqual({ send: true, to: ['ana@example.com'], bcc: ['arhiva@clinica.ro'] });
    }
  });

  it('skips with a reason when nobody would receive it', () => {
    expect(planRecipients('payment-reminder-staff', settings, booking)).toEqual({ send: false, reason: 'no recipients', to: [] });
    const noEmail = { ...booking, patient: { name: 'Ion' } };
    expect(planRecipients('booking-created-patient', settings, noEmail)).toMatchObject({ send: false, reason: 'the patient has no e-mail address' });
    const off = { ...settings, patientEmails: false };
    expect(planRecipients('booking-created-patient', off, booking)).toMatchObject({ send: false, reason: 'patient e-mails are switched off' });
  });
});
