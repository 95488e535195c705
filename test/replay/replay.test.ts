/**
 * Replays every committed workflow history against the current workflow code. A change to
 * the workflow that would break a running booking (a non-deterministic change not guarded
 * by `patched()`) fails here. They replay through the service's data converter (payload
 * encryption, encoded failures): histories written before encryption existed hold plain
 * payloads, which the codec passes through, so those bookings keep running.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { payloadDataConverter } from '../../src/codec/data-converter.js';
import { testKeyRing } from '../support/keys.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb')).sort();
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

describe('recorded histories', () => {
  it('are committed', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('replay against the current workflow code, through the encrypting data converter', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.binpb$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(`${dir}${file}`)),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath, dataConverter: payloadDataConverter(testKeyRing()) }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
