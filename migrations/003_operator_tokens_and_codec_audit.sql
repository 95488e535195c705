-- Operator tokens (deployment-wide: they read decrypted Temporal histories through the codec
-- endpoint, never an institution's API) and the record of every use of the codec endpoint.

ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('admin', 'booking', 'operator'));
ALTER TABLE api_tokens ALTER COLUMN institution_id DROP NOT NULL;
-- An institution's tokens name it; an operator's names none.
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_institution_scope_check
  CHECK ((scope = 'operator') = (institution_id IS NULL));

-- Who decoded (or encoded) how many payloads of which namespace, and when. Never content.
CREATE TABLE codec_requests (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  operation   text NOT NULL CHECK (operation IN ('decode', 'encode')),
  namespace   text NOT NULL,
  payloads    integer NOT NULL CHECK (payloads >= 0),
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'refused')),
  -- 'token': an operator token (token_id says which); 'loopback': the dev stack's local caller.
  caller      text NOT NULL CHECK (caller IN ('token', 'loopback')),
  token_id    text REFERENCES api_tokens(id) ON DELETE SET NULL
);
CREATE INDEX codec_requests_at_idx ON codec_requests (at DESC);
