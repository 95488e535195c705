/**
 * The HTTP API as a Hono app (no listening here: see server.ts). Order of the layers for
 * /api/v1: secure headers → body limit (413) → authentication (401) → rate limit per token
 * (429) → per route: institution and scope (404/403) → validation (400) → handler. Every
 * error leaves through one handler in one shape. Every request gets an id first
 * (hono/request-id: the caller's X-Request-Id when it is sane, else a new UUID), echoed in the
 * X-Request-Id header, in error bodies and in every log line about the request.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { docsRoutes } from './routes/docs.js';
import { recordDeliveryAttempt } from '../metrics/registry.js';
import type { Logger } from 'pino';
import type postgres from 'postgres';
import { adminRoutes } from '../admin/routes.js';
import type { BookingClient } from '../client/booking-client.js';
import type { MailTransport } from '../email/transport.js';
import { metricsHandler } from '../metrics/http.js';
import { EncryptionCodec } from '../codec/encryption-codec.js';
import type { KeyRing } from '../codec/key-ring.js';
import { CODEC_PATH, codecRoutes } from './routes/codec.js';
import type { ApiEnv } from './env.js';
import { authenticate } from './middleware/auth/index.js';
import { bodyLimit } from './middleware/body-limit/index.js';
import { methodNotAllowed } from './middleware/method-not-allowed/index.js';
import { errorHandler, keepJsonSyntaxErrors, notFoundHandler } from './middleware/errors/index.js';
import { DEFAULT_RATE_LIMIT, rateLimit, type RateLimitOptions } from './middleware/rate-limit/index.js';
import { bookingRoutes } from './routes/bookings.js';
import { validationHook } from './routes/common.js';
import { healthRoutes } from './routes/health.js';
import { notificationRoutes } from './routes/notifications.js';
import { settingsRoutes } from './routes/settings.js';
import { tokenRoutes } from './routes/token.js';
import { upcomingRoutes } from './routes/upcoming.js';

export const API_PREFIX = '/api/v1';

export interface ApiDeps {
  sql: postgres.Sql;
  bookings: BookingClient;
  temporal: { healthcheck: () => Promise<void> };
  mail: MailTransport;
  /** Sender of test and resent e-mails when the institution has no address of its own. */
  mailFrom: string;
  logger: Logger;
  /** Per-token limit; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  readyTimeoutMs?: number;
  /** The payload key ring and the namespace it serves: the codec endpoint opens what this ring sealed. */
  keyRing: KeyRing;
  namespace: string;
  /** Temporal UI origins allowed to call the codec endpoint from a browser. */
  uiOrigins?: string[];
  /** The dev stack only: loopback callers use the codec endpoint without a token. */
  codecLoopbackWithoutToken?: boolean;
}

/**
 * Binds the request's logger (a pino child carrying its id), then writes one line per request:
 * route pattern (not the URL, which carries ids), status, time, token id, request id.
 */
function accessLog(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    log.info(
      {
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        tokenId: c.get('auth')?.tokenId,
      },
      'request',
    );
  };
}

export function createApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const logger = deps.logger.child({ component: 'api' });
  const delivery = { sql: deps.sql, mail: deps.mail, mailFrom: deps.mailFrom, logger, onAttempt: recordDeliveryAttempt };

  app.onError(errorHandler(logger));
  app.notFound(methodNotAllowed(() => app.routes, notFoundHandler));

  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.use('*', secureHeaders());
  app.use('*', keepJsonSyntaxErrors());
  app.use(`${API_PREFIX}/*`, async (c, next) => {
    await next();
    // JSON only, never framed, never cached by shared caches: responses carry patient data.
    c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  app.use(`${API_PREFIX}/*`, bodyLimit());
  app.use(`${API_PREFIX}/*`, authenticate(deps.sql));
  if (deps.rateLimit !== false) app.use(`${API_PREFIX}/*`, rateLimit(deps.rateLimit ?? DEFAULT_RATE_LIMIT));

  app.route(API_PREFIX, settingsRoutes({ ...delivery, bookings: deps.bookings }));
  app.route(API_PREFIX, bookingRoutes({ sql: deps.sql, bookings: deps.bookings, logger }));
  app.route(API_PREFIX, upcomingRoutes({ bookings: deps.bookings }));
  app.route(API_PREFIX, notificationRoutes(delivery));
  app.route(API_PREFIX, tokenRoutes());
  app.route('/', healthRoutes({ sql: deps.sql, temporal: deps.temporal, ...(deps.readyTimeoutMs !== undefined && { readyTimeoutMs: deps.readyTimeoutMs }) }));
  app.route('/admin', adminRoutes());
  app.route(
    CODEC_PATH,
    codecRoutes({
      sql: deps.sql,
      codec: new EncryptionCodec(deps.keyRing),
      namespace: deps.namespace,
      uiOrigins: deps.uiOrigins ?? [],
      allowLoopback: deps.codecLoopbackWithoutToken ?? false,
    }),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`ebn_…`) made with `npm run cli -- token create`: scope admin or booking for /api/v1, operator for /codec.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Exam booking notifications API',
      version: '1.0.0',
      description:
        'E-mail notifications about exam bookings for a medical institution\'s staff. Errors are `{ "error": { "code", "message", "details"?, "requestId" } }` (`code` is one of the Error schema\'s list; `requestId` is also the `X-Request-Id` response header); unknown fields are rejected; bodies over 64 KiB answer 413.',
    },
  });
  app.route('/docs', docsRoutes());
  // Prometheus, like the worker's METRICS_PORT: counters by kind and status, no addresses or ids.
  app.get('/metrics', metricsHandler());
  return app;
}
