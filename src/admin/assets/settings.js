// @ts-check
/**
 * The settings view: the six settings of the saved version, edited in place (addresses added
 * and removed one by one, checked as typed with the API's rules), one "Salvare" for all.
 *
 * - `saved` is the version this page started from (with its ETag); `draft` is what is on the
 *   page. Every section compares the two, so unsaved changes show at a glance (badge, marks on
 *   the addresses, the bar at the bottom, the tab's title) and leaving asks first.
 * - A save sends If-Match: the version started from. 412 means another administrator saved in
 *   between: the page says who and when, keeps the draft, and offers to load the newer one.
 */
import { addressCount, announce, api, byId, describeError, el, formatTime, input, S, startPage, t, tv } from './common.js';
import { addressKey, emailAddressError, hoursError, MAX_ALERT_RECIPIENTS, MAX_BCC, MAX_RECIPIENTS, parseHours, retentionDaysError } from './validation.js';

/** @typedef {'bookingRecipients' | 'bcc' | 'cancellation' | 'paymentReminder' | 'alerts'} ListName */
/** @typedef {{ email: string, enabled?: boolean }} Entry */
/**
 * @typedef {{
 *   lists: Record<ListName, Entry[]>,
 *   hours: { cancellation: string, paymentReminder: string },
 *   patientEmails: boolean,
 *   retentionDays: string,
 * }} Draft
 */

/** @type {ListName[]} */
const LISTS = ['bookingRecipients', 'bcc', 'cancellation', 'paymentReminder', 'alerts'];
const SECTIONS = /** @type {const} */ (['bookingRecipients', 'bcc', 'cancellation', 'paymentReminder', 'patientEmails', 'alerts', 'retentionDays']);
/** @type {Record<string, string>} */
const TITLES = {
  bookingRecipients: S.bookingRecipientsTitle,
  bcc: S.bccTitle,
  cancellation: S.cancellationTitle,
  paymentReminder: S.paymentReminderTitle,
  patientEmails: S.patientEmailsTitle,
  alerts: S.alertsTitle,
  retentionDays: S.retentionTitle,
};
const BASE_TITLE = document.title;

/** @type {any} the version the draft started from */
let saved = null;
let etag = '';
/** @type {Draft} */
let draft = { lists: { bookingRecipients: [], bcc: [], cancellation: [], paymentReminder: [], alerts: [] }, hours: { cancellation: '', paymentReminder: '' }, patientEmails: true, retentionDays: '' };
/** @type {{ settings: any, etag: string } | null} the version that overtook ours (after a 412) */
let newer = null;
/** Errors the server reported for the last save, by place: `<list>:<index>`, `<list>:list`, `<list>:hours`. */
/** @type {Map<string, string>} */
let serverErrors = new Map();
let busy = false;

// ---- the model --------------------------------------------------------------------------------

/**
 * @param {any} s settings as the API sends them
 * @returns {Draft}
 */
function toDraft(s) {
  return {
    lists: {
      bookingRecipients: s.bookingRecipients.map((/** @type {string} */ email) => ({ email })),
      bcc: s.bcc.map((/** @type {Entry} */ e) => ({ email: e.email, enabled: e.enabled })),
      cancellation: s.cancellation.recipients.map((/** @type {string} */ email) => ({ email })),
      paymentReminder: s.paymentReminder.recipients.map((/** @type {string} */ email) => ({ email })),
      // Absent in settings saved before the list existed.
      alerts: (s.alerts?.recipients ?? []).map((/** @type {string} */ email) => ({ email })),
    },
    hours: { cancellation: String(s.cancellation.noticeHours), paymentReminder: String(s.paymentReminder.hoursBefore) },
    patientEmails: s.patientEmails,
    retentionDays: String(s.retentionDays),
  };
}

/** The PUT body. @param {Draft} d */
function toBody(d) {
  const emails = (/** @type {ListName} */ list) => d.lists[list].map((e) => e.email);
  return {
    bookingRecipients: emails('bookingRecipients'),
    bcc: d.lists.bcc.map((e) => ({ email: e.email, enabled: e.enabled !== false })),
    cancellation: { recipients: emails('cancellation'), noticeHours: parseHours(d.hours.cancellation) },
    paymentReminder: { recipients: emails('paymentReminder'), hoursBefore: parseHours(d.hours.paymentReminder) },
    patientEmails: d.patientEmails,
    alerts: { recipients: emails('alerts') },
    retentionDays: parseHours(d.retentionDays),
  };
}

