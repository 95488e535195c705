import type postgres from 'postgres';
import type { DeliveryStatus, NotificationKind, NotificationRequest } from '../domain/types.js';
import {
  mergeOutcomes,
  statusOf,
  unreachedSummary,
  type RecipientAnswer,
  type RecipientOutcome,
} from '../delivery/recipient-outcomes.js';

/**
 * The delivery log. 'sending': an attempt holds a lease on the row while it talks to the SMTP
 * server; the lease is kept alive while the attempt lives (extendLease) and runs out soon after
 * it dies, so another attempt can take the row over.
 */
export type StoredStatus = DeliveryStatus;

export interface NotificationRow {
  id: string;
  institutionId: string;
  bookingId: string | null;
  kind: NotificationKind;
  status: StoredStatus;
  /** Why it was skipped or failed. */
  reason: string | null;
  recipients: string[];
  bcc: string[];
  /** What the SMTP server answered for each envelope recipient (empty before the first answer and after erasure). */
  recipientOutcomes: RecipientOutcome[];
  subject: string | null;
  messageId: string | null;
  attempts: number;
  smtpResponse: string | null;
  /** The latest attempt's error, kept after a later success for the log. */
  lastError: string | null;
  request: NotificationRequest | null;
  dueAt: string | null;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  /** When its personal columns were erased (retention or on request): recipients, bcc, subject, request, SMTP answers and errors are empty then. */
  erasedAt: string | null;
  /** How many visible and hidden recipients it had; kept after erasure for the statistics. */
  recipientsCount: number;
  bccCount: number;
}

/** The booking's personal data was erased: nothing more is logged (or sent) for it. */
export class PersonalDataErasedError extends Error {
  override readonly name = 'PersonalDataErasedError';
  constructor(readonly notificationId: string) {
    super(`notification ${notificationId} belongs to a booking whose personal data was erased`);
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid: use the nextCursor of a previous page');
    this.name = 'InvalidCursorError';
  }
}

/** A row as postgres.js returns it (camelCase columns, ISO timestamps); counts are null in rows older than migration 002. */
type NotificationDbRow = Omit<NotificationRow, 'recipientsCount' | 'bccCount'> & {
  recipientsCount: number | null;
  bccCount: number | null;
};

/** Adds what is derived from the stored columns: the counts of old rows. */
function toRow(r: NotificationDbRow): NotificationRow {
  return {
    ...r,
    recipientsCount: r.recipientsCount ?? r.recipients.length,
    bccCount: r.bccCount ?? r.bcc.length,
  };
}

const first = (rows: NotificationDbRow[]): NotificationRow | null => (rows[0] ? toRow(rows[0]) : null);

export interface EnsureNotificationInput {
  id: string;
  institutionId: string;
  /** null for e-mails that belong to no booking (kind 'test'). */
  bookingId: string | null;
  kind: NotificationKind;
  dueAt: string | null;
  /** What is needed to render the e-mail again (resend); bodies are never stored. */
  request: NotificationRequest | null;
}

/**
 * Creates the log row as 'pending' unless it exists; returns the row as stored (check
 * `erasedAt`: an erased row is never sent). For a booking whose personal data was erased no
 * new row is made: PersonalDataErasedError. The booking's row is share-locked meanwhile, so an
 * erasure running at the same moment either waits for this insert (and then erases the new row
 * too) or is seen by it.
 */
export async function ensureNotification(sql: postgres.Sql, input: EnsureNotificationInput): Promise<NotificationRow> {
  if (input.bookingId === null) return ensureNotificationRow(sql, input);
  const bookingId = input.bookingId;
  return sql.begin(async (tx) => {
    const booking = await tx<{ erasedAt: string | null }[]>`
      SELECT erased_at FROM bookings
       WHERE institution_id = ${input.institutionId} AND booking_id = ${bookingId}
       FOR SHARE`;
    if (booking[0]?.erasedAt) {
      const existing = await tx<NotificationDbRow[]>`SELECT * FROM notifications WHERE id = ${input.id}`;
      if (existing[0]) return toRow(existing[0]);
      throw new PersonalDataErasedError(input.id);
    }
    return ensureNotificationRow(tx, input);
  });
}

