import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, type Booking, type Locale, type NotificationContext, type NotificationKind } from '../../../src/domain/types.js';
import { escapeHtml } from '../../../src/email/escape.js';
import { localeFor, renderNotification, type RenderInput } from '../../../src/email/render.js';
import { STRINGS } from '../../../src/email/strings.js';
import { clone, institution, exampleBooking } from '../../support/email-fixtures.js';

/** Every kind renderNotification renders; the alert digest has its own renderer (render-alert.test.ts). */
const RENDERED_KINDS = NOTIFICATION_KINDS.filter((k) => k !== 'alert');
const STAFF_KINDS = NOTIFICATION_KINDS.filter((k) => k.endsWith('-staff'));
const PATIENT_KINDS = NOTIFICATION_KINDS.filter((k) => k.endsWith('-patient'));
const LOCALES: Locale[] = ['ro', 'en'];

/** Context every kind can use: a reschedule's former time and a cancellation. */
const fullContext: NotificationContext = {
  cancellation: { cancelledAt: '2026-11-30T18:00:00Z', reason: 'Pacientul este răcit', cancelledBy: 'recepție', lastMinute: true },
  previousStartsAt: '2026-11-28T08:00:00Z',
  previousPaymentDeadline: '2026-11-27T08:00:00Z',
};

function render(kind: NotificationKind, over: Partial<RenderInput> = {}) {
  return renderNotification({
    kind,
    institution,
    booking: exampleBooking,
    context: fullContext,
    locale: 'ro',
    testList: 'bookingRecipients',
    ...over,
  });
}

/** Every leaf of an object as [dotted path, value]. */
function leaves(v: unknown, path = ''): [string, unknown][] {
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  }
  return [[path, v]];
}

/** How each field of the example booking is expected to look in a staff e-mail. */
const SHOWN: Record<Locale, Record<string, string>> = {
  ro: {
    'exam.startsAt': '12 martie 2030, 09:30',
    'exam.durationMinutes': '30 de minute',
    'payment.amount': '450,00',
    'payment.deadline': '11 martie 2030, 09:30',
    'payment.paid': 'Achitat: Nu',
  },
  en: {
    'exam.startsAt': '12 March 2030, 09:30',
    'exam.durationMinutes': '30 minutes',
    'payment.amount': '450.00',
    'payment.deadline': '11 March 2030, 09:30',
    'payment.paid': 'Paid: No',
  },
};

describe('staff e-mails show every field of the booking', () => {
  for (const locale of LOCALES) {
    for (const kind of STAFF_KINDS) {
      it(`${kind} (${locale})`, () => {
        const out = render(kind, { locale });
        const fields = leaves(exampleBooking);
        expect(fields).toHaveLength(15);
        for (const [path, value] of fields) {
          const shown = SHOWN[locale][path] ?? String(value);
          expect(out.text, path).toContain(shown);
          // The HTML puts label and value in separate cells; compare the value alone.
          const htmlShown = shown.replace(/^(Achitat|Paid): /, '');
          expect(out.html, path).toContain(escapeHtml(htmlShown));
        }
      });
    }
  }

  it('shows an empty optional field as "—" in staff e-mails and omits it in patient e-mails', () => {
    const bare: Booking = { bookingId: 'B-1', patient: { name: 'Ion' }, exam: { name: 'EKG', startsAt: exampleBooking.exam.startsAt, durationMinutes: 15 } };
    const L = STRINGS.ro.labels;
    const staff = render('booking-created-staff', { booking: bare, context: {} });
    for (const label of [L.patientEmail, L.patientPhone, L.location, L.doctor, L.department, L.amount, L.paymentDeadline, L.paid, L.notes]) {
      expect(staff.text).toContain(`${label}: —`);
      expect(staff.html).toContain(escapeHtml(label));
    }
    const patient = render('booking-created-patient', { booking: bare, context: {} });
    for (const label of [L.location, L.doctor, L.department, L.amount, L.paymentDeadline]) {
      expect(patient.text).not.toContain(`${label}:`);
    }
    expect(patient.text).not.toContain('—');
  });
});

describe('patient e-mails', () => {
  it('show exam, time, place, doctor and payment, and no staff-only data', () => {
    for (const locale of LOCALES) {
      const out = render('booking-created-patient', { locale });
      for (const v of ['RMN cerebral', 'Sala 2, etaj 1', 'Dr. Ioana Ionescu', 'Imagistică', SHOWN[locale]['exam.startsAt']!, SHOWN[locale]['payment.amount']!]) {
        expect(out.text).toContain(v);
        expect(out.html).toContain(escapeHtml(v));
      }
      // Notes and contact data are for the staff.
      for (const v of [exampleBooking.notes!, exampleBooking.patient.phone!, exampleBooking.patient.email!]) {
        expect(out.text).not.toContain(v);
        expect(out.html).not.toContain(escapeHtml(v));
      }
    }
  });

  it('cancellation confirmation does not reveal the internal reason or who cancelled', () => {
    const out = render('booking-cancelled-patient');
    expect(out.text).not.toContain('Pacientul este răcit');
    expect(out.text).not.toContain('recepție');
    expect(out.subject).toBe('Confirmare anulare programare: RMN cerebral, marți, 12 martie 2030, 09:30 (UTC+2)');
  });

  it('payment reminder asks for the amount by the deadline', () => {
    expect(render('payment-reminder-patient').subject).toBe(
      'Reamintire plată: 450,00 RON până la luni, 11 martie 2030, 09:30 (UTC+2)',
    );
    expect(render('payment-reminder-patient', { locale: 'en' }).subject).toBe(
      'Payment reminder: 450.00 RON due by Monday, 11 March 2030, 09:30 (UTC+2)',
    );
  });
});

