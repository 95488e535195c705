// @ts-check
/**
 * The settings history view: every saved version, newest first, with who saved it, when (in
 * the institution's time zone) and what changed from the version before, as the API's
 * GET notification-settings/history reports it.
 */
import { api, byId, el, formatTime, S, showLoadFailure, startPage, t, timeZone } from './common.js';
import { describeChange } from './changes.js';

/** One saved version. @param {any} v an item of the history */
function versionItem(v) {
  const titleId = `version-${v.version}`;
  const changes = v.changes.length
    ? el(
        'ul',
        { class: 'changes' },
        ...v.changes.map((/** @type {any} */ c) => {
          const { field, text } = describeChange(c, S);
          return el('li', {}, el('span', { class: 'change-field', text: `${field}: ` }), el('span', { class: 'change-text', text }));
        }),
      )
    : el('p', { class: 'hint', text: S.historyNoChange });
  return el(
    'li',
    { class: 'card version', 'aria-labelledby': titleId, 'data-version': String(v.version) },
    el('h2', { id: titleId, text: t('historyVersion', { version: v.version }) }),
    el('p', { class: 'who', text: t('historyWho', { by: v.updatedBy, at: formatTime(v.updatedAt) }) }),
    changes,
  );
}

async function loadHistory() {
  const status = byId('history-status');
  const error = byId('history-error');
  status.textContent = S.historyLoading;
  error.hidden = true;
  const res = await api('GET', '/notification-settings/history');
  if (!res.ok) return showLoadFailure(status, error, res);
  const items = res.body.items;
  byId('history-list').replaceChildren(...items.map(versionItem));
  status.textContent = items.length ? t('historyShown', { n: items.length }) : S.historyEmpty;
}

void startPage({
  signedIn() {
    byId('history-zone').textContent = t('timesIn', { zone: timeZone() });
    void loadHistory();
  },
});
