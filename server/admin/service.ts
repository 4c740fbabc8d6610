import { count, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { SessionStore, UserRow } from '../auth/session.ts';
import type { Role } from '../users/schema.ts';
import type { InstitutionService } from '../institutions/service.ts';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createAdminService(db: Db, clock: Clock, sessions: SessionStore, institutions: InstitutionService) {
  return {
    listUsers(q: string | undefined, page: number, pageSize: number): { items: UserRow[]; total: number } {
      const term = q?.trim().toLowerCase();
      const where = term
        ? or(
            sql`${users.email} LIKE ${`%${escapeLike(term)}%`} ESCAPE '\\'`,
            sql`lower(${users.name}) LIKE ${`%${escapeLike(term)}%`} ESCAPE '\\'`,
          )
        : undefined;
      const total = db.select({ n: count() }).from(users).where(where).get()!.n;
      const items = db
        .select()
        .from(users)
        .where(where)
        .orderBy(desc(users.createdAt), users.id)
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .all();
      return { items, total };
    },

    /** Changing roles, institution or the disabled flag. Disabling ends every session of the user at once. */
    updateUser(actor: UserRow, id: string, patch: { roles?: Role[]; institutionId?: string | null; disabled?: boolean }): UserRow {
      const user = db.select().from(users).where(eq(users.id, id)).get();
      if (!user) throw notFound('user');
      if (actor.id === id && (patch.disabled === true || (patch.roles && !patch.roles.includes('admin')))) {
        throw conflict('You cannot disable yourself or remove your own admin role; ask another admin.');
      }
      if (patch.institutionId && !institutions.exists(patch.institutionId)) {
        throw badRequest('No such institution.', [{ pointer: '/body/institutionId', message: 'does not exist' }]);
      }
      const set: Partial<UserRow> = { updatedAt: clock() };
      if (patch.roles) set.roles = [...new Set(patch.roles)];
      if (patch.institutionId !== undefined) set.institutionId = patch.institutionId;
      if (patch.disabled !== undefined) set.disabled = patch.disabled;
      // Disabling and ending the sessions happen together: a disabled user is never left logged in.
      db.transaction(() => {
        db.update(users).set(set).where(eq(users.id, id)).run();
        if (patch.disabled) sessions.revokeAll(id);
      });
      return db.select().from(users).where(eq(users.id, id)).get()!;
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
