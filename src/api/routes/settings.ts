/**
 * Notification settings: read (with ETag), replace (If-Match honoured), history, test e-mail.
 * Admin scope only.
 */
import { createRoute } from '@hono/zod-openapi';
import type { BookingClient } from '../../client/booking-client.js';
import type { DeliveryDeps } from '../../delivery/deps.js';
import { getInstitution } from '../../db/institutions.js';
import { getCurrentSettings, listSettingsHistory, saveSettings, StaleSettingsError } from '../../db/settings.js';
import {
  addressListChanges,
  bccChanges,
  DEFAULT_SETTINGS,
  settingsDiff,
  type SettingsChange,
} from '../../domain/settings-schema.js';
import type { NotificationSettings, NotificationSettingsInput } from '../../domain/types.js';
import type { AuthInfo } from '../env.js';
import { notFound, validationFailed } from '../errors.js';
import { latestPropagation } from '../../db/propagations.js';
import { crashPoint } from '../../testing/crash-point.js';
import { authorize } from '../middleware/auth/index.js';
import { sendTestEmail } from '../delivery.js';
import { notificationView } from '../views.js';
import {
  ERROR_RESPONSES,
  IfMatchHeader,
  IfNoneMatchHeader,
  InstParams,
  NotificationSchema,
  PropagationSchema,
  SettingsHistorySchema,
  SettingsInputSchema,
  SettingsReadSchema,
  SettingsSavedSchema,
  TestEmailRequestSchema,
  errorResponse,
  json,
  jsonBody,
} from '../schemas.js';
import { router, SECURITY } from './common.js';

const TAG = ['Settings'];
const PATH = '/institutions/{inst}/notification-settings';

const etag = (version: number): string => `"${version}"`;

const inputOf = (s: NotificationSettings): NotificationSettingsInput => ({
  bookingRecipients: s.bookingRecipients,
  bcc: s.bcc,
  cancellation: s.cancellation,
  paymentReminder: s.paymentReminder,
  patientEmails: s.patientEmails,
  alerts: s.alerts,
  retentionDays: s.retentionDays,
});

// RFC 9110 entity-tag: optional W/ then a quoted string of visible characters except ".
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e]*"$/;

/** `*` → 'any'; otherwise the versions named by strong tags `"<n>"` (weak tags never match). */
export function parseIfMatch(header: string): 'any' | number[] {
  const value = header.trim();
  if (value === '*') return 'any';
  const tags = value.split(',').map((t) => t.trim());
  if (tags.length === 0 || tags.some((t) => !ENTITY_TAG.test(t))) {
    throw validationFailed([{ field: 'If-Match', message: 'must be * or entity tags such as "3"' }]);
  }
  return tags.flatMap((t) => {
    const m = /^"(\d{1,9})"$/.exec(t);
    return m ? [Number(m[1])] : [];
  });
}

function ifNoneMatchHits(header: string | undefined, version: number): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Weak comparison for If-None-Match (RFC 9110 §13.1.2).
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag(version));
}

function describeChanges(before: NotificationSettingsInput, after: NotificationSettingsInput) {
  return settingsDiff(before, after).map((change: SettingsChange) => {
    if (change.field === 'bcc') return { ...change, ...bccChanges(before.bcc, after.bcc) };
    if (Array.isArray(change.before) && Array.isArray(change.after)) {
      return { ...change, ...addressListChanges(change.before as string[], change.after as string[]) };
    }
    return change;
  });
}

function whoSaved(auth: AuthInfo): string {
  return auth.label ? `${auth.label} (${auth.tokenId})` : auth.tokenId;
}

const getSettings = createRoute({
  method: 'get',
  path: PATH,
  tags: TAG,
  summary: 'Current notification settings',
  description:
    'The current version (version 0 and the defaults before the first save), with `ETag: "<version>"`, and the institution\'s time zone.',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams, headers: IfNoneMatchHeader },
  responses: {
    200: json(SettingsReadSchema, 'The current settings.'),
    304: { description: 'Not modified (If-None-Match names the current version).' },
    ...ERROR_RESPONSES,
  },
});

const putSettings = createRoute({
  method: 'put',
  path: PATH,
  tags: TAG,
  summary: 'Replace the notification settings',
  description:
    'Validates everything, then saves a new version (who and when) in one transaction. With `If-Match`, refuses (412) when another save came first. ' +
    'A change of `noticeHours` or `hoursBefore` moves the due moments of every running booking: the answer comes once the save is committed, ' +
    'and the re-timing runs on durably afterwards (`propagation`; progress at …/notification-settings/propagation).',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams, headers: IfMatchHeader, body: jsonBody(SettingsInputSchema) },
  responses: {
    200: json(SettingsSavedSchema, 'The saved version.'),
    412: errorResponse('The settings changed since the version named in If-Match (code `stale_settings`); nothing was saved.'),
    ...ERROR_RESPONSES,
  },
});

