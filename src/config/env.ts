import { z } from 'zod';

/**
 * The process environment of SPEC section 8, validated at start: a bad value stops the
 * process with a message that names the variable.
 */
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.email().default('notificari@localhost.localdomain'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('booking-notifications'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses the environment; throws EnvError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  throw new EnvError(`invalid environment:\n  ${lines.join('\n  ')}`);
}

/** Variables a process cannot run without. */
export function requireVars<K extends keyof Env>(env: Env, names: K[], why: string): Env & { [P in K]-?: NonNullable<Env[P]> } {
  const missing = names.filter((n) => env[n] === undefined);
  if (missing.length > 0) throw new EnvError(`${missing.join(', ')} must be set ${why}`);
  return env as Env & { [P in K]-?: NonNullable<Env[P]> };
}
