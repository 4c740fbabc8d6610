import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { as, buildTestApp, expectProblem, GOOD_PASSWORD, registerUser, uniqueEmail, type TestApp } from '../helpers/app.ts';
import { loadConfig, ConfigError } from '../../server/config.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '8', LOGIN_FAILURES_PER_ACCOUNT: '3' });
});
afterEach(async () => {
  await t.app.close();
});

describe('CSRF: unsafe requests from another origin', () => {
  const body = () => ({ email: uniqueEmail(), password: GOOD_PASSWORD, name: 'X' });
  it.each([
    [{ origin: 'https://evil.example' }],
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'same-site' }],
    [{ origin: 'http://localhost:3000.evil.example' }],
    [{ origin: 'null' }],
  ])('%j is refused with 403', async (headers) => {
    expectProblem(await as(t, null).post('/api/auth/register', body(), headers), 403, 'LEERPAD_CSRF');
  });

  it('same origin passes, and so does a non-browser client', async () => {
    expect((await as(t, null).post('/api/auth/register', body(), { origin: t.config.baseUrl, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await as(t, null).post('/api/auth/register', body())).statusCode).toBe(201);
  });

  it('a logged-in user\'s cookie does not help a cross-site DELETE', async () => {
    const a = await registerUser(t);
    expectProblem(await as(t, a).delete('/api/auth/sessions', undefined, { 'sec-fetch-site': 'cross-site' }), 403);
    expect((await as(t, a).get('/api/auth/me', undefined, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('per account: failed logins lock that account with 429 and Retry-After', async () => {
    const a = await registerUser(t);
    for (let i = 0; i < 3; i++) expectProblem(await as(t, null).post('/api/auth/login', { email: a.email, password: 'wrong wrong' }), 401);
    const res = await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD });
    expectProblem(res, 429, 'LEERPAD_RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD })).statusCode).toBe(200);
  });

  it('per IP: too many login requests give 429 with Retry-After', async () => {
    let last;
    for (let i = 0; i < 9; i++) last = await as(t, null).post('/api/auth/login', { email: uniqueEmail(), password: 'whatever12' });
    expectProblem(last!, 429, 'LEERPAD_RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('bad input never gives a 500', () => {
  const raw = (payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { 'content-type': contentType } });

  it('malformed JSON is a 400 problem', async () => {
    expectProblem(await raw('{"email": "a@b.test", '), 400);
  });
  it('a wrong content type is a 415 problem', async () => {
    expectProblem(await raw('email=a@b.test', 'application/x-www-form-urlencoded'), 415);
  });
  it('__proto__ and constructor.prototype keys are a 400 problem', async () => {
    expectProblem(await raw('{"email":"a@b.test","password":"xxxxxxxx","__proto__":{"admin":true}}'), 400);
    expectProblem(await raw('{"email":"a@b.test","password":"xxxxxxxx","constructor":{"prototype":{"x":1}}}'), 400);
  });
  it('a body over the limit is a 413 problem', async () => {
    expectProblem(await raw(JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(2_000_000) })), 413);
  });
  it('an empty body where one is required is a 400 problem', async () => {
    expectProblem(await raw(''), 400);
  });
  it('the access rule is checked before the body: anonymous gets 401 even for a bad body', async () => {
    expectProblem(await as(t, null).post('/api/auth/password', { nonsense: true }), 401);
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/institutions', payload: '{bad', headers: { 'content-type': 'application/json' } }), 401);
  });
  it('a broken or over-long path is a problem too, not Fastify\'s own JSON', async () => {
    expectProblem(await as(t, null).get('/api/lessons/%zz'), 400, 'LEERPAD_BAD_REQUEST');
    expectProblem(await as(t, null).get(`/api/courses/${'a'.repeat(500)}`), 414, 'LEERPAD_URI_TOO_LONG');
    expectProblem(await as(t, null).get(`/hls/${'a'.repeat(500)}/v/master.m3u8`), 414, 'LEERPAD_URI_TOO_LONG');
  });
  it('unknown API routes get a JSON 404 problem', async () => {
    const body = expectProblem(await as(t, null).get('/api/does-not-exist'), 404, 'LEERPAD_NOT_FOUND');
    expect(body.detail).toContain('/api/does-not-exist');
  });
  it('a 500 hides the cause', async () => {
    const { buildApp } = await import('../../server/app.ts');
    const { openDb } = await import('../../db/client.ts');
    const db = openDb(':memory:');
    const app = await buildApp({ config: t.config, db });
    await app.ready();
    db.$client.exec('DROP TABLE sessions; DROP TABLE users');
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.test', password: 'whatever12' } });
    const body = expectProblem(res, 500, 'LEERPAD_INTERNAL');
    expect(res.body).not.toMatch(/SQLITE|no such table|users|at .*\.ts/);
    expect(body.detail).toMatch(/logged/);
    await app.close();
  });
});

describe('health', () => {
  it('live and ready', async () => {
    expect((await as(t, null).get('/health/live')).json()).toEqual({ status: 'ok' });
    expect((await as(t, null).get('/health/ready')).json()).toEqual({ status: 'ok' });
  });
  it('ready says 503 when the database is gone', async () => {
    t.db.$client.close();
    expect((await as(t, null).get('/health/ready')).statusCode).toBe(503);
  });
});

describe('security headers and OpenAPI', () => {
  it('sends a strict CSP and friends', async () => {
    const res = await as(t, null).get('/health/live');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
  it('serves the generated OpenAPI document with every API route', async () => {
    const doc = (await as(t, null).get('/api/docs/json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/auth/register', '/api/auth/login', '/api/auth/sessions/{id}', '/api/institutions/{id}', '/api/admin/users']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.components.schemas.User.properties).not.toHaveProperty('passwordHash');
  });
  it('every /api route declares who may call it', async () => {
    const { buildApp } = await import('../../server/app.ts');
    const { openDb } = await import('../../db/client.ts');
    const app = await buildApp({ config: t.config, db: openDb(':memory:') });
    await expect(
      app.register(async (scope) => {
        scope.get('/api/undeclared', async () => 'x');
      }).ready(),
    ).rejects.toThrow(/config.access/);
  });
  it('only a public route may opt out of the session lookup', async () => {
    const { buildApp } = await import('../../server/app.ts');
    const { openDb } = await import('../../db/client.ts');
    const app = await buildApp({ config: t.config, db: openDb(':memory:') });
    await expect(
      app.register(async (scope) => {
        scope.get('/api/sessionless', { config: { access: 'user', session: false } }, async () => 'x');
      }).ready(),
    ).rejects.toThrow(/session: false/);
  });
});

describe('config', () => {
  it('lists every problem in one error', () => {
    try {
      loadConfig({ PORT: 'abc', BASE_URL: 'ftp://x', LEERPAD_DEMO: 'maybe', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(4);
      expect((err as Error).message).toMatch(/PORT[\s\S]*BASE_URL[\s\S]*LOG_LEVEL[\s\S]*LEERPAD_DEMO/);
    }
  });
  it('https base URL gives Secure __Host- cookies', async () => {
    const s = await buildTestApp({ BASE_URL: 'https://mooc.example.be' });
    const res = await as(s, null).post('/api/auth/register', { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'S' });
    const cookie = res.cookies.find((c) => c.name === '__Host-leerpad_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: '/' });
    expect(res.headers['strict-transport-security']).toBeDefined();
    await s.app.close();
  });
});
