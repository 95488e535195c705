// @ts-check
/**
 * The delivery log view: every e-mail, newest first (the API's order), filtered by booking,
 * kind and status, a page at a time; "resend" on a failed one; and, when a booking is chosen,
 * that booking's own timeline (sent, pending with its due time, failed, skipped).
 */
import { addressCount, announce, api, byId, describeError, el, formatTime, input, S, startPage, t } from './common.js';
import { startUpcoming } from './upcoming.js';

const BOOKING_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PAGE_SIZE = 50;

/** @type {{ bookingId: string, kind: string, status: string }} */
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

/**
 * One log entry.
 * @param {any} n a Notification of the API
 */
function entry(n) {
  const titleId = `entry-${encodeURIComponent(n.id).replace(/%/g, '_')}`;
  const facts = el('dl', { class: 'facts' });
  facts.append(fact(S.fieldBooking, n.bookingId ? bookingButton(n.bookingId) : S.none));
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
  if (n.status === 'failed' && n.lastError) facts.append(fact(S.fieldError, n.lastError));
  if (n.smtpResponse) facts.append(fact(S.fieldSmtp, n.smtpResponse));

  const article = el(
    'article',
    { 'aria-labelledby': titleId, tabindex: '-1' },
    el(
      'header',
      { class: 'entry-head' },
      el('h3', { id: titleId, text: kindLabel(n.kind) }),
      el('span', { class: `badge status status-${n.status}`, text: statusLabel(n.status) }),
      n.erasedAt ? el('span', { class: 'badge erased', text: S.erasedBadge }) : null,
    ),
    facts,
  );
  if (n.status === 'failed' && n.kind !== 'test' && !n.erasedAt) {
    const result = el('p', { class: 'resend-result', role: 'status' });
    const button = el('button', { type: 'button', class: 'secondary resend', 'aria-label': t('resendLabel', { kind: kindLabel(n.kind), booking: n.bookingId || S.none }) }, S.resend);
    button.addEventListener('click', () => void resend(n, /** @type {HTMLButtonElement} */ (button), result));
    article.append(el('div', { class: 'entry-actions' }, button, result));
  }
  return el('li', { class: `entry status-${n.status}`, 'data-id': n.id }, article);
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
  const updated = entry(res.body);
  const old = button.closest('li');
  if (old) old.replaceWith(updated);
  const message = res.body.status === 'sent' ? S.resent : t('resendFailed', { error: res.body.lastError || res.body.reason || res.body.status });
  const status = updated.querySelector('.resend-result');
  if (status) status.textContent = message;
  else updated.querySelector('.facts')?.after(el('p', { class: 'resend-result ok', role: 'status', text: message }));
  /** @type {HTMLElement} */ (updated.querySelector('article')).focus();
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
  params.set('limit', String(PAGE_SIZE));
  if (!reset && cursor) params.set('cursor', cursor);
  const res = await api('GET', `/notifications?${params}`);
  if (serial !== loadSerial) return; // a newer filter won
  if (!res.ok) {
    status.textContent = '';
    error.textContent = describeError(res);
    error.hidden = false;
    return;
  }
  const items = res.body.items.map(entry);
  if (reset) list.replaceChildren(...items);
  else list.append(...items);
  shown += items.length;
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
  filters = { bookingId, kind: select('f-kind').value, status: select('f-status').value };
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
    applyFilters(false);
  });
  byId('refresh').addEventListener('click', () => {
    void loadLog(true);
    if (filters.bookingId) void loadBooking(filters.bookingId);
  });
  byId('more').addEventListener('click', () => void loadLog(false));
}

wire();
void startPage({
  signedIn(_res, { resumed }) {
    if (!resumed) applyFilters(false);
    if (!resumed) startUpcoming();
  },
});
