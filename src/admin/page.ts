/**
 * The admin page's HTML, rendered on the server in the chosen language: the fixed parts
 * (headings, labels, hints, the warning, the buttons) are here; the script
 * (assets/settings.js, assets/log.js) fills in what comes from the API. No inline script or
 * style: the Content-Security-Policy allows only this origin's files (see routes.ts).
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { DELIVERY_STATUSES, NOTIFICATION_KINDS, type Locale } from '../domain/types.js';
import { clientStrings, STRINGS, type StringKey, type Strings } from './i18n.js';

export const ADMIN_PREFIX = '/admin';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type AdminView = 'settings' | 'log' | 'history';

const VIEW_PATH: Record<AdminView, string> = { settings: ADMIN_PREFIX, log: `${ADMIN_PREFIX}/log`, history: `${ADMIN_PREFIX}/history` };
const VIEW_TITLE: Record<AdminView, StringKey> = { settings: 'settingsTitle', log: 'logTitle', history: 'historyTitle' };
/** The views in the order of the navigation. */
export const ADMIN_VIEWS: readonly AdminView[] = ['settings', 'log', 'history'];

/** JSON inside a data block: `<` escaped so no value can close the element. */
function jsonBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function signIn(s: Strings): Html {
  return html`<section id="signin" class="card signin" aria-labelledby="signin-title" hidden>
    <h2 id="signin-title">${s.signinTitle}</h2>
    <p>${s.signinIntro}</p>
    <p id="signin-notice" class="notice" role="alert" hidden></p>
    <form id="signin-form" method="post" action="${ADMIN_PREFIX}" novalidate>
      <div class="field">
        <label for="signin-token">${s.tokenLabel}</label>
        <input id="signin-token" name="token" type="password" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="signin-token-hint signin-token-err" />
        <p id="signin-token-hint" class="hint">${s.tokenHint}</p>
        <p id="signin-token-err" class="field-error" hidden></p>
      </div>
      <p id="signin-error" class="message error" role="alert" hidden></p>
      <button type="submit" class="primary" id="signin-submit">${s.signinButton}</button>
    </form>
  </section>`;
}