async function ensureNotificationRow(sql: postgres.Sql | postgres.TransactionSql, input: EnsureNotificationInput): Promise<NotificationRow> {
  const inserted = await sql<NotificationDbRow[]>`
    INSERT INTO notifications (id, institution_id, booking_id, kind, status, due_at, request)
    VALUES (${input.id}, ${input.institutionId}, ${input.bookingId}, ${input.kind}, 'pending',
            ${input.dueAt}, ${input.request ? sql.json(input.request as unknown as postgres.JSONValue) : null})
    ON CONFLICT (id) DO NOTHING
    RETURNING *`;
  if (inserted[0]) return toRow(inserted[0]);
  // A retried activity or a replayed workflow: the first insert wins and is left as it is.
  const existing = await sql<NotificationDbRow[]>`SELECT * FROM notifications WHERE id = ${input.id}`;
  if (!existing[0]) throw new Error(`notification ${input.id} vanished right after a conflicting insert`);
  return toRow(existing[0]);
}

export interface ClaimInput {
  /** How long this attempt may hold the row before another attempt can take it over. */
  leaseMs: number;
  recipients: string[];
  bcc: string[];
  subject: string;
  messageId: string;
}

/**
 * Takes the row for one send attempt: a single atomic UPDATE, so of two attempts at once
 * exactly one gets the row. A 'sending' row whose lease has run out (its attempt crashed)
 * can be taken again. Returns null when the row is final (sent/failed/skipped), leased by
 * a live attempt, or missing. Times come from the database clock, never the worker's.
 */
export async function claimForSending(sql: postgres.Sql, id: string, input: ClaimInput): Promise<NotificationRow | null> {
  const leaseMs = Math.max(1, Math.ceil(input.leaseMs));
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = 'sending',
             attempts = attempts + 1,
             lease_until = now() + ${leaseMs}::integer * interval '1 millisecond',
             recipients = ${sql.array(input.recipients)}::text[],
             bcc = ${sql.array(input.bcc)}::text[],
             recipients_count = ${input.recipients.length}::integer,
             bcc_count = ${input.bcc.length}::integer,
             subject = ${input.subject},
             message_id = ${input.messageId},
             updated_at = now()
       WHERE id = ${id} AND erased_at IS NULL
         AND (status = 'pending' OR (status = 'sending' AND lease_until < now()))
      RETURNING *`,
  );
}

/**
 * Keeps a live attempt's lease: `lease_until` moves to now + `leaseMs`, only while the row is
 * still 'sending' under this attempt. False when the attempt lost the row (taken over, settled).
 */
export async function extendLease(sql: postgres.Sql, id: string, attempt: number, leaseMs: number): Promise<boolean> {
  const ms = Math.max(1, Math.ceil(leaseMs));
  const rows = await sql`
    UPDATE notifications SET lease_until = now() + ${ms}::integer * interval '1 millisecond'
     WHERE id = ${id} AND status = 'sending' AND attempts = ${attempt} AND erased_at IS NULL
    RETURNING 1`;
  return rows.length > 0;
}

/**
 * Records the SMTP server's acceptance. Applies from any state but 'sent': once the server
 * took the message, that is the truth even if the attempt's lease had run out meanwhile.
 * Returns null when the row was already sent (the first record is kept) or is missing.
 */
export async function markSent(sql: postgres.Sql, id: string, smtpResponse: string): Promise<NotificationRow | null> {
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = 'sent', smtp_response = ${smtpResponse}, reason = NULL,
             lease_until = NULL, sent_at = now(), updated_at = now()
       WHERE id = ${id} AND status <> 'sent' AND erased_at IS NULL
      RETURNING *`,
  );
}

