// @ts-check
/**
 * The "Urmează" (upcoming) view of the log page: the e-mails the institution's running
 * bookings plan in a chosen window (GET …/notifications/upcoming), soonest first, a page of
 * bookings at a time. Choosing a booking shows it in the log below, like a log entry does.
 */
import { addressCount, api, byId, el, formatTime, input, S, showLoadFailure, t } from './common.js';

const PAGE_SIZE = 50;

/** @type {any[]} */
let rows = [];
/** @type {string | null} */
let cursor = null;
let serial = 0;

const within = () => /** @type {HTMLSelectElement} */ (byId('upcoming-within')).value;

/** @param {any} u an UpcomingEmail of the API */
function row(u) {
  const overdue = Date.parse(u.dueAt) <= Date.now();
  const booking = el('button', { type: 'button', class: 'link-button', 'aria-label': t('showBooking', { id: u.bookingId }) }, u.bookingId);
  booking.addEventListener('click', () => {
    // The log's own filter form shows the booking's timeline.
    input('f-booking').value = u.bookingId;
    /** @type {HTMLFormElement} */ (byId('filters')).requestSubmit();
    byId('booking-panel').scrollIntoView({ block: 'start' });
  });
  return el(
    'tr',
    { 'data-id': u.notificationId },
    el('td', {}, el('time', { datetime: u.dueAt, text: overdue ? `${S.upcomingOverdue} (${formatTime(u.dueAt)})` : formatTime(u.dueAt) })),
    el('td', { text: S[`kind_${u.kind}`] || u.kind }),
    el('td', {}, booking),
    el('td', { text: u.recipientsCount ? addressCount(u.recipientsCount) : S.upcomingNoRecipients }),
  );
}

/** @param {boolean} reset */
async function load(reset) {
  const mine = ++serial;
  const status = byId('upcoming-status');
  const error = byId('upcoming-error');
  error.hidden = true;
  if (reset) {
    rows = [];
    cursor = null;
    status.textContent = S.upcomingLoading;
  }
  const params = new URLSearchParams({ within: within(), limit: String(PAGE_SIZE) });
  if (!reset && cursor) params.set('cursor', cursor);
  const res = await api('GET', `/notifications/upcoming?${params}`);
  if (mine !== serial) return; // a newer window won
  if (!res.ok) return showLoadFailure(status, error, res);
  // Each page is sorted; the pages together are sorted here.
  rows = [...rows, ...res.body.items].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.bookingId.localeCompare(b.bookingId));
  cursor = res.body.nextCursor;
  byId('upcoming-rows').replaceChildren(...rows.map(row));
  byId('upcoming-table').hidden = rows.length === 0;
  byId('upcoming-more').hidden = !cursor;
  status.textContent = rows.length === 0 ? S.upcomingEmpty : t('upcomingShown', { n: rows.length, until: formatTime(res.body.until) });
}

let wired = false;

/** Called once the page is signed in. */
export function startUpcoming() {
  if (!wired) {
    wired = true;
    byId('upcoming-within').addEventListener('change', () => void load(true));
    byId('upcoming-refresh').addEventListener('click', () => void load(true));
    byId('upcoming-more').addEventListener('click', () => void load(false));
  }
  void load(true);
}
