import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { as, buildTestApp, expectProblem, GOOD_PASSWORD, registerUser, sessionCookie, uniqueEmail, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.app.close();
});

describe('register', () => {
  it('creates an account, logs in and never returns the hash', async () => {
    const email = uniqueEmail();
    const res = await as(t, null).post('/api/auth/register', { email: email.toUpperCase(), password: GOOD_PASSWORD, name: 'Anna' });
    expect(res.statusCode).toBe(201);
    const { user } = res.json();
    expect(user).toMatchObject({ email, name: 'Anna', roles: [], disabled: false });
    expect(res.body).not.toMatch(/scrypt|passwordHash|secret/i);
    const cookie = res.cookies.find((c) => c.name === 'leerpad_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: sessionCookie(res) } });
    expect(me.json().user.id).toBe(user.id);
  });

  it('409 on a taken e-mail, whatever its case', async () => {
    const a = await registerUser(t);
    const res = await as(t, null).post('/api/auth/register', { email: ` ${a.email.toUpperCase()} `.trim(), password: GOOD_PASSWORD, name: 'B' });
    expectProblem(res, 409, 'LEERPAD_EMAIL_TAKEN');
  });

  it.each([
    ['short', 'abc1234', /at least 8/],
    ['common', 'password123', /commonly used/],
    ['common, other case', 'QWERTYUIOP', /commonly used/],
    ['too long', 'x'.repeat(257), /at most 256/],
  ])('refuses a %s password with a clear message', async (_label, password, message) => {
    const body = expectProblem(await as(t, null).post('/api/auth/register', { email: uniqueEmail(), password, name: 'C' }), 400, 'LEERPAD_WEAK_PASSWORD');
    expect(body.detail).toMatch(message);
    expect(body.errors?.[0].pointer).toBe('/body/password');
  });

  it('accepts 128 characters and unicode, without composition rules', async () => {
    const password = 'ééé ' + 'a'.repeat(124);
    const res = await as(t, null).post('/api/auth/register', { email: uniqueEmail(), password, name: 'D' });
    expect(res.statusCode).toBe(201);
    const login = await as(t, null).post('/api/auth/login', { email: res.json().user.email, password });
    expect(login.statusCode).toBe(200);
  });

  it.each([
    [{ email: 'not-an-email', password: GOOD_PASSWORD, name: 'X' }, '/body/email'],
    [{ email: 'a@b.test', password: GOOD_PASSWORD }, '/body/name'],
    [{ email: 'a@b.test', password: GOOD_PASSWORD, name: 'X', roles: ['admin'] }, '/body/roles'],
    [{ email: 'a@b.test', password: GOOD_PASSWORD, name: '   ' }, '/body/name'],
  ])('400 with a pointer for %j', async (payload, pointer) => {
    const body = expectProblem(await as(t, null).post('/api/auth/register', payload), 400, 'LEERPAD_VALIDATION');
    expect(body.errors!.map((e) => e.pointer)).toContain(pointer);
  });
});

describe('login and logout', () => {
  it('wrong password and unknown account give the same 401', async () => {
    const a = await registerUser(t);
    const wrong = expectProblem(await as(t, null).post('/api/auth/login', { email: a.email, password: 'wrong password!' }), 401, 'LEERPAD_INVALID_CREDENTIALS');
    const unknown = expectProblem(await as(t, null).post('/api/auth/login', { email: uniqueEmail(), password: 'wrong password!' }), 401, 'LEERPAD_INVALID_CREDENTIALS');
    expect(wrong.detail).toBe(unknown.detail);
  });

  it('issues a new token at every login (no fixation) and ends the session presented with it', async () => {
    const a = await registerUser(t);
    const res = await as(t, a).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(200);
    const fresh = sessionCookie(res);
    expect(fresh).not.toBe(a.cookie);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: fresh } })).statusCode).toBe(200);
  });

  it('logout ends the session and clears the cookie', async () => {
    const a = await registerUser(t);
    const res = await as(t, a).post('/api/auth/logout');
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'leerpad_session')?.value).toBe('');
    expectProblem(await as(t, a).get('/api/auth/me'), 401, 'LEERPAD_UNAUTHENTICATED');
  });

  it('a forged or malformed cookie is simply anonymous', async () => {
    const a = await registerUser(t);
    const [name, value] = a.cookie.split('=');
    const [id] = value.split('.');
    for (const bad of [`${id}.${'a'.repeat(52)}`, id, `.${value}`, 'x'.repeat(500), '']) {
      const res = await t.app.inject({ url: '/api/auth/me', headers: { cookie: `${name}=${bad}` } });
      expectProblem(res, 401);
    }
  });
});

