import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDevEnv } from './config.js';
import { checkDevPorts, devPorts, DevPortError, isBusy, portErrorOf, type DevPort } from './ports.js';

const defaults = { PORT: 3000, METRICS_PORT: 9464, DATABASE_URL: undefined, SMTP_URL: undefined };

function listen(port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe('the ports npm run dev listens on', () => {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('lists each embedded part with the variable that moves it', () => {
    const ports = devPorts(defaults, loadDevEnv({}), true);
    expect(ports.map((p) => [p.variable, p.port])).toEqual([
      ['PORT', 3000],
      ['METRICS_PORT', 9464],
      ['DEV_TEMPORAL_PORT', 7233],
      ['DEV_TEMPORAL_UI_PORT', 8233],
      ['DEV_SMTP_PORT', 1025],
      ['DEV_MAIL_PORT', 8025],
    ]);
    // The API listens on every interface, the rest on loopback.
    expect(ports.find((p) => p.variable === 'PORT')?.host).toBeUndefined();
    expect(ports.filter((p) => p.variable !== 'PORT').every((p) => p.host === '127.0.0.1')).toBe(true);
  });

  it('leaves out what is configured rather than embedded, and ports at 0', () => {
    const ports = devPorts(
      { PORT: 3000, METRICS_PORT: 0, DATABASE_URL: 'postgres://db/x', SMTP_URL: 'smtp://mail:25' },
      loadDevEnv({ DEV_POSTGRES_PORT: '5439' }),
      false,
    );
    expect(ports.map((p) => p.variable)).toEqual(['PORT']);
    expect(devPorts(defaults, loadDevEnv({ DEV_POSTGRES_PORT: '5439' }), true).map((p) => p.variable)).toContain('DEV_POSTGRES_PORT');
  });

  it('names the port and its variable when one is taken, in two lines', async () => {
    const server = await listen(0);
    open.push(server);
    const port = (server.address() as { port: number }).port;
    const ports: DevPort[] = [{ variable: 'DEV_TEMPORAL_UI_PORT', port, host: '127.0.0.1', what: 'the Temporal UI' }];
    const err = await checkDevPorts(ports).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DevPortError);
    const message = (err as Error).message;
    expect(message).toContain(`port ${port} (the Temporal UI) is already in use`);
    expect(message).toContain('set DEV_TEMPORAL_UI_PORT to another port');
    expect(message.split('\n')).toHaveLength(2);
  });

  it('sees a port held on loopback as taken for the API, which listens on every interface', async () => {
    const server = await listen(0);
    open.push(server);
    const port = (server.address() as { port: number }).port;
    expect(await isBusy({ port, host: undefined })).toBe(true);
    await new Promise((r) => server.close(r));
    open.length = 0;
    expect(await isBusy({ port, host: undefined })).toBe(false);
  });

  it('refuses one port given to two parts', async () => {
    const ports = devPorts({ ...defaults, PORT: 8233 }, loadDevEnv({}), true);
    await expect(checkDevPorts(ports)).rejects.toThrow('PORT and DEV_TEMPORAL_UI_PORT are both 8233');
  });

  it('turns a bind that lost the race into the same message', async () => {
    const server = await listen(0);
    open.push(server);
    const port = (server.address() as { port: number }).port;
    const ports: DevPort[] = [
      { variable: 'PORT', port, host: undefined, what: 'the API' },
      { variable: 'DEV_TEMPORAL_PORT', port: 7233, host: '127.0.0.1', what: 'the Temporal dev server' },
    ];
    const bindError = await listen(port).then(() => undefined, (e: unknown) => e);
    expect(portErrorOf(bindError, ports)?.message).toContain('set PORT to another port');
    // The Temporal CLI's own words, inside the error the dev server's start gives.
    const temporal = new Error("the Temporal dev server exited (code 1, signal null) before it was ready:\nError: can't set frontend port 7233: listen tcp 127.0.0.1:7233: bind: address already in use\n");
    expect(portErrorOf(temporal, ports)?.message).toContain('set DEV_TEMPORAL_PORT to another port');
    expect(portErrorOf(new Error('something else'), ports)).toBeUndefined();
  });
});
