import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Static } from '@sinclair/typebox';
import type { Db } from '../../db/client.ts';
import { institutions } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { hasRole, isAdmin } from '../plugins/auth.ts';
import type { UserRow } from '../auth/session.ts';
import type { CreateInstitutionBody, Institution, UpdateInstitutionBody } from './schema.ts';

type Row = typeof institutions.$inferSelect;
const toInstitution = ({ createdAt: _c, updatedAt: _u, ...rest }: Row): Institution => rest;
const isUnique = (err: unknown) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function createInstitutionService(db: Db, clock: Clock) {
  const get = (id: string) => {
    const row = db.select().from(institutions).where(eq(institutions.id, id)).get();
    if (!row) throw notFound('institution');
    return row;
  };
  return {
    list: (): Institution[] => db.select().from(institutions).orderBy(asc(institutions.shortName)).all().map(toInstitution),
    get: (id: string): Institution => toInstitution(get(id)),
    exists: (id: string) => !!db.select({ id: institutions.id }).from(institutions).where(eq(institutions.id, id)).get(),

    create(input: Static<typeof CreateInstitutionBody>): Institution {
      const now = clock();
      const row: Row = {
        id: randomUUID(),
        shortName: input.shortName,
        nameNl: input.nameNl,
        nameEn: input.nameEn,
        homepage: input.homepage ?? null,
        country: input.country ?? 'BE',
        region: input.region ?? null,
        kboNumber: input.kboNumber ?? null,
        logoUrl: input.logoUrl ?? null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        db.insert(institutions).values(row).run();
      } catch (err) {
        if (isUnique(err)) throw conflict(`The short name "${input.shortName}" is taken.`);
        throw err;
      }
      return toInstitution(row);
    },

    /** Platform admins edit any institution; an institution admin only their own. */
    update(actor: UserRow, id: string, patch: Static<typeof UpdateInstitutionBody>): Institution {
      get(id);
      const mayEdit = isAdmin(actor) || (hasRole(actor, 'institution-admin') && actor.institutionId === id);
      if (!mayEdit) throw forbidden('Only this institution\'s admins may edit it.');
      try {
        db.update(institutions).set({ ...patch, updatedAt: clock() }).where(eq(institutions.id, id)).run();
      } catch (err) {
        if (isUnique(err)) throw conflict(`The short name "${patch.shortName}" is taken.`);
        throw err;
      }
      return toInstitution(get(id));
    },
  };
}
export type InstitutionService = ReturnType<typeof createInstitutionService>;
