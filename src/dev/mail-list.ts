/**
 * `npm run mail`: lists the e-mails that `npm run dev` captured (DATA_DIR/mail), newest first.
 * `npm run mail -- <id>` prints one message's text part. The same list is on the page whose
 * URL `npm run dev` prints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { dataDir } from './config.js';
import { listCapturedMail } from './mail-capture.js';

const dir = path.join(dataDir(process.env.DATA_DIR || undefined), 'mail');
const id = process.argv[2];
if (id) {
  const parsed = await simpleParser(await readFile(path.join(dir, `${path.basename(id)}.eml`)));
  process.stdout.write(`Subject: ${parsed.subject ?? ''}\nFrom: ${parsed.from?.text ?? ''}\nTo: ${[parsed.to ?? []].flat().map((a) => a.text).join(', ')}\n\n${parsed.text ?? ''}\n`);
} else {
  const mail = await listCapturedMail(dir);
  if (mail.length === 0) process.stdout.write(`no captured mail in ${dir}\n`);
  for (const m of mail) {
    process.stdout.write(`${m.id}  ${m.receivedAt.slice(0, 19)}  ${(m.kind ?? '').padEnd(27)}  ${(m.bookingId ?? '').padEnd(20)}  ${m.subject}\n    to: ${m.envelopeTo.join(', ')}\n`);
  }
}
