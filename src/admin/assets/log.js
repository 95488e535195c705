// @ts-check
/**
 * The delivery log view: every e-mail, newest first (the API's order), one compact row each with
 * its details on demand (each recipient's SMTP answer explained), filtered by booking, kind,
 * status and days (in the institution's time zone), a page at a time; "resend" on a failed or
 * partial one; and, when a booking is chosen,
 * that booking's own timeline (sent, pending with its due time, failed, skipped).
 */
import { addressCount, announce, api, byId, describeError, el, formatTime, input, S, showLoadFailure, startPage, t, timeZone } from './common.js';
import { dayRange } from './time.js';
import { startUpcoming } from './upcoming.js';

const BOOKING_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PAGE_SIZE = 50;

/** @type {{ bookingId: string, kind: string, status: string, from?: string, to?: string }} */
let filters = { bookingId: '', kind: '', status: '' };
/** @type {string | null} */
let cursor = null;
let shown = 0;
let loadSerial = 0;

const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (byId(id));

/** @param {string} kind */
const kindLabel = (kind) => S[`kind_${kind}`] || kind;
/** @param {string} status */
const statusLabel = (status) => S[`status_${status}`] || status;

/**
 * @param {string} label
 * @param {Node | string} value
 */
function fact(label, value) {
  return el('div', { class: 'fact' }, el('dt', { text: label }), el('dd', {}, value));
}

/** A link-like button that shows a booking's timeline. @param {string} bookingId */
function bookingButton(bookingId) {
  const button = el('button', { type: 'button', class: 'link-button', 'aria-label': t('showBooking', { id: bookingId }) }, bookingId);
  button.addEventListener('click', () => {
    input('f-booking').value = bookingId;
    select('f-kind').value = '';
    select('f-status').value = '';
    applyFilters(true);
  });
  return button;
}

/** How many addresses an entry went to (visible and hidden); erased entries keep no list. @param {any} n */
function recipientTotal(n) {
  return n.erasedAt ? S.none : String(n.recipients.length + n.bcc.length);
}

/**
 * Each recipient's answer: address (BCC marked), outcome, what a common answer means in words,
 * and the raw SMTP answer beside it.
 * @param {any[]} outcomes RecipientOutcome[] of the API
 */
function outcomesList(outcomes) {
  return el(
    'ul',
    { class: 'outcomes' },
    ...outcomes.map((o) => {
      const raw = o.response || (o.code ? String(o.code) : '');
      return el(
        'li',
        { class: `outcome-row outcome-row-${o.outcome}` },
        `${o.address}${o.bcc ? ` ${S.outcomeHidden}` : ''}: `,
        el('span', { class: `outcome outcome-${o.outcome}`, text: S[`outcome_${o.outcome}`] || o.outcome }),
        o.explanation && o.outcome !== 'accepted' ? el('span', { class: 'outcome-explain', text: ` — ${S[`explain_${o.explanation}`] || o.explanation}` }) : null,
        raw && o.outcome !== 'accepted' ? el('span', { class: 'outcome-raw', text: ` (${raw})` }) : null,
      );
    }),
  );
}

/**
 * One e-mail: a compact row (time, booking, kind, recipients, status) and, below it, its
 * details, hidden until the row's "Details" button opens them. The one place rows are drawn.
 * @param {any} n a Notification of the API
 * @returns {[HTMLElement, HTMLElement]}
 */
