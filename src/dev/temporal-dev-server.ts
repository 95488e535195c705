/**
 * A Temporal dev server from the project's own CLI (.tools/venv/bin/temporal, installed by
 * scripts/install-temporal.sh): SQLite persistence in a file (runs survive a restart), its
 * web UI, and the booking search attributes registered at start.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { temporalCliPath } from '../temporal/binaries.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../temporal/search-attributes.js';

export interface TemporalDevServerOptions {
  /** SQLite file of the server's state. */
  dbFile: string;
  /** Where the server's own output goes. */
  logFile: string;
  ip?: string;
  port: number;
  uiPort: number;
  namespace?: string;
  startTimeoutMs?: number;
  /** The codec endpoint the bundled UI decodes payloads through (the API's /codec). */
  uiCodecEndpoint?: string;
  /** How long the namespace keeps closed runs' histories (days). */
  retentionDays?: number;
  /**
   * Where the server's pid is kept. A server left running by a dev process that was killed
   * (SIGKILL, a crash) is found through it and stopped before a new one starts on its file.
   */
  pidFile?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  namespace: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const SA_TYPES: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', KEYWORD_LIST: 'KeywordList' };

export function devServerArgs(o: TemporalDevServerOptions): string[] {
  const args = [
    'server', 'start-dev',
    '--db-filename', o.dbFile,
    '--ip', o.ip ?? '127.0.0.1',
    '--port', String(o.port),
    '--ui-port', String(o.uiPort),
    '--log-level', 'warn',
  ];
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  if (o.uiCodecEndpoint) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  for (const key of BOOKING_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${SA_TYPES[key.type]}`);
  return args;
}

/** Starts the server and resolves once its frontend answers and the search attributes are there. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const address = `${ip}:${options.port}`;
  if (options.pidFile) await stopLeftover(options.pidFile, options.dbFile);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // Its own process group: Ctrl-C in the terminal reaches only the dev process, which stops
  // the worker first and the server last.
  const child: ChildProcess = spawn(temporalCliPath(), devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  if (options.pidFile && child.pid) await writeFile(options.pidFile, `${child.pid}\n`);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      process.removeListener('exit', killOnExit);
      log.end();
      if (options.pidFile) rmSync(options.pidFile, { force: true });
      resolve();
    });
  });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
  };

  try {
    await waitUntilReady(address, namespace, options.startTimeoutMs ?? 60_000, () => exited, () => tail.join(''));
    if (options.retentionDays !== undefined) await setNamespaceRetention(address, namespace, options.retentionDays);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: `http://${ip}:${options.uiPort}`, namespace, pid: child.pid, stop };
}

async function waitUntilReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = BOOKING_SEARCH_ATTRIBUTES.map((k) => k.name);
  let lastError: unknown;
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) {
      throw new Error(`the Temporal dev server exited (code ${gone.code}, signal ${gone.signal}) before it was ready:\n${output()}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const custom = Object.keys(customAttributes ?? {});
      if (wanted.every((n) => custom.includes(n))) return;
      lastError = new Error(`search attributes missing: ${wanted.filter((n) => !custom.includes(n)).join(', ')}`);
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Temporal dev server at ${address} was not ready after ${timeoutMs} ms: ${(lastError as Error)?.message}\n${output()}`);
}

/** Closed runs' histories (sealed patient data included) are deleted after this many days. */
async function setNamespaceRetention(address: string, namespace: string, days: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${days} days`) },
    });
  } finally {
    await connection.close();
  }
}

/** Stops a dev server that an earlier, killed dev process left running on the same file. */
export async function stopLeftover(pidFile: string, dbFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return; // not running (or no /proc: nothing we can check safely)
  }
  if (!cmdline.includes('start-dev') || !cmdline.includes(dbFile)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}
