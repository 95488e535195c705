/** Serves the API app over HTTP with @hono/node-server. */
import { serve } from '@hono/node-server';
import type { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { BookingClient } from '../client/booking-client.js';
import { createServiceClient } from '../temporal/client.js';
import { temporalHealthcheck } from '../temporal/connection.js';
import { createApp, type ApiDeps } from './app.js';
import { DEFAULT_HTTP_TIMEOUTS, handleClientErrors, serverOptions, type HttpTimeouts } from './http-limits.js';

export interface ApiServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  url: string;
  /** Stops accepting connections and waits for open requests to finish. */
  close(): Promise<void>;
}

export async function startApiServer(options: ApiDeps & { port: number; hostname?: string; httpTimeouts?: HttpTimeouts }): Promise<ApiServer> {
  const { port, hostname, httpTimeouts = DEFAULT_HTTP_TIMEOUTS, ...deps } = options;
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port, serverOptions: serverOptions(httpTimeouts), ...(hostname !== undefined && { hostname }) },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  handleClientErrors(server as import('node:http').Server, httpTimeouts);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    url: `http://${host === '[::]' || host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Idle keep-alive connections would hold close() open.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}

/** What the API process needs besides a Temporal connection (the rest of ApiDeps has defaults). */
export type ApiProcessOptions = Omit<ApiDeps, 'bookings' | 'temporal'> & {
  port: number;
  hostname?: string;
  httpTimeouts?: HttpTimeouts;
  connection: Connection;
  taskQueue: string;
};

/**
 * Starts the API over a Temporal connection: the booking client and the readiness probe
 * both come from it. Shared by `npm run api` and the dev stack, which also uses the clients.
 */
export async function startApiOverTemporal(
  options: ApiProcessOptions,
): Promise<{ api: ApiServer; client: Client; bookings: BookingClient }> {
  const { connection, taskQueue, ...rest } = options;
  const client = createServiceClient({ connection, namespace: rest.namespace, keyRing: rest.keyRing });
  const bookings = new BookingClient({ client, sql: rest.sql, taskQueue });
  const api = await startApiServer({ ...rest, bookings, temporal: { healthcheck: temporalHealthcheck(connection, client) } });
  return { api, client, bookings };
}
