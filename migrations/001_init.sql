-- Institutions, their versioned notification settings, bookings known to the service and the
-- delivery log. Applied once, in a transaction, by src/db/migrate.ts (so no BEGIN/COMMIT
-- and no CREATE INDEX CONCURRENTLY in migration files).

CREATE TABLE institutions (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name          text NOT NULL,
  timezone      text NOT NULL DEFAULT 'Europe/Bucharest',
  locale        text NOT NULL DEFAULT 'ro' CHECK (locale IN ('ro', 'en')),
  sender_name   text,
  sender_email  text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Every saved version is kept; the current one is the highest version of an institution.
CREATE TABLE notification_settings (
  institution_id text NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
  version        integer NOT NULL CHECK (version >= 1),
  settings       jsonb NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text NOT NULL,
  PRIMARY KEY (institution_id, version)
);

-- One row per booking the booking system sent: the content hash makes a repeated start
-- with the same content a no-op and with other content a conflict.
CREATE TABLE bookings (
  institution_id text NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
  booking_id     text NOT NULL,
  content_hash   text NOT NULL,
  workflow_id    text NOT NULL UNIQUE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (institution_id, booking_id)
);

-- The delivery log: one row per e-mail, keyed by the notification's stable id. Bodies are
-- not stored; `request` keeps what is needed to render the e-mail again for a resend.
CREATE TABLE notifications (
  id              text PRIMARY KEY,
  institution_id  text NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
  booking_id      text,
  kind            text NOT NULL CHECK (kind IN (
                    'booking-created-staff', 'booking-created-patient',
                    'booking-rescheduled-staff', 'booking-rescheduled-patient',
                    'booking-cancelled-staff', 'booking-cancelled-patient',
                    'payment-reminder-staff', 'payment-reminder-patient', 'test')),
  -- 'sending' is internal: an attempt holds the row until lease_until (shown as 'pending').
  status          text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  reason          text,
  recipients      text[] NOT NULL DEFAULT '{}',
  bcc             text[] NOT NULL DEFAULT '{}',
  subject         text,
  message_id      text,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  smtp_response   text,
  last_error      text,
  request         jsonb,
  due_at          timestamptz,
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  CHECK (status <> 'sending' OR lease_until IS NOT NULL)
);
CREATE INDEX notifications_log_idx ON notifications (institution_id, created_at DESC, id DESC);
CREATE INDEX notifications_booking_idx ON notifications (institution_id, booking_id);

CREATE TABLE api_tokens (
  id             text PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
  scope          text NOT NULL CHECK (scope IN ('admin', 'booking')),
  token_hash     text NOT NULL UNIQUE,
  label          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz
);
