/**
 * The delivery-alert digest: one e-mail to an institution's alert list naming every e-mail that
 * did not reach someone since the previous digest. Pure, like renderNotification; the items come
 * from the delivery log (src/delivery/alerts.ts).
 */
import type { AlertedOutcome } from '../domain/delivery-alerts.js';
import type { Institution, NotificationKind } from '../domain/types.js';
import { formatDateTime } from './format.js';
import { renderHtml, renderText, singleLine, type DetailsTable, type RenderedEmail } from './render.js';
import { STRINGS } from './strings.js';

/** One undelivered e-mail as the digest lists it. */
export interface AlertItem {
  notificationId: string;
  bookingId: string | null;
  kind: NotificationKind;
  outcome: AlertedOutcome;
  /** Its visible recipients (hidden copies are not named); empty once its personal data was erased. */
  recipients: string[];
  reason: string | null;
  /** When it was settled (ISO). */
  at: string;
}

/**
 * The admin log page filtered to one e-mail (booking and kind), under the deployment's public
 * address; undefined without PUBLIC_URL, and then the digest names the log entry's id instead.
 */
export function logEntryUrl(publicUrl: string | undefined, item: Pick<AlertItem, 'bookingId' | 'kind'>): string | undefined {
  if (publicUrl === undefined) return undefined;
  const url = new URL('admin/log', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  if (item.bookingId !== null) url.searchParams.set('bookingId', item.bookingId);
  url.searchParams.set('kind', item.kind);
  return url.toString();
}

export function renderDeliveryAlert(input: { institution: Institution; items: AlertItem[]; publicUrl?: string | undefined }): RenderedEmail {
  const { institution, items } = input;
  const locale = institution.locale;
  const s = STRINGS[locale];
  const a = s.alert;
  const L = a.labels;
  const tables: DetailsTable[] = items.map((item, i) => {
    const href = logEntryUrl(input.publicUrl, item);
    return {
      caption: a.caption(i + 1),
      rows: [
        { label: L.bookingId, value: item.bookingId ?? s.empty },
        { label: L.kind, value: a.kindNames[item.kind] },
        { label: L.outcome, value: a.outcomes[item.outcome] },
        { label: L.recipients, value: item.recipients.length > 0 ? item.recipients.join(', ') : s.empty },
        { label: L.reason, value: item.reason ?? s.empty },
        { label: L.at, value: formatDateTime(item.at, institution.timezone, locale) },
        href === undefined ? { label: L.log, value: item.notificationId } : { label: L.log, value: a.openLog, href },
      ],
    };
  });
  const subject = singleLine(a.subject(items.length, institution.name));
  const intro = a.intro(items.length);
  const footer = a.footer(institution.name);
  return {
    subject,
    html: renderHtml({ lang: locale, subject, institution: institution.name, banner: undefined, title: a.title, intro, tables, footer }),
    text: renderText({ banner: undefined, title: a.title, intro, tables, footer }),
  };
}
