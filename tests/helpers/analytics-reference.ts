import type { Db } from '../../db/client.ts';
import { normaliseText } from '../../server/quizzes/grading.ts';
import { flushPendingProgress, orderedLessons } from '../../server/progress/store.ts';
import { bucketsFor, plainText, RETENTION_BUCKETS, type CourseAnalytics, type QuizResults, type VideoRetention } from '../../server/stats/analytics.ts';

/**
 * The course analytics as first written (server/stats/analytics.ts before migration 0006): every learner's rows
 * read into memory and counted one by one. Slow, but plain enough to be the definition the fast version is held
 * to (tests/server/analytics-exact.test.ts).
 */

/** Seconds of [from, to) covered by sorted, non-overlapping ranges. */
function covered(ranges: [number, number][], from: number, to: number): number {
  let sum = 0;
  for (const [a, b] of ranges) {
    if (b <= from) continue;
    if (a >= to) break;
    sum += Math.min(b, to) - Math.max(a, from);
  }
  return sum;
}

export function referenceRetention(viewerRanges: [number, number][][], duration: number, buckets = RETENTION_BUCKETS): VideoRetention['buckets'] {
  const width = duration / buckets;
  return Array.from({ length: buckets }, (_, k) => {
    const from = k * width;
    const to = (k + 1) * width;
    const viewers = viewerRanges.filter((r) => covered(r, from, to) >= width / 2).length;
    return { fromSecond: Math.round(from * 10) / 10, toSecond: Math.round(to * 10) / 10, viewers, share: viewerRanges.length ? Math.round((viewers / viewerRanges.length) * 1000) / 1000 : 0 };
  });
}

const parseJson = <T>(s: string | null, fallback: T): T => {
  if (s === null) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

interface QuestionRow {
  id: string;
  lessonId: string;
  position: number;
  type: string;
  text: string;
  data: string;
}

/** The labels of the wrong parts of an answer: the choices a learner picked that are not (fully) right. */
function wrongAnswers(q: QuestionRow, data: Record<string, unknown>, value: unknown): string[] {
  const choices = (data.choices as { id: string; text: string; correct?: boolean }[] | undefined) ?? [];
  const label = (id: string) => {
    const c = choices.find((x) => x.id === id);
    return c ? plainText(c.text, 80) : null;
  };
  switch (q.type) {
    case 'single':
      return typeof value === 'string' ? [label(value)].filter((x): x is string => !!x) : [];
    case 'multiple':
      return Array.isArray(value) ? value.filter((id) => typeof id === 'string' && !choices.find((c) => c.id === id)?.correct).map((id) => label(id as string)).filter((x): x is string => !!x) : [];
    case 'trueFalse':
      return value === 'true' || value === 'false' ? [value] : [];
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) ? [String(value)] : [];
    case 'text':
      return typeof value === 'string' && value.trim() ? [normaliseText(value).slice(0, 80)] : [];
    default:
      return []; // ordering, matching: no single answer to name
  }
}

