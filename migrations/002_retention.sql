-- Retention and erasure of personal data (docs/operations.md, "What is kept for how long").
--
-- bookings: when the exam starts and when the booking was cancelled (the retention clock runs
-- from the later of the two that applies: the cancellation if any, else the exam), and when its
-- personal data was erased. content_hash becomes nullable: it is a hash of the patient's data
-- and is dropped on erasure (a repeated start of an erased booking answers 409 booking_erased).
ALTER TABLE bookings
  ADD COLUMN exam_starts_at timestamptz,
  ADD COLUMN cancelled_at   timestamptz,
  ADD COLUMN erased_at      timestamptz,
  ALTER COLUMN content_hash DROP NOT NULL,
  ADD CONSTRAINT bookings_erased_has_no_hash CHECK (erased_at IS NULL OR content_hash IS NULL);

-- notifications: when the row's personal columns (request, recipients, bcc, subject, SMTP
-- answers, errors) were erased, and how many visible and hidden recipients it had, so the
-- statistics survive the erasure.
ALTER TABLE notifications
  ADD COLUMN erased_at        timestamptz,
  ADD COLUMN recipients_count integer CHECK (recipients_count >= 0),
  ADD COLUMN bcc_count        integer CHECK (bcc_count >= 0);

UPDATE notifications
   SET recipients_count = cardinality(recipients), bcc_count = cardinality(bcc);

-- Existing bookings: the exam start of the newest logged request (the latest reschedule wins),
-- and the cancellation time a cancellation e-mail carried. Bookings with no logged e-mail keep
-- NULL and are left alone by the retention run until the API or the workflow records a time.
UPDATE bookings b
   SET exam_starts_at = s.starts_at
  FROM (SELECT DISTINCT ON (institution_id, booking_id)
               institution_id, booking_id,
               (request->'booking'->'exam'->>'startsAt')::timestamptz AS starts_at
          FROM notifications
         WHERE booking_id IS NOT NULL
           AND request->'booking'->'exam'->>'startsAt' IS NOT NULL
         ORDER BY institution_id, booking_id, created_at DESC, id DESC) s
 WHERE b.institution_id = s.institution_id AND b.booking_id = s.booking_id;

UPDATE bookings b
   SET cancelled_at = s.cancelled_at
  FROM (SELECT institution_id, booking_id,
               min((request->'context'->'cancellation'->>'cancelledAt')::timestamptz) AS cancelled_at
          FROM notifications
         WHERE booking_id IS NOT NULL
           AND request->'context'->'cancellation'->>'cancelledAt' IS NOT NULL
         GROUP BY institution_id, booking_id) s
 WHERE b.institution_id = s.institution_id AND b.booking_id = s.booking_id;

-- The daily run looks for bookings not yet erased by the moment their clock started.
CREATE INDEX bookings_retention_idx ON bookings ((coalesce(cancelled_at, exam_starts_at)))
  WHERE erased_at IS NULL;
-- Test e-mails (no booking) are erased by age.
CREATE INDEX notifications_test_retention_idx ON notifications (created_at)
  WHERE booking_id IS NULL AND erased_at IS NULL;
