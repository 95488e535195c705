import postgres from 'postgres';

export interface ConnectOptions {
  /** Pool size; the API and the worker each keep their own pool. */
  max?: number;
}

/**
 * Opens a postgres.js pool. Default type parsers are kept on purpose: timestamptz comes
 * back as a JS Date and the repositories turn it into an ISO string at their boundary.
 */
export function connectDatabase(url: string, opts: ConnectOptions = {}): postgres.Sql {
  return postgres(url, {
    max: opts.max ?? 10,
    // NOTICEs (e.g. "relation already exists, skipping") are not worth a log line.
    onnotice: () => {},
    // Idle connections are closed so a quiet worker does not pin server slots forever.
    idle_timeout: 60,
    connect_timeout: 10,
    connection: { application_name: 'exam-booking-notifications' },
  });
}
