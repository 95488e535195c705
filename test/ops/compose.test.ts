/**
 * docker-compose.yml and the Dockerfile, checked without Docker (none runs here): the compose
 * file parses, every service the code needs is configured with every variable the code reads
 * (validated by the same code the processes run at start), hostnames name services, files
 * it mounts exist, every image is pinned, and the image is multi-stage and non-root.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { API_REQUIRED_VARS, ENV_VARIABLES, WORKER_REQUIRED_VARS, loadEnv, requireVars } from '../../src/config/env.js';
import { loadTemporalConfig } from '../../src/temporal/connection.js';
import { ROOT } from './support.js';
import { generateKeyEntry, loadKeyRing } from '../../src/codec/key-ring.js';

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean> | string[];
  command?: string[] | string;
  entrypoint?: string[] | string;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  user?: string;
  healthcheck?: { test: string[] | string };
}

const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true, uniqueKeys: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;

/** Variables the shell must set (`${VAR:?message}`: compose refuses to start without them), as a test sets them. */
const SHELL: Record<string, string> = { PAYLOAD_KEYS: generateKeyEntry('compose-test') };

/** What `docker compose` makes of `${VAR:-default}` and `${VAR:?message}` with only SHELL set. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (op === '?') {
      if (SHELL[name] === undefined) throw new Error(`compose would refuse to start: ${arg}`);
      return SHELL[name]!;
    }
    return SHELL[name] ?? arg ?? '';
  });
}

function environment(name: string): Record<string, string> {
  const env = services[name]!.environment ?? {};
  const entries = Array.isArray(env) ? env.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(String(v))]));
}

const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

/** Services running the service's own code, by entry point. */
const byEntry = (entry: string) => Object.keys(services).filter((n) => commandOf(services[n]!).includes(entry));