describe('session lifetime', () => {
  it('slides with use, ends after the idle timeout', async () => {
    const a = await registerUser(t);
    const idle = t.config.session.idleTimeoutMs;
    t.clock.advance(idle - 60_000);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(200); // renews
    t.clock.advance(idle - 60_000);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(200); // still alive thanks to the renewal
    t.clock.advance(idle + 1);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('ends at the absolute lifetime even when used every day', async () => {
    const a = await registerUser(t);
    const days = t.config.session.absoluteLifetimeMs / 86_400_000;
    for (let d = 1; d < days; d++) {
      t.clock.advance(86_400_000);
      expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(200);
    }
    t.clock.advance(86_400_000);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('stores only a hash of the secret', async () => {
    const a = await registerUser(t);
    const token = a.cookie.split('=')[1];
    const [id, secret] = token.split('.');
    const row = t.db.$client.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Record<string, unknown>;
    expect(Buffer.isBuffer(row.secret_hash)).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(Buffer.from(secret).length * 5).toBeGreaterThanOrEqual(128); // base32: 5 bits a character
  });
});

describe('my sessions', () => {
  it('lists, revokes one, and revokes all others', async () => {
    const a = await registerUser(t);
    const second = sessionCookie(await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD }));
    const third = sessionCookie(await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD }));
    const list = (await as(t, a).get('/api/auth/sessions')).json().sessions;
    expect(list).toHaveLength(3);
    expect(list.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list)).not.toMatch(/secret/i);

    const secondId = second.split('=')[1].split('.')[0];
    expect((await as(t, a).delete(`/api/auth/sessions/${secondId}`)).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: second } })).statusCode).toBe(401);
    expectProblem(await as(t, a).delete(`/api/auth/sessions/${secondId}`), 404);

    expect((await as(t, a).delete('/api/auth/sessions')).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: third } })).statusCode).toBe(401);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(200);
  });

  it("cannot revoke another user's session (404, like an unknown id)", async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const bId = b.cookie.split('=')[1].split('.')[0];
    expectProblem(await as(t, a).delete(`/api/auth/sessions/${bId}`), 404);
    expect((await as(t, b).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('401 for anonymous', async () => {
    expectProblem(await as(t, null).get('/api/auth/sessions'), 401);
    expectProblem(await as(t, null).delete('/api/auth/sessions/x'), 401);
    expectProblem(await as(t, null).post('/api/auth/password', { currentPassword: 'a', newPassword: 'b' }), 401);
  });
});

describe('password change', () => {
  it('needs the current password, then ends the other sessions only', async () => {
    const a = await registerUser(t);
    const other = sessionCookie(await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD }));
    expectProblem(await as(t, a).post('/api/auth/password', { currentPassword: 'nope nope nope', newPassword: 'a new long passphrase' }), 400);
    expectProblem(await as(t, a).post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'password1' }), 400, 'LEERPAD_WEAK_PASSWORD');
    expect((await as(t, a).post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'a new long passphrase' })).statusCode).toBe(204);
    expect((await as(t, a).get('/api/auth/me')).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect((await as(t, null).post('/api/auth/login', { email: a.email, password: GOOD_PASSWORD })).statusCode).toBe(401);
    expect((await as(t, null).post('/api/auth/login', { email: a.email, password: 'a new long passphrase' })).statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('updates name, language, country and home institution', async () => {
    const a = await registerUser(t);
    const res = await as(t, a).patch('/api/auth/me', { name: 'Nieuwe Naam', locale: 'nl', country: 'BE', homeInstitution: 'KU Leuven' });
    expect(res.json().user).toMatchObject({ name: 'Nieuwe Naam', locale: 'nl', country: 'BE', homeInstitution: 'KU Leuven' });
    expectProblem(await as(t, a).patch('/api/auth/me', { country: 'Belgium' }), 400);
    expectProblem(await as(t, a).patch('/api/auth/me', {}), 400);
    expectProblem(await as(t, a).patch('/api/auth/me', { roles: ['admin'] }), 400);
  });
});
