/**
 * Every user-visible word of the e-mails, per locale. Romanian is the default and uses the
 * comma-below letters ș ț (U+0219, U+021B), never the cedilla look-alikes (U+015F, U+0163).
 * Functions receive already-formatted plain-text values; the renderer escapes the result for
 * HTML, so nothing here builds markup.
 */
import type { AlertedOutcome } from '../domain/delivery-alerts.js';
import type { Locale, NotificationKind } from '../domain/types.js';

/** Plain-text values a subject or an intro line may mention. */
export interface TemplateVars {
  institution: string;
  bookingId: string;
  patient: string;
  exam: string;
  /** The exam's start (for a reschedule: the new one), formatted. */
  date: string;
  /** Reschedule: the former start, formatted, when known. */
  previousDate?: string | undefined;
  /** Formatted amount with currency, or the empty marker. */
  amount: string;
  /** Formatted payment deadline, or the empty marker. */
  deadline: string;
  /** Test e-mails: the list's display name. */
  list: string;
  lastMinute: boolean;
}

export interface KindStrings {
  subject(v: TemplateVars): string;
  /** The heading of the HTML body and first line of the text body. */
  title(v: TemplateVars): string;
  /** Paragraphs before the details table. */
  intro(v: TemplateVars): string[];
}

export interface Labels {
  bookingId: string;
  patientName: string;
  patientEmail: string;
  patientPhone: string;
  patientLanguage: string;
  exam: string;
  startsAt: string;
  duration: string;
  location: string;
  doctor: string;
  department: string;
  amount: string;
  paymentDeadline: string;
  paid: string;
  notes: string;
  cancelledAt: string;
  cancellationReason: string;
  cancelledBy: string;
  lastMinute: string;
  previousStartsAt: string;
  newStartsAt: string;
  previousPaymentDeadline: string;
  institution: string;
  list: string;
}

export interface Strings {
  labels: Labels;
  yes: string;
  no: string;
  /** Shown for an empty optional field in staff e-mails. */
  empty: string;
  /** Caption of the details table. */
  caption: string;
  /** Caption of the table in a test e-mail. */
  testCaption: string;
  languageNames: Record<Locale, string>;
  lastMinuteBanner: string;
  testBanner: string;
  footerStaff(v: TemplateVars): string;
  footerPatient(v: TemplateVars): string;
  footerTest(v: TemplateVars): string;
  /** Display names of the settings' lists, by the ids the API may use. */
  listNames: Record<string, string>;
  /** Booking and test e-mails; the alert digest has its own strings (`alert`). */
  kinds: Record<Exclude<NotificationKind, 'alert'>, KindStrings>;
  alert: AlertStrings;
}

/** The delivery-alert digest (src/email/render-alert.ts). */
export interface AlertStrings {
  subject(count: number, institution: string): string;
  title: string;
  intro(count: number): string[];
  caption(index: number): string;
  labels: { bookingId: string; kind: string; outcome: string; recipients: string; reason: string; at: string; log: string };
  outcomes: Record<AlertedOutcome, string>;
  kindNames: Record<NotificationKind, string>;
  openLog: string;
  footer(institution: string): string;
}

/** "1 e-mail", "2 e-mailuri", "20 de e-mailuri": Romanian puts "de" before 20+ (and 0 mod 100). */
function emailsRo(n: number): string {
  if (n === 1) return '1 e-mail';
  const rest = n % 100;
  return `${n}${n >= 20 && (rest === 0 || rest >= 20) ? ' de' : ''} e-mailuri`;
}

const EMPTY = '—';

