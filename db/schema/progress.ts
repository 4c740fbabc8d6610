import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { courses, lessons } from './courses.ts';
import { users } from './accounts.ts';

/** One row per learner and lesson they opened. Watched ranges are merged, so watchedSeconds counts unique seconds. */
export const lessonProgress = sqliteTable(
  'lesson_progress',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    courseId: text('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    /** Resume position in seconds (video lessons). */
    position: real('position').notNull().default(0),
    /** Sorted, non-overlapping [from, to] pairs in seconds. */
    watchedRanges: text('watched_ranges', { mode: 'json' }).$type<[number, number][]>().notNull().default(sql`'[]'`),
    watchedSeconds: real('watched_seconds').notNull().default(0),
    firstOpenedAt: integer('first_opened_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.lessonId] }),
    // Covering for a course's rows learner by learner: course analytics (server/stats/analytics.ts) read every
    // column they use from this index, in order, instead of one random table read per row.
    index('lesson_progress_course_idx').on(t.courseId, t.userId, t.lessonId, t.firstOpenedAt, t.updatedAt, t.completedAt, t.watchedSeconds, t.watchedRanges),
  ],
);
