/**
 * Turns one notification (kind + booking + context) into subject, HTML and text. Pure: no I/O,
 * no clock, so the same notification renders the same way on a retry.
 *
 * Audience rules: staff e-mails list every booking field, an empty optional one as "—" so the
 * reader sees it exists; patient e-mails show only what the patient needs and omit empty fields.
 */
import type { Booking, Institution, Locale, NotificationContext, NotificationKind } from '../domain/types.js';
import { escapeHtml } from './escape.js';
import { formatDateTime, formatDuration, formatMoney } from './format.js';
import { STRINGS, type Strings, type TemplateVars } from './strings.js';

export interface RenderInput {
  kind: NotificationKind;
  institution: Institution;
  booking: Booking;
  context: NotificationContext;
  locale: Locale;
  /** For kind 'test': which settings list the e-mail goes to (e.g. "bookingRecipients"). */
  testList?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export type Audience = 'staff' | 'patient' | 'test';

export function audienceOf(kind: NotificationKind): Audience {
  if (kind === 'test') return 'test';
  return kind.endsWith('-patient') ? 'patient' : 'staff';
}

/** Staff and test e-mails speak the institution's language; patient ones the booking's, if set. */
export function localeFor(kind: NotificationKind, institution: Institution, booking: Booking): Locale {
  return audienceOf(kind) === 'patient' ? (booking.locale ?? institution.locale) : institution.locale;
}

export const MAX_SUBJECT_LENGTH = 200;

/**
 * One header-safe line: CR, LF, other control characters and Unicode line separators become
 * spaces (input validation already rejects them; this is the second fence), whitespace runs
 * collapse, and the result is cut to `max` characters with an ellipsis.
 */
export function singleLine(s: string, max = MAX_SUBJECT_LENGTH): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Cut on code points so a surrogate pair is never split, then drop trailing space.
  const cps = Array.from(flat);
  let out = '';
  for (const cp of cps) {
    if (out.length + cp.length > max - 1) break;
    out += cp;
  }
  return `${out.trimEnd()}…`;
}

/** A details row; `value` undefined means "not given". */
interface Row {
  label: string;
  value: string | undefined;
}

/** Optional text: blank counts as absent. */
function opt(v: string | undefined | null): string | undefined {
  return v == null || v.trim() === '' ? undefined : v;
}

function staffRows(input: RenderInput, s: Strings, fmtDate: (iso: string) => string): Row[] {
  const { booking: b, context: ctx, kind, locale } = input;
  const L = s.labels;
  const p = b.payment;
  const rows: Row[] = [
    { label: L.bookingId, value: b.bookingId },
    { label: L.patientName, value: b.patient.name },
    { label: L.patientEmail, value: opt(b.patient.email) },
    { label: L.patientPhone, value: opt(b.patient.phone) },
    { label: L.patientLanguage, value: b.locale ? s.languageNames[b.locale] : undefined },
    { label: L.exam, value: b.exam.name },
  ];
  if (kind === 'booking-rescheduled-staff') {
    rows.push({ label: L.previousStartsAt, value: ctx.previousStartsAt ? fmtDate(ctx.previousStartsAt) : undefined });
    rows.push({ label: L.newStartsAt, value: fmtDate(b.exam.startsAt) });
  } else {
    rows.push({ label: L.startsAt, value: fmtDate(b.exam.startsAt) });
  }
  rows.push(
    { label: L.duration, value: formatDuration(b.exam.durationMinutes, locale) },
    { label: L.location, value: opt(b.exam.location) },
    { label: L.doctor, value: opt(b.exam.doctor) },
    { label: L.department, value: opt(b.exam.department) },
    { label: L.amount, value: p ? formatMoney(p.amount, p.currency, locale) : undefined },
    { label: L.paymentDeadline, value: p ? fmtDate(p.deadline) : undefined },
  );
  if (kind === 'booking-rescheduled-staff' && ctx.previousPaymentDeadline) {
    rows.push({ label: L.previousPaymentDeadline, value: fmtDate(ctx.previousPaymentDeadline) });
  }
  rows.push({ label: L.paid, value: p ? (p.paid ? s.yes : s.no) : undefined }, { label: L.notes, value: opt(b.notes) });
  if (kind === 'booking-cancelled-staff') {
    const c = ctx.cancellation;
    rows.push(
      { label: L.lastMinute, value: c ? (c.lastMinute ? s.yes : s.no) : undefined },
      { label: L.cancelledAt, value: c ? fmtDate(c.cancelledAt) : undefined },
      { label: L.cancellationReason, value: opt(c?.reason) },
      { label: L.cancelledBy, value: opt(c?.cancelledBy) },
    );
  }
  return rows;
}

