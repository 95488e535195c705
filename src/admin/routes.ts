/**
 * The admin page ("Notificări examinări › Setări notificări"), served by the API process:
 *
 *   GET /admin            the settings view        GET /admin/assets/<file>  script, style, icon
 *   GET /admin/log        the delivery log view    ?lang=ro|en               choose the language
 *   GET /admin/history    the settings history
 *
 * The page is a client of the public HTTP API (/api/v1) and nothing else: it has no route of
 * its own that reads or changes data. Every answer carries a strict Content-Security-Policy —
 * scripts, styles and requests only from this origin, no inline script — because the page
 * keeps the administrator's token in sessionStorage, where only this origin's script can
 * read it (see docs/admin.md, "Sign-in").
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Locale } from '../domain/types.js';
import { isLocale } from './i18n.js';
import { ADMIN_PREFIX, VIEW_PAGES, type AdminView } from './page.js';

export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LANG_COOKIE = 'ebn_admin_lang';

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The files the page may load; nothing else under assets/ is served (validation.d.ts is not). */
export const ASSET_FILES = ['admin.css', 'common.js', 'settings.js', 'log.js', 'upcoming.js', 'history.js', 'validation.js', 'time.js', 'changes.js', 'icon.svg'] as const;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of ASSET_FILES) {
    const buffer = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    const body = new Uint8Array(buffer.byteLength);
    body.set(buffer);
    const ext = name.slice(name.lastIndexOf('.') + 1);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type: CONTENT_TYPES[ext] ?? 'application/octet-stream', etag });
  }
  return assets;
}

/** `?lang=` when given (and remembered in a cookie), else the remembered choice, else Romanian. */
function chooseLocale(c: Context): { locale: Locale; chosen: boolean } {
  const asked = c.req.query('lang');
  if (isLocale(asked)) return { locale: asked, chosen: true };
  const remembered = getCookie(c, LANG_COOKIE);
  return { locale: isLocale(remembered) ? remembered : 'ro', chosen: false };
}

export function adminRoutes(): Hono {
  const app = new Hono();
  const assets = loadAssets();

  app.use('*', async (c, next) => {
    // /admin/ and /admin/log/ are the same pages as /admin and /admin/log.
    if (c.req.method === 'GET' && c.req.path.length > 1 && c.req.path.endsWith('/')) {
      const url = new URL(c.req.url);
      return c.redirect(url.pathname.replace(/\/+$/, '') + url.search, 308);
    }
    await next();
    c.header('Content-Security-Policy', ADMIN_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  const page = (view: AdminView) => (c: Context) => {
    const { locale, chosen } = chooseLocale(c);
    if (chosen) {
      // Remember the choice (not sensitive) and drop the parameter from the address.
      setCookie(c, LANG_COOKIE, locale, { path: ADMIN_PREFIX, sameSite: 'Strict', httpOnly: true, maxAge: 365 * 24 * 3600 });
      return c.redirect(c.req.path, 303);
    }
    c.header('Cache-Control', 'no-store');
    c.header('Content-Language', locale);
    c.header('Vary', 'Cookie');
    return c.html(VIEW_PAGES[view](locale));
  };

  app.get('/', page('settings'));
  app.get('/log', page('log'));
  app.get('/history', page('history'));
  // The sign-in form posts here only if its script failed: the body (a token) is not read.
  app.post('/', (c) => c.redirect(ADMIN_PREFIX, 303));

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    c.header('ETag', asset.etag);
    // Revalidated on every load, so a new release's script is never mixed with an old page.
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    c.header('Content-Type', asset.type);
    return c.body(asset.body);
  });

  return app;
}