export interface AttemptAnswers {
  /** The `attempts` value the claim returned. */
  attempt: number;
  /** Everyone the e-mail is for (as claimed), visible then hidden. */
  to: string[];
  bcc: string[];
  /** This attempt's answer for each recipient it asked. */
  answers: RecipientAnswer[];
  /** No attempt follows (a test e-mail): a deferred recipient counts as not reached. */
  final: boolean;
  /** The server's final answer when it took the message for someone. */
  smtpResponse: string | null;
  /** The attempt's failure as a whole (DATA refused, connection lost), one line. */
  error: string | null;
  /** The outcomes the claim returned: when the row still has them, the record is one statement. */
  claimedOutcomes?: RecipientOutcome[];
}

/**
 * Records one attempt's answers: merged into the row's recipient outcomes, and the row's status
 * follows from them (sent, partial, failed, or pending again while someone is deferred).
 *
 * An attempt that no longer holds the row (its lease was taken over, or the row settled) records
 * only acceptances — once a server took the message for someone, that is the truth — and leaves
 * a row another attempt is sending as it is unless nobody is left to send to. A late report with
 * no acceptance changes nothing: null.
 */
export async function recordAttemptAnswers(sql: postgres.Sql, id: string, input: AttemptAnswers): Promise<NotificationRow | null> {
  // The usual case in one statement (the window between an acceptance and its record stays as
  // short as it was): this attempt still holds the row and its outcomes are those it claimed.
  if (input.claimedOutcomes) {
    const fast = await updateWithAnswers(sql, id, input, input.claimedOutcomes, { owns: true, status: 'sending' }, sql`
      AND status = 'sending' AND attempts = ${input.attempt} AND recipient_outcomes = ${sql.json(input.claimedOutcomes as unknown as postgres.JSONValue)}::jsonb`);
    if (fast) return fast;
  }
  return sql.begin(async (tx) => {
    const rows = await tx<NotificationDbRow[]>`SELECT * FROM notifications WHERE id = ${id} AND erased_at IS NULL FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    const owns = row.status === 'sending' && row.attempts === input.attempt;
    if (!owns && !input.answers.some((a) => a.outcome === 'accepted')) return null;
    return updateWithAnswers(tx, id, input, row.recipientOutcomes ?? [], { owns, status: row.status }, tx``);
  });
}

/** The UPDATE of recordAttemptAnswers, from the row's outcomes as they were; null when `guard` did not hold. */
async function updateWithAnswers(
  db: postgres.Sql | postgres.TransactionSql,
  id: string,
  input: AttemptAnswers,
  stored: RecipientOutcome[],
  row: { owns: boolean; status: StoredStatus },
  guard: postgres.PendingQuery<postgres.Row[]>,
): Promise<NotificationRow | null> {
  const anyAccepted = input.answers.some((a) => a.outcome === 'accepted');
  const answers = row.owns ? input.answers : input.answers.filter((a) => a.outcome === 'accepted');
  const merged = mergeOutcomes(stored, { to: input.to, bcc: input.bcc }, answers, new Date().toISOString());
  const computed = statusOf(merged, input.final);
  const status: StoredStatus = row.owns ? computed : computed === 'pending' ? row.status : computed;
  const unreached = unreachedSummary(merged);
  const settledNow = status === 'sent' || status === 'partial' || status === 'failed';
  const reason = status === 'failed' || status === 'partial' ? (input.error ?? unreached) : null;
  const lastError = input.error ?? unreached;
  return first(
    await db<NotificationDbRow[]>`
      UPDATE notifications
         SET status = ${status},
             recipient_outcomes = ${db.json(merged as unknown as postgres.JSONValue)},
             reason = ${settledNow ? db`${reason}` : status === 'skipped' ? db`reason` : db`NULL`},
             last_error = coalesce(${lastError}, last_error),
             smtp_response = ${anyAccepted ? db`${input.smtpResponse}` : db`smtp_response`},
             lease_until = CASE WHEN ${status} = 'sending' THEN lease_until ELSE NULL END,
             sent_at = ${anyAccepted && settledNow ? db`now()` : db`sent_at`},
             updated_at = now()
       WHERE id = ${id} AND erased_at IS NULL ${guard}
      RETURNING *`,
  );
}

export interface AttemptFailure {
  error: string;
  /** 5xx and the like: the row becomes 'failed'; otherwise it goes back to 'pending'. */
  permanent: boolean;
  /**
   * The `attempts` value the claim returned: a late report from an attempt whose lease was
   * taken over by a newer attempt changes nothing.
   */
  attempt: number;
}

/**
 * Ends a send attempt that did not get the message accepted. Only a 'sending' row held by
 * this attempt changes; null when it is not (settled, or claimed again since).
 */
export async function markAttemptFailed(
  sql: postgres.Sql,
  id: string,
  failure: AttemptFailure,
): Promise<NotificationRow | null> {
  const next = failure.permanent ? 'failed' : 'pending';
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = ${next},
             reason = ${failure.permanent ? failure.error : null},
             last_error = ${failure.error},
             lease_until = NULL,
             updated_at = now()
       WHERE id = ${id} AND status = 'sending' AND attempts = ${failure.attempt} AND erased_at IS NULL
      RETURNING *`,
  );
}

/** Nothing to send (e.g. "no recipients"); only a pending or sending row is skipped. */
export async function markSkipped(
  sql: postgres.Sql,
  id: string,
  reason: string,
  opts: { recipients?: string[] | undefined } = {},
): Promise<NotificationRow | null> {
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = 'skipped', reason = ${reason}, lease_until = NULL, updated_at = now()
             ${opts.recipients ? sql`, recipients = ${sql.array(opts.recipients)}::text[], recipients_count = ${opts.recipients.length}::integer, bcc_count = cardinality(bcc)` : sql``}
       WHERE id = ${id} AND status IN ('pending', 'sending') AND erased_at IS NULL
      RETURNING *`,
  );
}

/**
 * Retries gave up (e.g. a day of transient failures): a pending or sending row becomes 'failed',
 * or 'partial' when some of its recipients had already accepted it.
 */
export async function markFailed(sql: postgres.Sql, id: string, reason: string): Promise<NotificationRow | null> {
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = CASE WHEN recipient_outcomes @> '[{"outcome":"accepted"}]'::jsonb THEN 'partial' ELSE 'failed' END,
             reason = ${reason}, lease_until = NULL, updated_at = now()
       WHERE id = ${id} AND status IN ('pending', 'sending') AND erased_at IS NULL
      RETURNING *`,
  );
}

