import { randomUUID } from 'node:crypto';
import { eq, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courses, lessons } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { renderMarkdown } from '../markdown.ts';
import { editableLesson, editableModule, readableLesson, type CourseRole, type LessonRow } from './access.ts';
import type { CreateLessonInput, LessonView, UpdateLessonInput } from './schema.ts';
import { iso, syllabusOf } from './views.ts';

/**
 * THE serialisation of a lesson for its reader. Video and quiz features extend the lesson here (add their
 * optional fields to `LessonView` in schema.ts and fill them below), so every route that returns a lesson agrees.
 * `role` is the reader's role in the course: the markdown source goes to staff only.
 */
export function lessonView(db: Db, lesson: LessonRow, role: CourseRole): LessonView {
  const order = syllabusOf(db, lesson.courseId).flatMap((m) => m.lessons.map((l) => l.id));
  const at = order.indexOf(lesson.id);
  return {
    id: lesson.id,
    moduleId: lesson.moduleId,
    courseId: lesson.courseId,
    title: lesson.title,
    kind: lesson.kind as LessonView['kind'],
    estimatedMinutes: lesson.estimatedMinutes,
    optional: lesson.optional,
    html: renderMarkdown(lesson.body),
    ...(role === 'staff' ? { body: lesson.body } : {}),
    prevLessonId: at > 0 ? order[at - 1] : null,
    nextLessonId: at >= 0 && at < order.length - 1 ? order[at + 1] : null,
    updatedAt: iso(lesson.updatedAt),
  };
}

/**
 * What other features add to a lesson for its reader (the video, the sequential lock). Passed in by the app, so
 * courses do not depend on those features.
 */
export type LessonExtras = (lesson: LessonRow, user: UserRow | null) => Pick<LessonView, 'video' | 'lock'>;

/**
 * What other features do when lessons are deleted (the video feature queues the removal of their files). Called
 * inside the deleting transaction, before the rows go, so what cascades away can still be read. Passed in by the
 * app, like LessonExtras.
 */
export type BeforeLessonsDelete = (lessonIds: string[]) => void;

export function createLessonService({ db, clock, extras, beforeDelete }: { db: Db; clock: Clock; extras?: LessonExtras; beforeDelete?: BeforeLessonsDelete }) {
  const row = (id: string) => db.select().from(lessons).where(eq(lessons.id, id)).get()!;
  const touchCourse = (courseId: string, now: number) => db.update(courses).set({ updatedAt: now }).where(eq(courses.id, courseId)).run();

  return {
    get(user: UserRow | null, lessonId: string): LessonView {
      const { lesson, role } = readableLesson(db, user, lessonId);
      const view = lessonView(db, lesson, role);
      const more = extras?.(lesson, user) ?? {};
      // A lesson that is still locked shows its place in the course, not its content.
      if (more.lock?.locked) return { ...view, html: '', lock: more.lock };
      return { ...view, ...more };
    },

    /** A new lesson goes to the end of its module. */
    create(actor: UserRow, moduleId: string, input: CreateLessonInput): LessonView {
      const { module } = editableModule(db, actor, moduleId);
      const id = randomUUID();
      const now = clock();
      db.transaction((tx) => {
        const position = (tx.select({ p: max(lessons.position) }).from(lessons).where(eq(lessons.moduleId, moduleId)).get()?.p ?? -1) + 1;
        tx.insert(lessons)
          .values({
            id,
            moduleId,
            courseId: module.courseId,
            title: input.title.trim(),
            kind: input.kind,
            estimatedMinutes: input.estimatedMinutes ?? 5,
            optional: input.optional ?? false,
            body: input.body ?? '',
            position,
            createdAt: now,
            updatedAt: now,
          })
          .run();
        touchCourse(module.courseId, now);
      });
      return lessonView(db, row(id), 'staff');
    },

    update(actor: UserRow, lessonId: string, patch: UpdateLessonInput): LessonView {
      const { lesson } = editableLesson(db, actor, lessonId);
      const now = clock();
      db.transaction((tx) => {
        tx.update(lessons)
          .set({ ...patch, ...(patch.title !== undefined ? { title: patch.title.trim() } : {}), updatedAt: now })
          .where(eq(lessons.id, lessonId))
          .run();
        touchCourse(lesson.courseId, now);
      });
      return lessonView(db, row(lessonId), 'staff');
    },

    delete(actor: UserRow, lessonId: string): void {
      const { lesson } = editableLesson(db, actor, lessonId);
      db.transaction((tx) => {
        beforeDelete?.([lessonId]);
        tx.delete(lessons).where(eq(lessons.id, lessonId)).run();
        touchCourse(lesson.courseId, clock());
      });
    },
  };
}
export type LessonService = ReturnType<typeof createLessonService>;
