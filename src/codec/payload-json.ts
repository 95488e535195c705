/**
 * Payloads in the JSON form of Temporal's remote codec protocol (protobuf JSON: every
 * metadata value and the data are base64): `{ "metadata": { "encoding": "…" }, "data": "…" }`.
 */
import type { Payload } from '@temporalio/common';

export interface PayloadJson {
  metadata?: Record<string, string> | undefined;
  data?: string | undefined;
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const b64 = (value: Uint8Array | null | undefined): string => Buffer.from(value ?? new Uint8Array()).toString('base64');

export function payloadFromJson(json: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, bytes(v)])),
    data: bytes(json.data ?? ''),
  };
}

export function payloadToJson(payload: Payload): PayloadJson {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(payload.data),
  };
}
