/**
 * `npm run dev` with one of its ports already taken: it stops before starting anything, with
 * a short message naming the port and the variable that moves it, exit code 1, no stack trace,
 * and nothing of it (no Temporal dev server) left running.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBusy } from '../../src/dev/ports.js';
import { Proc, cleanEnv, freePorts, processesUsing } from './support.js';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm run dev with a port already in use', () => {
  let dir: string;
  let ports: { api: number; temporal: number; ui: number; smtp: number; mail: number; metrics: number };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-dev-ports-'));
    const [api, temporal, ui, smtp, mail, metrics] = await freePorts(6);
    ports = { api: api!, temporal: temporal!, ui: ui!, smtp: smtp!, mail: mail!, metrics: metrics! };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (busy: number) => {
    const holder = await occupy(busy);
    const data = path.join(dir, `data-${busy}`);
    try {
      const dev = Proc.spawn('dev', 'npm', ['run', 'dev'], cleanEnv({
        DATA_DIR: data,
        PORT: String(ports.api),
        DEV_TEMPORAL_PORT: String(ports.temporal),
        DEV_TEMPORAL_UI_PORT: String(ports.ui),
        DEV_SMTP_PORT: String(ports.smtp),
        DEV_MAIL_PORT: String(ports.mail),
        METRICS_PORT: String(ports.metrics),
        LOG_LEVEL: 'warn',
      }));
      const timer = setTimeout(() => dev.kill(), 90_000);
      const exit = await dev.exited;
      clearTimeout(timer);
      return { exit, text: dev.text, data };
    } finally {
      await new Promise((r) => holder.close(r));
    }
  };

  const expectNothingStarted = async (data: string, text: string) => {
    expect(text).not.toMatch(/^\s+at /m); // no stack trace
    expect(text).not.toContain('starting the Temporal dev server');
    expect(processesUsing(data)).toEqual([]);
    for (const port of [ports.temporal, ports.ui, ports.smtp, ports.mail, ports.metrics]) expect(await isBusy({ port, host: '127.0.0.1' }), `port ${port}`).toBe(false);
  };

  it('the API port: names PORT and exits 1', async () => {
    const { exit, text, data } = await run(ports.api);
    expect(exit.code, text).toBe(1);
    expect(text).toContain(`npm run dev: port ${ports.api} (the API) is already in use.\nStop what listens on it, or set PORT to another port.`);
    await expectNothingStarted(data, text);
  });

  it('the Temporal UI port: names DEV_TEMPORAL_UI_PORT and exits 1, with no Temporal dev server left', async () => {
    const { exit, text, data } = await run(ports.ui);
    expect(exit.code, text).toBe(1);
    expect(text).toContain(`npm run dev: port ${ports.ui} (the Temporal UI) is already in use.\nStop what listens on it, or set DEV_TEMPORAL_UI_PORT to another port.`);
    await expectNothingStarted(data, text);
    expect(await isBusy({ port: ports.ui, host: '127.0.0.1' })).toBe(false);
  });
});