/** What a patient needs: the exam, when and where, who, and what to pay. Never staff data. */
function patientRows(input: RenderInput, s: Strings, fmtDate: (iso: string) => string): Row[] {
  const { booking: b, context: ctx, kind, institution, locale } = input;
  const L = s.labels;
  const rows: Row[] = [
    { label: L.bookingId, value: b.bookingId },
    { label: L.exam, value: b.exam.name },
  ];
  if (kind === 'booking-rescheduled-patient' && ctx.previousStartsAt) {
    rows.push({ label: L.previousStartsAt, value: fmtDate(ctx.previousStartsAt) });
    rows.push({ label: L.newStartsAt, value: fmtDate(b.exam.startsAt) });
  } else {
    rows.push({ label: L.startsAt, value: fmtDate(b.exam.startsAt) });
  }
  rows.push(
    { label: L.duration, value: formatDuration(b.exam.durationMinutes, locale) },
    { label: L.institution, value: opt(institution.name) },
    { label: L.location, value: opt(b.exam.location) },
    { label: L.doctor, value: opt(b.exam.doctor) },
    { label: L.department, value: opt(b.exam.department) },
  );
  // A cancelled booking has nothing left to pay; elsewhere show the payment when there is one.
  const p = b.payment;
  if (p && kind !== 'booking-cancelled-patient') {
    rows.push({ label: L.amount, value: formatMoney(p.amount, p.currency, locale) });
    rows.push({ label: L.paymentDeadline, value: fmtDate(p.deadline) });
    if (kind !== 'payment-reminder-patient') rows.push({ label: L.paid, value: p.paid ? s.yes : s.no });
  }
  return rows.filter((r) => r.value !== undefined);
}

function testRows(input: RenderInput, s: Strings, list: string): Row[] {
  return [
    { label: s.labels.institution, value: input.institution.name },
    { label: s.labels.list, value: list },
  ];
}

// Inline styles only: many mail clients drop <style> blocks.
const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const CELL = 'padding:6px 12px 6px 0;border-top:1px solid #e4e7eb;vertical-align:top;text-align:left;';

/** Escapes a value and keeps its line breaks visible. */
function htmlValue(v: string): string {
  return escapeHtml(v).replace(/\r\n|\r|\n/g, '<br>');
}

/** A shown details row; `href` makes its value a link (the alert digest's log links). */
export interface ShownRow {
  label: string;
  value: string;
  href?: string | undefined;
}

export interface DetailsTable {
  caption: string;
  rows: ShownRow[];
}

