// @ts-check
/**
 * The settings history in words: one line per change the API reports for a version
 * (GET notification-settings/history: `field`, `before`, `after`, and for lists `added`,
 * `removed`, `switchedOn`, `switchedOff`). The diff itself is the API's (settingsDiff in
 * src/domain/settings-schema.ts); this only says it in the page's language. A field the page
 * does not know yet is named by its path. Pure: src/admin/changes.test.ts.
 */

/**
 * @param {Record<string, string>} S the page's strings
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
function fill(S, key, vars = {}) {
  return (S[key] ?? key).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/**
 * @param {Record<string, string>} S
 * @param {unknown} value
 */
function valueText(S, value) {
  if (value === true) return S.switchOn;
  if (value === false) return S.switchOff;
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' && v ? String(v.email) : String(v))).join(', ') : S.none;
  return value === null || value === undefined ? S.none : String(value);
}

/**
 * @typedef {{ field: string, before?: unknown, after?: unknown, added?: string[], removed?: string[], switchedOn?: string[], switchedOff?: string[] }} SettingsChange
 */

/**
 * One change as `{ field, text }`: the field's name and what happened to it.
 * @param {SettingsChange} change
 * @param {Record<string, string>} S
 * @returns {{ field: string, text: string }}
 */
export function describeChange(change, S) {
  const field = S[`field_${change.field}`] || change.field;
  /** @type {string[]} */
  const parts = [];
  /** @type {Array<[keyof SettingsChange, string]>} */
  const listParts = [
    ['added', 'changeAdded'],
    ['removed', 'changeRemoved'],
    ['switchedOn', 'changeSwitchedOn'],
    ['switchedOff', 'changeSwitchedOff'],
  ];
  for (const [key, label] of listParts) {
    const list = change[key];
    if (Array.isArray(list) && list.length) parts.push(fill(S, label, { list: list.join(', ') }));
  }
  // A list whose only change is the order (or letter case) reads as before → after, like a number.
  const text = parts.length ? parts.join('; ') : fill(S, 'changeValue', { before: valueText(S, change.before), after: valueText(S, change.after) });
  return { field, text };
}
