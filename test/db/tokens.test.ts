import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../src/api/env.js';
import { authenticate, authorize } from '../../src/api/middleware/auth/index.js';
import { errorHandler } from '../../src/api/middleware/errors/index.js';
import { createApiToken, findActiveToken, revokeApiToken, TokenNotFoundError } from '../../src/db/tokens.js';
import { hashToken } from '../../src/domain/tokens.js';
import { createLogger } from '../../src/logger.js';
import { useTestDatabase } from '../support/database.js';

describe('token store and middleware', () => {
  const db = useTestDatabase(['clinica-a', 'clinica-b']);

  it('stores only the hash, finds live tokens, forgets revoked ones', async () => {
    const { token, record } = await createApiToken(db.sql, { institutionId: 'clinica-a', scope: 'admin', label: 'Ana' });
    expect(record).toMatchObject({ institutionId: 'clinica-a', scope: 'admin', label: 'Ana', revokedAt: null });
    const [row] = await db.sql<{ tokenHash: string }[]>`SELECT token_hash FROM api_tokens WHERE id = ${record.id}`;
    expect(row!.tokenHash).toBe(hashToken(token));
    expect(await findActiveToken(db.sql, token)).toEqual(record);
    expect(await findActiveToken(db.sql, `${token.slice(0, -1)}A`)).toBeNull();
    expect(await findActiveToken(db.sql, 'not a token')).toBeNull();
    const revoked = await revokeApiToken(db.sql, record.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await revokeApiToken(db.sql, record.id)).revokedAt).toBe(revoked.revokedAt);
    expect(await findActiveToken(db.sql, token)).toBeNull();
    await expect(revokeApiToken(db.sql, 'tok_missing')).rejects.toBeInstanceOf(TokenNotFoundError);
    await expect(createApiToken(db.sql, { institutionId: 'clinica-a', scope: 'root' as 'admin' })).rejects.toThrow(RangeError);
  });

  it('authenticate → 401, authorize → 404 for another institution, 403 for another scope', async () => {
    const admin = await createApiToken(db.sql, { institutionId: 'clinica-a', scope: 'admin' });
    const booking = await createApiToken(db.sql, { institutionId: 'clinica-a', scope: 'booking' });
    const app = new Hono<ApiEnv>();
    app.onError(errorHandler(createLogger({ level: 'silent' })));
    app.use('*', authenticate(db.sql));
    app.get('/i/:inst/admin', authorize('admin'), (c) => c.json(c.get('auth')));
    const get = (path: string, token?: string) =>
      app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    expect((await get('/i/clinica-a/admin')).status).toBe(401);
    expect((await get('/i/clinica-a/admin', 'nope')).status).toBe(401);
    const ok = await get('/i/clinica-a/admin', admin.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ tokenId: admin.record.id, institutionId: 'clinica-a', scope: 'admin', label: null });
    // lower-case scheme and extra spaces are fine
    expect((await app.request('/i/clinica-a/admin', { headers: { authorization: `bearer  ${admin.token}` } })).status).toBe(200);
    const other = await get('/i/clinica-b/admin', admin.token);
    const missing = await get('/i/nowhere/admin', admin.token);
    expect(other.status).toBe(404);
    expect(await other.text()).toBe(await missing.text());
    expect((await get('/i/clinica-a/admin', booking.token)).status).toBe(403);
  });
});