const ro: Strings = {
  labels: {
    bookingId: 'Număr programare',
    patientName: 'Pacient',
    patientEmail: 'E-mail pacient',
    patientPhone: 'Telefon pacient',
    patientLanguage: 'Limba pacientului',
    exam: 'Examinare',
    startsAt: 'Data și ora',
    duration: 'Durată',
    location: 'Locație',
    doctor: 'Medic',
    department: 'Departament',
    amount: 'Sumă de plată',
    paymentDeadline: 'Termen de plată',
    paid: 'Achitat',
    notes: 'Observații',
    cancelledAt: 'Anulată la',
    cancellationReason: 'Motivul anulării',
    cancelledBy: 'Anulată de',
    lastMinute: 'Anulare de ultim moment',
    previousStartsAt: 'Data și ora anterioare',
    newStartsAt: 'Data și ora noi',
    previousPaymentDeadline: 'Termen de plată anterior',
    institution: 'Instituție',
    list: 'Listă',
  },
  yes: 'Da',
  no: 'Nu',
  empty: EMPTY,
  caption: 'Detaliile programării',
  testCaption: 'Detaliile testului',
  languageNames: { ro: 'română', en: 'engleză' },
  lastMinuteBanner: 'ANULARE DE ULTIM MOMENT',
  testBanner: 'TEST – acesta nu este o notificare reală',
  footerStaff: (v) =>
    `Mesaj trimis automat de serviciul de notificări al instituției ${v.institution}. ` +
    'Conține date personale ale pacientului: nu îl redirecționați în afara instituției.',
  footerPatient: (v) => `Mesaj trimis automat de ${v.institution}.`,
  footerTest: (v) => `Mesaj de test trimis automat de serviciul de notificări al instituției ${v.institution}.`,
  listNames: {
    bookingRecipients: 'Destinatari programări',
    bcc: 'Copii ascunse (BCC)',
    cancellation: 'Notificări de anulare',
    'cancellation.recipients': 'Notificări de anulare',
    paymentReminder: 'Mementouri de plată',
    'paymentReminder.recipients': 'Mementouri de plată',
    alerts: 'Alerte de livrare',
    'alerts.recipients': 'Alerte de livrare',
  },
  kinds: {
    'booking-created-staff': {
      subject: (v) => `Programare nouă: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'Programare nouă',
      intro: () => ['A fost înregistrată o programare nouă. Mai jos sunt toate datele programării.'],
    },
    'booking-created-patient': {
      subject: (v) => `Confirmare programare: ${v.exam}, ${v.date}`,
      title: () => 'Programarea dumneavoastră a fost înregistrată',
      intro: (v) => [
        `Bună ziua, ${v.patient},`,
        `Vă confirmăm programarea la ${v.institution}. Detaliile sunt mai jos.`,
      ],
    },
    'booking-rescheduled-staff': {
      subject: (v) => `Programare mutată: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'Programare mutată',
      intro: (v) => [
        v.previousDate
          ? `Programarea ${v.bookingId} a fost mutată de pe ${v.previousDate} pe ${v.date}.`
          : `Programarea ${v.bookingId} a fost mutată pe ${v.date}.`,
      ],
    },
    'booking-rescheduled-patient': {
      subject: (v) => `Programarea dumneavoastră a fost mutată: ${v.exam}, ${v.date}`,
      title: () => 'Programarea dumneavoastră a fost mutată',
      intro: (v) => [
        `Bună ziua, ${v.patient},`,
        v.previousDate
          ? `Programarea dumneavoastră pentru ${v.exam} a fost mutată de pe ${v.previousDate} pe ${v.date}.`
          : `Programarea dumneavoastră pentru ${v.exam} a fost mutată pe ${v.date}.`,
      ],
    },
    'booking-cancelled-staff': {
      subject: (v) =>
        `${v.lastMinute ? '[Anulare de ultim moment] ' : ''}Programare anulată: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'Programare anulată – interval eliberat',
      intro: (v) => [
        v.lastMinute
          ? 'Anulare de ultim moment: examinarea urma să înceapă în curând. Intervalul de mai jos s-a eliberat și poate fi oferit altui pacient.'
          : 'Programarea de mai jos a fost anulată. Intervalul s-a eliberat și poate fi oferit altui pacient.',
      ],
    },
    'booking-cancelled-patient': {
      subject: (v) => `Confirmare anulare programare: ${v.exam}, ${v.date}`,
      title: () => 'Programarea dumneavoastră a fost anulată',
      intro: (v) => [
        `Bună ziua, ${v.patient},`,
        `Vă confirmăm anularea programării pentru ${v.exam} din ${v.date}.`,
        `Pentru o nouă programare, vă rugăm să contactați ${v.institution}.`,
      ],
    },
    'payment-reminder-staff': {
      subject: (v) => `Plată neefectuată: ${v.exam} – ${v.patient}, termen ${v.deadline}`,
      title: () => 'Programare neachitată',
      intro: (v) => [
        `Programarea ${v.bookingId} nu este încă achitată, iar termenul de plată (${v.deadline}) se apropie. ` +
          'Pacientul a primit în același timp un memento.',
      ],
    },
    'payment-reminder-patient': {
      subject: (v) => `Reamintire plată: ${v.amount} până la ${v.deadline}`,
      title: () => 'Reamintire de plată',
      intro: (v) => [
        `Bună ziua, ${v.patient},`,
        `Vă reamintim că plata de ${v.amount} pentru ${v.exam} trebuie efectuată până la ${v.deadline}.`,
        'Dacă ați efectuat deja plata, vă rugăm să ignorați acest mesaj.',
      ],
    },
    test: {
      subject: (v) => `[TEST] E-mail de test pentru lista „${v.list}” – ${v.institution}`,
      title: () => 'E-mail de test',
      intro: (v) => [
        `Acesta este un e-mail de test trimis de ${v.institution} către adresele din lista „${v.list}”.`,
        'Dacă l-ați primit, adresa dumneavoastră este în listă și trimiterea funcționează. Nu este necesară nicio acțiune.',
      ],
    },
  },
  alert: {
    subject: (n, institution) => `Alertă de livrare: ${emailsRo(n)} ${n === 1 ? 'nelivrat' : 'nelivrate'} – ${institution}`,
    title: 'E-mailuri care nu au ajuns la destinatari',
    intro: (n) => [
      `De la ultima alertă, ${emailsRo(n)} ${n === 1 ? 'nu a ajuns' : 'nu au ajuns'} la cel puțin un destinatar.`,
      'Verificați adresele în setări; un e-mail eșuat poate fi retrimis din jurnalul de livrare.',
    ],
    caption: (i) => `E-mailul ${i}`,
    labels: {
      bookingId: 'Număr programare',
      kind: 'Tip',
      outcome: 'Rezultat',
      recipients: 'Destinatari',
      reason: 'Motiv',
      at: 'Ora',
      log: 'Jurnal',
    },
    outcomes: {
      failed: 'eșuat: serverul l-a refuzat definitiv',
      'gave-up': 'eșuat: o zi de reîncercări fără succes',
      partial: 'parțial: unii destinatari l-au refuzat',
    },
    kindNames: {
      'booking-created-staff': 'Programare nouă — personal',
      'booking-created-patient': 'Confirmare programare — pacient',
      'booking-rescheduled-staff': 'Programare mutată — personal',
      'booking-rescheduled-patient': 'Programare mutată — pacient',
      'booking-cancelled-staff': 'Anunț de anulare — personal',
      'booking-cancelled-patient': 'Confirmare anulare — pacient',
      'payment-reminder-staff': 'Memento de plată — administrație',
      'payment-reminder-patient': 'Memento de plată — pacient',
      test: 'E-mail de test',
      alert: 'Alertă de livrare',
    },
    openLog: 'Deschide în jurnalul de livrare',
    footer: (institution) =>
      `Alertă trimisă automat de serviciul de notificări al instituției ${institution}, cel mult o dată la 15 minute. ` +
      'Conține adrese ale pacienților: nu o redirecționați în afara instituției.',
  },
};

const en: Strings = {
  labels: {
    bookingId: 'Booking number',
    patientName: 'Patient',
    patientEmail: 'Patient e-mail',
    patientPhone: 'Patient phone',
    patientLanguage: 'Patient language',
    exam: 'Exam',
    startsAt: 'Date and time',
    duration: 'Duration',
    location: 'Location',
    doctor: 'Doctor',
    department: 'Department',
    amount: 'Amount due',
    paymentDeadline: 'Payment deadline',
    paid: 'Paid',
    notes: 'Notes',
    cancelledAt: 'Cancelled at',
    cancellationReason: 'Reason for cancellation',
    cancelledBy: 'Cancelled by',
    lastMinute: 'Last-minute cancellation',
    previousStartsAt: 'Previous date and time',
    newStartsAt: 'New date and time',
    previousPaymentDeadline: 'Previous payment deadline',
    institution: 'Institution',
    list: 'List',
  },
  yes: 'Yes',
  no: 'No',
  empty: EMPTY,
  caption: 'Booking details',
  testCaption: 'Test details',
  languageNames: { ro: 'Romanian', en: 'English' },
  lastMinuteBanner: 'LAST-MINUTE CANCELLATION',
  testBanner: 'TEST – this is not a real notification',
  footerStaff: (v) =>
    `Sent automatically by the notification service of ${v.institution}. ` +
    "It contains the patient's personal data: do not forward it outside the institution.",
  footerPatient: (v) => `Sent automatically by ${v.institution}.`,
  footerTest: (v) => `Test message sent automatically by the notification service of ${v.institution}.`,
  listNames: {
    bookingRecipients: 'Booking recipients',
    bcc: 'Hidden copies (BCC)',
    cancellation: 'Cancellation notices',
    'cancellation.recipients': 'Cancellation notices',
    paymentReminder: 'Payment reminders',
    'paymentReminder.recipients': 'Payment reminders',
    alerts: 'Delivery alerts',
    'alerts.recipients': 'Delivery alerts',
  },
  kinds: {
    'booking-created-staff': {
      subject: (v) => `New booking: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'New booking',
      intro: () => ['A new booking has been made. All of its details are below.'],
    },
    'booking-created-patient': {
      subject: (v) => `Booking confirmation: ${v.exam}, ${v.date}`,
      title: () => 'Your booking is confirmed',
      intro: (v) => [`Dear ${v.patient},`, `We confirm your booking at ${v.institution}. The details are below.`],
    },
    'booking-rescheduled-staff': {
      subject: (v) => `Booking rescheduled: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'Booking rescheduled',
      intro: (v) => [
        v.previousDate
          ? `Booking ${v.bookingId} has been moved from ${v.previousDate} to ${v.date}.`
          : `Booking ${v.bookingId} has been moved to ${v.date}.`,
      ],
    },
    'booking-rescheduled-patient': {
      subject: (v) => `Your booking has been moved: ${v.exam}, ${v.date}`,
      title: () => 'Your booking has been moved',
      intro: (v) => [
        `Dear ${v.patient},`,
        v.previousDate
          ? `Your booking for ${v.exam} has been moved from ${v.previousDate} to ${v.date}.`
          : `Your booking for ${v.exam} has been moved to ${v.date}.`,
      ],
    },
    'booking-cancelled-staff': {
      subject: (v) =>
        `${v.lastMinute ? '[Last-minute cancellation] ' : ''}Booking cancelled: ${v.exam} – ${v.patient}, ${v.date}`,
      title: () => 'Booking cancelled – slot freed',
      intro: (v) => [
        v.lastMinute
          ? 'Last-minute cancellation: the exam was about to start. The slot below is free and can be offered to another patient.'
          : 'The booking below has been cancelled. Its slot is free and can be offered to another patient.',
      ],
    },
    'booking-cancelled-patient': {
      subject: (v) => `Cancellation confirmed: ${v.exam}, ${v.date}`,
      title: () => 'Your booking has been cancelled',
      intro: (v) => [
        `Dear ${v.patient},`,
        `We confirm that your booking for ${v.exam} on ${v.date} has been cancelled.`,
        `To book again, please contact ${v.institution}.`,
      ],
    },
    'payment-reminder-staff': {
      subject: (v) => `Unpaid booking: ${v.exam} – ${v.patient}, due ${v.deadline}`,
      title: () => 'Unpaid booking',
      intro: (v) => [
        `Booking ${v.bookingId} is not paid yet and its payment deadline (${v.deadline}) is approaching. ` +
          'The patient has been sent a reminder at the same time.',
      ],
    },
    'payment-reminder-patient': {
      subject: (v) => `Payment reminder: ${v.amount} due by ${v.deadline}`,
      title: () => 'Payment reminder',
      intro: (v) => [
        `Dear ${v.patient},`,
        `This is a reminder that the payment of ${v.amount} for ${v.exam} is due by ${v.deadline}.`,
        'If you have already paid, please disregard this message.',
      ],
    },
    test: {
      subject: (v) => `[TEST] Test e-mail for the list "${v.list}" – ${v.institution}`,
      title: () => 'Test e-mail',
      intro: (v) => [
        `This is a test e-mail sent by ${v.institution} to the addresses of the list "${v.list}".`,
        'If you received it, your address is on the list and delivery works. No action is needed.',
      ],
    },
  },
  alert: {
    subject: (n, institution) => `Delivery alert: ${n} e-mail${n === 1 ? '' : 's'} not delivered – ${institution}`,
    title: 'E-mails that did not reach their recipients',
    intro: (n) => [
      `Since the last alert, ${n} e-mail${n === 1 ? '' : 's'} did not reach at least one recipient.`,
      'Check the addresses in the settings; a failed e-mail can be resent from the delivery log.',
    ],
    caption: (i) => `E-mail ${i}`,
    labels: {
      bookingId: 'Booking number',
      kind: 'Kind',
      outcome: 'Outcome',
      recipients: 'Recipients',
      reason: 'Reason',
      at: 'Time',
      log: 'Log',
    },
    outcomes: {
      failed: 'failed: the server refused it permanently',
      'gave-up': 'failed: a day of retries did not get it through',
      partial: 'partial: some recipients refused it',
    },
    kindNames: {
      'booking-created-staff': 'New booking — staff',
      'booking-created-patient': 'Booking confirmation — patient',
      'booking-rescheduled-staff': 'Booking moved — staff',
      'booking-rescheduled-patient': 'Booking moved — patient',
      'booking-cancelled-staff': 'Cancellation notice — staff',
      'booking-cancelled-patient': 'Cancellation confirmation — patient',
      'payment-reminder-staff': 'Payment reminder — administration',
      'payment-reminder-patient': 'Payment reminder — patient',
      test: 'Test e-mail',
      alert: 'Delivery alert',
    },
    openLog: 'Open in the delivery log',
    footer: (institution) =>
      `Alert sent automatically by the notification service of ${institution}, at most once every 15 minutes. ` +
      'It contains patients\' addresses: do not forward it outside the institution.',
  },
};

export const STRINGS: Record<Locale, Strings> = { ro, en };