/** Whether a list's addresses (and switches) differ between two drafts. @param {ListName} list @param {Draft} a @param {Draft} b */
function listDiffers(list, a, b) {
  return JSON.stringify(a.lists[list]) !== JSON.stringify(b.lists[list]);
}

/**
 * Whether a section differs between two drafts (addresses, switches, hours).
 * @param {typeof SECTIONS[number]} section
 * @param {Draft} a
 * @param {Draft} b
 */
function sectionDiffers(section, a, b) {
  if (section === 'patientEmails') return a.patientEmails !== b.patientEmails;
  if (section === 'retentionDays') {
    return parseHours(a.retentionDays) !== parseHours(b.retentionDays) || Number.isNaN(parseHours(a.retentionDays));
  }
  if (listDiffers(section, a, b)) return true;
  if (section === 'cancellation' || section === 'paymentReminder') {
    return parseHours(a.hours[section]) !== parseHours(b.hours[section]) || Number.isNaN(parseHours(a.hours[section]));
  }
  return false;
}

/** How many addresses a list may hold. @param {ListName} list */
const maxOf = (list) => (list === 'bcc' ? MAX_BCC : list === 'alerts' ? MAX_ALERT_RECIPIENTS : MAX_RECIPIENTS);

/** An address typed in a section's field but not added. @param {ListName} list */
function typedNotAdded(list) {
  return input(`add-${list}`).value.trim() !== '';
}

function dirtySections() {
  if (!saved) return [];
  const base = toDraft(saved);
  return SECTIONS.filter(
    (sec) => sectionDiffers(sec, draft, base) || (sec !== 'patientEmails' && sec !== 'retentionDays' && typedNotAdded(sec)),
  );
}

const isDirty = () => dirtySections().length > 0;

// ---- checking input ---------------------------------------------------------------------------

/**
 * Why `value` cannot be added to `list`, in words, or ''.
 * @param {ListName} list
 * @param {string} value
 */
function addProblem(list, value) {
  const error = emailAddressError(value);
  if (error) return tv(error);
  if (draft.lists[list].some((e) => addressKey(e.email) === addressKey(value))) return S.errDuplicate;
  const max = maxOf(list);
  if (draft.lists[list].length >= max) return t('errListFull', { max });
  return '';
}

/** @param {'cancellation' | 'paymentReminder'} list */
function hoursProblem(list) {
  const error = hoursError(parseHours(draft.hours[list]));
  return error ? tv(error) : '';
}

function retentionProblem() {
  const error = retentionDaysError(parseHours(draft.retentionDays));
  return error ? tv(error) : '';
}

function showRetentionError() {
  const message = retentionProblem() || serverErrors.get('retentionDays:value') || '';
  const err = byId('retention-days-err');
  err.textContent = message;
  err.hidden = !message;
  input('retention-days').setAttribute('aria-invalid', message ? 'true' : 'false');
}

/**
 * Shows (or clears) the message under an add field; `ok` shows it as a confirmation.
 * @param {ListName} list
 * @param {string} message
 * @param {boolean} [ok]
 */
function setAddMessage(list, message, ok = false) {
  const msg = byId(`add-${list}-msg`);
  msg.textContent = message;
  msg.className = `field-msg${message ? (ok ? ' ok' : ' error') : ''}`;
  input(`add-${list}`).setAttribute('aria-invalid', message && !ok ? 'true' : 'false');
}

/** @param {'cancellation' | 'paymentReminder'} list */
function showHoursError(list) {
  const message = hoursProblem(list) || serverErrors.get(`${list}:hours`) || '';
  const err = byId(`hours-${list}-err`);
  err.textContent = message;
  err.hidden = !message;
  input(`hours-${list}`).setAttribute('aria-invalid', message ? 'true' : 'false');
}

// ---- rendering --------------------------------------------------------------------------------

