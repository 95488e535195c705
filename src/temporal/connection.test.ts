import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../config/env.js';
import { loadTemporalConfig, temporalConfigured } from './connection.js';

// No user config file: only what each case gives.
const base = { XDG_CONFIG_HOME: '/nonexistent/ebn-unit' };

describe('Temporal connection from the environment (@temporalio/envconfig)', () => {
  it('a plain address: no TLS, namespace default', () => {
    const c = loadTemporalConfig({ ...base, TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(c).toEqual({ address: 'temporal:7233', namespace: 'default', connection: { address: 'temporal:7233' } });
  });

  it('Temporal Cloud with an API key: TLS is on, the key is sent', () => {
    const c = loadTemporalConfig({
      ...base,
      TEMPORAL_ADDRESS: 'clinic.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'clinic.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
    });
    expect(c.namespace).toBe('clinic.a1b2c');
    expect(c.connection).toMatchObject({ address: 'clinic.a1b2c.tmprl.cloud:7233', apiKey: 'secret-key', tls: true });
  });

  it('mTLS from certificate data, a server name and gRPC metadata', () => {
    const c = loadTemporalConfig({
      ...base,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_DATA: 'CERT',
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
      TEMPORAL_GRPC_META_X_TENANT: 'clinic',
    });
    const tls = c.connection.tls as { serverNameOverride?: string; clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect(tls.serverNameOverride).toBe('temporal.example');
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
    expect(c.connection.metadata).toEqual({ 'x-tenant': 'clinic' });
  });

  it('a profile file, which the variables override', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ebn-envconfig-'));
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.prod]\naddress = "prod.temporal:7233"\nnamespace = "clinics"\n');
    expect(loadTemporalConfig({ ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' })).toMatchObject({
      address: 'prod.temporal:7233',
      namespace: 'clinics',
    });
    expect(loadTemporalConfig({ ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' }).namespace).toBe('other');
    expect(() => loadTemporalConfig({ ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'missing' })).toThrow(/TEMPORAL_PROFILE/);
  });

  it('no address anywhere: an EnvError naming TEMPORAL_ADDRESS', () => {
    expect(() => loadTemporalConfig(base, 'for the worker')).toThrow(EnvError);
    expect(() => loadTemporalConfig(base, 'for the worker')).toThrow(/TEMPORAL_ADDRESS must be set for the worker/);
    expect(() => loadTemporalConfig({ ...base, TEMPORAL_ADDRESS: '' })).toThrow(/TEMPORAL_ADDRESS/);
    expect(temporalConfigured({ TEMPORAL_ADDRESS: '' })).toBe(false);
    expect(temporalConfigured({ TEMPORAL_ADDRESS: 'x:1' })).toBe(true);
  });

  it('the environment check names bad Temporal variables before any connection', () => {
    expect(() => loadEnv({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS: must be true, false, 1 or 0/);
    expect(() => loadEnv({ TEMPORAL_TLS_CLIENT_CERT_DATA: 'CERT' })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH: must be set with the client certificate/);
    expect(() => loadEnv({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' })).toThrow(/TEMPORAL_CONFIG_FILE: names a file that does not exist/);
    expect(() => loadEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});
