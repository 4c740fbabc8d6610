import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { lessons } from './courses.ts';
import { users } from './accounts.ts';

/** States: uploaded -> queued -> processing -> ready | failed (see media/states.ts; changed only there). */
export const videos = sqliteTable(
  'videos',
  {
    id: text('id').primaryKey(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    uploadedBy: text('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    status: text('status').notNull(),
    /** 0..100 while processing. */
    progress: real('progress').notNull().default(0),
    error: text('error'),
    originalName: text('original_name'),
    /** Storage key of the original upload; never served to learners. */
    sourceKey: text('source_key'),
    sizeBytes: integer('size_bytes'),
    durationSeconds: real('duration_seconds'),
    width: integer('width'),
    height: integer('height'),
    /** JSON description of the HLS ladder that was produced. */
    renditions: text('renditions', { mode: 'json' }).$type<unknown[]>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    readyAt: integer('ready_at'),
  },
  (t) => [index('videos_lesson_idx').on(t.lessonId)],
);

export const captions = sqliteTable(
  'captions',
  {
    videoId: text('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** BCP 47 */
    language: text('language').notNull(),
    label: text('label').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.language] })],
);

/** Durable jobs, claimed with a lease. A job whose lease has gone stale is claimable again. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** queued | running | done | failed */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    runAfter: integer('run_after').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('jobs_claim_idx').on(t.status, t.runAfter)],
);
