/**
 * Creates a platform admin, or grants the admin role to an existing account with that e-mail address.
 *   npm run create-admin -- --email E --password P --name N
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { systemClock } from '../server/clock.ts';
import { createSessionStore } from '../server/auth/session.ts';
import { createLoginThrottle } from '../server/auth/throttle.ts';
import { createAuthService, normaliseEmail } from '../server/auth/service.ts';
import { AppError } from '../server/errors.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
});
if (!values.email || !values.password || !values.name) {
  console.error('usage: npm run create-admin -- --email E --password P --name N');
  process.exit(64);
}
const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const db = openDb(path.join(config.dataDir, 'leerpad.db'));
const auth = createAuthService({
  db,
  clock: systemClock,
  config,
  sessions: createSessionStore(db, systemClock, config.session),
  throttle: createLoginThrottle(systemClock, { maxFailures: 5, windowMs: 1 }),
});
try {
  const email = normaliseEmail(values.email);
  const existing = db.select().from(users).where(eq(users.email, email)).get();
  if (existing) {
    db.update(users).set({ roles: [...new Set([...existing.roles, 'admin'])], updatedAt: Date.now() }).where(eq(users.id, existing.id)).run();
    console.log(`${email} already existed and is now an admin (its password is unchanged).`);
  } else {
    await auth.createUser({ email, password: values.password, name: values.name, roles: ['admin'] });
    console.log(`Admin ${email} created.`);
  }
} catch (err) {
  if (err instanceof AppError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
} finally {
  db.$client.close();
}
