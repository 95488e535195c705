/**
 * What the Node HTTP server answers before the app sees a request: limits on the request line
 * and headers, and the timeouts that cut slow or idle connections (docs/operations.md). The
 * answers use the API's error shape so that every status a client can get is in the OpenAPI
 * document (TRANSPORT_RESPONSES).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from './errors.js';

/** Node's own limit on request line + headers (--max-http-header-size); past it, 431 or 414. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A request line longer than this answers 414 (URI Too Long) rather than 431. */
export const MAX_REQUEST_LINE_BYTES = 8 * 1024;

export interface HttpTimeouts {
  /** Time to receive the request line and headers (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (Node's requestTimeout): a slow body is cut after it. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (Node's keepAliveTimeout). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

/** Options for http.createServer: the timeouts, checked every second (Node's default is every 30 s). */
export function serverOptions(t: HttpTimeouts) {
  return {
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, t.headersTimeoutMs),
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

/** Which status an oversized head deserves: 414 when the request line alone is too long. */
export function oversizedHeadStatus(rawPacket: Buffer | undefined): 414 | 431 {
  if (!rawPacket) return 431;
  const end = rawPacket.indexOf('\r\n');
  const lineLength = end < 0 ? rawPacket.length : end;
  return lineLength > MAX_REQUEST_LINE_BYTES ? 414 : 431;
}

function answer(socket: Socket, status: 408 | 414 | 431, code: ErrorCode, message: string): void {
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  const reason = { 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Answers the client errors Node raises before a request reaches the app, in the API's error
 * shape; anything else (a malformed request) keeps Node's plain 400 and closed connection.
 */
export function handleClientErrors(server: Server, t: HttpTimeouts): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    const responding = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || responding) {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const status = oversizedHeadStatus(err.rawPacket);
      if (status === 414) answer(socket, 414, 'uri_too_long', `the request line is longer than ${MAX_REQUEST_LINE_BYTES / 1024} KiB`);
      else answer(socket, 431, 'headers_too_large', `the request line and headers are larger than ${MAX_HEADER_BYTES / 1024} KiB`);
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answer(socket, 408, 'request_timeout', `the request did not arrive within ${t.requestTimeoutMs / 1000} s`);
    } else {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }
  });
}
