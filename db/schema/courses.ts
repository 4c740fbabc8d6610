import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { institutions, users } from './accounts.ts';

export const courses = sqliteTable(
  'courses',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    /** Markdown, rendered and sanitised on read. */
    description: text('description').notNull().default(''),
    /** BCP 47 tags, JSON array. */
    languages: text('languages', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    institutionId: text('institution_id').references(() => institutions.id, { onDelete: 'restrict' }),
    coverImageKey: text('cover_image_key'),
    licence: text('licence').notNull().default('CC-BY-4.0'),
    workloadHours: real('workload_hours'),
    estimatedWeeks: integer('estimated_weeks'),
    ects: real('ects'),
    eqfLevel: integer('eqf_level'),
    iscedCode: text('isced_code'),
    learningOutcomes: text('learning_outcomes', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    prerequisites: text('prerequisites').notNull().default(''),
    keywords: text('keywords', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** draft | published | archived */
    status: text('status').notNull().default('draft'),
    listed: integer('listed', { mode: 'boolean' }).notNull().default(true),
    enrolmentOpensAt: integer('enrolment_opens_at'),
    enrolmentClosesAt: integer('enrolment_closes_at'),
    startsAt: integer('starts_at'),
    endsAt: integer('ends_at'),
    /** A video lesson completes once this share of its unique seconds has been watched. */
    videoCompletionPercent: integer('video_completion_percent').notNull().default(90),
    /** Lessons unlock in order: a lesson opens once every earlier required lesson is complete. */
    sequential: integer('sequential', { mode: 'boolean' }).notNull().default(false),
    /** Maintained by enrol/unenrol in the same transaction, so the catalogue can sort on it cheaply. */
    enrolmentCount: integer('enrolment_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    publishedAt: integer('published_at'),
  },
  (t) => [
    index('courses_institution_idx').on(t.institutionId),
    // The catalogue (server/courses/search.ts, measured by scripts/bench/catalogue-search.ts): browsing walks
    // this index in published_at order and counts and filters without touching the wide rows (a description
    // can run to 50 kB); the second one covers the join from full-text hits to their filter columns.
    index('courses_catalogue_idx').on(t.status, t.listed, t.publishedAt, t.enrolmentCount, t.eqfLevel, t.iscedCode, t.institutionId, t.languages, t.id),
    index('courses_catalogue_by_id_idx').on(t.id, t.status, t.listed, t.publishedAt, t.enrolmentCount, t.eqfLevel, t.iscedCode, t.institutionId, t.languages),
  ],
);

export const coursePartners = sqliteTable(
  'course_partners',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.institutionId] })],
);

export const courseLecturers = sqliteTable(
  'course_lecturers',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | co-lecturer */
    role: text('role').notNull().default('co-lecturer'),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('course_lecturers_user_idx').on(t.userId)],
);

export const modules = sqliteTable(
  'modules',
  {
    id: text('id').primaryKey(),
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    position: integer('position').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('modules_course_idx').on(t.courseId, t.position)],
);

export const lessons = sqliteTable(
  'lessons',
  {
    id: text('id').primaryKey(),
    moduleId: text('module_id')
      .notNull()
      .references(() => modules.id, { onDelete: 'cascade' }),
    /** Denormalised from the module so access checks need one lookup. */
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** text | video | quiz */
    kind: text('kind').notNull(),
    estimatedMinutes: integer('estimated_minutes').notNull().default(5),
    position: integer('position').notNull(),
    /** Markdown body of a text lesson (also an optional intro for video and quiz lessons). */
    body: text('body').notNull().default(''),
    optional: integer('optional', { mode: 'boolean' }).notNull().default(false),
    /** The video that plays now; a replacement becomes current only once it is ready. */
    videoId: text('video_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('lessons_module_idx').on(t.moduleId, t.position), index('lessons_course_idx').on(t.courseId)],
);

export const enrolments = sqliteTable(
  'enrolments',
  {
    id: text('id').primaryKey(),
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** active | unenrolled. Unenrolling keeps the row (and progress); re-enrolling reactivates it. */
    status: text('status').notNull().default('active'),
    enrolledAt: integer('enrolled_at').notNull(),
    unenrolledAt: integer('unenrolled_at'),
    lastActivityAt: integer('last_activity_at'),
    completedAt: integer('completed_at'),
  },
  (t) => [
    uniqueIndex('enrolments_course_user_uq').on(t.courseId, t.userId),
    index('enrolments_user_idx').on(t.userId),
    // Covering for a course's learners in course analytics (server/stats/analytics.ts).
    index('enrolments_course_learners_idx').on(t.courseId, t.userId, t.enrolledAt, t.status, t.completedAt),
  ],
);
