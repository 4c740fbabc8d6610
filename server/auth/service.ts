import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError, conflict, rateLimited } from '../errors.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';
import type { SessionStore, UserRow } from './session.ts';
import type { LoginThrottle } from './throttle.ts';
import { reindexCoursesOfUser } from '../courses/search.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

const weakPassword = (detail: string, field = 'password') =>
  new AppError(400, 'LEERPAD_WEAK_PASSWORD', 'Password not accepted', detail, [{ pointer: `/body/${field}`, message: detail }]);

export interface AuthDeps {
  db: Db;
  clock: Clock;
  config: Config;
  sessions: SessionStore;
  throttle: LoginThrottle;
}

export function createAuthService({ db, clock, config, sessions, throttle }: AuthDeps) {
  // Verifying against a real hash when the account does not exist keeps the response time the same.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword('not-a-real-password', config.scrypt));

  return {
    async createUser(input: { email: string; password: string; name: string; roles?: string[]; institutionId?: string | null }): Promise<UserRow> {
      const email = normaliseEmail(input.email);
      const name = input.name.trim();
      const problem = passwordProblem(input.password, [email, name]);
      if (problem) throw weakPassword(problem);
      if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw conflict('An account with this e-mail address already exists.', 'LEERPAD_EMAIL_TAKEN');
      }
      const passwordHash = await hashPassword(input.password, config.scrypt);
      const now = clock();
      const row = {
        id: randomUUID(),
        email,
        name,
        passwordHash,
        roles: input.roles ?? [],
        institutionId: input.institutionId ?? null,
        disabled: false,
        locale: null,
        country: null,
        homeInstitution: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        db.insert(users).values(row).run();
      } catch (err) {
        // Two registrations racing for the same address: the unique index decides.
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw conflict('An account with this e-mail address already exists.', 'LEERPAD_EMAIL_TAKEN');
        }
        throw err;
      }
      return row;
    },

    async login(input: { email: string; password: string }): Promise<UserRow> {
      const email = normaliseEmail(input.email);
      const wait = throttle.retryAfter(email);
      if (wait > 0) throw rateLimited(wait);
      const user = db.select().from(users).where(eq(users.email, email)).get();
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummy()));
      if (!user || !ok) {
        throttle.fail(email);
        throw new AppError(401, 'LEERPAD_INVALID_CREDENTIALS', 'Invalid credentials', 'E-mail address or password is wrong.');
      }
      throttle.succeed(email);
      if (user.disabled) {
        throw new AppError(403, 'LEERPAD_ACCOUNT_DISABLED', 'Account disabled', 'This account has been disabled by an administrator.');
      }
      return user;
    },

    /** Changing the password ends every other session of the user; the current one stays. */
    async changePassword(user: UserRow, currentSessionId: string, currentPassword: string, newPassword: string) {
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        throw new AppError(400, 'LEERPAD_INVALID_CREDENTIALS', 'Wrong password', 'The current password is wrong.', [
          { pointer: '/body/currentPassword', message: 'is wrong' },
        ]);
      }
      const problem = passwordProblem(newPassword, [user.email, user.name]);
      if (problem) throw weakPassword(problem, 'newPassword');
      const passwordHash = await hashPassword(newPassword, config.scrypt);
      db.update(users).set({ passwordHash, updatedAt: clock() }).where(eq(users.id, user.id)).run();
      return { endedSessions: sessions.revokeAll(user.id, currentSessionId) };
    },

    updateProfile(userId: string, patch: { name?: string; locale?: string | null; country?: string | null; homeInstitution?: string | null }): UserRow {
      const set: Partial<UserRow> = { updatedAt: clock() };
      if (patch.name !== undefined) set.name = patch.name.trim();
      if (patch.locale !== undefined) set.locale = patch.locale;
      if (patch.country !== undefined) set.country = patch.country;
      if (patch.homeInstitution !== undefined) set.homeInstitution = patch.homeInstitution?.trim() || null;
      db.transaction(() => {
        db.update(users).set(set).where(eq(users.id, userId)).run();
        // Lecturer names are in the catalogue's search index: renamed in the same transaction.
        if (set.name !== undefined) reindexCoursesOfUser(db, userId);
      });
      return db.select().from(users).where(eq(users.id, userId)).get()!;
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