/**
 * An admin's resend: only a 'failed' or 'partial' row goes back to 'pending'. `attempts` and
 * `last_error` are kept, so the log shows the resend as one more attempt; of the recipients'
 * outcomes only the acceptances stay (those people are never sent it again), the refusals are
 * asked again. Null when the row is not failed or partial, or not this institution's.
 */
export async function resetForResend(sql: postgres.Sql, institutionId: string, id: string): Promise<NotificationRow | null> {
  return first(
    await sql<NotificationDbRow[]>`
      UPDATE notifications
         SET status = 'pending', reason = NULL, lease_until = NULL, updated_at = now(),
             recipient_outcomes = coalesce(
               (SELECT jsonb_agg(o) FROM jsonb_array_elements(recipient_outcomes) o WHERE o->>'outcome' = 'accepted'),
               '[]'::jsonb)
       WHERE id = ${id} AND institution_id = ${institutionId} AND status IN ('failed', 'partial') AND erased_at IS NULL
      RETURNING *`,
  );
}

export async function getNotification(sql: postgres.Sql, institutionId: string, id: string): Promise<NotificationRow | null> {
  return first(
    await sql<NotificationDbRow[]>`SELECT * FROM notifications WHERE id = ${id} AND institution_id = ${institutionId}`,
  );
}

