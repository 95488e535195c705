/**
 * Replays every committed workflow history against the current workflow code. A change to
 * the workflow that would break a running booking (a non-deterministic change not guarded
 * by `patched()`) fails here. They replay through the service's data converter (payload
 * encryption, encoded failures): histories written before encryption existed hold plain
 * payloads, which the codec passes through, so those bookings keep running; `*-sealed` ones
 * were recorded sealed with the fixed test key ring.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { payloadDataConverter } from '../../src/codec/data-converter.js';
import { fixedTestKeyRing } from '../support/keys.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb')).sort();
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

describe('recorded histories', () => {
  it('are committed, from before and after payload encryption', () => {
    expect(files.filter((f) => !f.endsWith('-sealed.binpb')).length).toBeGreaterThanOrEqual(6);
    expect(files.filter((f) => f.endsWith('-sealed.binpb')).length).toBeGreaterThanOrEqual(6);
  });

  it('include runs whose settings re-read before sending was a local activity (patch settings-reread-local-activity)', () => {
    const withLocal = files.filter((file) => {
      const history = temporal.api.history.v1.History.decode(readFileSync(`${dir}${file}`));
      return history.events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    });
    expect(withLocal.length).toBeGreaterThanOrEqual(3);
  });

  it('replay against the current workflow code, through the encrypting data converter', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.binpb$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(`${dir}${file}`)),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath, dataConverter: payloadDataConverter(fixedTestKeyRing()) }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
