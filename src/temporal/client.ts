import { Client, type Connection } from '@temporalio/client';
import { payloadDataConverter } from '../codec/data-converter.js';
import type { KeyRing } from '../codec/key-ring.js';

/** A Temporal client of the service: every payload it sends is sealed with the key ring. */
export function createServiceClient(options: { connection: Connection; namespace?: string; keyRing: KeyRing }): Client {
  return new Client({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    dataConverter: payloadDataConverter(options.keyRing),
  });
}
