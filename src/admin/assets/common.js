// @ts-check
/**
 * What both views of the admin page share: the strings, the sign-in (token kept in this tab's
 * sessionStorage only), the API client, dates, and small DOM helpers. Every value from the
 * API reaches the page through textContent, never as markup.
 */

import { formatInZone } from './time.js';

const data = JSON.parse(/** @type {HTMLElement} */ (document.getElementById('admin-strings')).textContent || '{}');
/** @type {Record<string, string>} */
export const S = data.strings;
/** @type {Record<string, string>} */
const VALIDATION = data.validation;
/** @type {Array<[RegExp, string]>} */
const PATTERNS = data.patterns.map((/** @type {[string, string]} */ [p, r]) => [new RegExp(p), r]);
export const LANG = S.lang;

/**
 * A string with its `{name}` holes filled.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  const template = S[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/**
 * One of the API's (English) validation messages in the page's language.
 * @param {string} message
 */
export function tv(message) {
  if (message in VALIDATION) return VALIDATION[message];
  for (const [pattern, replacement] of PATTERNS) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

/**
 * "1 adresă", "3 adrese", "20 de adrese" (Romanian), "1 address", "3 addresses".
 * @param {number} n
 */
export function addressCount(n) {
  const rest = n % 100;
  const key = n === 1 ? 'addrOne' : n === 0 || (rest >= 1 && rest <= 19) ? 'addrFew' : 'addrMany';
  return t(key, { n });
}

/** The institution's time zone (GET notification-settings names it); the browser's until then. */
let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
export const timeZone = () => zone;

/** An instant in the institution's time zone, the zone named: "1 dec. 2026, 14:30 (Europe/Bucharest)". @param {string | null | undefined} iso */
export function formatTime(iso) {
  return formatInZone(iso, zone, LANG) ?? S.none;
}

/**
 * An element with attributes and children (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, string | boolean | number | undefined | null>} [attrs]
 * @param {Array<Node | string | null | undefined | false>} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** @param {string} id */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node;
}

/** @param {string} id */
export const input = (id) => /** @type {HTMLInputElement} */ (byId(id));

/**
 * Says `text` to screen readers (the page shows it elsewhere).
 * @param {string} text
 */
