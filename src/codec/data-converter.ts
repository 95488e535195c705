/**
 * The one data converter of every Temporal client and worker of the service (API, worker,
 * dev stack, demo, benchmark, tests): payloads sealed by the encryption codec, failure
 * messages and stack traces moved into an encoded payload so that they are sealed too.
 */
import type { DataConverter } from '@temporalio/common';
import { fileURLToPath } from 'node:url';
import { EncryptionCodec } from './encryption-codec.js';
import type { KeyRing } from './key-ring.js';

/** Loaded by path: the SDK require()s it in the worker and bundles it into workflow code. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export function payloadDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath };
}