const getPropagation = createRoute({
  method: 'get',
  path: `${PATH}/propagation`,
  tags: TAG,
  summary: 'Progress of re-timing running bookings after the latest change of hours',
  description:
    'The newest propagation: which settings version, how many running bookings were found and told so far, and when it finished. ' +
    '404 `not_found` when no save has changed `noticeHours` or `hoursBefore` yet.',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams },
  responses: { 200: json(PropagationSchema, 'The newest propagation.'), ...ERROR_RESPONSES },
});

const getHistory = createRoute({
  method: 'get',
  path: `${PATH}/history`,
  tags: TAG,
  summary: 'Saved versions: who, when, what changed',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams },
  responses: { 200: json(SettingsHistorySchema, 'Every saved version, newest first.'), ...ERROR_RESPONSES },
});

const postTest = createRoute({
  method: 'post',
  path: `${PATH}/test`,
  tags: TAG,
  summary: 'Send a test e-mail to one saved list',
  description:
    'Sends a clearly marked test e-mail to the addresses of one *saved* list (for `bcc`: the enabled addresses, hidden in the envelope), ' +
    'logged as kind `test`. An empty list is logged as `skipped` ("no recipients"). Answers the log entry.',
  security: SECURITY,
  middleware: [authorize('admin')] as const,
  request: { params: InstParams, body: jsonBody(TestEmailRequestSchema) },
  responses: { 201: json(NotificationSchema, 'The log entry of the test e-mail.'), ...ERROR_RESPONSES },
});

export function settingsRoutes(deps: DeliveryDeps & { bookings: BookingClient }) {
  const app = router();
  const { sql, logger } = deps;

  app.openapi(getSettings, async (c) => {
    const { inst } = c.req.valid('param');
    const [settings, institution] = await Promise.all([getCurrentSettings(sql, inst), getInstitution(sql, inst)]);
    c.header('ETag', etag(settings.version));
    c.header('Cache-Control', 'private, no-cache');
    if (ifNoneMatchHits(c.req.valid('header')['If-None-Match'], settings.version)) return c.body(null, 304);
    // getCurrentSettings has already answered 404 for an unknown institution.
    return c.json({ ...settings, timeZone: institution?.timezone ?? 'UTC' }, 200);
  });

  app.openapi(putSettings, async (c) => {
    const { inst } = c.req.valid('param');
    const input = c.req.valid('json');
    const ifMatch = c.req.valid('header')['If-Match'];
    const auth = c.get('auth');

    const before = await getCurrentSettings(sql, inst);
    let expectedVersion: number | undefined;
    if (ifMatch !== undefined) {
      const wanted = parseIfMatch(ifMatch);
      if (wanted !== 'any') {
        if (!wanted.includes(before.version)) throw new StaleSettingsError(wanted[0] ?? -1, before.version);
        // saveSettings re-checks it inside its transaction, so a save racing this one still loses.
        expectedVersion = before.version;
      }
    }
    const saved = await saveSettings(sql, { institutionId: inst, settings: input, updatedBy: whoSaved(auth), expectedVersion });

    const { timingsChanged } = saved;
    if (timingsChanged) {
      crashPoint('settings-saved');
      try {
        await deps.bookings.startSettingsPropagation(inst, saved.version);
      } catch (err) {
        // The save stands and its outbox row too: the worker's reconciler starts the propagation.
        (c.var.logger ?? logger).warn({ institutionId: inst, version: saved.version, errName: (err as Error).name }, 'could not start the settings propagation');
      }
    }
    (c.var.logger ?? logger).info({ institutionId: inst, version: saved.version, tokenId: auth.tokenId, timingsChanged }, 'settings saved');
    c.header('ETag', etag(saved.version));
    const propagation = timingsChanged ? await latestPropagation(sql, inst) : null;
    return c.json({ ...saved, propagation }, 200);
  });

  app.openapi(getPropagation, async (c) => {
    const { inst } = c.req.valid('param');
    await getCurrentSettings(sql, inst); // 404 for an unknown institution
    const propagation = await latestPropagation(sql, inst);
    if (!propagation) throw notFound('propagation');
    c.header('Cache-Control', 'private, no-cache');
    return c.json(propagation, 200);
  });

  app.openapi(getHistory, async (c) => {
    const { inst } = c.req.valid('param');
    await getCurrentSettings(sql, inst); // 404 for an unknown institution, like the other routes
    const versions = await listSettingsHistory(sql, inst); // newest first
    const items = versions.map((v, i) => {
      const previous = versions[i + 1];
      const before = previous ? inputOf(previous) : DEFAULT_SETTINGS;
      return {
        version: v.version,
        updatedAt: v.updatedAt,
        updatedBy: v.updatedBy,
        changes: describeChanges(before, inputOf(v)),
        settings: inputOf(v),
      };
    });
    return c.json({ items }, 200);
  });

  app.openapi(postTest, async (c) => {
    const { inst } = c.req.valid('param');
    const { list } = c.req.valid('json');
    const row = await sendTestEmail(deps, inst, list);
    return c.json(notificationView(row), 201);
  });

  return app;
}