export function announce(text) {
  const region = byId('announce');
  region.textContent = '';
  // A fresh text node in a later task, so the same sentence twice is read twice.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// ---- session --------------------------------------------------------------------------------

const INST_KEY = 'ebn.admin.institution';
const TOKEN_KEY = 'ebn.admin.token';
const TOKEN_FORMAT = /^ebn_[A-Za-z0-9_-]{43}$/;

/**
 * The signed-in administrator, kept in sessionStorage: this tab only, gone when it closes.
 * @returns {{ inst: string, token: string } | null}
 */
function readSession() {
  try {
    const inst = sessionStorage.getItem(INST_KEY);
    const token = sessionStorage.getItem(TOKEN_KEY);
    return inst && token ? { inst, token } : null;
  } catch {
    return null;
  }
}

/** @type {{ inst: string, token: string } | null} */
let current = readSession();

export function institution() {
  return current ? current.inst : '';
}

// ---- API ------------------------------------------------------------------------------------

/**
 * @typedef {{ ok: boolean, status: number, body: any, headers: Headers }} ApiResult
 */

/**
 * @param {{ inst: string, token: string }} who
 * @param {string} method
 * @param {string} path below /api/v1/institutions/{inst}
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<ApiResult>}
 */
function call(who, method, path, options = {}) {
  return request(who.token, method, `/api/v1/institutions/${encodeURIComponent(who.inst)}${path}`, options);
}

/**
 * @param {string} token
 * @param {string} method
 * @param {string} url
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<ApiResult>}
 */
async function request(token, method, url, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}`, ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch {
    return { ok: false, status: 0, body: null, headers: new Headers() };
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return { ok: res.ok, status: res.status, body, headers: res.headers };
}

/**
 * A call as the signed-in administrator. A 401 (token revoked meanwhile) opens the sign-in
 * form over the page, which keeps everything typed so far.
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 */
export async function api(method, path, options) {
  if (!current) {
    showSignIn(S.sessionExpired);
    return { ok: false, status: 401, body: null, headers: new Headers() };
  }
  const result = await call(current, method, path, options);
  if (result.status === 401) showSignIn(S.sessionExpired);
  return result;
}

/**
 * A failed call in words.
 * @param {ApiResult} res
 */
export function describeError(res) {
  if (res.status === 0) return S.errNetwork;
  if (res.status === 401) return S.sessionExpired;
  if (res.status === 429) return S.errRateLimited;
  const error = res.body && res.body.error;
  const apiMessage = error && typeof error.message === 'string' ? error.message : '';
  if (res.status === 404) return t('errNotFound', { message: apiMessage || String(res.status) });
  const known = error && S[`errCode_${error.code}`];
  return t('errServer', { status: res.status, message: known || apiMessage || S.errNetwork });
}

/**
 * A list that failed to load: its status line cleared, the failure in its error line.
 * @param {HTMLElement} status
 * @param {HTMLElement} error
 * @param {ApiResult} res
 */
export function showLoadFailure(status, error, res) {
  status.textContent = '';
  error.textContent = describeError(res);
  error.hidden = false;
}

// ---- sign-in --------------------------------------------------------------------------------

/** @type {(res: ApiResult, info: { resumed: boolean }) => void} */
let onSignedIn = () => {};
/** @type {() => boolean} */
let hasUnsavedChanges = () => false;
let leaving = false;
let entered = false;

/**
 * Shows the sign-in form (over the page when signed in before: nothing typed is lost).
 * @param {string} [notice]
 */
export function showSignIn(notice) {
  byId('loading').hidden = true;
  const section = byId('signin');
  const noticeEl = byId('signin-notice');
  noticeEl.hidden = !notice;
  noticeEl.textContent = notice || '';
  input('signin-token').value = '';
  if (section.hidden) {
    section.hidden = false;
    input('signin-token').focus();
  }
}

/**
 * @param {string} fieldId
 * @param {string} message
 */
function fieldError(fieldId, message) {
  const field = input(fieldId);
  const err = byId(`${fieldId}-err`);
  err.textContent = message;
  err.hidden = !message;
  field.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/** @param {SubmitEvent} event */
async function submitSignIn(event) {
  event.preventDefault();
  const token = input('signin-token').value.trim();
  const error = byId('signin-error');
  error.hidden = true;
  const tokenProblem = TOKEN_FORMAT.test(token) ? '' : S.signinErrToken;
  fieldError('signin-token', tokenProblem);
  if (tokenProblem) {
    input('signin-token').focus();
    return;
  }
  const button = /** @type {HTMLButtonElement} */ (byId('signin-submit'));
  button.disabled = true;
  button.textContent = S.signinChecking;
  /** @param {string} message */
  const refuse = (message) => {
    button.disabled = false;
    button.textContent = S.signinButton;
    error.textContent = message;
    error.hidden = false;
    input('signin-token').focus();
  };
  const messages = /** @type {Record<number, string>} */ ({ 401: S.signinErr401, 403: S.signinErr403 });
  // The token alone names its institution and scope; only an admin's goes further.
  const whoami = await request(token, 'GET', '/api/v1/token');
  if (!whoami.ok) return refuse(messages[whoami.status] || describeError(whoami));
  const who = whoami.body || {};
  const inst = typeof who.institutionId === 'string' ? who.institutionId : '';
  if (who.scope !== 'admin' || !inst) return refuse(S.signinErr403);
  const res = await call({ inst, token }, 'GET', '/notification-settings');
  button.disabled = false;
  button.textContent = S.signinButton;
  if (!res.ok) return refuse(messages[res.status] || describeError(res));
  const resumed = entered && current !== null && current.inst === inst;
  current = { inst, token };
  try {
    sessionStorage.setItem(INST_KEY, inst);
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode quotas): the session lasts until this page is left.
  }
  input('signin-token').value = '';
  enter(res, resumed);
}

/**
 * @param {ApiResult} res
 * @param {boolean} resumed
 */
function enter(res, resumed) {
  if (res.body && typeof res.body.timeZone === 'string') zone = res.body.timeZone;
  byId('loading').hidden = true;
  byId('signin').hidden = true;
  byId('app').hidden = false;
  const who = byId('whoami');
  who.textContent = t('signedInAs', { inst: current ? current.inst : '' });
  who.hidden = false;
  byId('signout').hidden = false;
  entered = true;
  onSignedIn(res, { resumed });
}

function signOut() {
  if (hasUnsavedChanges() && !window.confirm(S.signOutConfirm)) return;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(INST_KEY);
  } catch {
    // nothing kept
  }
  current = null;
  leaving = true;
  // A fresh page: nothing of the session stays in memory either.
  window.location.replace(window.location.pathname);
}

/**
 * Starts a view: signs in (from this tab's session, or with the form), then calls `signedIn`
 * with the answer of GET notification-settings, which proves the token is an admin's.
 * @param {{ signedIn: (res: ApiResult, info: { resumed: boolean }) => void, unsaved?: () => boolean }} options
 */
export async function startPage(options) {
  onSignedIn = options.signedIn;
  if (options.unsaved) hasUnsavedChanges = options.unsaved;
  /** @type {HTMLFormElement} */ (byId('signin-form')).addEventListener('submit', (e) => void submitSignIn(/** @type {SubmitEvent} */ (e)));
  byId('signout').addEventListener('click', signOut);
  window.addEventListener('beforeunload', (event) => {
    if (leaving || !hasUnsavedChanges()) return;
    event.preventDefault();
    // Older browsers want a value here; none shows it.
    event.returnValue = '';
  });
  if (!current) {
    showSignIn();
    return;
  }
  const res = await call(current, 'GET', '/notification-settings');
  if (res.ok) {
    enter(res, false);
    return;
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing kept
    }
    current = null;
    showSignIn(res.status === 401 ? S.sessionExpired : describeError(res));
    return;
  }
  byId('loading').textContent = describeError(res);
}