describe('docker-compose.yml', () => {
  it('parses as YAML without errors or duplicate keys, and has the production-like services', () => {
    const doc = parseDocument(composeText, { merge: true, uniqueKeys: true });
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    // PostgreSQL, Temporal (schema set-up, server, namespace), its UI, a mail catcher, the service.
    for (const name of ['postgres', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'mailpit', 'migrate', 'api', 'worker']) {
      expect(services, name).toHaveProperty(name);
    }
    // The image runs the compiled code (`npm run build`: src/<x>.ts → dist/<x>.js).
    expect(byEntry('dist/api/main.js')).toEqual(['api']);
    expect(byEntry('dist/worker.js')).toEqual(['worker']);
    expect(byEntry('dist/db/migrate-cli.js')).toEqual(['migrate']);
    for (const name of ['api', 'worker', 'migrate']) expect(commandOf(services[name]!)).not.toContain('tsx');
    for (const entry of ['src/api/main.ts', 'src/worker.ts', 'src/db/migrate-cli.ts']) expect(existsSync(path.join(ROOT, entry)), entry).toBe(true);
    const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { compilerOptions: Record<string, string> };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });

  it('gives the API and the worker every variable they need, valid by the checks they run at start', () => {
    for (const [name, required] of [
      ['api', API_REQUIRED_VARS],
      ['worker', WORKER_REQUIRED_VARS],
    ] as const) {
      const env = environment(name);
      const parsed = requireVars(loadEnv(env), required, `for ${name}`);
      const temporal = loadTemporalConfig(env, `for ${name}`);
      expect(temporal.address).toBe('temporal:7233');
      // No variable the code does not know (a typo would be silently ignored).
      for (const key of Object.keys(env)) expect(ENV_VARIABLES as string[], `${name}: ${key}`).toContain(key);
      // A real sender, not the placeholder default.
      expect(env.MAIL_FROM, `${name}: MAIL_FROM`).toBeTruthy();
      expect(parsed.MAIL_FROM).not.toContain('localhost');
    }
    // Both seal with the same key ring, which the shell must give (compose refuses to start without it).
    expect(environment('api').PAYLOAD_KEYS).toBe(environment('worker').PAYLOAD_KEYS);
    expect(loadKeyRing(environment('api')).current.id).toBe('compose-test');
    expect(composeText).toMatch(/PAYLOAD_KEYS: \$\{PAYLOAD_KEYS:\?[^}]+key create\)\}/);
    // The UI decodes through the API's codec endpoint, and the API lets the UI's origin call it.
    const ui = environment('temporal-ui');
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:3000/codec');
    expect(environment('api').TEMPORAL_UI_ORIGINS).toBe('http://localhost:8080');
    // The worker serves /metrics on the port its health check asks.
    expect(environment('worker').METRICS_PORT).toBe('9464');
    expect(JSON.stringify(services.worker!.healthcheck)).toContain('9464/metrics');
    expect(JSON.stringify(services.api!.healthcheck)).toContain('/readyz');
  });

  it('points the API and the worker at the same database, mail server, Temporal namespace and task queue', () => {
    const api = environment('api');
    const worker = environment('worker');
    for (const key of ['DATABASE_URL', 'SMTP_URL', 'MAIL_FROM', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE']) {
      expect(api[key], key).toBeDefined();
      expect(worker[key], key).toBe(api[key]);
    }
    expect(environment('migrate').DATABASE_URL).toBe(api.DATABASE_URL);
    expect(environment('temporal-namespace').TEMPORAL_NAMESPACE).toBe(api.TEMPORAL_NAMESPACE);
  });

  it('names only hosts that are services of the file', () => {
    const api = environment('api');
    expect(services).toHaveProperty(new URL(api.DATABASE_URL!).hostname);
    expect(services).toHaveProperty(new URL(api.SMTP_URL!).hostname);
    expect(services).toHaveProperty(api.TEMPORAL_ADDRESS!.split(':')[0]!);
    expect(services).toHaveProperty(environment('temporal').POSTGRES_SEEDS!);
    expect(services).toHaveProperty(environment('temporal-schema').POSTGRES_SEEDS!);
    expect(services).toHaveProperty(environment('temporal-ui').TEMPORAL_ADDRESS!.split(':')[0]!);
    // Temporal persists in PostgreSQL.
    expect(environment('temporal').DB).toBe('postgres12');
  });

  it('starts in order: dependencies exist, and one-shot jobs are waited for', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(services, `${name} depends on ${d}`).toHaveProperty(d);
    }
    const cond = (s: string, d: string) => (services[s]!.depends_on as Record<string, { condition: string }>)[d]?.condition;
    expect(cond('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    for (const s of ['api', 'worker']) {
      expect(cond(s, 'migrate')).toBe('service_completed_successfully');
      expect(cond(s, 'temporal-namespace')).toBe('service_completed_successfully');
    }
  });

  it('mounts only files that exist in the repository, and the scripts register the search attributes', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.')) {
          expect(compose.volumes ?? {}, `${name}: named volume ${source}`).toHaveProperty(source);
          continue;
        }
        expect(existsSync(path.join(ROOT, source)), `${name}: ${source}`).toBe(true);
      }
    }
    const script = readFileSync(path.join(ROOT, 'deploy/temporal/create-namespace.sh'), 'utf8');
    for (const sa of ['InstitutionId=Keyword', 'ExamStartsAt=Datetime', 'BookingStatus=Keyword', 'NextNotificationAt=Datetime']) expect(script).toContain(sa);
    // Closed runs are kept no longer than the shortest retentionDays (7), on create and on every start.
    expect(environment('temporal-namespace').TEMPORAL_NAMESPACE_RETENTION).toBe('7d');
    expect(script).toMatch(/namespace create [^\n]*--retention "\$RETENTION"/);
    expect(script).toMatch(/namespace update [^\n]*--retention "\$RETENTION"/);
  });

  it('pins every image to an exact version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build !== undefined) continue; // built here from the Dockerfile (checked below)
      // A full release (major.minor[.patch], PostgreSQL's are major.minor), never a moving tag.
      expect(s.image, name).toMatch(/^[a-z0-9./_-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$|@sha256:[0-9a-f]{64}$/);
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const froms = [...text.matchAll(/^FROM (\S+)(?: AS (\w+))?$/gim)].map((m) => ({ image: m[1]!, stage: m[2] }));

  it('is multi-stage, with every base image pinned', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const stages = new Set(froms.map((f) => f.stage).filter(Boolean));
    for (const { image } of froms) {
      const resolved = image.replace(/^\$\{(\w+)\}$/, (_m, a: string) => args[a] ?? image);
      if (stages.has(resolved)) continue;
      expect(resolved).toMatch(/^[a-z0-9./_-]+:\d+\.\d+\.\d+(-[a-z0-9.-]+)?$|@sha256:[0-9a-f]{64}$/);
    }
  });

  it('builds once and runs dist/ as a non-root user with production dependencies only', () => {
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER (node|\d{4,})$/m);
    expect(runtime).toMatch(/--from=deps/);
    expect(text).toMatch(/npm ci --omit=dev/);
    // One build stage runs `npm run build`; the runtime copies its dist/ and no sources.
    expect(text.match(/^RUN npm run build$/gm)).toHaveLength(1);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).not.toMatch(/^COPY (src|\.) /m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/api\/main\.js"\]$/m);
    // tsx is for development: the compiled code needs none of it.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    for (const script of ['start', 'start:worker', 'start:migrate']) expect(pkg.scripts[script], script).toMatch(/^node dist\//);
    // Production code imports nothing that `npm ci --omit=dev` leaves out.
    const devOnly = ['@electric-sql/pglite', 'smtp-server', 'mailparser', 'vitest', '@temporalio/testing', 'tsx'];
    const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('dev/'),
    );
    for (const f of files) {
      const source = readFileSync(path.join(ROOT, 'src', f), 'utf8');
      for (const dep of devOnly) expect(source, `src/${f} imports ${dep}`).not.toMatch(new RegExp(`from '${dep}(/[^']*)?'`));
    }
  });
});
