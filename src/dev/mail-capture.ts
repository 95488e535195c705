/**
 * Local e-mail capture for `npm run dev` when SMTP_URL is unset: an SMTP server in this
 * process that accepts everything and keeps each message as a .eml file (exactly the bytes
 * received) next to a .json summary with the envelope — the envelope is the only place where
 * BCC recipients appear, so it is kept beside the message rather than added into it.
 *
 * `startMailPage` serves the captured mail to a person: a list (newest first), each message's
 * envelope, headers and text, its HTML part in a sandbox, and the raw .eml.
 * `npm run mail` prints the same list in the terminal (src/dev/mail-list.ts).
 */
import { simpleParser } from 'mailparser';
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  /** File name without extension: `<dir>/<id>.eml` and `<dir>/<id>.json`. */
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  /** RCPT TO: every address the message was delivered to, BCC included. */
  envelopeTo: string[];
  from: string;
  to: string[];
  subject: string;
  kind: string | null;
  bookingId: string | null;
  messageId: string | null;
  size: number;
}

export interface MailCapture {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const ID = /^[0-9]{8}T[0-9]{9}Z-[0-9a-z]{1,12}$/;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

export async function startMailCapture(options: { dir: string; host?: string; port: number; onMessage?: (m: CapturedMail) => void }): Promise<MailCapture> {
  await mkdir(options.dir, { recursive: true });
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'exam-booking-notifications local mail capture',
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const now = new Date();
        const id = `${stamp(now)}-${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        summarise(id, raw, session.envelope, now)
          .then(async (summary) => {
            await writeFile(path.join(options.dir, `${id}.eml`), raw);
            await writeFile(path.join(options.dir, `${id}.json`), `${JSON.stringify(summary, null, 2)}\n`);
            options.onMessage?.(summary);
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    dir: options.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Envelope = { mailFrom: false | { address: string }; rcptTo: { address: string }[] };

async function summarise(id: string, raw: Buffer, envelope: Envelope, at: Date): Promise<CapturedMail> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const header = (name: string) => {
    const v = parsed.headers.get(name);
    return typeof v === 'string' ? v : null;
  };
  const addresses = (a: typeof parsed.to): string[] =>
    (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? '')).filter(Boolean);
  return {
    id,
    receivedAt: at.toISOString(),
    envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
    envelopeTo: envelope.rcptTo.map((r) => r.address),
    from: parsed.from?.text ?? '',
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    kind: header('x-notification-kind'),
    bookingId: header('x-booking-id'),
    messageId: parsed.messageId ?? null,
    size: raw.length,
  };
}

/** The captured messages in `dir`, newest first. */
export async function listCapturedMail(dir: string): Promise<CapturedMail[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((id) => ID.test(id));
  const out: CapturedMail[] = [];
  for (const id of ids) {
    try {
      out.push(JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as CapturedMail);
    } catch {
      // being written right now, or damaged: skip
    }
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

// ---------------------------------------------------------------------------------------
// The page

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; frame-ancestors 'none'";

function layout(title: string, body: string, refresh = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="5">' : ''}
<title>${esc(title)}</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}th{background:#f4f4f4}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{white-space:pre-wrap;background:#f8f8f8;padding:.8rem}
.kind{font:12px ui-monospace,monospace;background:#eef;padding:0 .3rem;border-radius:3px}iframe{width:100%;height:60vh;border:1px solid #ccc}
</style></head><body>${body}</body></html>`;
}

function listPage(mail: CapturedMail[]): string {
  const rows = mail
    .map(
      (m) => `<tr><td>${esc(m.receivedAt.replace('T', ' ').slice(0, 19))}</td><td><span class="kind">${esc(m.kind ?? '')}</span></td>
<td>${esc(m.bookingId ?? '')}</td><td><a href="/messages/${esc(m.id)}">${esc(m.subject || '(no subject)')}</a></td>
<td>${esc(m.envelopeTo.join(', '))}</td></tr>`,
    )
    .join('\n');
  return layout(
    `Captured mail (${mail.length})`,
    `<h1>Captured mail</h1><p>${mail.length} message(s), newest first; this page refreshes every 5 s.
Nothing here left the machine. <a href="/messages.json">JSON</a></p>
<table><thead><tr><th>received (UTC)</th><th>kind</th><th>booking</th><th>subject</th><th>delivered to (envelope, BCC included)</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">No mail yet.</td></tr>'}</tbody></table>`,
    true,
  );
}

async function messagePage(dir: string, id: string): Promise<string> {
  const summary = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as CapturedMail;
  const parsed = await simpleParser(await readFile(path.join(dir, `${id}.eml`)));
  const headers = [...parsed.headerLines].map((h) => esc(h.line)).join('\n');
  return layout(
    summary.subject,
    `<p><a href="/">← all mail</a> · <a href="/messages/${esc(id)}.eml">raw .eml</a></p>
<h1>${esc(summary.subject)}</h1>
<table><tr><th>envelope from</th><td>${esc(summary.envelopeFrom)}</td></tr>
<tr><th>envelope to (BCC included)</th><td>${esc(summary.envelopeTo.join(', '))}</td></tr>
<tr><th>kind</th><td>${esc(summary.kind ?? '')}</td></tr><tr><th>booking</th><td>${esc(summary.bookingId ?? '')}</td></tr></table>
<h2>Headers</h2><pre>${headers}</pre>
<h2>Text</h2><pre>${esc(parsed.text ?? '')}</pre>
${parsed.html ? `<h2>HTML</h2><iframe sandbox src="/messages/${esc(id)}/html" title="HTML part"></iframe>` : ''}`,
  );
}

export interface MailPage {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves the captured mail of `dir` on its own port. */
export async function startMailPage(options: { dir: string; host?: string; port: number }): Promise<MailPage> {
  const { dir } = options;
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer, csp = PAGE_CSP) =>
      res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': csp, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(body);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    const handle = async () => {
      if (req.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
      if (p === '/') return send(200, 'text/html; charset=utf-8', listPage(await listCapturedMail(dir)));
      if (p === '/messages.json') return send(200, 'application/json', JSON.stringify(await listCapturedMail(dir)));
      const m = /^\/messages\/([^/]+?)(\.eml|\/html)?$/.exec(p);
      if (!m || !ID.test(m[1]!)) return send(404, 'text/plain', 'not found\n');
      const id = m[1]!;
      if (m[2] === '.eml') return send(200, 'message/rfc822', await readFile(path.join(dir, `${id}.eml`)));
      if (m[2] === '/html') {
        const parsed = await simpleParser(await readFile(path.join(dir, `${id}.eml`)));
        // The message's own HTML, sandboxed: no scripts, no remote loads.
        return send(200, 'text/html; charset=utf-8', typeof parsed.html === 'string' ? parsed.html : '', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      }
      return send(200, 'text/html; charset=utf-8', await messagePage(dir, id));
    };
    handle().catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') send(404, 'text/plain', 'not found\n');
      else send(500, 'text/plain', `error: ${err.name}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
