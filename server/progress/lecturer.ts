import type { Db } from '../../db/client.ts';
import type { UserRow } from '../auth/session.ts';
import { forbidden, notFound } from '../errors.ts';
import { visibleCourse, type CourseRow } from '../courses/access.ts';
import { DELETED_EMAIL_PATTERN } from '../privacy/service.ts';
import { csvLine } from './csv.ts';
import { flushPendingProgress, orderedLessons, percentOf, progressRows, type OrderedLesson } from './store.ts';
import type { LearnerDetailResponse, LearnerSummary, LearnersParams, LearnersResponse } from './schema.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

/**
 * The learners of a course are its active enrolments, minus the course's own lecturers (their trial runs are
 * not learning) and minus deleted accounts (their rows stay for the counts, but there is no one left to show).
 */
const LEARNERS = `
  FROM enrolments e JOIN users u ON u.id = e.user_id
 WHERE e.course_id = @courseId AND e.status = 'active'
   AND NOT (u.disabled = 1 AND u.email LIKE @deleted)
   AND NOT EXISTS (SELECT 1 FROM course_lecturers cl WHERE cl.course_id = e.course_id AND cl.user_id = e.user_id)
   AND (@q IS NULL OR u.name LIKE @q ESCAPE '\\' OR u.email LIKE @q ESCAPE '\\')
   AND (@userId IS NULL OR u.id = @userId)`;

interface LearnerRow {
  userId: string;
  name: string;
  email: string;
  enrolledAt: number;
  lastActivityAt: number | null;
  completedAt: number | null;
}

