import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { courseLecturers, courses, enrolments, lessons, modules } from '../../db/schema/index.ts';

/**
 * Rows straight into the database, for tests of features that hang off courses (videos, quizzes, progress)
 * and should not depend on the course routes. For journeys through the API use tests/helpers/courses.ts.
 */
export interface Ctx {
  db: Db;
  clock: () => number;
}

export type CourseRow = typeof courses.$inferSelect;
export type ModuleRow = typeof modules.$inferSelect;
export type LessonRow = typeof lessons.$inferSelect;

let n = 0;

export function makeCourse(
  t: Ctx,
  opts: { status?: 'draft' | 'published' | 'archived'; lecturerId?: string | string[]; institutionId?: string | null; title?: string } = {},
): CourseRow {
  const now = t.clock();
  const id = randomUUID();
  const row = t.db
    .insert(courses)
    .values({
      id,
      slug: `course-${++n}-${id.slice(0, 8)}`,
      title: opts.title ?? `Course ${n}`,
      status: opts.status ?? 'published',
      institutionId: opts.institutionId ?? null,
      createdAt: now,
      updatedAt: now,
      publishedAt: (opts.status ?? 'published') === 'published' ? now : null,
    })
    .returning()
    .get();
  const lecturers = opts.lecturerId === undefined ? [] : Array.isArray(opts.lecturerId) ? opts.lecturerId : [opts.lecturerId];
  lecturers.forEach((userId, position) => {
    t.db.insert(courseLecturers).values({ courseId: id, userId, role: position === 0 ? 'owner' : 'co-lecturer', position }).run();
  });
  return row;
}

export function makeModule(t: Ctx, opts: { courseId: string; title?: string; position?: number }): ModuleRow {
  const now = t.clock();
  return t.db
    .insert(modules)
    .values({ id: randomUUID(), courseId: opts.courseId, title: opts.title ?? 'Module', position: opts.position ?? 0, createdAt: now, updatedAt: now })
    .returning()
    .get();
}

/** A lesson in the given module, or in a new module of the course. */
export function makeLesson(
  t: Ctx,
  opts: { courseId: string; moduleId?: string; kind?: 'text' | 'video' | 'quiz'; title?: string; position?: number; body?: string },
): LessonRow {
  const now = t.clock();
  const moduleId = opts.moduleId ?? makeModule(t, { courseId: opts.courseId }).id;
  return t.db
    .insert(lessons)
    .values({
      id: randomUUID(),
      moduleId,
      courseId: opts.courseId,
      title: opts.title ?? `Lesson ${++n}`,
      kind: opts.kind ?? 'text',
      position: opts.position ?? 0,
      body: opts.body ?? '',
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export function enrol(t: Ctx, opts: { courseId: string; userId: string; status?: 'active' | 'unenrolled' }) {
  return t.db
    .insert(enrolments)
    .values({ id: randomUUID(), courseId: opts.courseId, userId: opts.userId, status: opts.status ?? 'active', enrolledAt: t.clock() })
    .returning()
    .get();
}
