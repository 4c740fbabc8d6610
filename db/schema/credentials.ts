import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { courses } from './courses.ts';
import { users } from './accounts.ts';

/**
 * What a course awards, set by its staff. No row: the course awards nothing. The micro-credential metadata that
 * the course itself does not hold (learning outcomes, workload, ECTS, EQF level and prerequisites live on courses)
 * is kept here.
 */
export const courseAwards = sqliteTable('course_awards', {
  courseId: text('course_id')
    .primaryKey()
    .references(() => courses.id, { onDelete: 'cascade' }),
  /** Confirmation of participation: at least `participationPercent` % of the counted lessons completed. */
  participationEnabled: integer('participation_enabled', { mode: 'boolean' }).notNull().default(false),
  participationPercent: integer('participation_percent').notNull().default(50),
  /** Record of achievement: course completed and at least `achievementPercent` % on the graded quizzes. */
  achievementEnabled: integer('achievement_enabled', { mode: 'boolean' }).notNull().default(false),
  achievementPercent: integer('achievement_percent').notNull().default(50),
  /** The record of achievement is issued as a micro-credential (only while the metadata is complete). */
  microCredential: integer('micro_credential', { mode: 'boolean' }).notNull().default(false),
  /** Level in the Flemish qualification structure (Vlaamse kwalificatiestructuur), 1..8. */
  vksLevel: integer('vks_level'),
  assessmentType: text('assessment_type').notNull().default(''),
  qualityAssurance: text('quality_assurance').notNull().default(''),
  stackability: text('stackability').notNull().default(''),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * One issued award. Immutable once issued except for `public` and revocation: `snapshot` freezes everything the
 * credential says (learner name, course facts, institution, score), so later edits to a course or a profile never
 * change what was certified. The course may be deleted later; the credential stays verifiable.
 */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    courseId: text('course_id').references(() => courses.id, { onDelete: 'set null' }),
    /** participation | achievement */
    kind: text('kind').notNull(),
    microCredential: integer('micro_credential', { mode: 'boolean' }).notNull().default(false),
    issuedAt: integer('issued_at').notNull(),
    snapshot: text('snapshot', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The learner lets anyone see the name and course on the verification page and the credential itself. */
    public: integer('public', { mode: 'boolean' }).notNull().default(false),
    /** Position in the published revocation status list (a bitstring per list). */
    statusList: integer('status_list').notNull(),
    statusIndex: integer('status_index').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
    revokedBy: text('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One award per learner, course and kind: evaluating again never issues a second one.
    uniqueIndex('credentials_user_course_kind_uq').on(t.userId, t.courseId, t.kind),
    uniqueIndex('credentials_status_uq').on(t.statusList, t.statusIndex),
    index('credentials_course_idx').on(t.courseId),
  ],
);

/**
 * Ed25519 keys that sign credentials, generated on first start. Only the public half is ever served
 * (/.well-known/jwks.json, /.well-known/did.json). Kept in the database so a backup restores the key together
 * with the credentials it signed. Retired keys stay published so what they signed still verifies.
 */
export const signingKeys = sqliteTable('signing_keys', {
  /** RFC 7638 JWK thumbprint */
  id: text('id').primaryKey(),
  publicJwk: text('public_jwk', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  /** PKCS #8 PEM */
  privateKey: text('private_key').notNull(),
  createdAt: integer('created_at').notNull(),
  retiredAt: integer('retired_at'),
});