/**
 * One address of a list, as it will be saved (or, `removed`, as it will go).
 * @param {ListName} list
 * @param {Entry} entry
 * @param {number} index position in the draft, or -1 for a removed one
 * @param {Map<string, Entry>} base saved entries by address key
 */
function addressItem(list, entry, index, base) {
  const before = base.get(addressKey(entry.email));
  const removed = index < 0;
  const isNew = !removed && !before;
  const switched = !removed && !!before && list === 'bcc' && before.enabled !== entry.enabled;
  const error = removed ? '' : serverErrors.get(`${list}:${index}`) || '';
  const classes = ['addr-item', removed && 'is-removed', isNew && 'is-new', switched && 'is-changed', error && 'has-error'].filter(Boolean).join(' ');
  const errorId = `err-${list}-${index}`;

  const address = el('span', { class: 'addr' }, removed ? el('del', {}, entry.email) : entry.email);
  const tags = el('span', { class: 'tags' });
  if (isNew) tags.append(el('span', { class: 'tag tag-new', text: S.tagNew }));
  if (switched) tags.append(el('span', { class: 'tag tag-changed', text: S.tagChanged }));
  if (removed) tags.append(el('span', { class: 'tag tag-removed', text: S.tagRemoved }));

  const controls = el('span', { class: 'controls' });
  if (removed) {
    const restore = el('button', { type: 'button', class: 'restore', id: `restore-${list}-${addressKey(entry.email)}`, 'aria-label': t('restoreLabel', { email: entry.email }) }, S.restoreButton);
    restore.addEventListener('click', () => restoreAddress(list, entry.email));
    controls.append(restore);
  } else {
    if (list === 'bcc') {
      const on = entry.enabled !== false;
      const toggle = /** @type {HTMLInputElement} */ (
        el('input', { type: 'checkbox', role: 'switch', id: `sw-${list}-${index}`, 'aria-label': t('bccSwitchLabel', { email: entry.email }) })
      );
      toggle.checked = on;
      toggle.addEventListener('change', () => {
        entry.enabled = toggle.checked;
        serverErrors.delete(`${list}:${index}`);
        render();
      });
      controls.append(el('label', { class: 'switch' }, toggle, el('span', { class: 'state', 'aria-hidden': 'true', text: on ? S.bccOn : S.bccOff })));
    }
    const remove = el('button', { type: 'button', class: 'remove', id: `rm-${list}-${index}`, 'aria-label': t('removeLabel', { email: entry.email }), 'aria-describedby': error ? errorId : undefined }, S.removeButton);
    remove.addEventListener('click', () => removeAddress(list, index));
    controls.append(remove);
  }
  return el('li', { class: classes, 'data-email': entry.email }, address, tags, controls, error ? el('p', { class: 'field-error', id: errorId, text: error }) : null);
}

/** @param {ListName} list */
function renderList(list) {
  const ul = byId(`list-${list}`);
  const baseEntries = toDraft(saved).lists[list];
  const base = new Map(baseEntries.map((e) => [addressKey(e.email), e]));
  const present = new Set(draft.lists[list].map((e) => addressKey(e.email)));
  const items = draft.lists[list].map((entry, i) => addressItem(list, entry, i, base));
  for (const gone of baseEntries.filter((e) => !present.has(addressKey(e.email)))) items.push(addressItem(list, gone, -1, base));
  ul.replaceChildren(...items);
  byId(`empty-${list}`).hidden = items.length > 0;
  const max = maxOf(list);
  byId(`count-${list}`).textContent = t('addressCount', { count: addressCount(draft.lists[list].length), max });
  const listError = serverErrors.get(`${list}:list`);
  if (listError) setAddMessage(list, listError);
}