function entryRows(n) {
  const detailsId = `details-${encodeURIComponent(n.id).replace(/[%.]/g, '_')}`;
  const facts = el('dl', { class: 'facts' });
  // Erased (retention or on request): the addresses and the subject are gone; the facts stay.
  if (n.erasedAt) facts.append(fact(S.fieldRecipients, t('erasedData', { at: formatTime(n.erasedAt) })));
  else facts.append(fact(S.fieldRecipients, n.recipients.length ? n.recipients.join(', ') : S.none));
  if (n.bcc.length) facts.append(fact(S.fieldBcc, n.bcc.join(', ')));
  if (n.subject) facts.append(fact(S.fieldSubject, n.subject));
  facts.append(fact(S.fieldCreated, formatTime(n.createdAt)));
  if (n.status === 'pending' && n.dueAt) facts.append(fact(S.fieldDue, formatTime(n.dueAt)));
  if (n.sentAt) facts.append(fact(S.fieldSent, formatTime(n.sentAt)));
  facts.append(fact(S.fieldAttempts, String(n.attempts)));
  if (n.reason) facts.append(fact(S.fieldReason, n.reason));
  if (n.recipientOutcomes && n.recipientOutcomes.length) facts.append(fact(S.fieldOutcomes, outcomesList(n.recipientOutcomes)));
  if (n.status === 'failed' && n.lastError) facts.append(fact(S.fieldError, n.lastError));
  if (n.smtpResponse) facts.append(fact(S.fieldSmtp, n.smtpResponse));

  const details = el('div', { class: 'entry-details-body', tabindex: '-1' }, facts);
  if ((n.status === 'failed' || n.status === 'partial') && n.kind !== 'test' && !n.erasedAt) {
    const result = el('p', { class: 'resend-result', role: 'status' });
    const button = el('button', { type: 'button', class: 'secondary resend', 'aria-label': t(n.status === 'partial' ? 'resendPartialLabel' : 'resendLabel', { kind: kindLabel(n.kind), booking: n.bookingId || S.none }) }, S.resend);
    button.addEventListener('click', () => void resend(n, /** @type {HTMLButtonElement} */ (button), result));
    details.append(el('div', { class: 'entry-actions' }, button, result));
  }
  const detailsRow = el('tr', { class: 'entry-details', id: detailsId, 'data-id': n.id, hidden: true }, el('td', { colspan: '6' }, details));

  const toggle = el(
    'button',
    {
      type: 'button',
      class: 'link-button details-toggle',
      'aria-expanded': 'false',
      'aria-controls': detailsId,
      'aria-label': t('detailsLabel', { kind: kindLabel(n.kind), booking: n.bookingId || S.none, time: formatTime(n.createdAt) }),
    },
    S.detailsButton,
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    detailsRow.hidden = !open;
    row.classList.toggle('is-open', open);
  });
  const row = el(
    'tr',
    { class: `entry status-${n.status}`, 'data-id': n.id },
    el('td', { class: 'time', text: formatTime(n.createdAt) }),
    el('td', { class: 'booking' }, n.bookingId ? bookingButton(n.bookingId) : S.none),
    el('td', { class: 'kind', text: kindLabel(n.kind) }),
    el('td', { class: 'num', 'data-label': S.colRecipients, text: recipientTotal(n) }),
    el(
      'td',
      { class: 'status' },
      el('span', { class: `badge status status-${n.status}`, text: statusLabel(n.status) }),
      n.erasedAt ? el('span', { class: 'badge erased', text: S.erasedBadge }) : null,
    ),
    el('td', { class: 'actions' }, toggle),
  );
  return [row, detailsRow];
}

/** Opens an entry's details (after a resend redraws it). @param {HTMLElement} row */
function openDetails(row) {
  const toggle = row.querySelector('.details-toggle');
  if (toggle instanceof HTMLElement && toggle.getAttribute('aria-expanded') !== 'true') toggle.click();
}

/**
 * @param {any} n
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} result
 */