/** The HTML body every e-mail shares: institution, title, intro paragraphs, details tables, footer. */
export function renderHtml(opts: {
  lang: Locale;
  subject: string;
  institution: string;
  banner: string | undefined;
  title: string;
  intro: string[];
  tables: DetailsTable[];
  footer: string;
}): string {
  const banner = opts.banner
    ? `<p style="margin:0 0 16px;padding:10px 12px;background:#fdecea;border-left:4px solid #b42318;color:#7a1a12;font-weight:bold;">${escapeHtml(opts.banner)}</p>\n`
    : '';
  const intro = opts.intro.map((p) => `<p style="margin:0 0 12px;">${htmlValue(p)}</p>`).join('\n');
  const cell = (r: ShownRow) =>
    r.href === undefined ? htmlValue(r.value) : `<a href="${escapeHtml(r.href)}" style="color:#1d4ed8;">${htmlValue(r.value)}</a>`;
  const tables = opts.tables
    .map((t) => {
      const rows = t.rows
        .map(
          (r) =>
            `<tr><th scope="row" style="${CELL}width:38%;font-weight:bold;color:#52606d;">${escapeHtml(r.label)}</th>` +
            `<td style="${CELL}color:#1f2933;">${cell(r)}</td></tr>`,
        )
        .join('\n');
      return `<table cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:8px 0 16px;${FONT}font-size:15px;">
<caption style="text-align:left;font-weight:bold;padding:0 0 6px;">${escapeHtml(t.caption)}</caption>
${rows}
</table>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border:1px solid #d9dde3;${FONT}font-size:15px;line-height:1.5;color:#1f2933;"><tr><td style="padding:24px;">
${banner}<p style="margin:0 0 4px;font-size:13px;color:#52606d;">${escapeHtml(opts.institution)}</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3;">${escapeHtml(opts.title)}</h1>
${intro}
${tables}
<p style="margin:16px 0 0;font-size:12px;color:#52606d;">${htmlValue(opts.footer)}</p>
</td></tr></table>
</td></tr></table>
</body>
</html>
`;
}

/** "Label: value" lines; continuation lines of a multi-line value are indented. */
export function renderText(opts: {
  banner: string | undefined;
  title: string;
  intro: string[];
  tables: DetailsTable[];
  footer: string;
}): string {
  const parts: string[] = [];
  if (opts.banner) parts.push(`*** ${opts.banner} ***`);
  parts.push(opts.title, '', ...opts.intro.flatMap((p) => [p, '']));
  // One table: its rows as they are (the caption adds nothing); several: each under its caption.
  const captioned = opts.tables.length > 1;
  opts.tables.forEach((t, i) => {
    if (captioned) parts.push(...(i > 0 ? [''] : []), t.caption);
    for (const r of t.rows) {
      parts.push(`${r.label}: ${r.value.replace(/\r\n|\r|\n/g, '\n  ')}${r.href !== undefined && r.href !== r.value ? ` <${r.href}>` : ''}`);
    }
  });
  parts.push('', '-- ', opts.footer, '');
  return parts.join('\n');
}

export function renderNotification(input: RenderInput): RenderedEmail {
  const { kind, institution, booking: b, context: ctx, locale } = input;
  if (kind === 'alert') throw new Error('the alert digest is rendered by renderDeliveryAlert (src/email/render-alert.ts)');
  const s = STRINGS[locale];
  const k = s.kinds[kind];
  const audience = audienceOf(kind);
  const fmtDate = (iso: string) => formatDateTime(iso, institution.timezone, locale);
  const p = b.payment;
  // Known list ids get their display name; own-property check so "constructor" stays a string.
  const listId = input.testList ?? '';
  const list = Object.hasOwn(s.listNames, listId) ? (s.listNames[listId] ?? listId) : listId || s.empty;

  // Values for subjects are flattened first, so a stray line break cannot reach a header.
  const vars: TemplateVars = {
    institution: institution.name,
    bookingId: b.bookingId,
    patient: b.patient.name,
    exam: b.exam.name,
    date: fmtDate(b.exam.startsAt),
    previousDate: ctx.previousStartsAt ? fmtDate(ctx.previousStartsAt) : undefined,
    amount: p ? formatMoney(p.amount, p.currency, locale) : s.empty,
    deadline: p ? fmtDate(p.deadline) : s.empty,
    list,
    lastMinute: ctx.cancellation?.lastMinute ?? false,
  };
  const subjectVars: TemplateVars = {
    ...vars,
    institution: singleLine(vars.institution, Infinity),
    patient: singleLine(vars.patient, Infinity),
    exam: singleLine(vars.exam, Infinity),
    list: singleLine(vars.list, Infinity),
  };
  const subject = singleLine(k.subject(subjectVars));

  const rows =
    audience === 'staff'
      ? staffRows(input, s, fmtDate)
      : audience === 'patient'
        ? patientRows(input, s, fmtDate)
        : testRows(input, s, list);
  const shown = rows.map((r) => ({ label: r.label, value: r.value ?? s.empty }));

  const banner =
    kind === 'test' ? s.testBanner : kind === 'booking-cancelled-staff' && vars.lastMinute ? s.lastMinuteBanner : undefined;
  const footer =
    audience === 'staff' ? s.footerStaff(vars) : audience === 'patient' ? s.footerPatient(vars) : s.footerTest(vars);
  const title = k.title(vars);
  const intro = k.intro(vars);

  return {
    subject,
    html: renderHtml({
      lang: locale,
      subject,
      institution: institution.name,
      banner,
      title,
      intro,
      tables: [{ caption: audience === 'test' ? s.testCaption : s.caption, rows: shown }],
      footer,
    }),
    text: renderText({ banner, title, intro, tables: [{ caption: '', rows: shown }], footer }),
  };
}
