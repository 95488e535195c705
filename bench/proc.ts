/** CPU and memory of processes, read from /proc (Linux). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Pids of every process whose command name is `comm` (e.g. the PostgreSQL backends). */
export function pidsByComm(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Bytes used by the files whose names start with `base`'s name in its directory (SQLite + -wal + -shm). */
export function diskBytes(base: string): number {
  const dir = path.dirname(base);
  const name = path.basename(base);
  let total = 0;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(name)) total += statSync(path.join(dir, entry)).blocks * 512;
  }
  return total;
}

export interface CpuProbe {
  /** CPU seconds per named group since the probe started, and the wall seconds. */
  stop(): { wallSeconds: number; cpuSeconds: Record<string, number> };
}

/** Starts counting CPU of named groups of processes (a group's pids are re-read at stop for `comm` groups). */
export function cpuProbe(groups: Record<string, () => number[]>): CpuProbe {
  const t0 = Date.now();
  const start = new Map<number, number>();
  for (const pids of Object.values(groups)) for (const pid of pids()) start.set(pid, cpuSeconds(pid));
  return {
    stop() {
      const out: Record<string, number> = {};
      for (const [name, pids] of Object.entries(groups)) {
        let sum = 0;
        for (const pid of pids()) sum += cpuSeconds(pid) - (start.get(pid) ?? 0);
        out[name] = Math.round(sum * 100) / 100;
      }
      return { wallSeconds: (Date.now() - t0) / 1000, cpuSeconds: out };
    },
  };
}
