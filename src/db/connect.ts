import postgres from 'postgres';

export interface ConnectOptions {
  /** Pool size; the API and the worker each keep their own pool. */
  max?: number;
}

/** timestamptz arrives as an ISO-8601 string (UTC), the form every layer above the database uses. */
const isoTimestamps = {
  to: 1184,
  from: [1184],
  serialize: (x: Date | string) => (x instanceof Date ? x : new Date(x)).toISOString(),
  parse: (x: string) => new Date(x).toISOString(),
};

/** Opens a postgres.js pool whose rows are records: camelCase columns, timestamps as ISO strings. */
export function connectDatabase(url: string, opts: ConnectOptions = {}): postgres.Sql {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    // Rows come back with camelCase keys (institution_id → institutionId), so a row is its record.
    transform: { column: { from: postgres.toCamel } },
    types: { isoTimestamps },
    // NOTICEs (e.g. "relation already exists, skipping") are not worth a log line.
    onnotice: () => {},
    // Idle connections are closed so a quiet worker does not pin server slots forever.
    idle_timeout: 60,
    connect_timeout: 10,
    // postgres.js waits up to 20 s (growing with every failed connect) before a pool connection
    // tries again, and queued queries wait with it: during an outage requests would hang instead
    // of failing fast with a 503. A short, jittered pause keeps retries quick and spread out.
    backoff: () => 0.1 + Math.random() * 0.2,
    connection: { application_name: 'exam-booking-notifications' },
  });
  // The custom type only changes how values are parsed; callers see the plain Sql type.
  return sql as unknown as postgres.Sql;
}

const UNREACHABLE_CODES = new Set([
  // node network errors
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  // postgres.js connection errors
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // PostgreSQL: admin shutdown, cannot connect now
  '57P01',
  '57P03',
]);

/** The error itself (not its causes) says PostgreSQL could not be reached: a later try may work. */
export function isUnreachableCode(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}
