/**
 * settings_propagations: the outbox and progress record of re-timing running bookings after a
 * settings save that changed the due-time hours (migrations/006_settings_propagation.sql).
 */
import type postgres from 'postgres';
import type { DueTimings } from '../domain/types.js';

type Db = postgres.Sql | postgres.TransactionSql;

export type PropagationStatus = 'pending' | 'running' | 'finished' | 'superseded';

export interface PropagationRecord {
  version: number;
  status: PropagationStatus;
  /** Running bookings found through visibility, and how many of them were told so far. */
  found: number;
  done: number;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface PropagationRow {
  version: number;
  found: number;
  done: number;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  outcome: 'finished' | 'superseded' | null;
}

const toRecord = (r: PropagationRow): PropagationRecord => ({
  version: r.version,
  status: r.outcome ?? (r.startedAt === null ? 'pending' : 'running'),
  found: r.found,
  done: r.done,
  requestedAt: r.requestedAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

/** Called inside the settings save's transaction: the propagation is owed once the save commits. */
export async function recordPropagationOwed(tx: Db, institutionId: string, version: number): Promise<void> {
  await tx`INSERT INTO settings_propagations (institution_id, version) VALUES (${institutionId}, ${version}) ON CONFLICT DO NOTHING`;
}

/** Its workflow runs (or ran): the reconciler leaves it alone. */
export async function markPropagationStarted(sql: Db, institutionId: string, version: number): Promise<void> {
  await sql`UPDATE settings_propagations SET started_at = coalesce(started_at, now())
             WHERE institution_id = ${institutionId} AND version = ${version}`;
}

/**
 * Saves whose propagation was never started (the API died between the commit and the start,
 * or Temporal was unreachable): the newest per institution. Older unstarted ones are closed as
 * superseded in the same step, since the newer version re-times every booking anyway.
 */
export async function unstartedPropagations(sql: postgres.Sql): Promise<{ institutionId: string; version: number }[]> {
  return sql.begin(async (tx) => {
    await tx`
      UPDATE settings_propagations p SET finished_at = now(), outcome = 'superseded'
       WHERE p.started_at IS NULL AND p.finished_at IS NULL
         AND EXISTS (SELECT 1 FROM settings_propagations n WHERE n.institution_id = p.institution_id AND n.version > p.version)`;
    return tx<{ institutionId: string; version: number }[]>`
      SELECT institution_id, version FROM settings_propagations
       WHERE started_at IS NULL AND finished_at IS NULL
       ORDER BY requested_at`;
  });
}

/**
 * What a propagation tells bookings: the hours of its settings version, and whether a newer
 * propagation of the institution exists (then this one stops: the newer one tells everyone).
 */
export async function propagationTarget(
  sql: Db,
  institutionId: string,
  version: number,
): Promise<{ timings: DueTimings; superseded: boolean }> {
  const [row] = await sql<{ noticeHours: number; hoursBefore: number; superseded: boolean }[]>`
    SELECT (s.settings -> 'cancellation' ->> 'noticeHours')::int AS notice_hours,
           (s.settings -> 'paymentReminder' ->> 'hoursBefore')::int AS hours_before,
           EXISTS (SELECT 1 FROM settings_propagations n
                    WHERE n.institution_id = s.institution_id AND n.version > s.version) AS superseded
      FROM notification_settings s
     WHERE s.institution_id = ${institutionId} AND s.version = ${version}`;
  if (!row) throw new Error(`settings version ${version} of ${institutionId} does not exist`);
  return { timings: { noticeHours: row.noticeHours, hoursBefore: row.hoursBefore }, superseded: row.superseded };
}

/** Absolute counts, so a retried step writes the same numbers again. */
export async function recordPropagationProgress(
  sql: Db,
  institutionId: string,
  version: number,
  progress: { found: number; done: number },
): Promise<void> {
  await sql`
    UPDATE settings_propagations
       SET found = ${Math.max(progress.found, progress.done)}, done = ${progress.done},
           started_at = coalesce(started_at, now())
     WHERE institution_id = ${institutionId} AND version = ${version} AND finished_at IS NULL`;
}

export async function finishPropagation(
  sql: Db,
  institutionId: string,
  version: number,
  outcome: 'finished' | 'superseded',
): Promise<void> {
  await sql`
    UPDATE settings_propagations SET finished_at = now(), outcome = ${outcome}, started_at = coalesce(started_at, now())
     WHERE institution_id = ${institutionId} AND version = ${version} AND finished_at IS NULL`;
}

/** The institution's newest propagation, or null when no save ever changed the hours. */
export async function latestPropagation(sql: Db, institutionId: string): Promise<PropagationRecord | null> {
  const [row] = await sql<PropagationRow[]>`
    SELECT version, found, done, requested_at, started_at, finished_at, outcome
      FROM settings_propagations WHERE institution_id = ${institutionId}
     ORDER BY version DESC LIMIT 1`;
  return row ? toRecord(row) : null;
}
