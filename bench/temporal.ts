/**
 * The benchmark's Temporal dev server: the project's CLI (.tools/venv/bin/temporal), the
 * arguments of src/dev/temporal-dev-server.ts (file persistence, the booking search
 * attributes) plus SQLite tuned for write throughput (WAL, synchronous=NORMAL) and no UI.
 * Spawned here because startTemporalDevServer takes no extra arguments.
 */
import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { devServerArgs } from '../src/dev/temporal-dev-server.js';
import { temporalCliPath } from '../src/temporal/binaries.js';
import { freeLoopbackPort } from '../src/temporal/runtime.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.js';

export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface BenchTemporal {
  address: string;
  pid: number;
  dbFile: string;
  args: string[];
  version: string;
  stop(): Promise<void>;
}

export async function startBenchTemporal(dbFile: string, opts: { eagerActivities?: boolean } = {}): Promise<BenchTemporal> {
  const port = await freeLoopbackPort();
  const uiPort = await freeLoopbackPort();
  const args = [
    ...devServerArgs({ dbFile, logFile: '', port, uiPort }),
    '--headless',
    ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
    // Off by default on the dev server: an activity scheduled by a workflow task may then be
    // handed to the same worker in the task's answer, saving a poll round trip.
    ...(opts.eagerActivities ? ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'] : []),
  ];
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => {
    if (output.length < 20_000) output += c.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(t);
  };
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  const wanted = BOOKING_SEARCH_ATTRIBUTES.map((k) => k.name);
  for (;;) {
    if (exited) throw new Error(`the Temporal dev server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Temporal dev server was not ready in 60 s:\n${output}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      if (wanted.every((n) => Object.keys(customAttributes ?? {}).includes(n))) break;
    } catch {
      // not up yet
    } finally {
      await connection?.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const version = /Temporal CLI [^\n]*/.exec(output)?.[0] ?? 'unknown';
  return { address, pid: child.pid!, dbFile, args, version, stop };
}