/** A row by its id alone, for callers that know no institution (the workflow's give-up report). */
export async function findNotification(sql: postgres.Sql, id: string): Promise<NotificationRow | null> {
  return first(await sql<NotificationDbRow[]>`SELECT * FROM notifications WHERE id = ${id}`);
}

/** Every e-mail of one booking, oldest first. */
export async function listBookingNotifications(
  sql: postgres.Sql,
  institutionId: string,
  bookingId: string,
): Promise<NotificationRow[]> {
  const rows = await sql<NotificationDbRow[]>`
    SELECT * FROM notifications
     WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}
     ORDER BY created_at, id`;
  return rows.map(toRow);
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface ListNotificationsQuery {
  institutionId: string;
  bookingId?: string | undefined;
  kind?: NotificationKind | undefined;
  /** Public status; 'pending' also matches rows being sent. */
  status?: DeliveryStatus | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  /** Created at or after this ISO instant. */
  from?: string | undefined;
  /** Created before this ISO instant (exclusive). */
  to?: string | undefined;
}

/*
 * The cursor is the last row's (created_at, id), written `<microseconds since 1970>~<id>`
 * (CURSOR_PATTERN). Every string of that shape names a position in the log, so a client that
 * follows the OpenAPI document never sends a cursor the API refuses. created_at is carried with
 * the database's full microsecond precision: a JS Date would round to milliseconds and make
 * rows created in the same millisecond repeat or vanish between pages. For the same reason the
 * time goes back to PostgreSQL as text (`::text::timestamptz`): a parameter typed timestamptz
 * is serialised by postgres.js through a JS Date, which drops the microseconds.
 */
export const CURSOR_PATTERN = /^([0-9]{1,16})~([A-Za-z0-9._:/-]{1,400})$/;
const CREATED_KEY = /^(.{19})\.(\d{6})Z$/;

function encodeCursor(createdKey: string, id: string): string {
  const m = CREATED_KEY.exec(createdKey);
  if (!m) throw new Error('unexpected created_at text');
  const micros = BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2]!);
  return `${micros}~${id}`;
}

function decodeCursor(cursor: string): { createdKey: string; id: string } {
  const m = CURSOR_PATTERN.exec(cursor);
  if (!m) throw new InvalidCursorError();
  const micros = BigInt(m[1]!);
  const seconds = new Date(Number(micros / 1_000_000n) * 1000).toISOString().slice(0, 19);
  return { createdKey: `${seconds}.${String(micros % 1_000_000n).padStart(6, '0')}Z`, id: m[2]! };
}

/** The delivery log, newest first, in pages; `nextCursor` is null on the last page. */
export async function listNotifications(
  sql: postgres.Sql,
  query: ListNotificationsQuery,
): Promise<{ items: NotificationRow[]; nextCursor: string | null }> {
  const limit =
    query.limit === undefined || !Number.isFinite(query.limit)
      ? DEFAULT_PAGE_SIZE
      : Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.limit)));
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : null;
  const statuses: StoredStatus[] | null =
    query.status === undefined ? null : [query.status];

  // One row more than asked tells whether there is a next page.
  const rows = await sql<(NotificationDbRow & { createdKey: string })[]>`
    SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key
      FROM notifications
     WHERE institution_id = ${query.institutionId}
       ${query.bookingId !== undefined ? sql`AND booking_id = ${query.bookingId}` : sql``}
       ${query.kind !== undefined ? sql`AND kind = ${query.kind}` : sql``}
       ${statuses ? sql`AND status IN ${sql(statuses)}` : sql``}
       ${query.from !== undefined ? sql`AND created_at >= ${query.from}::text::timestamptz` : sql``}
       ${query.to !== undefined ? sql`AND created_at < ${query.to}::text::timestamptz` : sql``}
       ${after ? sql`AND (created_at, id) < (${after.createdKey}::text::timestamptz, ${after.id})` : sql``}
     ORDER BY created_at DESC, id DESC
     LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ createdKey: _key, ...row }) => toRow(row)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdKey, last.id) : null,
  };
}
