/**
 * `npm run cli` against the embedded database of a running `npm run dev`: the banner says how
 * (a DATABASE_URL=… line to copy), the CLI creates an institution and an admin token while the
 * dev process keeps answering, and the token works against the running API at once.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Proc, ROOT, cleanEnv, freePorts, waitForHttp } from './support.js';

/** Runs `npm run cli -- …` to its end. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run cli while npm run dev runs on the embedded database', () => {
  let dir: string;
  let dev: Proc | undefined;
  let api: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-dev-cli-'));
    const [port, temporal, ui, smtp, mail] = await freePorts(5);
    dev = Proc.spawn('dev', 'npm', ['run', 'dev'], cleanEnv({
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      DEV_TEMPORAL_PORT: String(temporal),
      DEV_TEMPORAL_UI_PORT: String(ui),
      DEV_SMTP_PORT: String(smtp),
      DEV_MAIL_PORT: String(mail),
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    }));
    await dev.waitForOutput(/exam-booking-notifications is running/, 150_000);
    api = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (dev?.running) await dev.signalGroup('SIGINT');
    dev?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a command line to copy, creates an institution and an admin token, and the token works at once', async () => {
    const line = dev!.text.match(/^ {2}CLI +DATABASE_URL=(postgres:\/\/\S+) npm run cli -- token create --institution default --scope admin$/m);
    expect(line, dev!.text).not.toBeNull();
    const databaseUrl = line![1]!;
    const state = JSON.parse(await readFile(path.join(dir, 'data', 'dev-state.json'), 'utf8')) as { databaseUrl: string };
    expect(state.databaseUrl).toBe(databaseUrl);
    const { adminToken } = JSON.parse(await readFile(path.join(dir, 'data', 'dev-access.json'), 'utf8')) as { adminToken: string };

    // The dev process keeps using the database meanwhile: every answer must still come.
    let stop = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        const res = await fetch(`${api}/api/v1/institutions/default/notification-settings`, { headers: { Authorization: `Bearer ${adminToken}` } });
        statuses.push(res.status);
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100)); // under the API's rate limit
      }
    })().catch(() => statuses.push(-1));

    const env = cleanEnv({ DATABASE_URL: databaseUrl });
    let adminOfNew: string;
    try {
      const made = await cli(['institution', 'create', 'clinica-cli', '--name', 'Clinica CLI'], env);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toContain('institution clinica-cli created');
      const token = await cli(['token', 'create', '--institution', 'clinica-cli', '--scope', 'admin', '--label', 'from the CLI'], env);
      expect(token.code, token.stderr).toBe(0);
      adminOfNew = token.stdout.trim().split('\n').at(-1)!;
      expect(adminOfNew).toMatch(/^ebn_/);
    } finally {
      stop = true;
      await traffic;
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const res = await fetch(`${api}/api/v1/institutions/clinica-cli/notification-settings`, { headers: { Authorization: `Bearer ${adminOfNew}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    await waitForHttp(`${api}/readyz`, (r) => r.status === 200, 10_000);
  });
});
