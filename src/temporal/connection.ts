/**
 * How this service reaches Temporal: Temporal's own environment configuration
 * (@temporalio/envconfig), so a local dev server, a self-hosted cluster (mTLS) or Temporal
 * Cloud (API key or mTLS) are a matter of variables, never of code:
 *
 *   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 *   TEMPORAL_TLS_CLIENT_CERT_PATH|DATA, TEMPORAL_TLS_CLIENT_KEY_PATH|DATA,
 *   TEMPORAL_TLS_SERVER_CA_CERT_PATH|DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*,
 *   and a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE) that the variables override.
 *
 * An API key without TLS settings turns TLS on (Temporal Cloud).
 */
import type { Client, Connection, ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { EnvError, presentEnv } from '../config/env.js';

export interface TemporalConfig {
  address: string;
  namespace: string;
  /** What the worker's NativeConnection and the client's Connection both take. */
  connection: {
    address: string;
    apiKey?: string;
    tls?: NativeConnectionOptions['tls'];
    metadata?: Record<string, string>;
  };
}

/**
 * Reads Temporal's configuration from the environment (and a profile file, if any). Throws
 * EnvError naming the variable when no address can be found or the profile cannot be read.
 */
export function loadTemporalConfig(source: NodeJS.ProcessEnv = process.env, why = 'to reach Temporal'): TemporalConfig {
  let loaded;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: presentEnv(source) });
  } catch (err) {
    throw new EnvError(`TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE: Temporal configuration could not be read: ${(err as Error).message}`);
  }
  const { address, apiKey, tls, metadata } = loaded.connectionOptions;
  if (!address) {
    throw new EnvError(`TEMPORAL_ADDRESS must be set ${why} (host:port, e.g. temporal:7233 or <ns>.<account>.tmprl.cloud:7233), or a Temporal profile must give an address`);
  }
  if (!/^[^\s:/]+:\d+$/.test(address)) throw new EnvError(`TEMPORAL_ADDRESS: must be host:port (got "${address}")`);
  return {
    address,
    namespace: loaded.namespace ?? 'default',
    connection: {
      address,
      ...(apiKey !== undefined && { apiKey: apiKey as string }),
      ...(tls !== undefined && { tls }),
      ...(metadata !== undefined && { metadata: metadata as Record<string, string> }),
    },
  };
}

/** Options for the worker's NativeConnection.connect(). */
export function nativeConnectionOptions(config: TemporalConfig): NativeConnectionOptions {
  return { ...config.connection };
}

/** Options for the client's Connection.connect() / Connection.lazy(). */
export function clientConnectionOptions(config: TemporalConfig): ConnectionOptions {
  return { ...config.connection } as ConnectionOptions;
}

/** Whether anything in the environment points at a Temporal server (else `npm run dev` starts one). */
export function temporalConfigured(source: NodeJS.ProcessEnv = process.env): boolean {
  const env = presentEnv(source);
  return env.TEMPORAL_ADDRESS !== undefined || env.TEMPORAL_CONFIG_FILE !== undefined || env.TEMPORAL_PROFILE !== undefined;
}

/** A readiness probe for the API: the Temporal frontend answers within two seconds. */
export function temporalHealthcheck(connection: Connection, client: Client): () => Promise<void> {
  return async () => {
    await connection.withDeadline(Date.now() + 2000, () => client.workflowService.getSystemInfo({}));
  };
}
