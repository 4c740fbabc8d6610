import type { Config } from '../config.ts';
import { IdParams, NoContent, problems, type App } from '../http.ts';
import { notFound } from '../errors.ts';
import { clearSessionCookie, currentUser, setSessionCookie } from '../plugins/auth.ts';
import { toUser } from '../users/schema.ts';
import type { AuthService } from './service.ts';
import { sessionExpiresAt, type SessionStore } from './session.ts';
import { LoginBody, PasswordBody, ProfileBody, RegisterBody, SessionsEnvelope, UserEnvelope } from './schema.ts';

export function authRoutes(deps: { config: Config; auth: AuthService; sessions: SessionStore }) {
  const { config, auth, sessions } = deps;
  const loginLimit = { max: config.rateLimit.loginPerIpPerMinute, timeWindow: 60_000 };

  return async function (app: App) {
    const startSession = (request: { headers: Record<string, unknown>; ip: string }, userId: string) =>
      sessions.create(userId, { userAgent: request.headers['user-agent'] as string | undefined, ip: request.ip });

    app.post('/register', {
      config: { access: 'public', rateLimit: loginLimit },
      schema: { tags: ['auth'], summary: 'Create an account and log in', body: RegisterBody, response: { 201: UserEnvelope, ...problems(400, 409, 429) } },
    }, async (request, reply) => {
      const user = await auth.createUser(request.body);
      const { token } = startSession(request, user.id);
      setSessionCookie(reply, config, token);
      return reply.code(201).send({ user: toUser(user) });
    });

    app.post('/login', {
      config: { access: 'public', rateLimit: loginLimit },
      schema: { tags: ['auth'], summary: 'Log in; a new session token every time', body: LoginBody, response: { 200: UserEnvelope, ...problems(400, 401, 403, 429) } },
    }, async (request, reply) => {
      const user = await auth.login(request.body);
      // A fresh token at every login (no fixation); an earlier session presented with this request ends.
      if (request.session) sessions.revoke(request.session.userId, request.session.id);
      const { token } = startSession(request, user.id);
      setSessionCookie(reply, config, token);
      return { user: toUser(user) };
    });

    app.post('/logout', {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: NoContent } },
    }, async (request, reply) => {
      if (request.session) sessions.revoke(request.session.userId, request.session.id);
      clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    });

    app.get('/me', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: UserEnvelope, ...problems(401) } },
    }, async (request) => ({ user: toUser(currentUser(request)) }));

    app.patch('/me', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'Update my profile', body: ProfileBody, response: { 200: UserEnvelope, ...problems(400, 401) } },
    }, async (request) => ({ user: toUser(auth.updateProfile(currentUser(request).id, request.body)) }));

    app.get('/sessions', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'My active sessions', response: { 200: SessionsEnvelope, ...problems(401) } },
    }, async (request) => {
      const user = currentUser(request);
      return {
        sessions: sessions.list(user.id).map((s) => ({
          id: s.id,
          current: s.id === request.session?.id,
          createdAt: new Date(s.createdAt).toISOString(),
          lastActiveAt: new Date(s.lastActiveAt).toISOString(),
          expiresAt: new Date(sessionExpiresAt(s, config.session)).toISOString(),
          userAgent: s.userAgent,
          ip: s.ip,
        })),
      };
    });

    app.delete('/sessions/:id', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'Revoke one of my sessions', params: IdParams, response: { 204: NoContent, ...problems(401, 404) } },
    }, async (request, reply) => {
      const user = currentUser(request);
      // Someone else's session id answers 404 exactly like an unknown one.
      if (!sessions.revoke(user.id, request.params.id)) throw notFound('session');
      if (request.params.id === request.session?.id) clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    });

    app.delete('/sessions', {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'Revoke all my other sessions', response: { 204: NoContent, ...problems(401) } },
    }, async (request, reply) => {
      sessions.revokeAll(currentUser(request).id, request.session?.id);
      return reply.code(204).send(null);
    });

    app.post('/password', {
      config: { access: 'user', rateLimit: loginLimit },
      schema: { tags: ['auth'], summary: 'Change my password; ends my other sessions', body: PasswordBody, response: { 204: NoContent, ...problems(400, 401, 429) } },
    }, async (request, reply) => {
      const user = currentUser(request);
      await auth.changePassword(user, request.session!.id, request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send(null);
    });
  };
}
