-- Re-timing the running bookings after a settings save that changed due-time hours.
-- The row is written in the save's own transaction (an outbox): whoever starts the
-- propagation workflow records started_at; a row left without it (the API died between the
-- commit and the start) is started by the worker's reconciler. The workflow writes its
-- progress here so the API and the admin page can show it.
CREATE TABLE settings_propagations (
  institution_id text    NOT NULL,
  version        integer NOT NULL,
  requested_at   timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  -- Running bookings found through visibility, and those signalled so far.
  found          integer NOT NULL DEFAULT 0 CHECK (found >= 0),
  done           integer NOT NULL DEFAULT 0 CHECK (done >= 0),
  finished_at    timestamptz,
  outcome        text CHECK (outcome IN ('finished', 'superseded')),
  PRIMARY KEY (institution_id, version),
  FOREIGN KEY (institution_id, version) REFERENCES notification_settings (institution_id, version) ON DELETE CASCADE,
  CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
-- The reconciler's question: which saves have no propagation started yet?
CREATE INDEX settings_propagations_unstarted_idx ON settings_propagations (institution_id, version) WHERE started_at IS NULL;
