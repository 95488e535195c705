/**
 * Sorts an SMTP failure: a 5xx answer is permanent (the server will never accept this
 * message), everything else — 4xx answers, refused or dropped connections, timeouts — is
 * transient and worth retrying.
 */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** A one-line description of an SMTP failure for the delivery log (no message content). */
export function describeSmtpFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; responseCode?: number; response?: string };
  const parts = [e.code, e.responseCode, e.response ?? e.message].filter((p) => p !== undefined && p !== '');
  return parts.join(' ').replace(/[\r\n]+/g, ' ').slice(0, 1000);
}
