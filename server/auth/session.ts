import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sessions, users } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import { TtlLru } from '../lru.ts';

/**
 * Sessions in the Lucia model (lucia-auth.com "sessions" guide), owned by us.
 * Token = "<id>.<secret>": id is 128 random bits (the lookup key), secret 256 random bits of which only the
 * SHA-256 is stored, compared in constant time. A stolen database therefore yields no usable token.
 * A session ends at whichever comes first: idleTimeoutMs after its last use, or absoluteLifetimeMs after login.
 */
export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
}

export type Session = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** Writing lastActiveAt on every request would make each read a write; once a minute is precise enough. */
const TOUCH_INTERVAL_MS = 60_000;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

export function sessionExpiresAt(s: Pick<Session, 'createdAt' | 'lastActiveAt'>, policy: SessionPolicy): number {
  return Math.min(s.lastActiveAt + policy.idleTimeoutMs, s.createdAt + policy.absoluteLifetimeMs);
}

/** Cached sessions: more than the learners active within a few minutes on a busy instance; ~1 KB each. */
const DEFAULT_CACHE_SIZE = 20_000;

export function createSessionStore(db: Db, clock: Clock, policy: SessionPolicy, cacheSize = DEFAULT_CACHE_SIZE) {
  // Every request with a cookie runs this lookup: prepared once, it skips building and compiling the SQL
  // each time, which was most of the cost of a small authenticated request (e.g. a progress heartbeat).
  const sessionWithUser = db
    .select()
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();

  // Validated (session, user) pairs, trusted while auth_epoch has not moved (see migration 0005: triggers move it
  // whenever a session is deleted or a user changes, from any process). One indexed read of a single-row table
  // instead of the join and the mapping of two rows, on every request that carries a cookie.
  const readEpoch = db.$client.prepare('SELECT n FROM auth_epoch WHERE id = 1').pluck();
  // An entry unused for the idle timeout could only be refused, so it need not be kept longer.
  const cache = new TtlLru<{ epoch: number; session: Session; user: UserRow }>(cacheSize, policy.idleTimeoutMs, clock);

  function lookup(id: string): { session: Session; user: UserRow } | null {
    const epoch = readEpoch.get() as number;
    const hit = cache.get(id);
    if (hit && hit.epoch === epoch) return hit;
    const row = sessionWithUser.get({ id });
    if (!row) {
      cache.delete(id);
      return null;
    }
    // Frozen: a cached user is shared by requests, so no handler may change it in place.
    const entry = { epoch, session: row.sessions, user: Object.freeze({ ...row.users, roles: Object.freeze([...row.users.roles]) as string[] }) };
    cache.set(id, entry);
    return entry;
  }

  return {
    create(userId: string, meta: { userAgent?: string; ip?: string } = {}): { token: string; session: Session } {
      const id = encodeBase32LowerCaseNoPadding(randomBytes(16));
      const secret = encodeBase32LowerCaseNoPadding(randomBytes(32));
      const now = clock();
      const session: Session = {
        id,
        secretHash: hashSecret(secret),
        userId,
        createdAt: now,
        lastActiveAt: now,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
        ip: meta.ip ?? null,
      };
      db.insert(sessions).values(session).run();
      return { token: `${id}.${secret}`, session };
    },

    /** Returns the live session and its (enabled) user, sliding the idle expiry; null for anything else. */
    validate(token: string | undefined): { session: Session; user: UserRow } | null {
      if (!token) return null;
      const dot = token.indexOf('.');
      if (dot < 1 || token.length > 200) return null;
      const id = token.slice(0, dot);
      const secret = token.slice(dot + 1);
      const row = lookup(id);
      if (!row) return null;
      const { session, user } = row;
      const given = hashSecret(secret);
      if (given.length !== session.secretHash.length || !timingSafeEqual(given, session.secretHash)) return null;
      const now = clock();
      if (now >= sessionExpiresAt(session, policy) || user.disabled) {
        db.delete(sessions).where(eq(sessions.id, id)).run();
        return null;
      }
      if (now - session.lastActiveAt >= TOUCH_INTERVAL_MS) {
        session.lastActiveAt = now;
        db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, id)).run();
      }
      return { session, user };
    },

    list(userId: string): Session[] {
      const now = clock();
      return db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .all()
        .filter((s) => sessionExpiresAt(s, policy) > now)
        .sort((a, b) => b.lastActiveAt - a.lastActiveAt);
    },

    /** Deletes one of the user's sessions; false when it is not theirs or does not exist. */
    revoke(userId: string, sessionId: string): boolean {
      return db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).run().changes > 0;
    },

    revokeAll(userId: string, exceptSessionId?: string): number {
      const where = exceptSessionId
        ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId))
        : eq(sessions.userId, userId);
      return db.delete(sessions).where(where).run().changes;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
