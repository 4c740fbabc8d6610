import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { lessons } from './courses.ts';
import { users } from './accounts.ts';

/** One quiz per lesson of kind `quiz`. `settings` is validated by server/quizzes (TypeBox). */
export const quizzes = sqliteTable('quizzes', {
  lessonId: text('lesson_id')
    .primaryKey()
    .references(() => lessons.id, { onDelete: 'cascade' }),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** A question with its answer key in `data`. Never serialised to a learner as is. */
export const questions = sqliteTable(
  'questions',
  {
    id: text('id').primaryKey(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    type: text('type').notNull(),
    /** Markdown */
    text: text('text').notNull(),
    points: real('points').notNull().default(1),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('questions_lesson_idx').on(t.lessonId, t.position)],
);

export const attempts = sqliteTable(
  'attempts',
  {
    id: text('id').primaryKey(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Frozen at start: question ids and shuffled choice orders, so a reload shows the same attempt. */
    layout: text('layout', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    answers: text('answers', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    startedAt: integer('started_at').notNull(),
    submittedAt: integer('submitted_at'),
    score: real('score'),
    maxScore: real('max_score'),
    percent: real('percent'),
    passed: integer('passed', { mode: 'boolean' }),
    results: text('results', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  // Covering for the course analytics' activity dates and for finding each learner's first submitted attempt.
  (t) => [index('attempts_lesson_user_idx').on(t.lessonId, t.userId, t.submittedAt, t.id, t.startedAt)],
);
