/**
 * The admin page's routes without a server: the HTML in both languages, the security headers,
 * the assets, and that nothing in the page needs an inline script or style.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientStrings } from './i18n.js';
import { ADMIN_CSP, adminRoutes, ASSET_FILES } from './routes.js';

const app = new Hono().route('/admin', adminRoutes());
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

/** The JSON the page hands its script (`<script type="application/json" id="admin-strings">`). */
function dataBlock(html: string): unknown {
  const m = /<script type="application\/json" id="admin-strings">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!);
}

describe('GET /admin and /admin/log', () => {
  it.each([
    ['/admin', 'Notificări examinări › Setări notificări', 'settings.js'],
    ['/admin/log', 'Notificări examinări › Jurnal de livrare', 'log.js'],
  ])('%s answers Romanian HTML by default, with a strict CSP', async (path, heading, script) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(ADMIN_CSP);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="ro">');
    expect(html).toContain(`<h1>${heading}</h1>`);
    expect(html).toContain(`<script type="module" src="/admin/assets/${script}"></script>`);
    expect(dataBlock(html)).toEqual(clientStrings('ro'));
  });

  it('has no inline script, inline style or event-handler attribute (the CSP would block them)', async () => {
    for (const path of ['/admin', '/admin/log']) {
      const html = await (await get(path)).text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
      for (const attrs of scripts) expect(attrs).toMatch(/src="\/admin\/assets\/[a-z]+\.js"|type="application\/json"/);
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/\son[a-z]+=/);
      expect(html).not.toMatch(/<style/);
    }
    expect(ADMIN_CSP).toContain("script-src 'self'");
    expect(ADMIN_CSP).not.toContain('unsafe');
  });

  it('switches to English with ?lang=en, remembers it in a cookie, and drops the parameter', async () => {
    const res = await get('/admin/log?lang=en');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/log');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ebn_admin_lang=en;/);
    expect(cookie).toContain('SameSite=Strict');
    const page = await get('/admin/log', { cookie: 'ebn_admin_lang=en' });
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Exam notifications › Delivery log</h1>');
    expect(html).toContain('href="/admin/log?lang=ro"');
    expect(dataBlock(html)).toEqual(clientStrings('en'));
    // Anything else is Romanian.
    expect(await (await get('/admin', { cookie: 'ebn_admin_lang=fr' })).text()).toContain('<html lang="ro">');
    expect((await get('/admin?lang=fr')).status).toBe(200);
  });

  it('redirects the trailing-slash forms', async () => {
    const res = await get('/admin/');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/admin');
    expect((await get('/admin/log/')).headers.get('location')).toBe('/admin/log');
  });

  it('never reads the body of a sign-in form posted without its script', async () => {
    const res = await app.request('/admin', { method: 'POST', body: 'token=ebn_secret' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
  });
});

describe('GET /admin/assets/:name', () => {
  it.each(ASSET_FILES.map((f) => [f]))('serves %s with its type and an ETag, revalidated', async (name) => {
    const res = await get(`/admin/assets/${name}`);
    expect(res.status).toBe(200);
    const type = res.headers.get('content-type') ?? '';
    if (name.endsWith('.js')) expect(type).toBe('text/javascript; charset=utf-8');
    if (name.endsWith('.css')) expect(type).toBe('text/css; charset=utf-8');
    if (name.endsWith('.svg')) expect(type).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag')!;
    expect((await get(`/admin/assets/${name}`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('serves nothing else', async () => {
    for (const name of ['validation.d.ts', 'nope.js', '..%2Froutes.ts', '%2e%2e%2fi18n.ts']) {
      expect((await get(`/admin/assets/${name}`)).status).toBe(404);
    }
    expect((await get('/admin/routes.ts')).status).toBe(404);
  });

  it('scripts import only this origin’s modules', async () => {
    for (const name of ASSET_FILES.filter((f) => f.endsWith('.js'))) {
      const source = await (await get(`/admin/assets/${name}`)).text();
      for (const m of source.matchAll(/^import .* from '([^']+)';$/gm)) expect(m[1]).toMatch(/^\.\/[a-z]+\.js$/);
      expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      expect(source).not.toMatch(/localStorage/);
    }
  });
});