async function resend(n, button, result) {
  button.disabled = true;
  result.textContent = S.resending;
  const res = await api('POST', `/notifications/${encodeURIComponent(n.id)}/resend`);
  if (!res.ok) {
    button.disabled = false;
    result.textContent = describeError(res);
    result.className = 'resend-result error';
    return;
  }
  const [row, detailsRow] = entryRows(res.body);
  const oldDetails = button.closest('tr');
  const oldRow = oldDetails?.previousElementSibling;
  if (oldDetails && oldRow) {
    oldRow.replaceWith(row);
    oldDetails.replaceWith(detailsRow);
  }
  openDetails(row);
  const error = res.body.reason || res.body.lastError || res.body.status;
  const message = res.body.status === 'sent' ? S.resent : res.body.status === 'partial' ? t('resentPartial', { error }) : t('resendFailed', { error });
  const status = detailsRow.querySelector('.resend-result');
  if (status) status.textContent = message;
  else detailsRow.querySelector('.facts')?.after(el('p', { class: 'resend-result ok', role: 'status', text: message }));
  /** @type {HTMLElement} */ (detailsRow.querySelector('.entry-details-body')).focus();
  announce(message);
  if (filters.bookingId) void loadBooking(filters.bookingId);
}

/** @param {boolean} reset */
async function loadLog(reset) {
  const serial = ++loadSerial;
  const list = byId('log-list');
  const status = byId('log-status');
  const error = byId('log-error');
  error.hidden = true;
  if (reset) {
    cursor = null;
    shown = 0;
    status.textContent = S.logLoading;
  }
  const params = new URLSearchParams();
  if (filters.bookingId) params.set('bookingId', filters.bookingId);
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.status) params.set('status', filters.status);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  params.set('limit', String(PAGE_SIZE));
  if (!reset && cursor) params.set('cursor', cursor);
  const res = await api('GET', `/notifications?${params}`);
  if (serial !== loadSerial) return; // a newer filter won
  if (!res.ok) return showLoadFailure(status, error, res);
  const rows = res.body.items.flatMap(entryRows);
  if (reset) list.replaceChildren(...rows);
  else list.append(...rows);
  shown += res.body.items.length;
  cursor = res.body.nextCursor;
  byId('more').hidden = !cursor;
  status.textContent = shown === 0 ? S.logEmpty : t('logShown', { n: shown });
}

/**
 * @param {any} n a BookingNotification
 */
function timelineItem(n) {
  let state;
  if (n.status === 'sent') state = t('tl_sent', { at: formatTime(n.sentAt || n.settledAt) });
  else if (n.status === 'pending') state = n.dueAt ? t('tl_pending', { at: formatTime(n.dueAt) }) : S.tl_pendingNow;
  else if (n.status === 'failed') state = t('tl_failed', { reason: n.reason || S.none });
  else if (n.status === 'partial') {
    const c = n.recipientOutcomes;
    state = t('tl_partial', { accepted: String(c.accepted), total: String(c.accepted + c.refused + c.deferred) });
  }
  else if (n.status === 'skipped') state = t('tl_skipped', { reason: n.reason || S.none });
  else state = S.tl_dropped;
  return el(
    'li',
    { class: `tl-item status-${n.status}` },
    el('span', { class: `badge status status-${n.status}`, text: statusLabel(n.status) }),
    el('span', { class: 'tl-kind', text: kindLabel(n.kind) }),
    el('span', { class: 'tl-state', text: state }),
    n.recipientCount ? el('span', { class: 'tl-count', text: addressCount(n.recipientCount) }) : null,
  );
}

/** @param {any} n */
function momentOf(n) {
  return n.sentAt || n.settledAt || n.dueAt || '';
}