function render() {
  if (!saved) return;
  const focusedId = document.activeElement && document.activeElement.id;
  const dirty = dirtySections();
  const base = toDraft(saved);
  for (const list of LISTS) {
    renderList(list);
    // A test e-mail goes to the saved list: offered only while the page shows that list.
    const test = /** @type {HTMLButtonElement} */ (byId(`test-${list}`));
    const changed = listDiffers(list, draft, base);
    test.disabled = changed || busy;
    byId(`test-${list}-hint`).textContent = changed ? S.testDisabledDirty : list === 'bcc' ? S.testHintBcc : S.testHint;
  }
  for (const sec of SECTIONS) {
    const isDirtySection = dirty.includes(sec);
    byId(`dirty-${sec}`).hidden = !isDirtySection;
    byId(`sec-${sec}`).classList.toggle('is-dirty', isDirtySection);
  }
  const patient = input('patientEmails');
  patient.checked = draft.patientEmails;
  byId('patientEmails-state').textContent = draft.patientEmails ? S.switchOn : S.switchOff;
  byId('patientEmails-hint').hidden = draft.patientEmails;

  const state = byId('save-state');
  state.textContent = dirty.length ? t('saveBarDirty', { sections: dirty.map((sec) => TITLES[sec]).join(', ') }) : S.saveBarClean;
  byId('savebar').classList.toggle('is-dirty', dirty.length > 0);
  byId('discard').hidden = dirty.length === 0;
  /** @type {HTMLButtonElement} */ (byId('save')).setAttribute('aria-busy', busy ? 'true' : 'false');
  document.title = dirty.length ? `* ${BASE_TITLE}` : BASE_TITLE;

  if (focusedId && document.activeElement !== document.getElementById(focusedId)) document.getElementById(focusedId)?.focus();
}

function renderVersion() {
  byId('version-info').textContent =
    saved.version === 0 ? S.versionDefault : t('versionInfo', { version: saved.version, by: saved.updatedBy, at: formatTime(saved.updatedAt) });
}

/**
 * Makes `settings` the version on the page: the draft, the hours fields, every mark reset.
 * @param {any} settings
 * @param {string | null} tag the ETag that came with it
 */
function applyVersion(settings, tag) {
  saved = settings;
  etag = tag || `"${settings.version}"`;
  draft = toDraft(settings);
  newer = null;
  serverErrors = new Map();
  for (const list of LISTS) setAddMessage(list, '');
  input('hours-cancellation').value = draft.hours.cancellation;
  input('hours-paymentReminder').value = draft.hours.paymentReminder;
  showHoursError('cancellation');
  showHoursError('paymentReminder');
  input('retention-days').value = draft.retentionDays;
  showRetentionError();
  byId('conflict').hidden = true;
  renderVersion();
  render();
}

// ---- editing ----------------------------------------------------------------------------------

/** @param {ListName} list */
function forgetServerErrors(list) {
  for (const key of [...serverErrors.keys()]) if (key.startsWith(`${list}:`) && key !== `${list}:hours`) serverErrors.delete(key);
}

/** @param {ListName} list */
function addAddress(list) {
  const field = input(`add-${list}`);
  const value = field.value;
  const problem = addProblem(list, value);
  if (problem) {
    setAddMessage(list, problem);
    field.focus();
    return;
  }
  draft.lists[list].push(list === 'bcc' ? { email: value, enabled: true } : { email: value });
  // Put back where it was when it is a saved address added again.
  const order = new Map(toDraft(saved).lists[list].map((e, i) => [addressKey(e.email), i]));
  if (order.has(addressKey(value))) {
    const entry = /** @type {Entry} */ (draft.lists[list].pop());
    const savedEntry = toDraft(saved).lists[list][/** @type {number} */ (order.get(addressKey(value)))];
    if (list === 'bcc' && savedEntry) entry.enabled = savedEntry.enabled;
    insertInOrder(list, entry, order);
  }
  forgetServerErrors(list);
  field.value = '';
  setAddMessage(list, '');
  render();
  field.focus();
  announce(t('announceAdded', { email: value }));
}

/**
 * @param {ListName} list
 * @param {Entry} entry
 * @param {Map<string, number>} order saved positions by address key
 */
function insertInOrder(list, entry, order) {
  const at = /** @type {number} */ (order.get(addressKey(entry.email)));
  const entries = draft.lists[list];
  let i = 0;
  while (i < entries.length && (order.get(addressKey(/** @type {Entry} */ (entries[i]).email)) ?? Infinity) < at) i += 1;
  entries.splice(i, 0, entry);
}

