/**
 * Temporal's remote codec protocol, for operators: the Temporal UI ("Codec Server" setting)
 * and `temporal workflow show --codec-endpoint <base> --codec-auth 'Bearer <token>'` send the
 * sealed payloads of a history to `POST <base>/decode` and show what comes back. Only an
 * operator token opens them (src/api/middleware/operator-auth); every use is recorded
 * (who, when, namespace, how many payloads; never content) and counted in /metrics.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type postgres from 'postgres';
import { EncryptionCodec, PayloadDecryptionError } from '../../codec/encryption-codec.js';
import { payloadFromJson, payloadToJson } from '../../codec/payload-json.js';
import { recordCodecRequest } from '../../db/codec-requests.js';
import { zodIssuesToDetails } from '../../domain/validation-errors.js';
import { codecPayloadsTotal, codecRequestsTotal } from '../../metrics/registry.js';
import { ApiError, validationFailed } from '../errors.js';
import { authenticateOperator, type OperatorEnv } from '../middleware/operator-auth/index.js';
import { ERROR_RESPONSES, TRANSPORT_RESPONSES, errorResponse, json, jsonBody } from '../schemas.js';
import { SECURITY } from './common.js';

export const CODEC_PATH = '/codec';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_PAYLOADS = 10_000;

export interface CodecRouteDeps {
  sql: postgres.Sql;
  codec: EncryptionCodec;
  /** The Temporal namespace this service writes to; X-Namespace must name it when sent. */
  namespace: string;
  /** Browser origins (Temporal UIs) allowed to call from a page. */
  uiOrigins: string[];
  /** The dev stack only: loopback callers need no token. */
  allowLoopback: boolean;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const PayloadSchema = z
  .object({
    metadata: z.record(z.string().max(256), base64).optional(),
    data: base64.optional(),
  })
  .meta({ id: 'CodecPayload', description: 'A Temporal Payload in protobuf JSON form: metadata values and data in base64.' });
const PayloadsSchema = z
  .object({ payloads: z.array(PayloadSchema).max(MAX_PAYLOADS) })
  .meta({
    id: 'CodecPayloads',
    // A plain JSON payload, the string "hello": what decode answers and encode takes.
    example: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'ImhlbGxvIg==' }] },
  });
const NamespaceHeader = z.object({
  'X-Namespace': z.string().max(255).optional().meta({ param: { in: 'header', description: 'The Temporal namespace of the payloads.' } }),
});

const operation = (name: 'decode' | 'encode') =>
  createRoute({
    method: 'post',
    path: `/${name}`,
    tags: ['Codec (operators)'],
    summary: name === 'decode' ? 'Decrypt payloads of a Temporal history' : 'Encrypt payloads (e.g. a signal sent from the Temporal UI)',
    description:
      "Temporal's remote codec protocol. Needs an operator token (`npm run cli -- token create --scope operator`). Each call is recorded without content. A payload the key ring cannot open answers 422; a plain payload is returned as it is.",
    security: SECURITY,
    request: { headers: NamespaceHeader, body: jsonBody(PayloadsSchema) },
    responses: {
      200: json(PayloadsSchema, name === 'decode' ? 'The payloads, decrypted.' : 'The payloads, encrypted with the current key.'),
      400: ERROR_RESPONSES[400],
      401: ERROR_RESPONSES[401],
      403: errorResponse('Not an operator token, or another namespace than this service writes to.'),
      413: errorResponse('The body is larger than 4 MiB.'),
      422: errorResponse('A payload is sealed with a key this service does not have, or could not be decrypted.'),
      503: ERROR_RESPONSES[503],
      ...TRANSPORT_RESPONSES,
    },
  });

export function codecRoutes(deps: CodecRouteDeps): OpenAPIHono<OperatorEnv> {
  const app = new OpenAPIHono<OperatorEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(zodIssuesToDetails(result.error));
    },
  });
  // CORS first: a browser's preflight carries no token.
  app.use(
    '*',
    cors({
      origin: (origin) => (deps.uiOrigins.includes(origin) ? origin : null),
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'the request body is larger than 4 MiB');
      },
    }),
  );
  app.use('*', authenticateOperator(deps.sql, { allowLoopback: deps.allowLoopback }));

  for (const name of ['decode', 'encode'] as const) {
    app.openapi(operation(name), async (c) => {
      const caller = c.get('operator');
      const { payloads } = c.req.valid('json');
      const namespace = c.req.valid('header')['X-Namespace'] ?? deps.namespace;
      const record = async (outcome: 'ok' | 'refused') => {
        codecRequestsTotal.inc({ operation: name, outcome });
        if (outcome === 'ok') codecPayloadsTotal.inc({ operation: name }, payloads.length);
        await recordCodecRequest(deps.sql, { operation: name, namespace, payloads: payloads.length, outcome, caller: caller.kind, tokenId: caller.tokenId });
      };
      if (namespace !== deps.namespace) {
        await record('refused');
        throw new ApiError(403, 'namespace_not_served', `this service's payloads are in namespace "${deps.namespace}"`);
      }
      let out;
      try {
        const input = payloads.map(payloadFromJson);
        out = name === 'decode' ? await deps.codec.decode(input) : await deps.codec.encode(input);
      } catch (err) {
        if (!(err instanceof PayloadDecryptionError)) throw err;
        await record('refused');
        throw new ApiError(422, err.reason === 'unknown_key' ? 'unknown_key' : 'decryption_failed', err.message);
      }
      await record('ok');
      return c.json({ payloads: out.map(payloadToJson) }, 200);
    });
  }
  return app;
}
