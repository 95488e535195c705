import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../replay/histories/', import.meta.url));

/**
 * With RECORD_HISTORIES=1, saves a finished run's history under test/replay/histories, where
 * the replay test checks that today's workflow code still replays it deterministically.
 * Stored as the binary protobuf (`.binpb`, what `temporal workflow show` also reads and
 * writes); never overwrites a committed history. Histories recorded since payloads are sealed
 * carry the suffix `-sealed` and are sealed with the fixed test ring of test/support/keys.ts,
 * which the replay test opens them with.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  await writeFile(`${dir}${name}-sealed.binpb`, bytes, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