/** @param {ListName} list @param {number} index */
function removeAddress(list, index) {
  const [entry] = draft.lists[list].splice(index, 1);
  if (!entry) return;
  forgetServerErrors(list);
  render();
  const next = document.getElementById(`rm-${list}-${index}`) || document.getElementById(`rm-${list}-${index - 1}`) || input(`add-${list}`);
  next.focus();
  announce(t('announceRemoved', { email: entry.email }));
}

/** @param {ListName} list @param {string} email */
function restoreAddress(list, email) {
  const base = toDraft(saved).lists[list];
  const savedEntry = base.find((e) => addressKey(e.email) === addressKey(email));
  if (!savedEntry || draft.lists[list].some((e) => addressKey(e.email) === addressKey(email))) return;
  insertInOrder(list, { ...savedEntry }, new Map(base.map((e, i) => [addressKey(e.email), i])));
  forgetServerErrors(list);
  render();
  const index = draft.lists[list].findIndex((e) => addressKey(e.email) === addressKey(email));
  document.getElementById(`rm-${list}-${index}`)?.focus();
  announce(t('announceRestored', { email }));
}

// ---- saving -----------------------------------------------------------------------------------

/**
 * @param {'error' | 'success' | 'info'} kind
 * @param {string} title
 * @param {Array<Node | string>} [extra]
 */
function showSaveMessage(kind, title, extra = []) {
  const box = byId('save-message');
  box.className = `message ${kind}`;
  box.replaceChildren(el('p', { class: 'message-title', text: title }), ...extra);
  box.hidden = false;
}

function clearSaveMessage() {
  byId('save-message').hidden = true;
  byId('save-status').textContent = '';
}

/**
 * A field path of the API (`bookingRecipients[3]`, `bcc[0].email`, `cancellation.noticeHours`)
 * as a place on this page.
 * @param {string} field
 * @returns {{ key: string, label: string, focus: string } | null}
 */
function placeOf(field) {
  const m = /^(bookingRecipients|bcc|cancellation\.recipients|paymentReminder\.recipients|alerts\.recipients)(?:\[(\d+)\])?(?:\.email|\.enabled)?$/.exec(field);
  if (m) {
    const list = /** @type {ListName} */ ((m[1] || '').split('.')[0]);
    if (m[2] === undefined) return { key: `${list}:list`, label: TITLES[list] || list, focus: `add-${list}` };
    const index = Number(m[2]);
    const email = draft.lists[list][index]?.email ?? '';
    return { key: `${list}:${index}`, label: `${TITLES[list]} — ${email}`, focus: `rm-${list}-${index}` };
  }
  const h = /^(cancellation\.noticeHours|paymentReminder\.hoursBefore)$/.exec(field);
  if (h) {
    const list = /** @type {'cancellation' | 'paymentReminder'} */ ((h[1] || '').split('.')[0]);
    return { key: `${list}:hours`, label: `${TITLES[list]} — ${S[list === 'cancellation' ? 'noticeHoursLabel' : 'hoursBeforeLabel']}`, focus: `hours-${list}` };
  }
  if (field === 'patientEmails') return { key: 'patientEmails:value', label: TITLES.patientEmails || field, focus: 'patientEmails' };
  if (field === 'retentionDays') return { key: 'retentionDays:value', label: `${TITLES.retentionDays} — ${S.retentionDaysLabel}`, focus: 'retention-days' };
  return null;
}

/**
 * A list of problems, each a link that moves to its field.
 * @param {Array<{ label: string, message: string, focus: string | null }>} problems
 */
function problemList(problems) {
  return el(
    'ul',
    { class: 'problems' },
    ...problems.map((p) => {
      if (!p.focus) return el('li', {}, `${p.label}: ${p.message}`);
      const link = el('a', { href: `#${p.focus}` }, `${p.label}: ${p.message}`);
      const target = p.focus;
      link.addEventListener('click', (e) => {
        e.preventDefault();
        document.getElementById(target)?.focus();
      });
      return el('li', {}, link);
    }),
  );
}

