/** Serves the API app over HTTP with @hono/node-server. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type ApiDeps } from './app.js';

export interface ApiServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  url: string;
  /** Stops accepting connections and waits for open requests to finish. */
  close(): Promise<void>;
}

export async function startApiServer(options: ApiDeps & { port: number; hostname?: string }): Promise<ApiServer> {
  const { port, hostname, ...deps } = options;
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, ...(hostname !== undefined && { hostname }) }, () => resolve(s));
    s.once('error', reject);
  });
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
