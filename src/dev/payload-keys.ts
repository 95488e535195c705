/**
 * `npm run dev` encrypts like production: without PAYLOAD_KEYS / PAYLOAD_KEYS_FILE it makes a
 * key once and keeps it in the (git-ignored) data folder, so a restart still reads the
 * bookings it wrote before.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { presentEnv } from '../config/env.js';
import { generateKeyEntry, loadKeyRing, parseKeyRing, type KeyRing } from '../codec/key-ring.js';

export const DEV_KEY_FILE = 'payload-keys';

export async function devKeyRing(dataDir: string, source: NodeJS.ProcessEnv): Promise<{ ring: KeyRing; file: string | undefined }> {
  const env = presentEnv(source);
  if (env.PAYLOAD_KEYS !== undefined || env.PAYLOAD_KEYS_FILE !== undefined) return { ring: loadKeyRing(source), file: undefined };
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (!existsSync(file)) {
    await writeFile(file, `# npm run dev's payload key ring (first key encrypts). Never use it in production.\n${generateKeyEntry('dev-1')}\n`, {
      mode: 0o600,
      flag: 'wx',
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  return { ring: parseKeyRing(await readFile(file, 'utf8')), file };
}
