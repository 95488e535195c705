import { isGrpcServiceError, type Client } from '@temporalio/client';
import { BOOKING_SEARCH_ATTRIBUTES } from './search-attributes.js';

const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;
const registered = new WeakMap<object, Map<string, Promise<boolean>>>();

/**
 * Whether the client's namespace has every booking search attribute registered, asked once per
 * connection and namespace. A server without the operator API (the time-skipping test server)
 * has none; one that refuses to answer (a key without operator rights) is taken to have them,
 * as a deployment must. Any other error is not remembered: the next call asks again.
 */
export function hasBookingSearchAttributes(client: Client): Promise<boolean> {
  const { connection } = client;
  const { namespace } = client.options;
  let byNamespace = registered.get(connection);
  if (!byNamespace) registered.set(connection, (byNamespace = new Map()));
  const cached = byNamespace.get(namespace);
  if (cached) return cached;
  const answer = connection.operatorService.listSearchAttributes({ namespace }).then(
    ({ customAttributes }) => BOOKING_SEARCH_ATTRIBUTES.every((key) => customAttributes?.[key.name] !== undefined),
    (err: unknown) => {
      if (isGrpcServiceError(err) && err.code === GRPC_UNIMPLEMENTED) return false;
      if (isGrpcServiceError(err) && err.code === GRPC_PERMISSION_DENIED) return true;
      byNamespace.delete(namespace);
      throw err;
    },
  );
  byNamespace.set(namespace, answer);
  return answer;
}
