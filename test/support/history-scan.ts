/**
 * What an operator without the key would see of a run: its history and its description as the
 * server stores them (raw protobuf, nothing decoded), and — with the key — every payload in
 * them opened, to check that the patient's data is there only sealed.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionCodec } from '../../src/codec/encryption-codec.js';

/** The run's whole history as the server stores it, in protobuf bytes. */
export async function rawHistory(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      ...(nextPageToken && { nextPageToken }),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

/** History and description of a run, raw, as one buffer to search. */
export async function rawRunBytes(client: Client, workflowId: string): Promise<Buffer> {
  const history = temporal.api.history.v1.History.encode(await rawHistory(client, workflowId)).finish();
  const described = await client.workflowService.describeWorkflowExecution({
    namespace: client.options.namespace,
    execution: { workflowId },
  });
  const description = temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(described).finish();
  return Buffer.concat([Buffer.from(history), Buffer.from(description)]);
}

/** The needles found in the bytes (UTF-8), e.g. a patient's name. */
export function found(bytes: Buffer, needles: string[]): string[] {
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));
}

const isPayload = (v: unknown): v is Payload =>
  typeof v === 'object' && v !== null && 'data' in v && 'metadata' in v && (v as Payload).data instanceof Uint8Array;

/** Every payload anywhere in a decoded proto object (events, failures, memo, updates). */
export function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (isPayload(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) payloadsIn(v, out);
  else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) payloadsIn(v, out);
  }
  return out;
}

/** The text of every payload of the run's history, opened with the codec. */
export async function openedHistoryText(client: Client, workflowId: string, codec: EncryptionCodec): Promise<string> {
  const payloads = payloadsIn(await rawHistory(client, workflowId));
  const opened = await codec.decode(payloads);
  return opened.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}