describe('escaping', () => {
  const evil = (field: string) => `<script>alert(1)</script>"${field}'&`;
  const hostile: Booking = {
    bookingId: 'B-evil',
    patient: { name: evil('name'), email: 'x@example.com', phone: evil('phone') },
    exam: {
      name: evil('exam'),
      startsAt: exampleBooking.exam.startsAt,
      durationMinutes: 30,
      location: evil('location'),
      doctor: evil('doctor'),
      department: evil('department'),
    },
    payment: { amount: '10.00', currency: 'RON', deadline: exampleBooking.payment!.deadline, paid: false },
    notes: evil('notes'),
  };
  const hostileContext: NotificationContext = {
    cancellation: { cancelledAt: '2026-11-30T18:00:00Z', reason: evil('reason'), cancelledBy: evil('by'), lastMinute: true },
    previousStartsAt: '2026-11-28T08:00:00Z',
  };
  const hostileInstitution = { ...institution, name: evil('institution') };

  for (const kind of RENDERED_KINDS) {
    for (const locale of LOCALES) {
      it(`${kind} (${locale}) escapes every value in HTML`, () => {
        const out = render(kind, { booking: hostile, context: hostileContext, institution: hostileInstitution, locale, testList: evil('list') });
        expect(out.html).not.toContain('<script');
        expect(out.html).not.toMatch(/"(name|phone|exam|location|doctor|department|notes|reason|by|institution|list)'/);
        expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
        // The text part is plain text: the values are there verbatim.
        expect(out.text).toContain(evil(kind === 'test' ? 'list' : 'exam'));
      });
    }
  }

  it('escapes each field where it is shown in the staff e-mail', () => {
    const out = render('booking-cancelled-staff', { booking: hostile, context: hostileContext, institution: hostileInstitution });
    for (const f of ['name', 'phone', 'exam', 'location', 'doctor', 'department', 'notes', 'reason', 'by', 'institution']) {
      expect(out.html, f).toContain(escapeHtml(evil(f)));
      expect(out.html, f).not.toContain(evil(f));
      expect(out.text, f).toContain(evil(f));
    }
  });
});

describe('subjects', () => {
  it('booking-created-staff names exam, patient and date', () => {
    expect(render('booking-created-staff').subject).toBe(
      'Programare nouă: RMN cerebral – Ana Popescu, marți, 12 martie 2030, 09:30 (UTC+2)',
    );
    expect(render('booking-created-staff', { locale: 'en' }).subject).toBe(
      'New booking: RMN cerebral – Ana Popescu, Tuesday, 12 March 2030, 09:30 (UTC+2)',
    );
  });

  it('are single-line and at most 200 characters whatever the input', () => {
    const b = clone(exampleBooking);
    b.patient.name = 'Ana\r\nBcc: victim@example.com\u2028X';
    b.exam.name = 'Ă'.repeat(500);
    for (const kind of RENDERED_KINDS) {
      for (const locale of LOCALES) {
        const { subject } = render(kind, { booking: b, locale, testList: 'x\r\ny'.repeat(100) });
        expect(subject).not.toMatch(/[\r\n\u2028\u2029]/);
        expect(subject.length).toBeLessThanOrEqual(200);
      }
    }
    expect(render('booking-created-staff', { booking: b }).subject.endsWith('…')).toBe(true);
  });
});

describe('Romanian', () => {
  it('keeps ă â î ș ț in subject and body, with comma-below ș ț', () => {
    const b = clone(exampleBooking);
    b.patient.name = 'Ștefan Țîrlea';
    b.exam.name = 'Radiografie încheietură mână și antebraț';
    const out = render('booking-created-staff', { booking: b });
    expect(out.subject).toBe('Programare nouă: Radiografie încheietură mână și antebraț – Ștefan Țîrlea, marți, 12 martie 2030, 09:30 (UTC+2)');
    for (const ch of ['ă', 'â', 'î', 'ș', 'ț']) {
      expect(out.subject).toContain(ch);
      expect(out.text).toContain(ch);
      expect(out.html).toContain(ch);
    }
    expect(out.html).toContain('<html lang="ro">');
    expect(out.html).toContain('<meta charset="utf-8">');
  });

  it('every Romanian template uses comma-below letters only', () => {
    for (const kind of RENDERED_KINDS) {
      const out = render(kind);
      expect(out.subject + out.text + out.html).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    }
    const all = RENDERED_KINDS.map((k) => render(k).text).join('\n');
    for (const ch of ['ă', 'â', 'î', 'ș', 'ț']) expect(all).toContain(ch);
  });

  it('English e-mails are in English', () => {
    const out = render('booking-created-staff', { locale: 'en' });
    expect(out.html).toContain('<html lang="en">');
    expect(out.text).toContain('Booking number: B-2026-000123');
    expect(out.text).not.toContain('Programare');
  });
});

describe('time zone', () => {
  it('shows dates in the institution time zone', () => {
    const b = clone(exampleBooking);
    b.exam.startsAt = '2026-12-01T07:30:00Z';
    expect(render('booking-created-staff', { booking: b }).text).toContain('09:30 (UTC+2)');
    const ny = { ...institution, timezone: 'America/New_York', locale: 'en' as const };
    const out = render('booking-created-staff', { booking: b, institution: ny, locale: 'en' });
    expect(out.text).toContain('Tuesday, 1 December 2026, 02:30 (UTC-5)');
    expect(out.subject).toContain('02:30');
    expect(out.text).not.toContain('09:30 (UTC+2)');
  });
});

describe('cancellation notice', () => {
  it('marks a last-minute cancellation and shows the freed slot', () => {
    const out = render('booking-cancelled-staff');
    expect(out.subject.startsWith('[Anulare de ultim moment] Programare anulată: RMN cerebral')).toBe(true);
    expect(out.text).toContain('ANULARE DE ULTIM MOMENT');
    expect(out.html).toContain('ANULARE DE ULTIM MOMENT');
    for (const v of ['Motivul anulării: Pacientul este răcit', 'Anulată de: recepție', 'Anulare de ultim moment: Da', 'Locație: Sala 2, etaj 1', 'Medic: Dr. Ioana Ionescu', 'Departament: Imagistică']) {
      expect(out.text).toContain(v);
    }
    expect(render('booking-cancelled-staff', { locale: 'en' }).subject.startsWith('[Last-minute cancellation] ')).toBe(true);
  });

  it('does not mark an early cancellation', () => {
    const context: NotificationContext = { cancellation: { cancelledAt: '2026-11-01T10:00:00Z', lastMinute: false } };
    const out = render('booking-cancelled-staff', { context });
    expect(out.subject.startsWith('Programare anulată: ')).toBe(true);
    expect(out.text).not.toContain('ANULARE DE ULTIM MOMENT');
    expect(out.text).toContain('Anulare de ultim moment: Nu');
    expect(out.text).toContain('Motivul anulării: —');
  });
});

describe('reschedule', () => {
  it('shows the old and the new time to staff and patient', () => {
    for (const kind of ['booking-rescheduled-staff', 'booking-rescheduled-patient'] as const) {
      const out = render(kind);
      expect(out.text).toContain('Data și ora anterioare: sâmbătă, 28 noiembrie 2026, 10:00 (UTC+2)');
      expect(out.text).toContain('Data și ora noi: marți, 12 martie 2030, 09:30 (UTC+2)');
    }
  });
});

describe('test e-mail', () => {
  it('is clearly marked and names the list', () => {
    const out = render('test');
    expect(out.subject).toBe('[TEST] E-mail de test pentru lista „Destinatari programări” – Clinica Sănătatea');
    expect(out.text).toContain('TEST');
    expect(out.text).toContain('Listă: Destinatari programări');
    expect(out.text).not.toContain('Ana Popescu');
    expect(render('test', { testList: 'constructor' }).text).toContain('Listă: constructor');
    expect(render('test', { testList: 'other-list' }).text).toContain('Listă: other-list');
    const en = render('test', { locale: 'en', testList: 'bcc' });
    expect(en.subject).toBe('[TEST] Test e-mail for the list "Hidden copies (BCC)" – Clinica Sănătatea');
  });
});

describe('localeFor', () => {
  it('uses the institution locale for staff and test, the booking one for patients', () => {
    const b = { ...exampleBooking, locale: 'en' as const };
    expect(localeFor('booking-created-staff', institution, b)).toBe('ro');
    expect(localeFor('test', institution, b)).toBe('ro');
    for (const k of PATIENT_KINDS) expect(localeFor(k, institution, b)).toBe('en');
    expect(localeFor('booking-created-patient', institution, exampleBooking)).toBe('ro');
    expect(localeFor('booking-created-patient', { ...institution, locale: 'en' }, exampleBooking)).toBe('en');
  });
});

describe('rendering', () => {
  it('is deterministic', () => {
    expect(render('booking-created-staff')).toEqual(render('booking-created-staff'));
  });
});
