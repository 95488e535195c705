-- Per-recipient outcomes of every e-mail (docs/behaviour.md, "Per-recipient outcomes").
--
-- recipient_outcomes: one object per envelope recipient, visible then hidden:
--   {address, bcc, outcome: accepted|refused|deferred, code, enhancedCode, response, at}.
-- Empty until an attempt reached the SMTP server, and after erasure (the addresses are personal).
-- 'partial': some recipients accepted the e-mail and others refused it (or never answered
-- within the day of retries).
ALTER TABLE notifications
  ADD COLUMN recipient_outcomes jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(recipient_outcomes) = 'array');

ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('pending', 'sending', 'sent', 'partial', 'failed', 'skipped'));
