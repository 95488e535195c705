/**
 * `npm run demo`: from nothing, every kind of e-mail happens within two minutes (the issue's
 * promise to a newcomer), and `-- --exit` ends it cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCapturedMail } from '../../src/dev/mail-capture.js';
import { ALL_KINDS } from '../../src/dev/demo.js';
import { Proc, cleanEnv, freePorts } from './support.js';

describe('npm run demo', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes every kind of e-mail happen within two minutes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-demo-'));
    const [api, temporal, ui, smtp, mail, metrics] = await freePorts(6);
    const started = Date.now();
    const demo = Proc.spawn('demo', 'npm', ['run', 'demo', '--', '--exit'], cleanEnv({
      DATA_DIR: dir,
      PORT: String(api),
      DEV_TEMPORAL_PORT: String(temporal),
      DEV_TEMPORAL_UI_PORT: String(ui),
      DEV_SMTP_PORT: String(smtp),
      DEV_MAIL_PORT: String(mail),
      METRICS_PORT: String(metrics),
      LOG_LEVEL: 'warn',
    }));
    const timer = setTimeout(() => demo.kill(), 150_000);
    const exit = await demo.exited;
    clearTimeout(timer);
    const seconds = (Date.now() - started) / 1000;
    console.info(`npm run demo took ${seconds.toFixed(1)} s (start, scenario, stop)`);
    expect(exit.code, demo.text.slice(-3000)).toBe(0);
    expect(demo.text).toMatch(/demo: all 9 kinds of e-mail sent \(19 e-mails\)/);

    const captured = await listCapturedMail(path.join(dir, 'mail'));
    const kinds = new Set(captured.map((m) => m.kind));
    for (const kind of ALL_KINDS) expect(kinds, kind).toContain(kind);
    const first = Math.min(...captured.map((m) => Date.parse(m.receivedAt)));
    const last = Math.max(...captured.map((m) => Date.parse(m.receivedAt)));
    expect(last - first).toBeLessThan(120_000);
  });
});
