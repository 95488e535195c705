/**
 * A path the API serves, asked with a method it does not serve there (TRACE, PATCH, …),
 * answers 405 with `Allow` listing the methods it does serve, rather than 404 (RFC 9110
 * §15.5.6). Known from the app's own route table, so it cannot drift from the routes.
 */
import type { NotFoundHandler } from 'hono';
import type { RouterRoute } from 'hono/types';
import { ApiError } from '../../errors.js';

/** Hono's route path (`/a/:id/b`, `*`) as a regex over a request path. */
function routeRegex(routePath: string): RegExp {
  const source = routePath
    .split('/')
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods routes other than middleware (method ALL) answer at `path`, in a stable order;
 * HEAD wherever GET is (Hono answers HEAD with the GET handler).
 */
export function allowedMethods(routes: readonly Pick<RouterRoute, 'method' | 'path'>[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.endsWith('*')) continue;
    if (routeRegex(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** The app's not-found handler: 405 with Allow when the path exists under other methods, else `fallback`. */
export function methodNotAllowed(routes: () => readonly RouterRoute[], fallback: NotFoundHandler): NotFoundHandler {
  return (c) => {
    const allowed = allowedMethods(routes(), c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method.toUpperCase())) return fallback(c);
    const e = new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allowed.join(', ')}`, undefined, {
      Allow: allowed.join(', '),
    });
    for (const [name, value] of Object.entries(e.headers ?? {})) c.header(name, value);
    return c.json(e.body(c.get('requestId' as never) as string | undefined), 405);
  };
}