export async function referenceAnalytics(db: Db, courseId: string, now: number): Promise<CourseAnalytics> {
  flushPendingProgress(db);
  const c = db.$client;

  // Learners: every enrolment but the course's own staff (as server/courses/access.ts defines staff). Read once;
  // the progress and attempt rows below are read by the course's indexes and filtered here, in one pass each.
  const course = c.prepare('SELECT published_at AS publishedAt, created_at AS createdAt, institution_id AS institutionId FROM courses WHERE id = ?').get(courseId) as {
    publishedAt: number | null;
    createdAt: number;
    institutionId: string | null;
  };
  const lecturers = new Set((c.prepare('SELECT user_id FROM course_lecturers WHERE course_id = ?').pluck().all(courseId) as string[]));
  const learners = (
    c
      .prepare(
        `SELECT e.user_id AS userId, e.enrolled_at AS enrolledAt, e.status AS status, e.completed_at AS completedAt, u.roles AS roles, u.institution_id AS institutionId
           FROM enrolments e JOIN users u ON u.id = e.user_id WHERE e.course_id = ?`,
      )
      .all(courseId) as { userId: string; enrolledAt: number; status: string; completedAt: number | null; roles: string; institutionId: string | null }[]
  ).filter(
    (l) =>
      !lecturers.has(l.userId) &&
      !l.roles.includes('"admin"') &&
      !(course.institutionId !== null && l.institutionId === course.institutionId && l.roles.includes('"institution-admin"')),
  );
  const isLearner = new Set(learners.map((l) => l.userId));

  // The progress rows of a big course are tens of thousands of random reads: in batches of learners, letting
  // other requests run in between, so the event loop is never held for long.
  const progressStmt = c
    .prepare(
      `SELECT user_id, lesson_id, first_opened_at, updated_at, completed_at, CASE WHEN watched_seconds > 0 THEN watched_ranges END
         FROM lesson_progress WHERE course_id = ? AND user_id IN (SELECT value FROM json_each(?))`,
    )
    .raw(true);
  const progress: [string, string, number, number, number | null, string | null][] = [];
  for (let i = 0; i < learners.length; i += 1000) {
    if (i) await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = learners.slice(i, i + 1000).map((l) => l.userId);
    for (const row of progressStmt.all(courseId, JSON.stringify(batch)) as typeof progress) progress.push(row);
  }
  const lessons = orderedLessons(db, courseId);
  const attempts = (
    c
      .prepare(
        `SELECT user_id AS userId, lesson_id AS lessonId, started_at AS startedAt, submitted_at AS submittedAt, answers, results, percent, passed
           FROM attempts WHERE lesson_id IN (SELECT value FROM json_each(?)) ORDER BY submitted_at IS NULL, submitted_at, id`,
      )
      .all(JSON.stringify(lessons.map((l) => l.id))) as { userId: string; lessonId: string; startedAt: number; submittedAt: number | null; answers: string; results: string | null; percent: number | null; passed: number | null }[]
  ).filter((a) => isLearner.has(a.userId));

  const showed = new Set(progress.map((r) => r[0]));
  const completions = learners.filter((l) => l.completedAt !== null).length;
  const summary = {
    enrolments: learners.length,
    currentlyEnrolled: learners.filter((l) => l.status === 'active').length,
    shows: showed.size,
    completions,
    completionRateOfShows: showed.size ? Math.round((completions / showed.size) * 1000) / 1000 : null,
  };

  // ---- timeline --------------------------------------------------------------------------------------------
  const start = learners.reduce((m, l) => Math.min(m, l.enrolledAt), course.publishedAt ?? course.createdAt);
  const b = bucketsFor(start, Math.max(now, start));
  const n = b.starts.length;
  const enrolled = new Array<number>(n).fill(0);
  const done = new Array<number>(n).fill(0);
  const active = Array.from({ length: n }, () => new Set<string>());
  const at = (ms: number) => Math.min(n - 1, Math.max(0, b.index(ms)));
  for (const l of learners) {
    enrolled[at(l.enrolledAt)]++;
    active[at(l.enrolledAt)].add(l.userId);
    if (l.completedAt !== null) {
      done[at(l.completedAt)]++;
      active[at(l.completedAt)].add(l.userId);
    }
  }
  for (const [u, , opened, updated, completed] of progress) {
    active[at(opened)].add(u);
    active[at(updated)].add(u);
    if (completed !== null) active[at(completed)].add(u);
  }
  for (const a of attempts) {
    active[at(a.startedAt)].add(a.userId);
    if (a.submittedAt !== null) active[at(a.submittedAt)].add(a.userId);
  }
  const timeline = b.starts.map((s, i) => ({ period: b.label(s), enrolments: enrolled[i], activeLearners: active[i].size, completions: done[i] }));

  // ---- funnel --------------------------------------------------------------------------------------------------
  const perLesson = new Map<string, { started: number; completed: number }>();
  for (const [, lessonId, , , completed] of progress) {
    let row = perLesson.get(lessonId);
    if (!row) perLesson.set(lessonId, (row = { started: 0, completed: 0 }));
    row.started++;
    if (completed !== null) row.completed++;
  }
  const funnel = lessons.map((l) => ({ lessonId: l.id, title: l.title, kind: l.kind, optional: l.optional, started: perLesson.get(l.id)?.started ?? 0, completed: perLesson.get(l.id)?.completed ?? 0 }));

  // ---- video retention -----------------------------------------------------------------------------------------
  const videoLessons = c
    .prepare(`SELECT l.id AS id, v.duration_seconds AS duration FROM lessons l LEFT JOIN videos v ON v.id = l.video_id WHERE l.course_id = ? AND l.kind = 'video'`)
    .all(courseId) as { id: string; duration: number | null }[];
  const watched = new Map<string, [number, number][][]>();
  for (const [, lessonId, , , , ranges] of progress) {
    if (ranges === null) continue;
    const list = watched.get(lessonId) ?? [];
    list.push(parseJson<[number, number][]>(ranges, []));
    watched.set(lessonId, list);
  }
  const titles = new Map(lessons.map((l) => [l.id, l.title]));
  const videos = lessons
    .filter((l) => l.kind === 'video')
    .map((l) => {
      const viewers = watched.get(l.id) ?? [];
      const known = videoLessons.find((v) => v.id === l.id)?.duration ?? null;
      const duration = known ?? viewers.reduce((m, r) => Math.max(m, r.length ? r[r.length - 1][1] : 0), 0);
      return { lessonId: l.id, title: l.title, durationSeconds: Math.round(duration * 10) / 10, viewers: viewers.length, buckets: duration > 0 ? referenceRetention(viewers, duration) : [] };
    });

  // ---- quiz results per question -------------------------------------------------------------------------------
  const quizIds = lessons.filter((l) => l.kind === 'quiz').map((l) => l.id);
  const quizzes: QuizResults[] = [];
  if (quizIds.length) {
    const idsJson = JSON.stringify(quizIds);
    const questions = c
      .prepare(`SELECT id, lesson_id AS lessonId, position, type, text, data FROM questions WHERE lesson_id IN (SELECT value FROM json_each(?)) ORDER BY lesson_id, position, id`)
      .all(idsJson) as QuestionRow[];
    for (const lessonId of quizIds) {
      const firsts = new Map<string, (typeof attempts)[number]>();
      for (const a of attempts) if (a.submittedAt !== null && a.lessonId === lessonId && !firsts.has(a.userId)) firsts.set(a.userId, a);
      const analysed = [...firsts.values()].map((a) => ({
        answers: parseJson<Record<string, unknown>>(a.answers, {}),
        results: parseJson<{ questions?: Record<string, { outcome?: string }> }>(a.results, {}).questions ?? {},
        percent: a.percent,
        passed: !!a.passed,
      }));
      const percents = analysed.map((a) => a.percent).filter((x): x is number => x !== null);
      quizzes.push({
        lessonId,
        title: titles.get(lessonId) ?? '',
        learners: analysed.length,
        averagePercent: percents.length ? Math.round((percents.reduce((x, y) => x + y, 0) / percents.length) * 10) / 10 : null,
        passed: analysed.filter((a) => a.passed).length,
        questions: questions
          .filter((q) => q.lessonId === lessonId)
          .map((q, i) => {
            const data = parseJson<Record<string, unknown>>(q.data, {});
            let answered = 0;
            let correct = 0;
            let partial = 0;
            const wrong = new Map<string, number>();
            for (const a of analysed) {
              const outcome = a.results[q.id]?.outcome;
              if (!outcome || outcome === 'unanswered') continue;
              answered++;
              if (outcome === 'correct') correct++;
              else {
                if (outcome === 'partial') partial++;
                for (const w of wrongAnswers(q, data, a.answers[q.id])) wrong.set(w, (wrong.get(w) ?? 0) + 1);
              }
            }
            const top = [...wrong.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
            return {
              questionId: q.id,
              position: i + 1,
              type: q.type,
              text: plainText(q.text),
              answered,
              correct,
              partial,
              difficulty: answered ? Math.round((correct / answered) * 1000) / 1000 : null,
              mostChosenWrong: top ? { answer: top[0], count: top[1] } : null,
            };
          }),
      });
    }
  }

  return { generatedAt: new Date(now).toISOString(), summary, granularity: b.granularity, timeline, funnel, videos, quizzes };
}
