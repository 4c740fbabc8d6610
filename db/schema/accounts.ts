import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Timestamps are stored as integer milliseconds since the epoch (UTC). */
export const institutions = sqliteTable('institutions', {
  id: text('id').primaryKey(),
  shortName: text('short_name').notNull().unique(),
  nameNl: text('name_nl').notNull(),
  nameEn: text('name_en').notNull(),
  homepage: text('homepage'),
  country: text('country').notNull().default('BE'),
  region: text('region'),
  kboNumber: text('kbo_number'),
  logoUrl: text('logo_url'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** Always stored lower-cased and trimmed; unique. */
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** JSON array, subset of ["lecturer", "institution-admin", "admin"]; everyone is a learner. */
    roles: text('roles', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    institutionId: text('institution_id').references(() => institutions.id, { onDelete: 'set null' }),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    locale: text('locale'),
    /** Self-declared, optional; used only in aggregate statistics. */
    country: text('country'),
    homeInstitution: text('home_institution'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('users_institution_idx').on(t.institutionId),
    // The few users with a role (staff are left out of statistics): found without reading every learner.
    index('users_with_roles_idx').on(t.id, t.roles, t.institutionId).where(sql`roles <> '[]'`),
  ],
);

/**
 * Sessions in the Lucia model: the cookie carries `<id>.<secret>`; only SHA-256(secret) is stored.
 * Expiry is derived from lastActiveAt (inactivity) and createdAt (absolute lifetime).
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastActiveAt: integer('last_active_at').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