/** Problems the page can see before asking the server. */
function localProblems() {
  /** @type {Array<{ label: string, message: string, focus: string | null }>} */
  const problems = [];
  for (const list of LISTS) {
    if (typedNotAdded(list)) problems.push({ label: TITLES[list] || list, message: t('pendingAddress', { title: TITLES[list] || list }), focus: `add-${list}` });
  }
  for (const list of /** @type {const} */ (['cancellation', 'paymentReminder'])) {
    showHoursError(list);
    const problem = hoursProblem(list);
    const place = placeOf(list === 'cancellation' ? 'cancellation.noticeHours' : 'paymentReminder.hoursBefore');
    if (problem && place) problems.push({ label: place.label, message: problem, focus: place.focus });
  }
  showRetentionError();
  const retention = retentionProblem();
  const place = placeOf('retentionDays');
  if (retention && place) problems.push({ label: place.label, message: retention, focus: place.focus });
  return problems;
}

async function save() {
  if (busy || !saved) return;
  clearSaveMessage();
  const problems = localProblems();
  if (problems.length) {
    showSaveMessage('error', S.fixErrors, [problemList(problems)]);
    const first = problems[0];
    if (first && first.focus) document.getElementById(first.focus)?.focus();
    return;
  }
  if (!isDirty()) {
    byId('save-status').textContent = S.nothingToSave;
    return;
  }
  busy = true;
  const button = /** @type {HTMLButtonElement} */ (byId('save'));
  button.textContent = S.saving;
  render();
  const res = await api('PUT', '/notification-settings', { body: toBody(draft), headers: { 'If-Match': etag } });
  busy = false;
  button.textContent = S.saveButton;

  if (res.ok) {
    applyVersion(res.body, res.headers.get('etag'));
    showSaveMessage('success', t('saved', { version: res.body.version }));
    if (res.body.propagation) void followPropagation();
    return;
  }
  render();
  if (res.status === 412) {
    await showConflict();
    return;
  }
  if (res.status === 400 && res.body && res.body.error && Array.isArray(res.body.error.details)) {
    serverErrors = new Map();
    /** @type {Array<{ label: string, message: string, focus: string | null }>} */
    const shown = [];
    for (const d of res.body.error.details) {
      const place = placeOf(String(d.field));
      const message = tv(String(d.message));
      if (place) serverErrors.set(place.key, message);
      shown.push({ label: place ? place.label : String(d.field || '—'), message, focus: place ? place.focus : null });
    }
    render();
    showHoursError('cancellation');
    showHoursError('paymentReminder');
    showRetentionError();
    showSaveMessage('error', S.serverRefused, [problemList(shown)]);
    byId('save-message').focus();
    return;
  }
  if (res.status === 401) return; // the sign-in form is open over the page, the draft kept
  showSaveMessage('error', describeError(res));
  byId('save-message').focus();
}

/** Another administrator saved first: say who and when, keep the draft, offer the newer version. */
async function showConflict() {
  const res = await api('GET', '/notification-settings');
  const body = byId('conflict-body');
  const changed = byId('conflict-changed');
  changed.hidden = true;
  if (res.ok) {
    newer = { settings: res.body, etag: res.headers.get('etag') || `"${res.body.version}"` };
    body.textContent = t('conflictBody', { version: res.body.version, by: res.body.updatedBy, at: formatTime(res.body.updatedAt) });
    const theirs = toDraft(res.body);
    const base = toDraft(saved);
    const sections = SECTIONS.filter((sec) => sectionDiffers(sec, theirs, base)).map((sec) => TITLES[sec]);
    if (sections.length) {
      changed.textContent = t('conflictChanged', { sections: sections.join(', ') });
      changed.hidden = false;
    }
  } else {
    newer = null;
    body.textContent = S.conflictBodyUnknown;
  }
  const box = byId('conflict');
  box.hidden = false;
  box.scrollIntoView({ block: 'center' });
  box.focus();
}

async function loadNewer() {
  if (isDirty() && !window.confirm(S.conflictLoadConfirm)) return;
  let next = newer;
  if (!next) {
    const res = await api('GET', '/notification-settings');
    if (!res.ok) {
      showSaveMessage('error', describeError(res));
      return;
    }
    next = { settings: res.body, etag: res.headers.get('etag') || `"${res.body.version}"` };
  }
  applyVersion(next.settings, next.etag);
  clearSaveMessage();
  byId('save-status').textContent = t('loadedVersion', { version: next.settings.version });
  byId('h-bookingRecipients').scrollIntoView({ block: 'start' });
  /** @type {HTMLElement} */ (document.querySelector('main')).focus();
}

