import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { as, buildTestApp, expectProblem, fakeClock, registerUser, type TestApp } from '../helpers/app.ts';

/**
 * The session store keeps validated (session, user) pairs in memory and trusts them only while auth_epoch has not
 * moved; database triggers move it. These tests change users and sessions behind the app's back, as another
 * process or a command-line tool would, and expect the very next request to see it.
 */
const epoch = (t: Pick<TestApp, 'db'>) => (t.db.$client.prepare('SELECT n FROM auth_epoch WHERE id = 1').get() as { n: number }).n;

describe('session cache', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.app.close();
  });

  it('sees a role granted or taken away in SQL on the next request', async () => {
    t = await buildTestApp();
    const u = await registerUser(t);
    expect((await as(t, u).get('/api/auth/me')).statusCode).toBe(200);
    expectProblem(await as(t, u).get('/api/admin/users'), 403);

    t.db.$client.prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?`).run(u.id);
    expect((await as(t, u).get('/api/admin/users')).statusCode).toBe(200);
    expect((await as(t, u).get('/api/auth/me')).json().user.roles).toEqual(['admin']);

    t.db.$client.prepare(`UPDATE users SET roles = '[]' WHERE id = ?`).run(u.id);
    expectProblem(await as(t, u).get('/api/admin/users'), 403);
  });

  it('ends a disabled user, a deleted session and a deleted user at once', async () => {
    t = await buildTestApp();
    const [a, b, c] = [await registerUser(t), await registerUser(t), await registerUser(t)];
    for (const u of [a, b, c]) expect((await as(t, u).get('/api/auth/me')).statusCode).toBe(200);

    t.db.$client.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(a.id);
    t.db.$client.prepare('DELETE FROM sessions WHERE user_id = ?').run(b.id);
    t.db.$client.prepare('DELETE FROM users WHERE id = ?').run(c.id);
    for (const u of [a, b, c]) expectProblem(await as(t, u).get('/api/auth/me'), 401);
  });

  it('is not invalidated by the once-a-minute touch of last_active_at, and expiry stays exact', async () => {
    t = await buildTestApp();
    const u = await registerUser(t);
    await as(t, u).get('/api/auth/me');
    const before = epoch(t);
    t.clock.advance(61_000);
    expect((await as(t, u).get('/api/auth/me')).statusCode).toBe(200);
    const touched = t.db.$client.prepare('SELECT last_active_at AS at FROM sessions WHERE user_id = ?').get(u.id) as { at: number };
    expect(touched.at).toBe(t.clock());
    expect(epoch(t)).toBe(before);

    // Idle past the timeout: refused although the pair is still cached.
    t.clock.advance(t.config.session.idleTimeoutMs + 1);
    expectProblem(await as(t, u).get('/api/auth/me'), 401);
  });

  it('sees a change made by another process on the same database file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leerpad-session-cache-'));
    try {
      const file = path.join(dir, 'leerpad.db');
      const config = loadConfig({ SCRYPT_LOG_N: '10', LEERPAD_DEMO: 'false', DATA_DIR: dir, MAX_EVENT_LOOP_DELAY_MS: '0' });
      const db = openDb(file);
      const clock = fakeClock();
      t = { app: await buildApp({ config, db, clock }), db, config, clock };
      const u = await registerUser(t);
      expect((await as(t, u).get('/api/auth/me')).statusCode).toBe(200);

      const other = new Database(file);
      try {
        other.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
      } finally {
        other.close();
      }
      expectProblem(await as(t, u).get('/api/auth/me'), 401);
      await t.app.close();
      db.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
