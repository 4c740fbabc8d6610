import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Range } from './ranges.ts';

/** What the progress functions need; the quiz feature and the lesson view pass the same `{ db, clock }`. */
export interface ProgressDeps {
  db: Db;
  clock: Clock;
}

export interface LessonInfo {
  lessonId: string;
  courseId: string;
  kind: string;
  optional: boolean;
  /** Of the lesson's current video; null while unknown (no video yet, or not probed). */
  durationSeconds: number | null;
  completionPercent: number;
  sequential: boolean;
  courseStatus: string;
  institutionId: string | null;
}

export interface OrderedLesson {
  id: string;
  title: string;
  kind: string;
  optional: boolean;
}

export interface ProgressRow {
  lessonId: string;
  position: number;
  watchedSeconds: number;
  updatedAt: number;
  completedAt: number | null;
}

/**
 * Statements are compiled once per database and reused: on the heartbeat path, building SQL per call would cost
 * more than running it.
 */
function prepare(db: Db) {
  const c = db.$client;
  return {
    lessonInfo: c.prepare(
      `SELECT l.id AS lessonId, l.course_id AS courseId, l.kind AS kind, l.optional AS optional,
              v.duration_seconds AS durationSeconds, c.video_completion_percent AS completionPercent,
              c.sequential AS sequential, c.status AS courseStatus, c.institution_id AS institutionId
         FROM lessons l JOIN courses c ON c.id = l.course_id LEFT JOIN videos v ON v.id = l.video_id
        WHERE l.id = ?`,
    ),
    orderedLessons: c.prepare(
      `SELECT l.id AS id, l.title AS title, l.kind AS kind, l.optional AS optional
         FROM lessons l JOIN modules m ON m.id = l.module_id
        WHERE l.course_id = ?
        ORDER BY m.position, m.created_at, m.id, l.position, l.created_at, l.id`,
    ),
    progressRows: c.prepare(
      `SELECT lesson_id AS lessonId, position, watched_seconds AS watchedSeconds, updated_at AS updatedAt, completed_at AS completedAt
         FROM lesson_progress WHERE user_id = ? AND course_id = ?`,
    ),
    completedIds: c.prepare(`SELECT lesson_id AS id FROM lesson_progress WHERE user_id = ? AND course_id = ? AND completed_at IS NOT NULL`),
    rangesOf: c.prepare(`SELECT watched_ranges AS ranges, completed_at AS completedAt FROM lesson_progress WHERE user_id = ? AND lesson_id = ?`),
    upsertBeat: c.prepare(
      `INSERT INTO lesson_progress (user_id, lesson_id, course_id, position, watched_ranges, watched_seconds, first_opened_at, updated_at, completed_at)
       VALUES (@userId, @lessonId, @courseId, @position, @ranges, @watched, @at, @at, @completedAt)
       ON CONFLICT (user_id, lesson_id) DO UPDATE SET
         position = excluded.position,
         watched_ranges = excluded.watched_ranges,
         watched_seconds = excluded.watched_seconds,
         updated_at = max(lesson_progress.updated_at, excluded.updated_at),
         completed_at = coalesce(lesson_progress.completed_at, excluded.completed_at)`,
    ),
    upsertComplete: c.prepare(
      `INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at)
       VALUES (@userId, @lessonId, @courseId, @at, @at, @at)
       ON CONFLICT (user_id, lesson_id) DO UPDATE SET
         updated_at = max(lesson_progress.updated_at, excluded.updated_at),
         completed_at = coalesce(lesson_progress.completed_at, excluded.completed_at)`,
    ),
    touchEnrolment: c.prepare(
      `UPDATE enrolments SET last_activity_at = max(coalesce(last_activity_at, 0), ?) WHERE course_id = ? AND user_id = ?`,
    ),
    counts: c.prepare(
      `SELECT count(*) AS total,
              coalesce(sum(l.optional = 0), 0) AS required,
              count(p.completed_at) AS totalDone,
              coalesce(sum(l.optional = 0 AND p.completed_at IS NOT NULL), 0) AS requiredDone
         FROM lessons l LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = ?
        WHERE l.course_id = ?`,
    ),
    completeEnrolment: c.prepare(`UPDATE enrolments SET completed_at = ? WHERE course_id = ? AND user_id = ? AND completed_at IS NULL`),
    enrolment: c.prepare(
      `SELECT status, enrolled_at AS enrolledAt, last_activity_at AS lastActivityAt, completed_at AS completedAt
         FROM enrolments WHERE course_id = ? AND user_id = ?`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;
const prepared = new WeakMap<Db, Statements>();

export function statements(db: Db): Statements {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

export function lessonInfo(db: Db, lessonId: string): LessonInfo | null {
  const r = statements(db).lessonInfo.get(lessonId) as (Omit<LessonInfo, 'optional' | 'sequential'> & { optional: number; sequential: number }) | undefined;
  if (!r) return null;
  return { ...r, optional: !!r.optional, sequential: !!r.sequential };
}

/** The reading order of a course: modules in order, lessons in order within each (as the syllabus shows them). */
export function orderedLessons(db: Db, courseId: string): OrderedLesson[] {
  return (statements(db).orderedLessons.all(courseId) as (Omit<OrderedLesson, 'optional'> & { optional: number })[]).map((l) => ({
    ...l,
    optional: !!l.optional,
  }));
}

export function progressRows(db: Db, userId: string, courseId: string): ProgressRow[] {
  return statements(db).progressRows.all(userId, courseId) as ProgressRow[];
}

export function completedLessonIds(db: Db, userId: string, courseId: string): Set<string> {
  return new Set((statements(db).completedIds.all(userId, courseId) as { id: string }[]).map((r) => r.id));
}

/**
 * A course counts its required lessons; a course whose lessons are all optional counts all of them, so it can
 * still be completed. Floor, so 100 % means done.
 */
export function percentOf(counts: { total: number; required: number; totalDone: number; requiredDone: number }) {
  const basis = counts.required > 0 ? counts.required : counts.total;
  const done = counts.required > 0 ? counts.requiredDone : counts.totalDone;
  return { percent: basis ? Math.floor((100 * done) / basis) : 0, complete: basis > 0 && done >= basis };
}

export function courseCounts(db: Db, userId: string, courseId: string) {
  return percentOf(statements(db).counts.get(userId, courseId) as { total: number; required: number; totalDone: number; requiredDone: number });
}

/** Stamps the enrolment's completion date the first time every counted lesson is done. Call inside a transaction. */
export function settleCourse(db: Db, userId: string, courseId: string, at: number): boolean {
  const { complete } = courseCounts(db, userId, courseId);
  if (complete) statements(db).completeEnrolment.run(at, courseId, userId);
  return complete;
}

/** Accepted heartbeats merged per (user, lesson), waiting for the next flush. */
export interface PendingBeat {
  userId: string;
  lessonId: string;
  courseId: string;
  position: number;
  /** Normalised (mergeRanges) against durationSeconds. */
  ranges: Range[];
  durationSeconds: number | null;
  completionPercent: number;
  /** Clock time of the latest beat. */
  at: number;
  /** How many requests this entry stands for. */
  beats: number;
}

/**
 * Write-behind buffers, by the database they write to. Whoever reads progress from a database first flushes the
 * buffers of that database, so every reader sees every accepted beat; this is why the registry is keyed by Db
 * rather than hidden in a service instance that readers elsewhere (lesson view, quizzes, statistics) never see.
 */
export interface BeatBuffer {
  flush(): void;
  stats(): BeatStats;
}
export interface BeatStats {
  accepted: number;
  persisted: number;
  dropped: number;
  flushes: number;
  pending: number;
  /** Seconds of play claimed beyond what wall time allows (see playAllowance), not counted as watched. */
  implausibleSeconds: number;
}

const buffers = new WeakMap<Db, Set<BeatBuffer>>();

export function registerBuffer(db: Db, buffer: BeatBuffer): () => void {
  let set = buffers.get(db);
  if (!set) buffers.set(db, (set = new Set()));
  set.add(buffer);
  return () => set.delete(buffer);
}

/** Persists every accepted heartbeat now. Call before reading lesson_progress or enrolments' activity dates. */
export function flushPendingProgress(db: Db): void {
  for (const b of buffers.get(db) ?? []) b.flush();
}

/** Counters summed over the buffers of a database (benchmarks, health). */
export function progressStats(db: Db): BeatStats {
  const sum: BeatStats = { accepted: 0, persisted: 0, dropped: 0, flushes: 0, pending: 0, implausibleSeconds: 0 };
  for (const b of buffers.get(db) ?? []) {
    const s = b.stats();
    for (const k of Object.keys(sum) as (keyof BeatStats)[]) sum[k] += s[k];
  }
  return sum;
}