const likePattern = (q: string | undefined) => {
  const t = q?.trim();
  return t ? `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
};

export function createLecturerViews({ db }: { db: Db }) {
  function staffCourse(user: UserRow, courseId: string): CourseRow {
    const { course, role } = visibleCourse(db, user, courseId);
    if (role !== 'staff') throw forbidden('Only the lecturers of this course may see its learners.');
    return course;
  }

  function learnerRows(courseId: string, opts: { q?: string; userId?: string; limit?: number; offset?: number }): { rows: LearnerRow[]; total: number } {
    const params = { courseId, deleted: DELETED_EMAIL_PATTERN, q: likePattern(opts.q), userId: opts.userId ?? null };
    const rows = db.$client
      .prepare(
        `SELECT u.id AS userId, u.name AS name, u.email AS email, e.enrolled_at AS enrolledAt,
                e.last_activity_at AS lastActivityAt, e.completed_at AS completedAt
         ${LEARNERS}
         ORDER BY u.name COLLATE NOCASE, u.id LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: opts.limit ?? -1, offset: opts.offset ?? 0 }) as LearnerRow[];
    const total = opts.limit === undefined ? rows.length : (db.$client.prepare(`SELECT count(*) AS n ${LEARNERS}`).get(params) as { n: number }).n;
    return { rows, total };
  }

  /** Percent and best quiz scores for a set of learners, with a few grouped queries rather than one per learner. */
  function summaries(courseId: string, lessons: OrderedLesson[], rows: LearnerRow[]): LearnerSummary[] {
    const ids = JSON.stringify(rows.map((r) => r.userId));
    const done = new Map(
      (
        db.$client
          .prepare(
            `SELECT p.user_id AS userId, count(*) AS totalDone, coalesce(sum(l.optional = 0), 0) AS requiredDone
               FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
              WHERE p.course_id = ? AND p.completed_at IS NOT NULL AND p.user_id IN (SELECT value FROM json_each(?))
              GROUP BY p.user_id`,
          )
          .all(courseId, ids) as { userId: string; totalDone: number; requiredDone: number }[]
      ).map((r) => [r.userId, r]),
    );
    const best = new Map<string, number>();
    for (const r of db.$client
      .prepare(
        `SELECT a.user_id AS userId, a.lesson_id AS lessonId, max(a.percent) AS best
           FROM attempts a JOIN lessons l ON l.id = a.lesson_id
          WHERE l.course_id = ? AND a.submitted_at IS NOT NULL AND a.user_id IN (SELECT value FROM json_each(?))
          GROUP BY a.user_id, a.lesson_id`,
      )
      .all(courseId, ids) as { userId: string; lessonId: string; best: number | null }[]) {
      if (r.best !== null) best.set(`${r.userId}|${r.lessonId}`, r.best);
    }
    const total = lessons.length;
    const required = lessons.filter((l) => !l.optional).length;
    const quizzes = lessons.filter((l) => l.kind === 'quiz');
    return rows.map((r) => {
      const d = done.get(r.userId);
      return {
        userId: r.userId,
        name: r.name,
        email: r.email,
        enrolledAt: iso(r.enrolledAt),
        lastActivityAt: isoOrNull(r.lastActivityAt),
        completedAt: isoOrNull(r.completedAt),
        percent: percentOf({ total, required, totalDone: d?.totalDone ?? 0, requiredDone: d?.requiredDone ?? 0 }).percent,
        quizScores: quizzes.map((q) => ({ lessonId: q.id, bestPercent: best.get(`${r.userId}|${q.id}`) ?? null })),
      };
    });
  }

  return {
    list(user: UserRow, courseId: string, query: LearnersParams): LearnersResponse {
      const course = staffCourse(user, courseId);
      flushPendingProgress(db);
      const lessons = orderedLessons(db, course.id);
      const { rows, total } = learnerRows(course.id, { q: query.q, limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
      return {
        items: summaries(course.id, lessons, rows),
        quizzes: lessons.filter((l) => l.kind === 'quiz').map((l) => ({ lessonId: l.id, title: l.title })),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    detail(user: UserRow, courseId: string, userId: string): LearnerDetailResponse {
      const course = staffCourse(user, courseId);
      flushPendingProgress(db);
      const { rows } = learnerRows(course.id, { userId });
      if (!rows.length) throw notFound('learner');
      const lessons = orderedLessons(db, course.id);
      const [learner] = summaries(course.id, lessons, rows);
      const progress = new Map(progressRows(db, userId, course.id).map((r) => [r.lessonId, r]));
      const durations = new Map(
        (
          db.$client
            .prepare(`SELECT l.id AS id, v.duration_seconds AS d FROM lessons l LEFT JOIN videos v ON v.id = l.video_id WHERE l.course_id = ?`)
            .all(course.id) as { id: string; d: number | null }[]
        ).map((r) => [r.id, r.d]),
      );
      const quiz = new Map(
        (
          db.$client
            .prepare(
              `SELECT a.lesson_id AS lessonId, count(*) AS attempts, max(a.percent) AS best, coalesce(max(a.passed), 0) AS passed
                 FROM attempts a JOIN lessons l ON l.id = a.lesson_id
                WHERE l.course_id = ? AND a.user_id = ? AND a.submitted_at IS NOT NULL
                GROUP BY a.lesson_id`,
            )
            .all(course.id, userId) as { lessonId: string; attempts: number; best: number | null; passed: number }[]
        ).map((r) => [r.lessonId, r]),
      );
      return {
        learner,
        lessons: lessons.map((l) => {
          const p = progress.get(l.id);
          const q = quiz.get(l.id);
          return {
            lessonId: l.id,
            title: l.title,
            kind: l.kind as 'text' | 'video' | 'quiz',
            optional: l.optional,
            completed: !!p?.completedAt,
            completedAt: isoOrNull(p?.completedAt),
            lastActivityAt: isoOrNull(p?.updatedAt),
            position: p?.position ?? 0,
            watchedSeconds: p?.watchedSeconds ?? 0,
            durationSeconds: durations.get(l.id) ?? null,
            quiz: l.kind === 'quiz' ? { attempts: q?.attempts ?? 0, bestPercent: q?.best ?? null, passed: !!q?.passed } : null,
          };
        }),
      };
    },

    /** Every learner matching q, one line each; a UTF-8 BOM so spreadsheet programs read accented names right. */
    csv(user: UserRow, courseId: string, q?: string): { filename: string; body: string } {
      const course = staffCourse(user, courseId);
      flushPendingProgress(db);
      const lessons = orderedLessons(db, course.id);
      const quizzes = lessons.filter((l) => l.kind === 'quiz');
      const { rows } = learnerRows(course.id, { q });
      const lines = [csvLine(['Name', 'E-mail', 'Enrolled at', 'Last activity', 'Completed at', 'Progress (%)', ...quizzes.map((z) => `Quiz best (%): ${z.title}`)])];
      for (const s of summaries(course.id, lessons, rows)) {
        lines.push(csvLine([s.name, s.email, s.enrolledAt, s.lastActivityAt, s.completedAt, s.percent, ...s.quizScores.map((z) => z.bestPercent)]));
      }
      return { filename: `learners-${course.slug.replace(/[^a-z0-9-]/gi, '')}.csv`, body: `\uFEFF${lines.join('')}` };
    },
  };
}
export type LecturerViews = ReturnType<typeof createLecturerViews>;
