/** Who the calling token is (any scope): lets a client learn its institution from the token alone. */
import { createRoute } from '@hono/zod-openapi';
import { ERROR_RESPONSES, TRANSPORT_RESPONSES, TokenInfoSchema, json } from '../schemas.js';
import { router, SECURITY } from './common.js';

const { 401: unauthorized, 429: rateLimited } = ERROR_RESPONSES;

const whoAmI = createRoute({
  method: 'get',
  path: '/token',
  tags: ['Token'],
  summary: 'The calling token',
  description:
    "The institution, scope, label and id of the token in the Authorization header (never the token or its hash). Any scope; no institution in the path, so a client such as the admin page can start from the token alone.",
  security: SECURITY,
  responses: { 200: json(TokenInfoSchema, 'The calling token.'), 401: unauthorized, 429: rateLimited, ...TRANSPORT_RESPONSES },
});

export function tokenRoutes() {
  const app = router();
  app.openapi(whoAmI, (c) => {
    const { institutionId, scope, label, tokenId } = c.get('auth');
    return c.json({ institutionId, scope, label, tokenId }, 200);
  });
  return app;
}
