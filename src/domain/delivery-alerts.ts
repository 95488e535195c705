/**
 * Delivery alerts: which undelivered e-mails an institution's alert list hears of, and when the
 * digest that gathers them is due. Pure: the alert workflow (src/workflows/delivery-alerts.ts)
 * keeps this state and the unit tests drive it with plain numbers.
 */
import type { NotificationKind } from './types.js';

/**
 * What went wrong with an e-mail: refused permanently (`failed`), a day of transient failures
 * given up (`gave-up`), or refused by some of its recipients (`partial`).
 */
export const ALERTED_OUTCOMES = ['failed', 'gave-up', 'partial'] as const;
export type AlertedOutcome = (typeof ALERTED_OUTCOMES)[number];

/** The alert workflow's signal: ids and counts only, the details are read from the log at send time. */
export interface DeliveryProblem {
  notificationId: string;
  outcome: AlertedOutcome;
  /** The log row's attempt count: with the id, it tells a repeated report from a new failure. */
  attempts: number;
}

/** A digest waits this long after the latest problem, so a burst of failures makes one e-mail… */
export const QUIET_MS = 60_000;
/** …but never longer than this after the first one, and two digests are at least this far apart. */
export const CAP_MS = 15 * 60_000;
/** Reports already gathered are remembered this long, so a retried report is not listed twice. */
export const REMEMBER_MS = 24 * 60 * 60_000;

/** Test e-mails show their outcome to the admin who sent them; an alert is never about an alert. */
export function isAlertable(kind: NotificationKind): boolean {
  return kind !== 'alert' && kind !== 'test';
}

export interface DigestState {
  /** Problems gathered since the last digest, oldest first. */
  pending: DeliveryProblem[];
  /** When the first and the latest pending problem arrived (ms); undefined while none is. */
  firstAt?: number | undefined;
  lastAt?: number | undefined;
  /** When the last digest went (ms). */
  lastSentAt?: number | undefined;
  /** Keys of problems already gathered, with when (ms): retried reports are dropped. */
  seen: Record<string, number>;
}

export const emptyDigest = (): DigestState => ({ pending: [], seen: {} });

const keyOf = (p: DeliveryProblem): string => `${p.notificationId}#${p.attempts}`;

/** Adds a problem unless it was already gathered; false for a repeat. */
export function gather(state: DigestState, problem: DeliveryProblem, nowMs: number): boolean {
  const key = keyOf(problem);
  if (state.seen[key] !== undefined) return false;
  state.seen[key] = nowMs;
  state.pending.push(problem);
  state.firstAt ??= nowMs;
  state.lastAt = nowMs;
  return true;
}

/**
 * When the pending problems' digest is due: a quiet minute after the latest one, at most 15
 * minutes after the first, and never sooner than 15 minutes after the previous digest.
 * Undefined when nothing is pending.
 */
export function digestDueAt(state: DigestState): number | undefined {
  if (state.pending.length === 0 || state.firstAt === undefined || state.lastAt === undefined) return undefined;
  const gathered = Math.min(state.lastAt + QUIET_MS, state.firstAt + CAP_MS);
  return state.lastSentAt === undefined ? gathered : Math.max(gathered, state.lastSentAt + CAP_MS);
}

/** The pending problems leave in a digest sent at `nowMs`; older remembered keys are forgotten. */
export function takeDigest(state: DigestState, nowMs: number): DeliveryProblem[] {
  const taken = state.pending;
  state.pending = [];
  state.firstAt = undefined;
  state.lastAt = undefined;
  state.lastSentAt = nowMs;
  for (const [key, at] of Object.entries(state.seen)) if (at < nowMs - REMEMBER_MS) delete state.seen[key];
  return taken;
}
