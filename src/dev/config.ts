/**
 * `npm run dev` reads the service's environment (src/config/env.ts) plus a few variables of
 * its own, for the parts it embeds. All are optional; bad values stop it, by name.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { EnvError, presentEnv } from '../config/env.js';

const port = z.coerce.number().int().min(0).max(65535);

const devSchema = z.object({
  /** gRPC port of the Temporal dev server (its UI is DEV_TEMPORAL_UI_PORT). */
  DEV_TEMPORAL_PORT: port.default(7233),
  DEV_TEMPORAL_UI_PORT: port.default(8233),
  /** The local mail capture: SMTP port and the port of the page that lists captured mail. */
  DEV_SMTP_PORT: port.default(1025),
  DEV_MAIL_PORT: port.default(8025),
  /** The embedded PostgreSQL's port; 0 lets the OS pick one (it is printed at start). */
  DEV_POSTGRES_PORT: port.default(0),
});

export type DevEnv = z.infer<typeof devSchema>;

export function loadDevEnv(source: NodeJS.ProcessEnv = process.env): DevEnv {
  const parsed = devSchema.safeParse(presentEnv(source));
  if (parsed.success) return parsed.data;
  throw new EnvError(`invalid environment:\n  ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('\n  ')}`);
}

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** DATA_DIR, or the project's git-ignored .data/dev. */
export function dataDir(value: string | undefined): string {
  return path.resolve(value ?? path.join(PROJECT_ROOT, '.data', 'dev'));
}
