import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { forbidden, unauthenticated } from '../errors.ts';
import { isHttps, type Config } from '../config.ts';
import type { Session, SessionStore, UserRow } from '../auth/session.ts';
import type { Role } from '../users/schema.ts';

/**
 * Who may call a route is declared on the route itself (`config.access`); an API route without it fails at
 * start-up. `public`: anyone. `user`: any logged-in user (finer checks, such as "lecturer of this course",
 * live in the services). `admin`: platform admins only. `role:<role>`: a user with that role (or admin).
 */
export type Access = 'public' | 'user' | 'admin' | `role:${Role}`;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * `false`: the route never looks at who is calling (e.g. /hls, authorised by its URL signature), so the
     * session cookie is not resolved for it (no DB read, no lastActiveAt refresh) and `request.user` stays null.
     * Only allowed with `access: 'public'`.
     */
    session?: false;
  }
  interface FastifyRequest {
    user: UserRow | null;
    session: Session | null;
  }
}

export function sessionCookieName(config: Pick<Config, 'baseUrl'>): string {
  // __Host- demands Secure, path=/ and no Domain: only possible over https.
  return isHttps(config) ? '__Host-leerpad_session' : 'leerpad_session';
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string) {
  reply.setCookie(sessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    maxAge: Math.floor(config.session.absoluteLifetimeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(sessionCookieName(config), { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(config) });
}

export function hasRole(user: Pick<UserRow, 'roles'> | null, role: Role): boolean {
  return !!user && (user.roles.includes(role) || user.roles.includes('admin'));
}

export function isAdmin(user: Pick<UserRow, 'roles'> | null): boolean {
  return !!user && user.roles.includes('admin');
}

/** The logged-in user, or a 401. For services that need a definite user. */
export function currentUser(request: FastifyRequest): UserRow {
  if (!request.user) throw unauthenticated();
  return request.user;
}

export function registerAuth(app: FastifyInstance, deps: { config: Config; sessions: SessionStore }) {
  const cookieName = sessionCookieName(deps.config);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url ?? '';
    if ((url.startsWith('/api/') || url.startsWith('/bridges/')) && !route.config?.access) {
      throw new Error(`Route ${route.method} ${url} does not declare config.access`);
    }
    if (route.config?.session === false && route.config.access !== 'public') {
      throw new Error(`Route ${route.method} ${url} declares config.session: false, which needs access 'public'`);
    }
  });

  // Runs before the body is parsed or validated, so an anonymous caller learns nothing from a 400. One callback
  // hook rather than two async ones: it runs on every request, and each async hook costs a promise and a tick.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config;
    if (config?.session !== false) {
      const token = request.cookies[cookieName];
      if (token) {
        const found = deps.sessions.validate(token);
        if (found) {
          request.user = found.user;
          request.session = found.session;
        }
      }
    }
    done(accessError(config?.access, request.user));
  });
}

/** Why `user` may not call a route declaring `access`, or undefined if they may. */
function accessError(access: Access | undefined, user: UserRow | null): Error | undefined {
  if (!access || access === 'public') return undefined;
  if (!user) return unauthenticated();
  if (access === 'user') return undefined;
  if (access === 'admin') return isAdmin(user) ? undefined : forbidden('Only platform administrators may do this.');
  const role = access.slice('role:'.length) as Role;
  return hasRole(user, role) ? undefined : forbidden(`Only users with the role ${role} may do this.`);
}
