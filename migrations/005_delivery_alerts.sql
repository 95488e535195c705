-- Delivery alerts: the digest e-mail that tells an institution's alert list which e-mails did
-- not reach someone is logged like every other e-mail, as kind 'alert' (no booking).

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
  'booking-created-staff', 'booking-created-patient',
  'booking-rescheduled-staff', 'booking-rescheduled-patient',
  'booking-cancelled-staff', 'booking-cancelled-patient',
  'payment-reminder-staff', 'payment-reminder-patient', 'test', 'alert'));
