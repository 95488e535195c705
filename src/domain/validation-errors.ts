/**
 * zod issues as the API's `details`: `{ field, message }` with the field written the way a
 * person (and the admin page) reads it: `bookingRecipients[3]`, `exam.startsAt`,
 * `bcc[0].email`. The whole body is field "" (e.g. when it is not an object at all).
 */
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["bcc", 0, "email"]` → `bcc[0].email`; keys that are not identifiers are quoted: `a["x y"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/**
 * One entry per issue, and one per unknown key (its full path, message "unknown field").
 * zod's generic "expected string, received undefined" becomes "required".
 */
export function zodIssuesToDetails(error: z.ZodError): FieldError[] {
  const details: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ field: formatPath([...issue.path, key]), message: 'unknown field' });
      continue;
    }
    const message =
      issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'required' : issue.message;
    details.push({ field: formatPath(issue.path), message });
  }
  return details;
}