function discard() {
  if (!window.confirm(S.discardConfirm)) return;
  for (const list of LISTS) input(`add-${list}`).value = '';
  applyVersion(saved, etag);
  clearSaveMessage();
}

// ---- test e-mails -----------------------------------------------------------------------------

/** @param {ListName} list */
async function sendTest(list) {
  const button = /** @type {HTMLButtonElement} */ (byId(`test-${list}`));
  const result = byId(`test-${list}-result`);
  button.disabled = true;
  result.className = 'test-result';
  result.textContent = S.testSending;
  const res = await api('POST', '/notification-settings/test', { body: { list } });
  render();
  if (!res.ok) {
    result.className = 'test-result error';
    result.textContent = describeError(res);
    return;
  }
  const n = res.body;
  if (n.status === 'sent') {
    result.className = 'test-result ok';
    result.textContent = t('testSent', { count: addressCount(n.recipients.length + n.bcc.length) });
  } else if (n.status === 'skipped') {
    result.className = 'test-result';
    result.textContent = S.testSkipped;
  } else {
    result.className = 'test-result error';
    result.textContent = t('testFailed', { error: n.lastError || n.reason || n.status });
  }
}

// ---- wiring -----------------------------------------------------------------------------------

function wire() {
  for (const list of LISTS) {
    const form = /** @type {HTMLFormElement} */ (byId(`add-form-${list}`));
    const field = input(`add-${list}`);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      addAddress(list);
    });
    field.addEventListener('input', () => {
      const value = field.value;
      if (value === '') setAddMessage(list, '');
      else {
        const problem = addProblem(list, value);
        setAddMessage(list, problem || S.validAddress, !problem);
      }
      render();
    });
    byId(`test-${list}`).addEventListener('click', () => void sendTest(list));
  }
  for (const list of /** @type {const} */ (['cancellation', 'paymentReminder'])) {
    const field = input(`hours-${list}`);
    field.addEventListener('input', () => {
      draft.hours[list] = field.value;
      serverErrors.delete(`${list}:hours`);
      showHoursError(list);
      render();
    });
  }
  const retention = input('retention-days');
  retention.addEventListener('input', () => {
    draft.retentionDays = retention.value;
    serverErrors.delete('retentionDays:value');
    showRetentionError();
    render();
  });
  input('patientEmails').addEventListener('change', () => {
    draft.patientEmails = input('patientEmails').checked;
    render();
  });
  byId('save').addEventListener('click', () => void save());
  byId('discard').addEventListener('click', discard);
  byId('conflict-load').addEventListener('click', () => void loadNewer());
}

wire();
/** 10000 → "10 000": digits grouped by three with a space, as the page says it in both languages. */
const grouped = (/** @type {number} */ n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

let following = false;
/**
 * Shows the re-timing of running bookings after a change of hours (GET …/propagation), every
 * 2 s until it has finished; the newest save's propagation replaces an older one by itself.
 */
async function followPropagation() {
  if (following) return;
  following = true;
  const line = byId('propagation-status');
  try {
    for (;;) {
      const res = await api('GET', '/notification-settings/propagation');
      if (!res.ok) {
        line.hidden = true;
        return;
      }
      const p = res.body;
      if (p.finishedAt === null) {
        line.textContent = t('propagationProgress', { done: grouped(p.done), found: grouped(p.found) });
        line.hidden = false;
      } else {
        // A finished one is news only right after a save on this page.
        line.textContent = t('propagationDone', { found: grouped(p.found) });
        return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    following = false;
  }
}

void startPage({
  unsaved: isDirty,
  signedIn(res, { resumed }) {
    // Signed in again after a revoked token, same institution: the draft stays as typed.
    if (resumed && saved) return;
    applyVersion(res.body, res.headers.get('etag'));
    void followPropagation();
  },
});