/** @param {string} bookingId */
async function loadBooking(bookingId) {
  const panel = byId('booking-panel');
  const status = byId('booking-status');
  const facts = byId('booking-facts');
  const timeline = byId('timeline');
  panel.hidden = false;
  byId('h-booking').textContent = t('bookingTitle', { id: bookingId });
  status.textContent = S.bookingLoading;
  const res = await api('GET', `/bookings/${encodeURIComponent(bookingId)}`);
  if (filters.bookingId !== bookingId) return;
  if (!res.ok) {
    facts.replaceChildren();
    timeline.replaceChildren();
    status.textContent = res.status === 404 ? t('bookingNotFound', { id: bookingId }) : describeError(res);
    return;
  }
  const b = res.body;
  status.textContent = '';
  const payment = b.booking.payment;
  facts.replaceChildren(
    fact(S.bookingStatus, S[`bookingStatus_${b.status}`] || b.status),
    fact(S.bookingExam, b.booking.exam.name),
    fact(S.bookingStarts, formatTime(b.booking.exam.startsAt)),
    fact(S.bookingPayment, !payment ? S.bookingNoPayment : b.paid ? S.bookingPaid : t('bookingUnpaid', { at: formatTime(payment.deadline) })),
    ...(b.cancellation ? [fact(S.bookingStatus_cancelled, t('bookingCancelled', { at: formatTime(b.cancellation.cancelledAt) }))] : []),
  );
  const items = [...b.notifications].sort((x, y) => momentOf(x).localeCompare(momentOf(y)));
  timeline.replaceChildren(...(items.length ? items.map(timelineItem) : [el('li', { class: 'tl-empty', text: S.bookingTimelineEmpty })]));
}

/** @param {boolean} focusResult */
function applyFilters(focusResult) {
  const bookingId = input('f-booking').value.trim();
  const err = byId('f-booking-err');
  const bad = bookingId !== '' && !BOOKING_ID.test(bookingId);
  err.textContent = bad ? S.errBookingId : '';
  err.hidden = !bad;
  input('f-booking').setAttribute('aria-invalid', bad ? 'true' : 'false');
  if (bad) {
    input('f-booking').focus();
    return;
  }
  // Days picked in the institution's zone; the API gets the instants they start and end.
  const range = dayRange(input('f-from').value, input('f-to').value, timeZone());
  const dateField = range.error === 'errDateFrom' ? 'f-from' : range.error ? 'f-to' : '';
  for (const id of ['f-from', 'f-to']) {
    const wrong = id === dateField;
    const msg = byId(`${id}-err`);
    msg.textContent = wrong && range.error ? S[range.error] : '';
    msg.hidden = !wrong;
    input(id).setAttribute('aria-invalid', wrong ? 'true' : 'false');
  }
  if (dateField) {
    input(dateField).focus();
    return;
  }
  filters = { bookingId, kind: select('f-kind').value, status: select('f-status').value, from: range.from, to: range.to };
  void loadLog(true);
  if (bookingId) {
    void loadBooking(bookingId);
    if (focusResult) byId('booking-panel').scrollIntoView({ block: 'start' });
  } else {
    byId('booking-panel').hidden = true;
  }
  if (focusResult) byId(bookingId ? 'h-booking' : 'h-log').setAttribute('tabindex', '-1');
  if (focusResult) byId(bookingId ? 'h-booking' : 'h-log').focus();
}

function wire() {
  /** @type {HTMLFormElement} */ (byId('filters')).addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters(false);
  });
  byId('f-clear').addEventListener('click', () => {
    input('f-booking').value = '';
    select('f-kind').value = '';
    select('f-status').value = '';
    input('f-from').value = '';
    input('f-to').value = '';
    applyFilters(false);
  });
  byId('refresh').addEventListener('click', () => {
    void loadLog(true);
    if (filters.bookingId) void loadBooking(filters.bookingId);
  });
  byId('more').addEventListener('click', () => void loadLog(false));
}

/** Filters named in the address (a delivery alert links to `/admin/log?bookingId=…&kind=…`). */
function filtersFromAddress() {
  const params = new URLSearchParams(location.search);
  input('f-booking').value = params.get('bookingId') ?? '';
  for (const [id, name] of [['f-kind', 'kind'], ['f-status', 'status']]) {
    const value = params.get(name) ?? '';
    // Only a value the select offers; anything else leaves the filter open.
    if ([...select(id).options].some((o) => o.value === value)) select(id).value = value;
  }
}

wire();
filtersFromAddress();
void startPage({
  signedIn(_res, { resumed }) {
    byId('log-zone').textContent = t('timesIn', { zone: timeZone() });
    if (!resumed) applyFilters(false);
    if (!resumed) startUpcoming();
  },
});
