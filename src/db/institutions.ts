import type postgres from 'postgres';
import type { Institution, Locale } from '../domain/types.js';

export const INSTITUTION_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class InstitutionNotFoundError extends Error {
  constructor(readonly institutionId: string) {
    super(`institution ${institutionId} does not exist`);
    this.name = 'InstitutionNotFoundError';
  }
}

export class InstitutionExistsError extends Error {
  constructor(readonly institutionId: string) {
    super(`institution ${institutionId} already exists`);
    this.name = 'InstitutionExistsError';
  }
}

export interface CreateInstitutionInput {
  id: string;
  name: string;
  timezone?: string | undefined;
  locale?: Locale | undefined;
  senderName?: string | null | undefined;
  senderEmail?: string | null | undefined;
}

/** Returns the canonical spelling of an IANA zone, or throws a RangeError naming it. */
export function canonicalTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`timezone "${timeZone}" is not a known IANA time zone (e.g. Europe/Bucharest)`);
  }
}

export async function createInstitution(sql: postgres.Sql, input: CreateInstitutionInput): Promise<Institution> {
  if (!INSTITUTION_ID.test(input.id)) {
    throw new RangeError(`institution id "${input.id}" must match ${INSTITUTION_ID.source}`);
  }
  if (!input.name.trim()) throw new RangeError('institution name must not be empty');
  const locale = input.locale ?? 'ro';
  if (locale !== 'ro' && locale !== 'en') throw new RangeError(`locale "${String(locale)}" must be ro or en`);
  const timezone = canonicalTimeZone(input.timezone ?? 'Europe/Bucharest');
  const rows = await sql<Institution[]>`
    INSERT INTO institutions (id, name, timezone, locale, sender_name, sender_email)
    VALUES (${input.id}, ${input.name.trim()}, ${timezone}, ${locale},
            ${input.senderName ?? null}, ${input.senderEmail ?? null})
    ON CONFLICT (id) DO NOTHING
    RETURNING id, name, timezone, locale, sender_name, sender_email`;
  const row = rows[0];
  if (!row) throw new InstitutionExistsError(input.id);
  return row;
}

export async function getInstitution(sql: postgres.Sql, id: string): Promise<Institution | null> {
  const rows = await sql<Institution[]>`
    SELECT id, name, timezone, locale, sender_name, sender_email FROM institutions WHERE id = ${id}`;
  return rows[0] ?? null;
}
