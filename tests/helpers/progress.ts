import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { lessons as lessonsTable } from '../../db/schema/index.ts';
import { buildTestApp, registerUser, type Actor, type TestApp } from './app.ts';
import { enrol, makeCourse, makeModule, type LessonRow } from './factories.ts';

/** Rows straight into the database for the progress tests, so they do not depend on the course routes. */

export interface LessonSpec {
  kind?: 'text' | 'video' | 'quiz';
  optional?: boolean;
  /** Video lessons: the duration of their current video (null: not known yet). */
  duration?: number | null;
  title?: string;
}

export interface CourseSpec {
  lecturerId?: string;
  status?: 'draft' | 'published' | 'archived';
  sequential?: boolean;
  videoCompletionPercent?: number;
  /** Modules in order, each with its lessons in order. */
  modules: LessonSpec[][];
  title?: string;
}

export function buildCourse(t: TestApp, spec: CourseSpec) {
  const course = makeCourse(t, { status: spec.status ?? 'published', lecturerId: spec.lecturerId, title: spec.title });
  t.db.$client
    .prepare('UPDATE courses SET sequential = ?, video_completion_percent = ? WHERE id = ?')
    .run(spec.sequential ? 1 : 0, spec.videoCompletionPercent ?? 90, course.id);
  const lessons: LessonRow[] = [];
  const now = t.clock();
  spec.modules.forEach((specs, m) => {
    const mod = makeModule(t, { courseId: course.id, position: m, title: `Module ${m + 1}` });
    specs.forEach((l, i) => {
      const id = randomUUID();
      t.db.$client
        .prepare(
          `INSERT INTO lessons (id, module_id, course_id, title, kind, position, optional, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, mod.id, course.id, l.title ?? `L${m + 1}.${i + 1}`, l.kind ?? 'text', i, l.optional ? 1 : 0, now, now);
      if ((l.kind ?? 'text') === 'video') {
        const videoId = randomUUID();
        t.db.$client
          .prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, ?, 'ready', ?, ?, ?)`)
          .run(videoId, id, l.duration === undefined ? 100 : l.duration, now, now);
        t.db.$client.prepare('UPDATE lessons SET video_id = ? WHERE id = ?').run(videoId, id);
      }
      lessons.push(t.db.select().from(lessonsTable).where(eq(lessonsTable.id, id)).get()!);
    });
  });
  return { course, lessons };
}

/** A submitted quiz attempt, as the quiz feature would store it. */
export function addAttempt(t: TestApp, opts: { lessonId: string; userId: string; percent: number; passed?: boolean; answers?: Record<string, unknown> }) {
  const id = randomUUID();
  t.db.$client
    .prepare(
      `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed, results)
       VALUES (?, ?, ?, '{}', ?, ?, ?, ?, 10, ?, ?, '{"q1":{"correct":true}}')`,
    )
    .run(id, opts.lessonId, opts.userId, JSON.stringify(opts.answers ?? { q1: 'my answer' }), t.clock(), t.clock(), opts.percent / 10, opts.percent, opts.passed ? 1 : 0);
  return id;
}

export async function progressWorld() {
  const t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000' });
  // On a busy machine the start-up itself can block the event loop long enough for @fastify/under-pressure to
  // answer 503 until its next sample; wait for it to settle rather than fail on the first registration.
  for (let i = 0; i < 100 && (await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode === 503; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const lecturer = await registerUser(t, { name: 'Lucas Lecturer', roles: ['lecturer'] });
  const otherLecturer = await registerUser(t, { name: 'Otto Other', roles: ['lecturer'] });
  const learner = await registerUser(t, { name: 'Lena Learner' });
  const other = await registerUser(t, { name: 'Olaf Outsider' });
  const enrolIn = (actor: Actor, courseId: string) => enrol(t, { courseId, userId: actor.id });
  return { t, lecturer, otherLecturer, learner, other, enrolIn };
}

export const beat = (lessonId: string, ranges: [number, number][], position = ranges.length ? ranges[ranges.length - 1][1] : 0) => ({
  lessonId,
  position,
  ranges,
});