function shell(locale: Locale, view: AdminView, body: Html): Html {
  const s = STRINGS[locale];
  const other: Locale = locale === 'ro' ? 'en' : 'ro';
  const nav = ADMIN_VIEWS.map(
    (v) => html`<li><a href="${VIEW_PATH[v]}"${v === view ? raw(' aria-current="page"') : ''}>${s[VIEW_TITLE[v]]}</a></li>`,
  );
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="referrer" content="no-referrer" />
<title>${s[VIEW_TITLE[view]]} · ${s.appName}</title>
<link rel="icon" href="${ADMIN_PREFIX}/assets/icon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="${ADMIN_PREFIX}/assets/admin.css" />
<script type="application/json" id="admin-strings">${raw(jsonBlock(clientStrings(locale)))}</script>
<script type="module" src="${ADMIN_PREFIX}/assets/${view}.js"></script>
</head>
<body data-view="${view}">
<a class="skip" href="#main">${s.skipToContent}</a>
<header class="masthead">
  <div class="masthead-inner">
    <nav class="views" aria-label="${s.viewsLabel}"><ul>${nav}</ul></nav>
    <div class="session">
      <a class="lang" id="lang-switch" href="${VIEW_PATH[view]}?lang=${other}" lang="${other}" hreflang="${other}" aria-label="${s.otherLanguageLabel}">${s.otherLanguage}</a>
      <span id="whoami" class="whoami" hidden></span>
      <button type="button" id="signout" class="link-button" hidden>${s.signOut}</button>
    </div>
  </div>
</header>
<main id="main" tabindex="-1">
  <h1>${s.appName} › ${s[VIEW_TITLE[view]]}</h1>
  <noscript><p class="message error">${s.noscript}</p></noscript>
  <p id="loading" class="loading" role="status">${s.loading}</p>
  ${signIn(s)}
  <div id="app" hidden>${body}</div>
</main>
<div id="announce" class="sr-only" aria-live="polite"></div>
</body>
</html>`;
}

interface ListSection {
  list: 'bookingRecipients' | 'bcc' | 'cancellation' | 'paymentReminder' | 'alerts';
  title: StringKey;
  desc: StringKey;
  warning?: StringKey;
  hours?: { label: StringKey; hint: StringKey };
}

/** The settings in the order of the seed (and of the API's body). */
export const LIST_SECTIONS: readonly ListSection[] = [
  { list: 'bookingRecipients', title: 'bookingRecipientsTitle', desc: 'bookingRecipientsDesc', warning: 'bookingRecipientsWarning' },
  { list: 'bcc', title: 'bccTitle', desc: 'bccDesc' },
  { list: 'cancellation', title: 'cancellationTitle', desc: 'cancellationDesc', hours: { label: 'noticeHoursLabel', hint: 'noticeHoursHint' } },
  { list: 'paymentReminder', title: 'paymentReminderTitle', desc: 'paymentReminderDesc', hours: { label: 'hoursBeforeLabel', hint: 'hoursBeforeHint' } },
];

/** Section 6, after the patient e-mails switch: who hears of e-mails that did not arrive. */
const ALERTS_SECTION: ListSection = { list: 'alerts', title: 'alertsTitle', desc: 'alertsDesc' };

function listSection(s: Strings, sec: ListSection, n: number): Html {
  const id = sec.list;
  const hours = sec.hours
    ? html`<div class="field hours">
        <label for="hours-${id}">${s[sec.hours.label]}</label>
        <div class="hours-row">
          <input id="hours-${id}" type="number" inputmode="numeric" min="1" max="720" step="1" required aria-describedby="hours-${id}-hint hours-${id}-err" />
          <span aria-hidden="true">${s.hoursUnit}</span>
        </div>
        <p id="hours-${id}-hint" class="hint">${s[sec.hours.hint]}</p>
        <p id="hours-${id}-err" class="field-error" hidden></p>
      </div>`
    : '';
  return html`<section class="card setting" id="sec-${id}" data-list="${id}" aria-labelledby="h-${id}">
    <div class="card-head">
      <h2 id="h-${id}"><span class="num">${n}.</span> ${s[sec.title]}</h2>
      <span class="badge dirty" id="dirty-${id}" hidden>${s.unsavedBadge}</span>
    </div>
    <p class="desc">${s[sec.desc]}</p>
    ${sec.warning ? html`<p class="warning" id="warn-${id}"><span class="warning-icon" aria-hidden="true">!</span> ${s[sec.warning]}</p>` : ''}
    <div class="list-head"><span class="count" id="count-${id}"></span></div>
    <ul class="addresses" id="list-${id}" aria-label="${s.addressesLabel.replace('{title}', s[sec.title])}"></ul>
    <p class="empty" id="empty-${id}" hidden>${s.emptyList}</p>
    <form class="add" id="add-form-${id}" data-list="${id}" novalidate>
      <label for="add-${id}">${s.addLabel}</label>
      <div class="add-row">
        <input id="add-${id}" type="text" inputmode="email" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="add-${id}-msg add-${id}-hint" />
        <button type="submit" id="add-${id}-button">${s.addButton}</button>
      </div>
      <p id="add-${id}-hint" class="hint">${s.addHint}</p>
      <p id="add-${id}-msg" class="field-msg" aria-live="polite"></p>
    </form>
    ${hours}
    <div class="test-row">
      <button type="button" class="secondary" id="test-${id}" data-test-list="${id}" aria-describedby="test-${id}-hint">${s.testButton}</button>
      <p class="hint" id="test-${id}-hint">${id === 'bcc' ? s.testHintBcc : s.testHint}</p>
      <p class="test-result" id="test-${id}-result" role="status"></p>
    </div>
  </section>`;
}

export function settingsPage(locale: Locale): Html {
  const s = STRINGS[locale];
  const body = html`<p class="intro">${s.settingsIntro}</p>
  <p class="version" id="version-info"></p>
  <div id="conflict" class="message conflict" role="alert" tabindex="-1" hidden>
    <p class="message-title">${s.conflictTitle}</p>
    <p id="conflict-body"></p>
    <p id="conflict-changed" hidden></p>
    <p>${s.conflictHint}</p>
    <button type="button" id="conflict-load" class="secondary">${s.conflictLoad}</button>
  </div>
  <div id="sections" class="sections">
    ${LIST_SECTIONS.map((sec, i) => listSection(s, sec, i + 1))}
    <section class="card setting" id="sec-patientEmails" aria-labelledby="h-patientEmails">
      <div class="card-head">
        <h2 id="h-patientEmails"><span class="num">5.</span> ${s.patientEmailsTitle}</h2>
        <span class="badge dirty" id="dirty-patientEmails" hidden>${s.unsavedBadge}</span>
      </div>
      <p class="desc">${s.patientEmailsDesc}</p>
      <div class="switch-field">
        <input type="checkbox" role="switch" id="patientEmails" aria-describedby="patientEmails-state patientEmails-hint" />
        <label for="patientEmails">${s.patientEmailsLabel}</label>
        <span id="patientEmails-state" class="state"></span>
      </div>
      <p class="hint" id="patientEmails-hint" hidden>${s.patientEmailsOffHint}</p>
    </section>
    ${listSection(s, ALERTS_SECTION, 6)}
    <section class="card setting" id="sec-retentionDays" aria-labelledby="h-retentionDays">
      <div class="card-head">
        <h2 id="h-retentionDays"><span class="num">7.</span> ${s.retentionTitle}</h2>
        <span class="badge dirty" id="dirty-retentionDays" hidden>${s.unsavedBadge}</span>
      </div>
      <p class="desc">${s.retentionDesc}</p>
      <div class="field hours">
        <label for="retention-days">${s.retentionDaysLabel}</label>
        <div class="hours-row">
          <input id="retention-days" type="number" inputmode="numeric" min="7" max="3650" step="1" required aria-describedby="retention-days-hint retention-days-err" />
          <span aria-hidden="true">${s.daysUnit}</span>
        </div>
        <p id="retention-days-hint" class="hint">${s.retentionDaysHint}</p>
        <p id="retention-days-err" class="field-error" hidden></p>
      </div>
    </section>
  </div>
  <div class="savebar" id="savebar" role="region" aria-label="${s.saveButton}">
    <div class="savebar-inner">
      <p id="save-state" class="save-state"></p>
      <div id="save-message" class="message" role="alert" tabindex="-1" hidden></div>
      <p id="save-status" class="save-status" role="status"></p>
      <p id="propagation-status" class="save-status" role="status" hidden></p>
      <div class="savebar-buttons">
        <button type="button" id="discard" class="secondary" hidden>${s.discardButton}</button>
        <button type="button" id="save" class="primary">${s.saveButton}</button>
      </div>
    </div>
  </div>`;
  return shell(locale, 'settings', body);
}

/** The windows the "Urmează" view offers (the API's `within`). */
export const UPCOMING_WINDOWS = ['1h', '24h', '7d', '30d'] as const;

/** "Urmează": what goes out next (assets/upcoming.js fills the table). */
function upcomingSection(s: Strings): Html {
  const windows = UPCOMING_WINDOWS.map(
    (w) => html`<option value="${w}"${w === '24h' ? raw(' selected') : ''}>${s[`upcoming_${w}` as StringKey]}</option>`,
  );
  return html`<section class="card upcoming" id="upcoming" aria-labelledby="h-upcoming">
    <h2 id="h-upcoming">${s.upcomingTitle}</h2>
    <p class="desc">${s.upcomingIntro}</p>
    <div class="field upcoming-window">
      <label for="upcoming-within">${s.upcomingWithin}</label>
      <select id="upcoming-within">${windows}</select>
      <button type="button" id="upcoming-refresh" class="secondary">${s.refresh}</button>
    </div>
    <p id="upcoming-status" class="log-status" role="status"></p>
    <div id="upcoming-error" class="message error" role="alert" hidden></div>
    <table id="upcoming-table" class="upcoming-table" hidden>
      <thead><tr><th scope="col">${s.upcomingColDue}</th><th scope="col">${s.upcomingColKind}</th><th scope="col">${s.upcomingColBooking}</th><th scope="col">${s.upcomingColRecipients}</th></tr></thead>
      <tbody id="upcoming-rows"></tbody>
    </table>
    <button type="button" id="upcoming-more" class="secondary" hidden>${s.loadMore}</button>
  </section>`;
}

export function logPage(locale: Locale): Html {
  const s = STRINGS[locale];
  const kinds = NOTIFICATION_KINDS.map((k) => html`<option value="${k}">${s[`kind_${k}` as StringKey]}</option>`);
  const statuses = DELIVERY_STATUSES.map((st) => html`<option value="${st}">${s[`status_${st}` as StringKey]}</option>`);
  const body = html`<p class="intro">${s.logIntro}</p>
  ${upcomingSection(s)}
  <section class="card filters" aria-labelledby="h-filters">
    <h2 id="h-filters">${s.filtersTitle}</h2>
    <form id="filters" novalidate>
      <div class="filter-grid">
        <div class="field">
          <label for="f-booking">${s.filterBooking}</label>
          <input id="f-booking" name="bookingId" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="f-booking-hint f-booking-err" />
          <p id="f-booking-hint" class="hint">${s.filterBookingHint}</p>
          <p id="f-booking-err" class="field-error" hidden></p>
        </div>
        <div class="field">
          <label for="f-kind">${s.filterKind}</label>
          <select id="f-kind" name="kind"><option value="">${s.filterAll}</option>${kinds}</select>
        </div>
        <div class="field">
          <label for="f-status">${s.filterStatus}</label>
          <select id="f-status" name="status"><option value="">${s.filterAll}</option>${statuses}</select>
        </div>
        <div class="field">
          <label for="f-from">${s.filterFrom}</label>
          <input id="f-from" name="from" type="date" aria-describedby="f-dates-hint f-from-err" />
          <p id="f-from-err" class="field-error" hidden></p>
        </div>
        <div class="field">
          <label for="f-to">${s.filterTo}</label>
          <input id="f-to" name="to" type="date" aria-describedby="f-dates-hint f-to-err" />
          <p id="f-to-err" class="field-error" hidden></p>
        </div>
      </div>
      <p id="f-dates-hint" class="hint">${s.filterDatesHint}</p>
      <div class="buttons">
        <button type="submit" class="primary">${s.filterApply}</button>
        <button type="button" id="f-clear" class="secondary">${s.filterClear}</button>
        <button type="button" id="refresh" class="secondary">${s.refresh}</button>
      </div>
    </form>
  </section>
  <section class="card booking" id="booking-panel" aria-labelledby="h-booking" hidden>
    <h2 id="h-booking"></h2>
    <p id="booking-status" role="status"></p>
    <dl id="booking-facts" class="facts"></dl>
    <h3 id="h-timeline">${s.bookingTimeline}</h3>
    <ol id="timeline" class="timeline" aria-labelledby="h-timeline"></ol>
  </section>
  <section class="log" aria-labelledby="h-log">
    <h2 id="h-log">${s.logTitle}</h2>
    <p id="log-status" class="log-status" role="status"></p>
    <p id="log-zone" class="hint"></p>
    <div id="log-error" class="message error" role="alert" hidden></div>
    <div class="table-wrap">
      <table id="log-table" class="log-table" aria-labelledby="h-log">
        <thead>
          <tr>
            <th scope="col">${s.colTime}</th>
            <th scope="col">${s.colBooking}</th>
            <th scope="col">${s.colKind}</th>
            <th scope="col" class="num">${s.colRecipients}</th>
            <th scope="col">${s.colStatus}</th>
            <th scope="col"><span class="sr-only">${s.colDetails}</span></th>
          </tr>
        </thead>
        <tbody id="log-list"></tbody>
      </table>
    </div>
    <button type="button" id="more" class="secondary" hidden>${s.loadMore}</button>
  </section>`;
  return shell(locale, 'log', body);
}

export function historyPage(locale: Locale): Html {
  const s = STRINGS[locale];
  const body = html`<p class="intro">${s.historyIntro}</p>
  <p id="history-zone" class="hint"></p>
  <p id="history-status" class="log-status" role="status"></p>
  <div id="history-error" class="message error" role="alert" hidden></div>
  <ol id="history-list" class="versions" aria-label="${s.historyTitle}"></ol>`;
  return shell(locale, 'history', body);
}

export const VIEW_PAGES: Record<AdminView, (locale: Locale) => Html> = { settings: settingsPage, log: logPage, history: historyPage };
