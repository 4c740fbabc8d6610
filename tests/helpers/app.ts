import type { LightMyRequestResponse } from 'fastify';
import { openDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { App } from '../../server/http.ts';

/** A clock the test moves by hand. */
export function fakeClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (t: number) => {
    now = t;
  };
  return clock;
}
export type FakeClock = ReturnType<typeof fakeClock>;

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  clock: FakeClock;
}

/**
 * The real app on a private in-memory database with the real migrations. Only the scrypt cost is lowered
 * (hashes carry their parameters, so behaviour is the same) to keep the suite quick.
 */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
    // The event-loop guard is off: on a loaded 2-core CI machine, schema compilation alone can trip it.
  const config = loadConfig({ SCRYPT_LOG_N: '10', LEERPAD_DEMO: 'false', DATA_DIR: '/nonexistent-leerpad-test', MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
  const db = openDb(':memory:');
  const clock = fakeClock();
  const app = await buildApp({ config, db, clock });
  await app.ready();
  return { app, db, config, clock };
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${++counter}.${process.pid}@example.test`;
export const GOOD_PASSWORD = 'correct horse battery staple';

/** Pulls the session cookie out of a response, as a `cookie` header value. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((k) => k.name.endsWith('leerpad_session'));
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

export interface Actor {
  id: string;
  email: string;
  cookie: string;
}

/** Registers a user through the API and returns its cookie; roles/institution are then set directly in the DB. */
export async function registerUser(
  t: TestApp,
  opts: { name?: string; roles?: string[]; institutionId?: string | null; email?: string } = {},
): Promise<Actor> {
  const email = opts.email ?? uniqueEmail();
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: GOOD_PASSWORD, name: opts.name ?? 'Test User' },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const id = res.json().user.id as string;
  if (opts.roles || opts.institutionId) {
    t.db.$client
      .prepare('UPDATE users SET roles = ?, institution_id = ? WHERE id = ?')
      .run(JSON.stringify(opts.roles ?? []), opts.institutionId ?? null, id);
  }
  return { id, email, cookie: sessionCookie(res) };
}

/** Shorthand for an injected request as an actor (or anonymous with null). */
export function as(t: TestApp, actor: Actor | null) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE') => (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers: { ...(actor ? { cookie: actor.cookie } : {}), ...headers },
    });
  return { get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), delete: call('DELETE') };
}

export function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${res.headers['content-type']}`);
  }
  const body = res.json();
  if (body.status !== status || typeof body.title !== 'string' || typeof body.detail !== 'string') {
    throw new Error(`not a problem body: ${res.body}`);
  }
  if (code && body.code !== code) throw new Error(`expected code ${code}, got ${body.code}`);
  return body as { type: string; title: string; status: number; detail: string; code: string; errors?: { pointer: string; message: string }[] };
}
