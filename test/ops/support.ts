/**
 * Helpers for the operations tests: child processes started the way an operator starts them
 * (npm scripts, `node --import tsx …`), free ports, and polling HTTP endpoints.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../src/temporal/runtime.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Variables of the service that the test runner's own environment must not leak into a child. */
export const SERVICE_VARS = [
  'PORT', 'DATABASE_URL', 'SMTP_URL', 'MAIL_FROM', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_CONFIG_FILE', 'TEMPORAL_PROFILE', 'METRICS_PORT', 'DATA_DIR', 'LOG_LEVEL',
  'PAYLOAD_KEYS', 'PAYLOAD_KEYS_FILE', 'TEMPORAL_UI_ORIGINS',
  'HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS', 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 'WORKER_MAX_CONCURRENT_ACTIVITIES', 'SMTP_POOL_SIZE',
];

/** Where a service process runs from: the sources through tsx (`npm run worker`), or dist/ as a deployment runs it (`npm run start:worker`, the image). */
export type ProcessSource = 'sources' | 'dist';

/** node's arguments for an entry point named by its source file (e.g. src/worker.ts). */
export function entryArgs(entry: string, from: ProcessSource): string[] {
  return from === 'dist' ? [entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')] : ['--import', 'tsx', entry];
}

/** `npm run build`, as CI and the image do; rejects with its output when it fails. */
export function buildDist(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`npm run build failed:\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SERVICE_VARS) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('DEV_') || k.startsWith('TEMPORAL_TLS_')) delete env[k];
  // Temporal's envconfig would also read ~/.config/temporalio/temporal.toml: not in tests.
  return { ...env, XDG_CONFIG_HOME: '/nonexistent/ebn-test-config', ...extra };
}

export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freeLoopbackPort());
  return [...ports];
}

export class Proc {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private listeners: Array<() => void> = [];

  constructor(readonly child: ChildProcess, readonly name: string) {
    const collect = (c: Buffer) => {
      this.output.push(c.toString());
      for (const l of this.listeners) l();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
    // Its own process group, so a signal can reach every process of it like Ctrl-C does.
    return new Proc(spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }), name);
  }

  get text(): string {
    return this.output.join('');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the output matches, rejects if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.text.match(pattern);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms; output:\n${this.text.slice(-4000)}`));
      }, timeoutMs);
      const onExit = () => {
        setTimeout(() => {
          const m = this.text.match(pattern);
          done();
          if (m) resolve(m);
          else reject(new Error(`${this.name} exited before ${pattern}; output:\n${this.text.slice(-4000)}`));
        }, 50);
      };
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        this.child.off('exit', onExit);
      };
      this.listeners.push(check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends `signal` to the whole process group (as a terminal's Ctrl-C does) and waits for the exit. */
  async signalGroup(signal: NodeJS.Signals, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running && this.child.pid) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => this.kill(), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  kill(): void {
    if (this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export async function waitForHttp(url: string, ok: (res: Response) => boolean, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (ok(res)) return res;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms: ${last}`);
}

export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}


/** Command lines of running processes that mention `text` (e.g. a data folder), this one aside. */
export function processesUsing(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
